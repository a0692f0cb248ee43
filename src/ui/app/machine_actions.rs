//! What the person does to machines: open details, power actions (with the Force
//! Off confirmation), create, delete.

use adw::prelude::*;
use gettextrs::{gettext, ngettext};
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::domain_action::DomainAction;
use crate::core::storage::transfer::CancelFlag;
use crate::core::words::join_list;
use crate::ui::progress::Delayed;

impl App {
    pub(super) fn open_details(&mut self, position: u32) {
        let selection = &self.machines.list.selection;
        let Some(machine) = selection
            .item(position)
            .and_downcast::<crate::ui::machines::domain_object::DomainObject>()
        else {
            return;
        };
        // The header's power buttons act on the selection: make it this machine.
        selection.select_item(position, true);
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        self.machines
            .open_details(&host.handle, &machine.uuid(), &machine.name());
    }

    pub(super) fn confirm_force_off(
        &self,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let names: Vec<String> = self
            .machines
            .list
            .selected()
            .iter()
            .filter(|m| DomainAction::ForceOff.allowed_in(m.state()))
            .map(|m| m.name())
            .collect();
        if names.is_empty() {
            return;
        }
        let dialog = adw::MessageDialog::builder()
            .transient_for(root)
            .modal(true)
            .heading(if names.len() == 1 {
                gettext("Force Off {name}?").replace("{name}", &names[0])
            } else {
                gettextrs::ngettext(
                    "Force Off {n} Machine?",
                    "Force Off {n} Machines?",
                    names.len() as u32,
                )
                .replace("{n}", &names.len().to_string())
            })
            .body(gettext("Like pulling the power cord: unsaved work in the guest is lost, and its disks may need a check. {names}")
                .replace("{names}", &join_list(&names)))
            .build();
        dialog.add_response("cancel", &gettext("Cancel"));
        dialog.add_response("force-off", &gettext("Force Off"));
        dialog.set_response_appearance("force-off", adw::ResponseAppearance::Destructive);
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let sender = sender.clone();
        dialog.connect_response(None, move |_, response| {
            if response == "force-off" {
                sender.input(AppMsg::PowerConfirmed(DomainAction::ForceOff));
            }
        });
        dialog.present();
    }

    pub(super) fn new_machine(
        &self,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let sender = sender.clone();
        crate::ui::wizards::new_vm_wizard::NewVmWizard::open(
            root,
            host.handle.clone(),
            self.toaster.clone(),
            move |vm: crate::ui::wizards::new_vm_wizard::CreatedVm| {
                if vm.open_details {
                    sender.input(AppMsg::OpenDetailsOf {
                        uuid: vm.uuid,
                        name: vm.name,
                    });
                }
            },
        );
    }

    pub(super) fn delete_selected(&self, root: &gtk::Window) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        match self.machines.list.selected().as_slice() {
            [one] => crate::ui::machines::delete_dialog::open(
                root,
                &host.handle,
                &one.uuid(),
                &self.toaster,
            ),
            [] => {}
            many => crate::ui::machines::delete_many_dialog::open(
                root,
                &host.handle,
                many.iter().map(|m| m.uuid()).collect(),
                &self.toaster,
            ),
        }
    }

    /// One machine after the other, so Stop can end the run between two of them;
    /// a progress window opens when it takes a while. One summary at the end.
    pub(super) fn run_power_action(
        &self,
        root: &gtk::Window,
        action: DomainAction,
        sender: &ComponentSender<Self>,
    ) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let targets: Vec<(String, String)> = self
            .machines
            .list
            .selected()
            .into_iter()
            .filter(|m| action.allowed_in(m.state()))
            .map(|m| (m.uuid(), m.name()))
            .collect();
        if targets.is_empty() {
            return;
        }
        let total = targets.len();
        let cancel = CancelFlag::default();
        let progress = (total > 1).then(|| {
            Delayed::new(
                root,
                &action.label(),
                &ngettext(
                    "{action}: {n} machine",
                    "{action}: {n} machines",
                    total as u32,
                )
                .replace("{action}", &action.label())
                .replace("{n}", &total.to_string()),
                Some(cancel.clone()),
                move |p| {
                    p.set_cancelling_text(&gettext("Stopping after the current machine…"));
                    p.update_machines(0, total);
                },
            )
        });
        let run = PowerRun {
            handle: host.handle.clone(),
            action,
            targets,
            results: Vec::with_capacity(total),
            cancel,
            progress,
            input: sender.input_sender().clone(),
        };
        run.next();
    }
}

/// A run of one power action over several machines, carried on from reply to reply.
struct PowerRun {
    handle: crate::core::worker::ConnectionHandle,
    action: DomainAction,
    targets: Vec<(String, String)>,
    results: Vec<(String, Result<(), crate::core::error::UserError>)>,
    cancel: CancelFlag,
    progress: Option<Delayed>,
    input: relm4::Sender<AppMsg>,
}

impl PowerRun {
    fn next(mut self) {
        let (done, total) = (self.results.len(), self.targets.len());
        if let Some(p) = &self.progress {
            p.with(|p| p.update_machines(done, total));
        }
        if done == total || self.cancel.is_cancelled() {
            for (_, name) in &self.targets[done..] {
                let stopped = crate::core::error::UserError::invalid(gettext(
                    "stopped before it was reached",
                ));
                self.results.push((name.clone(), Err(stopped)));
            }
            if let Some(p) = &self.progress {
                p.finish();
            }
            let _ = self.input.send(AppMsg::ActionsDone {
                action: self.action,
                results: self.results,
            });
            return;
        }
        let (uuid, name) = self.targets[done].clone();
        let handle = self.handle.clone();
        handle.domain_action(
            &uuid,
            self.action,
            crate::ui::reply::on_main(move |result| {
                self.results.push((name, result));
                self.next();
            }),
        );
    }
}
