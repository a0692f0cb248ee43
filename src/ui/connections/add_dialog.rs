//! "Add Connection": hypervisor, transport, user, host, port and path, with the URI it
//! makes shown as the person types and any problem shown next to its field. The same
//! form edits a saved connection, filled in from its URI (a URI the fields cannot
//! express is shown whole, as "Other").

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::uri::{self, Field, Hypervisor, Transport, UriForm};

pub struct AddConnectionDialog {
    pub window: adw::Window,
    pub hypervisor: adw::ComboRow,
    pub transport: adw::ComboRow,
    pub user: adw::EntryRow,
    pub host: adw::EntryRow,
    pub port: adw::EntryRow,
    pub path: adw::EntryRow,
    /// The whole URI, for "Other".
    pub custom: adw::EntryRow,
    pub autoconnect: gtk::Switch,
    pub preview: gtk::Label,
    pub connect: gtk::Button,
}

const HYPERVISORS: [Hypervisor; 4] = [
    Hypervisor::QemuSystem,
    Hypervisor::QemuSession,
    Hypervisor::Test,
    Hypervisor::Custom,
];

/// A saved connection to edit.
pub struct Editing {
    pub uri: String,
    pub autoconnect: bool,
}
const TRANSPORTS: [Transport; 5] = [
    Transport::Local,
    Transport::Ssh,
    Transport::Tls,
    Transport::Tcp,
    Transport::Unix,
];

impl AddConnectionDialog {
    /// `on_connect(uri, autoconnect)` runs when the person presses Connect (Save, when
    /// `editing`).
    pub fn new(
        parent: &impl IsA<gtk::Window>,
        editing: Option<Editing>,
        on_connect: impl Fn(String, bool) + 'static,
    ) -> Rc<Self> {
        let hypervisor = adw::ComboRow::builder()
            .title(gettext("Hypervisor"))
            .model(&gtk::StringList::new(&[
                &gettext("QEMU/KVM (system)"),
                &gettext("QEMU/KVM (user session)"),
                &gettext("Test driver"),
                &gettext("Other (type the URI)"),
            ]))
            .build();
        let transport = adw::ComboRow::builder()
            .title(gettext("Transport"))
            .model(&gtk::StringList::new(&[
                &gettext("This computer"),
                &gettext("SSH"),
                &gettext("TLS"),
                &gettext("TCP (unencrypted)"),
                &gettext("Unix socket"),
            ]))
            .build();
        let user = adw::EntryRow::builder().title(gettext("User")).build();
        let host = adw::EntryRow::builder().title(gettext("Host")).build();
        let port = adw::EntryRow::builder().title(gettext("Port")).build();
        let path = adw::EntryRow::builder().title(gettext("Path")).build();
        let custom = adw::EntryRow::builder().title(gettext("URI")).build();
        let autoconnect = gtk::Switch::builder()
            .valign(gtk::Align::Center)
            .active(true)
            .build();
        let auto_row = adw::ActionRow::builder()
            .title(gettext("Connect when Hangar starts"))
            .activatable_widget(&autoconnect)
            .build();
        auto_row.add_suffix(&autoconnect);
        let group = adw::PreferencesGroup::new();
        for row in [
            hypervisor.upcast_ref::<gtk::Widget>(),
            transport.upcast_ref(),
            user.upcast_ref(),
            host.upcast_ref(),
            port.upcast_ref(),
            path.upcast_ref(),
            custom.upcast_ref(),
            auto_row.upcast_ref(),
        ] {
            group.add(row);
        }
        let preview = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .selectable(true)
            .build();
        preview.add_css_class("monospace");
        preview.update_property(&[gtk::accessible::Property::Label(&gettext("Connection URI"))]);
        let cancel = gtk::Button::with_label(&gettext("Cancel"));
        let (title, action) = match editing {
            Some(_) => (gettext("Edit Connection"), gettext("Save")),
            None => (gettext("Add Connection"), gettext("Connect")),
        };
        let connect = gtk::Button::with_label(&action);
        connect.add_css_class("suggested-action");
        let header = adw::HeaderBar::builder()
            .show_end_title_buttons(false)
            .title_widget(&adw::WindowTitle::new(&title, ""))
            .build();
        header.pack_start(&cancel);
        header.pack_end(&connect);
        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(12);
        body.set_margin_bottom(18);
        body.set_margin_start(18);
        body.set_margin_end(18);
        body.append(&group);
        body.append(&preview);
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&body);
        let window = adw::Window::builder()
            .transient_for(parent)
            .modal(true)
            .default_width(460)
            .content(&content)
            .build();

