//! The window's keyboard accelerators: each is registered the GNOME way and opens
//! what the shortcuts window says it does. A key press is the trigger's business
//! (GTK's); what is checked here is that the window holds a shortcut for each key and
//! that activating it does the thing.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::accels::ACCELS;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, launch, pump_until};

const T: Duration = Duration::from_secs(10);

/// The window's shortcut for `accel`, and the action it names.
fn shortcut_for(window: &impl IsA<gtk::Widget>, accel: &str) -> (gtk::Shortcut, String) {
    let wanted = gtk::ShortcutTrigger::parse_string(accel).expect("a valid accelerator");
    let controllers = window.as_ref().observe_controllers();
    for i in 0..controllers.n_items() {
        let Some(c) = controllers
            .item(i)
            .and_downcast::<gtk::ShortcutController>()
        else {
            continue;
        };
        for j in 0..c.n_items() {
            let s = c.item(j).and_downcast::<gtk::Shortcut>().unwrap();
            if s.trigger().is_some_and(|t| t.equal(&wanted)) {
                let name = s
                    .action()
                    .and_downcast::<gtk::NamedAction>()
                    .map(|a| a.action_name().to_string())
                    .unwrap_or_default();
                return (s, name);
            }
        }
    }
    panic!("no shortcut for {accel}");
}

/// Activates the shortcut for `accel` on `window`, as GTK does when the keys are pressed.
fn press(window: &impl IsA<gtk::Widget>, accel: &str) {
    let (shortcut, _) = shortcut_for(window, accel);
    assert!(shortcut
        .action()
        .unwrap()
        .activate(gtk::ShortcutActionFlags::empty(), window, None));
}

fn visible<W: IsA<gtk::Widget>>(name: &str) -> Option<W> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter(|w| w.is_visible())
        .filter_map(|w| w.downcast::<W>().ok())
        .find(|w| name.is_empty() || w.widget_name() == name)
}

pub fn accelerators_are_registered_and_open_what_they_say() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "ui-keys");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    let window = c.widget().clone();

    // Every accelerator of the table is on the window, naming its action.
    for (action, accels) in ACCELS {
        for accel in *accels {
            assert_eq!(shortcut_for(&window, accel).1, *action, "{accel}");
        }
    }

    press(&window, "<Control>question");
    pump_until(T, "the shortcuts window", || {
        visible::<gtk::ShortcutsWindow>("").is_some()
    });
    let shortcuts = visible::<gtk::ShortcutsWindow>("").unwrap();
    // It lists the keys of the list and the console too, in groups.
    let titles: Vec<String> = descendants(shortcuts.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::ShortcutsGroup>().ok())
        .map(|g| g.property::<Option<String>>("title").unwrap_or_default())
        .collect();
    assert_eq!(titles, ["General", "Machines", "Console"]);
    let accels: Vec<String> = descendants(shortcuts.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::ShortcutsShortcut>().ok())
        .map(|s| {
            s.property::<Option<String>>("accelerator")
                .unwrap_or_default()
        })
        .collect();
    for key in [
        "Delete",
        "<Control>f",
        "<Control><Shift>c",
        "<Control>q",
        "<Control>n",
    ] {
        assert!(
            accels.iter().any(|a| a == key),
            "{key} missing from {accels:?}"
        );
    }
    crate::dialogs::screenshot(&shortcuts, "shortcuts-window");
    shortcuts.close();

    press(&window, "<Control>comma");
    pump_until(T, "the preferences window", || {
        visible::<adw::PreferencesWindow>("").is_some()
    });
    visible::<adw::PreferencesWindow>("").unwrap().close();

    // Ctrl+N needs the host loaded to offer its pools and networks.
    pump_until(T, "the host is live", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    press(&window, "<Control>n");
    pump_until(T, "the new machine wizard", || {
        visible::<gtk::Window>("new-vm-wizard").is_some()
    });
    let wizard = visible::<gtk::Window>("new-vm-wizard").unwrap();
    wizard.close();

    // Ctrl+Q closes the window (and with it the application).
    press(&window, "<Control>q");
    pump_until(T, "the main window closed", || !window.is_visible());
    close(c);
}

fn descendants(root: &gtk::Widget) -> Vec<gtk::Widget> {
    let mut out = Vec::new();
    let mut child = root.first_child();
    while let Some(w) = child {
        out.extend(descendants(&w));
        child = w.next_sibling();
        out.push(w);
    }
    out
}
