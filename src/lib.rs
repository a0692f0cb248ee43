//! Hangar: a desktop manager for libvirt virtual machines.
//!
//! `core` talks to libvirt and never touches GTK; `ui` draws what `core` reports.

pub mod cli;
pub mod config;
pub mod core;
pub mod i18n;
pub mod settings;
pub mod ui;
