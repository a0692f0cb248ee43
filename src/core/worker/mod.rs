//! One worker thread per connection.
//!
//! The worker owns the `virt::Connect` and runs every blocking libvirt call for it, so
//! a slow or dead host never freezes the window or the other hosts. It lists the host
//! once, then keeps the window's copy current from libvirt events, one object at a
//! time; it never re-lists on a timer. When the host goes away it reports it, waits
//! with a growing back-off, reconnects and lists once more. A host that is not there
//! when first opened (daemon down, connection refused) is retried the same way; a wrong
//! URI or a refused login waits for the person.

mod offline;
mod open;
mod refresh;

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use virt::connect::Connect;

pub use super::connection_spec::{ConnectionSpec, Keepalive};
use super::domain_action::DomainAction;
use super::error::{from_virt, ErrorKind, UserError};
use super::events::RawEvent;
use super::inventory;
use super::login::{Login, Pending};
use super::model::{
    ConnectionId, DomainLabels, DomainSummary, HostSummary, Inventory, NetworkSummary, PoolSummary,
};
use gettextrs::gettext;

/// What a worker tells the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Connecting,
    Connected(HostSummary),
    /// The first full listing after (re)connecting: replaces everything known.
    Loaded(Inventory),
    /// The host could not be reached at all, or refused the login; nothing is retried
    /// until asked.
    Failed(UserError),
    /// libvirt needs credentials to open the connection: the worker waits until the
    /// request is answered or cancelled.
    Credentials(super::auth::CredentialsRequest),
    /// The host is gone (or, never reached yet, not there right now): the worker
    /// retries by itself; `Retrying` says when.
    Disconnected(UserError),
    /// The worker waits this long before trying again (`reconnect` skips the wait).
    Retrying(Duration),
    /// No connection, and none is attempted until the person asks (`reconnect`): a
    /// saved connection not opened at start, or after `disconnect`.
    NotConnected,
    Domain(DomainSummary),
    /// Titles and template marks after a listing (see `DomainLabels`).
    DomainLabels(Vec<(String, DomainLabels)>),
    DomainGone {
        uuid: String,
    },
    Network(NetworkSummary),
    NetworkGone {
        uuid: String,
    },
    Pool(PoolSummary),
    PoolGone {
        uuid: String,
    },
}

/// An update, tagged with the connection it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerEvent {
    pub connection: ConnectionId,
    pub update: Update,
}

/// Where updates go. Called on worker threads: it must be cheap and never block.
pub type UpdateSink = Arc<dyn Fn(WorkerEvent) + Send + Sync>;

type Job = Box<dyn FnOnce(Result<&Connect, &UserError>) + Send>;

enum Input {
    Libvirt(RawEvent),
    Job(Job),
    Reconnect,
    /// Stop connecting (or drop the connection) until asked again.
    Disconnect,
    /// The connection opened on its own thread (see `open`).
    Opened(Result<Connect, UserError>),
    Close,
}

/// The window's (and the tests') end of a worker. Cheap to clone; every method
/// returns at once and answers through a callback on the worker thread.
#[derive(Clone)]
pub struct ConnectionHandle {
    pub id: ConnectionId,
    pub spec: ConnectionSpec,
    tx: Sender<Input>,
    /// The credentials question the worker waits on, so `close` can cancel it.
    pending: Pending,
}

impl ConnectionHandle {
    /// Starts a worker that connects to `spec.uri` and reports to `sink`.
    /// libvirt's event implementation must be registered (see `event_loop`).
    pub fn open(id: ConnectionId, spec: ConnectionSpec, sink: UpdateSink) -> ConnectionHandle {
        let (tx, rx) = mpsc::channel();
        let pending: Pending = Arc::new(Mutex::new(None));
        let worker = Worker {
            id,
            spec: spec.clone(),
            sink,
            tx: tx.clone(),
            rx,
            login: Arc::default(),
            pending: pending.clone(),
            opening: Cell::new(false),
        };
        thread::Builder::new()
            .name(format!("libvirt-conn-{id}"))
            .spawn(move || worker.run())
            .expect("spawning a connection worker thread");
        ConnectionHandle {
            id,
            spec,
            tx,
            pending,
        }
    }

