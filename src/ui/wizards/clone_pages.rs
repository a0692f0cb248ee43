//! The clone wizard's pages as widgets: template list, names, options (the disks
//! page is `disks_page.rs`). The wizard (`clone_wizard.rs`) fills them from the host
//! and reads the request back.

use std::cell::RefCell;

use adw::prelude::*;
use gettextrs::{gettext, ngettext};

use super::frame::{error_line, page_box, set_error, spin_row};
use crate::core::clone::template::TemplateSummary;
use crate::core::clone::{Availability, CloneField, FieldError, NameChoice};
use crate::ui::networks::form::{switch_row, Field};

pub struct TemplatePage {
    pub root: gtk::Box,
    pub group: adw::PreferencesGroup,
    pub error: gtk::Label,
    /// (uuid, radio) per listed template.
    pub choices: RefCell<Vec<(String, gtk::CheckButton)>>,
    rows: RefCell<Vec<adw::ActionRow>>,
    /// Never shown: makes even a single choice look like a radio button.
    leader: gtk::CheckButton,
}

impl TemplatePage {
    pub fn build() -> TemplatePage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Template"))
            .description(gettext("Loading the host's templates…"))
            .build();
        let error = error_line(&group, "template-error");
        let root = page_box();
        root.append(&group);
        TemplatePage {
            root,
            group,
            error,
            choices: RefCell::default(),
            rows: RefCell::default(),
            leader: gtk::CheckButton::new(),
        }
    }

    pub fn fill(&self, templates: &[TemplateSummary], preselect: Option<&str>) {
        for row in self.rows.take() {
            self.group.remove(&row);
        }
        self.choices.borrow_mut().clear();
        self.group.set_description(Some(&if templates.is_empty() {
            gettext("This host has no templates. Shut a machine off and make it a template first.")
        } else {
            gettext("Choose the machine to clone.")
        }));
        let mut first: Option<gtk::CheckButton> = None;
        for t in templates {
            let radio = gtk::CheckButton::new();
            radio.set_group(Some(&self.leader));
            radio.update_property(&[gtk::accessible::Property::Label(&t.name)]);
            let count = ngettext(
                "{count} linked clone depends on it",
                "{count} linked clones depend on it",
                t.dependants as u32,
            )
            .replace("{count}", &t.dependants.to_string());
            let row = adw::ActionRow::builder()
                .title(&t.name)
                .subtitle(&count)
                .activatable_widget(&radio)
                .build();
            row.add_prefix(&radio);
            self.group.add(&row);
            if preselect == Some(t.uuid.as_str()) || first.is_none() {
                radio.set_active(true);
            }
            first.get_or_insert(radio.clone());
            self.choices.borrow_mut().push((t.uuid.clone(), radio));
            self.rows.borrow_mut().push(row);
        }
    }

    pub fn selected(&self) -> Option<String> {
        self.choices
            .borrow()
            .iter()
            .find(|(_, r)| r.is_active())
            .map(|(u, _)| u.clone())
    }
}

pub struct NamesPage {
    pub root: gtk::Box,
    pub several: gtk::Switch,
    pub name: Field,
    pub pattern: Field,
    pub count: gtk::SpinButton,
    pub first: gtk::SpinButton,
    pub count_error: gtk::Label,
    pub preview: gtk::Label,
    pattern_rows: Vec<gtk::Widget>,
}

impl NamesPage {
    pub fn build() -> NamesPage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Names"))
            .build();
        let several = switch_row(
            &group,
            &gettext("Make several clones"),
            &gettext("Named from a pattern such as web-{n}"),
            false,
        );
        let name = Field::new(&group, &gettext("Name"), "clone-name");
        let pattern = Field::new(&group, &gettext("Pattern"), "clone-pattern").with_text("web-{n}");
        let (count_row, count) = spin_row(&group, &gettext("Number of clones"), (1.0, 100.0), 3.0);
        let (first_row, first) = spin_row(&group, &gettext("First number"), (0.0, 99999.0), 1.0);
        let count_error = error_line(&group, "count-error");
        let preview = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .margin_start(12)
            .build();
        preview.add_css_class("dim-label");
        preview.set_widget_name("names-preview");
        let root = page_box();
        root.append(&group);
        root.append(&preview);
        let pattern_rows = vec![
            pattern.row.clone().upcast(),
            count_row.upcast(),
            first_row.upcast(),
        ];
        let page = NamesPage {
            root,
            several,
            name,
            pattern,
            count,
            first,
            count_error,
            preview,
            pattern_rows,
        };
        page.show_mode();
        page
    }

    pub fn show_mode(&self) {
        let several = self.several.is_active();
        self.name.row.set_visible(!several);
        if several {
            self.name.set_error(None);
        } else {
            self.pattern.set_error(None);
            set_error(&self.count_error, None);
        }
        for w in &self.pattern_rows {
            w.set_visible(several);
        }
    }

    pub fn choice(&self) -> NameChoice {
        if self.several.is_active() {
            NameChoice::Pattern {
                pattern: self.pattern.text(),
                count: self.count.value_as_int().max(0) as u32,
                first: self.first.value_as_int().max(0) as u32,
            }
        } else {
            NameChoice::one(self.name.text())
        }
    }

    /// Shows the errors about names; returns whether there were any.
    pub fn show_errors(&self, errors: &[FieldError<CloneField>]) -> bool {
        let mut any = false;
        let mut counts = Vec::new();
        for e in errors {
            match &e.field {
                CloneField::Names => self.name.set_error(Some(&e.message)),
                CloneField::Pattern => self.pattern.set_error(Some(&e.message)),
                CloneField::Count | CloneField::FirstNumber => counts.push(e.message.clone()),
                _ => continue,
            }
            any = true;
        }
        let counts = (!counts.is_empty()).then(|| counts.join("\n"));
        set_error(&self.count_error, counts.as_deref());
        any
    }
}

pub struct OptionsPage {
    pub root: gtk::Box,
    pub start: gtk::Switch,
    pub sysprep: gtk::Switch,
    pub sysprep_error: gtk::Label,
}

impl OptionsPage {
    pub fn build() -> OptionsPage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Options"))
            .build();
        let start = switch_row(
            &group,
            &gettext("Start the clones"),
            &gettext("Once all of them are created"),
            false,
        );
        let sysprep = switch_row(
            &group,
            &gettext("Give each clone its own identity"),
            &gettext("virt-sysprep resets the host name, machine ID and SSH host keys"),
            false,
        );
        let sysprep_error = error_line(&group, "sysprep-error");
        let root = page_box();
        root.append(&group);
        OptionsPage {
            root,
            start,
            sysprep,
            sysprep_error,
        }
    }

    /// Greys the sysprep switch out with its reason when the host cannot run it.
    pub fn set_sysprep(&self, availability: &Availability) {
        let row = self.sysprep.ancestor(adw::ActionRow::static_type());
        if let Some(row) = row.and_downcast::<adw::ActionRow>() {
            row.set_sensitive(availability.available);
            if !availability.available {
                row.set_subtitle(&availability.reason);
                row.set_tooltip_text(Some(&availability.reason));
                self.sysprep.set_active(false);
            }
        }
    }

    pub fn show_errors(&self, errors: &[FieldError<CloneField>]) -> bool {
        let msg = errors
            .iter()
            .find(|e| e.field == CloneField::Sysprep)
            .map(|e| e.message.clone());
        set_error(&self.sysprep_error, msg.as_deref());
        msg.is_some()
    }
}
