//! A boxed list of the host's storage pools, each with a usage bar.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::model::PoolSummary;
use crate::core::worker::ConnectionHandle;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};
use crate::ui::toaster::Toaster;

struct PoolRow {
    row: adw::ActionRow,
    bar: gtk::LevelBar,
    active: gtk::Switch,
}

pub struct StoragePage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    /// The host shown, for the actions this page runs.
    handle: Rc<RefCell<Option<ConnectionHandle>>>,
    toaster: Toaster,
    rows: HashMap<String, PoolRow>,
}

impl StoragePage {
    pub fn new(toaster: Toaster) -> Self {
        let list = gtk::ListBox::builder()
            .selection_mode(gtk::SelectionMode::None)
            .valign(gtk::Align::Start)
            .build();
        list.add_css_class("boxed-list");
        list.update_property(&[gtk::accessible::Property::Label(&gettext("Storage pools"))]);
        list.set_sort_func(|a, b| a.widget_name().cmp(&b.widget_name()).into());
        let clamp = adw::Clamp::builder().child(&list).maximum_size(900).build();
        clamp.set_margin_top(18);
        clamp.set_margin_bottom(18);
        clamp.set_margin_start(12);
        clamp.set_margin_end(12);
        let scroller = gtk::ScrolledWindow::builder()
            .child(&clamp)
            .vexpand(true)
            .build();
        let empty = adw::StatusPage::builder()
            .icon_name("drive-harddisk-symbolic")
            .title(gettext("No Storage Pools"))
            .build();
        let root = gtk::Stack::new();
        root.add_named(&scroller, Some("list"));
        root.add_named(&empty, Some("empty"));
        StoragePage {
            root,
            list,
            handle: Rc::default(),
            toaster,
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
        self.handle.replace(handle.cloned());
        for p in pools {
            self.changed(p);
        }
        self.update_empty();
    }

    pub fn changed(&mut self, p: &PoolSummary) {
        let (list, handle, toaster) = (&self.list, &self.handle, &self.toaster);
        let entry = self.rows.entry(p.uuid.clone()).or_insert_with(|| {
            let row = adw::ActionRow::new();
            row.add_prefix(&gtk::Image::from_icon_name("drive-harddisk-symbolic"));
            let bar = gtk::LevelBar::builder()
                .min_value(0.0)
                .max_value(1.0)
                .width_request(160)
                .valign(gtk::Align::Center)
                .build();
            row.add_suffix(&bar);
            let active = lifecycle_switch(
                toaster.clone(),
                &gettext("Active: {name}").replace("{name}", &p.name),
                start_stop(handle.clone(), p.uuid.clone()),
            );
            row.add_suffix(&active);
            list.append(&row);
            PoolRow { row, bar, active }
        });
        entry.row.set_title(&gtk::glib::markup_escape_text(&p.name));
        entry.row.set_widget_name(&p.name);
        entry.row.set_subtitle(&pool_subtitle(p));
        let used = if p.capacity_bytes > 0 {
            p.allocation_bytes as f64 / p.capacity_bytes as f64
        } else {
            0.0
        };
        entry.bar.set_value(used.clamp(0.0, 1.0));
        entry.bar.set_visible(p.active);
        show_state(&entry.active, p.active);
        self.list.invalidate_sort();
        self.update_empty();
    }

    pub fn removed(&mut self, uuid: &str) {
        if let Some(r) = self.rows.remove(uuid) {
            self.list.remove(&r.row);
        }
        self.update_empty();
    }

    fn update_empty(&self) {
        self.root.set_visible_child_name(if self.rows.is_empty() {
            "empty"
        } else {
            "list"
        });
    }
}

/// `virsh pool-start` / `pool-destroy` on the worker.
fn start_stop(
    handle: Rc<RefCell<Option<ConnectionHandle>>>,
    uuid: String,
) -> Box<crate::ui::lifecycle_switch::Toggle> {
    Box::new(move |on, reply| {
        let Some(h) = handle.borrow().clone() else {
            return;
        };
        let uuid = uuid.clone();
        h.run(
            move |conn| {
                let pool = conn.lookup_storage_pool_by_uuid_string(&uuid)?;
                if on {
                    pool.create(0)?;
                } else {
                    pool.destroy()?;
                }
                Ok(())
            },
            reply,
        );
    })
}

fn pool_subtitle(p: &PoolSummary) -> String {
    if !p.active {
        return gettext("Inactive");
    }
    gettext("{used} used of {size}, {free} free")
        .replace("{used}", &gtk::glib::format_size(p.allocation_bytes))
        .replace("{size}", &gtk::glib::format_size(p.capacity_bytes))
        .replace("{free}", &gtk::glib::format_size(p.available_bytes))
}
