//! A pool's volumes: listing them under the pool, and each volume's resize and
//! delete (clone: `clone_volume.rs`).

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use super::{chain_dialog, clone_volume, entry_dialog};
use crate::core::storage::size::format_bytes;
use crate::core::storage::volume_ops::{self};
use crate::core::storage::volumes::{self, VolumeInfo};
use crate::ui::networks::form::menu_button;
use crate::ui::panel::PageCtx;

use super::page::PoolRow;
use super::pool_rows::*;
use super::transfers::*;
use crate::core::words::join_list;

pub(super) fn load_volumes(ctx: &PageCtx, row: PoolRow) {
    let uuid = row.uuid();
    let ctx2 = ctx.clone();
    ctx.run(
        move |conn| volumes::list(conn, &uuid),
        move |r| {
            if row.row.parent().is_none() {
                return;
            }
            row.loaded.set(true);
            for old in row.volume_rows.borrow_mut().drain(..) {
                row.row.remove(&old);
            }
            match r {
                Err(e) => {
                    row.empty
                        .set_subtitle(&gtk::glib::markup_escape_text(&e.message));
                }
                Ok(vols) => {
                    row.empty.set_subtitle(&if !row.summary.borrow().active {
                        gettext("Start the pool to see them")
                    } else if vols.is_empty() {
                        gettext("None yet")
                    } else {
                        gettext("{n} in this pool").replace("{n}", &vols.len().to_string())
                    });
                    let mut rows = row.volume_rows.borrow_mut();
                    for v in vols {
                        let r = volume_row(&ctx2, &row, v);
                        row.row.add_row(&r);
                        rows.push(r);
                    }
                }
            }
        },
    );
}

pub(super) fn volume_subtitle(v: &VolumeInfo) -> String {
    let mut first = Vec::new();
    first.extend(v.format.clone());
    first.push(
        gettext("{capacity}, {allocation} allocated")
            .replace("{capacity}", &format_bytes(v.capacity))
            .replace("{allocation}", &format_bytes(v.allocation)),
    );
    first.push(v.path.clone());
    let mut second = Vec::new();
    if !v.used_by.is_empty() {
        second.push(gettext("used by {machines}").replace("{machines}", &join_list(&v.used_by)));
    }
    if let Some(b) = &v.backing {
        second.push(gettext("backed by {volume}").replace("{volume}", b.label()));
    }
    if !v.backs.is_empty() {
        let names: Vec<&str> = v.backs.iter().map(|b| b.label()).collect();
        second.push(gettext("backs {volumes}").replace("{volumes}", &join_list(&names)));
    }
    let mut text = first.join(" · ");
    if !second.is_empty() {
        text.push('\n');
        text.push_str(&second.join(" · "));
    }
    text
}

pub(super) fn volume_row(ctx: &PageCtx, pool: &PoolRow, v: VolumeInfo) -> adw::ActionRow {
    let row = adw::ActionRow::builder()
        .title(gtk::glib::markup_escape_text(&v.name))
        .subtitle(gtk::glib::markup_escape_text(&volume_subtitle(&v)))
        .build();
    row.set_widget_name(&format!("volume:{}", v.name));
    let group = gio::SimpleActionGroup::new();
    row.insert_action_group("vol", Some(&group));
    row.add_prefix(&gtk::Image::from_icon_name(
        if v.format.as_deref() == Some("iso") || v.name.ends_with(".iso") {
            "media-optical-symbolic"
        } else {
            "drive-harddisk-symbolic"
        },
    ));
    let menu = gio::Menu::new();
    menu.append(Some(&gettext("_Resize…")), Some("vol.resize"));
    menu.append(Some(&gettext("_Clone or Convert…")), Some("vol.clone"));
    menu.append(Some(&gettext("Do_wnload…")), Some("vol.download"));
    menu.append(Some(&gettext("Backing C_hain")), Some("vol.chain"));
    menu.append(Some(&gettext("_Delete…")), Some("vol.delete"));
    row.add_suffix(&menu_button(
        &menu,
        &gettext("Actions for {name}").replace("{name}", &v.name),
    ));
    let v = Rc::new(v);
    {
        let (ctx, pool, v, w) = (ctx.clone(), pool.clone(), v.clone(), row.clone());
        action(&group, "resize", move || resize(&ctx, &pool, &v, &w));
    }
    {
        let (ctx, pool, v, w) = (ctx.clone(), pool.clone(), v.clone(), row.clone());
        action(&group, "clone", move || {
            clone_volume::open(&ctx, &pool, &v, &w)
        });
    }
    {
        let (ctx, pool, v, w) = (ctx.clone(), pool.clone(), v.clone(), row.clone());
        action(&group, "download", move || download(&ctx, &pool, &v, &w));
    }
    {
        let (ctx, pool, v, w) = (ctx.clone(), pool.clone(), v.clone(), row.clone());
        action(&group, "chain", move || {
            chain_dialog::open(&w, &ctx, pool.uuid(), v.name.clone())
        });
    }
    {
        let (ctx, pool, v, w) = (ctx.clone(), pool.clone(), v.clone(), row.clone());
        action(&group, "delete", move || delete_volume(&ctx, &pool, &v, &w));
    }
    // Only qcow2 images have backing chains.
    if let Some(a) = group.lookup_action("chain") {
        a.downcast::<gio::SimpleAction>()
            .unwrap()
            .set_enabled(v.format.as_deref() == Some("qcow2"));
    }
    row
}

pub(super) fn resize(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let (pool_uuid, name) = (pool.uuid(), v.name.clone());
    let (ctx2, pool2, name2) = (ctx.clone(), pool.clone(), v.name.clone());
    entry_dialog::open(
        w,
        ctx,
        "resize-volume",
        &gettext("Resize “{name}”").replace("{name}", &v.name),
        &gettext("_Resize"),
        &gettext("New size, e.g. 40G"),
        &format_bytes(v.capacity).replace(' ', ""),
        None,
        Rc::new(move |_| {
            let (pool_uuid, name) = (pool_uuid.clone(), name.clone());
            Box::new(move |conn: &virt::connect::Connect, text: &str| {
                volume_ops::resize(conn, &pool_uuid, &name, text)
            })
        }),
        move |bytes| {
            ctx2.toaster.show(
                gettext("“{name}” is now {size}")
                    .replace("{name}", &name2)
                    .replace("{size}", &format_bytes(bytes)),
            );
            load_volumes(&ctx2, pool2.clone());
        },
    );
}

pub(super) fn delete_volume(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let (ctx, pool2, name) = (ctx.clone(), pool.clone(), v.name.clone());
    crate::ui::networks::form::confirm(
        w,
        &gettext("Delete “{name}”?").replace("{name}", &v.name),
        &gettext("The volume and all its data are deleted. This cannot be undone."),
        &gettext("_Delete"),
        move || {
            let (uuid, n) = (pool2.uuid(), name.clone());
            let (ctx2, pool3) = (ctx.clone(), pool2.clone());
            ctx.act(
                move |conn| volume_ops::delete(conn, &uuid, &n),
                Some(gettext("Volume “{name}” deleted").replace("{name}", &name)),
                move || load_volumes(&ctx2, pool3),
            );
        },
    );
}
