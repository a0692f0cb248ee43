//! The clone and new-machine wizards, and the template actions (mark, unmark, the
//! start guard). They read the host and run the plans on the connection's worker or
//! the clone engine's executor thread; nothing here calls libvirt on the GTK thread.
//!
//! Files: `frame.rs` (window, pages, Back/Next), `run_page.rs` (the progress page
//! over `core::clone::executor`), `clone_wizard.rs`, `clone_pages.rs` and `disks_page.rs` (its pages),
//! `new_vm_wizard.rs`, `new_vm_pages.rs` (its pages), `template_actions.rs`.

pub mod clone_pages;
pub mod clone_wizard;
pub mod disks_page;
pub mod frame;
pub mod new_vm_pages;
pub mod new_vm_wizard;
pub mod run_page;
pub mod template_actions;
