//! The Storage page: pools and their volumes, and the dialogs to create pools and
//! volumes, resize, clone, upload, download and show backing chains.

pub mod chain_dialog;
mod clone_volume;
pub mod entry_dialog;
pub mod page;
pub mod pool_dialog;
mod pool_rows;
pub mod progress;
mod transfers;
pub mod volume_dialog;
mod volume_rows;
