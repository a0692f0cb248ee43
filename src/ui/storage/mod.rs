//! The Storage page: the host's storage pools.

pub mod page;
