//! The Networks page: the host's virtual networks.

pub mod page;
