//! The host's storage pools: one expandable row each with its type, state, a usage
//! bar, an Active switch and a menu (build, refresh, new volume, upload, delete).
//! Expanded, a pool lists its volumes (read on the worker when first shown, again on
//! the pool's refresh event and after each of our own volume operations), each with
//! a menu to resize, clone, download, show the backing chain or delete it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use super::progress::{report_to_main, Progress};
use super::{chain_dialog, entry_dialog, pool_dialog, volume_dialog};
use crate::core::error::UserError;
use crate::core::model::PoolSummary;
use crate::core::storage::pools::{self, PoolDetails};
use crate::core::storage::size::format_bytes;
use crate::core::storage::transfer::{self, CancelFlag, TransferEvent};
use crate::core::storage::volume_ops::{self, CreateError};
use crate::core::storage::volumes::{self, VolumeInfo};
use crate::core::worker::ConnectionHandle;
use crate::core::xml::VolumeFormat;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};
use crate::ui::networks::form::{icon_button, info_row, menu_button};
use crate::ui::networks::page::{labelled_button, name_header, page_column, toolbar, PageCtx};
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

#[derive(Clone)]
struct PoolRow {
    row: adw::ExpanderRow,
    bar: gtk::LevelBar,
    active: gtk::Switch,
    autostart: gtk::Switch,
    info: adw::ActionRow,
    usage: adw::ActionRow,
    empty: adw::ActionRow,
    volume_rows: Rc<RefCell<Vec<adw::ActionRow>>>,
    /// Volumes have been listed at least once (so events re-list them).
    loaded: Rc<Cell<bool>>,
    summary: Rc<RefCell<PoolSummary>>,
    details: Rc<RefCell<Option<PoolDetails>>>,
}

impl PoolRow {
    fn uuid(&self) -> String {
        self.summary.borrow().uuid.clone()
    }

    fn name(&self) -> String {
        self.summary.borrow().name.clone()
    }
}

pub struct StoragePage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    /// "New Pool…", above the list and on the empty page.
    pub create_button: gtk::Button,
    ctx: PageCtx,
    rows: HashMap<String, PoolRow>,
}

impl StoragePage {
    pub fn new(toaster: Toaster) -> Self {
        let ctx = PageCtx::new(toaster);
        let list = gtk::ListBox::builder()
            .selection_mode(gtk::SelectionMode::None)
            .valign(gtk::Align::Start)
            .build();
        list.add_css_class("boxed-list");
        list.update_property(&[gtk::accessible::Property::Label(&gettext("Storage pools"))]);
        list.set_sort_func(|a, b| a.widget_name().cmp(&b.widget_name()).into());
        let create_button = labelled_button("list-add-symbolic", &gettext("_New Pool…"));
        create_button.set_widget_name("new-pool");
        let scroller = page_column(
            &toolbar(&gettext("Storage Pools"), &[&create_button]),
            &list,
        );
        let empty_create = labelled_button("list-add-symbolic", &gettext("_New Pool…"));
        empty_create.set_halign(gtk::Align::Center);
        empty_create.add_css_class("pill");
        let empty = adw::StatusPage::builder()
            .icon_name("drive-harddisk-symbolic")
            .title(gettext("No Storage Pools"))
            .child(&empty_create)
            .build();
        let root = gtk::Stack::new();
        root.add_named(&scroller, Some("list"));
        root.add_named(&empty, Some("empty"));
        for b in [&create_button, &empty_create] {
            let ctx = ctx.clone();
            b.connect_clicked(move |b| {
                if ctx.handle().is_some() {
                    pool_dialog::open(b, &ctx);
                }
            });
        }
        StoragePage {
            root,
            list,
            create_button,
            ctx,
            rows: HashMap::new(),
        }
    }

