//! Storage pools and volumes beyond the summary the store keeps: the checks a new
//! pool or volume must pass, the actions (`virsh pool-*`, `vol-*`), volume listings
//! with who uses what, backing chains, and uploads and downloads.
//!
//! Files: `size.rs` (sizes as typed, pure), `volume_plan.rs` and `pool_plan.rs`
//! (checking forms, pure), `pools.rs` (pool details and actions), `volumes.rs`
//! (listing a pool's volumes with users and backing links), `volume_ops.rs`
//! (create, resize, delete), `volume_copy.rs` (clone and convert, with progress and
//! cancel) over `stream_copy.rs` (volume to volume through streams), `chain.rs`
//! (backing chains), `transfer.rs` (upload and download streams on their own thread),
//! `volume_fate.rs` (whether a disk's volume may be deleted with its machine, a
//! selection of machines, or alone).

pub mod chain;
pub mod pool_plan;
pub mod pools;
pub mod size;
pub mod stream_copy;
pub mod transfer;
pub mod volume_copy;
pub mod volume_fate;
pub mod volume_ops;
pub mod volume_plan;
pub mod volumes;
