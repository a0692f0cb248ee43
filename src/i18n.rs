//! Loads the translation catalogue for the person's locale.

use gettextrs::{bind_textdomain_codeset, bindtextdomain, setlocale, textdomain, LocaleCategory};

use crate::config;

pub fn init() {
    setlocale(LocaleCategory::LcAll, "");
    // Failing here only means English strings; never worth refusing to start.
    let _ = bindtextdomain(config::GETTEXT_PACKAGE, config::LOCALEDIR);
    let _ = bind_textdomain_codeset(config::GETTEXT_PACKAGE, "UTF-8");
    let _ = textdomain(config::GETTEXT_PACKAGE);
}