    /// Runs `f` with the connection on the worker thread and hands its result to
    /// `reply` there. When the host is not connected, `reply` gets that error.
    pub fn run<R, F, C>(&self, f: F, reply: C)
    where
        F: FnOnce(&Connect) -> Result<R, UserError> + Send + 'static,
        C: FnOnce(Result<R, UserError>) + Send + 'static,
    {
        let job: Job = Box::new(move |conn| match conn {
            Ok(conn) => reply(f(conn)),
            Err(e) => reply(Err(e.clone())),
        });
        if let Err(mpsc::SendError(Input::Job(job))) = self.tx.send(Input::Job(job)) {
            job(Err(&closed_error()));
        }
    }

    /// Like [`run`](Self::run) but waits for the answer. Never call it on the GTK
    /// thread: it blocks for as long as the host takes.
    pub fn call<R, F>(&self, f: F) -> Result<R, UserError>
    where
        R: Send + 'static,
        F: FnOnce(&Connect) -> Result<R, UserError> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        self.run(f, move |r| {
            let _ = tx.send(r);
        });
        rx.recv().unwrap_or_else(|_| Err(closed_error()))
    }

    /// Starts, stops, pauses… the domain with this UUID. The row itself changes when
    /// libvirt's event arrives, whoever caused it; `reply` only reports failure.
    pub fn domain_action<C>(&self, uuid: &str, action: DomainAction, reply: C)
    where
        C: FnOnce(Result<(), UserError>) + Send + 'static,
    {
        let uuid = uuid.to_string();
        self.run(
            move |conn| {
                // A template whose disks back linked clones must never run: its
                // clones read those disks.
                if action == DomainAction::Start {
                    use super::clone::template::{check_guard, GuardedAction};
                    if let Some(reason) = check_guard(conn, &uuid, GuardedAction::Start)? {
                        return Err(UserError::invalid(reason));
                    }
                }
                let dom = conn.lookup_domain_by_uuid_string(&uuid)?;
                action.apply(&dom).map_err(UserError::from)
            },
            reply,
        );
    }

    /// Connects now: after a failure, while waiting to retry (without waiting for the
    /// back-off), or when not connected.
    pub fn reconnect(&self) {
        let _ = self.tx.send(Input::Reconnect);
    }

    /// Drops the connection, or stops trying to reach the host, until `reconnect`.
    pub fn disconnect(&self) {
        let _ = self.tx.send(Input::Disconnect);
        if let Some(request) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            request.cancel();
        }
    }

    /// Deregisters the events and closes the connection. Returns at once; the worker
    /// finishes what it is doing first (a credentials question it waits on is
    /// cancelled).
    pub fn close(&self) {
        let _ = self.tx.send(Input::Close);
        if let Some(request) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            request.cancel();
        }
    }
}

use offline::offline_error;

fn closed_error() -> UserError {
    UserError::new(
        ErrorKind::ConnectionLost,
        gettext("The connection is closed"),
    )
}

/// Why `serve` returned.
enum Exit {
    Close,
    /// The person disconnected.
    Disconnect,
    Lost(UserError),
}

/// What the worker does next.
enum Step {
    Connect,
    /// Not connected until asked.
    Idle,
    /// Waits this long, then connects again.
    Retry(Duration),
    /// Waits for the person (a wrong URI, a refused login).
    Halt,
    Stop,
}

struct Worker {
    id: ConnectionId,
    spec: ConnectionSpec,
    sink: UpdateSink,
    tx: Sender<Input>,
    rx: Receiver<Input>,
    /// Credentials given in this session (memory only), reused when reconnecting. Behind
    /// a mutex because the connection is opened on a thread of its own.
    login: Arc<Mutex<Login>>,
    pending: Pending,
    /// An open runs on its own thread and has not answered yet: the next attempt waits
    /// for it rather than starting another.
    opening: Cell<bool>,
}

const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

