//! One network's row: its switches, menu actions (leases, XML, delete) and how it
//! paints its details.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use super::create_dialog::mode_label;
use super::form::{confirm, info_row, menu_button};
use super::{leases_dialog, xml_editor};
use crate::core::model::NetworkSummary;
use crate::core::networks::details::{self};
use crate::core::networks::ops;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};

use super::page::NetworkRow;
use crate::ui::panel::*;

pub(super) fn new_row(list: &gtk::ListBox, ctx: &PageCtx, n: &NetworkSummary) -> NetworkRow {
    let row = adw::ExpanderRow::new();
    // The group goes on before any child exists: GTK 4.8 does not tell children that
    // already look up actions about a group inserted above them later.
    let actions = gio::SimpleActionGroup::new();
    row.insert_action_group("net", Some(&actions));
    row.add_prefix(&gtk::Image::from_icon_name("network-wired-symbolic"));
    let uuid = n.uuid.clone();
    let active = lifecycle_switch(
        ctx.toaster.clone(),
        &gettext("Active: {name}").replace("{name}", &n.name),
        {
            let ctx = ctx.clone();
            let uuid = uuid.clone();
            Box::new(move |on, reply| {
                let Some(h) = ctx.handle() else { return };
                let uuid = uuid.clone();
                h.run(
                    move |conn| {
                        if on {
                            ops::start(conn, &uuid)
                        } else {
                            ops::stop(conn, &uuid)
                        }
                    },
                    reply,
                );
            })
        },
    );
    row.add_action(&active);

    let menu = gio::Menu::new();
    menu.append(Some(&gettext("DHCP _Leases")), Some("net.leases"));
    menu.append(Some(&gettext("Edit _XML…")), Some("net.edit-xml"));
    menu.append(Some(&gettext("_Delete…")), Some("net.delete"));
    row.add_action(&menu_button(
        &menu,
        &gettext("Actions for {name}").replace("{name}", &n.name),
    ));

    let forward = info_row(&gettext("Connectivity"), "");
    let bridge = info_row(&gettext("Bridge"), "");
    let ipv4 = info_row(&gettext("IPv4"), "");
    let dhcp = info_row(&gettext("DHCP range"), "");
    let ipv6 = info_row(&gettext("IPv6"), "");
    let persistent = info_row(&gettext("Definition"), "");
    for r in [&forward, &bridge, &ipv4, &dhcp, &ipv6, &persistent] {
        row.add_row(r);
    }
    let autostart = gtk::Switch::builder().valign(gtk::Align::Center).build();
    autostart.update_property(&[gtk::accessible::Property::Label(
        &gettext("Start {name} with the host").replace("{name}", &n.name),
    )]);
    let auto_row = adw::ActionRow::builder()
        .title(gettext("Start with the host"))
        .build();
    auto_row.add_suffix(&autostart);
    auto_row.set_activatable_widget(Some(&autostart));
    row.add_row(&auto_row);
    list.append(&row);

    let r = NetworkRow {
        row,
        active,
        autostart,
        forward,
        bridge,
        ipv4,
        dhcp,
        ipv6,
        persistent,
        summary: Rc::new(RefCell::new(n.clone())),
        details: Rc::default(),
    };
    connect_autostart(ctx, &r);
    install_actions(ctx, &r, &actions);
    r
}

/// The "Start with the host" switch: libvirt sends no event for it, so the row is
/// re-read after the change.
pub(super) fn connect_autostart(ctx: &PageCtx, r: &NetworkRow) {
    let ctx = ctx.clone();
    let row = r.clone();
    r.autostart.connect_state_set(move |sw, on| {
        if on == sw.state() {
            return gtk::glib::Propagation::Proceed;
        }
        let uuid = row.summary.borrow().uuid.clone();
        let sw = sw.clone();
        let toaster = ctx.toaster.clone();
        let (ctx2, row2) = (ctx.clone(), row.clone());
        ctx.run(
            move |conn| ops::set_autostart(conn, &uuid, on),
            move |r| {
                match r {
                    Ok(()) => show_state(&sw, on),
                    Err(e) => {
                        sw.set_active(sw.state());
                        toaster.show(e.message);
                    }
                }
                fetch_details(&ctx2, row2);
            },
        );
        gtk::glib::Propagation::Stop
    });
}

