//! The machines table: a `gtk::ColumnView`, which recycles row widgets, so a host
//! with thousands of domains costs only the rows on screen.

use gettextrs::gettext;
use gtk::prelude::*;
use gtk::{gio, glib};

use super::domain_object::DomainObject;

/// Cloning shares the same widgets and models.
#[derive(Clone)]
pub struct MachineList {
    pub view: gtk::ColumnView,
    pub selection: gtk::MultiSelection,
    filtered: gtk::FilterListModel,
    filter: gtk::CustomFilter,
    query: std::rc::Rc<std::cell::RefCell<String>>,
    /// UUIDs of the rows the view has bound, i.e. the ones on screen (a recycling
    /// view binds only those, plus a few for scrolling).
    on_screen: std::rc::Rc<std::cell::RefCell<std::collections::HashSet<String>>>,
}

impl Default for MachineList {
    fn default() -> Self {
        Self::new()
    }
}

impl MachineList {
    pub fn new() -> Self {
        // store → filter (search) → sort (column headers) → selection.
        let query: std::rc::Rc<std::cell::RefCell<String>> = std::rc::Rc::default();
        let filter = {
            let query = query.clone();
            gtk::CustomFilter::new(move |obj| {
                let q = query.borrow();
                q.is_empty()
                    || obj
                        .downcast_ref::<DomainObject>()
                        .is_some_and(|d| matches(d, &q))
            })
        };
        let filtered = gtk::FilterListModel::new(None::<gio::ListStore>, Some(filter.clone()));
        // Filtering thousands of rows happens in chunks, without blocking the window.
        filtered.set_incremental(false);
        let sorted = gtk::SortListModel::new(Some(filtered.clone()), None::<gtk::Sorter>);
        let selection = gtk::MultiSelection::new(Some(sorted.clone()));
        let view = gtk::ColumnView::builder()
            .model(&selection)
            .show_row_separators(false)
            .reorderable(false)
            .hexpand(true)
            .vexpand(true)
            .build();
        view.add_css_class("data-table");
        view.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Virtual machines",
        ))]);

        let name = text_column(&gettext("Name"), "display-name", true);
        name.set_sorter(Some(&name_sorter()));
        name.set_expand(true);
        view.append_column(&name);

        let state = state_column();
        state.set_sorter(Some(&string_sorter("state-label")));
        view.append_column(&state);

        let vcpus = text_column(&gettext("vCPUs"), "vcpus", false);
        vcpus.set_sorter(Some(&numeric_sorter("vcpus")));
        view.append_column(&vcpus);

        let on_screen: std::rc::Rc<std::cell::RefCell<std::collections::HashSet<String>>> =
            std::rc::Rc::default();
        let cpu = cpu_column(on_screen.clone());
        cpu.set_sorter(Some(&numeric_sorter("cpu-percent")));
        view.append_column(&cpu);

        let memory = text_column(&gettext("Memory"), "memory-label", false);
        memory.set_sorter(Some(&numeric_sorter("memory-kib")));
        view.append_column(&memory);

        sorted.set_sorter(view.sorter().as_ref());
        view.sort_by_column(Some(&name), gtk::SortType::Ascending);
        MachineList {
            view,
            selection,
            filtered,
            filter,
            query,
            on_screen,
        }
    }

    /// Shows another host's machines. The selection is cleared by the model swap.
    pub fn show(&self, store: Option<&gio::ListStore>) {
        self.filtered.set_model(store);
    }

    /// Shows only machines whose name, title, state or template mark contains `text`
    /// (case-insensitive, any script: "WEB" finds "web-01", "运行" finds machines
    /// shown as running, "模板" the templates).
    pub fn set_query(&self, text: &str) {
        let text = text.trim().to_lowercase();
        if *self.query.borrow() == text {
            return;
        }
        let narrower = text.contains(self.query.borrow().as_str());
        self.query.replace(text);
        self.filter.changed(if narrower {
            gtk::FilterChange::MoreStrict
        } else {
            gtk::FilterChange::Different
        });
    }

    /// Titles and template marks arrived after the listing: a search typed before
    /// them must look again.
    pub fn labels_changed(&self) {
        if !self.query.borrow().is_empty() {
            self.filter.changed(gtk::FilterChange::Different);
        }
    }

    /// The UUIDs of the rows on screen: where a driver has no bulk statistics, only
    /// these are sampled one by one.
    pub fn on_screen(&self) -> Vec<String> {
        self.on_screen.borrow().iter().cloned().collect()
    }

    /// How many rows the search lets through.
    pub fn visible_count(&self) -> u32 {
        self.selection.n_items()
    }

    /// The selected rows, in display order.
    pub fn selected(&self) -> Vec<DomainObject> {
        let bits = self.selection.selection();
        let mut out = Vec::with_capacity(bits.size() as usize);
        if let Some((iter, first)) = gtk::BitsetIter::init_first(&bits) {
            for pos in std::iter::once(first).chain(iter) {
                if let Some(obj) = self.selection.item(pos).and_downcast::<DomainObject>() {
                    out.push(obj);
                }
            }
        }
        out
    }

    /// Selects the row of the machine called `name`; used by keyboard navigation
    /// helpers and tests.
    pub fn select_by_name(&self, name: &str) -> bool {
        for pos in 0..self.selection.n_items() {
            if let Some(obj) = self.selection.item(pos).and_downcast::<DomainObject>() {
                if obj.name() == name {
                    self.selection.select_item(pos, true);
                    return true;
                }
            }
        }
        false
    }
}

