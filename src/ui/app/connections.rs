//! The list of connections: adding one, editing a saved one, removing one.

use gtk::glib;
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::model::ConnectionId;
use crate::core::worker::ConnectionSpec;
use crate::ui::connections::add_dialog::{AddConnectionDialog, Editing};
use crate::ui::connections::keyring;
use crate::ui::host_view::HostView;

impl App {
    /// Add Connection, or Edit Connection for the selected host.
    pub(super) fn show_connection_dialog(
        &self,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
        edit: bool,
    ) {
        let sender = sender.clone();
        let dialog = if edit {
            let Some(host) = self.hosts.get(self.selected_host) else {
                return;
            };
            let connection = host.handle.id;
            let uri = host.handle.spec.uri.clone();
            let autoconnect = self.settings.autoconnect().contains(&uri);
            AddConnectionDialog::new(
                root,
                Some(Editing { uri, autoconnect }),
                move |uri, autoconnect| {
                    sender.input(AppMsg::EditConnection {
                        connection,
                        uri,
                        autoconnect,
                    });
                },
            )
        } else {
            AddConnectionDialog::new(root, None, move |uri, autoconnect| {
                sender.input(AppMsg::AddConnection { uri, autoconnect });
            })
        };
        dialog.present();
    }

    pub(super) fn add_connection(&mut self, uri: String, autoconnect: bool) {
        if let Some(index) = self.hosts.iter().position(|h| h.handle.spec.uri == uri) {
            // Already open: just show it.
            self.select_sidebar_row(index);
            return;
        }
        self.settings.remember_connection(&uri, autoconnect);
        let spec = ConnectionSpec::new(uri).with_keepalive(self.settings.keepalive());
        let host = HostView::new(self.connector.open(spec));
        self.sidebar.append(&host.row.row);
        self.hosts.push(host);
        self.select_sidebar_row(self.hosts.len() - 1);
    }

    /// Saves the edited connection in place of the old one; a changed URI closes the
    /// old connection and opens the new one in the same sidebar place.
    pub(super) fn edit_connection(
        &mut self,
        connection: ConnectionId,
        uri: String,
        autoconnect: bool,
    ) {
        let Some(index) = self.hosts.iter().position(|h| h.handle.id == connection) else {
            return;
        };
        let old = self.hosts[index].handle.spec.uri.clone();
        let in_keyring = self.settings.in_keyring(&old);
        self.settings.replace_connection(&old, &uri, autoconnect);
        if old == uri {
            return;
        }
        if in_keyring {
            forget_login(old.clone());
        }
        if let Some(other) = self.hosts.iter().position(|h| h.handle.spec.uri == uri) {
            // The new URI is open already: one row for it is enough.
            self.remove_connection(index);
            let other = if other > index { other - 1 } else { other };
            self.select_sidebar_row(other);
            return;
        }
        let spec = ConnectionSpec::new(uri).with_keepalive(self.settings.keepalive());
        let host = HostView::new(self.connector.open(spec));
        let old_host = std::mem::replace(&mut self.hosts[index], host);
        self.close_host(&old_host);
        self.sidebar.remove(&old_host.row.row);
        self.sidebar
            .insert(&self.hosts[index].row.row, index as i32);
        if index == self.selected_host {
            self.machines.close_details();
        }
        self.select_sidebar_row(index);
    }

    pub(super) fn remove_selected_connection(&mut self) {
        if self.selected_host >= self.hosts.len() {
            return;
        }
        let uri = self.hosts[self.selected_host].handle.spec.uri.clone();
        if self.settings.in_keyring(&uri) {
            forget_login(uri.clone());
        }
        self.settings.forget_connection(&uri);
        self.remove_connection(self.selected_host);
        if !self.hosts.is_empty() {
            self.select_sidebar_row(self.selected_host.min(self.hosts.len() - 1));
        }
    }

    /// Closes the connection at `index` and takes it off the sidebar.
    fn remove_connection(&mut self, index: usize) {
        let host = self.hosts.remove(index);
        self.close_host(&host);
        self.sidebar.remove(&host.row.row);
        self.machines.close_details();
        if self.hosts.is_empty() {
            self.selected_host = 0;
            self.machines.list.show(None);
            self.show_networks();
            self.show_storage();
            self.refresh_selected();
        } else if self.selected_host >= self.hosts.len() {
            self.selected_host = self.hosts.len() - 1;
        }
    }

    fn close_host(&mut self, host: &HostView) {
        host.handle.close();
        self.close_credential_dialogs(host.handle.id);
        self.given_logins.retain(|g| g.connection != host.handle.id);
    }
}

/// Removes a login the person chose to keep. Only then: someone who never ticked the
/// box must not even have a keyring daemon started on their behalf.
fn forget_login(uri: String) {
    glib::spawn_future_local(async move { keyring::forget(&uri).await });
}
