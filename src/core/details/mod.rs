//! What the details view of one machine shows, and the settings it changes.
//! Every function here blocks on the hypervisor: run it on the connection worker.

pub mod disk_resize;
mod fetch;
mod settings;
mod state_reason;

pub use fetch::{fetch, DiskUsage, DomainDetails};
pub use settings::{apply_flags, define_edited_xml, set_autostart, set_memory, set_vcpus, When};
pub use state_reason::state_reason_text;
