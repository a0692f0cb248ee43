//! The right-hand side for the selected host: a status page while it connects or when
//! it failed, else the pages (Machines, Networks, Storage), with a notice on top while
//! the host is away and Hangar is reconnecting.

use adw::prelude::*;
use gettextrs::gettext;

use super::host_view::HostView;
use crate::core::store::ConnectionStatus;

pub struct HostContent {
    pub root: gtk::Stack,
    pub pages: adw::ViewStack,
    status: adw::StatusPage,
    notice: gtk::Box,
    notice_label: gtk::Label,
    retry: gtk::Button,
}

impl HostContent {
    pub fn new(on_reconnect: impl Fn() + Clone + 'static) -> Self {
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

        let pages = crate::ui::page_stack::new_view_stack();
        pages.set_vexpand(true);
        let with_notice = gtk::Box::new(gtk::Orientation::Vertical, 0);
        with_notice.append(&notice);
        with_notice.append(&pages);

        let root = crate::ui::page_stack::new_stack();
        root.add_named(&with_notice, Some("pages"));
        root.add_named(&status, Some("status"));
        HostContent {
            root,
            pages,
            status,
            notice,
            notice_label,
            retry,
        }
    }

    pub fn add_page(&self, child: &impl IsA<gtk::Widget>, name: &str, title: &str, icon: &str) {
        self.pages
            .add_titled_with_icon(child, Some(name), title, icon);
    }

    pub fn show_no_connections(&self) {
        self.notice.set_visible(false);
        self.show_status(
            "network-server-symbolic",
            &gettext("No Connections"),
            &gettext("Add a connection from the main menu, or start Hangar with --connect URI."),
            false,
        );
    }

    pub fn show_host(&self, host: &HostView) {
        self.notice.set_visible(false);
        let never_listed = host.domains.is_empty() && host.store.networks.is_empty();
        match &host.store.status {
            ConnectionStatus::Connecting | ConnectionStatus::Connected if never_listed => self
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
                self.root.set_visible_child_name("pages");
            }
            _ => self.root.set_visible_child_name("pages"),
        }
    }

    fn show_status(&self, icon: &str, title: &str, description: &str, can_retry: bool) {
        self.status.set_icon_name(Some(icon));
        self.status.set_title(title);
        self.status.set_description(Some(description));
        self.retry.set_visible(can_retry);
        self.root.set_visible_child_name("status");
    }
}
