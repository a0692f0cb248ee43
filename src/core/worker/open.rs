//! Opening a connection without letting the host hold the worker.
//!
//! libvirt's keepalive only starts once a connection is open, so opening a daemon that
//! accepts the socket but never answers (a frozen libvirtd) would block for as long as
//! it stays frozen. The open runs on a thread of its own and the worker gives up on it
//! after the keepalive window, reporting the host as not answering. That thread ends
//! when libvirt returns; at most one runs per connection (the next attempt waits for
//! it), and a connection it opens after the worker stopped is closed there.

use std::thread;
use std::time::Instant;

use gettextrs::gettext;
use virt::connect::Connect;

use super::{Input, Job, Step, Update, Worker, WorkerEvent};
use crate::core::error::{ErrorKind, UserError};
use crate::core::events::Registrations;

pub(super) struct Session {
    // Field order matters: the registrations hold a reference on the connection and
    // must be deregistered before the connection is closed.
    pub registrations: Option<Registrations>,
    pub conn: Connect,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.registrations.take();
    }
}

/// A successful open with the jobs that arrived meanwhile, or why it failed; `Err` is
/// what to do instead (closed, or disconnected by the person).
pub(super) type Opened = Result<Result<(Session, Vec<Job>), UserError>, Step>;

impl Worker {
    pub(super) fn open_session(&self) -> Opened {
        if !self.opening.get() {
            if let Err(e) = self.start_open() {
                return Ok(Err(e));
            }
        }
        let window = self.spec.keepalive.window();
        let mut deadline = Instant::now() + window;
        let mut queued: Vec<Job> = Vec::new();
        let fail = |queued: Vec<Job>, e: &UserError| {
            for job in queued {
                job(Err(e));
            }
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let input = match self.rx.recv_timeout(left) {
                Ok(input) => input,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    // The person may be reading a Log In dialog: that is not the host
                    // being slow.
                    if self.pending.lock().is_ok_and(|p| p.is_some()) {
                        deadline = Instant::now() + window;
                        continue;
                    }
                    let err = not_answering();
                    fail(queued, &err);
                    return Ok(Err(err));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Err(Step::Stop),
            };
            match input {
                Input::Opened(result) => {
                    self.opening.set(false);
                    return Ok(match result {
                        Ok(conn) => Ok((self.session(conn), queued)),
                        Err(e) => {
                            fail(queued, &e);
                            Err(e)
                        }
                    });
                }
                Input::Job(job) => queued.push(job),
                Input::Close => {
                    fail(queued, &super::closed_error());
                    return Err(Step::Stop);
                }
                Input::Disconnect => {
                    fail(queued, &super::offline_error());
                    return Err(Step::Idle);
                }
                Input::Reconnect | Input::Libvirt(_) => {}
            }
        }
    }

    /// Starts `Login::open` on its own thread; its result comes back as `Input::Opened`.
    fn start_open(&self) -> Result<(), UserError> {
        let (id, uri, sink) = (self.id, self.spec.uri.clone(), self.sink.clone());
        let (login, pending, tx) = (self.login.clone(), self.pending.clone(), self.tx.clone());
        thread::Builder::new()
            .name(format!("libvirt-open-{id}"))
            .spawn(move || {
                let ask = |request: crate::core::auth::CredentialsRequest| {
                    sink(WorkerEvent {
                        connection: id,
                        update: Update::Credentials(request),
                    })
                };
                let result = login
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .open(&uri, &pending, &ask);
                // When the worker is gone the connection comes back here and is
                // dropped, which closes it.
                let _ = tx.send(Input::Opened(result));
            })
            .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))?;
        self.opening.set(true);
        Ok(())
    }

    fn session(&self, conn: Connect) -> Session {
        let keepalive = self.spec.keepalive;
        // Unsupported on local drivers (test://, qemu:///embed): nothing to do there.
        let _ = conn.set_keep_alive(keepalive.interval_s as i32, keepalive.count);
        let tx = self.tx.clone();
        let registrations = Registrations::register(&conn, move |ev| {
            let _ = tx.send(Input::Libvirt(ev));
        })
        .ok();
        Session {
            registrations,
            conn,
        }
    }
}

/// A passing outage (`ConnectionLost`): retried like a refused connection.
fn not_answering() -> UserError {
    UserError::new(
        ErrorKind::ConnectionLost,
        gettext("The host accepts connections but is not answering."),
    )
}
