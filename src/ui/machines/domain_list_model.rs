//! The machines of one host as a `gio::ListStore`, kept in step with its `HostStore`
//! one row at a time.

use std::collections::HashMap;

use gtk::gio;
use gtk::prelude::*;

use super::domain_object::DomainObject;
use crate::core::store::{HostStore, StoreChange};

pub struct DomainListModel {
    pub store: gio::ListStore,
    rows: HashMap<String, DomainObject>,
}

impl Default for DomainListModel {
    fn default() -> Self {
        DomainListModel {
            store: gio::ListStore::new::<DomainObject>(),
            rows: HashMap::new(),
        }
    }
}

impl DomainListModel {
    /// Applies what `HostStore::apply` reported. Returns true when rows were added or
    /// removed (the view may need its empty state refreshed).
    pub fn apply(&mut self, change: &StoreChange, host: &HostStore) -> bool {
        match change {
            StoreChange::Reloaded => {
                self.reload(host);
                true
            }
            StoreChange::DomainAdded(uuid) | StoreChange::DomainChanged(uuid) => {
                let Some(summary) = host.domains.get(uuid) else {
                    return false;
                };
                if let Some(row) = self.rows.get(uuid) {
                    row.update(summary);
                    row.set_online(true);
                    false
                } else {
                    let row = DomainObject::new(summary);
                    self.store.append(&row);
                    self.rows.insert(uuid.clone(), row);
                    true
                }
            }
            StoreChange::DomainLabels(uuids) => {
                for uuid in uuids {
                    if let (Some(row), Some(summary)) =
                        (self.rows.get(uuid), host.domains.get(uuid))
                    {
                        row.update(summary);
                    }
                }
                false
            }
            StoreChange::DomainRemoved(uuid) => {
                if let Some(row) = self.rows.remove(uuid) {
                    if let Some(pos) = self.store.find(&row) {
                        self.store.remove(pos);
                    }
                    true
                } else {
                    false
                }
            }
            StoreChange::Status => {
                let online = host.status.is_online();
                for row in self.rows.values() {
                    if row.online() != online {
                        row.set_online(online);
                    }
                }
                false
            }
            _ => false,
        }
    }

    /// Replaces every row, reusing the objects of domains that are still there so a
    /// reload after a reconnect keeps the selection and scroll position.
    fn reload(&mut self, host: &HostStore) {
        let mut fresh = Vec::new();
        let mut keep = HashMap::with_capacity(host.domains.len());
        for (uuid, summary) in &host.domains {
            let row = match self.rows.remove(uuid) {
                Some(row) => {
                    row.update(summary);
                    row.set_online(true);
                    row
                }
                None => {
                    let row = DomainObject::new(summary);
                    fresh.push(row.clone());
                    row
                }
            };
            keep.insert(uuid.clone(), row);
        }
        // Whatever is left in `self.rows` vanished while we were away.
        for gone in self.rows.values() {
            if let Some(pos) = self.store.find(gone) {
                self.store.remove(pos);
            }
        }
        // One splice for all new rows: one items-changed signal instead of thousands.
        self.store.splice(self.store.n_items(), 0, &fresh);
        self.rows = keep;
    }

    pub fn get(&self, uuid: &str) -> Option<&DomainObject> {
        self.rows.get(uuid)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
