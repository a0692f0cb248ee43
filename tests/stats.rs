//! Statistics on libvirt's test driver: the whole host in one call, or only the rows
//! on screen in one call, and rates that span the longer interval for the rows that
//! were off screen meanwhile.

mod common;

use std::time::Duration;

use common::{node_uri, Host};
use hangar::core::node_file::NodeSpec;
use hangar::core::stats::{sample, RateTracker, SamplePlan};

#[test]
fn the_whole_host_or_only_the_rows_on_screen_are_sampled() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(30), "stats");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let mut running: Vec<String> = host
        .store
        .domains
        .values()
        .filter(|d| d.state.is_active())
        .map(|d| d.uuid.clone())
        .collect();
    running.sort();
    assert!(running.len() >= 10, "the node file runs most machines");

    let whole = SamplePlan {
        whole_host: true,
        ..SamplePlan::default()
    };
    let all = host.handle.call(move |c| sample(c, &whole)).unwrap();
    let mut sampled: Vec<String> = all.iter().map(|s| s.uuid.clone()).collect();
    sampled.sort();
    assert_eq!(sampled, running, "every running machine, and only those");

    let rows = running[..3].to_vec();
    let plan = SamplePlan {
        whole_host: false,
        on_screen: rows.clone(),
        detailed: Some(rows[0].clone()),
    };
    let some = host.handle.call(move |c| sample(c, &plan)).unwrap();
    let mut got: Vec<String> = some.iter().map(|s| s.uuid.clone()).collect();
    got.sort();
    assert_eq!(got, rows, "the rows on screen, and only those");
    // (The test driver's records carry no counters: the values themselves are checked
    // on a real guest, in stats_real.rs.)

    // Rates: the rows on screen from the second sample on; the others once the whole
    // host is sampled again.
    let mut tracker = RateTracker::default();
    tracker.absorb(all, true);
    std::thread::sleep(Duration::from_millis(50));
    let rates = tracker.absorb(some, false);
    assert_eq!(rates.len(), 3);
    let whole = SamplePlan {
        whole_host: true,
        ..SamplePlan::default()
    };
    let again = host.handle.call(move |c| sample(c, &whole)).unwrap();
    let rates = tracker.absorb(again, true);
    assert_eq!(
        rates.len(),
        running.len(),
        "a rate for every running machine"
    );
    assert!(rates
        .iter()
        .all(|(_, r)| (0.0..=100.0).contains(&r.cpu_percent)));
    host.handle.close();
}
