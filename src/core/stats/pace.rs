//! How often the whole host is sampled, so statistics stay cheap on any host.
//!
//! Rows on screen are sampled on every tick. Sampling every running machine costs in
//! proportion to their number: libvirt builds, formats and frees a record per machine,
//! about 10 µs each here, so 3,000 running machines cost some 35 ms of CPU. A fixed tick
//! would turn that into a steady 2 % of a core for an idle window. Instead the whole host
//! is sampled again only once the CPU the last such sample took is a small share of the
//! time since: a host of a few hundred machines is sampled on every tick, a huge one
//! every few ticks, and the machines scrolled out of view simply show a rate averaged
//! over a slightly longer interval.

use std::time::{Duration, Instant};

/// Share of one core that whole-host samples may use.
pub const WHOLE_HOST_SHARE: f64 = 0.005;

/// When the whole host is due to be sampled again.
#[derive(Debug, Default)]
pub struct WholeHostPace {
    next: Option<Instant>,
}

impl WholeHostPace {
    /// True when a tick at `now` should sample every running machine.
    pub fn due(&self, now: Instant) -> bool {
        self.next.map_or(true, |next| now >= next)
    }

    /// A whole-host sample that started at `started` used `cpu` of CPU time (on the
    /// worker and in the window together).
    pub fn spent(&mut self, started: Instant, cpu: Duration) {
        self.next = Some(started + cpu.div_f64(WHOLE_HOST_SHARE));
    }

    /// Another host was selected, or its machines changed wholesale: sample it all on
    /// the next tick.
    pub fn reset(&mut self) {
        self.next = None;
    }
}

/// CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a pointer to a timespec we own.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cheap_host_is_sampled_on_every_tick_and_a_costly_one_less_often() {
        let t = Instant::now();
        let tick = Duration::from_secs(2);
        let mut pace = WholeHostPace::default();
        assert!(pace.due(t), "the first tick samples everything");
        // 5 ms for a few hundred machines: due again by the next tick.
        pace.spent(t, Duration::from_millis(5));
        assert!(pace.due(t + tick));
        // 35 ms for thousands: not before 7 s, so three ticks of rows on screen only.
        pace.spent(t, Duration::from_millis(35));
        assert!(!pace.due(t + tick) && !pace.due(t + 3 * tick));
        assert!(pace.due(t + 4 * tick));
        pace.reset();
        assert!(pace.due(t), "another host starts over");
    }

    #[test]
    fn the_thread_clock_counts_work_not_sleep() {
        let before = thread_cpu_time();
        std::thread::sleep(Duration::from_millis(50));
        let slept = thread_cpu_time() - before;
        assert!(slept < Duration::from_millis(10), "{slept:?}");
        // Busy until the clock has moved 20 ms (it must, well within 10 s of wall time).
        let start = Instant::now();
        while thread_cpu_time() - before < Duration::from_millis(20) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the clock does not move"
            );
            std::hint::black_box(start.elapsed());
        }
    }
}
