//! Live statistics: the one thing libvirt cannot push, so the only thing Hangar polls.
//! One bulk call per tick for all running machines; rates from two samples.

mod rates;
mod sample;
mod tracker;

pub use rates::{rates, Rates};
pub use sample::{sample, DomainSample};
pub use tracker::RateTracker;
