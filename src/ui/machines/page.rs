//! The Machines page: the table, or a status page when the host has no machines.

use gettextrs::gettext;

use super::machine_list::MachineList;

pub struct MachinesPage {
    pub root: gtk::Stack,
    pub list: MachineList,
}

impl MachinesPage {
    pub fn new() -> Self {
        let list = MachineList::new();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&list.view)
            .vexpand(true)
            .build();
        let empty = adw::StatusPage::builder()
            .icon_name("computer-symbolic")
            .title(gettext("No Virtual Machines"))
            .description(gettext("This host has no virtual machines yet."))
            .build();
        let root = gtk::Stack::new();
        root.add_named(&scroller, Some("list"));
        root.add_named(&empty, Some("empty"));
        MachinesPage { root, list }
    }

    /// Shows the table, or the empty state when `has_rows` is false.
    pub fn set_has_rows(&self, has_rows: bool) {
        self.root
            .set_visible_child_name(if has_rows { "list" } else { "empty" });
    }
}

impl Default for MachinesPage {
    fn default() -> Self {
        Self::new()
    }
}
