//! The Host page's CPU and memory graphs read virNodeGetCPUStats and
//! virNodeGetMemoryStats on the connection's worker. On a real host (qemu:///system,
//! HANGAR_REAL_LIBVIRT=1) the values must be plausible; libvirt's test driver reports
//! fixed CPU counters and no memory statistics, which must read as "nothing to show",
//! not as an error.

mod common;

use std::time::{Duration, Instant};

use common::{real_libvirt, Host};
use hangar::core::host::{sample_node, NodeTracker};

#[test]
fn a_real_host_reports_a_busy_share_and_memory_that_add_up() {
    if !real_libvirt() {
        return;
    }
    let mut host = Host::open("qemu:///system");
    host.until_loaded();
    let mut tracker = NodeTracker::default();
    let first = host.handle.call(sample_node).expect("a first sample");
    let memory = first.memory.expect("a real host reports its memory");
    assert!(memory.total_kib > 64 * 1024, "{memory:?}");
    assert!(memory.free_kib <= memory.total_kib, "{memory:?}");
    assert!(
        memory.used_kib() > 0 && memory.used_kib() <= memory.total_kib,
        "{memory:?}"
    );
    assert!(first.cpu.is_some(), "a real host reports CPU times");
    assert_eq!(
        tracker.absorb(&first).cpu_percent,
        None,
        "one sample is no rate"
    );

    // Keep one core busy for a while, so the share cannot be a trivial 0.
    let until = Instant::now() + Duration::from_millis(1200);
    let spin = std::thread::spawn(move || {
        let mut x = 0u64;
        while Instant::now() < until {
            x = x.wrapping_mul(31).wrapping_add(7);
        }
        x
    });
    spin.join().unwrap();
    let usage = tracker.absorb(&host.handle.call(sample_node).unwrap());
    let busy = usage.cpu_percent.expect("two samples give a share");
    assert!(busy > 0.0 && busy <= 100.0, "{busy}");
    eprintln!(
        "host CPU busy {busy:.1} %, memory used {} of {} KiB",
        usage.memory.unwrap().used_kib(),
        usage.memory.unwrap().total_kib
    );
    host.handle.close();
}

#[test]
fn the_test_driver_has_fixed_cpu_counters_and_no_memory_statistics() {
    let mut host = Host::open("test:///default");
    host.until_loaded();
    let mut tracker = NodeTracker::default();
    let a = host.handle.call(sample_node).expect("not an error");
    assert_eq!(
        a.memory, None,
        "the test driver has no virNodeGetMemoryStats"
    );
    tracker.absorb(&a);
    let b = host.handle.call(sample_node).unwrap();
    assert_eq!(a.cpu, b.cpu, "its CPU counters are constants");
    assert_eq!(tracker.absorb(&b).cpu_percent, None);
    host.handle.close();
}
