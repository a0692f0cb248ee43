//! Storage pools and volumes: planning (pure) and operations on libvirt (worker only).

pub mod size;
