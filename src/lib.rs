//! Hangar: a desktop manager for libvirt virtual machines.
//!
//! `core` talks to libvirt and never touches GTK; `ui` draws what `core` reports.

pub mod core;
