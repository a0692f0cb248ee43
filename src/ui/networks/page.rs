//! A boxed list of the host's virtual networks, one row each, updated per event.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::model::NetworkSummary;
use crate::core::worker::ConnectionHandle;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};
use crate::ui::toaster::Toaster;

struct NetworkRow {
    row: adw::ActionRow,
    active: gtk::Switch,
}

pub struct NetworksPage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    /// The host shown, for the actions this page runs.
    handle: Rc<RefCell<Option<ConnectionHandle>>>,
    toaster: Toaster,
    rows: HashMap<String, NetworkRow>,
}

impl NetworksPage {
    pub fn new(toaster: Toaster) -> Self {
        let list = gtk::ListBox::builder()
            .selection_mode(gtk::SelectionMode::None)
            .valign(gtk::Align::Start)
            .build();
        list.add_css_class("boxed-list");
        list.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Virtual networks",
        ))]);
        list.set_sort_func(|a, b| {
            let name = |r: &gtk::ListBoxRow| r.widget_name().to_string();
            name(a).cmp(&name(b)).into()
        });
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
            .icon_name("network-workgroup-symbolic")
            .title(gettext("No Virtual Networks"))
            .build();
        let root = gtk::Stack::new();
        root.add_named(&scroller, Some("list"));
        root.add_named(&empty, Some("empty"));
        NetworksPage {
            root,
            list,
            handle: Rc::default(),
            toaster,
            rows: HashMap::new(),
        }
    }

    /// Replaces every row (another host was selected, or it was listed again).
    pub fn show<'a>(
        &mut self,
        handle: Option<&ConnectionHandle>,
        networks: impl Iterator<Item = &'a NetworkSummary>,
    ) {
        for r in self.rows.values() {
            self.list.remove(&r.row);
        }
        self.rows.clear();
        self.handle.replace(handle.cloned());
        for n in networks {
            self.changed(n);
        }
        self.update_empty();
    }

    pub fn changed(&mut self, n: &NetworkSummary) {
        let (list, handle, toaster) = (&self.list, &self.handle, &self.toaster);
        let entry = self.rows.entry(n.uuid.clone()).or_insert_with(|| {
            let row = adw::ActionRow::new();
            row.add_prefix(&gtk::Image::from_icon_name("network-wired-symbolic"));
            let active = lifecycle_switch(
                toaster.clone(),
                &gettext("Active: {name}").replace("{name}", &n.name),
                start_stop(handle.clone(), n.uuid.clone()),
            );
            row.add_suffix(&active);
            list.append(&row);
            NetworkRow { row, active }
        });
        let row = &entry.row;
        row.set_title(&gtk::glib::markup_escape_text(&n.name));
        row.set_widget_name(&n.name);
        row.set_subtitle(&network_subtitle(n));
        show_state(&entry.active, n.active);
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

/// `virsh net-start` / `net-destroy` on the worker.
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
                let net = conn.lookup_network_by_uuid_string(&uuid)?;
                if on {
                    net.create()?;
                } else {
                    net.destroy()?;
                }
                Ok(())
            },
            reply,
        );
    })
}

fn network_subtitle(n: &NetworkSummary) -> String {
    let mut parts = vec![if n.active {
        gettext("Active")
    } else {
        gettext("Inactive")
    }];
    if n.autostart {
        parts.push(gettext("starts with the host"));
    }
    if !n.persistent {
        parts.push(gettext("transient"));
    }
    if !n.bridge.is_empty() {
        parts.push(gettext("bridge {name}").replace("{name}", &n.bridge));
    }
    if parts.is_empty() {
        parts.push(if n.active {
            gettext("Active")
        } else {
            gettext("Inactive")
        });
    }
    parts.join(" · ")
}