/// The search rule: every word of the query must appear in the name (as shown, so
/// with the template mark), the title or the state.
fn matches(d: &DomainObject, query: &str) -> bool {
    let haystack = format!("{} {} {}", d.display_name(), d.title(), d.state_label()).to_lowercase();
    query.split_whitespace().all(|word| haystack.contains(word))
}

fn bind_property(
    item: &gtk::ListItem,
    property: &str,
    target: &impl IsA<glib::Object>,
    target_prop: &str,
) {
    item.property_expression("item")
        .chain_property::<DomainObject>(property)
        .bind(target, target_prop, gtk::Widget::NONE);
}

/// Rows of a disconnected host stay visible, but greyed.
fn bind_online(item: &gtk::ListItem, widget: &gtk::Widget) {
    bind_property(item, "online", widget, "sensitive");
}

fn text_column(title: &str, property: &'static str, is_name: bool) -> gtk::ColumnViewColumn {
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(move |_, item| {
        let item = item.downcast_ref::<gtk::ListItem>().expect("a ListItem");
        let label = gtk::Label::builder()
            .xalign(0.0)
            .margin_top(8)
            .margin_bottom(8)
            .build();
        if is_name {
            label.set_ellipsize(gtk::pango::EllipsizeMode::End);
            label.add_css_class("heading");
        } else {
            label.add_css_class("numeric");
        }
        bind_property(item, property, &label, "label");
        bind_online(item, label.upcast_ref());
        item.set_child(Some(&label));
    });
    gtk::ColumnViewColumn::builder()
        .title(title)
        .factory(&factory)
        .resizable(true)
        .build()
}

