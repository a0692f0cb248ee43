//! The new-machine wizard: machine and install source → resources and
//! acceleration → disk and network → options → summary → progress. The host is
//! read once on the worker; `plan_new_vm` checks each step and the clone engine's
//! executor creates the disk and the machine.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::frame::{page_box, set_error, summary_group, Frame};
use super::new_vm_pages::{MachinePage, OptionsPage, ResourcesPage, StoragePage, FORMATS};
use super::run_page::RunPage;
use crate::core::clone::{mac, FieldError};
use crate::core::error::UserError;
use crate::core::new_vm::hypervisor::decide;
use crate::core::new_vm::{
    plan_new_vm, NetworkChoice, NewDiskForm, NewVmFacts, NewVmForm, NewVmPlan, VmField,
};
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

const MACHINE: usize = 0;
const RESOURCES: usize = 1;
const STORAGE: usize = 2;
const OPTIONS: usize = 3;
const SUMMARY: usize = 4;

/// What the wizard made, for the window to open its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedVm {
    pub uuid: String,
    pub name: String,
    /// The person asked to see the details before the first start (it was not started).
    pub open_details: bool,
}

type OnCreated = Box<dyn FnOnce(CreatedVm)>;

pub struct NewVmWizard {
    pub frame: Frame,
    pub machine: MachinePage,
    pub resources: ResourcesPage,
    pub storage: StoragePage,
    pub options: OptionsPage,
    summary: gtk::Box,
    pub run: Rc<RunPage>,
    handle: ConnectionHandle,
    toaster: Toaster,
    facts: RefCell<Option<NewVmFacts>>,
    plan: RefCell<Option<NewVmPlan>>,
    on_created: RefCell<Option<OnCreated>>,
    started: Cell<bool>,
}

