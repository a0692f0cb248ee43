//! The connections sidebar: one row per host, and add/remove buttons below.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::keys::icon_button;
use super::{App, AppMsg};

/// The list (rows are added by the window, one per host) and the whole sidebar.
pub fn build(sender: &ComponentSender<App>) -> (gtk::ListBox, gtk::Box) {
    let sidebar = gtk::ListBox::builder()
        .selection_mode(gtk::SelectionMode::Browse)
        .build();
    sidebar.add_css_class("navigation-sidebar");
    sidebar.update_property(&[gtk::accessible::Property::Label(&gettext("Connections"))]);
    {
        let sender = sender.clone();
        sidebar.connect_row_selected(move |_, row| {
            if let Some(row) = row {
                sender.input(AppMsg::HostSelected(row.index().max(0) as usize));
            }
        });
    }
    let sidebar_scroll = gtk::ScrolledWindow::builder()
        .child(&sidebar)
        .hscrollbar_policy(gtk::PolicyType::Never)
        .width_request(220)
        .vexpand(true)
        .build();
    let add_connection = icon_button("list-add-symbolic", &gettext("Add Connection"));
    let remove_connection = icon_button("list-remove-symbolic", &gettext("Remove Connection"));
    {
        let sender = sender.clone();
        add_connection.connect_clicked(move |_| sender.input(AppMsg::ShowAddConnection));
    }
    {
        let sender = sender.clone();
        remove_connection.connect_clicked(move |_| sender.input(AppMsg::RemoveSelectedConnection));
    }
    let sidebar_actions = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    sidebar_actions.set_margin_top(6);
    sidebar_actions.set_margin_bottom(6);
    sidebar_actions.set_margin_start(6);
    sidebar_actions.append(&add_connection);
    sidebar_actions.append(&remove_connection);
    let sidebar_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
    sidebar_box.append(&sidebar_scroll);
    sidebar_box.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
    sidebar_box.append(&sidebar_actions);
    (sidebar, sidebar_box)
}
