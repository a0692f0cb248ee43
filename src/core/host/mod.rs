//! The host behind a connection: what `virsh nodeinfo` and `virsh version` say, and
//! whether hardware acceleration really works there.

mod acceleration;
mod info;
mod report;
mod usage;

pub use acceleration::{assess, Acceleration, Check, LocalProbe};
pub use info::{host_info, HostInfo};
pub use report::{is_local_uri, report, HostInterface, HostReport};
pub use usage::{
    busy_percent, sample_node, CpuTimes, NodeMemory, NodeSample, NodeTracker, NodeUsage,
};
