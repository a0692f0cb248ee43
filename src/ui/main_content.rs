//! The right-hand side: the machines table, or a status page when there is nothing
//! to list (connecting, failed, no machines), and a notice while a host is away.

use adw::prelude::*;
use gettextrs::gettext;

use super::host_view::HostView;
use super::machines::machine_list::MachineList;
use crate::core::store::ConnectionStatus;

pub struct MainContent {
    pub root: gtk::Box,
    stack: gtk::Stack,
    status: adw::StatusPage,
    notice: gtk::Box,
    notice_label: gtk::Label,
    retry: gtk::Button,
}

impl MainContent {
    pub fn new(list: &MachineList, on_reconnect: impl Fn() + Clone + 'static) -> Self {
        let scroller = gtk::ScrolledWindow::builder()
            .child(&list.view)
            .vexpand(true)
            .build();
        let retry = gtk::Button::builder()
            .label(gettext("Try Again"))
            .halign(gtk::Align::Center)
            .build();
        retry.add_css_class("pill");
        retry.add_css_class("suggested-action");
        {
            let on_reconnect = on_reconnect.clone();
            retry.connect_clicked(move |_| on_reconnect());
        }
        let status = adw::StatusPage::builder()
            .child(&retry)
            .vexpand(true)
            .build();
        let stack = gtk::Stack::new();
        stack.add_named(&scroller, Some("list"));
        stack.add_named(&status, Some("status"));

        let notice_label = gtk::Label::builder()
            .xalign(0.0)
            .hexpand(true)
            .wrap(true)
            .build();
        let reconnect = gtk::Button::with_label(&gettext("Reconnect"));
        reconnect.connect_clicked(move |_| on_reconnect());
        let notice = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        notice.add_css_class("toolbar");
        notice.add_css_class("warning-notice");
        notice.append(&gtk::Image::from_icon_name("network-offline-symbolic"));
        notice.append(&notice_label);
        notice.append(&reconnect);
        notice.set_visible(false);

        let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
        root.append(&notice);
        root.append(&stack);
        MainContent {
            root,
            stack,
            status,
            notice,
            notice_label,
            retry,
        }
    }

    pub fn show_no_connections(&self) {
        self.notice.set_visible(false);
        self.show_status(
            "network-server-symbolic",
            &gettext("No Connections"),
            &gettext("Start Hangar with --connect URI to manage a host."),
            false,
        );
    }

    pub fn show_host(&self, host: &HostView) {
        let empty = host.domains.is_empty();
        self.notice.set_visible(false);
        match &host.store.status {
            ConnectionStatus::Connecting | ConnectionStatus::Connected if empty => self
                .show_status(
                    "content-loading-symbolic",
                    &gettext("Connecting"),
                    &host.handle.spec.uri,
                    false,
                ),
            ConnectionStatus::Failed(e) => self.show_status(
                "dialog-error-symbolic",
                &gettext("Could Not Connect"),
                &e.message,
                true,
            ),
            ConnectionStatus::Disconnected(e) => {
                self.notice_label.set_label(
                    &gettext("Disconnected: {reason}. Hangar reconnects by itself.")
                        .replace("{reason}", &e.message),
                );
                self.notice.set_visible(true);
                self.stack.set_visible_child_name("list");
            }
            ConnectionStatus::Live if empty => self.show_status(
                "computer-symbolic",
                &gettext("No Virtual Machines"),
                &gettext("This host has no virtual machines yet."),
                false,
            ),
            _ => self.stack.set_visible_child_name("list"),
        }
    }

    fn show_status(&self, icon: &str, title: &str, description: &str, can_retry: bool) {
        self.status.set_icon_name(Some(icon));
        self.status.set_title(title);
        self.status.set_description(Some(description));
        self.retry.set_visible(can_retry);
        self.stack.set_visible_child_name("status");
    }
}
