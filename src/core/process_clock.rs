//! Milliseconds since the process started, as the kernel counts them.
//!
//! `--quit-after-load` reports load time from process start, not from `main()`, so the
//! figure includes dynamic linking and GTK's start-up: what a person waits through.

use std::time::Instant;

/// Time since the process was created, in milliseconds. Falls back to the time since
/// the first call when /proc is not readable.
pub fn ms_since_start() -> u64 {
    proc_elapsed_ms().unwrap_or_else(|| {
        static FIRST: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        FIRST.get_or_init(Instant::now).elapsed().as_millis() as u64
    })
}

fn proc_elapsed_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may contain spaces; fields after its ')' are fixed.
    let after = &stat[stat.rfind(')')? + 2..];
    // starttime is field 22 overall, the 20th after the command name.
    let start_ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let ticks_per_s = unsafe { libc_sysconf_clk_tck() } as f64;
    let elapsed = uptime - start_ticks / ticks_per_s;
    (elapsed >= 0.0).then_some((elapsed * 1000.0) as u64)
}

extern "C" {
    fn sysconf(name: i32) -> i64;
}

/// `_SC_CLK_TCK` is 2 on Linux.
unsafe fn libc_sysconf_clk_tck() -> i64 {
    let v = sysconf(2);
    if v > 0 {
        v
    } else {
        100
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn process_age_is_small_and_grows() {
        let a = super::ms_since_start();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let b = super::ms_since_start();
        assert!(b >= a + 20, "{a} then {b}");
        assert!(
            a < 10 * 60 * 1000,
            "a test process is not ten minutes old: {a}"
        );
    }
}
