//! One open console stream: bytes from the guest go out through a channel, keystrokes
//! come in through [`ConsoleStream::send`].
//!
//! The stream is non-blocking and driven by libvirt's event loop, which in the window
//! is GTK's main loop: the callback below runs on the GTK thread there, so it only
//! copies bytes into a channel and never blocks. Everything that can block on a remote
//! host (`virStreamAbort`, which waits for the daemon's answer) happens in `Drop`,
//! which the window runs on the connection worker.
//!
//! We bypass the `virt` crate's callback API: it registers `&mut self` as the C opaque
//! pointer (dangling once the `Stream` moves) and panics in `Drop` when removing the
//! callback fails. Here the opaque pointer is a boxed `Arc` that libvirt frees through
//! `free_shared`, and the stream reference is a raw pointer we free ourselves.

use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use virt::error::Error as VirtError;
use virt::sys;

use crate::core::error::{from_virt, UserError};

/// What the reading side receives, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleEvent {
    Data(Vec<u8>),
    /// The stream is over; nothing follows.
    End(StreamEnd),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StreamEnd {
    /// The other side closed it: the guest stopped, or another client took over.
    Eof,
    Error(UserError),
}

const READ_CHUNK: usize = 64 * 1024;
/// Bytes read per callback at most, so one callback never holds the main loop long.
const READ_BUDGET: usize = 256 * 1024;
/// Unconsumed bytes above which we stop reading: the guest then waits (as with a
/// slow serial line) instead of our memory growing without bound.
const HIGH_WATER: usize = 4 * 1024 * 1024;
/// …and below which reading resumes.
const LOW_WATER: usize = 1024 * 1024;

const READABLE: c_int = sys::VIR_STREAM_EVENT_READABLE as c_int;
const WRITABLE: c_int = sys::VIR_STREAM_EVENT_WRITABLE as c_int;
const ERROR: c_int = sys::VIR_STREAM_EVENT_ERROR as c_int;
const HANGUP: c_int = sys::VIR_STREAM_EVENT_HANGUP as c_int;

struct State {
    /// Our reference on the stream; null once released.
    raw: sys::virStreamPtr,
    /// The event callback is registered.
    watching: bool,
    /// The events we currently asked libvirt for.
    interest: c_int,
    /// Reading is paused because the reader is behind.
    paused: bool,
    ended: bool,
    /// Keystrokes the stream could not take yet.
    outgoing: Vec<u8>,
    buf: Vec<u8>,
}

// The raw pointer is only used under the mutex; libvirt streams may be used from any
// thread as long as calls are not concurrent.
unsafe impl Send for State {}

