//! A new machine from scratch — what virt-install does — as a pure plan and
//! the clone engine's executor: name, memory and vCPUs within the host's
//! limits, an installer ISO, an imported disk or a kernel to boot, a new disk,
//! a network, and the domain type (`hypervisor`, with the reason). Nothing
//! here knows about GTK.
//!
//! Files: `form.rs` (fields and host facts), `hypervisor.rs` (kvm or qemu),
//! `domain_xml.rs` (the XML), `plan.rs` (checks and plan), `summary.rs`
//! (steps and summary).

pub mod domain_xml;
pub mod form;
pub mod hypervisor;
pub mod plan;
#[cfg(test)]
mod plan_tests;
pub mod summary;

pub use form::{InstallSource, NetworkChoice, NewDiskForm, NewVmFacts, NewVmForm, VmField};
pub use hypervisor::{Acceleration, KvmProbe, TypeDecision};
pub use plan::{plan_new_vm, NewDiskPlan, NewVmPlan};
