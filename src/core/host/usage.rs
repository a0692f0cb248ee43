//! How busy the host is: `virsh nodecpustats` and `virsh nodememstats`, sampled while
//! the Host page is on screen. CPU is cumulative time per state, so "% busy" comes
//! from two samples; memory is read as it is. Worker only.

use std::ffi::{c_int, CStr};
use std::ptr;
use std::time::Instant;

use virt::connect::Connect;
use virt::sys;

use crate::core::error::{from_virt, ErrorKind, UserError};

/// Cumulative CPU time of all the host's CPUs, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTimes {
    pub kernel: u64,
    pub user: u64,
    pub idle: u64,
    pub iowait: u64,
}

/// The host's memory, in KiB, as `free` counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeMemory {
    pub total_kib: u64,
    pub free_kib: u64,
    pub buffers_kib: u64,
    pub cached_kib: u64,
}

impl NodeMemory {
    /// What programs use: neither free nor page cache nor buffers.
    pub fn used_kib(&self) -> u64 {
        self.total_kib
            .saturating_sub(self.free_kib + self.buffers_kib + self.cached_kib)
    }
}

/// One reading. A part the driver does not report is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSample {
    pub at: Instant,
    pub cpu: Option<CpuTimes>,
    pub memory: Option<NodeMemory>,
}

/// Reads both, with one call each.
pub fn sample_node(conn: &Connect) -> Result<NodeSample, UserError> {
    let cpu = supported(cpu_times(conn))?;
    let memory = supported(memory(conn))?;
    Ok(NodeSample {
        at: Instant::now(),
        cpu,
        memory,
    })
}

/// "Not supported" is an answer (the test driver has no memory statistics), not a
/// failure.
fn supported<T>(r: Result<T, UserError>) -> Result<Option<T>, UserError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind == ErrorKind::Unsupported => Ok(None),
        Err(e) => Err(e),
    }
}

/// `(field, value)` pairs from one of libvirt's two-call "how many, then fill" APIs.
/// The arrays are ours (libvirt fills them), so nothing of libvirt's is left to free.
fn fields<T: Copy>(
    call: impl Fn(*mut T, *mut c_int) -> c_int,
    zero: T,
    field: impl Fn(&T) -> (&[std::ffi::c_char; 80], u64),
) -> Result<Vec<(String, u64)>, UserError> {
    let mut n: c_int = 0;
    if call(ptr::null_mut(), &mut n) < 0 {
        return Err(from_virt(&virt::error::Error::last_error()));
    }
    if n <= 0 {
        return Ok(Vec::new());
    }
    let mut params = vec![zero; n as usize];
    if call(params.as_mut_ptr(), &mut n) < 0 {
        return Err(from_virt(&virt::error::Error::last_error()));
    }
    params.truncate(n.max(0) as usize);
    Ok(params
        .iter()
        .map(|p| {
            let (name, value) = field(p);
            // SAFETY: libvirt NUL-terminates the 80-byte field name.
            let name = unsafe { CStr::from_ptr(name.as_ptr()) };
            (name.to_string_lossy().into_owned(), value)
        })
        .collect())
}

fn cpu_times(conn: &Connect) -> Result<CpuTimes, UserError> {
    let zero = sys::virNodeCPUStats {
        field: [0; 80],
        value: 0,
    };
    let list = fields(
        // SAFETY: a live connection; `p` is null (count only) or holds `*n` entries.
        |p, n| unsafe {
            sys::virNodeGetCPUStats(conn.as_ptr(), sys::VIR_NODE_CPU_STATS_ALL_CPUS, p, n, 0)
        },
        zero,
        |p| (&p.field, p.value),
    )?;
    let mut t = CpuTimes::default();
    for (name, value) in list {
        match name.as_str() {
            "kernel" => t.kernel = value,
            "user" => t.user = value,
            "idle" => t.idle = value,
            "iowait" => t.iowait = value,
            _ => {}
        }
    }
    Ok(t)
}

fn memory(conn: &Connect) -> Result<NodeMemory, UserError> {
    let zero = sys::virNodeMemoryStats {
        field: [0; 80],
        value: 0,
    };
    let list = fields(
        // SAFETY: as above.
        |p, n| unsafe {
            sys::virNodeGetMemoryStats(conn.as_ptr(), sys::VIR_NODE_MEMORY_STATS_ALL_CELLS, p, n, 0)
        },
        zero,
        |p| (&p.field, p.value),
    )?;
    let mut m = NodeMemory::default();
    for (name, value) in list {
        match name.as_str() {
            "total" => m.total_kib = value,
            "free" => m.free_kib = value,
            "buffers" => m.buffers_kib = value,
            "cached" => m.cached_kib = value,
            _ => {}
        }
    }
    Ok(m)
}

/// What the graphs show after a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeUsage {
    /// Busy share of all CPUs since the previous sample, 0–100; `None` until two
    /// samples exist or when the host's counters do not move.
    pub cpu_percent: Option<f64>,
    pub memory: Option<NodeMemory>,
}

/// Turns successive samples into usage; forget it when the host changes.
#[derive(Debug, Default)]
pub struct NodeTracker {
    last_cpu: Option<CpuTimes>,
}

impl NodeTracker {
    pub fn absorb(&mut self, s: &NodeSample) -> NodeUsage {
        let cpu_percent = match (self.last_cpu, s.cpu) {
            (Some(before), Some(now)) => busy_percent(&before, &now),
            _ => None,
        };
        self.last_cpu = s.cpu;
        NodeUsage {
            cpu_percent,
            memory: s.memory,
        }
    }
}

/// Kernel + user time against all time (idle and iowait count as not busy).
pub fn busy_percent(before: &CpuTimes, now: &CpuTimes) -> Option<f64> {
    let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
    let busy = d(before.kernel, now.kernel) + d(before.user, now.user);
    let rest = d(before.idle, now.idle) + d(before.iowait, now.iowait);
    let total = busy + rest;
    (total > 0.0).then(|| (100.0 * busy / total).clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kernel: u64, user: u64, idle: u64, iowait: u64) -> CpuTimes {
        CpuTimes {
            kernel,
            user,
            idle,
            iowait,
        }
    }

    #[test]
    fn busy_is_kernel_and_user_against_everything() {
        let a = t(100, 200, 1_000, 0);
        // 30 + 70 busy, 300 + 100 idle or waiting: 20 %.
        let b = t(130, 270, 1_300, 100);
        assert_eq!(busy_percent(&a, &b), Some(20.0));
        assert_eq!(busy_percent(&a, &a), None, "counters that do not move");
        // A counter that went backwards (a host reboot) never gives a negative share.
        let p = busy_percent(&b, &a);
        assert!(p.is_none() || p.unwrap() >= 0.0);
    }

    #[test]
    fn the_tracker_needs_two_samples() {
        let mut tr = NodeTracker::default();
        let s = |c| NodeSample {
            at: Instant::now(),
            cpu: Some(c),
            memory: None,
        };
        assert_eq!(tr.absorb(&s(t(0, 0, 0, 0))).cpu_percent, None);
        assert_eq!(tr.absorb(&s(t(50, 0, 50, 0))).cpu_percent, Some(50.0));
    }

    #[test]
    fn used_memory_leaves_out_cache_and_buffers() {
        let m = NodeMemory {
            total_kib: 1000,
            free_kib: 100,
            buffers_kib: 50,
            cached_kib: 350,
        };
        assert_eq!(m.used_kib(), 500);
    }
}
