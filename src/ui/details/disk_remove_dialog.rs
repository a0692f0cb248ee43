//! "Remove disk": asks first, with the choice to keep the disk's volume or delete it.
//! A volume another machine uses or another volume is based on cannot be chosen for
//! deletion, and the dialog says why. A running guest that has not let go of the
//! disk yet is reported as such, and its volume is kept.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware_actions::{scope_text, Done};
use crate::core::details::device_apply::Detached;
use crate::core::details::disk_remove::{self, RemovePlan, Removed};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::progress::Delayed;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// Reads what removing would do on the worker, then asks.
pub fn open(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    target: String,
    toaster: Toaster,
    done: Done,
) {
    let (parent, h, u) = (parent.clone(), handle.clone(), uuid.clone());
    h.run(
        move |conn| disk_remove::plan(conn, &u, &target),
        on_main(move |r: Result<RemovePlan, UserError>| match r {
            Ok(plan) => ask(&parent, handle, uuid, plan, toaster, done),
            Err(e) => toaster.show(e.message),
        }),
    );
}

fn ask(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    plan: RemovePlan,
    toaster: Toaster,
    done: Done,
) {
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(
            gettext("Remove {target} from {machine}?")
                .replace("{target}", &plan.target)
                .replace("{machine}", &plan.machine),
        )
        .body(scope_text(plan.scope))
        .build();
    let choice = gtk::Box::new(gtk::Orientation::Vertical, 6);
    let keep = gtk::CheckButton::new();
    let delete = gtk::CheckButton::new();
    delete.set_group(Some(&keep));
    keep.set_active(true);
    if let (Some(path), Some(verdict)) = (&plan.path, &plan.verdict) {
        let label = verdict.volume.as_deref().unwrap_or(path);
        keep.set_label(Some(&gettext("Keep {volume}").replace("{volume}", label)));
        delete.set_label(Some(
            &gettext("Delete {volume} too").replace("{volume}", label),
        ));
        keep.set_widget_name("keep-volume");
        delete.set_widget_name("delete-volume");
        delete.set_sensitive(verdict.deletable());
        choice.append(&keep);
        choice.append(&delete);
        if let Some(reason) = &verdict.keep_reason {
            let why = gtk::Label::builder()
                .label(gettext("Cannot be deleted: {reason}").replace("{reason}", reason))
                .xalign(0.0)
                .wrap(true)
                .margin_start(28)
                .build();
            why.set_widget_name("keep-reason");
            why.add_css_class("dim-label");
            why.add_css_class("caption");
            choice.append(&why);
        }
        dialog.set_extra_child(Some(&choice));
    }
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("remove", &gettext("Remove"));
    dialog.set_response_appearance("remove", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let plan = Rc::new(plan);
    let parent = parent.clone();
    dialog.connect_response(None, move |_, response| {
        if response != "remove" {
            return;
        }
        let delete_volume = delete.is_active();
        let (uuid, target, toaster, done) = (
            uuid.clone(),
            plan.target.clone(),
            toaster.clone(),
            done.clone(),
        );
        let progress = Delayed::pulsing(
            &parent,
            &gettext("Removing Disk"),
            &gettext("Removing {target}").replace("{target}", &target),
        );
        handle.run(
            move |conn| disk_remove::remove(conn, &uuid, &target, delete_volume),
            on_main(move |r: Result<Removed, UserError>| {
                progress.finish();
                toaster.show(match r {
                    Ok(removed) => outcome_text(&removed, delete_volume),
                    Err(e) => e.message,
                });
                done();
            }),
        );
    });
    dialog.present();
}

fn outcome_text(r: &Removed, asked_to_delete: bool) -> String {
    let t = &r.target;
    match (r.detached, &r.deleted_volume, &r.volume_error) {
        (Detached::Pending, _, _) if asked_to_delete => gettext("The guest has not released the disk {target} yet: it is gone from the configuration and goes from the running machine when the guest lets go of it. Its volume was not deleted.").replace("{target}", t),
        (Detached::Pending, _, _) => gettext("The guest has not released the disk {target} yet: it is gone from the configuration and goes from the running machine when the guest lets go of it.").replace("{target}", t),
        (Detached::Done, Some(volume), _) => gettext("Removed {target} and deleted {volume}")
            .replace("{target}", t)
            .replace("{volume}", volume),
        (Detached::Done, None, Some(error)) => gettext("Removed {target}, but its volume could not be deleted: {reason}")
            .replace("{target}", t)
            .replace("{reason}", error),
        (Detached::Done, None, None) => gettext("Removed {target}").replace("{target}", t),
    }
}
