//! The right-hand side for the selected host: a status page while it connects, when it
//! failed, when it is not there (retrying) or not connected, else the pages (Machines,
//! Networks, Storage), with a notice on top while the host is away and Hangar is
//! reconnecting. Waiting to retry shows a countdown, Try Now and Disconnect.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use adw::prelude::*;
use gettextrs::{gettext, ngettext};
use gtk::glib;

use super::host_view::HostView;
use crate::core::store::ConnectionStatus;

pub struct HostContent {
    pub root: gtk::Stack,
    pub pages: adw::ViewStack,
    status: adw::StatusPage,
    /// Connect / Try Again / Try Now on the status page.
    retry: gtk::Button,
    stop: gtk::Button,
    notice: gtk::Box,
    notice_label: gtk::Label,
    /// "Trying again in N seconds", on the status page and on the notice.
    countdowns: [gtk::Label; 2],
    /// `None`: no countdown; `Some(None)`: an attempt is under way.
    retry_at: Rc<Cell<Option<Option<Instant>>>>,
    ticker: RefCell<Option<glib::SourceId>>,
}

impl HostContent {
    pub fn new(
        on_reconnect: impl Fn() + Clone + 'static,
        on_disconnect: impl Fn() + Clone + 'static,
    ) -> Self {
        let button = |label: &str, action: Box<dyn Fn()>| {
            let b = gtk::Button::with_label(label);
            b.connect_clicked(move |_| action());
            b
        };
        let retry = button(&gettext("Try Again"), Box::new(on_reconnect.clone()));
        retry.add_css_class("pill");
        retry.add_css_class("suggested-action");
        let stop = button(&gettext("Disconnect"), Box::new(on_disconnect.clone()));
        stop.add_css_class("pill");
        let countdowns = [gtk::Label::new(None), gtk::Label::new(None)];
        let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        buttons.set_halign(gtk::Align::Center);
        buttons.append(&retry);
        buttons.append(&stop);
        let status_child = gtk::Box::new(gtk::Orientation::Vertical, 18);
        status_child.append(&countdowns[0]);
        status_child.append(&buttons);
        let status = adw::StatusPage::builder()
            .child(&status_child)
            .vexpand(true)
            .build();

        let notice_label = gtk::Label::builder()
            .xalign(0.0)
            .hexpand(true)
            .wrap(true)
            .build();
        let notice = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        notice.add_css_class("toolbar");
        notice.add_css_class("warning-notice");
        notice.append(&gtk::Image::from_icon_name("network-offline-symbolic"));
        notice.append(&notice_label);
        notice.append(&countdowns[1]);
        notice.append(&button(&gettext("Try Now"), Box::new(on_reconnect)));
        notice.append(&button(&gettext("Disconnect"), Box::new(on_disconnect)));
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
            retry,
            stop,
            notice,
            notice_label,
            countdowns,
            retry_at: Rc::default(),
            ticker: RefCell::default(),
        }
    }

    pub fn add_page(&self, child: &impl IsA<gtk::Widget>, name: &str, title: &str, icon: &str) {
        self.pages
            .add_titled_with_icon(child, Some(name), title, icon);
    }

    pub fn show_no_connections(&self) {
        self.notice.set_visible(false);
        self.set_countdown(None);
        self.show_status(
            "network-server-symbolic",
            &gettext("No Connections"),
            &gettext("Add a connection from the main menu, or start Hangar with --connect URI."),
            None,
            false,
        );
    }

    pub fn show_host(&self, host: &HostView) {
        self.notice.set_visible(false);
        let store = &host.store;
        let never_listed = host.domains.is_empty() && store.networks.is_empty();
        let uri = &host.handle.spec.uri;
        let retrying = matches!(store.status, ConnectionStatus::Disconnected(_));
        self.set_countdown(retrying.then_some(store.retry_at));
        match &store.status {
            ConnectionStatus::Connecting | ConnectionStatus::Connected if never_listed => self
                .show_status(
                    "content-loading-symbolic",
                    &gettext("Connecting"),
                    uri,
                    None,
                    true,
                ),
            ConnectionStatus::Failed(e) => self.show_status(
                "dialog-error-symbolic",
                &gettext("Could Not Connect"),
                &e.message,
                Some(gettext("Try Again")),
                false,
            ),
            ConnectionStatus::NotConnected => self.show_status(
                "network-offline-symbolic",
                &gettext("Not Connected"),
                uri,
                Some(gettext("Connect")),
                false,
            ),
            ConnectionStatus::Disconnected(e) if never_listed => self.show_status(
                "network-offline-symbolic",
                &gettext("Host Unreachable"),
                &e.message,
                Some(gettext("Try Now")),
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

    fn show_status(
        &self,
        icon: &str,
        title: &str,
        description: &str,
        retry: Option<String>,
        can_stop: bool,
    ) {
        self.status.set_icon_name(Some(icon));
        self.status.set_title(title);
        self.status.set_description(Some(description));
        self.retry.set_visible(retry.is_some());
        if let Some(label) = retry {
            self.retry.set_label(&label);
        }
        self.stop.set_visible(can_stop);
        self.root.set_visible_child_name("status");
    }

    /// Shows when the next attempt comes (`Some(None)`: now) and keeps it current once
    /// a second while it shows; `None` hides it and stops the timer.
    fn set_countdown(&self, at: Option<Option<Instant>>) {
        self.retry_at.set(at);
        let labels = self.countdowns.clone();
        let update = {
            let retry_at = self.retry_at.clone();
            move || {
                let text = retry_at.get().map(|at| {
                    let left = at.map_or(std::time::Duration::ZERO, |at| {
                        at.saturating_duration_since(Instant::now())
                    });
                    match left.as_secs_f64().ceil() as u64 {
                        0 => gettext("Trying again now…"),
                        n => ngettext(
                            "Trying again in {n} second.",
                            "Trying again in {n} seconds.",
                            n as u32,
                        )
                        .replace("{n}", &n.to_string()),
                    }
                });
                for label in &labels {
                    label.set_visible(text.is_some());
                    label.set_label(text.as_deref().unwrap_or_default());
                }
            }
        };
        update();
        let mut ticker = self.ticker.borrow_mut();
        match (at.is_some(), ticker.is_some()) {
            (true, false) => {
                *ticker = Some(glib::timeout_add_seconds_local(1, move || {
                    update();
                    glib::ControlFlow::Continue
                }));
            }
            (false, true) => {
                if let Some(id) = ticker.take() {
                    id.remove();
                }
            }
            _ => {}
        }
    }
}

impl Drop for HostContent {
    fn drop(&mut self) {
        if let Some(id) = self.ticker.take() {
            id.remove();
        }
    }
}
