//! Keeps one machine's console open for as long as its view is: opens it on the
//! connection worker, reopens it when the machine restarts or the host comes back,
//! and says why whenever it cannot.
//!
//! Reopening is driven by events, not by asking the host on a timer: the stream's end
//! triggers one check, and a lifecycle registration for this domain (core's
//! `DomainWatch`) reports the next start. The only timers are back-offs after
//! failures and a cheap check on the worker (no round trip to the host): is the
//! connection alive, and is it still the one the registration was made on? That
//! check is needed because libvirt (9.0) never signals an open remote stream when
//! its daemon dies, and the worker owns the connection's only close callback.
//! A take-over by another client is never answered with FORCE automatically: the
//! person decides (two windows would otherwise fight forever).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Instant;

use gtk::glib;

use super::policy::{self, Backoff, Next, LIVE_CHECK, OFF_CHECK};
use super::status::ConsoleState;
use super::worker_jobs::{self as jobs, Msg, Watch};
use crate::core::console::{
    Attempt, ConsoleDevice, ConsoleOutput, ConsoleProblem, ConsoleStream, DomainChange, StreamEnd,
};
use crate::core::domain_action::DomainAction;
use crate::core::worker::ConnectionHandle;

/// What the session tells its view.
pub enum SessionEvent {
    State(ConsoleState),
    /// The machine's console devices and the one in use.
    Devices(Vec<ConsoleDevice>, Option<String>),
    /// A new stream's output; `generation` goes back with [`Session::stream_ended`].
    Output(ConsoleOutput, u64),
}

struct State {
    state: ConsoleState,
    stream: Option<ConsoleStream>,
    device: Option<String>,
    devices: Vec<ConsoleDevice>,
    /// Bumped by every attempt and by whatever supersedes one: older replies are
    /// stale.
    generation: u64,
    /// Bumped by every new stream: the end of an older one means nothing.
    stream_generation: u64,
    closed: bool,
    timer: Option<glib::SourceId>,
    backoff: Backoff,
    opened_at: Option<Instant>,
    watching: bool,
    /// An attempt runs on the worker. Two at once would race for the console, and
    /// the loser would see our own stream as "another client".
    in_flight: bool,
    /// Asked for while one was in flight: `Some(force)`, run when it replies.
    queued: Option<bool>,
}

struct Inner {
    handle: ConnectionHandle,
    uuid: String,
    /// The lifecycle registration, only ever touched on the worker.
    watch: Watch,
    tx: async_channel::Sender<Msg>,
    st: RefCell<State>,
    listener: Box<dyn Fn(SessionEvent)>,
}

#[derive(Clone)]
pub struct Session(Rc<Inner>);

impl Session {
    /// Starts opening the console of the domain `uuid`; `listener` hears about every
    /// change, on the GTK thread.
    pub fn start(
        handle: ConnectionHandle,
        uuid: &str,
        listener: impl Fn(SessionEvent) + 'static,
    ) -> Session {
        let (tx, rx) = async_channel::unbounded();
        let inner = Rc::new(Inner {
            handle: handle.clone(),
            uuid: uuid.to_string(),
            watch: Watch::default(),
            tx,
            st: RefCell::new(State {
                state: ConsoleState::Connecting,
                stream: None,
                device: None,
                devices: Vec::new(),
                generation: 0,
                stream_generation: 0,
                closed: false,
                timer: None,
                backoff: Backoff::new(),
                opened_at: None,
                watching: false,
                in_flight: false,
                queued: None,
            }),
            listener: Box::new(listener),
        });
        let weak = Rc::downgrade(&inner);
        glib::spawn_future_local(async move {
            while let Ok(msg) = rx.recv().await {
                match weak.upgrade() {
                    Some(inner) => inner.on_msg(msg),
                    // A console opened after the view closed still has to be released.
                    None => jobs::release_msg(&handle, msg),
                }
            }
        });
        inner.attempt(false, false);
        Session(inner)
    }

    pub fn state(&self) -> ConsoleState {
        self.0.st.borrow().state.clone()
    }

    pub fn devices(&self) -> (Vec<ConsoleDevice>, Option<String>) {
        let st = self.0.st.borrow();
        (st.devices.clone(), st.device.clone())
    }

    /// Keystrokes for the guest; dropped unless the console is live.
    pub fn send(&self, bytes: &[u8]) {
        if let Some(stream) = &self.0.st.borrow().stream {
            stream.send(bytes);
        }
    }

