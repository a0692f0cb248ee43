//! Turns successive samples into rates, remembering each machine's last sample.

use std::collections::HashMap;

use super::rates::{rates, Rates};
use super::sample::DomainSample;

#[derive(Debug, Default)]
pub struct RateTracker {
    previous: HashMap<String, DomainSample>,
}

impl RateTracker {
    /// Rates for every machine sampled now that was also sampled last time. Machines
    /// missing from `samples` (stopped, or scrolled out of view) are forgotten, so a
    /// later sample starts a fresh interval instead of averaging over the gap.
    pub fn absorb(&mut self, samples: Vec<DomainSample>) -> Vec<(String, Rates)> {
        let mut out = Vec::with_capacity(samples.len());
        let mut next = HashMap::with_capacity(samples.len());
        for s in samples {
            if let Some(before) = self.previous.get(&s.uuid) {
                out.push((s.uuid.clone(), rates(before, &s)));
            }
            next.insert(s.uuid.clone(), s);
        }
        self.previous = next;
        out
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn sample(uuid: &str, at: Instant, cpu: u64) -> DomainSample {
        DomainSample {
            uuid: uuid.into(),
            at,
            cpu_time_ns: cpu,
            vcpus: 1,
            memory_kib: 0,
            disk_read_bytes: 0,
            disk_write_bytes: 0,
            net_rx_bytes: 0,
            net_tx_bytes: 0,
        }
    }

    #[test]
    fn rates_need_two_samples_and_a_gap_starts_over() {
        let t = Instant::now();
        let mut tr = RateTracker::default();
        assert!(tr.absorb(vec![sample("a", t, 0)]).is_empty());
        let r = tr.absorb(vec![sample("a", t + Duration::from_secs(1), 250_000_000)]);
        assert_eq!(r.len(), 1);
        assert!((r[0].1.cpu_percent - 25.0).abs() < 1e-9);
        assert!(tr.absorb(vec![]).is_empty());
        assert!(tr
            .absorb(vec![sample("a", t + Duration::from_secs(5), 900_000_000)])
            .is_empty());
    }
}
