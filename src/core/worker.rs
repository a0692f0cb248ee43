//! One worker thread per connection.
//!
//! The worker owns the `virt::Connect` and runs every blocking libvirt call for it, so
//! a slow or dead host never freezes the window or the other hosts. It lists the host
//! once, then keeps the window's copy current from libvirt events, one object at a
//! time; it never re-lists on a timer. When the host goes away it reports it, waits
//! with a growing back-off, reconnects and lists once more.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use virt::connect::Connect;

use super::domain_action::DomainAction;
use super::error::{from_virt, ErrorKind, UserError};
use super::events::{RawEvent, Registrations};
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
    /// The host was reached before and is gone now; the worker retries by itself.
    Disconnected(UserError),
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
    Close,
}

/// How to reach a host, and what to call it in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSpec {
    pub uri: String,
    /// A name for the sidebar instead of the URI ("Demo").
    pub label: Option<String>,
}

impl ConnectionSpec {
    pub fn new(uri: impl Into<String>) -> Self {
        ConnectionSpec {
            uri: uri.into(),
            label: None,
        }
    }

    pub fn labelled(uri: impl Into<String>, label: impl Into<String>) -> Self {
        ConnectionSpec {
            uri: uri.into(),
            label: Some(label.into()),
        }
    }
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
            uri: spec.uri.clone(),
            sink,
            tx: tx.clone(),
            rx,
            login: RefCell::default(),
            pending: pending.clone(),
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