        let dialog = Rc::new(AddConnectionDialog {
            window,
            hypervisor,
            transport,
            user,
            host,
            port,
            path,
            custom,
            autoconnect,
            preview,
            connect,
        });
        if let Some(editing) = &editing {
            dialog.fill(&editing.uri, editing.autoconnect);
        }
        let refresh = {
            let d = Rc::downgrade(&dialog);
            move || {
                if let Some(d) = d.upgrade() {
                    d.refresh();
                }
            }
        };
        for entry in [
            &dialog.user,
            &dialog.host,
            &dialog.port,
            &dialog.path,
            &dialog.custom,
        ] {
            let refresh = refresh.clone();
            entry.connect_changed(move |_| refresh());
        }
        for combo in [&dialog.hypervisor, &dialog.transport] {
            let refresh = refresh.clone();
            combo.connect_selected_notify(move |_| refresh());
        }
        {
            let w = dialog.window.clone();
            cancel.connect_clicked(move |_| w.close());
        }
        {
            let d = Rc::downgrade(&dialog);
            dialog.connect.connect_clicked(move |_| {
                let Some(d) = d.upgrade() else { return };
                if let Ok(uri) = d.uri() {
                    on_connect(uri, d.autoconnect.is_active());
                    d.window.close();
                }
            });
        }
        // The window owns the dialog's state for as long as it exists: the handlers
        // above hold only weak references.
        {
            let keep = dialog.clone();
            dialog.window.connect_destroy(move |_| {
                let _ = &keep;
            });
        }
        dialog.refresh();
        dialog
    }

    pub fn present(&self) {
        self.window.present();
    }

    /// Shows `uri` in the fields (the whole URI under "Other" when they cannot hold it).
    fn fill(&self, uri: &str, autoconnect: bool) {
        let (hv, transport, form) = uri::parse(uri);
        fn index<T: PartialEq>(all: &[T], x: T) -> u32 {
            all.iter().position(|y| *y == x).unwrap_or(0) as u32
        }
        self.hypervisor.set_selected(index(&HYPERVISORS, hv));
        self.transport.set_selected(index(&TRANSPORTS, transport));
        self.user.set_text(&form.user);
        self.host.set_text(&form.host);
        self.port.set_text(&form.port);
        self.path.set_text(&form.path);
        self.custom.set_text(&form.custom);
        self.autoconnect.set_active(autoconnect);
    }

    fn choice(&self) -> (Hypervisor, Transport) {
        (
            HYPERVISORS[(self.hypervisor.selected() as usize).min(HYPERVISORS.len() - 1)],
            TRANSPORTS[(self.transport.selected() as usize).min(TRANSPORTS.len() - 1)],
        )
    }

    pub fn uri(&self) -> Result<String, uri::FieldError> {
        let (hv, transport) = self.choice();
        let form = UriForm {
            user: self.user.text().to_string(),
            host: self.host.text().to_string(),
            port: self.port.text().to_string(),
            path: self.path.text().to_string(),
            custom: self.custom.text().to_string(),
        };
        uri::build(hv, transport, &form)
    }

    /// Shows only the fields the choice uses, the URI, and what is wrong, where.
    fn refresh(&self) {
        let (hv, transport) = self.choice();
        let custom = hv == Hypervisor::Custom;
        let remote =
            !custom && matches!(transport, Transport::Ssh | Transport::Tls | Transport::Tcp);
        self.transport.set_visible(!custom);
        self.custom.set_visible(custom);
        self.user.set_visible(remote);
        self.host.set_visible(remote);
        self.port.set_visible(remote);
        let path_used = !custom
            && (transport == Transport::Unix
                || (hv == Hypervisor::Test && transport == Transport::Local));
        self.path.set_visible(path_used);
        self.path.set_title(&if transport == Transport::Unix {
            gettext("Socket path (empty: the default)")
        } else {
            gettext("Node file (empty: the built-in test host)")
        });
        for row in [&self.user, &self.host, &self.port, &self.path, &self.custom] {
            row.remove_css_class("error");
        }
        match self.uri() {
            Ok(uri) => {
                self.preview.set_label(&uri);
                self.preview.remove_css_class("error");
                self.connect.set_sensitive(true);
            }
            Err(e) => {
                let row = match e.field {
                    Field::User => &self.user,
                    Field::Host => &self.host,
                    Field::Port => &self.port,
                    Field::Path => &self.path,
                    Field::Uri => &self.custom,
                };
                row.add_css_class("error");
                self.preview.set_label(&e.message);
                self.preview.add_css_class("error");
                self.connect.set_sensitive(false);
            }
        }
    }
}