impl Worker {
    fn emit(&self, update: Update) {
        (self.sink)(WorkerEvent {
            connection: self.id,
            update,
        });
    }

    fn run(self) {
        let mut connected_before = false;
        let mut backoff = BACKOFF_START;
        let mut step = if self.spec.connect_now {
            Step::Connect
        } else {
            Step::Idle
        };
        loop {
            step = match step {
                Step::Stop => return,
                Step::Idle => {
                    self.emit(Update::NotConnected);
                    self.wait_offline(None)
                }
                Step::Halt => self.wait_offline(None),
                Step::Retry(wait) => {
                    self.emit(Update::Retrying(wait));
                    self.wait_offline(Some(wait))
                }
                Step::Connect => {
                    self.emit(Update::Connecting);
                    match self.open_session() {
                        Ok(Ok((session, queued))) => {
                            connected_before = true;
                            backoff = BACKOFF_START;
                            match self.serve(session, queued) {
                                Exit::Close => Step::Stop,
                                Exit::Disconnect => Step::Idle,
                                Exit::Lost(err) => {
                                    self.emit(Update::Disconnected(err));
                                    Step::Retry(backoff)
                                }
                            }
                        }
                        Ok(Err(err)) if retry_after(&err, connected_before) => {
                            self.emit(Update::Disconnected(err));
                            backoff = (backoff * 2).min(BACKOFF_MAX);
                            Step::Retry(backoff)
                        }
                        Ok(Err(err)) => {
                            self.emit(Update::Failed(err));
                            Step::Halt
                        }
                        Err(step) => step,
                    }
                }
            }
        }
    }

    /// Serves one connected session until it is closed or lost. `queued` are the jobs
    /// that arrived while connecting.
    fn serve(&self, session: open::Session, queued: Vec<Job>) -> Exit {
        let conn = &session.conn;
        self.emit(Update::Connected(inventory::host_summary(conn)));
        // Events are registered before the listing, so a change made while we list is
        // queued and applied after it: the listing can never hide a newer state.
        match inventory::load_all(conn) {
            Ok(inv) => self.emit(Update::Loaded(inv)),
            Err(e) => return Exit::Lost(from_virt(&e)),
        }
        self.emit_labels(conn);
        for job in queued {
            job(Ok(conn));
        }
        let events_work = session.registrations.is_some();
        while let Ok(first) = self.rx.recv() {
            // Drain what else is queued, so a burst of events for one object costs
            // one lookup instead of one per event.
            let mut batch = vec![first];
            batch.extend(self.rx.try_iter());
            let mut refreshed: HashSet<(u8, String)> = HashSet::new();
            for input in batch {
                match input {
                    Input::Close => return Exit::Close,
                    Input::Disconnect => return Exit::Disconnect,
                    Input::Reconnect | Input::Opened(_) => {}
                    Input::Job(job) => {
                        job(Ok(conn));
                        if !events_work {
                            // Without events, the only way to see our own change.
                            refreshed.clear();
                            if let Ok(inv) = inventory::load_all(conn) {
                                self.emit(Update::Loaded(inv));
                                self.emit_labels(conn);
                            }
                        }
                    }
                    Input::Libvirt(RawEvent::ConnectionClosed { reason }) => {
                        return Exit::Lost(refresh::close_reason(reason));
                    }
                    Input::Libvirt(ev) => {
                        if let Some(key) = refresh::object_key(&ev) {
                            if refreshed.insert(key.clone()) {
                                self.refresh(conn, key);
                            }
                        }
                    }
                }
            }
        }
        Exit::Close
    }
}

/// Whether a failed open is retried by itself: a host reached before is (unless the
/// login was refused or cancelled: retrying on a timer would only repeat it, or lock
/// the account); a host never reached only when it is plainly not there right now
/// (`ConnectionLost`, see `login`). A wrong URI would only repeat its error.
fn retry_after(err: &UserError, connected_before: bool) -> bool {
    if connected_before {
        err.kind != ErrorKind::PermissionDenied
    } else {
        err.kind == ErrorKind::ConnectionLost
    }
}
