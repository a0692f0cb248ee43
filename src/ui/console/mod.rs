//! The serial console: what `virsh console NAME` gives, as a view and a window.
//!
//! `ConsoleWindow::open(handle, uuid, name)` is the entry point for the main window.
//! Files: `view.rs` (terminal, states, controls), `session.rs` (when to open,
//! reopen, take over), `worker_jobs.rs` (what that runs on the connection worker),
//! `policy.rs` (what each problem means and what happens next), `feeder.rs` (output
//! into the terminal in batches), `terminal.rs` (the widget, copy/paste, zoom,
//! menus), `status.rs` (the states and their texts), `window.rs`, `stall_probe.rs`
//! (main-loop stall measurement for the burst test and the benchmark). The libvirt
//! side is `core::console`.

pub mod feeder;
mod policy;
pub mod session;
pub mod stall_probe;
pub mod status;
pub mod terminal;
pub mod view;
pub mod window;
mod worker_jobs;

pub use stall_probe::{StallProbe, StallReport};
pub use status::ConsoleState;
pub use view::ConsoleView;
pub use window::ConsoleWindow;
