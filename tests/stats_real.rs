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

/// The tiny real guest with a disk reads its partition table and writes a line to the
/// disk while it boots: the detailed sample of its details view sees both, apart.
#[test]
fn a_booting_guest_with_a_disk_shows_disk_reads_and_writes() {
    if !real_libvirt() {
        return;
    }
    const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
    common::support("libvirtd.sh", &["start"]);
    common::support("tiny-guest.sh", &["build", GUEST_DIR]);
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let conn = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let name = format!("hd-stats-{}", std::process::id());
    let dir = format!("/var/lib/libvirt/images/hangar-test/{name}");
    std::fs::create_dir_all(&dir).unwrap();
    let disk = format!("{dir}/disk.qcow2");
    let made = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", &disk, "16M"])
        .status()
        .unwrap();
    assert!(made.success());
    let log = common::support("tiny-guest.sh", &["serial-log", &name]);
    let xml = common::support("tiny-guest.sh", &["domain-xml", &name, GUEST_DIR, &disk]);
    let dom = conn.create_domain_xml(&xml, 0).expect("the guest starts");
    let uuid = dom.uuid_string().unwrap();
    let outcome = std::panic::catch_unwind(|| {
        let plan = SamplePlan {
            whole_host: false,
            on_screen: vec![uuid.clone()],
            detailed: Some(uuid.clone()),
        };
        let mut tracker = RateTracker::default();
        let (mut read, mut written) = (0f64, 0f64);
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        // Sampled from power-on until a tick after the guest says it wrote.
        let mut after_banner = 0;
        while after_banner < 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "the guest did not boot"
            );
            let rates = tracker.absorb(sample(&conn, &plan).unwrap(), false);
            for (_, r) in rates.iter().filter(|(u, _)| *u == uuid) {
                read = read.max(r.disk_read_bps);
                written = written.max(r.disk_write_bps);
            }
            if std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("HANGAR-DISK-WRITTEN")
            {
                after_banner += 1;
            }
            std::thread::sleep(Duration::from_millis(400));
        }
        eprintln!("guest disk: read up to {read:.0} B/s, write up to {written:.0} B/s");
        assert!(read > 0.0, "the guest's reads show");
        assert!(written > 0.0, "the guest's write shows");
    });
    let _ = dom.destroy();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(format!("/var/log/libvirt/qemu/{name}.log"));
    outcome.unwrap();
}
