//! The Networks page: the host's virtual networks, and the dialogs to create one,
//! edit its XML and see its DHCP leases.

pub mod create_dialog;
pub mod form;
pub mod leases_dialog;
mod network_rows;
pub mod page;
pub mod xml_editor;
