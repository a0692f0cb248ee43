//! Build-time configuration.
//!
//! Meson passes these through `HANGAR_*` environment variables when it runs cargo
//! (see meson.build). A plain `cargo build` / `cargo run` from the source tree sets
//! none of them, so every value has a default that works from the checkout: the
//! release app ID, the system locale directory and the tree's own `data/` directory.
//! `option_env!` is read at compile time; cargo records these variables as inputs and
//! rebuilds when they change, so switching profiles never reuses a stale binary.

/// Picks the meson-provided value, or the source-tree default.
macro_rules! build_var {
    ($name:literal, $default:expr) => {
        match option_env!($name) {
            Some(value) => value,
            None => $default,
        }
    };
}

/// Application ID: `io.github.hangarapp.Hangar`, or `io.github.hangarapp.Hangar.Devel`
/// for the development profile so both builds can be installed side by side. It is
/// also the GSettings schema ID and the icon name.
pub const APP_ID: &str = build_var!("HANGAR_APP_ID", "io.github.hangarapp.Hangar");

/// `default` or `development` (meson option `profile`).
pub const PROFILE: &str = build_var!("HANGAR_PROFILE", "default");

pub const VERSION: &str = build_var!("HANGAR_VERSION", env!("CARGO_PKG_VERSION"));

/// Text domain for gettext: the name of the installed `.mo` files.
pub const GETTEXT_PACKAGE: &str = build_var!("HANGAR_GETTEXT_PACKAGE", "hangar");

/// Where the `.mo` files live. Uninstalled runs have no Hangar catalogue there and
/// simply show the English strings, which is what a developer build wants anyway.
pub const LOCALEDIR: &str = build_var!("HANGAR_LOCALEDIR", "/usr/share/locale");

/// Installed read-only data (`demo.xml`). From the tree it is the checkout's `data/`,
/// so `cargo run` finds the demo hypervisor without installing anything.
pub const PKGDATADIR: &str = build_var!(
    "HANGAR_PKGDATADIR",
    concat!(env!("CARGO_MANIFEST_DIR"), "/data")
);

/// Prefix of the gresource built by build.rs, the same for both profiles. GTK derives
/// the default resource base path from the app ID, which for the Devel build would be
/// `/io/github/hangarapp/Hangar/Devel`; setting this one explicitly makes both builds
/// load `style.css` and the icons. No trailing slash: GTK appends "/style.css" itself.
pub const RESOURCE_BASE_PATH: &str = "/io/github/hangarapp/Hangar";

/// True for the development profile: the UI adds the `devel` style class (striped
/// header bar) and may show extra diagnostics.
pub const fn is_devel() -> bool {
    matches!(PROFILE.as_bytes(), b"development")
}