/// A CPU sparkline per row. Its bind and unbind also keep `on_screen` current.
fn cpu_column(
    on_screen: std::rc::Rc<std::cell::RefCell<std::collections::HashSet<String>>>,
) -> gtk::ColumnViewColumn {
    type Bound = std::cell::RefCell<Option<(DomainObject, glib::SignalHandlerId)>>;
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        let item = item.downcast_ref::<gtk::ListItem>().expect("a ListItem");
        let area = gtk::DrawingArea::builder()
            .content_width(64)
            .content_height(18)
            .valign(gtk::Align::Center)
            .build();
        area.update_property(&[gtk::accessible::Property::Label(&gettext("CPU usage"))]);
        item.set_child(Some(&area));
    });
    let bound_keys = on_screen.clone();
    factory.connect_bind(move |_, item| {
        let item = item.downcast_ref::<gtk::ListItem>().expect("a ListItem");
        let (Some(area), Some(obj)) = (
            item.child().and_downcast::<gtk::DrawingArea>(),
            item.item().and_downcast::<DomainObject>(),
        ) else {
            return;
        };
        bound_keys.borrow_mut().insert(obj.uuid());
        {
            let obj = obj.clone();
            area.set_draw_func(move |a, cr, w, h| {
                crate::ui::sparkline::draw(a, cr, w, h, &obj.cpu_history(), 100.0);
            });
        }
        let redraw = {
            let area = area.downgrade();
            obj.connect_notify_local(Some("cpu-percent"), move |o, _| {
                if let Some(a) = area.upgrade() {
                    a.set_tooltip_text(Some(&format!("{:.0} %", o.cpu_percent())));
                    a.queue_draw();
                }
            })
        };
        // SAFETY: only this factory stores and reads this key, always with this type.
        unsafe {
            area.set_data::<Bound>("hangar-bound", std::cell::RefCell::new(Some((obj, redraw))))
        };
    });
    factory.connect_unbind(move |_, item| {
        let item = item.downcast_ref::<gtk::ListItem>().expect("a ListItem");
        let Some(area) = item.child().and_downcast::<gtk::DrawingArea>() else {
            return;
        };
        // SAFETY: as in bind.
        let bound = unsafe { area.steal_data::<Bound>("hangar-bound") };
        if let Some((obj, handler)) = bound.and_then(|b| b.into_inner()) {
            on_screen.borrow_mut().remove(&obj.uuid());
            obj.disconnect(handler);
        }
        area.unset_draw_func();
    });
    gtk::ColumnViewColumn::builder()
        .title(gettext("CPU"))
        .factory(&factory)
        .resizable(true)
        .build()
}

/// One label per cell, its icon drawn by CSS (`.machine-state` in style.css): GTK 4.8
/// keeps 200 rows alive however few are on screen, so each widget less in a row is
/// 200 widgets less to build, style and lay out when a big host is shown.
fn state_column() -> gtk::ColumnViewColumn {
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        let item = item.downcast_ref::<gtk::ListItem>().expect("a ListItem");
        let label = gtk::Label::builder()
            .xalign(0.0)
            .margin_top(8)
            .margin_bottom(8)
            .build();
        bind_property(item, "state-css", &label, "css-classes");
        bind_property(item, "state-label", &label, "label");
        bind_online(item, label.upcast_ref());
        item.set_child(Some(&label));
    });
    gtk::ColumnViewColumn::builder()
        .title(gettext("State"))
        .factory(&factory)
        .resizable(true)
        .build()
}

fn property_expression(property: &str) -> gtk::PropertyExpression {
    gtk::PropertyExpression::new(DomainObject::static_type(), gtk::Expression::NONE, property)
}

/// By the collation keys the rows keep: no property lookups or key building while
/// sorting, which a big host's first listing would otherwise pay in the window.
fn name_sorter() -> gtk::CustomSorter {
    gtk::CustomSorter::new(|a, b| {
        match (
            a.downcast_ref::<DomainObject>(),
            b.downcast_ref::<DomainObject>(),
        ) {
            (Some(a), Some(b)) => a.cmp_by_name(b).into(),
            _ => gtk::Ordering::Equal,
        }
    })
}

fn string_sorter(property: &str) -> gtk::StringSorter {
    gtk::StringSorter::new(Some(property_expression(property)))
}

fn numeric_sorter(property: &str) -> gtk::NumericSorter {
    gtk::NumericSorter::new(Some(property_expression(property)))
}
