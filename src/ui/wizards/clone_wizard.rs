//! The clone wizard: template → names → disks → options → summary → progress.
//! The host is read on the connection's worker; `plan_clones` checks every step
//! (so the rules live in the engine) and the executor makes the clones.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::clone_pages::{NamesPage, OptionsPage, TemplatePage};
use super::disks_page::DisksPage;
use super::frame::{page_box, set_error, summary_group, Frame};
use super::run_page::RunPage;
use crate::core::clone::template::{list_templates, TemplateSummary};
use crate::core::clone::{
    disk_options, mac, plan_clones, CloneField, ClonePlan, CloneRequest, FieldError, HostFacts,
    TemplateFacts,
};
use crate::core::error::UserError;
use crate::core::words::join_list;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

const TEMPLATE: usize = 0;
const NAMES: usize = 1;
const DISKS: usize = 2;
const OPTIONS: usize = 3;
const SUMMARY: usize = 4;

type Facts = (TemplateFacts, HostFacts);

pub struct CloneWizard {
    pub frame: Frame,
    pub template: TemplatePage,
    pub names: NamesPage,
    pub disks: DisksPage,
    pub options: OptionsPage,
    summary: gtk::Box,
    pub run: Rc<RunPage>,
    handle: ConnectionHandle,
    toaster: Toaster,
    facts: RefCell<Option<Facts>>,
    plan: RefCell<Option<ClonePlan>>,
    busy: Cell<bool>,
}

impl CloneWizard {
    /// Opens the wizard over `parent`; `template_uuid` is preselected when given.
    pub fn open(
        parent: &impl IsA<gtk::Window>,
        handle: ConnectionHandle,
        template_uuid: Option<String>,
        toaster: Toaster,
    ) -> Rc<CloneWizard> {
        let frame = Frame::new(parent, &gettext("Clone a Template"), "clone-wizard");
        let template = TemplatePage::build();
        let names = NamesPage::build();
        let disks = DisksPage::build();
        let options = OptionsPage::build();
        let summary = page_box();
        let run = RunPage::new(&frame.window);
        frame.add_page("template", &gettext("Template"), &template.root);
        frame.add_page("names", &gettext("Names"), &names.root);
        frame.add_page("disks", &gettext("Disks"), &disks.root);
        frame.add_page("options", &gettext("Options"), &options.root);
        frame.add_page("summary", &gettext("Summary"), &summary);
        frame.add_page("progress", &gettext("Creating the Clones"), &run.root);
        let wizard = Rc::new(CloneWizard {
            frame,
            template,
            names,
            disks,
            options,
            summary,
            run,
            handle,
            toaster,
            facts: RefCell::default(),
            plan: RefCell::default(),
            busy: Cell::new(false),
        });
        wizard.connect();
        wizard.frame.next.set_sensitive(false);
        {
            let w = Rc::downgrade(&wizard);
            wizard.handle.run(
                list_templates,
                on_main(move |r: Result<Vec<TemplateSummary>, UserError>| {
                    let Some(w) = w.upgrade() else { return };
                    match r {
                        Ok(list) => {
                            w.template.fill(&list, template_uuid.as_deref());
                            w.frame.next.set_sensitive(!list.is_empty());
                        }
                        Err(e) => set_error(&w.template.error, Some(&e.message)),
                    }
                }),
            );
        }
        {
            let keep = wizard.clone();
            wizard.frame.window.connect_destroy(move |_| {
                let _ = &keep;
            });
        }
        wizard.frame.present();
        wizard
    }

    fn connect(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.frame.next.connect_clicked(move |_| {
            if let Some(w) = weak.upgrade() {
                w.next();
            }
        });
        let weak = Rc::downgrade(self);
        self.frame.back.connect_clicked(move |_| {
            if let Some(w) = weak.upgrade() {
                w.go(w.frame.current().saturating_sub(1));
            }
        });
        let weak = Rc::downgrade(self);
        self.names.several.connect_active_notify(move |_| {
            if let Some(w) = weak.upgrade() {
                w.names.show_mode();
                w.preview();
            }
        });
        let weak = Rc::downgrade(self);
        let refresh = move || {
            if let Some(w) = weak.upgrade() {
                w.preview();
            }
        };
        for field in [&self.names.name, &self.names.pattern] {
            let r = refresh.clone();
            field.row.connect_changed(move |_| r());
        }
        for spin in [&self.names.count, &self.names.first] {
            let r = refresh.clone();
            spin.connect_value_changed(move |_| {
                r();
            });
        }
    }

    fn go(&self, page: usize) {
        self.frame.show(page);
        self.frame.next.set_label(&if page == SUMMARY {
            gettext("C_reate")
        } else {
            gettext("_Next")
        });
        self.frame.next.set_use_underline(true);
    }

    fn request(&self) -> CloneRequest {
        CloneRequest {
            names: self.names.choice(),
            disks: self.disks.choices(),
            sysprep: self.options.sysprep.is_active(),
            start: self.options.start.is_active(),
        }
    }

