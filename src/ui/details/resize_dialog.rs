//! "Resize disk": a size, checked on the worker; growing applies at once, shrinking
//! asks a second time because it cuts off data.

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::details::disk_resize::{self, ResizePlan};
use crate::core::error::UserError;
use crate::core::storage::size::format_bytes;
use crate::core::worker::ConnectionHandle;
use crate::ui::progress::Delayed;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

pub fn open(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    target: String,
    current: Option<u64>,
    toaster: Toaster,
    done: impl Fn() + Clone + 'static,
) {
    let entry = gtk::Entry::builder()
        .text(current.map(format_bytes).unwrap_or_default())
        .activates_default(true)
        .build();
    entry.update_property(&[gtk::accessible::Property::Label(&gettext("New size"))]);
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(gettext("Resize {target}").replace("{target}", &target))
        .body(gettext("The new size, for example 40G. A running machine sees it at once; the partitions and file systems inside still need growing (growpart, xfs_growfs or resize2fs)."))
        .extra_child(&entry)
        .build();
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("resize", &gettext("Resize"));
    dialog.set_response_appearance("resize", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("resize"));
    dialog.set_close_response("cancel");
    let parent = parent.clone();
    dialog.connect_response(None, move |_, response| {
        if response != "resize" {
            return;
        }
        let (size, h, u, t) = (
            entry.text().to_string(),
            handle.clone(),
            uuid.clone(),
            target.clone(),
        );
        let (parent, handle, uuid, toaster, done) = (
            parent.clone(),
            handle.clone(),
            uuid.clone(),
            toaster.clone(),
            done.clone(),
        );
        h.run(
            move |conn| disk_resize::plan(conn, &u, &t, &size),
            on_main(move |plan: Result<ResizePlan, UserError>| match plan {
                Err(e) => toaster.show(e.message),
                Ok(plan) if plan.shrinks() => {
                    confirm_shrink(&parent, handle, uuid, plan, toaster, done)
                }
                Ok(plan) => apply(&parent, handle, uuid, plan, false, toaster, done),
            }),
        );
    });
    dialog.present();
}

fn confirm_shrink(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    plan: ResizePlan,
    toaster: Toaster,
    done: impl Fn() + 'static,
) {
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(gettext("Shrink {target}?").replace("{target}", &plan.target))
        .body(
            gettext("From {from} to {to}: whatever the guest stored beyond the new end is lost, and file systems that reach there break. Shrink the file systems inside first.")
                .replace("{from}", &format_bytes(plan.current_bytes))
                .replace("{to}", &format_bytes(plan.new_bytes)),
        )
        .build();
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("shrink", &gettext("Shrink"));
    dialog.set_response_appearance("shrink", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let parent = parent.clone();
    let state = std::cell::RefCell::new(Some((handle, uuid, plan, toaster, done)));
    dialog.connect_response(None, move |_, response| {
        if let (true, Some((handle, uuid, plan, toaster, done))) =
            (response == "shrink", state.borrow_mut().take())
        {
            apply(&parent, handle, uuid, plan, true, toaster, done);
        }
    });
    dialog.present();
}

fn apply(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    plan: ResizePlan,
    confirmed: bool,
    toaster: Toaster,
    done: impl Fn() + 'static,
) {
    let (target, size) = (plan.target.clone(), format_bytes(plan.new_bytes));
    let progress = Delayed::pulsing(
        parent,
        &gettext("Resizing Disk"),
        &gettext("Resizing {target} to {size}")
            .replace("{target}", &target)
            .replace("{size}", &size),
    );
    handle.run(
        move |conn| disk_resize::apply(conn, &uuid, &plan, confirmed),
        on_main(move |result: Result<(), UserError>| {
            progress.finish();
            match result {
                Ok(()) => toaster.show(
                    gettext("{target} is now {size}")
                        .replace("{target}", &target)
                        .replace("{size}", &size),
                ),
                Err(e) => toaster.show(e.message),
            }
            done();
        }),
    );
}
