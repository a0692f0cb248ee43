//! Keeping the window in step with its hosts: worker updates, adding and removing
//! connections, and which host is shown.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::App;
use crate::core::store::{ConnectionStatus, StoreChange};
use crate::core::worker::WorkerEvent;
use crate::ui::machines::machine_list::MachineList;

impl App {
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
            StoreChange::Reloaded => {
                self.networks
                    .show(Some(&host.handle), host.store.networks.values());
                self.storage
                    .show(Some(&host.handle), host.store.pools.values());
                self.host_page.show(Some(&host.handle));
            }
            StoreChange::DomainChanged(uuid) | StoreChange::DomainAdded(uuid) => {
                if let (Some(trace), Some(d)) = (&self.row_trace, host.store.domains.get(uuid)) {
                    trace.changed(&self.machines.list.view, &d.name, d.state.key());
                }
                if self.machines.details.shown_uuid().as_deref() == Some(uuid.as_str()) {
                    self.machines.details.refresh();
                }
            }
            StoreChange::DomainRemoved(uuid)
                if self.machines.details.shown_uuid().as_deref() == Some(uuid.as_str()) =>
            {
                self.machines.close_details();
                self.toaster
                    .show(gettext("The machine was deleted on the host"));
            }
            StoreChange::DomainLabels(_) => self.machines.list.labels_changed(),
            StoreChange::NetworkChanged(uuid) => {
                if let Some(n) = host.store.networks.get(uuid) {
                    self.networks.changed(n);
                }
            }
            StoreChange::NetworkRemoved(uuid) => self.networks.removed(uuid),
            StoreChange::PoolChanged(uuid) => {
                if let Some(p) = host.store.pools.get(uuid) {
                    self.storage.changed(p);
                }
            }
            StoreChange::PoolRemoved(uuid) => self.storage.removed(uuid),
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
        self.networks.show(
            host.map(|h| &h.handle),
            host.iter().flat_map(|h| h.store.networks.values()),
        );
        self.storage.show(
            host.map(|h| &h.handle),
            host.iter().flat_map(|h| h.store.pools.values()),
        );
        self.host_page.show(
            host.filter(|h| h.store.status.is_online())
                .map(|h| &h.handle),
        );
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
        let online = self
            .hosts
            .get(self.selected_host)
            .is_some_and(|h| h.store.status == ConnectionStatus::Live);
        let selected = self.machines.list.selected();
        self.power.refresh(&selected, online);
        // A stopped machine's console window offers to start it, so any state will do.
        self.console_button
            .set_sensitive(online && selected.len() == 1);
        self.delete_button
            .set_sensitive(online && !selected.is_empty());
    }
}
