//! A boxed list of the host's virtual networks, one row each, updated per event.

use std::collections::HashMap;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::model::NetworkSummary;

pub struct NetworksPage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    rows: HashMap<String, adw::ActionRow>,
}

impl NetworksPage {
    pub fn new() -> Self {
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
            rows: HashMap::new(),
        }
    }

    /// Replaces every row (another host was selected, or it was listed again).
    pub fn show<'a>(&mut self, networks: impl Iterator<Item = &'a NetworkSummary>) {
        for row in self.rows.values() {
            self.list.remove(row);
        }
        self.rows.clear();
        for n in networks {
            self.changed(n);
        }
        self.update_empty();
    }

    pub fn changed(&mut self, n: &NetworkSummary) {
        let row = self.rows.entry(n.uuid.clone()).or_insert_with(|| {
            let row = adw::ActionRow::new();
            row.add_prefix(&gtk::Image::from_icon_name("network-wired-symbolic"));
            self.list.append(&row);
            row
        });
        row.set_title(&gtk::glib::markup_escape_text(&n.name));
        row.set_widget_name(&n.name);
        row.set_subtitle(&network_subtitle(n));
        self.list.invalidate_sort();
        self.update_empty();
    }

    pub fn removed(&mut self, uuid: &str) {
        if let Some(row) = self.rows.remove(uuid) {
            self.list.remove(&row);
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

impl Default for NetworksPage {
    fn default() -> Self {
        Self::new()
    }
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
    parts.join(" · ")
}
