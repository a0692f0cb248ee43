//! Keeping the window in step with its hosts: worker updates, adding and removing
//! connections, and which host is shown.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::store::{ConnectionStatus, StoreChange};
use crate::core::worker::{Update, WorkerEvent};
use crate::ui::machines::machine_list::MachineList;

impl App {
    /// One batch of worker updates: applied, then the window and the load report
    /// (`--quit-after-load`) catch up.
    pub(super) fn apply_batch(
        &mut self,
        batch: Vec<WorkerEvent>,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        for ev in batch {
            match &ev.update {
                Update::Credentials(request) => {
                    self.ask_credentials(ev.connection, request.clone(), root, sender)
                }
                Update::Connected(_) => self.settle_login(ev.connection, true),
                Update::Failed(_) => self.settle_login(ev.connection, false),
                _ => {}
            }
            self.apply(ev);
        }
        self.refresh_selected();
        if let Some(report) = self.load_report.as_mut() {
            report.check(&self.hosts, root);
        }
    }

    /// The updates that arrived while GTK started, applied while the window is built:
    /// its first layout is then the listing, not a "Connecting" page nobody sees. A
    /// login prompt waits for the shown window, and so does everything after it.
    pub(super) fn apply_early(
        &mut self,
        mut early: Vec<WorkerEvent>,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let prompt = early
            .iter()
            .position(|ev| matches!(ev.update, Update::Credentials(_)));
        let later = prompt.map(|i| early.split_off(i)).unwrap_or_default();
        if !early.is_empty() {
            self.apply_batch(early, root, sender);
        }
        if !later.is_empty() {
            sender.input(AppMsg::Worker(later));
        }
    }

    pub(super) fn apply(&mut self, ev: WorkerEvent) {
        let Some(index) = self.hosts.iter().position(|h| h.handle.id == ev.connection) else {
            return;
        };
        let host = &mut self.hosts[index];
        let change = host.apply(ev.update);
        if index != self.selected_host {
            return;
        }
        match &change {
            StoreChange::Reloaded => self.show_host_pages(),
            StoreChange::DomainChanged(uuid) | StoreChange::DomainAdded(uuid) => {
                if let (Some(trace), Some(d)) = (&self.row_trace, host.store.domains.get(uuid)) {
                    trace.changed(&self.machines.list.view, &d.name, d.state.key());
                }
                if let Some(details) = self.machines.built_details() {
                    if details.shown_uuid().as_deref() == Some(uuid.as_str()) {
                        details.refresh();
                    }
                }
            }
            StoreChange::DomainRemoved(uuid)
                if self.machines.details_uuid().as_deref() == Some(uuid.as_str()) =>
            {
                self.machines.close_details();
                self.toaster
                    .show(gettext("The machine was deleted on the host"));
            }
            StoreChange::DomainLabels(_) => self.machines.list.labels_changed(),
            // A page not built yet shows the store as it is once it is built.
            StoreChange::NetworkChanged(uuid) => {
                if let (Some(page), Some(n)) =
                    (self.networks.get_mut(), host.store.networks.get(uuid))
                {
                    page.changed(n);
                }
            }
            StoreChange::NetworkRemoved(uuid) => {
                if let Some(page) = self.networks.get_mut() {
                    page.removed(uuid);
                }
            }
            StoreChange::PoolChanged(uuid) => {
                if let (Some(page), Some(p)) = (self.storage.get_mut(), host.store.pools.get(uuid))
                {
                    page.changed(p);
                }
            }
            StoreChange::PoolRemoved(uuid) => {
                if let Some(page) = self.storage.get_mut() {
                    page.removed(uuid);
                }
            }
            _ => {}
        }
    }

    pub fn list(&self) -> &MachineList {
        &self.machines.list
    }

    pub(super) fn select_sidebar_row(&mut self, index: usize) {
        if let Some(row) = self.sidebar.row_at_index(index as i32) {
            self.sidebar.select_row(Some(&row));
        }
        self.show_host(index);
    }

    pub(super) fn show_host(&mut self, index: usize) {
        if index >= self.hosts.len() {
            // No host to show (none at start, or the last one removed): say so.
            self.refresh_selected();
            return;
        }
        if index != self.selected_host {
            self.machines.close_details();
            self.stats = Default::default();
            self.stats_pace.reset();
        }
        self.selected_host = index;
        let host = self.hosts.get(index);
        self.machines.list.show(host.map(|h| &h.domains.store));
        self.show_host_pages();
        self.refresh_selected();
    }

    pub(super) fn refresh_selected(&self) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            self.content.show_no_connections();
            self.power.refresh(&[], false);
            return;
        };
        self.title.set_subtitle(&host.display_name());
        self.content.show_host(host);
        self.machines.set_has_rows(!host.domains.is_empty());
        self.refresh_actions();
    }

    pub(super) fn refresh_actions(&self) {
        let status = self.hosts.get(self.selected_host).map(|h| &h.store.status);
        let online = status == Some(&ConnectionStatus::Live);
        super::sidebar::enable_host_actions(&self.host_actions, status);
        let selected = self.machines.list.selected();
        self.power.refresh(&selected, online);
        // A stopped machine's console window offers to start it, so any state will do.
        self.console_button
            .set_sensitive(online && selected.len() == 1);
        self.delete_button
            .set_sensitive(online && !selected.is_empty());
    }
}
