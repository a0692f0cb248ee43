//! What a console session runs on the connection worker: everything here may wait
//! for the host, which must never happen on the GTK thread. Results come back to the
//! session as [`Msg`]s through a channel.

use std::sync::{Arc, Mutex};

use gettextrs::gettext;

use crate::core::console::{open_console, Attempt, ConsoleStream, DomainChange, DomainWatch};
use crate::core::error::{ErrorKind, UserError};
use crate::core::worker::ConnectionHandle;

/// The session's lifecycle registration. Only touched on the worker (registering and
/// dropping it are round trips on remote hosts); the mutex only makes it shareable.
pub(super) type Watch = Arc<Mutex<Option<DomainWatch>>>;

/// Messages from the worker and the event loop to the GTK thread.
pub(super) enum Msg {
    /// An attempt's result, and whether lifecycle events are registered.
    Attempted(u64, Attempt, bool),
    /// A lazy check found nothing changed.
    Unchanged(u64),
    JobFailed(u64, UserError),
    Domain(DomainChange),
    StartFailed(UserError),
}

pub(super) struct AttemptJob {
    pub uuid: String,
    pub device: Option<String>,
    pub force: bool,
    /// Only check that the connection is alive and is the one the registration was
    /// made on (no round trip); open again only if not.
    pub lazy: bool,
    pub generation: u64,
}

/// Checks the connection, (re)registers lifecycle events if the worker has a new
/// connection, and opens the console.
pub(super) fn attempt(
    handle: &ConnectionHandle,
    watch: &Watch,
    tx: &async_channel::Sender<Msg>,
    job: AttemptJob,
) {
    let (watch, events, reply) = (watch.clone(), tx.clone(), tx.clone());
    let generation = job.generation;
    handle.run(
        move |conn| {
            // Local: the client library knows whether its socket is closed. libvirt
            // does not tell an open remote stream when its daemon dies.
            if !conn.is_alive().unwrap_or(false) {
                return Err(UserError::new(
                    ErrorKind::ConnectionLost,
                    gettext("The connection to the host was lost"),
                ));
            }
            let mut w = watch.lock().unwrap_or_else(|p| p.into_inner());
            let current = w.as_ref().is_some_and(|w| w.is_on(conn));
            if job.lazy && current {
                return Ok(None);
            }
            if !current {
                // A registration on a connection the worker replaced is dead.
                *w = None;
                if let Ok(dom) = conn.lookup_domain_by_uuid_string(&job.uuid) {
                    *w = DomainWatch::register(conn, &dom, move |c| {
                        let _ = events.try_send(Msg::Domain(c));
                    })
                    .ok();
                }
            }
            let watching = w.is_some();
            drop(w);
            let attempt = open_console(conn, &job.uuid, job.device.as_deref(), job.force);
            Ok(Some((attempt, watching)))
        },
        move |r| {
            let _ = reply.try_send(match r {
                Ok(Some((attempt, watching))) => Msg::Attempted(generation, attempt, watching),
                Ok(None) => Msg::Unchanged(generation),
                Err(e) => Msg::JobFailed(generation, e),
            });
        },
    );
}

/// Stops the stream's callbacks now and frees it on the worker (abort waits for the
/// daemon on remote hosts).
pub(super) fn release(handle: &ConnectionHandle, stream: ConsoleStream) {
    stream.detach();
    handle.run(
        move |_| {
            drop(stream);
            Ok(())
        },
        |_: Result<(), UserError>| {},
    );
}

/// Releases the console a message carries, if any (its session no longer wants it).
pub(super) fn release_msg(handle: &ConnectionHandle, msg: Msg) {
    if let Msg::Attempted(
        _,
        Attempt {
            result: Ok((stream, _)),
            ..
        },
        _,
    ) = msg
    {
        release(handle, stream);
    }
}

pub(super) fn drop_watch(handle: &ConnectionHandle, watch: &Watch) {
    let watch = watch.clone();
    handle.run(
        move |_| {
            watch.lock().unwrap_or_else(|p| p.into_inner()).take();
            Ok(())
        },
        |_: Result<(), UserError>| {},
    );
}
