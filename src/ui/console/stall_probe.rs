//! Measures how long the main loop was unable to run: for the console's burst test
//! and the benchmark, not for the window itself.
//!
//! Two clocks: a 10 ms GLib timeout at default priority (any dispatch that runs long
//! delays it: that is the main-loop stall), and optionally a widget's frame clock (a
//! missed frame is what a person sees as a freeze).
//!
//! On a loaded machine a gap may just be the thread waiting for a CPU. On Linux the
//! probe also reads the main thread's scheduler statistics at each tick, so it can
//! tell the longest time the thread actually *ran* within one gap (our own work)
//! from the time it waited to be scheduled.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use gtk::glib;
use gtk::prelude::*;

pub const TICK: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StallReport {
    /// Longest time between two 10 ms ticks (10 ms means no stall at all).
    pub max_tick_gap: Duration,
    pub ticks: u64,
    /// Tick gaps longer than 50 ms and 100 ms: on a shared, loaded machine the
    /// longest gap alone may be the scheduler's doing; how often tells more.
    pub tick_gaps_over_50ms: u64,
    pub tick_gaps_over_100ms: u64,
    /// Longest time the main thread was on a CPU within one tick gap: the stall our
    /// own code caused. `None` where /proc/thread-self/schedstat is unavailable.
    pub max_busy_in_gap: Option<Duration>,
    /// Total time the main thread waited for a CPU while runnable.
    pub cpu_wait: Option<Duration>,
    /// Longest time between two frames of the watched widget, if any.
    pub max_frame_gap: Duration,
    pub frames: u64,
    pub elapsed: Duration,
}

/// (ns on CPU, ns waiting on a run queue) of the calling thread.
fn schedstat() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut f = text.split_whitespace().map(|v| v.parse::<u64>().ok());
    Some((f.next()??, f.next()??))
}

#[derive(Default)]
struct Clock {
    last: Cell<Option<Instant>>,
    max_gap: Cell<Duration>,
    count: Cell<u64>,
    over_50: Cell<u64>,
    over_100: Cell<u64>,
    /// Scheduler statistics at the last tick and at the start.
    sched_last: Cell<Option<(u64, u64)>>,
    sched_start: Cell<Option<(u64, u64)>>,
    max_busy: Cell<Option<Duration>>,
}

impl Clock {
    /// The longest gap so far, counting the one still open: a stall that is still
    /// going on when the report is taken counts too.
    fn max_gap_now(&self) -> Duration {
        let open = self.last.get().map_or(Duration::ZERO, |l| l.elapsed());
        self.max_gap.get().max(open)
    }

    /// Like `tick`, also sampling the scheduler statistics (main-loop clock only).
    fn tick_sampled(&self) {
        let sample = schedstat();
        if let (Some((run, _)), Some((last_run, _))) = (sample, self.sched_last.get()) {
            let busy = Duration::from_nanos(run.saturating_sub(last_run));
            self.max_busy
                .set(Some(self.max_busy.get().map_or(busy, |m| m.max(busy))));
        }
        if self.sched_start.get().is_none() {
            self.sched_start.set(sample);
        }
        self.sched_last.set(sample);
        self.tick();
    }

    fn cpu_wait(&self) -> Option<Duration> {
        let ((_, w0), (_, w1)) = (self.sched_start.get()?, schedstat()?);
        Some(Duration::from_nanos(w1.saturating_sub(w0)))
    }

    fn tick(&self) {
        let now = Instant::now();
        if let Some(last) = self.last.replace(Some(now)) {
            let gap = now - last;
            self.max_gap.set(self.max_gap.get().max(gap));
            if gap > Duration::from_millis(50) {
                self.over_50.set(self.over_50.get() + 1);
            }
            if gap > Duration::from_millis(100) {
                self.over_100.set(self.over_100.get() + 1);
            }
        }
        self.count.set(self.count.get() + 1);
    }
}

pub struct StallProbe {
    started: Instant,
    ticks: Rc<Clock>,
    frames: Rc<Clock>,
    timeout: RefCell<Option<glib::SourceId>>,
    frame_cb: RefCell<Option<gtk::TickCallbackId>>,
}

impl StallProbe {
    /// Starts measuring; pass a widget to also measure its frame clock (it must be
    /// mapped for frames to come).
    pub fn start(widget: Option<&gtk::Widget>) -> StallProbe {
        let ticks = Rc::new(Clock::default());
        let frames = Rc::new(Clock::default());
        ticks.tick_sampled();
        let timeout = {
            let ticks = ticks.clone();
            glib::timeout_add_local(TICK, move || {
                ticks.tick_sampled();
                glib::ControlFlow::Continue
            })
        };
        let frame_cb = widget.map(|w| {
            let frames = frames.clone();
            w.add_tick_callback(move |_, _| {
                frames.tick();
                glib::ControlFlow::Continue
            })
        });
        StallProbe {
            started: Instant::now(),
            ticks,
            frames,
            timeout: RefCell::new(Some(timeout)),
            frame_cb: RefCell::new(frame_cb),
        }
    }

    pub fn report(&self) -> StallReport {
        StallReport {
            max_tick_gap: self.ticks.max_gap_now(),
            ticks: self.ticks.count.get(),
            tick_gaps_over_50ms: self.ticks.over_50.get(),
            tick_gaps_over_100ms: self.ticks.over_100.get(),
            max_busy_in_gap: self.ticks.max_busy.get(),
            cpu_wait: self.ticks.cpu_wait(),
            max_frame_gap: self.frames.max_gap_now(),
            frames: self.frames.count.get(),
            elapsed: self.started.elapsed(),
        }
    }

    /// Stops the clocks and returns the final numbers.
    pub fn stop(self) -> StallReport {
        self.report()
    }
}

impl Drop for StallProbe {
    fn drop(&mut self) {
        if let Some(id) = self.timeout.take() {
            id.remove();
        }
        if let Some(id) = self.frame_cb.take() {
            id.remove();
        }
    }
}
