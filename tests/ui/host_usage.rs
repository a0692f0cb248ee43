//! The Host page's live CPU and memory graphs: drawn while the page is shown, and not
//! one sample taken while another page is.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::common::{node_uri, real_libvirt};
use crate::harness::{close, find_widget, launch, pump_for, pump_until, show_page};

fn pages(c: &Controller<hangar::ui::App>) -> adw::ViewStack {
    find_widget::<adw::ViewStack>(c.widget(), &|_| true).expect("the pages")
}

/// Needs a real host (qemu:///system, HANGAR_REAL_LIBVIRT=1): the test driver has no
/// moving CPU counters and no memory statistics.
pub fn the_host_page_draws_cpu_and_memory_only_while_shown() {
    if !real_libvirt() {
        return;
    }
    let c = launch(vec![ConnectionSpec::new("qemu:///system")]);
    pump_until(Duration::from_secs(20), "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    pump_for(Duration::from_secs(3));
    assert!(
        c.model().host_page.get().is_none(),
        "nothing built or sampled while the page was never shown"
    );

    show_page(&c, "host");
    let page = crate::harness::shown(&c.model().host_page).clone();
    let usage = &page.usage;
    pump_until(Duration::from_secs(15), "both graphs drawn", || {
        usage.group.is_visible() && usage.cpu_value.is_visible() && usage.memory_value.is_visible()
    });
    let cpu = usage.cpu_value.label();
    let percent: f64 = cpu.trim_end_matches(" %").parse().expect("a percentage");
    assert!((0.0..=100.0).contains(&percent), "{cpu}");
    let memory = usage.memory_value.label();
    assert!(
        memory.contains(" of ") && memory.contains("GiB"),
        "{memory}"
    );
    let texts = crate::harness::label_texts(&crate::harness::shown(&c.model().host_page).root);
    assert!(texts.iter().any(|t| t == "CPU") && texts.iter().any(|t| t == "Memory in use"));

    pages(&c).set_visible_child_name("machines");
    pump_for(Duration::from_millis(300));
    let before = usage.samples.get();
    pump_for(Duration::from_secs(5));
    assert_eq!(
        usage.samples.get(),
        before,
        "no sampling once another page is shown"
    );
    close(c);
}

pub fn a_host_without_statistics_shows_no_empty_graphs() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(1), "ui-host-usage");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(Duration::from_secs(10), "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    show_page(&c, "host");
    let page = crate::harness::shown(&c.model().host_page).clone();
    let usage = &page.usage;
    pump_until(Duration::from_secs(10), "two samples", || {
        usage.samples.get() >= 2
    });
    assert!(
        !usage.group.is_visible(),
        "fixed counters and no memory statistics: nothing to draw"
    );
    close(c);
}
