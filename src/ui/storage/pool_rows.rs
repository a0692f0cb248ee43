//! One pool's row: its switch, autostart, menu actions (build, refresh, delete) and how
//! it paints its state and usage.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use super::volume_dialog;
use crate::core::model::PoolSummary;
use crate::core::storage::pools::{self};
use crate::core::storage::size::format_bytes;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};
use crate::ui::networks::form::{icon_button, info_row, menu_button};
use crate::ui::panel::PageCtx;
use crate::ui::progress::Pulse;

use super::page::PoolRow;
use super::transfers::*;
use super::volume_rows::*;

pub(super) fn new_row(list: &gtk::ListBox, ctx: &PageCtx, p: &PoolSummary) -> PoolRow {
    let row = adw::ExpanderRow::new();
    // The group goes on before any child exists: GTK 4.8 does not tell children that
    // already look up actions about a group inserted above them later.
    let actions = gio::SimpleActionGroup::new();
    row.insert_action_group("pool", Some(&actions));
    row.add_prefix(&gtk::Image::from_icon_name("drive-harddisk-symbolic"));
    // libvirt cannot interrupt these; the bar only says the host is still at it (a
    // network filesystem can take many seconds to mount).
    let busy = Pulse::new(
        gtk::ProgressBar::builder()
            .width_request(80)
            .valign(gtk::Align::Center)
            .visible(false)
            .build(),
    );
    busy.bar.set_widget_name("pool-busy");
    busy.bar.update_property(&[gtk::accessible::Property::Label(
        &gettext("Working on {name}").replace("{name}", &p.name),
    )]);
    row.add_action(&busy.bar);
    let active = lifecycle_switch(
        ctx.toaster.clone(),
        &gettext("Active: {name}").replace("{name}", &p.name),
        {
            let ctx = ctx.clone();
            let uuid = p.uuid.clone();
            let busy = busy.clone();
            Box::new(move |on, reply| {
                let Some(h) = ctx.handle() else { return };
                let uuid = uuid.clone();
                let answered = busy.until_answer();
                h.run(
                    move |conn| {
                        if on {
                            pools::start(conn, &uuid)
                        } else {
                            pools::stop(conn, &uuid)
                        }
                    },
                    move |r| {
                        answered();
                        reply(r)
                    },
                );
            })
        },
    );
    row.add_action(&active);
    let bar = gtk::LevelBar::builder()
        .min_value(0.0)
        .max_value(1.0)
        .width_request(120)
        .valign(gtk::Align::Center)
        .build();
    bar.update_property(&[gtk::accessible::Property::Label(
        &gettext("Space used in {name}").replace("{name}", &p.name),
    )]);
    row.add_action(&bar);
    let menu = gio::Menu::new();
    let section = gio::Menu::new();
    section.append(Some(&gettext("New _Volume…")), Some("pool.new-volume"));
    section.append(Some(&gettext("_Upload File…")), Some("pool.upload"));
    menu.append_section(None, &section);
    let section = gio::Menu::new();
    section.append(Some(&gettext("_Refresh")), Some("pool.refresh"));
    section.append(Some(&gettext("_Build")), Some("pool.build"));
    menu.append_section(None, &section);
    let section = gio::Menu::new();
    section.append(Some(&gettext("_Delete…")), Some("pool.delete"));
    menu.append_section(None, &section);
    row.add_action(&menu_button(
        &menu,
        &gettext("Actions for {name}").replace("{name}", &p.name),
    ));

    let info = info_row(&gettext("Type"), "");
    let usage = info_row(&gettext("Space"), "");
    row.add_row(&info);
    row.add_row(&usage);
    let autostart = gtk::Switch::builder().valign(gtk::Align::Center).build();
    autostart.update_property(&[gtk::accessible::Property::Label(
        &gettext("Start {name} with the host").replace("{name}", &p.name),
    )]);
    let auto_row = adw::ActionRow::builder()
        .title(gettext("Start with the host"))
        .build();
    auto_row.add_suffix(&autostart);
    auto_row.set_activatable_widget(Some(&autostart));
    row.add_row(&auto_row);
    // Heads the volumes, with buttons for the two ways to add one.
    let empty = adw::ActionRow::builder().title(gettext("Volumes")).build();
    let add = icon_button(
        "list-add-symbolic",
        &gettext("New volume in {name}").replace("{name}", &p.name),
    );
    add.set_action_name(Some("pool.new-volume"));
    add.add_css_class("flat");
    let up = icon_button(
        "document-send-symbolic",
        &gettext("Upload a file into {name}").replace("{name}", &p.name),
    );
    up.set_action_name(Some("pool.upload"));
    up.add_css_class("flat");
    empty.add_suffix(&up);
    empty.add_suffix(&add);
    row.add_row(&empty);
    list.append(&row);
    let r = PoolRow {
        row,
        bar,
        active,
        autostart,
        info,
        usage,
        empty,
        volume_rows: Rc::default(),
        loaded: Rc::default(),
        summary: Rc::new(RefCell::new(p.clone())),
        details: Rc::default(),
        busy,
    };
    {
        let (ctx, r2) = (ctx.clone(), r.clone());
        r.row.connect_expanded_notify(move |row| {
            if row.is_expanded() && !r2.loaded.get() {
                load_volumes(&ctx, r2.clone());
            }
        });
    }
    connect_autostart(ctx, &r);
    install_pool_actions(ctx, &r, &actions);
    r
}

