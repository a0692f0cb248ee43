//! The Machines page: the table, a status page when the host has no machines, and the
//! details of one machine when it is opened.

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
    pub details: Rc<DetailsView>,
    has_rows: std::cell::Cell<bool>,
}

impl MachinesPage {
    pub fn new(toaster: Toaster) -> Self {
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
        let details = DetailsView::new(toaster);
        let root = crate::ui::page_stack::new_stack();
        root.set_transition_type(gtk::StackTransitionType::SlideLeftRight);
        root.add_named(&list_box, Some("list"));
        root.add_named(&empty, Some("empty"));
        root.add_named(&details.root, Some("details"));
        {
            let list = list.clone();
            search.connect_search_changed(move |e| list.set_query(&e.text()));
        }
        MachinesPage {
            root,
            search_bar,
            search,
            list,
            details,
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

    pub fn showing_details(&self) -> bool {
        self.root.visible_child_name().as_deref() == Some("details")
    }

    pub fn open_details(&self, handle: &ConnectionHandle, uuid: &str, name: &str) {
        self.details.show(handle, uuid, name);
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
        self.details.hide();
        self.root
            .set_visible_child_name(if self.has_rows.get() { "list" } else { "empty" });
        self.list.view.grab_focus();
    }
}