impl NewVmWizard {
    /// Opens the wizard over `parent`. `on_created` runs once the machine exists.
    pub fn open(
        parent: &impl IsA<gtk::Window>,
        handle: ConnectionHandle,
        toaster: Toaster,
        on_created: impl FnOnce(CreatedVm) + 'static,
    ) -> Rc<NewVmWizard> {
        let frame = Frame::new(parent, &gettext("New Machine"), "new-vm-wizard");
        let machine = MachinePage::build();
        let resources = ResourcesPage::build();
        let storage = StoragePage::build();
        let options = OptionsPage::build();
        let summary = page_box();
        let run = RunPage::new(&frame.window);
        frame.add_page("machine", &gettext("Machine"), &machine.root);
        frame.add_page("resources", &gettext("Resources"), &resources.root);
        frame.add_page("storage", &gettext("Disk and Network"), &storage.root);
        frame.add_page("options", &gettext("Options"), &options.root);
        frame.add_page("summary", &gettext("Summary"), &summary);
        frame.add_page("progress", &gettext("Creating the Machine"), &run.root);
        let wizard = Rc::new(NewVmWizard {
            frame,
            machine,
            resources,
            storage,
            options,
            summary,
            run,
            handle,
            toaster,
            facts: RefCell::default(),
            plan: RefCell::default(),
            on_created: RefCell::new(Some(Box::new(on_created))),
            started: Cell::new(false),
        });
        wizard.connect();
        wizard.frame.next.set_sensitive(false);
        {
            let w = Rc::downgrade(&wizard);
            wizard.handle.run(
                NewVmFacts::read,
                on_main(move |r: Result<NewVmFacts, UserError>| {
                    let Some(w) = w.upgrade() else { return };
                    match r {
                        Ok(facts) => w.facts_loaded(facts),
                        Err(e) => w.machine.name.set_error(Some(&e.message)),
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
        self.machine.source.connect_selected_notify(move |_| {
            if let Some(w) = weak.upgrade() {
                w.machine.show_source();
            }
        });
        let weak = Rc::downgrade(self);
        self.machine
            .iso_volumes
            .connect_selected_notify(move |row| {
                let Some(w) = weak.upgrade() else { return };
                let item = row.selected_item().and_downcast::<gtk::StringObject>();
                if let Some(path) = item.filter(|_| row.selected() > 0) {
                    w.machine.iso.row.set_text(&path.string());
                }
            });
        let weak = Rc::downgrade(self);
        self.resources
            .acceleration
            .connect_selected_notify(move |_| {
                if let Some(w) = weak.upgrade() {
                    w.show_decision();
                }
            });
        let weak = Rc::downgrade(self);
        self.storage.add_disk.connect_active_notify(move |_| {
            if let Some(w) = weak.upgrade() {
                w.storage.show_disk();
            }
        });
    }

    fn facts_loaded(&self, facts: NewVmFacts) {
        let isos: Vec<String> = facts
            .host
            .volumes
            .iter()
            .filter(|v| {
                v.format.as_deref() == Some("iso") || v.name.to_lowercase().ends_with(".iso")
            })
            .map(|v| v.path.clone())
            .collect();
        self.machine.set_iso_volumes(&isos);
        let pools: Vec<String> = facts
            .host
            .pools
            .iter()
            .filter(|p| p.active && p.holds_files())
            .map(|p| p.name.clone())
            .collect();
        let mut networks = vec![
            (NetworkChoice::None, gettext("No network")),
            (
                NetworkChoice::User,
                gettext("User-mode networking (no host set-up)"),
            ),
        ];
        let mut preferred = 1;
        for (name, active) in &facts.networks {
            if *active && preferred == 1 {
                preferred = networks.len() as u32;
            }
            let label = if *active {
                gettext("Virtual network “{name}”")
            } else {
                gettext("Virtual network “{name}” (inactive)")
            };
            networks.push((
                NetworkChoice::Network(name.clone()),
                label.replace("{name}", name),
            ));
        }
        self.storage.set_choices(pools, networks);
        self.storage.network.set_selected(preferred);
        let mib = facts.memory_kib / 1024;
        self.resources.memory_row.set_subtitle(
            &gettext("This host has {memory} MiB").replace("{memory}", &mib.to_string()),
        );
        let cpus = match facts.max_vcpus {
            Some(max) => gettext("This host has {cpus} CPUs; at most {max} per machine")
                .replace("{max}", &max.to_string()),
            None => gettext("This host has {cpus} CPUs"),
        };
        self.resources
            .vcpus_row
            .set_subtitle(&cpus.replace("{cpus}", &facts.cpus.to_string()));
        self.facts.replace(Some(facts));
        self.show_decision();
        self.frame.next.set_sensitive(true);
    }

    /// The domain type and its reason, by the same rule the plan uses.
    fn show_decision(&self) {
        let facts = self.facts.borrow();
        let Some(f) = facts.as_ref() else { return };
        let label = &self.resources.decision;
        match decide(&f.driver, &f.kvm, self.resources.choice()) {
            Ok(d) => {
                label.remove_css_class("error");
                label.set_label(
                    &gettext("Domain type “{type}”: {reason}")
                        .replace("{type}", &d.domain_type)
                        .replace("{reason}", &d.reason),
                );
            }
            Err(reason) => {
                label.add_css_class("error");
                label.set_label(&reason);
            }
        }
        set_error(&self.resources.acceleration_error, None);
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

    pub fn form(&self) -> NewVmForm {
        let s = &self.storage;
        let pool = s
            .pools
            .borrow()
            .get(s.pool.selected() as usize)
            .cloned()
            .unwrap_or_default();
        let disk = s.add_disk.is_active().then(|| NewDiskForm {
            size: s.size.text(),
            format: FORMATS[(s.format.selected() as usize).min(FORMATS.len() - 1)],
            pool,
        });
        let network = s
            .networks
            .borrow()
            .get(s.network.selected() as usize)
            .cloned()
            .unwrap_or(NetworkChoice::None);
        NewVmForm {
            name: self.machine.name.text(),
            memory_mib: self.resources.memory.value_as_int().max(0) as u64,
            vcpus: self.resources.vcpus.value_as_int().max(0) as u32,
            source: self.machine.install_source(),
            disk,
            network,
            acceleration: self.resources.choice(),
            start: !self.options.open_details.is_active(),
        }
    }

    pub fn validate(&self) -> Option<Result<NewVmPlan, Vec<FieldError<VmField>>>> {
        let facts = self.facts.borrow();
        Some(plan_new_vm(
            &self.form(),
            facts.as_ref()?,
            &mut mac::random_bytes,
        ))
    }

    fn next(self: &Rc<Self>) {
        let page = self.frame.current();
        if page == SUMMARY {
            return self.create();
        }
        let Some(result) = self.validate() else {
            return;
        };
        let errors = result.as_ref().err().cloned().unwrap_or_default();
        let stay = match page {
            MACHINE => self.machine.show_errors(&errors),
            RESOURCES => self.resources.show_errors(&errors),
            STORAGE => self.storage.show_errors(&errors),
            _ => false,
        };
        if stay {
            return;
        }
        if page == OPTIONS {
            match result {
                Ok(plan) => {
                    while let Some(child) = self.summary.first_child() {
                        self.summary.remove(&child);
                    }
                    self.summary.append(&summary_group(&plan.summary()));
                    self.plan.replace(Some(plan));
                }
                Err(errors) => {
                    for (p, shown) in [
                        (MACHINE, self.machine.show_errors(&errors)),
                        (RESOURCES, self.resources.show_errors(&errors)),
                        (STORAGE, self.storage.show_errors(&errors)),
                    ] {
                        if shown {
                            return self.go(p);
                        }
                    }
                    return;
                }
            }
        }
        self.go(page + 1);
    }

    fn create(self: &Rc<Self>) {
        if self.started.replace(true) {
            return;
        }
        let Some(plan) = self.plan.borrow_mut().take() else {
            return;
        };
        self.frame.lock();
        self.go(SUMMARY + 1);
        let open_details = !plan.start;
        let toaster = self.toaster.clone();
        let weak = Rc::downgrade(self);
        self.run.start(
            &self.handle,
            plan.steps(),
            |applied| {
                let name = applied
                    .domains
                    .first()
                    .map(|(n, _)| n.as_str())
                    .unwrap_or_default();
                gettext("Created {name}").replace("{name}", name)
            },
            move |result| match result {
                Ok(applied) => {
                    let Some((name, uuid)) = applied.domains.into_iter().next() else {
                        return;
                    };
                    toaster.show(gettext("Created {name}").replace("{name}", &name));
                    let callback = weak.upgrade().and_then(|w| w.on_created.take());
                    if let Some(callback) = callback {
                        callback(CreatedVm {
                            uuid,
                            name,
                            open_details,
                        });
                    }
                }
                Err(text) => toaster.show(text),
            },
        );
    }
}
