//! "Delete machine": one dialog, each disk with a checkbox to delete its volume too.
//! Volumes another machine uses, or that back another volume, are shown with the
//! reason and cannot be ticked.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::delete_vm::{self, BulkOutcome, DeletePlan, DeleteRequest};
use crate::core::error::UserError;
use crate::core::words::join_list;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// Reads the plan on the worker, then asks. Nothing changes until the person confirms.
pub fn open(parent: &gtk::Window, handle: &ConnectionHandle, uuid: &str, toaster: &Toaster) {
    let (parent, handle2, toaster) = (parent.clone(), handle.clone(), toaster.clone());
    let uuid = uuid.to_string();
    handle.run(
        move |conn| delete_vm::plan(conn, &uuid),
        on_main(move |plan: Result<DeletePlan, UserError>| match plan {
            Ok(plan) => ask(&parent, handle2, plan, toaster),
            Err(e) => toaster.show(e.message),
        }),
    );
}

fn ask(parent: &gtk::Window, handle: ConnectionHandle, plan: DeletePlan, toaster: Toaster) {
    let body = if plan.running {
        gettext("It is running and will be forced off first. Its definition is removed; tick the disks to delete with it.")
    } else {
        gettext("Its definition is removed; tick the disks to delete with it.")
    };
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(gettext("Delete {name}?").replace("{name}", &plan.name))
        .body(body)
        .build();
    let boxed = gtk::Box::new(gtk::Orientation::Vertical, 6);
    let mut checks = Vec::new();
    for disk in &plan.disks {
        let label = format!(
            "{} — {}",
            disk.target,
            disk.volume.as_deref().unwrap_or(&disk.path)
        );
        let check = gtk::CheckButton::with_label(&label);
        // Disks are deleted only when asked; a CD-ROM image is usually shared.
        check.set_active(disk.deletable() && disk.device == "disk");
        check.set_sensitive(disk.deletable());
        boxed.append(&check);
        if let Some(reason) = &disk.keep_reason {
            let why = gtk::Label::builder()
                .label(gettext("Kept: {reason}").replace("{reason}", reason))
                .xalign(0.0)
                .wrap(true)
                .margin_start(28)
                .build();
            why.add_css_class("dim-label");
            why.add_css_class("caption");
            boxed.append(&why);
        }
        checks.push((check, disk.path.clone()));
    }
    if !plan.disks.is_empty() {
        dialog.set_extra_child(Some(&boxed));
    }
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("delete", &gettext("Delete"));
    dialog.set_response_appearance("delete", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let checks = Rc::new(checks);
    let parent = parent.clone();
    dialog.connect_response(None, move |_, response| {
        if response != "delete" {
            return;
        }
        let paths: Vec<String> = checks
            .iter()
            .filter(|(c, _)| c.is_active())
            .map(|(_, p)| p.clone())
            .collect();
        let request = DeleteRequest {
            uuid: plan.uuid.clone(),
            name: plan.name.clone(),
            delete_paths: paths,
        };
        let (name, toaster2) = (plan.name.clone(), toaster.clone());
        // The body said it would be forced off only when it was running.
        super::delete_run::run(
            &parent,
            &handle,
            vec![request],
            plan.running,
            &toaster,
            move |mut outcome| {
                toaster2.show(match outcome.machines.pop() {
                    Some((_, Err(e))) => gettext("Could not delete {name}: {reason}")
                        .replace("{name}", &name)
                        .replace("{reason}", &e.message),
                    _ => summary(&name, &outcome),
                })
            },
        );
    });
    dialog.present();
}

fn summary(name: &str, outcome: &BulkOutcome) -> String {
    let mut text = if outcome.deleted_volumes.is_empty() {
        gettext("Deleted {name}").replace("{name}", name)
    } else {
        gettext("Deleted {name} and {volumes}")
            .replace("{name}", name)
            .replace("{volumes}", &join_list(&outcome.deleted_volumes))
    };
    for (volume, reason) in &outcome.kept {
        text.push_str("; ");
        text.push_str(
            &gettext("kept {volume} ({reason})")
                .replace("{volume}", volume)
                .replace("{reason}", reason),
        );
    }
    text
}
