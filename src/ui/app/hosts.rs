//! Keeping the window in step with its hosts: worker updates, adding and removing
//! connections, and which host is shown.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::App;
use crate::core::store::{ConnectionStatus, StoreChange};
use crate::core::worker::{ConnectionSpec, WorkerEvent};
use crate::ui::host_view::HostView;
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

    pub(super) fn add_connection(&mut self, uri: String, autoconnect: bool) {
        if let Some(index) = self.hosts.iter().position(|h| h.handle.spec.uri == uri) {
            // Already open: just show it.
            self.select_sidebar_row(index);
            return;
        }
        self.settings.remember_connection(&uri, autoconnect);
        let host = HostView::new(self.connector.open(ConnectionSpec::new(uri)));
        self.sidebar.append(&host.row.row);
        self.hosts.push(host);
        self.select_sidebar_row(self.hosts.len() - 1);
    }

    pub(super) fn remove_selected_connection(&mut self) {
        if self.selected_host >= self.hosts.len() {
            return;
        }
        let host = self.hosts.remove(self.selected_host);
        host.handle.close();
        self.close_credential_dialogs(host.handle.id);
        self.given_logins.retain(|g| g.connection != host.handle.id);
        self.settings.forget_connection(&host.handle.spec.uri);
        self.sidebar.remove(&host.row.row);
        self.machines.close_details();
        if self.hosts.is_empty() {
            self.selected_host = 0;
            self.machines.list.show(None);
            self.networks.show(None, std::iter::empty());
            self.storage.show(None, std::iter::empty());
            self.refresh_selected();
        } else {
            self.select_sidebar_row(self.selected_host.min(self.hosts.len() - 1));
        }
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
    }
}
