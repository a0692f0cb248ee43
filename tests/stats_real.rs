//! Statistics from a real QEMU guest through the one bulk call
//! (virConnectGetAllDomainStats). Needs root and libvirtd (HANGAR_REAL_LIBVIRT=1).

mod common;

use std::time::Duration;

use common::real_libvirt;
use hangar::core::stats::{sample, RateTracker, SamplePlan};

#[test]
fn one_bulk_call_samples_a_running_guest() {
    if !real_libvirt() {
        return;
    }
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let conn = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let name = format!("hangar-stats-{}", std::process::id());
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>48</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>"
    );
    let dom = conn
        .create_domain_xml(&xml, 0)
        .expect("a transient guest starts");
    let uuid = dom.uuid_string().unwrap();
    let outcome = std::panic::catch_unwind(|| {
        let mut tracker = RateTracker::default();
        // No rows given: only the whole-host call can find the guest.
        let whole_host = SamplePlan {
            whole_host: true,
            ..SamplePlan::default()
        };
        let first = sample(&conn, &whole_host).unwrap();
        let s = first
            .iter()
            .find(|s| s.uuid == uuid)
            .expect("the running guest is sampled");
        assert!(s.cpu_time_ns > 0 && s.memory_kib > 0, "{s:?}");
        tracker.absorb(first, true);
        std::thread::sleep(Duration::from_millis(1500));
        // Its row on screen and its details open: one list call, device counters too
        // (it has none: zero).
        let on_screen = SamplePlan {
            whole_host: false,
            on_screen: vec![uuid.clone()],
            detailed: Some(uuid.clone()),
        };
        let second = sample(&conn, &on_screen).unwrap();
        assert_eq!(second.len(), 1, "only the machine asked for: {second:?}");
        let rates = tracker.absorb(second, false);
        let (_, r) = rates
            .iter()
            .find(|(u, _)| *u == uuid)
            .expect("rates after two samples");
        assert!(r.cpu_percent > 0.0 && r.cpu_percent <= 100.0, "{r:?}");
        eprintln!(
            "guest CPU {:.1} %, memory {} KiB",
            r.cpu_percent, r.memory_kib
        );
    });
    let _ = dom.destroy();
    outcome.unwrap();
}
