//! The disk checkboxes of the bulk delete dialog, kept consistent with each other:
//! a volume two machines share has one checkbox under each, ticked together; a
//! template's base can be ticked only while the linked clones' disks it backs are
//! ticked too; and one "all disks" toggle ticks every disk that can go.

use std::cell::Cell;
use std::rc::Rc;

use gtk::prelude::*;

use crate::core::delete_vm::DiskFate;

pub struct DiskCheck {
    pub check: gtk::CheckButton,
    /// Index of the machine in the plan list.
    pub machine: usize,
    pub path: String,
    needs: Vec<String>,
    deletable: bool,
    /// A disk, not a CD-ROM image: what "all disks" ticks (as the single dialog does,
    /// CD-ROM images are usually shared and only go when ticked one by one).
    is_disk: bool,
}

pub struct DiskChecks {
    pub checks: Vec<DiskCheck>,
    pub all: gtk::CheckButton,
    busy: Cell<bool>,
}

impl DiskChecks {
    /// Makes a checkbox per disk; `machine_of` gives each fate's machine index.
    pub fn new(fates: &[(usize, &DiskFate)], all: gtk::CheckButton) -> Rc<DiskChecks> {
        let checks = fates
            .iter()
            .map(|(machine, fate)| {
                let check = gtk::CheckButton::new();
                let is_disk = fate.device == "disk";
                check.set_active(fate.deletable() && is_disk);
                check.set_sensitive(fate.deletable());
                DiskCheck {
                    check,
                    machine: *machine,
                    path: fate.path.clone(),
                    needs: fate.needs.clone(),
                    deletable: fate.deletable(),
                    is_disk,
                }
            })
            .collect();
        let model = Rc::new(DiskChecks {
            checks,
            all,
            busy: Cell::new(false),
        });
        for (i, c) in model.checks.iter().enumerate() {
            let weak = Rc::downgrade(&model);
            c.check.connect_toggled(move |_| {
                if let Some(m) = weak.upgrade() {
                    m.changed(Some(i));
                }
            });
        }
        let weak = Rc::downgrade(&model);
        model.all.connect_toggled(move |all| {
            if let Some(m) = weak.upgrade() {
                m.set_all(all.is_active());
            }
        });
        model.changed(None);
        model
    }

    fn set_all(&self, on: bool) {
        if self.busy.get() {
            return;
        }
        self.busy.set(true);
        for c in self.checks.iter().filter(|c| c.deletable && c.is_disk) {
            c.check.set_active(on);
        }
        self.busy.set(false);
        self.changed(None);
    }

    /// After checkbox `source` (or several) changed: the same volume elsewhere
    /// follows, dependants of an unticked overlay untick, and "all disks" shows
    /// whether every disk that can go is ticked.
    fn changed(&self, source: Option<usize>) {
        if self.busy.get() {
            return;
        }
        self.busy.set(true);
        if let Some(i) = source {
            let (path, on) = (&self.checks[i].path, self.checks[i].check.is_active());
            for c in self
                .checks
                .iter()
                .filter(|c| &c.path == path && c.deletable)
            {
                c.check.set_active(on);
            }
        }
        // Unticking an overlay may make a base (and its own base) impossible.
        loop {
            let mut again = false;
            for c in self
                .checks
                .iter()
                .filter(|c| c.deletable && !c.needs.is_empty())
            {
                let possible = c.needs.iter().all(|p| self.ticked(p));
                c.check.set_sensitive(possible);
                if !possible && c.check.is_active() {
                    c.check.set_active(false);
                    again = true;
                }
            }
            if !again {
                break;
            }
        }
        let candidates: Vec<&DiskCheck> = self
            .checks
            .iter()
            .filter(|c| c.deletable && c.is_disk && c.check.is_sensitive())
            .collect();
        let on = candidates.iter().filter(|c| c.check.is_active()).count();
        self.all.set_sensitive(!candidates.is_empty());
        self.all.set_active(on > 0 && on == candidates.len());
        self.all.set_inconsistent(on > 0 && on < candidates.len());
        self.busy.set(false);
    }

    fn ticked(&self, path: &str) -> bool {
        self.checks
            .iter()
            .any(|c| c.path == path && c.check.is_active())
    }

    /// The ticked paths of machine `machine`.
    pub fn ticked_of(&self, machine: usize) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.machine == machine && c.check.is_active())
            .map(|c| c.path.clone())
            .collect()
    }
}
