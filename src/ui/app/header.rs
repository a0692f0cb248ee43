//! The header bar: power actions, console, create buttons, the page switcher and
//! the primary menu.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::keys::icon_button;
use super::{App, AppMsg};
use crate::ui::machines::power_actions::PowerActions;

pub struct Header {
    pub header: adw::HeaderBar,
    pub title: adw::ViewSwitcherTitle,
    pub power: PowerActions,
    pub console_button: gtk::Button,
    pub delete_button: gtk::Button,
}

pub fn build(pages: &adw::ViewStack, sender: &ComponentSender<App>) -> Header {
    let power = {
        let sender = sender.clone();
        PowerActions::new(move |action| sender.input(AppMsg::Power(action)))
    };
    let title = adw::ViewSwitcherTitle::builder()
        .title(gettext("Hangar"))
        .stack(pages)
        .build();
    let header = adw::HeaderBar::builder().title_widget(&title).build();
    header.pack_start(&power.container);
    let console_button = icon_button("utilities-terminal-symbolic", &gettext("Open Console"));
    console_button.remove_css_class("flat");
    console_button.set_sensitive(false);
    {
        let sender = sender.clone();
        console_button.connect_clicked(move |_| sender.input(AppMsg::OpenConsole));
    }
    header.pack_start(&console_button);
    // Acts on the selection, one machine or many, as the Delete key does.
    let delete_button = icon_button("user-trash-symbolic", &gettext("Delete Selected Machines"));
    delete_button.remove_css_class("flat");
    delete_button.set_sensitive(false);
    {
        let sender = sender.clone();
        delete_button.connect_clicked(move |_| sender.input(AppMsg::DeleteSelected));
    }
    header.pack_start(&delete_button);
    let new_machine = icon_button("list-add-symbolic", &gettext("New Machine"));
    new_machine.remove_css_class("flat");
    {
        let sender = sender.clone();
        new_machine.connect_clicked(move |_| sender.input(AppMsg::NewMachine));
    }
    let clone_button = icon_button("edit-copy-symbolic", &gettext("Clone a Template"));
    clone_button.remove_css_class("flat");
    {
        let sender = sender.clone();
        clone_button.connect_clicked(move |_| sender.input(AppMsg::CloneTemplate));
    }
    let create = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    create.add_css_class("linked");
    create.append(&new_machine);
    create.append(&clone_button);
    header.pack_start(&create);
    header.pack_end(&crate::ui::about::primary_menu_button());
    Header {
        header,
        title,
        power,
        console_button,
        delete_button,
    }
}
