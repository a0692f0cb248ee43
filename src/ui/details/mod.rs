//! A machine's details: overview and settings, hardware (with the dialogs that
//! change it), and its XML.

pub mod cdrom_dialog;
pub mod disk_add_dialog;
pub mod disk_remove_dialog;
pub mod hardware;
pub mod hardware_actions;
pub mod nic_dialog;
pub mod overview;
pub mod resize_dialog;
pub mod snapshot_run;
pub mod snapshots;
pub mod view;
pub mod xml_page;
