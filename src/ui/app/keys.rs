//! Window-wide actions (the primary menu's) and keyboard shortcuts, and the house
//! style of icon-only buttons.
//! The accelerators themselves (Ctrl+?, Ctrl+, …) are in ui/accels.rs.

use adw::prelude::*;
use relm4::prelude::*;

use super::{App, AppMsg};

pub fn icon_button(icon: &str, label: &str) -> gtk::Button {
    let button = gtk::Button::from_icon_name(icon);
    button.set_tooltip_text(Some(label));
    button.update_property(&[gtk::accessible::Property::Label(label)]);
    button.add_css_class("flat");
    button
}

/// The window's actions (`win.about`, …), for the primary menu.
pub fn install_actions(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let add = |name: &str, message: fn() -> AppMsg| {
        let action = gtk::gio::SimpleAction::new(name, None);
        let sender = sender.clone();
        action.connect_activate(move |_, _| sender.input(message()));
        window.add_action(&action);
    };
    add("about", || AppMsg::ShowAbout);
    add("shortcuts", || AppMsg::ShowShortcuts);
    add("preferences", || AppMsg::ShowPreferences);
    add("new-machine", || AppMsg::NewMachine);
    add("clone-template", || AppMsg::CloneTemplate);
    add("mark-template", || AppMsg::MarkTemplate(true));
    add("unmark-template", || AppMsg::MarkTemplate(false));
    add("add-connection", || AppMsg::ShowAddConnection);
    add("edit-connection", || AppMsg::ShowEditConnection);
    add("remove-connection", || AppMsg::RemoveSelectedConnection);
    let quit = gtk::gio::SimpleAction::new("quit", None);
    {
        let window = window.downgrade();
        quit.connect_activate(move |_, _| quit_all(&window));
    }
    window.add_action(&quit);
    crate::ui::accels::install(window);
}

/// Ctrl+Q: closes every window of the application, the main one last, so each
/// saves what it saves on closing (the main window its size) and the app ends.
fn quit_all(window: &gtk::glib::WeakRef<adw::ApplicationWindow>) {
    let Some(window) = window.upgrade() else {
        return;
    };
    if let Some(app) = window.application() {
        for other in app.windows() {
            if other != *window.upcast_ref::<gtk::Window>() {
                other.close();
            }
        }
    }
    window.close();
}

/// Window-wide keys: Ctrl+F searches the machines.
pub fn install_shortcuts(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let controller = gtk::ShortcutController::new();
    controller.set_scope(gtk::ShortcutScope::Managed);
    let search = {
        let sender = sender.clone();
        gtk::CallbackAction::new(move |_, _| {
            sender.input(AppMsg::Search);
            gtk::glib::Propagation::Stop
        })
    };
    controller.add_shortcut(gtk::Shortcut::new(
        gtk::ShortcutTrigger::parse_string("<Control>f"),
        Some(search),
    ));
    window.add_controller(controller);
}
