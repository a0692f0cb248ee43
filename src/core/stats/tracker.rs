//! Turns successive samples into rates, remembering each machine's last sample.

use std::collections::HashMap;

use super::rates::{rates, Rates};
use super::sample::DomainSample;

#[derive(Debug, Default)]
pub struct RateTracker {
    previous: HashMap<String, DomainSample>,
}

impl RateTracker {
    /// Rates for every machine in `samples` that was sampled before. A `whole_host`
    /// sample forgets the machines missing from it (they stopped), so a later sample
    /// starts a fresh interval; a sample of the rows on screen leaves the others as they
    /// were, and their next rate spans the longer interval.
    pub fn absorb(&mut self, samples: Vec<DomainSample>, whole_host: bool) -> Vec<(String, Rates)> {
        let mut out = Vec::with_capacity(samples.len());
        if whole_host {
            let mut kept = std::mem::take(&mut self.previous);
            self.previous.reserve(samples.len());
            for s in samples {
                if let Some(before) = kept.remove(&s.uuid) {
                    out.push((s.uuid.clone(), rates(&before, &s)));
                }
                self.previous.insert(s.uuid.clone(), s);
            }
        } else {
            for s in samples {
                if let Some(before) = self.previous.get(&s.uuid) {
                    out.push((s.uuid.clone(), rates(before, &s)));
                }
                self.previous.insert(s.uuid.clone(), s);
            }
        }
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
    fn rates_need_two_samples_and_a_stopped_machine_starts_over() {
        let t = Instant::now();
        let mut tr = RateTracker::default();
        assert!(tr.absorb(vec![sample("a", t, 0)], true).is_empty());
        let r = tr.absorb(
            vec![sample("a", t + Duration::from_secs(1), 250_000_000)],
            true,
        );
        assert_eq!(r.len(), 1);
        assert!((r[0].1.cpu_percent - 25.0).abs() < 1e-9);
        // Missing from a whole-host sample: it stopped.
        assert!(tr.absorb(vec![], true).is_empty());
        let later = sample("a", t + Duration::from_secs(5), 900_000_000);
        assert!(tr.absorb(vec![later], true).is_empty());
    }

    #[test]
    fn rows_off_screen_keep_their_last_sample_until_the_next_whole_host_one() {
        let t = Instant::now();
        let s = Duration::from_secs(1);
        let mut tr = RateTracker::default();
        tr.absorb(vec![sample("on", t, 0), sample("off", t, 0)], true);
        // Two ticks of the row on screen only.
        let r = tr.absorb(vec![sample("on", t + 2 * s, 500_000_000)], false);
        assert_eq!(r.len(), 1);
        tr.absorb(vec![sample("on", t + 4 * s, 1_000_000_000)], false);
        // The whole host again: "off" gets a rate over all four seconds.
        let r = tr.absorb(
            vec![
                sample("on", t + 6 * s, 1_500_000_000),
                sample("off", t + 6 * s, 3_000_000_000),
            ],
            true,
        );
        let off = r.iter().find(|(u, _)| u == "off").expect("a rate for off");
        assert!((off.1.cpu_percent - 50.0).abs() < 1e-9, "{off:?}");
        let on = r.iter().find(|(u, _)| u == "on").expect("a rate for on");
        assert!((on.1.cpu_percent - 25.0).abs() < 1e-9, "{on:?}");
    }
}
