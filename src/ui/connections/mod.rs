//! Adding and removing connections to hosts.

pub mod add_dialog;
