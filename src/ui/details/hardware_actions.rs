//! What each button of the Hardware page does: a dialog for the changes that need
//! choices, the change itself for those that do not (a CD-ROM drive, a card's link),
//! and one sentence for the person when it is done or refused. `done` reads the
//! details again afterwards.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware::HardwareRequest;
use crate::core::details::device_apply::{Detached, DeviceScope};
use crate::core::details::{cdrom, nic};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

pub type Done = Rc<dyn Fn()>;

/// Reads what a dialog offers (pools, networks, the machine's devices) on the worker,
/// then shows the dialog with it; when the host cannot say, the person reads why.
pub fn read_then_show<C: Send + 'static>(
    handle: &ConnectionHandle,
    toaster: Toaster,
    read: impl FnOnce(&virt::connect::Connect) -> Result<C, UserError> + Send + 'static,
    show: impl FnOnce(C) + 'static,
) {
    handle.run(
        read,
        on_main(move |r: Result<C, UserError>| match r {
            Ok(choices) => show(choices),
            Err(e) => toaster.show(e.message),
        }),
    );
}

/// When a hardware change applies, in the words the dialogs use.
pub fn scope_text(scope: DeviceScope) -> String {
    match (scope.live, scope.config) {
        (true, true) => gettext("The machine is running: this applies now, and is kept for its next start."),
        (true, false) => gettext("The machine is running and has no stored configuration: this applies now and is gone when it stops."),
        _ => gettext("The machine is off: this is stored in its configuration and applies from its next start."),
    }
}

/// The dialogs' first line: when their change applies (dim, wrapping). Named
/// `scope` so tests can read it.
pub fn append_scope_note(dialog: &crate::ui::networks::form::Dialog, scope: DeviceScope) {
    let note = gtk::Label::builder()
        .label(scope_text(scope))
        .wrap(true)
        .xalign(0.0)
        .build();
    note.set_widget_name("scope");
    note.add_css_class("dim-label");
    dialog.content.append(&note);
}

pub fn run(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    request: HardwareRequest,
    toaster: Toaster,
    done: Done,
) {
    match request {
        HardwareRequest::Resize(target, current) => {
            super::resize_dialog::open(parent, handle, uuid, target, current, toaster, move || {
                done()
            })
        }
        HardwareRequest::AddDisk => {
            super::disk_add_dialog::open(parent, handle, uuid, toaster, done)
        }
        HardwareRequest::RemoveDisk(target) => {
            super::disk_remove_dialog::open(parent, handle, uuid, target, toaster, done)
        }
        HardwareRequest::ChangeMedia(target) => {
            super::cdrom_dialog::open(parent, handle, uuid, target, toaster, done)
        }
        HardwareRequest::AddNic => super::nic_dialog::open(parent, handle, uuid, toaster, done),
        HardwareRequest::AddCdrom => handle.run(
            move |conn| cdrom::add_drive(conn, &uuid),
            on_main(move |r: Result<String, UserError>| {
                toaster.show(match r {
                    Ok(target) => {
                        gettext("Added the CD-ROM drive {target}; it can take a disc image now")
                            .replace("{target}", &target)
                    }
                    Err(e) => e.message,
                });
                done();
            }),
        ),
        HardwareRequest::SetLink(mac, up) => handle.run(
            move |conn| nic::set_link(conn, &uuid, &mac, up),
            on_main(move |r: Result<DeviceScope, UserError>| {
                if let Err(e) = r {
                    toaster.show(e.message);
                }
                // Also after a refusal: the switch goes back to what the machine has.
                done();
            }),
        ),
        HardwareRequest::RemoveNic(mac) => {
            confirm_remove_nic(parent, handle, uuid, mac, toaster, done)
        }
    }
}

fn confirm_remove_nic(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    mac: String,
    toaster: Toaster,
    done: Done,
) {
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(gettext("Remove the network interface {mac}?").replace("{mac}", &mac))
        .body(gettext(
            "The guest loses this network card and the addresses it had on it.",
        ))
        .build();
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("remove", &gettext("Remove"));
    dialog.set_response_appearance("remove", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    dialog.connect_response(None, move |_, response| {
        if response != "remove" {
            return;
        }
        let (uuid, mac, toaster, done) = (uuid.clone(), mac.clone(), toaster.clone(), done.clone());
        let m = mac.clone();
        handle.run(
            move |conn| nic::remove(conn, &uuid, &m),
            on_main(move |r: Result<Detached, UserError>| {
                toaster.show(match r {
                    Ok(Detached::Done) => gettext("Removed the network interface {mac}").replace("{mac}", &mac),
                    Ok(Detached::Pending) => gettext("The network interface {mac} is gone from the configuration, but the guest has not released it yet; it goes when the guest lets go of it or the machine stops").replace("{mac}", &mac),
                    Err(e) => e.message,
                });
                done();
            }),
        );
    });
    dialog.present();
}
