//! A sidebar row: the host's name, what it is doing, and how many machines it has.

use gettextrs::gettext;
use gtk::prelude::*;

use crate::core::store::{ConnectionStatus, HostStore};
use crate::core::worker::ConnectionSpec;

pub struct ConnectionRow {
    pub row: gtk::ListBoxRow,
    title: gtk::Label,
    subtitle: gtk::Label,
    icon: gtk::Image,
    spinner: gtk::Spinner,
    /// Shown while the host is not connected (or failed): connects it. Its action
    /// (`host.connect` with the connection's id) is set by the window.
    pub connect: gtk::Button,
}

impl ConnectionRow {
    pub fn new(spec: &ConnectionSpec) -> Self {
        let title = gtk::Label::builder()
            .label(display_name(spec))
            .xalign(0.0)
            .ellipsize(gtk::pango::EllipsizeMode::Middle)
            .build();
        title.add_css_class("heading");
        let subtitle = gtk::Label::builder()
            .xalign(0.0)
            .ellipsize(gtk::pango::EllipsizeMode::End)
            .build();
        subtitle.add_css_class("caption");
        subtitle.add_css_class("dim-label");
        let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
        text.set_hexpand(true);
        text.append(&title);
        text.append(&subtitle);
        let icon = gtk::Image::from_icon_name("computer-symbolic");
        icon.set_accessible_role(gtk::AccessibleRole::Presentation);
        let spinner = gtk::Spinner::new();
        // An icon: the host's name and state need the row's width more than a word.
        let connect = gtk::Button::builder()
            .icon_name("media-playback-start-symbolic")
            .valign(gtk::Align::Center)
            .tooltip_text(gettext("Connect to this host"))
            .build();
        connect.add_css_class("flat");
        connect.update_property(&[gtk::accessible::Property::Label(&gettext("Connect"))]);
        let content = gtk::Box::new(gtk::Orientation::Horizontal, 10);
        content.set_margin_top(8);
        content.set_margin_bottom(8);
        content.set_margin_start(10);
        content.set_margin_end(10);
        content.append(&icon);
        content.append(&text);
        content.append(&spinner);
        content.append(&connect);
        let row = gtk::ListBoxRow::builder().child(&content).build();
        row.set_tooltip_text(Some(&spec.uri));
        let me = ConnectionRow {
            row,
            title,
            subtitle,
            icon,
            spinner,
            connect,
        };
        me.update(&HostStore::default());
        me
    }

    pub fn update(&self, host: &HostStore) {
        let (text, icon, busy) = match &host.status {
            ConnectionStatus::Connecting => (gettext("Connecting…"), "network-idle-symbolic", true),
            ConnectionStatus::Connected => (gettext("Loading…"), "computer-symbolic", true),
            ConnectionStatus::Live => {
                let n = host.domains.len();
                let running = host
                    .domains
                    .values()
                    .filter(|d| d.state.is_running())
                    .count();
                (
                    gettextrs::ngettext(
                        "{n} machine, {r} running",
                        "{n} machines, {r} running",
                        n as u32,
                    )
                    .replace("{n}", &n.to_string())
                    .replace("{r}", &running.to_string()),
                    "computer-symbolic",
                    false,
                )
            }
            ConnectionStatus::Failed(e) => (e.message.clone(), "dialog-error-symbolic", false),
            // Never reached in this session: not there yet, rather than gone.
            ConnectionStatus::Disconnected(_) if host.host.is_none() => (
                gettext("Unreachable, retrying"),
                "network-offline-symbolic",
                host.retry_at.is_none(),
            ),
            ConnectionStatus::Disconnected(_) => (
                gettext("Disconnected"),
                "network-offline-symbolic",
                host.retry_at.is_none(),
            ),
            ConnectionStatus::NotConnected => {
                (gettext("Not connected"), "network-offline-symbolic", false)
            }
        };
        self.connect.set_visible(matches!(
            host.status,
            ConnectionStatus::NotConnected | ConnectionStatus::Failed(_)
        ));
        self.subtitle.set_label(&text);
        self.icon.set_icon_name(Some(icon));
        self.spinner.set_spinning(busy);
        self.spinner.set_visible(busy);
        if host.status.is_online() {
            self.row.remove_css_class("disconnected");
        } else {
            self.row.add_css_class("disconnected");
        }
        let name = self.title.label();
        self.row
            .update_property(&[gtk::accessible::Property::Label(&format!("{name}: {text}"))]);
    }
}

/// "Demo", or the URI without the noise people do not need in a sidebar.
pub fn display_name(spec: &ConnectionSpec) -> String {
    if let Some(label) = &spec.label {
        return label.clone();
    }
    match spec.uri.as_str() {
        "qemu:///system" => gettext("QEMU/KVM (system)"),
        "qemu:///session" => gettext("QEMU/KVM (user session)"),
        uri => uri.to_string(),
    }
}
