//! Window-wide actions (the primary menu's) and keyboard shortcuts, and the house
//! style of icon-only buttons.

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
