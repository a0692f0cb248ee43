//! The Networks and Storage pages: rows follow libvirt, switches act on it.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::AppMsg;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, find_widget, launch, pump_until, show_page, shown};

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
    show_page(&c, "networks");
    let page = shown(&c.model().networks).root.clone();
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
    show_page(&c, "storage");
    let page = shown(&c.model().storage).root.clone();
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
    show_page(&c, "host");
    pump_until(T, "host report read", || {
        shown(&c.model().host_page).last.borrow().is_some()
    });
    let report = shown(&c.model().host_page).last.borrow().clone().unwrap();
    // The node file says: 8 CPUs at 2400 MHz, 1 socket × 4 cores × 2 threads, 32 GiB.
    assert_eq!((report.info.cpus, report.info.mhz), (8, 2400));
    assert_eq!(
        (report.info.sockets, report.info.cores, report.info.threads),
        (1, 4, 2)
    );
    assert_eq!(report.info.memory_kib, 33_554_432);
    // The test driver offers no kvm domain type: emulation, and the page says why.
    assert!(!report.acceleration.usable);
    let texts = crate::harness::label_texts(&shown(&c.model().host_page).root);
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
    // The node file's "model" is an architecture; its capabilities name no processor.
    for shown_text in ["i686", "Not reported by the hypervisor", "2400 MHz"] {
        assert!(
            texts.iter().any(|t| t == shown_text),
            "{shown_text}: {texts:?}"
        );
    }
    close(c);
}

/// Switching hosts never leaves the first host's facts under the second's name: the
/// page empties at once and fills with the second host's report.
pub fn the_host_page_follows_the_selected_host() {
    let (first, _d1) = node_uri(&NodeSpec::with_domains(1), "ui-host-a");
    let c = launch(vec![
        ConnectionSpec::new(first),
        ConnectionSpec::new("test:///default"),
    ]);
    show_page(&c, "host");
    let last = shown(&c.model().host_page).last.clone();
    let root = shown(&c.model().host_page).root.clone();
    pump_until(T, "first host read", || last.borrow().is_some());
    assert_eq!(last.borrow().as_ref().unwrap().info.cpus, 8);
    c.emit(AppMsg::HostSelected(1));
    // The report is read on the worker, so it arrives in a later main-loop turn
    // than the one that selects the host.
    pump_until(T, "second host selected", || c.model().selected_host == 1);
    let texts = crate::harness::label_texts(&root);
    assert!(
        !texts.iter().any(|t| t == "2400 MHz"),
        "the first host's frequency is gone: {texts:?}"
    );
    pump_until(T, "second host read", || last.borrow().is_some());
    // test:///default: 16 CPUs at 1400 MHz.
    assert_eq!(last.borrow().as_ref().unwrap().info.cpus, 16);
    let texts = crate::harness::label_texts(&root);
    assert!(texts.iter().any(|t| t == "1400 MHz"), "{texts:?}");
    crate::dialogs::screenshot(&c.widget().clone(), "host-page");
    close(c);
}

/// Start-up builds the machine list only: the details, Networks, Storage and Host
/// pages are built when first shown, and then show what libvirt reported before.
pub fn pages_are_built_when_first_shown_and_show_what_happened_before() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(3), "ui-lazy");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    {
        let m = c.model();
        assert!(m.machines.built_details().is_none(), "no details built");
        assert!(m.networks.get().is_none(), "no Networks page built");
        assert!(m.storage.get().is_none(), "no Storage page built");
        assert!(m.host_page.get().is_none(), "no Host page built");
    }
    // Someone stops net-1 and pool-1 elsewhere while those pages were never shown.
    let handle = c.model().hosts[0].handle.clone();
    handle
        .call(|conn| {
            conn.lookup_network_by_name("net-1")?.destroy()?;
            Ok(conn.lookup_storage_pool_by_name("pool-1")?.destroy()?)
        })
        .unwrap();
    pump_until(T, "the store knows", || {
        let m = c.model();
        let s = &m.hosts[0].store;
        s.networks.values().any(|n| n.name == "net-1" && !n.active)
            && s.pools.values().any(|p| p.name == "pool-1" && !p.active)
    });

    show_page(&c, "networks");
    let page = shown(&c.model().networks).root.clone();
    assert!(!active_switch(&page, "net-1").expect("net-1's row").state());
    assert!(active_switch(&page, "net-2").expect("net-2's row").state());
    show_page(&c, "storage");
    let page = shown(&c.model().storage).root.clone();
    assert!(!active_switch(&page, "pool-1")
        .expect("pool-1's row")
        .state());
    assert!(active_switch(&page, "pool-2")
        .expect("pool-2's row")
        .state());
    // Once built, a page follows events as before.
    handle
        .call(|conn| Ok(conn.lookup_storage_pool_by_name("pool-1")?.create(0)?))
        .unwrap();
    pump_until(T, "pool-1's switch shows it started", || {
        active_switch(&page, "pool-1").is_some_and(|sw| sw.state())
    });

    show_page(&c, "machines");
    crate::details::open(&c, "vm-2");
    let details = c
        .model()
        .machines
        .built_details()
        .expect("built on opening")
        .clone();
    assert_eq!(details.shown_uuid(), c.model().machines.details_uuid());
    close(c);
}