    /// Tries to connect again now (after a failure), without waiting for the back-off.
    pub fn reconnect(&self) {
        let _ = self.tx.send(Input::Reconnect);
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

fn closed_error() -> UserError {
    UserError::new(
        ErrorKind::ConnectionLost,
        gettext("The connection is closed"),
    )
}

/// Why `serve` returned.
enum Exit {
    Close,
    Lost(UserError),
}

struct Session {
    // Field order matters: the registrations hold a reference on the connection and
    // must be deregistered before the connection is closed.
    registrations: Option<Registrations>,
    conn: Connect,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.registrations.take();
    }
}

struct Worker {
    id: ConnectionId,
    uri: String,
    sink: UpdateSink,
    tx: Sender<Input>,
    rx: Receiver<Input>,
    /// Credentials given in this session (memory only), reused when reconnecting.
    login: RefCell<Login>,
    pending: Pending,
}

const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// libvirt pings the host every 5 s and gives up after 3 unanswered pings.
const KEEPALIVE_INTERVAL_S: i32 = 5;
const KEEPALIVE_COUNT: u32 = 3;

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
        loop {
            self.emit(Update::Connecting);
            let wait = match self.open_session() {
                Ok(session) => {
                    connected_before = true;
                    backoff = BACKOFF_START;
                    match self.serve(session) {
                        Exit::Close => return,
                        Exit::Lost(err) => {
                            self.emit(Update::Disconnected(err));
                            Some(backoff)
                        }
                    }
                }
                // A refused or cancelled login is not a passing outage: retrying on a
                // timer would only repeat it (or lock the account).
                Err(err) if connected_before && err.kind != ErrorKind::PermissionDenied => {
                    self.emit(Update::Disconnected(err));
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    Some(backoff)
                }
                Err(err) => {
                    // A host that never answered is most likely a wrong URI or a
                    // refused login: retrying on our own would only repeat the error.
                    self.emit(Update::Failed(err));
                    None
                }
            };
            if !self.wait_offline(wait) {
                return;
            }
        }
    }

    fn open_session(&self) -> Result<Session, UserError> {
        let conn = self
            .login
            .borrow_mut()
            .open(&self.uri, &self.pending, &|request| {
                self.emit(Update::Credentials(request))
            })?;
        // Unsupported on local drivers (test://, qemu:///embed): nothing to do there.
        let _ = conn.set_keep_alive(KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
        let tx = self.tx.clone();
        let registrations = Registrations::register(&conn, move |ev| {
            let _ = tx.send(Input::Libvirt(ev));
        })
        .ok();
        Ok(Session {
            registrations,
            conn,
        })
    }

    /// Serves one connected session until it is closed or lost.
    fn serve(&self, session: Session) -> Exit {
        let conn = &session.conn;
        self.emit(Update::Connected(inventory::host_summary(conn)));
        // Events are registered before the listing, so a change made while we list is
        // queued and applied after it: the listing can never hide a newer state.
        match inventory::load_all(conn) {
            Ok(inv) => self.emit(Update::Loaded(inv)),
            Err(e) => return Exit::Lost(from_virt(&e)),
        }
        self.emit_labels(conn);
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
                    Input::Reconnect => {}
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
                        return Exit::Lost(close_reason(reason));
                    }
                    Input::Libvirt(ev) => {
                        if let Some(key) = object_key(&ev) {
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

    /// Titles and template marks, after the listing has been drawn. A failure here
    /// (the host went away) is left to the close callback, like any other.
    fn emit_labels(&self, conn: &Connect) {
        if let Ok(labels) = inventory::all_domain_labels(conn) {
            self.emit(Update::DomainLabels(labels));
        }
    }

    /// Re-reads one object after an event and reports it, or reports it gone.
    fn refresh(&self, conn: &Connect, (kind, uuid): (u8, String)) {
        let update = match kind {
            KIND_DOMAIN => conn
                .lookup_domain_by_uuid_string(&uuid)
                .and_then(|d| inventory::domain_summary_with_labels(&d))
                .map(Update::Domain),
            KIND_NETWORK => conn
                .lookup_network_by_uuid_string(&uuid)
                .and_then(|n| inventory::network_summary(&n))
                .map(Update::Network),
            _ => conn
                .lookup_storage_pool_by_uuid_string(&uuid)
                .and_then(|p| inventory::pool_summary(&p))
                .map(Update::Pool),
        };
        match update {
            Ok(u) => self.emit(u),
            Err(e) if from_virt(&e).kind == ErrorKind::NotFound => self.emit(match kind {
                KIND_DOMAIN => Update::DomainGone { uuid },
                KIND_NETWORK => Update::NetworkGone { uuid },
                _ => Update::PoolGone { uuid },
            }),
            // Anything else (the host went away mid-call) is followed by the close
            // callback, which triggers a full reload on reconnect.
            Err(_) => {}
        }
    }

    /// While offline: fail jobs at once, wait `wait` (or until asked) before retrying.
    /// Returns false when the worker must stop.
    fn wait_offline(&self, wait: Option<Duration>) -> bool {
        let offline = UserError::new(
            ErrorKind::ConnectionLost,
            gettext("The host is not connected"),
        );
        let deadline = wait.map(|w| std::time::Instant::now() + w);
        loop {
            let input = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(std::time::Instant::now());
                    match self.rx.recv_timeout(left) {
                        Ok(i) => i,
                        Err(RecvTimeoutError::Timeout) => return true,
                        Err(RecvTimeoutError::Disconnected) => return false,
                    }
                }
                None => match self.rx.recv() {
                    Ok(i) => i,
                    Err(_) => return false,
                },
            };
            match input {
                Input::Close => return false,
                Input::Reconnect => return true,
                Input::Job(job) => job(Err(&offline)),
                Input::Libvirt(_) => {}
            }
        }
    }
}

const KIND_DOMAIN: u8 = 0;
const KIND_NETWORK: u8 = 1;
const KIND_POOL: u8 = 2;

fn object_key(ev: &RawEvent) -> Option<(u8, String)> {
    match ev {
        RawEvent::Domain { uuid, .. } | RawEvent::DomainOther { uuid, .. } => {
            Some((KIND_DOMAIN, uuid.clone()))
        }
        RawEvent::Network { uuid, .. } => Some((KIND_NETWORK, uuid.clone())),
        RawEvent::Pool { uuid, .. } | RawEvent::PoolRefresh { uuid, .. } => {
            Some((KIND_POOL, uuid.clone()))
        }
        RawEvent::ConnectionClosed { .. } => None,
    }
}

fn close_reason(reason: i32) -> UserError {
    let msg = match reason as u32 {
        virt::sys::VIR_CONNECT_CLOSE_REASON_EOF => gettext("The host closed the connection"),
        virt::sys::VIR_CONNECT_CLOSE_REASON_KEEPALIVE => {
            gettext("The host stopped answering (keepalive timeout)")
        }
        virt::sys::VIR_CONNECT_CLOSE_REASON_CLIENT => gettext("The connection was closed"),
        _ => gettext("The connection failed"),
    };
    UserError::new(ErrorKind::ConnectionLost, msg)
}