struct Shared {
    state: Mutex<State>,
    /// Bytes sent to the channel and not yet taken by the reader.
    queued: AtomicUsize,
    tx: async_channel::Sender<ConsoleEvent>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while locked cannot leave the state inconsistent in a way that
        // matters more than losing the console, so poisoning is ignored.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn on_event(&self, events: c_int) {
        let mut st = self.lock();
        if st.ended || !st.watching || st.raw.is_null() {
            return;
        }
        if events & WRITABLE != 0 {
            self.flush(&mut st);
        }
        if events & (READABLE | ERROR | HANGUP) != 0 && !st.ended {
            let got_nothing = self.read(&mut st);
            // A hang-up with nothing left to read is the end, even if the driver
            // never reports a zero-length read. (While paused we have not looked.)
            if got_nothing && !st.paused && events & (ERROR | HANGUP) != 0 && !st.ended {
                self.end(&mut st, StreamEnd::Eof);
            }
        }
        self.update_interest(&mut st);
    }

    /// Reads what is there, up to the budget. Returns true when nothing was read.
    fn read(&self, st: &mut State) -> bool {
        let mut total = 0;
        while total < READ_BUDGET && !st.paused && !st.ended {
            let raw = st.raw;
            let n = unsafe {
                sys::virStreamRecv(raw, st.buf.as_mut_ptr() as *mut c_char, st.buf.len())
            };
            match n {
                n if n > 0 => {
                    let n = n as usize;
                    total += n;
                    let queued = self.queued.fetch_add(n, Ordering::AcqRel) + n;
                    // A closed channel means nobody reads any more; the owner
                    // releases the stream soon, so the bytes are simply dropped.
                    let _ = self.tx.try_send(ConsoleEvent::Data(st.buf[..n].to_vec()));
                    if queued >= HIGH_WATER {
                        st.paused = true;
                    }
                }
                0 => self.end(st, StreamEnd::Eof),
                -2 => break,
                _ => self.end(st, StreamEnd::Error(from_virt(&VirtError::last_error()))),
            }
        }
        total == 0
    }

    fn flush(&self, st: &mut State) {
        while !st.outgoing.is_empty() && !st.ended {
            let n = unsafe {
                sys::virStreamSend(
                    st.raw,
                    st.outgoing.as_ptr() as *const c_char,
                    st.outgoing.len(),
                )
            };
            match n {
                n if n > 0 => {
                    st.outgoing.drain(..n as usize);
                }
                // Not writable now: WRITABLE interest brings us back.
                -2 | 0 => break,
                _ => self.end(st, StreamEnd::Error(from_virt(&VirtError::last_error()))),
            }
        }
    }

    /// Stops the callbacks and tells the reader. Never blocks: aborting the stream
    /// (a round trip on remote hosts) is left to the owner's `Drop`.
    fn end(&self, st: &mut State, why: StreamEnd) {
        st.ended = true;
        st.outgoing.clear();
        if st.watching {
            // Allowed from inside the callback; libvirt frees our opaque afterwards.
            unsafe { sys::virStreamEventRemoveCallback(st.raw) };
            st.watching = false;
        }
        let _ = self.tx.try_send(ConsoleEvent::End(why));
    }

    fn update_interest(&self, st: &mut State) {
        if !st.watching || st.ended {
            return;
        }
        let mut want = ERROR | HANGUP;
        if !st.paused {
            want |= READABLE;
        }
        // Only while something waits: a pty is almost always writable, and asking
        // for WRITABLE with nothing to write would wake the loop continuously.
        if !st.outgoing.is_empty() {
            want |= WRITABLE;
        }
        if want != st.interest && unsafe { sys::virStreamEventUpdateCallback(st.raw, want) } == 0 {
            st.interest = want;
        }
    }

    fn resume_if_drained(&self) {
        if self.queued.load(Ordering::Acquire) > LOW_WATER {
            return;
        }
        let mut st = self.lock();
        if st.paused {
            st.paused = false;
            self.update_interest(&mut st);
        }
    }
}

unsafe extern "C" fn on_stream_event(_st: sys::virStreamPtr, events: c_int, opaque: *mut c_void) {
    // A panic must never unwind into libvirt's C frames.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let shared = &*(opaque as *const Arc<Shared>);
        shared.on_event(events);
    }));
}

unsafe extern "C" fn free_shared(opaque: *mut c_void) {
    drop(Box::from_raw(opaque as *mut Arc<Shared>));
}

/// The writing end and owner of an open console. Dropping it aborts and frees the
/// stream, which may wait for a remote daemon: drop it on the connection worker.
pub struct ConsoleStream {
    shared: Arc<Shared>,
}

/// The reading end: guest output in order, then one [`ConsoleEvent::End`].
pub struct ConsoleOutput {
    rx: async_channel::Receiver<ConsoleEvent>,
    shared: Arc<Shared>,
}

