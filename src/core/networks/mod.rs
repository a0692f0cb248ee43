//! Virtual networks beyond the summary the store keeps: details from the XML, the
//! checks a new network must pass, what is already taken on the host, the actions
//! (`virsh net-*`) and DHCP leases.
//!
//! Files: `ipv4.rs` (subnet arithmetic), `plan.rs` (checking a new network's form,
//! pure), `details.rs` (what the page shows, from the XML), `taken.rs` (names,
//! bridges and subnets in use, read on the worker), `ops.rs` (actions on libvirt),
//! `leases.rs` (virNetworkGetDHCPLeases).

pub mod details;
pub mod ipv4;
pub mod leases;
pub mod ops;
pub mod plan;
pub mod taken;
