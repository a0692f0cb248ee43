//! "New Network": NAT, routed, isolated or open; bridge; IPv4 network with a DHCP
//! range. The worker checks the form against the host's networks and interfaces
//! before anything is defined; each problem appears below its field.

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::form::{combo_row, switch_row, Dialog, Field};
use crate::core::error::UserError;
use crate::core::networks::ops::{self, CreateError, Created};
use crate::core::networks::plan::{suggested_range, NetField, NetworkForm};
use crate::core::worker::ConnectionHandle;
use crate::core::xml::ForwardMode;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

const MODES: [ForwardMode; 4] = [
    ForwardMode::Nat,
    ForwardMode::Route,
    ForwardMode::Isolated,
    ForwardMode::Open,
];

pub fn mode_label(mode: &ForwardMode) -> String {
    match mode {
        ForwardMode::Nat => gettext("NAT"),
        ForwardMode::Route => gettext("Routed"),
        ForwardMode::Isolated => gettext("Isolated"),
        ForwardMode::Open => gettext("Open"),
        ForwardMode::Other(s) => s.clone(),
    }
}

struct Form {
    dialog: Dialog,
    name: Field,
    mode: adw::ComboRow,
    bridge: Field,
    subnet: Field,
    dhcp_start: Field,
    dhcp_end: Field,
    autostart: gtk::Switch,
}

impl Form {
    fn field(&self, f: NetField) -> &Field {
        match f {
            NetField::Name => &self.name,
            NetField::Bridge => &self.bridge,
            NetField::Subnet => &self.subnet,
            NetField::DhcpStart => &self.dhcp_start,
            NetField::DhcpEnd => &self.dhcp_end,
        }
    }

    fn clear(&self) {
        for f in [
            &self.name,
            &self.bridge,
            &self.subnet,
            &self.dhcp_start,
            &self.dhcp_end,
        ] {
            f.set_error(None);
        }
        self.dialog.show_error(None);
    }

    fn read(&self) -> NetworkForm {
        NetworkForm {
            name: self.name.text(),
            forward: MODES
                .get(self.mode.selected() as usize)
                .cloned()
                .unwrap_or(ForwardMode::Nat),
            bridge: self.bridge.text(),
            subnet: self.subnet.text(),
            dhcp_start: self.dhcp_start.text(),
            dhcp_end: self.dhcp_end.text(),
        }
    }
}

/// Opens the dialog; the new network's row appears through libvirt's event.
pub fn open(
    parent: &impl IsA<gtk::Widget>,
    handle: ConnectionHandle,
    toaster: Toaster,
) -> adw::Window {
    let dialog = Dialog::new(parent, &gettext("New Network"), &gettext("C_reate"));
    dialog.window.set_widget_name("new-network");
    let group = dialog.group("");
    let name = Field::new(&group, &gettext("Name"), "name");
    let modes: Vec<String> = MODES.iter().map(mode_label).collect();
    let mode = combo_row(&group, &gettext("Connectivity"), &modes);
    mode.set_widget_name("mode");
    mode.set_subtitle(&gettext(
        "NAT and routed networks reach outside; isolated ones only the host and each other",
    ));
    let bridge = Field::new(&group, &gettext("Bridge name (optional)"), "bridge");
    let ip = dialog.group(&gettext("IPv4"));
    let subnet = Field::new(&ip, &gettext("Network, e.g. 192.168.100.0/24"), "subnet");
    let dhcp_start = Field::new(&ip, &gettext("DHCP range start"), "dhcp-start");
    let dhcp_end = Field::new(&ip, &gettext("DHCP range end"), "dhcp-end");
    let options = dialog.group("");
    let autostart = switch_row(&options, &gettext("Start with the host"), "", false);
    let form = Rc::new(Form {
        dialog,
        name,
        mode,
        bridge,
        subnet,
        dhcp_start,
        dhcp_end,
        autostart,
    });

    // Pre-fill the range from the network until the person types one.
    let suggested = Rc::new(Cell::new(true));
    {
        let f = form.clone();
        let suggested = suggested.clone();
        form.subnet.row.connect_changed(move |row| {
            if !suggested.get() {
                return;
            }
            let (s, e) = suggested_range(&row.text()).unwrap_or_default();
            f.dhcp_start.row.set_text(&s);
            f.dhcp_end.row.set_text(&e);
            suggested.set(true);
        });
    }
    for field in [&form.dhcp_start, &form.dhcp_end] {
        let suggested = suggested.clone();
        let subnet = form.subnet.row.clone();
        field.row.connect_changed(move |row| {
            let expected = suggested_range(&subnet.text()).unwrap_or_default();
            if row.text() != expected.0 && row.text() != expected.1 {
                suggested.set(false);
            }
        });
    }

    let f = form.clone();
    form.dialog.ok.connect_clicked(move |_| {
        f.clear();
        f.dialog.busy(true);
        let request = f.read();
        let autostart = f.autostart.is_active();
        let f2 = f.clone();
        let toaster = toaster.clone();
        handle.run(
            move |conn| Ok(ops::create(conn, &request, autostart)),
            on_main(move |r: Result<Result<Created, CreateError>, UserError>| {
                f2.dialog.busy(false);
                match r.unwrap_or_else(|e| Err(CreateError::Libvirt(e))) {
                    Ok(created) => {
                        let text = match created.note {
                            None => gettext("Network “{name}” created and started"),
                            Some(note) => gettext("Network “{name}” created and started. {note}")
                                .replace("{note}", &note),
                        }
                        .replace("{name}", &created.name);
                        toaster.show(text);
                        f2.dialog.close();
                    }
                    Err(CreateError::Fields(errors)) => {
                        for e in &errors {
                            f2.field(e.field).set_error(Some(&e.message));
                        }
                        if let Some(first) = errors.first() {
                            f2.field(first.field).row.grab_focus();
                        }
                    }
                    Err(CreateError::Libvirt(e)) => f2.dialog.show_error(Some(&e.message)),
                }
            }),
        );
    });
    form.dialog.present();
    form.dialog.window.clone()
}