    pub fn show<'a>(
        &mut self,
        handle: Option<&ConnectionHandle>,
        pools: impl Iterator<Item = &'a PoolSummary>,
    ) {
        for r in self.rows.values() {
            self.list.remove(&r.row);
        }
        self.rows.clear();
        self.ctx.generation.set(self.ctx.generation.get() + 1);
        self.ctx.handle.replace(handle.cloned());
        for p in pools {
            self.changed(p);
        }
        self.update_empty();
    }

    /// A pool changed (lifecycle or refresh event): its row, and its volumes if shown.
    pub fn changed(&mut self, p: &PoolSummary) {
        let (list, ctx) = (&self.list, &self.ctx);
        let entry = self
            .rows
            .entry(p.uuid.clone())
            .or_insert_with(|| new_row(list, ctx, p));
        entry.summary.replace(p.clone());
        entry.row.set_title(&gtk::glib::markup_escape_text(&p.name));
        entry.row.set_widget_name(&p.name);
        name_header(&entry.row, &p.name);
        show_state(&entry.active, p.active);
        show_state(&entry.autostart, p.autostart);
        paint(entry);
        fetch_details(ctx, entry.clone());
        if entry.loaded.get() || entry.row.is_expanded() {
            load_volumes(ctx, entry.clone());
        }
        self.list.invalidate_sort();
        self.update_empty();
    }

    pub fn removed(&mut self, uuid: &str) {
        if let Some(r) = self.rows.remove(uuid) {
            self.list.remove(&r.row);
        }
        self.update_empty();
    }

    /// Uploads `path` into the pool, as "Upload File…" does after its file chooser:
    /// asks for the volume's name (the file's by default), then shows the progress.
    pub fn upload_path(&self, pool_uuid: &str, path: PathBuf) {
        if let Some(r) = self.rows.get(pool_uuid) {
            upload_file(&self.ctx, r, path);
        }
    }

    /// Downloads a volume to `dest`, as "Download…" does after its file chooser.
    pub fn download_path(&self, pool_uuid: &str, volume: &str, dest: PathBuf) {
        if let Some(r) = self.rows.get(pool_uuid) {
            download_to(&self.ctx, r, volume, dest, &r.empty);
        }
    }

    /// Lists the pool's volumes now (tests, and after changes libvirt sends no event for).
    pub fn reload_volumes(&self, pool_uuid: &str) {
        if let Some(r) = self.rows.get(pool_uuid) {
            load_volumes(&self.ctx, r.clone());
        }
    }

    fn update_empty(&self) {
        self.root.set_visible_child_name(if self.rows.is_empty() {
            "empty"
        } else {
            "list"
        });
    }
}