impl ConsoleStream {
    /// Takes over `raw` (one reference, already opened as a console on a
    /// `VIR_STREAM_NONBLOCK` stream) and starts watching it.
    ///
    /// # Safety
    /// `raw` must be a valid stream reference that nobody else frees.
    pub(super) unsafe fn start(
        raw: sys::virStreamPtr,
    ) -> Result<(ConsoleStream, ConsoleOutput), VirtError> {
        let (tx, rx) = async_channel::unbounded();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                raw,
                watching: false,
                interest: READABLE | ERROR | HANGUP,
                paused: false,
                ended: false,
                outgoing: Vec::new(),
                buf: vec![0; READ_CHUNK],
            }),
            queued: AtomicUsize::new(0),
            tx,
        });
        let stream = ConsoleStream {
            shared: shared.clone(),
        };
        let opaque = Box::into_raw(Box::new(shared.clone())) as *mut c_void;
        let mut st = shared.lock();
        let ret = sys::virStreamEventAddCallback(
            raw,
            st.interest,
            Some(on_stream_event),
            opaque,
            Some(free_shared),
        );
        if ret < 0 {
            let err = VirtError::last_error();
            // libvirt does not call the free callback when registration fails.
            free_shared(opaque);
            drop(st);
            return Err(err); // `stream` drops here and releases `raw`.
        }
        st.watching = true;
        drop(st);
        Ok((stream, ConsoleOutput { rx, shared }))
    }

    /// Queues keystrokes and writes what the stream takes now; the rest goes out when
    /// libvirt reports the stream writable. Returns false when the stream is over.
    pub fn send(&self, bytes: &[u8]) -> bool {
        let mut st = self.shared.lock();
        if st.ended || st.raw.is_null() {
            return false;
        }
        st.outgoing.extend_from_slice(bytes);
        self.shared.flush(&mut st);
        self.shared.update_interest(&mut st);
        !st.ended
    }

    /// Stops all callbacks at once, without blocking; the reader gets no more
    /// events. `Drop` does the rest.
    pub fn detach(&self) {
        let mut st = self.shared.lock();
        if st.watching {
            unsafe { sys::virStreamEventRemoveCallback(st.raw) };
            st.watching = false;
        }
        st.ended = true;
    }

    pub fn is_ended(&self) -> bool {
        self.shared.lock().ended
    }

    /// Keystrokes not yet accepted by the stream.
    pub fn pending_output(&self) -> usize {
        self.shared.lock().outgoing.len()
    }
}

impl Drop for ConsoleStream {
    fn drop(&mut self) {
        self.detach();
        // Take the pointer under the lock, then abort outside it: abort may wait for
        // a remote daemon, and a callback in flight must not wait for us meanwhile.
        let raw = std::mem::replace(&mut self.shared.lock().raw, std::ptr::null_mut());
        if raw.is_null() {
            return;
        }
        unsafe {
            // Fails harmlessly when the stream already ended or the host is gone.
            sys::virStreamAbort(raw);
            sys::virResetLastError();
            sys::virStreamFree(raw);
        }
    }
}

/// The writing side of a [`ConsoleOutput`] that no stream feeds: benchmarks and tests
/// push bytes through it exactly as the stream callback would.
pub struct ConsoleFeed {
    shared: Arc<Shared>,
}

impl ConsoleFeed {
    pub fn push(&self, bytes: Vec<u8>) {
        self.shared.queued.fetch_add(bytes.len(), Ordering::AcqRel);
        let _ = self.shared.tx.try_send(ConsoleEvent::Data(bytes));
    }

    pub fn end(&self, why: StreamEnd) {
        let _ = self.shared.tx.try_send(ConsoleEvent::End(why));
    }
}

impl ConsoleOutput {
    /// An output fed by the caller instead of a libvirt stream.
    pub fn detached() -> (ConsoleFeed, ConsoleOutput) {
        let (tx, rx) = async_channel::unbounded();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                raw: std::ptr::null_mut(),
                watching: false,
                interest: 0,
                paused: false,
                ended: true,
                outgoing: Vec::new(),
                buf: Vec::new(),
            }),
            queued: AtomicUsize::new(0),
            tx,
        });
        (
            ConsoleFeed {
                shared: shared.clone(),
            },
            ConsoleOutput { rx, shared },
        )
    }

    /// Waits for the next event; `None` once the stream is gone and drained.
    pub async fn recv(&self) -> Option<ConsoleEvent> {
        let ev = self.rx.recv().await.ok()?;
        self.taken(&ev);
        Some(ev)
    }

    pub fn try_recv(&self) -> Option<ConsoleEvent> {
        let ev = self.rx.try_recv().ok()?;
        self.taken(&ev);
        Some(ev)
    }

    /// Blocks the calling thread; for tools and tests, never for the GTK thread.
    pub fn recv_blocking(&self) -> Option<ConsoleEvent> {
        let ev = self.rx.recv_blocking().ok()?;
        self.taken(&ev);
        Some(ev)
    }

    fn taken(&self, ev: &ConsoleEvent) {
        if let ConsoleEvent::Data(bytes) = ev {
            self.shared.queued.fetch_sub(bytes.len(), Ordering::AcqRel);
            self.shared.resume_if_drained();
        }
    }
}
