//! Shows results and failures as toasts. Cloned into every page that acts, so a page
//! reports what happened without knowing the window.

use std::cell::RefCell;
use std::rc::Rc;

use gtk::glib;

#[derive(Clone)]
pub struct Toaster {
    overlay: adw::ToastOverlay,
    last: Rc<RefCell<Option<String>>>,
}

impl Toaster {
    pub fn new(overlay: &adw::ToastOverlay) -> Self {
        Toaster {
            overlay: overlay.clone(),
            last: Rc::default(),
        }
    }

    /// Shows `text` (plain text, not markup) for a few seconds.
    pub fn show(&self, text: impl Into<String>) {
        let text = text.into();
        let toast = adw::Toast::builder()
            .title(glib::markup_escape_text(&text))
            .timeout(6)
            .build();
        self.overlay.add_toast(toast);
        self.last.replace(Some(text));
    }

    /// The last text shown: libadwaita 1.2 cannot list an overlay's toasts, and tests
    /// need to read what the person was told.
    pub fn last(&self) -> Option<String> {
        self.last.borrow().clone()
    }
}