fn new_row(list: &gtk::ListBox, ctx: &PageCtx, p: &PoolSummary) -> PoolRow {
    let row = adw::ExpanderRow::new();
    // The group goes on before any child exists: GTK 4.8 does not tell children that
    // already look up actions about a group inserted above them later.
    let actions = gio::SimpleActionGroup::new();
    row.insert_action_group("pool", Some(&actions));
    row.add_prefix(&gtk::Image::from_icon_name("drive-harddisk-symbolic"));
    let active = lifecycle_switch(
        ctx.toaster.clone(),
        &gettext("Active: {name}").replace("{name}", &p.name),
        {
            let ctx = ctx.clone();
            let uuid = p.uuid.clone();
            Box::new(move |on, reply| {
                let Some(h) = ctx.handle() else { return };
                let uuid = uuid.clone();
                h.run(
                    move |conn| {
                        if on {
                            pools::start(conn, &uuid)
                        } else {
                            pools::stop(conn, &uuid)
                        }
                    },
                    reply,
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

fn connect_autostart(ctx: &PageCtx, r: &PoolRow) {
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

fn action(group: &gio::SimpleActionGroup, name: &str, f: impl Fn() + 'static) {
    let a = gio::SimpleAction::new(name, None);
    a.connect_activate(move |_, _| f());
    group.add_action(&a);
}

fn install_pool_actions(ctx: &PageCtx, r: &PoolRow, group: &gio::SimpleActionGroup) {
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
            ctx.act(
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
            ctx.act(
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

fn delete_pool(ctx: &PageCtx, row: &PoolRow) {
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
    let (ctx, uuid) = (ctx.clone(), row.uuid());
    dialog.connect_response(None, move |_, response| {
        if response == "cancel" {
            return;
        }
        let wipe = response == "wipe";
        let (uuid, name) = (uuid.clone(), name.clone());
        ctx.act(
            move |conn| pools::delete(conn, &uuid, wipe),
            Some(gettext("Pool “{name}” deleted").replace("{name}", &name)),
            || {},
        );
    });
    dialog.present();
}

fn fetch_details(ctx: &PageCtx, row: PoolRow) {
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

fn paint(r: &PoolRow) {
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

fn load_volumes(ctx: &PageCtx, row: PoolRow) {
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

fn volume_subtitle(v: &VolumeInfo) -> String {
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
        second.push(gettext("used by {machines}").replace("{machines}", &v.used_by.join(", ")));
    }
    if let Some(b) = &v.backing {
        second.push(gettext("backed by {volume}").replace("{volume}", b.label()));
    }
    if !v.backs.is_empty() {
        let names: Vec<&str> = v.backs.iter().map(|b| b.label()).collect();
        second.push(gettext("backs {volumes}").replace("{volumes}", &names.join(", ")));
    }
    let mut text = first.join(" · ");
    if !second.is_empty() {
        text.push('\n');
        text.push_str(&second.join(" · "));
    }
    text
}

fn volume_row(ctx: &PageCtx, pool: &PoolRow, v: VolumeInfo) -> adw::ActionRow {
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
        action(&group, "clone", move || clone(&ctx, &pool, &v, &w));
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

fn resize(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
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

fn copy_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}-copy.{ext}"),
        _ => format!("{name}-copy"),
    }
}

/// The clone dialog's format choice: keep the source's, or convert.
fn clone_format(choice: u32) -> Option<VolumeFormat> {
    match choice {
        1 => Some(VolumeFormat::Qcow2),
        2 => Some(VolumeFormat::Raw),
        _ => None,
    }
}

fn clone(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let formats = [
        gettext("As the source ({format})")
            .replace("{format}", v.format.as_deref().unwrap_or("raw")),
        "qcow2".to_string(),
        "raw".to_string(),
    ];
    let (pool_uuid, source) = (pool.uuid(), v.name.clone());
    let (ctx2, pool2, source2, w2) = (ctx.clone(), pool.clone(), v.name.clone(), w.clone());
    entry_dialog::open(
        w,
        ctx,
        "clone-volume",
        &gettext("Clone “{name}”").replace("{name}", &v.name),
        &gettext("_Clone"),
        &gettext("Name of the copy"),
        &copy_name(&v.name),
        Some((&gettext("Format of the copy"), &formats)),
        Rc::new(move |choice| {
            let (pool_uuid, source) = (pool_uuid.clone(), source.clone());
            let format = clone_format(choice);
            Box::new(move |conn: &virt::connect::Connect, text: &str| {
                volume_ops::check_clone(conn, &pool_uuid, &source, text).map(|name| (name, format))
            })
        }),
        move |(new_name, format): (String, Option<VolumeFormat>)| {
            run_clone(&ctx2, &pool2, &source2, new_name, format, &w2)
        },
    );
}

/// The copy runs on a thread of its own with its own reference on the connection,
/// so the host's other work goes on meanwhile; the bar pulses (libvirt reports no
/// progress for a clone).
fn run_clone(
    ctx: &PageCtx,
    pool: &PoolRow,
    source: &str,
    new_name: String,
    format: Option<VolumeFormat>,
    w: &adw::ActionRow,
) {
    let progress = Progress::open(
        w,
        &gettext("Cloning"),
        &gettext("Copying “{source}” to “{name}”")
            .replace("{source}", source)
            .replace("{name}", &new_name),
        None,
    );
    let (ctx2, pool2, name2) = (ctx.clone(), pool.clone(), new_name.clone());
    let done = on_main(move |r: Result<(), CreateError>| {
        progress.finish();
        match r {
            Ok(()) => ctx2
                .toaster
                .show(gettext("Volume “{name}” cloned").replace("{name}", &name2)),
            Err(CreateError::Fields(f)) => ctx2.toaster.show(
                f.into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(CreateError::Libvirt(e)) => ctx2.toaster.show(e.message),
        }
        load_volumes(&ctx2, pool2);
    });
    let (pool_uuid, source) = (pool.uuid(), source.to_string());
    let Some(h) = ctx.handle() else { return };
    h.run(
        move |conn| {
            let conn = conn.clone();
            std::thread::Builder::new()
                .name("hangar-clone".into())
                .spawn(move || {
                    done(volume_ops::clone(
                        &conn, &pool_uuid, &source, &new_name, format,
                    ))
                })
                .map(|_| ())
                .map_err(|e| UserError::new(crate::core::error::ErrorKind::Other, e.to_string()))
        },
        |_| {},
    );
}

fn delete_volume(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
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

/// What a transfer's window shows, whichever arrives first: the window (once the
/// transfer started) or the end (a tiny file may finish before the window opens).
#[derive(Default)]
struct TransferUi {
    progress: Option<Rc<Progress>>,
    ended: bool,
}

fn transfer_report(
    ctx: &PageCtx,
    pool: &PoolRow,
    state: Rc<RefCell<TransferUi>>,
    done_text: String,
) -> transfer::Report {
    let (ctx, pool) = (ctx.clone(), pool.clone());
    report_to_main(move |ev| {
        if let TransferEvent::Progress { done, total } = ev {
            if let Some(p) = &state.borrow().progress {
                p.update(done, total);
            }
            return;
        }
        let mut s = state.borrow_mut();
        s.ended = true;
        if let Some(p) = s.progress.take() {
            p.finish();
        }
        match ev {
            TransferEvent::Done => ctx.toaster.show(done_text.clone()),
            TransferEvent::Cancelled => ctx.toaster.show(gettext("Cancelled; nothing was kept")),
            TransferEvent::Failed(e) => ctx.toaster.show(e.message),
            TransferEvent::Progress { .. } => {}
        }
        load_volumes(&ctx, pool.clone());
    })
}

fn start_progress(
    w: &impl IsA<gtk::Widget>,
    state: &Rc<RefCell<TransferUi>>,
    title: &str,
    what: &str,
    cancel: CancelFlag,
) {
    if state.borrow().ended {
        return;
    }
    let p = Progress::open(w, title, what, Some(cancel));
    state.borrow_mut().progress = Some(p);
}

fn choose_file(
    w: &impl IsA<gtk::Widget>,
    title: &str,
    action: gtk::FileChooserAction,
    suggested: Option<&str>,
    chosen: impl Fn(PathBuf) + 'static,
) {
    let window = w.as_ref().root().and_downcast::<gtk::Window>();
    let accept = if action == gtk::FileChooserAction::Save {
        gettext("_Save")
    } else {
        gettext("_Open")
    };
    let chooser = gtk::FileChooserNative::new(
        Some(title),
        window.as_ref(),
        action,
        Some(&accept),
        Some(&gettext("_Cancel")),
    );
    chooser.set_modal(true);
    if let Some(name) = suggested {
        chooser.set_current_name(name);
    }
    let keep = RefCell::new(Some(chooser.clone()));
    chooser.connect_response(move |c, response| {
        if response == gtk::ResponseType::Accept {
            if let Some(path) = c.file().and_then(|f| f.path()) {
                chosen(path);
            }
        }
        keep.borrow_mut().take();
    });
    chooser.show();
}

fn upload(ctx: &PageCtx, pool: &PoolRow) {
    let (ctx, pool) = (ctx.clone(), pool.clone());
    let w = pool.row.clone();
    choose_file(
        &w,
        &gettext("Upload a File into “{pool}”").replace("{pool}", &pool.name()),
        gtk::FileChooserAction::Open,
        None,
        move |path| upload_file(&ctx, &pool, path),
    );
}

fn upload_file(ctx: &PageCtx, pool: &PoolRow, path: PathBuf) {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let state: Rc<RefCell<TransferUi>> = Rc::default();
    let cancel = CancelFlag::default();
    let (ctx2, pool2, path2, state2, cancel2) = (
        ctx.clone(),
        pool.clone(),
        path.clone(),
        state.clone(),
        cancel.clone(),
    );
    let w = pool.row.clone();
    let w2 = w.clone();
    let pool_uuid = pool.uuid();
    let title = gettext("Upload “{file}”").replace("{file}", &file_name);
    let initial = file_name.clone();
    entry_dialog::open(
        &w,
        ctx,
        "upload-volume",
        &title,
        &gettext("_Upload"),
        &gettext("Name of the new volume"),
        &initial,
        None,
        Rc::new(move |_| {
            let (pool_uuid, path) = (pool_uuid.clone(), path2.clone());
            let (cancel, state) = (cancel2.clone(), state2.clone());
            let report = RefCell::new(None);
            // The report is made here, on the GTK thread, and handed to the worker.
            let done_text = gettext("Uploaded");
            report.replace(Some(transfer_report(&ctx2, &pool2, state, done_text)));
            let report = std::sync::Mutex::new(report.into_inner());
            Box::new(move |conn: &virt::connect::Connect, text: &str| {
                let report = report
                    .lock()
                    .unwrap()
                    .take()
                    .unwrap_or_else(|| Box::new(|_| {}));
                transfer::start_upload(conn, &pool_uuid, text, &path, cancel.clone(), report)
                    .map(|()| text.trim().to_string())
            })
        }),
        move |name: String| {
            start_progress(
                &w2,
                &state,
                &gettext("Uploading"),
                &gettext("Uploading “{file}” as “{name}”")
                    .replace("{file}", &file_name)
                    .replace("{name}", &name),
                cancel.clone(),
            )
        },
    );
}

fn download(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let (ctx, pool, name, w2) = (ctx.clone(), pool.clone(), v.name.clone(), w.clone());
    choose_file(
        w,
        &gettext("Download “{name}”").replace("{name}", &v.name),
        gtk::FileChooserAction::Save,
        Some(&v.name),
        move |dest| download_to(&ctx, &pool, &name, dest, &w2),
    );
}

fn download_to(ctx: &PageCtx, pool: &PoolRow, name: &str, dest: PathBuf, w: &adw::ActionRow) {
    // The chooser already asked before replacing an existing file.
    if dest.exists() {
        if let Err(e) = std::fs::remove_file(&dest) {
            ctx.toaster.show(e.to_string());
            return;
        }
    }
    let state: Rc<RefCell<TransferUi>> = Rc::default();
    let cancel = CancelFlag::default();
    let report = transfer_report(
        ctx,
        pool,
        state.clone(),
        gettext("Saved to {path}").replace("{path}", &dest.display().to_string()),
    );
    let (pool_uuid, vol, dest2, cancel2) =
        (pool.uuid(), name.to_string(), dest.clone(), cancel.clone());
    let (w, toaster) = (w.clone(), ctx.toaster.clone());
    let what = gettext("Downloading “{name}” to {path}")
        .replace("{name}", name)
        .replace("{path}", &dest.display().to_string());
    ctx.run(
        move |conn| transfer::start_download(conn, &pool_uuid, &vol, &dest2, cancel2, report),
        move |r| match r {
            Ok(()) => start_progress(&w, &state, &gettext("Downloading"), &what, cancel),
            Err(e) => toaster.show(e.message),
        },
    );
}
