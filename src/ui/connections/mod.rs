//! Adding and removing connections to hosts.

pub mod add_dialog;
pub mod credentials_dialog;
pub mod keyring;
