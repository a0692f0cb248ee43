//! The statistics tick follows Preferences at once: choosing a shorter interval does
//! not wait for the longer one under way to run out.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, launch, pump_for, pump_until};

pub fn a_new_statistics_interval_applies_without_a_restart() {
    let settings = gtk::gio::Settings::new(hangar::config::APP_ID);
    settings.set_uint("stats-interval-seconds", 60).unwrap();
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(2), "ui-tick");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(Duration::from_secs(10), "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let row = {
        let host = &c.model().hosts[0];
        let uuid = host.store.domain_by_name("vm-1").unwrap().uuid.clone();
        host.domains.get(&uuid).unwrap().clone()
    };
    pump_for(Duration::from_secs(3));
    let before = row.cpu_history().len();
    pump_for(Duration::from_secs(2));
    assert_eq!(
        row.cpu_history().len(),
        before,
        "no tick within a minute's wait"
    );

    settings.set_uint("stats-interval-seconds", 1).unwrap();
    pump_until(
        Duration::from_secs(8),
        "two samples a second apart, long before the minute is up",
        || row.cpu_history().len() >= before + 2,
    );
    settings.reset("stats-interval-seconds");
    close(c);
}
