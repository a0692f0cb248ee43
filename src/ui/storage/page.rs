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

use super::pool_dialog;
use crate::core::model::PoolSummary;
use crate::core::storage::pools::PoolDetails;
use crate::core::worker::ConnectionHandle;
use crate::ui::lifecycle_switch::show_state;
use crate::ui::panel::{labelled_button, name_header, page_column, toolbar, PageCtx};
use crate::ui::toaster::Toaster;

use super::pool_rows::*;
use super::transfers::*;
use super::volume_rows::*;
#[derive(Clone)]
pub(super) struct PoolRow {
    pub(super) row: adw::ExpanderRow,
    pub(super) bar: gtk::LevelBar,
    pub(super) active: gtk::Switch,
    pub(super) autostart: gtk::Switch,
    pub(super) info: adw::ActionRow,
    pub(super) usage: adw::ActionRow,
    pub(super) empty: adw::ActionRow,
    pub(super) volume_rows: Rc<RefCell<Vec<adw::ActionRow>>>,
    /// Volumes have been listed at least once (so events re-list them).
    pub(super) loaded: Rc<Cell<bool>>,
    pub(super) summary: Rc<RefCell<PoolSummary>>,
    pub(super) details: Rc<RefCell<Option<PoolDetails>>>,
    /// Pulses on the row while a start, stop, build, refresh or delete runs.
    pub(super) busy: crate::ui::progress::Pulse,
}

impl PoolRow {
    pub(super) fn uuid(&self) -> String {
        self.summary.borrow().uuid.clone()
    }

    pub(super) fn name(&self) -> String {
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
        let root = crate::ui::page_stack::new_stack();
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
