//! Everything the window keeps for one connection: the worker's handle, the store of
//! what it reported, the list model the table shows, and the sidebar row.

use gtk::prelude::*;

use super::machines::domain_list_model::DomainListModel;
use super::sidebar::connection_row::{display_name, ConnectionRow};
use crate::core::store::{HostStore, StoreChange};
use crate::core::worker::{ConnectionHandle, Update};

pub struct HostView {
    pub handle: ConnectionHandle,
    pub store: HostStore,
    pub domains: DomainListModel,
    pub row: ConnectionRow,
}

impl HostView {
    pub fn new(handle: ConnectionHandle) -> Self {
        let row = ConnectionRow::new(&handle.spec);
        // The sidebar's `host.connect` action (see app::sidebar), for this connection.
        row.connect.set_action_name(Some("host.connect"));
        row.connect
            .set_action_target_value(Some(&gtk::glib::Variant::from(handle.id)));
        HostView {
            handle,
            store: HostStore::default(),
            domains: DomainListModel::default(),
            row,
        }
    }

    /// Applies one worker update to the store, the list model and the sidebar row.
    pub fn apply(&mut self, update: Update) -> StoreChange {
        let change = self.store.apply(update);
        self.domains.apply(&change, &self.store);
        // The sidebar shows counts and status; refresh it only when those can change.
        if !matches!(
            change,
            StoreChange::NetworkChanged(_) | StoreChange::PoolChanged(_)
        ) {
            self.row.update(&self.store);
        }
        change
    }

    pub fn display_name(&self) -> String {
        display_name(&self.handle.spec)
    }
}
