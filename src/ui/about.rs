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

/// The shortcuts window's groups: a title and (accelerator, what it does) pairs. The
/// accelerators are those of ui/app/keys.rs, the machine list (Return, Delete) and the
/// console (ui/console/terminal.rs).
fn shortcut_groups() -> Vec<(String, Vec<(&'static str, String)>)> {
    vec![
        (
            gettext("General"),
            vec![
                ("<Control>question", gettext("Show the keyboard shortcuts")),
                ("<Control>comma", gettext("Open the preferences")),
                ("F10", gettext("Open the main menu")),
                ("<Control>w", gettext("Close the window")),
                ("<Control>q", gettext("Quit")),
            ],
        ),
        (
            gettext("Machines"),
            vec![
                ("<Control>n", gettext("Create a new machine")),
                ("<Control>f", gettext("Search machines")),
                ("Return", gettext("Open the selected machine's details")),
                ("Delete", gettext("Delete the selected machines")),
            ],
        ),
        (
            gettext("Console"),
            vec![
                ("<Control><Shift>c", gettext("Copy")),
                ("<Control><Shift>v", gettext("Paste")),
                ("<Control><Shift>a", gettext("Select all")),
                ("<Control>plus", gettext("Zoom in")),
                ("<Control>minus", gettext("Zoom out")),
                ("<Control>0", gettext("Reset the zoom")),
            ],
        ),
    ]
}

pub fn show_shortcuts(parent: &impl IsA<gtk::Window>) {
    use gtk::glib::markup_escape_text as escape;
    // GTK 4.8 builds a shortcuts window only from a builder definition.
    let mut groups = String::new();
    for (title, shortcuts) in shortcut_groups() {
        groups.push_str(&format!(
            "<child><object class='GtkShortcutsGroup'><property name='title'>{}</property>",
            escape(&title)
        ));
        for (accel, what) in shortcuts {
            groups.push_str(&format!(
                "<child><object class='GtkShortcutsShortcut'><property name='accelerator'>{}</property>\
                 <property name='title'>{}</property></object></child>",
                escape(accel),
                escape(&what)
            ));
        }
        groups.push_str("</object></child>");
    }
    let ui = format!(
        "<interface><object class='GtkShortcutsWindow' id='window'><property name='modal'>1</property>\
         <child><object class='GtkShortcutsSection'><property name='section-name'>main</property>\
         {groups}</object></child></object></interface>"
    );
    let builder = gtk::Builder::from_string(&ui);
    let window: gtk::ShortcutsWindow = builder.object("window").expect("shortcuts window");
    window.set_transient_for(Some(parent));
    window.present();
}
