//! Feeding the statistics tick's samples to the rows, the details graphs and the Host
//! page's graphs.

use adw::prelude::*;
use relm4::prelude::*;

use super::{App, AppMsg, StatsSampled};
use crate::core::error::UserError;
use crate::core::stats::{thread_cpu_time, SamplePlan};

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
        if self.stats_in_flight.contains(&host.handle.id)
            || !root.is_visible()
            || !host.store.status.is_online()
            || !running
        {
            return;
        }
        let is_running = |uuid: &String| {
            host.store
                .domains
                .get(uuid)
                .is_some_and(|d| d.state.is_active())
        };
        let started = std::time::Instant::now();
        let plan = SamplePlan {
            whole_host: self.stats_pace.due(started),
            on_screen: self
                .machines
                .list
                .on_screen()
                .into_iter()
                .filter(is_running)
                .collect(),
            detailed: self.machines.details_uuid().filter(is_running),
        };
        if !plan.whole_host && plan.on_screen.is_empty() && plan.detailed.is_none() {
            return;
        }
        let connection = host.handle.id;
        self.stats_in_flight.insert(connection);
        let input = sender.input_sender().clone();
        host.handle.run(
            move |conn| {
                let before = thread_cpu_time();
                let result = crate::core::stats::sample(conn, &plan);
                Ok((result, plan.whole_host, thread_cpu_time() - before))
            },
            move |outcome: Result<_, UserError>| {
                let (result, whole_host, cost) = match outcome {
                    Ok(done) => done,
                    Err(e) => (Err(e), false, std::time::Duration::ZERO),
                };
                let _ = input.send(AppMsg::StatsSampled(StatsSampled {
                    connection,
                    result,
                    whole_host,
                    started,
                    cost,
                }));
            },
        );
    }

    pub(super) fn show_stats(&mut self, sampled: StatsSampled) {
        self.stats_in_flight.remove(&sampled.connection);
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        // Statistics are a courtesy: a failed sample is skipped, not reported.
        let (true, Ok(samples)) = (host.handle.id == sampled.connection, sampled.result) else {
            return;
        };
        let before = thread_cpu_time();
        let shown = self.machines.details_uuid();
        for (uuid, rates) in self.stats.absorb(samples, sampled.whole_host) {
            if let Some(row) = host.domains.get(&uuid) {
                row.push_cpu(rates.cpu_percent);
            }
            if shown.as_deref() == Some(uuid.as_str()) {
                if let Some(details) = self.machines.built_details() {
                    details.push_rates(&rates);
                }
            }
        }
        if sampled.whole_host {
            let cost = sampled.cost + (thread_cpu_time() - before);
            self.stats_pace.spent(sampled.started, cost);
        }
    }

    /// One host sample on the selected host's worker, only while the Host page is on
    /// screen: an idle window, or one showing another page, costs nothing here.
    pub(super) fn sample_host(
        &mut self,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let shown = self.content.pages.visible_child_name().as_deref() == Some("host")
            && self.content.root.visible_child_name().as_deref() == Some("pages");
        if self.host_sample_in_flight.contains(&host.handle.id)
            || !shown
            || !root.is_visible()
            || !host.store.status.is_online()
        {
            return;
        }
        let connection = host.handle.id;
        self.host_sample_in_flight.insert(connection);
        let input = sender.input_sender().clone();
        host.handle
            .run(crate::core::host::sample_node, move |result| {
                let _ = input.send(AppMsg::HostSampled { connection, result });
            });
    }

    pub(super) fn show_host_sample(
        &mut self,
        connection: crate::core::model::ConnectionId,
        result: Result<crate::core::host::NodeSample, UserError>,
    ) {
        self.host_sample_in_flight.remove(&connection);
        let selected = self.hosts.get(self.selected_host).map(|h| h.handle.id);
        // Like the machines' statistics, a failed sample is skipped, not reported.
        if let (true, Ok(sample)) = (selected == Some(connection), result) {
            if let Some(page) = self.host_page.get() {
                page.usage.push(&sample);
            }
        }
    }
}
