//! A machine's details: overview and settings, hardware, and its XML.

pub mod hardware;
pub mod overview;
pub mod resize_dialog;
pub mod snapshots;
pub mod view;
pub mod xml_page;