    /// Opens with FORCE, disconnecting the other client.
    pub fn take_over(&self) {
        self.0.release_stream();
        self.0.set_state(ConsoleState::Connecting);
        self.0.attempt(true, false);
    }

    /// Tries now. When the host is gone, asks the worker to reconnect now too,
    /// instead of waiting out its back-off (the main window's Reconnect does the same).
    pub fn retry(&self) {
        let disconnected = {
            let mut st = self.0.st.borrow_mut();
            st.backoff.reset();
            matches!(st.state, ConsoleState::Disconnected(_))
        };
        if disconnected {
            self.0.handle.reconnect();
        }
        self.0.attempt(false, false);
    }

    /// Switches to another device (an alias from [`SessionEvent::Devices`]).
    pub fn choose_device(&self, alias: Option<String>) {
        if self.0.st.borrow().device == alias {
            return;
        }
        self.0.release_stream();
        self.0.st.borrow_mut().device = alias;
        self.0.set_state(ConsoleState::Connecting);
        self.0.attempt(false, false);
    }

    pub fn start_machine(&self) {
        let tx = self.0.tx.clone();
        self.0
            .handle
            .domain_action(&self.0.uuid, DomainAction::Start, move |r| {
                if let Err(e) = r {
                    let _ = tx.try_send(Msg::StartFailed(e));
                }
            });
        // The lifecycle event (or the back-off) opens the console once it runs.
    }

    /// The view's feed saw the end of the stream of `generation`.
    pub fn stream_ended(&self, generation: u64, why: StreamEnd) {
        self.0.stream_ended(generation, why);
    }

    /// Releases the stream and the registration; the view is closing.
    pub fn close(&self) {
        self.0.shutdown();
    }
}

impl Inner {
    fn emit(&self, ev: SessionEvent) {
        (self.listener)(ev);
    }

    fn set_state(&self, state: ConsoleState) {
        {
            let mut st = self.st.borrow_mut();
            if st.state == state {
                return;
            }
            st.state = state.clone();
        }
        self.emit(SessionEvent::State(state));
    }

    /// Starts one attempt on the worker. `lazy`: only check, without a round trip,
    /// that the connection is alive and is the one the lifecycle registration was
    /// made on; open again only if not.
    fn attempt(self: &Rc<Self>, force: bool, lazy: bool) {
        let (generation, device) = {
            let mut st = self.st.borrow_mut();
            if st.closed {
                return;
            }
            if st.in_flight {
                // A lazy check adds nothing to a full attempt already running.
                if !lazy {
                    st.queued = Some(force || st.queued == Some(true));
                }
                return;
            }
            if let Some(t) = st.timer.take() {
                t.remove();
            }
            st.generation += 1;
            st.in_flight = true;
            (st.generation, st.device.clone())
        };
        jobs::attempt(
            &self.handle,
            &self.watch,
            &self.tx,
            jobs::AttemptJob {
                uuid: self.uuid.clone(),
                device,
                force,
                lazy,
                generation,
            },
        );
    }

    fn on_msg(self: &Rc<Self>, msg: Msg) {
        let current = |g: u64| {
            let st = self.st.borrow();
            !st.closed && st.generation == g
        };
        if let Msg::Attempted(..) | Msg::Unchanged(_) | Msg::JobFailed(..) = msg {
            self.st.borrow_mut().in_flight = false;
        }
        match msg {
            Msg::Attempted(g, attempt, watching) if current(g) => {
                self.st.borrow_mut().watching = watching;
                self.on_attempt(attempt);
            }
            Msg::Unchanged(g) if current(g) => {
                let live = self.st.borrow().stream.is_some();
                self.schedule(Next::Check(if live { LIVE_CHECK } else { OFF_CHECK }));
            }
            Msg::JobFailed(g, e) if current(g) => self.on_problem(ConsoleProblem::from_error(e)),
            Msg::Domain(change) => return self.on_domain(change),
            Msg::StartFailed(e) => return self.set_state(ConsoleState::Failed(e.message)),
            // Superseded (the person took over, switched device, closed): not wanted.
            stale => jobs::release_msg(&self.handle, stale),
        }
        self.run_queued();
    }

