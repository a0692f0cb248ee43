//! Feeding the statistics tick's samples to the rows and the details graphs.

use adw::prelude::*;
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::error::UserError;

impl App {
    pub(super) fn sample_stats(
        &mut self,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let running = host.store.domains.values().any(|d| d.state.is_active());
        if self.stats_in_flight || !root.is_visible() || !host.store.status.is_online() || !running
        {
            return;
        }
        self.stats_in_flight = true;
        let on_screen = self.machines.list.on_screen();
        let input = sender.input_sender().clone();
        let connection = host.handle.id;
        host.handle.run(
            move |conn| crate::core::stats::sample(conn, &on_screen),
            move |result| {
                let _ = input.send(AppMsg::StatsSampled { connection, result });
            },
        );
    }

    pub(super) fn show_stats(
        &mut self,
        connection: crate::core::model::ConnectionId,
        result: Result<Vec<crate::core::stats::DomainSample>, UserError>,
    ) {
        self.stats_in_flight = false;
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        // Statistics are a courtesy: a failed sample is skipped, not reported.
        let (true, Ok(samples)) = (host.handle.id == connection, result) else {
            return;
        };
        let shown = self.machines.details.shown_uuid();
        for (uuid, rates) in self.stats.absorb(samples) {
            if let Some(row) = host.domains.get(&uuid) {
                row.push_cpu(rates.cpu_percent);
            }
            if shown.as_deref() == Some(uuid.as_str()) {
                self.machines.details.push_rates(&rates);
            }
        }
    }
}
