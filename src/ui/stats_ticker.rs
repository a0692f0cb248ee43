//! The statistics tick: every few seconds (GSettings `stats-interval-seconds`), while
//! the window is shown and the selected host runs machines, one sampling job on that
//! host's worker. Nothing else in Hangar runs on a timer.

use std::time::Duration;

use gtk::glib;

/// Calls `tick` every `seconds`, for as long as the returned source lives.
pub fn start(seconds: u32, tick: impl Fn() + 'static) -> glib::SourceId {
    glib::timeout_add_local(
        Duration::from_secs(seconds.clamp(1, 60) as u64),
        move || {
            tick();
            glib::ControlFlow::Continue
        },
    )
}
