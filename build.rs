//! Compiles data/resources.gresource.xml into OUT_DIR/hangar.gresource, which the app
//! embeds with `gio::resources_register_include!("hangar.gresource")`. Doing it here
//! rather than in meson keeps a plain `cargo build` self-sufficient.

const PROFILES: [&str; 2] = ["default", "development"];

fn main() {
    // compile_resources also prints rerun-if-changed for every file the XML lists.
    glib_build_tools::compile_resources(
        &["data"],
        "data/resources.gresource.xml",
        "hangar.gresource",
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=data/resources.gresource.xml");

    // src/config.rs reads these with option_env!. Rustc already tracks them, but this
    // script checks the profile, so it must rerun when meson changes them too.
    for var in [
        "HANGAR_APP_ID",
        "HANGAR_PROFILE",
        "HANGAR_VERSION",
        "HANGAR_GETTEXT_PACKAGE",
        "HANGAR_LOCALEDIR",
        "HANGAR_PKGDATADIR",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    // Catch a mistyped profile at build time instead of shipping a half-Devel binary.
    let profile = std::env::var("HANGAR_PROFILE").unwrap_or_else(|_| "default".into());
    assert!(
        PROFILES.contains(&profile.as_str()),
        "HANGAR_PROFILE must be one of {PROFILES:?}, got {profile:?}"
    );
    if let Ok(app_id) = std::env::var("HANGAR_APP_ID") {
        let devel = app_id.ends_with(".Devel");
        assert_eq!(
            devel,
            profile == "development",
            "HANGAR_APP_ID {app_id:?} does not match HANGAR_PROFILE {profile:?}"
        );
    }
}
