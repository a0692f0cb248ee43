//! The libvirt default event loop.
//!
//! libvirt delivers domain, network and pool events, keepalive pings and stream
//! callbacks only while its event loop runs. Its implementation must be registered
//! before the first connection is opened, or that connection never gets events; hence
//! `register()` is called first thing in `main()` and by every test.
//!
//! Since libvirt 6.1 the default implementation is built on GLib and attaches its
//! sources to GLib's *default* main context. A GTK program already iterates that
//! context, so in the window GTK's main loop dispatches libvirt's events (on the GTK
//! thread; the callbacks only copy a few strings into a channel). A second thread
//! running `virEventRunDefaultImpl` would fight GTK for the context, and
//! `g_application_run` refuses to start when another thread holds it. Programs without
//! a GLib main loop (core tests, the benchmark) call `run_on_own_thread()` instead.

use std::sync::OnceLock;
use std::thread;

static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
static RUNNER: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers libvirt's default event implementation. Idempotent.
pub fn register() -> Result<(), String> {
    REGISTERED
        .get_or_init(|| {
            // Without this libvirt prints every error (even ones we handle) to stderr.
            virt::error::clear_error_callback();
            virt::event::event_register_default_impl().map_err(|e| e.message().to_string())
        })
        .clone()
}

/// Registers the implementation and runs it on a thread of its own, for processes
/// that do not run a GLib main loop. Never use it in a process that runs GTK.
pub fn run_on_own_thread() -> Result<(), String> {
    register()?;
    RUNNER
        .get_or_init(|| {
            thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| loop {
                    // Returns after each dispatched batch; an error here is a poll
                    // interrupted by a signal, so we simply run it again.
                    let _ = virt::event::event_run_default_impl();
                })
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .clone()
}