pub(super) fn connect_autostart(ctx: &PageCtx, r: &PoolRow) {
    let (ctx, row) = (ctx.clone(), r.clone());
    r.autostart.connect_state_set(move |sw, on| {
        if on == sw.state() {
            return gtk::glib::Propagation::Proceed;
        }
        let uuid = row.uuid();
        let (sw, toaster, ctx2, row2) = (sw.clone(), ctx.toaster.clone(), ctx.clone(), row.clone());
        ctx.run(
            move |conn| pools::set_autostart(conn, &uuid, on),
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

pub(super) fn action(group: &gio::SimpleActionGroup, name: &str, f: impl Fn() + 'static) {
    let a = gio::SimpleAction::new(name, None);
    a.connect_activate(move |_, _| f());
    group.add_action(&a);
}

pub(super) fn install_pool_actions(ctx: &PageCtx, r: &PoolRow, group: &gio::SimpleActionGroup) {
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        action(group, "new-volume", move || {
            let (ctx2, row2) = (ctx.clone(), row.clone());
            volume_dialog::open(&row.row, &ctx, row.uuid(), row.name(), move || {
                load_volumes(&ctx2, row2.clone())
            });
        });
    }
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        action(group, "upload", move || upload(&ctx, &row));
    }
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        action(group, "refresh", move || {
            let uuid = row.uuid();
            let (ctx2, row2) = (ctx.clone(), row.clone());
            // The refresh event re-lists the volumes; list them anyway in case the
            // driver sends none.
            busy_act(
                &ctx,
                &row,
                move |conn| pools::refresh(conn, &uuid),
                None,
                move || load_volumes(&ctx2, row2),
            );
        });
    }
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        action(group, "build", move || {
            let (uuid, name) = (row.uuid(), row.name());
            busy_act(
                &ctx,
                &row,
                move |conn| pools::build(conn, &uuid),
                Some(gettext("“{name}” built").replace("{name}", &name)),
                || {},
            );
        });
    }
    {
        let (ctx, row) = (ctx.clone(), r.clone());
        action(group, "delete", move || delete_pool(&ctx, &row));
    }
}

/// `PageCtx::act` with the row's bar pulsing until the host answers.
fn busy_act(
    ctx: &PageCtx,
    row: &PoolRow,
    job: impl FnOnce(&virt::connect::Connect) -> Result<(), crate::core::error::UserError>
        + Send
        + 'static,
    ok_text: Option<String>,
    then: impl FnOnce() + 'static,
) {
    let busy = row.busy.clone();
    busy.start();
    ctx.act(job, ok_text, move || {
        busy.stop();
        then()
    });
}

pub(super) fn delete_pool(ctx: &PageCtx, row: &PoolRow) {
    let name = row.name();
    let window = row.row.root().and_downcast::<gtk::Window>();
    let dialog = adw::MessageDialog::new(
        window.as_ref(),
        Some(&gettext("Delete “{name}”?").replace("{name}", &name)),
        Some(&gettext("The pool is stopped and its definition removed. Its volumes stay where they are, unless you also delete the storage: an empty directory is removed, a volume group is destroyed.")),
    );
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("keep", &gettext("_Remove Pool Only"));
    dialog.add_response("wipe", &gettext("Delete _Storage Too"));
    dialog.set_response_appearance("keep", adw::ResponseAppearance::Destructive);
    dialog.set_response_appearance("wipe", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let (ctx, uuid, row) = (ctx.clone(), row.uuid(), row.clone());
    dialog.connect_response(None, move |_, response| {
        if response == "cancel" {
            return;
        }
        let wipe = response == "wipe";
        let (uuid, name) = (uuid.clone(), name.clone());
        busy_act(
            &ctx,
            &row,
            move |conn| pools::delete(conn, &uuid, wipe),
            Some(gettext("Pool “{name}” deleted").replace("{name}", &name)),
            || {},
        );
    });
    dialog.present();
}

pub(super) fn fetch_details(ctx: &PageCtx, row: PoolRow) {
    let uuid = row.uuid();
    ctx.run(
        move |conn| pools::fetch(conn, &uuid),
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

pub(super) fn paint(r: &PoolRow) {
    let p = r.summary.borrow();
    let d = r.details.borrow();
    let mut parts = Vec::new();
    if let Some(d) = d.as_ref() {
        parts.push(d.pool_type.clone());
    }
    parts.push(if p.active {
        gettext("Active")
    } else {
        gettext("Inactive")
    });
    if p.active {
        parts.push(
            gettext("{used} used of {size}, {free} free")
                .replace("{used}", &format_bytes(p.allocation_bytes))
                .replace("{size}", &format_bytes(p.capacity_bytes))
                .replace("{free}", &format_bytes(p.available_bytes)),
        );
    }
    if p.autostart {
        parts.push(gettext("starts with the host"));
    }
    if !p.persistent {
        parts.push(gettext("transient"));
    }
    r.row
        .set_subtitle(&gtk::glib::markup_escape_text(&parts.join(" · ")));
    let used = if p.capacity_bytes > 0 {
        p.allocation_bytes as f64 / p.capacity_bytes as f64
    } else {
        0.0
    };
    r.bar.set_value(used.clamp(0.0, 1.0));
    r.bar.set_visible(p.active);
    let usage = if p.active {
        gettext("Capacity {size} · allocated {used} · available {free}")
            .replace("{size}", &format_bytes(p.capacity_bytes))
            .replace("{used}", &format_bytes(p.allocation_bytes))
            .replace("{free}", &format_bytes(p.available_bytes))
    } else {
        gettext("Start the pool to see its space and volumes")
    };
    r.usage.set_subtitle(&gtk::glib::markup_escape_text(&usage));
    if let Some(d) = d.as_ref() {
        let mut info = vec![d.pool_type.clone()];
        info.extend(d.target_path.clone());
        if let Some(s) = &d.source {
            info.push(gettext("from {source}").replace("{source}", s));
        }
        r.info
            .set_subtitle(&gtk::glib::markup_escape_text(&info.join(" · ")));
    }
}
