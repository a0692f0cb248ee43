//! What a person reads off two samples: CPU in percent of the machine's vCPUs, and
//! bytes per second.

use super::sample::DomainSample;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rates {
    /// 0–100: share of the machine's own vCPUs in use.
    pub cpu_percent: f64,
    pub memory_kib: u64,
    pub disk_read_bps: f64,
    pub disk_write_bps: f64,
    pub net_rx_bps: f64,
    pub net_tx_bps: f64,
}

/// Rates between `before` and `now` (same machine). Counters that went backwards (the
/// machine restarted) count as zero rather than as a huge negative spike.
pub fn rates(before: &DomainSample, now: &DomainSample) -> Rates {
    let seconds = now.at.saturating_duration_since(before.at).as_secs_f64();
    if seconds <= 0.0 {
        return Rates {
            memory_kib: now.memory_kib,
            ..Rates::default()
        };
    }
    let per_s = |a: u64, b: u64| b.saturating_sub(a) as f64 / seconds;
    let cpu_ns = now.cpu_time_ns.saturating_sub(before.cpu_time_ns) as f64;
    Rates {
        cpu_percent: (cpu_ns / (seconds * 1e9 * now.vcpus.max(1) as f64) * 100.0).clamp(0.0, 100.0),
        memory_kib: now.memory_kib,
        disk_read_bps: per_s(before.disk_read_bytes, now.disk_read_bytes),
        disk_write_bps: per_s(before.disk_write_bytes, now.disk_write_bytes),
        net_rx_bps: per_s(before.net_rx_bytes, now.net_rx_bytes),
        net_tx_bps: per_s(before.net_tx_bytes, now.net_tx_bytes),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn s(at: Instant, cpu: u64, rd: u64) -> DomainSample {
        DomainSample {
            uuid: "u".into(),
            at,
            cpu_time_ns: cpu,
            vcpus: 2,
            memory_kib: 1024,
            disk_read_bytes: rd,
            disk_write_bytes: 0,
            net_rx_bytes: 0,
            net_tx_bytes: 0,
        }
    }

    #[test]
    fn one_busy_vcpu_of_two_is_fifty_percent() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(2);
        let r = rates(&s(t0, 0, 0), &s(t1, 2_000_000_000, 4096));
        assert!((r.cpu_percent - 50.0).abs() < 1e-9);
        assert!((r.disk_read_bps - 2048.0).abs() < 1e-9);
    }

    #[test]
    fn a_restart_does_not_make_a_negative_spike() {
        let t0 = Instant::now();
        let r = rates(
            &s(t0, 9_000_000_000, 100),
            &s(t0 + Duration::from_secs(1), 10, 0),
        );
        assert_eq!(r.cpu_percent, 0.0);
        assert_eq!(r.disk_read_bps, 0.0);
    }
}