    /// Runs what was asked for while an attempt was in flight, unless that attempt
    /// already opened the console and nothing forces a new one.
    fn run_queued(self: &Rc<Self>) {
        let queued = {
            let mut st = self.st.borrow_mut();
            let q = st.queued.take();
            match q {
                Some(false) if st.state == ConsoleState::Live && st.stream.is_some() => None,
                q => q,
            }
        };
        if let Some(force) = queued {
            self.attempt(force, false);
        }
    }

    fn on_attempt(self: &Rc<Self>, attempt: Attempt) {
        {
            let mut st = self.st.borrow_mut();
            st.devices = attempt.devices.clone();
            st.device = attempt.device.clone();
        }
        self.emit(SessionEvent::Devices(attempt.devices, attempt.device));
        match attempt.result {
            Ok((stream, output)) => {
                let (generation, old) = {
                    let mut st = self.st.borrow_mut();
                    st.stream_generation += 1;
                    st.opened_at = Some(Instant::now());
                    (st.stream_generation, st.stream.replace(stream))
                };
                // A stream on a connection the worker replaced: dead, let it go.
                if let Some(old) = old {
                    jobs::release(&self.handle, old);
                }
                self.emit(SessionEvent::Output(output, generation));
                self.set_state(ConsoleState::Live);
                self.schedule(Next::Check(LIVE_CHECK));
            }
            Err(problem) => self.on_problem(problem),
        }
    }

    fn on_problem(self: &Rc<Self>, problem: ConsoleProblem) {
        // A live check found the connection gone: the stream on it is dead.
        self.release_stream();
        let (state, next) = {
            let st = &mut *self.st.borrow_mut();
            policy::after_problem(problem, st.watching, &mut st.backoff)
        };
        self.set_state(state);
        self.schedule(next);
    }

    fn on_domain(self: &Rc<Self>, change: DomainChange) {
        let state = self.st.borrow().state.clone();
        match change {
            // Also while connecting: an attempt in flight may have looked just before
            // the start; `attempt` queues this one behind it.
            DomainChange::Running if state != ConsoleState::Live => {
                self.st.borrow_mut().backoff.reset();
                self.attempt(false, false);
            }
            DomainChange::Running => {}
            // The stream's own end follows; re-checking now only shortens the wait.
            DomainChange::Stopped if state != ConsoleState::Live => self.attempt(false, false),
            DomainChange::Stopped => {}
            DomainChange::Undefined if state == ConsoleState::Off => self.attempt(false, false),
            DomainChange::Undefined => {}
        }
    }

    fn stream_ended(self: &Rc<Self>, generation: u64, _why: StreamEnd) {
        let lived = {
            let st = self.st.borrow();
            if st.closed || st.stream_generation != generation || st.stream.is_none() {
                return;
            }
            st.opened_at.map(|t| t.elapsed())
        };
        self.release_stream();
        let delay = policy::after_stream_end(lived, &mut self.st.borrow_mut().backoff);
        self.set_state(ConsoleState::Connecting);
        self.schedule(Next::Attempt(delay));
    }

    fn schedule(self: &Rc<Self>, next: Next) {
        let (delay, lazy) = match next {
            Next::Nothing => return,
            Next::Attempt(d) => (d, false),
            Next::Check(d) => (d, true),
        };
        let weak: Weak<Inner> = Rc::downgrade(self);
        let id = glib::timeout_add_local_once(delay, move || {
            if let Some(inner) = weak.upgrade() {
                inner.st.borrow_mut().timer = None;
                inner.attempt(false, lazy);
            }
        });
        if let Some(old) = self.st.borrow_mut().timer.replace(id) {
            old.remove();
        }
    }

    /// Stops the stream's callbacks now and frees it on the worker (abort waits for
    /// the daemon on remote hosts, which must not happen on the GTK thread).
    fn release_stream(&self) {
        let stream = {
            let mut st = self.st.borrow_mut();
            st.generation += 1;
            st.stream_generation += 1;
            st.opened_at = None;
            st.stream.take()
        };
        if let Some(stream) = stream {
            jobs::release(&self.handle, stream);
        }
    }

    fn shutdown(&self) {
        if std::mem::replace(&mut self.st.borrow_mut().closed, true) {
            return;
        }
        if let Some(t) = self.st.borrow_mut().timer.take() {
            t.remove();
        }
        self.release_stream();
        jobs::drop_watch(&self.handle, &self.watch);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shutdown();
    }
}
