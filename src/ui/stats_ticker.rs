//! The statistics tick: every few seconds (GSettings `stats-interval-seconds`), while
//! the window is shown and the selected host runs machines, one sampling job on that
//! host's worker. Nothing else in Hangar runs on a timer.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::glib;

/// Calls `tick` every `seconds()` seconds until it returns false (its window is gone).
#[derive(Clone)]
pub struct StatsTicker(Rc<Ticker>);

struct Ticker {
    seconds: Box<dyn Fn() -> u32>,
    tick: Box<dyn Fn() -> bool>,
    pending: RefCell<Option<glib::SourceId>>,
}

impl StatsTicker {
    pub fn start(seconds: impl Fn() -> u32 + 'static, tick: impl Fn() -> bool + 'static) -> Self {
        let ticker = StatsTicker(Rc::new(Ticker {
            seconds: Box::new(seconds),
            tick: Box::new(tick),
            pending: RefCell::default(),
        }));
        ticker.schedule();
        ticker
    }

    /// Drops the wait under way and waits the current `seconds()` from now: a new
    /// interval chosen in Preferences applies at once, not after the old one ran out.
    pub fn restart(&self) {
        if let Some(source) = self.0.pending.take() {
            source.remove();
        }
        self.schedule();
    }

    fn schedule(&self) {
        let wait = Duration::from_secs((self.0.seconds)().clamp(1, 60) as u64);
        // The timer owns the ticker; the chain ends when `tick` says its window is gone.
        let ticker = self.0.clone();
        let source = glib::timeout_add_local_once(wait, move || {
            ticker.pending.take();
            if (ticker.tick)() {
                StatsTicker(ticker).schedule();
            }
        });
        self.0.pending.replace(Some(source));
    }
}
