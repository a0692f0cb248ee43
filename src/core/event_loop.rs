//! The libvirt default event loop, run on a thread of its own.
//!
//! libvirt delivers domain, network and pool events, keepalive pings and stream
//! callbacks only while somebody runs its event loop. It must be registered before the
//! first connection is opened, or that connection never gets events; hence `ensure()`
//! is called first thing in `main()` and by every test before it opens a connection.

use std::sync::OnceLock;
use std::thread;

static STARTED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers libvirt's default event implementation and starts the thread that runs
/// it. Idempotent: the loop is process-wide and lives as long as the process.
pub fn ensure() -> Result<(), String> {
    STARTED
        .get_or_init(|| {
            // Without this libvirt prints every error (even ones we handle) to stderr.
            virt::error::clear_error_callback();
            virt::event::event_register_default_impl().map_err(|e| e.message().to_string())?;
            thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| loop {
                    // Returns after each dispatched batch; errors here are transient
                    // (a poll interrupted by a signal), so we simply run it again.
                    let _ = virt::event::event_run_default_impl();
                })
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .clone()
}
