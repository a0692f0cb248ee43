//! Carrying out a confirmed deletion — of one machine or many — on a thread of its
//! own (the host's other work goes on; rows disappear as libvirt reports them gone),
//! with a progress window and Stop when it takes a while. Shared by both dialogs.

use gettextrs::{gettext, ngettext};
use gtk::glib;

use crate::core::delete_vm::{self, BulkOutcome, DeleteRequest};
use crate::core::error::{ErrorKind, UserError};
use crate::core::storage::transfer::CancelFlag;
use crate::core::worker::ConnectionHandle;
use crate::ui::progress::Delayed;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

enum Step {
    Machine(usize, usize),
    Done(BulkOutcome),
}

/// Deletes `requests` in order; `done` hears the outcome on the GTK thread. Stop
/// ends the run before the next machine or volume: what went is gone, the rest stays
/// whole and the outcome says "stopped".
pub fn run(
    parent: &gtk::Window,
    handle: &ConnectionHandle,
    requests: Vec<DeleteRequest>,
    force_off: bool,
    toaster: &Toaster,
    done: impl FnOnce(BulkOutcome) + 'static,
) {
    let total = requests.len();
    let cancel = CancelFlag::default();
    let (title, what) = match requests.as_slice() {
        [one] => (
            gettext("Deleting Machine"),
            gettext("Deleting {name} and the disks ticked with it").replace("{name}", &one.name),
        ),
        _ => (
            gettext("Deleting Machines"),
            ngettext(
                "Deleting {n} machine",
                "Deleting {n} machines",
                total as u32,
            )
            .replace("{n}", &total.to_string()),
        ),
    };
    let progress = Delayed::new(parent, &title, &what, Some(cancel.clone()), move |p| {
        if total == 1 {
            // One machine: no count to show, and Stop keeps the volumes not yet gone.
            p.pulse(&gettext("Working…"));
            p.set_cancelling_text(&gettext("Stopping before the next volume…"));
        } else {
            p.set_cancelling_text(&gettext("Stopping after the current machine…"));
        }
    });
    let (tx, rx) = async_channel::unbounded::<Step>();
    let toaster2 = toaster.clone();
    let p2 = progress.clone();
    glib::spawn_future_local(async move {
        while let Ok(step) = rx.recv().await {
            match step {
                Step::Machine(done, total) if total > 1 => {
                    p2.with(|p| p.update_machines(done, total))
                }
                Step::Machine(..) => {}
                Step::Done(outcome) => {
                    p2.finish();
                    done(outcome);
                    break;
                }
            }
        }
    });
    let report = tx.clone();
    handle.run(
        move |conn| {
            let conn = conn.clone();
            std::thread::Builder::new()
                .name("hangar-delete".into())
                .spawn(move || {
                    let outcome = delete_vm::execute_many(
                        &conn,
                        &requests,
                        force_off,
                        &cancel,
                        &|done, total| {
                            let _ = report.send_blocking(Step::Machine(done, total));
                        },
                    );
                    let _ = report.send_blocking(Step::Done(outcome));
                })
                .map(|_| ())
                .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))
        },
        on_main(move |r: Result<(), UserError>| {
            if let Err(e) = r {
                // Nothing was done: no thread, or no connection.
                tx.close();
                progress.finish();
                toaster2.show(e.message);
            }
        }),
    );
}
