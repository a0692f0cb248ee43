//! The Machines page: the table, a status page when the host has no machines, and the
//! details of one machine when it is opened.
//!
//! The details view (overview graphs, hardware, XML editor, snapshots…) is built the
//! first time a machine is opened, not at start-up: it is many widgets, and GTK styles
//! even the hidden pages of a stack before the first frame.

use std::cell::OnceCell;
use std::rc::Rc;

use gettextrs::gettext;
use gtk::prelude::*;

use super::machine_list::MachineList;
use crate::core::worker::ConnectionHandle;
use crate::ui::details::view::DetailsView;
use crate::ui::toaster::Toaster;

pub struct MachinesPage {
    pub root: gtk::Stack,
    pub search_bar: gtk::SearchBar,
    pub search: gtk::SearchEntry,
    pub list: MachineList,
    details: OnceCell<Rc<DetailsView>>,
    toaster: Toaster,
    /// Connects the new details view's buttons (Back, Delete) to the window.
    on_details_built: Box<dyn Fn(&DetailsView)>,
    has_rows: std::cell::Cell<bool>,
}

impl MachinesPage {
    pub fn new(toaster: Toaster, on_details_built: impl Fn(&DetailsView) + 'static) -> Self {
        let list = MachineList::new();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&list.view)
            .vexpand(true)
            .build();
        let search = gtk::SearchEntry::builder()
            .placeholder_text(gettext("Search by name, title, state or template"))
            .hexpand(true)
            .build();
        search.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Search machines",
        ))]);
        let clamp = adw::Clamp::builder()
            .child(&search)
            .maximum_size(500)
            .build();
        let search_bar = gtk::SearchBar::builder().child(&clamp).build();
        search_bar.connect_entry(&search);
        let list_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        list_box.append(&search_bar);
        list_box.append(&scroller);
        let empty = adw::StatusPage::builder()
            .icon_name("computer-symbolic")
            .title(gettext("No Virtual Machines"))
            .description(gettext("This host has no virtual machines yet."))
            .build();
        let root = crate::ui::page_stack::new_stack();
        root.set_transition_type(gtk::StackTransitionType::SlideLeftRight);
        root.add_named(&list_box, Some("list"));
        root.add_named(&empty, Some("empty"));
        {
            let list = list.clone();
            search.connect_search_changed(move |e| list.set_query(&e.text()));
        }
        MachinesPage {
            root,
            search_bar,
            search,
            list,
            details: OnceCell::new(),
            toaster,
            on_details_built: Box::new(on_details_built),
            has_rows: std::cell::Cell::new(true),
        }
    }

    /// Shows the table, or the empty state when `has_rows` is false (unless a
    /// machine's details are open).
    pub fn set_has_rows(&self, has_rows: bool) {
        self.has_rows.set(has_rows);
        if !self.showing_details() {
            self.root
                .set_visible_child_name(if has_rows { "list" } else { "empty" });
        }
    }

    /// The details view, built (and added to the page) on the first call.
    pub fn details(&self) -> &Rc<DetailsView> {
        self.details.get_or_init(|| {
            let details = DetailsView::new(self.toaster.clone());
            self.root.add_named(&details.root, Some("details"));
            (self.on_details_built)(&details);
            details
        })
    }

    /// The details view if a machine was ever opened; for callers that only look at
    /// what it shows and must not build it.
    pub fn built_details(&self) -> Option<&Rc<DetailsView>> {
        self.details.get()
    }

    /// The UUID of the machine whose details are open, if any.
    pub fn details_uuid(&self) -> Option<String> {
        self.built_details().and_then(|d| d.shown_uuid())
    }

    pub fn showing_details(&self) -> bool {
        self.root.visible_child_name().as_deref() == Some("details")
    }

    pub fn open_details(&self, handle: &ConnectionHandle, uuid: &str, name: &str) {
        self.details().show(handle, uuid, name);
        self.root.set_visible_child_name("details");
    }

    /// Ctrl+F: shows the search bar (back on the list if details are open).
    pub fn start_search(&self) {
        if self.showing_details() {
            self.close_details();
        }
        self.search_bar.set_search_mode(true);
        self.search.grab_focus();
    }

    pub fn close_details(&self) {
        if let Some(details) = self.built_details() {
            details.hide();
        }
        self.root
            .set_visible_child_name(if self.has_rows.get() { "list" } else { "empty" });
        self.list.view.grab_focus();
    }
}
