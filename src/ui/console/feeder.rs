//! Moves guest output into the terminal without freezing the window.
//!
//! A guest can print megabytes in a burst (a `cat` of a log, a kernel panic loop).
//! `vte_terminal_feed` only queues bytes, and VTE 0.70 then parses its whole queue in
//! one main-loop dispatch: 10 MiB handed over at once froze the window for ~0.8 s
//! in our measurement. So the feeder hands VTE at most [`BATCH_BYTES`], then waits
//! until VTE has parsed them (it emits `contents-changed` after each parse pass)
//! before handing over more. It runs at idle priority, so input, drawing and
//! libvirt's callbacks always go first. Meanwhile the stream keeps reading in the
//! background up to its high-water mark (see core::console).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gtk::glib;
use vte4::prelude::*;

use crate::core::console::{ConsoleEvent, ConsoleOutput, StreamEnd};

/// Bytes handed to VTE per parse pass at most.
pub const BATCH_BYTES: usize = 64 * 1024;
/// How long to wait for VTE's parse signal: output that changes nothing visible
/// (escape sequences alone) may never send one.
const PARSE_WAIT: Duration = Duration::from_millis(50);

/// A running feed; dropping it stops feeding (the stream is released elsewhere).
pub struct FeedTask {
    task: Option<glib::JoinHandle<()>>,
}

impl Drop for FeedTask {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Feeds `output` to `terminal` until the stream ends, then calls `on_end`. `fed`
/// counts the bytes handed to VTE (tests and the benchmark read it).
pub fn spawn(
    terminal: &vte4::Terminal,
    output: ConsoleOutput,
    fed: Rc<Cell<u64>>,
    on_end: impl FnOnce(StreamEnd) + 'static,
) -> FeedTask {
    // Tells the loop below that VTE finished a parse pass.
    let (parsed_tx, parsed_rx) = async_channel::bounded::<()>(1);
    let handler = terminal.connect_contents_changed(move |_| {
        let _ = parsed_tx.try_send(());
    });
    // Weak: a feed waiting on a silent guest must not keep a closed window's
    // terminal alive. The guard disconnects the signal however the task ends.
    let guard = Disconnect(terminal.downgrade(), Some(handler));
    let task = glib::MainContext::default().spawn_local_with_priority(
        glib::Priority::DEFAULT_IDLE,
        async move {
            let guard = guard;
            let mut batch: Vec<u8> = Vec::with_capacity(2 * BATCH_BYTES);
            while let Some(first) = output.recv().await {
                let mut end = take(first, &mut batch);
                while end.is_none() && batch.len() < BATCH_BYTES {
                    match output.try_recv() {
                        Some(ev) => end = take(ev, &mut batch),
                        None => break,
                    }
                }
                let Some(term) = guard.0.upgrade() else {
                    return;
                };
                if !batch.is_empty() {
                    // Forget passes that happened before this batch.
                    while parsed_rx.try_recv().is_ok() {}
                    term.feed(&batch);
                    fed.set(fed.get() + batch.len() as u64);
                    batch.clear();
                }
                drop(term);
                if let Some(why) = end {
                    on_end(why);
                    return;
                }
                let _ = glib::future_with_timeout_with_priority(
                    glib::Priority::DEFAULT_IDLE,
                    PARSE_WAIT,
                    parsed_rx.recv(),
                )
                .await;
            }
        },
    );
    FeedTask { task: Some(task) }
}

fn take(ev: ConsoleEvent, batch: &mut Vec<u8>) -> Option<StreamEnd> {
    match ev {
        ConsoleEvent::Data(bytes) => {
            batch.extend_from_slice(&bytes);
            None
        }
        ConsoleEvent::End(why) => Some(why),
    }
}

/// Disconnects the parse signal from the terminal, if it still exists.
struct Disconnect(glib::WeakRef<vte4::Terminal>, Option<glib::SignalHandlerId>);

impl Drop for Disconnect {
    fn drop(&mut self) {
        if let (Some(term), Some(id)) = (self.0.upgrade(), self.1.take()) {
            term.disconnect(id);
        }
    }
}
