//! The host's virtual networks: one expandable row each, with its state, forward
//! mode, addresses and DHCP range, an Active switch, a "Start with the host" switch,
//! and a menu for leases, the XML and deletion. Rows follow libvirt's events; the
//! details are read from each network's XML on the worker.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use super::create_dialog::{self, mode_label};
use super::form::{confirm, info_row, menu_button};
use super::{leases_dialog, xml_editor};
use crate::core::error::UserError;
use crate::core::model::NetworkSummary;
use crate::core::networks::details::{self, NetworkDetails};
use crate::core::networks::ops;
use crate::core::worker::ConnectionHandle;
use crate::ui::lifecycle_switch::{lifecycle_switch, show_state};
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// What every row's actions need: the host shown and where to report.
#[derive(Clone)]
pub struct PageCtx {
    pub handle: Rc<RefCell<Option<ConnectionHandle>>>,
    pub toaster: Toaster,
    /// Bumped when another host is shown, so late answers for the old one are dropped.
    pub generation: Rc<Cell<u64>>,
}

impl PageCtx {
    pub fn new(toaster: Toaster) -> Self {
        PageCtx {
            handle: Rc::default(),
            toaster,
            generation: Rc::default(),
        }
    }

    pub fn handle(&self) -> Option<ConnectionHandle> {
        self.handle.borrow().clone()
    }

    /// Runs `job` on the worker and `done` on the GTK thread, unless the page has
    /// moved on to another host meanwhile.
    pub fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce(&virt::connect::Connect) -> Result<R, UserError> + Send + 'static,
        done: impl FnOnce(Result<R, UserError>) + 'static,
    ) {
        let Some(h) = self.handle() else { return };
        let generation = self.generation.clone();
        let now = generation.get();
        h.run(
            job,
            on_main(move |r| {
                if generation.get() == now {
                    done(r);
                }
            }),
        );
    }

    /// Runs an action and toasts its failure (or `ok_text` on success).
    pub fn act(
        &self,
        job: impl FnOnce(&virt::connect::Connect) -> Result<(), UserError> + Send + 'static,
        ok_text: Option<String>,
        then: impl FnOnce() + 'static,
    ) {
        let toaster = self.toaster.clone();
        self.run(job, move |r| {
            match r {
                Ok(()) => {
                    if let Some(t) = ok_text {
                        toaster.show(t);
                    }
                }
                Err(e) => toaster.show(e.message),
            }
            then();
        });
    }
}

#[derive(Clone)]
struct NetworkRow {
    row: adw::ExpanderRow,
    active: gtk::Switch,
    autostart: gtk::Switch,
    forward: adw::ActionRow,
    bridge: adw::ActionRow,
    ipv4: adw::ActionRow,
    dhcp: adw::ActionRow,
    ipv6: adw::ActionRow,
    persistent: adw::ActionRow,
    summary: Rc<RefCell<NetworkSummary>>,
    details: Rc<RefCell<Option<NetworkDetails>>>,
}

pub struct NetworksPage {
    pub root: gtk::Stack,
    list: gtk::ListBox,
    /// "New Network…", above the list and on the empty page.
    pub create_button: gtk::Button,
    ctx: PageCtx,
    rows: HashMap<String, NetworkRow>,
}

/// A button with an icon and a label.
pub fn labelled_button(icon: &str, label: &str) -> gtk::Button {
    gtk::Button::builder()
        .child(
            &adw::ButtonContent::builder()
                .icon_name(icon)
                .label(label)
                .use_underline(true)
                .build(),
        )
        .build()
}

/// The bar above a page's list: a heading and the page's main button.
pub fn toolbar(heading: &str, buttons: &[&gtk::Button]) -> gtk::Box {
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    let title = gtk::Label::builder()
        .label(heading)
        .xalign(0.0)
        .hexpand(true)
        .build();
    title.add_css_class("title-4");
    bar.append(&title);
    for b in buttons {
        bar.append(*b);
    }
    bar
}

/// A scrolled, clamped column holding `bar` and `list`.
pub fn page_column(bar: &gtk::Box, list: &gtk::ListBox) -> gtk::ScrolledWindow {
    let column = gtk::Box::new(gtk::Orientation::Vertical, 12);
    column.append(bar);
    column.append(list);
    let clamp = adw::Clamp::builder()
        .child(&column)
        .maximum_size(960)
        .build();
    clamp.set_margin_top(18);
    clamp.set_margin_bottom(18);
    clamp.set_margin_start(12);
    clamp.set_margin_end(12);
    gtk::ScrolledWindow::builder()
        .child(&clamp)
        .vexpand(true)
        .hscrollbar_policy(gtk::PolicyType::Never)
        .build()
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
        let root = gtk::Stack::new();
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

/// Names the expander's own header row too, so it can be found like a plain row.
pub fn name_header(row: &adw::ExpanderRow, name: &str) {
    if let Some(header) = find_action_row(row.upcast_ref()) {
        header.set_widget_name(name);
    }
}

fn find_action_row(w: &gtk::Widget) -> Option<adw::ActionRow> {
    let mut child = w.first_child();
    while let Some(c) = child {
        if let Some(r) = c.downcast_ref::<adw::ActionRow>() {
            return Some(r.clone());
        }
        if let Some(found) = find_action_row(&c) {
            return Some(found);
        }
        child = c.next_sibling();
    }
    None
}

fn new_row(list: &gtk::ListBox, ctx: &PageCtx, n: &NetworkSummary) -> NetworkRow {
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
fn connect_autostart(ctx: &PageCtx, r: &NetworkRow) {
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

fn install_actions(ctx: &PageCtx, r: &NetworkRow, group: &gio::SimpleActionGroup) {
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

fn fetch_details(ctx: &PageCtx, row: NetworkRow) {
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

fn none() -> String {
    gettext("None")
}

/// Writes the row's texts from what is known.
fn paint(r: &NetworkRow) {
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