pub(super) fn install_actions(ctx: &PageCtx, r: &NetworkRow, group: &gio::SimpleActionGroup) {
    let leases = gio::SimpleAction::new("leases", None);
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        leases.connect_activate(move |_, _| {
            let Some(h) = ctx.handle() else { return };
            let s = row.summary.borrow().clone();
            leases_dialog::open(&row.row, h, s.uuid, &s.name);
        });
    }
    let edit = gio::SimpleAction::new("edit-xml", None);
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        edit.connect_activate(move |_, _| {
            let Some(h) = ctx.handle() else { return };
            let s = row.summary.borrow().clone();
            let (u1, u2, name) = (s.uuid.clone(), s.uuid.clone(), s.name.clone());
            xml_editor::open(
                &row.row,
                &gettext("XML of “{name}”").replace("{name}", &s.name),
                &h,
                &ctx.toaster,
                move |conn| details::editable_xml(conn, &u1),
                move |conn, xml| {
                    let running = ops::redefine(conn, &u2, xml)?;
                    Ok(if running {
                        gettext("“{name}” saved; the changes apply when the network is restarted")
                    } else {
                        gettext("“{name}” saved")
                    }
                    .replace("{name}", &name))
                },
            );
        });
    }
    let delete = gio::SimpleAction::new("delete", None);
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        delete.connect_activate(move |_, _| {
            let s = row.summary.borrow().clone();
            let ctx = ctx.clone();
            confirm(
                &row.row,
                &gettext("Delete “{name}”?").replace("{name}", &s.name),
                &gettext("The network is stopped and its definition removed. Machines that use it lose their connection to it."),
                &gettext("_Delete"),
                move || {
                    let (uuid, name) = (s.uuid.clone(), s.name.clone());
                    ctx.act(
                        move |conn| ops::delete(conn, &uuid),
                        Some(gettext("Network “{name}” deleted").replace("{name}", &name)),
                        || {},
                    );
                },
            );
        });
    }
    group.add_action(&leases);
    group.add_action(&edit);
    group.add_action(&delete);
}

pub(super) fn fetch_details(ctx: &PageCtx, row: NetworkRow) {
    let uuid = row.summary.borrow().uuid.clone();
    ctx.run(
        move |conn| details::fetch(conn, &uuid),
        move |r| {
            if let Ok(d) = r {
                if row.row.parent().is_some() {
                    row.summary.replace(d.summary.clone());
                    row.details.replace(Some(d));
                    paint(&row);
                }
            }
        },
    );
}

pub(super) fn none() -> String {
    gettext("None")
}

/// Writes the row's texts from what is known.
pub(super) fn paint(r: &NetworkRow) {
    let n = r.summary.borrow();
    let d = r.details.borrow();
    let mut parts = vec![if n.active {
        gettext("Active")
    } else {
        gettext("Inactive")
    }];
    if let Some(d) = d.as_ref() {
        parts.push(mode_label(&d.forward));
        if let Some(ip) = &d.ipv4 {
            parts.push(ip.cidr());
            if let Some(range) = &ip.dhcp {
                parts.push(
                    gettext("DHCP {start}–{end}")
                        .replace("{start}", &range.start)
                        .replace("{end}", &range.end),
                );
            }
        }
        if let Some(ip) = &d.ipv6 {
            parts.push(ip.cidr());
        }
    }
    if !n.bridge.is_empty() {
        parts.push(gettext("bridge {name}").replace("{name}", &n.bridge));
    }
    if n.autostart {
        parts.push(gettext("starts with the host"));
    }
    if !n.persistent {
        parts.push(gettext("transient"));
    }
    r.row
        .set_subtitle(&gtk::glib::markup_escape_text(&parts.join(" · ")));
    let set = |row: &adw::ActionRow, text: &str| {
        row.set_subtitle(&gtk::glib::markup_escape_text(text));
    };
    set(
        &r.persistent,
        &if n.persistent {
            gettext("Persistent")
        } else {
            gettext("Transient: it disappears when stopped")
        },
    );
    let Some(d) = d.as_ref() else { return };
    let mut forward = mode_label(&d.forward);
    if let Some(dev) = &d.forward_dev {
        forward = gettext("{mode} through {device}")
            .replace("{mode}", &forward)
            .replace("{device}", dev);
    }
    set(&r.forward, &forward);
    set(&r.bridge, d.bridge.as_deref().unwrap_or(&none()));
    set(
        &r.ipv4,
        &d.ipv4.as_ref().map(|i| i.cidr()).unwrap_or_else(none),
    );
    set(
        &r.ipv6,
        &d.ipv6.as_ref().map(|i| i.cidr()).unwrap_or_else(none),
    );
    let range = d
        .ipv4
        .as_ref()
        .and_then(|i| i.dhcp.as_ref())
        .map(|r| format!("{} – {}", r.start, r.end))
        .unwrap_or_else(none);
    set(&r.dhcp, &range);
}
