//! The sidebar: one row per open connection, with its state.

pub mod connection_row;
