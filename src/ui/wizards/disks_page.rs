//! The clone wizard's disks page: per template disk, the mode (linked, full copy,
//! share, skip) with unavailable modes greyed out and their reason, and the pool.

use std::cell::RefCell;

use adw::prelude::*;
use gettextrs::gettext;

use super::frame::{error_line, page_box, set_error};
use crate::core::clone::{
    Availability, CloneField, DiskChoice, DiskMode, DiskOption, FieldError, HostFacts,
};
pub const MODES: [DiskMode; 4] = [
    DiskMode::Linked,
    DiskMode::FullCopy,
    DiskMode::Share,
    DiskMode::Skip,
];

fn mode_title(mode: DiskMode) -> String {
    match mode {
        DiskMode::Linked => gettext("Linked clone"),
        DiskMode::FullCopy => gettext("Full copy"),
        DiskMode::Share => gettext("Share the template's image"),
        DiskMode::Skip => gettext("No such disk"),
    }
}

fn mode_note(mode: DiskMode) -> String {
    match mode {
        DiskMode::Linked => gettext("A small overlay on the template's image, made in seconds"),
        DiskMode::FullCopy => gettext("A standalone copy: takes as long as copying the data"),
        DiskMode::Share => gettext("The clone uses the same image"),
        DiskMode::Skip => gettext("The clone gets no copy of this disk"),
    }
}

/// The choices for one of the template's disks.
pub struct DiskRows {
    pub option: DiskOption,
    pub modes: Vec<(DiskMode, gtk::CheckButton)>,
    pub pool: adw::ComboRow,
    /// Pool names behind the combo's items; `None` is "same as the template's".
    pub pools: Vec<Option<String>>,
    pub error: gtk::Label,
}

impl DiskRows {
    pub fn choice(&self) -> DiskChoice {
        let mode = self
            .modes
            .iter()
            .find(|(_, r)| r.is_active())
            .map_or(self.option.default_mode, |(m, _)| *m);
        DiskChoice {
            target: self.option.target.clone(),
            mode,
            pool: self
                .pools
                .get(self.pool.selected() as usize)
                .cloned()
                .flatten(),
        }
    }
}

pub struct DisksPage {
    pub root: gtk::Box,
    pub disks: RefCell<Vec<DiskRows>>,
    groups: RefCell<Vec<adw::PreferencesGroup>>,
}

impl DisksPage {
    pub fn build() -> DisksPage {
        DisksPage {
            root: page_box(),
            disks: RefCell::default(),
            groups: RefCell::default(),
        }
    }

    pub fn fill(&self, options: &[DiskOption], host: &HostFacts) {
        for g in self.groups.take() {
            self.root.remove(&g);
        }
        self.disks.borrow_mut().clear();
        if options.is_empty() {
            let group = adw::PreferencesGroup::builder()
                .title(gettext("Disks"))
                .description(gettext("The template has no disks."))
                .build();
            self.root.append(&group);
            self.groups.borrow_mut().push(group);
        }
        for o in options {
            let group = adw::PreferencesGroup::builder()
                .title(gettext("Disk {target}").replace("{target}", &o.target))
                .description(o.source.clone().unwrap_or_else(|| gettext("No image")))
                .build();
            let mut modes = Vec::new();
            let mut leader: Option<gtk::CheckButton> = None;
            for mode in MODES {
                let a: Availability = o.availability(mode);
                let radio = gtk::CheckButton::new();
                radio.set_group(leader.as_ref());
                radio.update_property(&[gtk::accessible::Property::Label(&mode_title(mode))]);
                let note = if a.available {
                    mode_note(mode)
                } else {
                    a.reason.clone()
                };
                let row = adw::ActionRow::builder()
                    .title(mode_title(mode))
                    .subtitle(&note)
                    .activatable_widget(&radio)
                    .sensitive(a.available)
                    .build();
                if !a.available {
                    row.set_tooltip_text(Some(&a.reason));
                }
                row.add_prefix(&radio);
                group.add(&row);
                radio.set_active(mode == o.default_mode);
                leader.get_or_insert(radio.clone());
                modes.push((mode, radio));
            }
            let mut pools = vec![None];
            let mut items = vec![gettext("The template's pool")];
            for p in host.pools.iter().filter(|p| p.active && p.holds_files()) {
                pools.push(Some(p.name.clone()));
                items.push(p.name.clone());
            }
            let refs: Vec<&str> = items.iter().map(String::as_str).collect();
            let pool = adw::ComboRow::builder()
                .title(gettext("Pool for the new volume"))
                .model(&gtk::StringList::new(&refs))
                .build();
            group.add(&pool);
            let error = error_line(&group, &format!("disk-{}-error", o.target));
            let rows = DiskRows {
                option: o.clone(),
                modes,
                pool,
                pools,
                error,
            };
            update_pool_row(&rows);
            for (_, radio) in &rows.modes {
                let (pool, modes) = (rows.pool.clone(), rows.modes.clone());
                radio.connect_toggled(move |_| {
                    let copies = modes.iter().any(|(m, r)| {
                        r.is_active() && matches!(m, DiskMode::Linked | DiskMode::FullCopy)
                    });
                    pool.set_sensitive(copies);
                });
            }
            self.root.append(&group);
            self.groups.borrow_mut().push(group);
            self.disks.borrow_mut().push(rows);
        }
    }

    pub fn choices(&self) -> Vec<DiskChoice> {
        self.disks.borrow().iter().map(DiskRows::choice).collect()
    }

    pub fn show_errors(&self, errors: &[FieldError<CloneField>]) -> bool {
        let mut any = false;
        for d in self.disks.borrow().iter() {
            let msgs: Vec<&str> = errors
                .iter()
                .filter(|e| e.field == CloneField::Disk(d.option.target.clone()))
                .map(|e| e.message.as_str())
                .collect();
            any |= !msgs.is_empty();
            let text = (!msgs.is_empty()).then(|| msgs.join("\n"));
            set_error(&d.error, text.as_deref());
        }
        any
    }
}

fn update_pool_row(rows: &DiskRows) {
    let mode = rows.choice().mode;
    rows.pool
        .set_sensitive(matches!(mode, DiskMode::Linked | DiskMode::FullCopy));
}
