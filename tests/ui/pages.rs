//! The Networks and Storage pages: rows follow libvirt, switches act on it.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, find_widget, launch, pump_until};

const T: Duration = Duration::from_secs(10);

/// The "Active" switch on the row called `name` inside `page`.
fn active_switch(page: &gtk::Stack, name: &str) -> Option<gtk::Switch> {
    let row = find_widget::<adw::ActionRow>(page, &|r| r.widget_name() == name)?;
    find_widget::<gtk::Switch>(&row, &|_| true)
}

pub fn switching_a_network_off_stops_it_and_the_row_follows() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(1), "ui-net");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let page = c.model().networks.root.clone();
    let sw = active_switch(&page, "net-1").expect("a switch on net-1");
    assert!(sw.state() && sw.is_active(), "net-1 starts active");
    sw.set_active(false);
    pump_until(T, "libvirt reports net-1 stopped", || {
        c.model().hosts[0]
            .store
            .networks
            .values()
            .any(|n| n.name == "net-1" && !n.active)
    });
    pump_until(T, "the switch shows it", || !sw.state());
    // net-2 was not touched.
    assert!(active_switch(&page, "net-2").unwrap().state());
    close(c);
}

pub fn a_pool_switch_that_libvirt_refuses_snaps_back_with_the_reason() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(1), "ui-pool");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let page = c.model().storage.root.clone();
    let sw = active_switch(&page, "pool-1").expect("a switch on pool-1");
    let handle = c.model().hosts[0].handle.clone();
    // Someone else stops the pool first; our "stop" is then refused by libvirt.
    handle
        .call(|conn| Ok(conn.lookup_storage_pool_by_name("pool-1")?.destroy()?))
        .unwrap();
    sw.set_active(false);
    pump_until(T, "the refusal is shown", || {
        c.model().toaster.last().is_some()
    });
    let text = c.model().toaster.last().unwrap();
    assert!(
        text.contains("not active") || text.contains("pool-1"),
        "toast: {text}"
    );
    pump_until(T, "the switch shows the pool stopped", || {
        !sw.state() && !sw.is_active()
    });
    close(c);
}

pub fn the_host_page_reports_the_node_and_why_acceleration_is_off() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(1), "ui-host");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "host report read", || {
        c.model().host_page.last.borrow().is_some()
    });
    let report = c.model().host_page.last.borrow().clone().unwrap();
    // The node file says: 8 CPUs at 2400 MHz, 1 socket × 4 cores × 2 threads, 32 GiB.
    assert_eq!((report.info.cpus, report.info.mhz), (8, 2400));
    assert_eq!(
        (report.info.sockets, report.info.cores, report.info.threads),
        (1, 4, 2)
    );
    assert_eq!(report.info.memory_kib, 33_554_432);
    // The test driver offers no kvm domain type: emulation, and the page says why.
    assert!(!report.acceleration.usable);
    let texts = crate::harness::label_texts(&c.model().host_page.root);
    assert!(
        texts
            .iter()
            .any(|t| t == "libvirt does not offer the kvm domain type"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "qemu"),
        "the domain type new machines get: {texts:?}"
    );
    close(c);
}
