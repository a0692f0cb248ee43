//! Running a snapshot job (take, revert, delete) with the tab's progress strip.
//!
//! An internal snapshot of a running machine saves its memory and can take many
//! seconds, so the job runs on a thread of its own with a clone of the connection
//! (libvirt connections are thread-safe): the host's worker stays free for the rest
//! of the window, and for asking libvirt how the job goes and aborting it. Cancel is
//! offered only while libvirt reports a job it can abort (see `core::domain_job`);
//! otherwise the strip says plainly that this cannot be cancelled.

use std::rc::Rc;
use std::time::Duration;

use gettextrs::gettext;
use gtk::glib;
use gtk::prelude::*;

use super::snapshots::{SnapshotRequest, SnapshotsPage};
use crate::core::domain_job::{self, RunningJob};
use crate::core::error::{ErrorKind, UserError};
use crate::core::snapshots;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;

/// How often libvirt is asked how the job goes.
const POLL: Duration = Duration::from_millis(500);

fn what(request: &SnapshotRequest) -> String {
    match request {
        SnapshotRequest::Create { name, .. } => {
            gettext("Taking snapshot “{name}”…").replace("{name}", name)
        }
        SnapshotRequest::Revert(name) => {
            gettext("Reverting to snapshot “{name}”…").replace("{name}", name)
        }
        SnapshotRequest::Delete(name) => {
            gettext("Deleting snapshot “{name}”…").replace("{name}", name)
        }
    }
}

fn carry_out(
    conn: &virt::connect::Connect,
    uuid: &str,
    request: SnapshotRequest,
) -> Result<(), UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    match request {
        SnapshotRequest::Create {
            name,
            description,
            kind,
        } => snapshots::create(&dom, &name, &description, kind),
        SnapshotRequest::Revert(name) => snapshots::revert(&dom, &name),
        SnapshotRequest::Delete(name) => snapshots::delete(&dom, &name),
    }
}

/// Runs `request` on the machine `uuid`; `done` hears the result on the GTK thread
/// after the strip is gone.
pub fn run(
    page: &Rc<SnapshotsPage>,
    handle: &ConnectionHandle,
    uuid: String,
    request: SnapshotRequest,
    done: impl FnOnce(Result<(), UserError>) + 'static,
) {
    page.begin(&what(&request));
    let (tx, rx) = async_channel::bounded::<Result<(), UserError>>(1);
    {
        let page = page.clone();
        glib::spawn_future_local(async move {
            let result = rx.recv().await.unwrap_or_else(|_| {
                Err(UserError::new(
                    ErrorKind::ConnectionLost,
                    gettext("The connection is closed"),
                ))
            });
            rx.close();
            page.end();
            done(result);
        });
    }
    watch(page, handle, uuid.clone(), tx.clone());
    let job_uuid = uuid;
    let failed = tx.clone();
    handle.run(
        move |conn| {
            let conn = conn.clone();
            std::thread::Builder::new()
                .name("hangar-snapshot".into())
                .spawn(move || {
                    let _ = tx.send_blocking(carry_out(&conn, &job_uuid, request));
                })
                .map(|_| ())
                .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))
        },
        move |r: Result<(), UserError>| {
            // No thread (or no connection): the job never started.
            if let Err(e) = r {
                let _ = failed.try_send(Err(e));
            }
        },
    );
}

/// Asks libvirt every `POLL` how the job goes, until it is over: offers Cancel while
/// a job that can be aborted runs, shows its progress when known, and otherwise says
/// that it cannot be cancelled.
fn watch(
    page: &Rc<SnapshotsPage>,
    handle: &ConnectionHandle,
    uuid: String,
    over: async_channel::Sender<Result<(), UserError>>,
) {
    let (weak, handle) = (Rc::downgrade(page), handle.clone());
    glib::timeout_add_local(POLL, move || {
        let Some(page) = weak.upgrade() else {
            return glib::ControlFlow::Break;
        };
        if over.is_closed() || !page.activity.is_running() {
            return glib::ControlFlow::Break;
        }
        let (u, uuid2) = (uuid.clone(), uuid.clone());
        let (weak, handle2, over2) = (weak.clone(), handle.clone(), over.clone());
        handle.run(
            move |conn| domain_job::running_job(&conn.lookup_domain_by_uuid_string(&u)?),
            on_main(move |job: Result<Option<RunningJob>, UserError>| {
                let Some(page) = weak.upgrade() else { return };
                if over2.is_closed() {
                    return;
                }
                show_job(&page, &handle2, uuid2, job.ok().flatten());
            }),
        );
        glib::ControlFlow::Continue
    });
}

fn show_job(
    page: &Rc<SnapshotsPage>,
    handle: &ConnectionHandle,
    uuid: String,
    job: Option<RunningJob>,
) {
    let activity = &page.activity;
    match job {
        Some(job) => {
            if !activity.cancel.is_visible() {
                let handle = handle.clone();
                let weak = Rc::downgrade(page);
                activity.offer_cancel(move || {
                    let (uuid, weak) = (uuid.clone(), weak.clone());
                    handle.run(
                        move |conn| domain_job::abort(&conn.lookup_domain_by_uuid_string(&uuid)?),
                        on_main(move |r: Result<(), UserError>| {
                            // The job's own call then fails with libvirt's "canceled".
                            if let (Err(e), Some(p)) = (r, weak.upgrade()) {
                                p.activity.cannot_cancel(&e.message);
                            }
                        }),
                    );
                });
            }
            if let Some(f) = job.fraction {
                activity.pulse.set_fraction(f);
            }
        }
        None if !activity.cancel.is_visible() => {
            activity.cannot_cancel(&gettext(
                "libvirt cannot cancel this step once it has started; it ends by itself.",
            ));
        }
        None => {}
    }
}
