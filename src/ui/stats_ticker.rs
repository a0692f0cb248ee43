//! The statistics tick: every few seconds (GSettings `stats-interval-seconds`), while
//! the window is shown and the selected host runs machines, one sampling job on that
//! host's worker. Nothing else in Hangar runs on a timer.

use std::time::Duration;

use gtk::glib;

/// Calls `tick` every `seconds` until it returns false (its window is gone).
pub fn start(seconds: u32, tick: impl Fn() -> bool + 'static) {
    glib::timeout_add_local(
        Duration::from_secs(seconds.clamp(1, 60) as u64),
        move || {
            if tick() {
                glib::ControlFlow::Continue
            } else {
                glib::ControlFlow::Break
            }
        },
    );
}
