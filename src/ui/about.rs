//! The primary menu, the About window and the keyboard shortcuts window.

use adw::prelude::*;
use gettextrs::gettext;

use crate::config;

pub fn primary_menu_button() -> gtk::MenuButton {
    let menu = gtk::gio::Menu::new();
    let machines = gtk::gio::Menu::new();
    machines.append(Some(&gettext("New Machine…")), Some("win.new-machine"));
    machines.append(
        Some(&gettext("Clone a Template…")),
        Some("win.clone-template"),
    );
    machines.append(
        Some(&gettext("Make the Selected Machine a Template")),
        Some("win.mark-template"),
    );
    machines.append(
        Some(&gettext("Turn the Selected Template Back into a Machine")),
        Some("win.unmark-template"),
    );
    menu.append_section(None, &machines);
    let app = gtk::gio::Menu::new();
    app.append(
        Some(&gettext("Add Connection…")),
        Some("win.add-connection"),
    );
    app.append(Some(&gettext("Preferences")), Some("win.preferences"));
    app.append(Some(&gettext("Keyboard Shortcuts")), Some("win.shortcuts"));
    app.append(Some(&gettext("About Hangar")), Some("win.about"));
    menu.append_section(None, &app);
    let button = gtk::MenuButton::builder()
        .icon_name("open-menu-symbolic")
        .primary(true)
        .tooltip_text(gettext("Main Menu"))
        .build();
    // The menu's popover is built when it is first opened, not at start-up.
    button.set_create_popup_func(move |button| {
        if button.popover().is_none() {
            button.set_menu_model(Some(&menu));
        }
    });
    button.update_property(&[gtk::accessible::Property::Label(&gettext("Main Menu"))]);
    button
}

pub fn show_about(parent: &impl IsA<gtk::Window>) {
    let about = adw::AboutWindow::builder()
        .transient_for(parent)
        .modal(true)
        .application_name(gettext("Hangar"))
        .application_icon(config::APP_ID)
        .version(config::VERSION)
        .comments(gettext(
            "Manage virtual machines, networks and storage on libvirt hosts, with linked clones from templates.",
        ))
        .license_type(gtk::License::Gpl30)
        .developer_name(gettext("The Hangar developers"))
        // Translators: put your name here, one per line.
        .translator_credits(gettext("translator-credits"))
        .build();
    about.present();
}

pub fn show_shortcuts(parent: &impl IsA<gtk::Window>) {
    // GTK 4.8 builds a shortcuts window only from a builder definition.
    let shortcut = |accel: &str, title: String| {
        format!(
            "<child><object class='GtkShortcutsShortcut'><property name='accelerator'>{accel}</property>\
             <property name='title'>{}</property></object></child>",
            gtk::glib::markup_escape_text(&title)
        )
    };
    let ui = format!(
        "<interface><object class='GtkShortcutsWindow' id='window'><property name='modal'>1</property>\
         <child><object class='GtkShortcutsSection'><property name='section-name'>main</property>\
         <child><object class='GtkShortcutsGroup'><property name='title'>{}</property>{}{}{}</object></child>\
         </object></child></object></interface>",
        gtk::glib::markup_escape_text(&gettext("Machines")),
        shortcut("&lt;Control&gt;f", gettext("Search machines")),
        shortcut("Return", gettext("Open the selected machine's details")),
        shortcut("F10", gettext("Open the main menu")),
    );
    let builder = gtk::Builder::from_string(&ui);
    let window: gtk::ShortcutsWindow = builder.object("window").expect("shortcuts window");
    window.set_transient_for(Some(parent));
    window.present();
}
