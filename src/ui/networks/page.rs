//! The host's virtual networks: one expandable row each, with its state, forward
//! mode, addresses and DHCP range, an Active switch, a "Start with the host" switch,
//! and a menu for leases, the XML and deletion. Rows follow libvirt's events; the
//! details are read from each network's XML on the worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::create_dialog::{self};
use crate::core::model::NetworkSummary;
use crate::core::networks::details::NetworkDetails;
use crate::core::worker::ConnectionHandle;
use crate::ui::lifecycle_switch::show_state;
use crate::ui::toaster::Toaster;

use super::network_rows::*;
use crate::ui::panel::*;
#[derive(Clone)]
pub(super) struct NetworkRow {
    pub(super) row: adw::ExpanderRow,
    pub(super) active: gtk::Switch,
    pub(super) autostart: gtk::Switch,
    pub(super) forward: adw::ActionRow,
    pub(super) bridge: adw::ActionRow,
    pub(super) ipv4: adw::ActionRow,
    pub(super) dhcp: adw::ActionRow,
    pub(super) ipv6: adw::ActionRow,
    pub(super) persistent: adw::ActionRow,
    pub(super) summary: Rc<RefCell<NetworkSummary>>,
    pub(super) details: Rc<RefCell<Option<NetworkDetails>>>,
}

pub struct NetworksPage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    /// "New Network…", above the list and on the empty page.
    pub create_button: gtk::Button,
    ctx: PageCtx,
    rows: HashMap<String, NetworkRow>,
}

impl NetworksPage {
    pub fn new(toaster: Toaster) -> Self {
        let ctx = PageCtx::new(toaster);
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
        let create_button = labelled_button("list-add-symbolic", &gettext("_New Network…"));
        create_button.set_widget_name("new-network");
        let scroller = page_column(
            &toolbar(&gettext("Virtual Networks"), &[&create_button]),
            &list,
        );
        let empty_create = labelled_button("list-add-symbolic", &gettext("_New Network…"));
        empty_create.set_halign(gtk::Align::Center);
        empty_create.add_css_class("pill");
        let empty = adw::StatusPage::builder()
            .icon_name("network-workgroup-symbolic")
            .title(gettext("No Virtual Networks"))
            .child(&empty_create)
            .build();
        let root = crate::ui::page_stack::new_stack();
        root.add_named(&scroller, Some("list"));
        root.add_named(&empty, Some("empty"));
        for b in [&create_button, &empty_create] {
            let ctx = ctx.clone();
            b.connect_clicked(move |b| {
                if let Some(h) = ctx.handle() {
                    create_dialog::open(b, h, ctx.toaster.clone());
                }
            });
        }
        NetworksPage {
            root,
            list,
            create_button,
            ctx,
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
        self.ctx.generation.set(self.ctx.generation.get() + 1);
        self.ctx.handle.replace(handle.cloned());
        for n in networks {
            self.changed(n);
        }
        self.update_empty();
    }

    pub fn changed(&mut self, n: &NetworkSummary) {
        let (list, ctx) = (&self.list, &self.ctx);
        let entry = self
            .rows
            .entry(n.uuid.clone())
            .or_insert_with(|| new_row(list, ctx, n));
        entry.summary.replace(n.clone());
        let row = &entry.row;
        row.set_title(&gtk::glib::markup_escape_text(&n.name));
        row.set_widget_name(&n.name);
        name_header(row, &n.name);
        show_state(&entry.active, n.active);
        show_state(&entry.autostart, n.autostart);
        paint(entry);
        fetch_details(ctx, entry.clone());
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