    /// The plan for what the pages say now, or the errors field by field.
    pub fn validate(&self) -> Option<Result<ClonePlan, Vec<FieldError<CloneField>>>> {
        let facts = self.facts.borrow();
        let (t, h) = facts.as_ref()?;
        Some(plan_clones(t, h, &self.request(), &mut mac::random_bytes))
    }

    /// The names the clones will get, under the names page, as the person types.
    fn preview(&self) {
        let text = match self.validate() {
            Some(Ok(plan)) => gettext("Creates {names}").replace(
                "{names}",
                &join_list(&plan.vms.iter().map(|v| v.name.as_str()).collect::<Vec<_>>()),
            ),
            _ => String::new(),
        };
        self.names.preview.set_label(&text);
    }

    fn next(self: &Rc<Self>) {
        if self.busy.get() {
            return;
        }
        let page = self.frame.current();
        if page == TEMPLATE {
            return self.load_template();
        }
        if page == SUMMARY {
            return self.create();
        }
        let Some(result) = self.validate() else {
            return;
        };
        let errors = result.as_ref().err().cloned().unwrap_or_default();
        let stay = match page {
            NAMES => self.names.show_errors(&errors),
            DISKS => self.disks.show_errors(&errors),
            OPTIONS => self.options.show_errors(&errors),
            _ => false,
        };
        if stay {
            return;
        }
        if page == OPTIONS {
            match result {
                Ok(plan) => {
                    self.fill_summary(&plan);
                    self.plan.replace(Some(plan));
                }
                // An earlier page's problem (the host changed meanwhile): show it there.
                Err(errors) => return self.show_earlier(&errors),
            }
        }
        self.go(page + 1);
    }

    fn show_earlier(&self, errors: &[FieldError<CloneField>]) {
        if self.names.show_errors(errors) {
            self.go(NAMES);
        } else if self.disks.show_errors(errors) {
            self.go(DISKS);
        } else if let Some(e) = errors.first() {
            set_error(&self.template.error, Some(&e.message));
            self.go(TEMPLATE);
        }
    }

    /// Reads the chosen template and the host on the worker, then fills the disks.
    fn load_template(self: &Rc<Self>) {
        let Some(uuid) = self.template.selected() else {
            set_error(&self.template.error, Some(&gettext("Choose a template")));
            return;
        };
        set_error(&self.template.error, None);
        self.busy.set(true);
        self.frame.next.set_sensitive(false);
        let w = Rc::downgrade(self);
        self.handle.run(
            move |conn| Ok((TemplateFacts::read(conn, &uuid)?, HostFacts::read(conn)?)),
            on_main(move |r: Result<Facts, UserError>| {
                let Some(w) = w.upgrade() else { return };
                w.busy.set(false);
                w.frame.next.set_sensitive(true);
                match r {
                    Ok(facts) => w.template_loaded(facts),
                    Err(e) => set_error(&w.template.error, Some(&e.message)),
                }
            }),
        );
    }

    fn template_loaded(&self, (t, h): Facts) {
        let same = self
            .facts
            .borrow()
            .as_ref()
            .is_some_and(|(old, _)| old.uuid == t.uuid);
        if !same {
            self.disks.fill(&disk_options(&t.domain, &h), &h);
            if self.names.name.text().is_empty() {
                self.names
                    .name
                    .row
                    .set_text(&gettext("{template}-clone").replace("{template}", &t.domain.name));
            }
        }
        self.options.set_sysprep(&h.sysprep);
        self.facts.replace(Some((t, h)));
        let template_errors: Vec<String> = match self.validate() {
            Some(Err(errors)) => errors
                .into_iter()
                .filter(|e| e.field == CloneField::Template)
                .map(|e| e.message)
                .collect(),
            _ => Vec::new(),
        };
        if !template_errors.is_empty() {
            set_error(&self.template.error, Some(&template_errors.join("\n")));
            return;
        }
        self.preview();
        self.go(NAMES);
    }

    fn fill_summary(&self, plan: &ClonePlan) {
        while let Some(child) = self.summary.first_child() {
            self.summary.remove(&child);
        }
        self.summary.append(&summary_group(&plan.summary()));
    }

    fn create(self: &Rc<Self>) {
        let Some(plan) = self.plan.borrow_mut().take() else {
            return;
        };
        self.frame.lock();
        self.go(SUMMARY + 1);
        let toaster = self.toaster.clone();
        self.run.start(
            &self.handle,
            plan.steps(),
            |applied| {
                let names: Vec<&str> = applied.domains.iter().map(|(n, _)| n.as_str()).collect();
                gettext("Created {names}").replace("{names}", &join_list(&names))
            },
            move |result| match result {
                Ok(applied) => {
                    let names: Vec<&str> =
                        applied.domains.iter().map(|(n, _)| n.as_str()).collect();
                    toaster.show(gettext("Created {names}").replace("{names}", &join_list(&names)));
                }
                Err(text) => toaster.show(text),
            },
        );
    }
}
