//! A domain's serial console, as `virsh console` gives it, without GTK.
//!
//! `open::open_console` runs on the connection worker and hands back a
//! [`ConsoleStream`] (keystrokes in) and a [`ConsoleOutput`] (guest output out). The
//! stream is driven by libvirt's event loop, so the same code serves local and remote
//! hosts; neither `virsh` nor the pty path is involved. `watch::DomainWatch` reports
//! the domain's starts and stops so a view can reopen the console by itself.
//!
//! Files: `stream.rs` (the stream and its callbacks), `open.rs` (finding devices,
//! opening, sorting failures), `watch.rs` (lifecycle events of one domain).

pub mod open;
pub mod stream;
pub mod watch;

pub use open::{console_devices, open_console, Attempt, ConsoleDevice, ConsoleProblem};
pub use stream::{ConsoleEvent, ConsoleFeed, ConsoleOutput, ConsoleStream, StreamEnd};
pub use watch::{DomainChange, DomainWatch};
