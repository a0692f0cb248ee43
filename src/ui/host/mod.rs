//! The Host page: what the host is, and whether it can accelerate guests.

pub mod page;
pub mod usage;
