//! The window's copy of one host: what the worker reported, with each update applied
//! to exactly the object it names.

use std::collections::HashMap;
use std::time::Instant;

use super::error::UserError;
use super::model::{DomainSummary, HostSummary, NetworkSummary, PoolSummary};
use super::worker::Update;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum ConnectionStatus {
    #[default]
    Connecting,
    /// Connected, listing in progress.
    Connected,
    /// Listed and following events.
    Live,
    Failed(UserError),
    /// Gone, or not there yet: the worker retries by itself (see `retry_at`).
    Disconnected(UserError),
    /// Not connected, and not trying until the person connects.
    NotConnected,
}

impl ConnectionStatus {
    pub fn is_online(&self) -> bool {
        matches!(self, ConnectionStatus::Connected | ConnectionStatus::Live)
    }
}

/// What an update changed, so a view can touch one row instead of all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChange {
    Status,
    /// Everything was replaced (first load or reload after a reconnect).
    Reloaded,
    DomainAdded(String),
    DomainChanged(String),
    DomainRemoved(String),
    /// Titles and template marks arrived for these domains.
    DomainLabels(Vec<String>),
    NetworkChanged(String),
    NetworkRemoved(String),
    PoolChanged(String),
    PoolRemoved(String),
}

#[derive(Debug, Default)]
pub struct HostStore {
    pub status: ConnectionStatus,
    pub host: Option<HostSummary>,
    pub domains: HashMap<String, DomainSummary>,
    pub networks: HashMap<String, NetworkSummary>,
    pub pools: HashMap<String, PoolSummary>,
    /// When the worker tries again, while it waits to (after `Update::Retrying`).
    pub retry_at: Option<Instant>,
}

impl HostStore {
    /// Applies one update. Objects are keyed by UUID, which survives renames.
    pub fn apply(&mut self, update: Update) -> StoreChange {
        if let Update::Retrying(wait) = update {
            self.retry_at = Some(Instant::now() + wait);
            return StoreChange::Status;
        }
        if matches!(
            update,
            Update::Connecting
                | Update::Connected(_)
                | Update::Failed(_)
                | Update::Disconnected(_)
                | Update::NotConnected
        ) {
            self.retry_at = None;
        }
        match update {
            Update::Retrying(_) => StoreChange::Status,
            Update::NotConnected => {
                self.status = ConnectionStatus::NotConnected;
                StoreChange::Status
            }
            Update::Connecting => {
                // Keep the last known objects on screen (greyed) while reconnecting.
                if !matches!(self.status, ConnectionStatus::Disconnected(_)) {
                    self.status = ConnectionStatus::Connecting;
                }
                StoreChange::Status
            }
            Update::Connected(host) => {
                self.host = Some(host);
                self.status = ConnectionStatus::Connected;
                StoreChange::Status
            }
            Update::Failed(e) => {
                self.status = ConnectionStatus::Failed(e);
                StoreChange::Status
            }
            // The window asks the person; nothing it holds changes.
            Update::Credentials(_) => StoreChange::Status,
            Update::Disconnected(e) => {
                self.status = ConnectionStatus::Disconnected(e);
                StoreChange::Status
            }
            Update::Loaded(inv) => {
                self.status = ConnectionStatus::Live;
                self.domains = inv
                    .domains
                    .into_iter()
                    .map(|d| (d.uuid.clone(), d))
                    .collect();
                self.networks = inv
                    .networks
                    .into_iter()
                    .map(|n| (n.uuid.clone(), n))
                    .collect();
                self.pools = inv.pools.into_iter().map(|p| (p.uuid.clone(), p)).collect();
                StoreChange::Reloaded
            }
            Update::DomainLabels(labels) => {
                let mut changed = Vec::with_capacity(labels.len());
                for (uuid, l) in labels {
                    if let Some(d) = self.domains.get_mut(&uuid) {
                        d.labels = l;
                        changed.push(uuid);
                    }
                }
                StoreChange::DomainLabels(changed)
            }
            Update::Domain(d) => {
                let uuid = d.uuid.clone();
                match self.domains.insert(uuid.clone(), d) {
                    Some(_) => StoreChange::DomainChanged(uuid),
                    None => StoreChange::DomainAdded(uuid),
                }
            }
            Update::DomainGone { uuid } => {
                self.domains.remove(&uuid);
                StoreChange::DomainRemoved(uuid)
            }
            Update::Network(n) => {
                let uuid = n.uuid.clone();
                self.networks.insert(uuid.clone(), n);
                StoreChange::NetworkChanged(uuid)
            }
            Update::NetworkGone { uuid } => {
                self.networks.remove(&uuid);
                StoreChange::NetworkRemoved(uuid)
            }
            Update::Pool(p) => {
                let uuid = p.uuid.clone();
                self.pools.insert(uuid.clone(), p);
                StoreChange::PoolChanged(uuid)
            }
            Update::PoolGone { uuid } => {
                self.pools.remove(&uuid);
                StoreChange::PoolRemoved(uuid)
            }
        }
    }

    pub fn domain_by_name(&self, name: &str) -> Option<&DomainSummary> {
        self.domains.values().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{DomainState, Inventory};

    fn dom(uuid: &str, name: &str, state: DomainState) -> DomainSummary {
        DomainSummary {
            uuid: uuid.into(),
            name: name.into(),
            id: None,
            state,
            vcpus: 1,
            memory_kib: 1024,
            max_memory_kib: 1024,
            labels: Default::default(),
        }
    }

    #[test]
    fn an_event_changes_one_domain_and_says_which() {
        let mut s = HostStore::default();
        let inv = Inventory {
            domains: vec![
                dom("a", "web", DomainState::Shutoff),
                dom("b", "db", DomainState::Running),
            ],
            ..Default::default()
        };
        assert_eq!(s.apply(Update::Loaded(inv)), StoreChange::Reloaded);
        assert_eq!(s.status, ConnectionStatus::Live);
        let change = s.apply(Update::Domain(dom("a", "web", DomainState::Running)));
        assert_eq!(change, StoreChange::DomainChanged("a".into()));
        assert_eq!(s.domains["a"].state, DomainState::Running);
        assert_eq!(s.domains["b"].state, DomainState::Running);
        assert_eq!(
            s.apply(Update::DomainGone { uuid: "b".into() }),
            StoreChange::DomainRemoved("b".into())
        );
        assert_eq!(s.domains.len(), 1);
        assert_eq!(
            s.apply(Update::Domain(dom("c", "new", DomainState::Shutoff))),
            StoreChange::DomainAdded("c".into())
        );
    }

    #[test]
    fn a_lost_host_keeps_its_objects_while_reconnecting() {
        let mut s = HostStore::default();
        s.apply(Update::Loaded(Inventory {
            domains: vec![dom("a", "web", DomainState::Running)],
            ..Default::default()
        }));
        s.apply(Update::Disconnected(UserError::invalid("gone")));
        s.apply(Update::Connecting);
        assert!(matches!(s.status, ConnectionStatus::Disconnected(_)));
        assert_eq!(s.domains.len(), 1);
    }
}
