//! "Add Network Interface": on one of the host's virtual networks or on a host
//! bridge, a card model, and a MAC address typed or left for Hangar to pick. Checked
//! on the worker; messages appear under their fields.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware_actions::{append_scope_note, read_then_show, Done};
use crate::core::details::device_apply::DeviceScope;
use crate::core::details::nic::{self, AddNicError, NicChoices, NicField, NicRequest, MODELS};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::core::xml::NicSource;
use crate::ui::networks::form::{combo_row, Dialog, ErrorLine, Field};
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

struct Form {
    dialog: Dialog,
    networks: Vec<String>,
    /// 0: a virtual network, 1: a host bridge.
    kind: adw::ComboRow,
    network: adw::ComboRow,
    network_error: ErrorLine,
    bridge: Field,
    model: adw::ComboRow,
    mac: Field,
}

impl Form {
    fn show_kind(&self) {
        let network = self.kind.selected() == 0;
        self.network.set_visible(network);
        self.network_error.set(None);
        self.bridge.set_error(None);
        self.bridge.row.set_visible(!network);
    }

    fn read(&self) -> NicRequest {
        let source = if self.kind.selected() == 0 {
            NicSource::Network(
                self.networks
                    .get(self.network.selected() as usize)
                    .cloned()
                    .unwrap_or_default(),
            )
        } else {
            NicSource::Bridge(self.bridge.text())
        };
        NicRequest {
            source,
            model: MODELS[self.model.selected() as usize].into(),
            mac: self.mac.text(),
        }
    }

    fn show_errors(&self, errors: &[(NicField, String)]) {
        for (field, message) in errors {
            match (field, self.kind.selected()) {
                (NicField::Source, 0) => self.network_error.set(Some(message)),
                (NicField::Source, _) => self.bridge.set_error(Some(message)),
                (NicField::Mac, _) => self.mac.set_error(Some(message)),
            }
        }
    }
}

/// Reads the host's networks on the worker, then opens the dialog.
pub fn open(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    toaster: Toaster,
    done: Done,
) {
    let (parent, h, u, t) = (
        parent.clone(),
        handle.clone(),
        uuid.clone(),
        toaster.clone(),
    );
    read_then_show(
        &h,
        t,
        move |conn| nic::choices(conn, &u),
        move |choices| show(&parent, handle, uuid, choices, toaster, done),
    );
}

fn show(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    choices: NicChoices,
    toaster: Toaster,
    done: Done,
) {
    let dialog = Dialog::new(
        parent,
        &gettext("Add a Network Interface"),
        &gettext("_Add"),
    );
    dialog.window.set_widget_name("add-nic");
    dialog.window.set_default_size(560, 520);
    append_scope_note(&dialog, choices.scope);
    let group = dialog.group(&gettext("Connected to"));
    let kind = combo_row(
        &group,
        &gettext("Type"),
        &[gettext("Virtual network"), gettext("Host bridge")],
    );
    kind.set_widget_name("kind");
    let network = combo_row(&group, &gettext("Network"), &choices.networks);
    network.set_widget_name("network");
    let network_error = ErrorLine::new(&group, "network-error");
    let bridge = Field::new(&group, &gettext("Bridge on the host, e.g. br0"), "bridge");
    let card = dialog.group(&gettext("Card"));
    let model = combo_row(&card, &gettext("Model"), &MODELS.map(str::to_string));
    model.set_widget_name("model");
    model.set_subtitle(&gettext(
        "virtio is fastest; e1000e and rtl8139 work in guests without virtio drivers",
    ));
    let mac = Field::new(
        &card,
        &gettext("MAC address (leave empty to pick one)"),
        "mac",
    );
    let form = Rc::new(Form {
        dialog,
        networks: choices.networks,
        kind,
        network,
        network_error,
        bridge,
        model,
        mac,
    });
    form.show_kind();
    let f = form.clone();
    form.kind.connect_selected_notify(move |_| f.show_kind());
    let f = form.clone();
    form.dialog.ok.connect_clicked(move |_| {
        f.mac.set_error(None);
        f.bridge.set_error(None);
        f.network_error.set(None);
        f.dialog.show_error(None);
        f.dialog.busy(true);
        let request = f.read();
        let (f2, toaster, done, uuid) = (f.clone(), toaster.clone(), done.clone(), uuid.clone());
        handle.run(
            move |conn| Ok(nic::add(conn, &uuid, &request)),
            on_main(
                move |r: Result<Result<(String, DeviceScope), AddNicError>, UserError>| {
                    f2.dialog.busy(false);
                    match r.unwrap_or_else(|e| Err(AddNicError::Libvirt(e))) {
                        Ok((mac, _)) => {
                            toaster.show(
                                gettext("Added the network interface {mac}").replace("{mac}", &mac),
                            );
                            f2.dialog.close();
                            done();
                        }
                        Err(AddNicError::Fields(errors)) => f2.show_errors(&errors),
                        Err(AddNicError::Libvirt(e)) => f2.dialog.show_error(Some(&e.message)),
                    }
                },
            ),
        );
    });
    form.dialog.present();
}
