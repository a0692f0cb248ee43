//! What the person does to machines: open details, power actions (with the Force
//! Off confirmation), create, delete.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::domain_action::DomainAction;

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
                .replace("{names}", &names.join(", ")))
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

    pub(super) fn run_power_action(&self, action: DomainAction, sender: &ComponentSender<Self>) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let targets: Vec<_> = self
            .machines
            .list
            .selected()
            .into_iter()
            .filter(|m| action.allowed_in(m.state()))
            .collect();
        let expected = targets.len();
        let results = std::sync::Arc::new(std::sync::Mutex::new(Vec::with_capacity(expected)));
        for machine in targets {
            let input = sender.input_sender().clone();
            let results = results.clone();
            let name = machine.name();
            host.handle
                .domain_action(&machine.uuid(), action, move |result| {
                    let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
                    all.push((name, result));
                    if all.len() == expected {
                        let results = std::mem::take(&mut *all);
                        let _ = input.send(AppMsg::ActionsDone { action, results });
                    }
                });
        }
    }
}
