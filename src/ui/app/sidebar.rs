//! The connections sidebar: one row per host, add/edit/remove buttons below, and the
//! same actions on a row's context menu (right click, or long press).

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::keys::icon_button;
use super::{App, AppMsg};

/// The list (rows are added by the window, one per host), the whole sidebar, and the
/// `host.*` actions of its rows and context menu.
pub fn build(
    sender: &ComponentSender<App>,
) -> (gtk::ListBox, gtk::Box, gtk::gio::SimpleActionGroup) {
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
    let edit_connection = icon_button("document-edit-symbolic", &gettext("Edit Connection"));
    {
        let sender = sender.clone();
        edit_connection.connect_clicked(move |_| sender.input(AppMsg::ShowEditConnection));
    }
    let actions = host_actions(sender);
    sidebar.insert_action_group("host", Some(&actions));
    install_context_menu(&sidebar);
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
    sidebar_actions.append(&edit_connection);
    let sidebar_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
    sidebar_box.append(&sidebar_scroll);
    sidebar_box.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
    sidebar_box.append(&sidebar_actions);
    (sidebar, sidebar_box, actions)
}

/// `host.connect(u)` (a row's Connect button, for that connection), and Connect and
/// Disconnect for the selected host (the context menu).
fn host_actions(sender: &ComponentSender<App>) -> gtk::gio::SimpleActionGroup {
    let group = gtk::gio::SimpleActionGroup::new();
    let connect = gtk::gio::SimpleAction::new("connect", Some(gtk::glib::VariantTy::UINT32));
    {
        let sender = sender.clone();
        connect.connect_activate(move |_, id| {
            if let Some(id) = id.and_then(|v| v.get::<u32>()) {
                sender.input(AppMsg::ConnectHost(id));
            }
        });
    }
    group.add_action(&connect);
    for (name, msg) in [
        ("connect-selected", (|| AppMsg::Reconnect) as fn() -> AppMsg),
        ("disconnect-selected", || AppMsg::Disconnect),
    ] {
        let action = gtk::gio::SimpleAction::new(name, None);
        let sender = sender.clone();
        action.connect_activate(move |_, _| sender.input(msg()));
        group.add_action(&action);
    }
    group
}

/// Connect only when the selected host is not connected, Disconnect only while it is
/// connected or trying to be.
pub fn enable_host_actions(
    group: &gtk::gio::SimpleActionGroup,
    status: Option<&crate::core::store::ConnectionStatus>,
) {
    use crate::core::store::ConnectionStatus as S;
    let idle = matches!(status, Some(S::NotConnected | S::Failed(_)));
    let set = |name: &str, on: bool| {
        if let Some(a) = group
            .lookup_action(name)
            .and_then(|a| a.downcast::<gtk::gio::SimpleAction>().ok())
        {
            a.set_enabled(on);
        }
    };
    set("connect-selected", status.is_some() && idle);
    set("disconnect-selected", status.is_some() && !idle);
}

/// Right click (or a long press) on a row selects it and offers Connect, Disconnect,
/// Edit and Remove.
fn install_context_menu(sidebar: &gtk::ListBox) {
    // Built on first use, not at start-up.
    let popover: std::rc::Rc<std::cell::OnceCell<gtk::PopoverMenu>> = Default::default();
    let open_at = {
        let sidebar = sidebar.clone();
        move |x: f64, y: f64| {
            let Some(row) = sidebar.row_at_y(y as i32) else {
                return;
            };
            sidebar.select_row(Some(&row));
            let popover = popover.get_or_init(|| context_menu(&sidebar));
            popover.set_pointing_to(Some(&gtk::gdk::Rectangle::new(x as i32, y as i32, 1, 1)));
            popover.popup();
        }
    };
    let click = gtk::GestureClick::builder()
        .button(gtk::gdk::BUTTON_SECONDARY)
        .build();
    {
        let open_at = open_at.clone();
        click.connect_pressed(move |_, _, x, y| open_at(x, y));
    }
    sidebar.add_controller(click);
    let press = gtk::GestureLongPress::new();
    press.connect_pressed(move |_, x, y| open_at(x, y));
    sidebar.add_controller(press);
}

fn context_menu(sidebar: &gtk::ListBox) -> gtk::PopoverMenu {
    let menu = gtk::gio::Menu::new();
    menu.append(Some(&gettext("Connect")), Some("host.connect-selected"));
    menu.append(
        Some(&gettext("Disconnect")),
        Some("host.disconnect-selected"),
    );
    menu.append(
        Some(&gettext("Edit Connection…")),
        Some("win.edit-connection"),
    );
    menu.append(
        Some(&gettext("Remove Connection")),
        Some("win.remove-connection"),
    );
    let popover = gtk::PopoverMenu::from_model(Some(&menu));
    popover.set_parent(sidebar);
    popover.set_has_arrow(false);
    popover.set_halign(gtk::Align::Start);
    // The popover is the list's child outside GTK's own bookkeeping: let it go with it.
    {
        let popover = popover.clone();
        sidebar.connect_destroy(move |_| popover.unparent());
    }
    popover
}
