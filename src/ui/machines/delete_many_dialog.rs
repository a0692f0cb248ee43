//! "Delete" with several machines selected: one dialog listing each machine with its
//! disks (the same rules as for one machine: a volume something else needs cannot be
//! ticked and says why), one toggle for all disks, and one for forcing off the
//! running ones — without it they are left alone. Then `delete_run` deletes them,
//! with a progress window when it takes a while, and one summary.

use adw::prelude::*;
use gettextrs::{gettext, ngettext};
use gtk::glib;

use super::delete_checks::DiskChecks;
use super::delete_summary;
use crate::core::delete_vm::{self, DeletePlan, DeleteRequest};
use crate::core::error::UserError;
use crate::core::words::join_list;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// Reads the plan on the worker, then asks. Nothing changes until the person confirms.
pub fn open(
    parent: &gtk::Window,
    handle: &ConnectionHandle,
    uuids: Vec<String>,
    toaster: &Toaster,
) {
    let (parent, handle2, toaster) = (parent.clone(), handle.clone(), toaster.clone());
    handle.run(
        move |conn| delete_vm::plan_many(conn, &uuids),
        on_main(
            move |plans: Result<Vec<DeletePlan>, UserError>| match plans {
                Ok(plans) if plans.is_empty() => {}
                Ok(plans) => ask(&parent, handle2, plans, toaster),
                Err(e) => toaster.show(e.message),
            },
        ),
    );
}

fn disk_row(fate: &delete_vm::DiskFate, check: &gtk::CheckButton) -> adw::ActionRow {
    let title = format!(
        "{} — {}",
        fate.target,
        fate.volume.as_deref().unwrap_or(&fate.path)
    );
    let row = adw::ActionRow::builder()
        .title(glib::markup_escape_text(&title))
        .activatable_widget(check)
        .build();
    row.add_prefix(check);
    let note = match (&fate.keep_reason, fate.after.is_empty()) {
        (Some(reason), _) => Some(gettext("Kept: {reason}").replace("{reason}", reason)),
        (None, false) => Some(
            ngettext(
                "Deleted only if {names} goes too",
                "Deleted only if {names} go too",
                fate.after.len() as u32,
            )
            .replace("{names}", &join_list(&fate.after)),
        ),
        (None, true) => None,
    };
    if let Some(note) = note {
        row.set_subtitle(&glib::markup_escape_text(&note));
    }
    row
}

/// A checkbox whose label wraps: translations and long texts must not widen the
/// dialog past the screen.
fn wrapping_check(text: &str) -> gtk::CheckButton {
    let label = gtk::Label::builder()
        .label(text)
        .wrap(true)
        .xalign(0.0)
        .build();
    let check = gtk::CheckButton::new();
    check.set_child(Some(&label));
    check
}

fn machine_subtitle(plan: &DeletePlan) -> String {
    let disks = ngettext("{n} disk", "{n} disks", plan.disks.len() as u32)
        .replace("{n}", &plan.disks.len().to_string());
    if plan.running {
        gettext("{state} · {disks}")
            .replace("{state}", &plan.state.label())
            .replace("{disks}", &disks)
    } else {
        disks
    }
}

fn ask(parent: &gtk::Window, handle: ConnectionHandle, plans: Vec<DeletePlan>, toaster: Toaster) {
    let n = plans.len();
    let dialog = adw::MessageDialog::builder()
        .transient_for(parent)
        .modal(true)
        .heading(
            ngettext("Delete {n} Machine?", "Delete {n} Machines?", n as u32)
                .replace("{n}", &n.to_string()),
        )
        .body(gettext("Their definitions are removed. Tick the disks to delete with them; a volume something else needs is kept and says why."))
        .build();
    dialog.set_widget_name("delete-machines");
    let content = gtk::Box::new(gtk::Orientation::Vertical, 12);
    let running: Vec<&str> = plans
        .iter()
        .filter(|p| p.running)
        .map(|p| p.name.as_str())
        .collect();
    let force = (!running.is_empty()).then(|| {
        let check = wrapping_check(
            &ngettext(
                "First force off the machine that is still on",
                "First force off the {n} machines that are still on",
                running.len() as u32,
            )
            .replace("{n}", &running.len().to_string()),
        );
        check.set_widget_name("force-off");
        content.append(&check);
        let why = gtk::Label::builder()
            .label(
                gettext("Still on: {names}. Forcing off is like pulling the power cord: unsaved work in them is lost. Unticked, they are not deleted.")
                    .replace("{names}", &join_list(&running)),
            )
            .wrap(true)
            .wrap_mode(gtk::pango::WrapMode::WordChar)
            .xalign(0.0)
            .margin_start(28)
            .build();
        why.add_css_class("dim-label");
        why.add_css_class("caption");
        content.append(&why);
        check
    });
    let all = wrapping_check(&gettext("Delete every disk that can go with them"));
    all.set_widget_name("all-disks");
    content.append(&all);

    let list = gtk::ListBox::new();
    list.add_css_class("boxed-list");
    list.set_selection_mode(gtk::SelectionMode::None);
    let fates: Vec<(usize, &delete_vm::DiskFate)> = plans
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.disks.iter().map(move |d| (i, d)))
        .collect();
    let checks = DiskChecks::new(&fates, all);
    let mut next = checks.checks.iter();
    for plan in &plans {
        let row = adw::ExpanderRow::builder()
            .title(glib::markup_escape_text(&plan.name))
            .subtitle(glib::markup_escape_text(&machine_subtitle(plan)))
            .enable_expansion(!plan.disks.is_empty())
            // A few machines are read at a glance; many stay folded.
            .expanded(n <= 4 && !plan.disks.is_empty())
            .build();
        row.set_widget_name(&format!("machine:{}", plan.name));
        for fate in &plan.disks {
            if let Some(c) = next.next() {
                row.add_row(&disk_row(fate, &c.check));
            }
        }
        list.append(&row);
    }
    let scroll = gtk::ScrolledWindow::builder()
        .hscrollbar_policy(gtk::PolicyType::Never)
        .propagate_natural_height(true)
        .max_content_height(340)
        .child(&list)
        .build();
    content.append(&scroll);
    dialog.set_extra_child(Some(&content));
    dialog.add_response("cancel", &gettext("Cancel"));
    let delete_label = ngettext("Delete {n} Machine", "Delete {n} Machines", n as u32)
        .replace("{n}", &n.to_string());
    dialog.add_response("delete", &delete_label);
    dialog.set_response_appearance("delete", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let parent = parent.clone();
    dialog.connect_response(None, move |_, response| {
        if response != "delete" {
            return;
        }
        let requests: Vec<DeleteRequest> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| DeleteRequest {
                uuid: p.uuid.clone(),
                name: p.name.clone(),
                delete_paths: checks.ticked_of(i),
            })
            .collect();
        let force_off = force.as_ref().is_some_and(|f| f.is_active());
        let toaster2 = toaster.clone();
        super::delete_run::run(
            &parent,
            &handle,
            requests,
            force_off,
            &toaster,
            move |outcome| {
                toaster2.show_with_details(
                    delete_summary::summary(&outcome),
                    &gettext("Deletion Summary"),
                    delete_summary::details(&outcome),
                )
            },
        );
    });
    dialog.present();
}
