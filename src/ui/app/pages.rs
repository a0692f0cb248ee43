//! The Networks, Storage and Host pages, built the first time each is shown (see
//! `ui::lazy_page`) and, once built, kept in step with the selected host.

use super::App;
use crate::ui::host::page::HostPage;
use crate::ui::networks::page::NetworksPage;
use crate::ui::storage::page::StoragePage;

impl App {
    /// Builds the page called `name` if this is the first time it is shown, and fills
    /// it from the selected host's store: everything that happened before shows.
    pub(super) fn build_page(&mut self, name: &str) {
        let toaster = &self.toaster;
        let fill: Option<fn(&mut App)> = match name {
            "networks" => self
                .networks
                .build_once(|| NetworksPage::new(toaster.clone()), |p| &p.root)
                .then_some(App::show_networks),
            "storage" => self
                .storage
                .build_once(|| StoragePage::new(toaster.clone()), |p| &p.root)
                .then_some(App::show_storage),
            "host" => self
                .host_page
                .build_once(HostPage::new, |p| &p.root)
                .then_some(App::show_host_page),
            _ => None,
        };
        // Only the page built now: the others already show the host.
        if let Some(fill) = fill {
            fill(self);
        }
    }

    /// Shows the selected host on every page built so far (another host was
    /// selected, or it was listed again).
    pub(super) fn show_host_pages(&mut self) {
        self.show_networks();
        self.show_storage();
        self.show_host_page();
    }

    pub(super) fn show_networks(&mut self) {
        let host = self.hosts.get(self.selected_host);
        if let Some(page) = self.networks.get_mut() {
            page.show(
                host.map(|h| &h.handle),
                host.iter().flat_map(|h| h.store.networks.values()),
            );
        }
    }

    pub(super) fn show_storage(&mut self) {
        let host = self.hosts.get(self.selected_host);
        if let Some(page) = self.storage.get_mut() {
            page.show(
                host.map(|h| &h.handle),
                host.iter().flat_map(|h| h.store.pools.values()),
            );
        }
    }

    fn show_host_page(&mut self) {
        let host = self.hosts.get(self.selected_host);
        if let Some(page) = self.host_page.get() {
            // The report is read on the host: not while it is away.
            HostPage::show(
                page,
                host.filter(|h| h.store.status.is_online())
                    .map(|h| &h.handle),
            );
        }
    }
}
