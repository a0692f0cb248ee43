//! What the details view of one machine shows, and the settings it changes.
//! Every function here blocks on the hypervisor: run it on the connection worker.
//!
//! Hardware changes go through `device_apply` (which libvirt call, with which flags);
//! `disk_add`, `disk_remove`, `cdrom` and `nic` are the changes the Hardware page
//! offers, `disk_target` and `mac_address` check what people type for them.

pub mod cdrom;
pub mod device_apply;
pub mod disk_add;
mod disk_chain;
pub mod disk_remove;
pub mod disk_resize;
pub mod disk_target;
mod fetch;
pub mod mac_address;
pub mod nic;
mod settings;
mod state_reason;

pub use fetch::{fetch, DiskUsage, DomainDetails};
pub use settings::{apply_flags, define_edited_xml, set_autostart, set_memory, set_vcpus, When};
pub use state_reason::state_reason_text;
