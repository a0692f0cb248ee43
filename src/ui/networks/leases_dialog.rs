//! `virsh net-dhcp-leases` in a window, read on the worker; "Refresh" reads again.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::form::Dialog;
use crate::core::error::UserError;
use crate::core::networks::leases::{leases, Lease};
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;

pub fn open(
    parent: &impl IsA<gtk::Widget>,
    handle: ConnectionHandle,
    uuid: String,
    name: &str,
) -> adw::Window {
    let dialog = Rc::new(Dialog::new(
        parent,
        &gettext("DHCP Leases of “{name}”").replace("{name}", name),
        &gettext("_Refresh"),
    ));
    dialog.window.set_widget_name("leases");
    dialog.cancel.set_label(&gettext("_Close"));
    dialog.cancel.set_use_underline(true);
    dialog.ok.remove_css_class("suggested-action");
    let list = gtk::ListBox::builder()
        .selection_mode(gtk::SelectionMode::None)
        .build();
    list.add_css_class("boxed-list");
    list.update_property(&[gtk::accessible::Property::Label(&gettext("DHCP leases"))]);
    dialog.content.append(&list);
    let load = {
        let dialog = dialog.clone();
        let list = list.clone();
        move || {
            dialog.busy(true);
            let uuid = uuid.clone();
            let dialog = dialog.clone();
            let list = list.clone();
            handle.run(
                move |conn| leases(conn, &uuid),
                on_main(move |r: Result<Vec<Lease>, UserError>| {
                    dialog.busy(false);
                    while let Some(child) = list.first_child() {
                        list.remove(&child);
                    }
                    list.set_visible(r.is_ok());
                    match r {
                        Err(e) => dialog.show_error(Some(&e.message)),
                        Ok(leases) => {
                            dialog.show_error(None);
                            if leases.is_empty() {
                                list.append(
                                    &adw::ActionRow::builder()
                                        .title(gettext("No leases: no machine has asked this network for an address"))
                                        .build(),
                                );
                            }
                            for l in leases {
                                list.append(&lease_row(&l));
                            }
                        }
                    }
                }),
            );
        }
    };
    load();
    dialog.ok.connect_clicked(move |_| load());
    dialog.present();
    dialog.window.clone()
}

fn lease_row(l: &Lease) -> adw::ActionRow {
    let expires = gtk::glib::DateTime::from_unix_local(l.expiry)
        .and_then(|d| d.format("%Y-%m-%d %H:%M"))
        .map(|s| s.to_string())
        .unwrap_or_default();
    let mut parts = vec![l.mac.clone()];
    if let Some(h) = &l.hostname {
        parts.push(h.clone());
    }
    if l.expiry > 0 {
        parts.push(gettext("expires {time}").replace("{time}", &expires));
    }
    adw::ActionRow::builder()
        .title(gtk::glib::markup_escape_text(&l.cidr()))
        .subtitle(gtk::glib::markup_escape_text(&parts.join(" · ")))
        .build()
}
