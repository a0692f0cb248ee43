//! The window's accelerators, GNOME's: Ctrl+? shortcuts, Ctrl+, preferences, Ctrl+N
//! new machine, Ctrl+W close the window, Ctrl+Q quit. They are registered with the
//! application (so menus show them, and console windows get Ctrl+W too) once the
//! window joins it, and on the window itself, so they work before that and in a
//! window that belongs to no application (the UI tests). The shortcuts window
//! (ui/about.rs) lists them with the list's and the console's keys.

use adw::prelude::*;

/// Each action with its accelerators, in GTK's syntax.
pub const ACCELS: &[(&str, &[&str])] = &[
    (
        "win.shortcuts",
        &["<Control>question", "<Control><Shift>question"],
    ),
    ("win.preferences", &["<Control>comma"]),
    ("win.new-machine", &["<Control>n"]),
    ("window.close", &["<Control>w"]),
    ("win.quit", &["<Control>q"]),
];

pub fn install(window: &adw::ApplicationWindow) {
    let controller = gtk::ShortcutController::new();
    controller.set_scope(gtk::ShortcutScope::Managed);
    for (action, accels) in ACCELS {
        for accel in *accels {
            controller.add_shortcut(gtk::Shortcut::new(
                gtk::ShortcutTrigger::parse_string(accel),
                Some(gtk::NamedAction::new(action)),
            ));
        }
    }
    window.add_controller(controller);
    let register = |window: &adw::ApplicationWindow| {
        if let Some(app) = window.application() {
            for (action, accels) in ACCELS {
                app.set_accels_for_action(action, accels);
            }
        }
    };
    register(window);
    window.connect_notify_local(Some("application"), move |w, _| register(w));
}
