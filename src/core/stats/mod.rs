//! Live statistics: the one thing libvirt cannot push, so the only thing Hangar polls.
//! Bulk calls only: the rows on screen every tick, every running machine as often as
//! costs allow (see `pace`); rates from two samples.

mod pace;
mod rates;
mod sample;
mod tracker;

pub use pace::{thread_cpu_time, WholeHostPace};
pub use rates::{rates, Rates};
pub use sample::{sample, DomainSample, SamplePlan};
pub use tracker::RateTracker;
