//! Hangar's core: libvirt, XML and planning, with no GTK anywhere below this module.
//! It is used by the window, by the tests and by the benchmark alike.

pub mod auth;
pub mod clone;
pub mod connection_spec;
pub mod console;
pub mod delete_vm;
pub mod details;
pub mod domain_action;
pub mod domain_job;
pub mod error;
pub mod event_loop;
pub mod events;
pub mod host;
pub mod inventory;
pub mod libvirt_text;
pub mod login;
pub mod model;
pub mod networks;
pub mod new_vm;
pub mod node_file;
pub mod process_clock;
pub mod snapshots;
pub mod ssh_hints;
pub mod startup;
pub mod stats;
pub mod storage;
pub mod store;
pub mod uri;
pub mod words;
pub mod worker;
pub mod xml;
