//! Deleting several selected machines at once, in the real window: one dialog with
//! each machine's disks, a template's base that can go only with its clone's disk,
//! running machines left alone unless forced off, and one summary naming failures.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::dialogs::screenshot;
use crate::harness::{close, drawn_rows, find_widget, label_texts, launch, pump_until};
use crate::machines::{click_dialog_button, open_message_dialog};

const T: Duration = Duration::from_secs(10);
const POOL: &str = "/var/lib/libvirt/pool-1";

fn volume(name: &str, backing: Option<&str>) -> String {
    let backing = backing
        .map(|b| {
            format!("<backingStore><path>{POOL}/{b}</path><format type='qcow2'/></backingStore>")
        })
        .unwrap_or_default();
    format!(
        "<volume><name>{name}</name><capacity unit='MiB'>64</capacity><allocation>0</allocation>\
         <target><format type='qcow2'/></target>{backing}</volume>"
    )
}

fn machine(name: &str, disks: &[&str]) -> String {
    let devs: String = disks
        .iter()
        .zip(["vda", "vdb"])
        .map(|(d, dev)| {
            format!(
                "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                 <source file='{POOL}/{d}'/><target dev='{dev}' bus='virtio'/></disk>"
            )
        })
        .collect();
    format!("<domain type='test'><name>{name}</name><memory>65536</memory><os><type>hvm</type></os><devices>{devs}</devices></domain>")
}

/// The checkbox of the disk row whose title starts with `title`, under `machine`.
fn disk_check(dialog: &adw::MessageDialog, machine: &str, title: &str) -> gtk::CheckButton {
    let row = find_widget::<adw::ExpanderRow>(dialog, &|r| {
        r.widget_name() == format!("machine:{machine}")
    })
    .unwrap_or_else(|| panic!("a row for {machine}"));
    let disk = find_widget::<adw::ActionRow>(&row, &|r| r.title().starts_with(title))
        .unwrap_or_else(|| panic!("{machine} lists {title}"));
    find_widget::<gtk::CheckButton>(&disk, &|_| true).unwrap()
}

pub fn deleting_three_machines_asks_once_and_names_each_failure() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(2), "ui-delete-many");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "the host is listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let handle = c.model().hosts[0].handle.clone();
    handle
        .call(|conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            let mk = |xml: String| virt::storage_vol::StorageVol::create_xml(&pool, &xml, 0);
            mk(volume("base.qcow2", None))?;
            mk(volume("shared.qcow2", None))?;
            mk(volume("c1.qcow2", Some("base.qcow2")))?;
            let tpl = conn.define_domain_xml(&machine("tpl", &["base.qcow2"]))?;
            hangar::core::clone::template::mark_template(conn, &tpl.uuid_string()?)?;
            conn.define_domain_xml(&machine("clone", &["c1.qcow2", "shared.qcow2"]))?;
            conn.define_domain_xml(&machine("other", &["shared.qcow2"]))?;
            Ok(())
        })
        .unwrap();
    pump_until(T, "the new machines are drawn", || {
        let rows = drawn_rows(&c.model().list().view);
        ["tpl (template)", "clone", "other"]
            .iter()
            .all(|n| rows.iter().any(|r| r[0] == *n))
    });
    {
        let m = c.model();
        let list = m.list();
        list.selection.unselect_all();
        for pos in 0..list.selection.n_items() {
            let obj = list
                .selection
                .item(pos)
                .and_downcast::<hangar::ui::machines::domain_object::DomainObject>()
                .unwrap();
            // vm-1 runs (the node file says so).
            if ["tpl", "clone", "vm-1"].contains(&obj.name().as_str()) {
                list.selection.select_item(pos, false);
            }
        }
        assert_eq!(list.selected().len(), 3);
    }
    pump_until(T, "the Delete button lights up", || {
        c.model().delete_button.is_sensitive()
    });
    c.model().delete_button.emit_clicked();
    pump_until(T, "the dialog", || open_message_dialog().is_some());
    let dialog = open_message_dialog().unwrap();
    assert_eq!(dialog.heading().unwrap(), "Delete 3 Machines?");

    // The template's base goes only with its clone's disk: untick that, and it cannot.
    let base = disk_check(&dialog, "tpl", "vda — pool-1/base.qcow2");
    let c1 = disk_check(&dialog, "clone", "vda — pool-1/c1.qcow2");
    assert!(base.is_active() && base.is_sensitive() && c1.is_active());
    let texts = label_texts(&dialog);
    assert!(
        texts
            .iter()
            .any(|t| t == "Deleted only if pool-1/c1.qcow2 goes too"),
        "{texts:?}"
    );
    c1.set_active(false);
    assert!(!base.is_active() && !base.is_sensitive());
    let all =
        find_widget::<gtk::CheckButton>(&dialog, &|b| b.widget_name() == "all-disks").unwrap();
    assert!(all.is_inconsistent() || !all.is_active());
    all.set_active(true);
    assert!(c1.is_active() && base.is_active() && base.is_sensitive());
    // A disk another machine outside the deletion uses: shown, kept, not tickable.
    let shared = disk_check(&dialog, "clone", "vdb — pool-1/shared.qcow2");
    assert!(!shared.is_sensitive() && !shared.is_active());
    assert!(texts.iter().any(|t| t == "Kept: also used by other"));
    // vm-1 runs: it is forced off only if ticked, and it is not.
    let force =
        find_widget::<gtk::CheckButton>(&dialog, &|b| b.widget_name() == "force-off").unwrap();
    assert!(!force.is_active());
    assert!(
        texts.iter().any(|t| t.starts_with("Still on: vm-1.")),
        "{texts:?}"
    );
    screenshot(&dialog, "delete-machines");

    click_dialog_button(&dialog, "Delete 3 Machines");
    pump_until(T, "one summary", || c.model().toaster.last().is_some());
    assert_eq!(
        c.model().toaster.last().unwrap(),
        "Deleted 2 of 3 machines. Deleted 2 volumes. Not deleted: vm-1 (it is still on and was not forced off)."
    );
    screenshot(c.widget(), "delete-machines-summary");
    let details = c.model().toaster.last_details().unwrap();
    assert_eq!(
        details,
        "clone: Deleted\ntpl: Deleted\nvm-1: Not deleted: it is still on and was not forced off\npool-1/c1.qcow2: Deleted\npool-1/base.qcow2: Deleted"
    );
    find_widget::<gtk::Button>(c.widget(), &|b| b.label().as_deref() == Some("Details"))
        .expect("the toast's Details button")
        .emit_clicked();
    pump_until(T, "the details", || open_message_dialog().is_some());
    let shown = open_message_dialog().unwrap();
    let texts = label_texts(&shown);
    assert!(
        texts
            .iter()
            .any(|t| t == "Not deleted: it is still on and was not forced off"),
        "{texts:?}"
    );
    screenshot(&shown, "delete-machines-details");
    click_dialog_button(&shown, "Close");
    pump_until(T, "the details close", || open_message_dialog().is_none());
    pump_until(T, "the two rows go, vm-1 stays", || {
        let rows = drawn_rows(&c.model().list().view);
        let has = |n: &str| rows.iter().any(|r| r[0] == n);
        !has("tpl (template)") && !has("clone") && has("vm-1") && has("other")
    });
    let vols = handle
        .call(|conn| {
            Ok(conn
                .lookup_storage_pool_by_name("pool-1")?
                .list_all_volumes(0)?
                .iter()
                .map(|v| v.name().unwrap())
                .collect::<Vec<_>>())
        })
        .unwrap();
    assert!(vols.contains(&"shared.qcow2".to_string()), "{vols:?}");
    assert!(
        !vols.iter().any(|v| v == "base.qcow2" || v == "c1.qcow2"),
        "{vols:?}"
    );
    close(c);
}

/// Fifty machines: the dialog still fits the screen (the list scrolls, machines are
/// folded), and Cancel deletes nothing.
pub fn fifty_selected_machines_fit_one_dialog_and_cancel_keeps_them() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(50), "ui-delete-fifty");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "the host is listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    pump_until(T, "rows drawn", || {
        !drawn_rows(&c.model().list().view).is_empty()
    });
    c.model().list().selection.select_all();
    assert_eq!(c.model().list().selected().len(), 50);
    c.emit(hangar::ui::AppMsg::DeleteSelected);
    pump_until(T, "the dialog", || open_message_dialog().is_some());
    let dialog = open_message_dialog().unwrap();
    assert_eq!(dialog.heading().unwrap(), "Delete 50 Machines?");
    crate::harness::pump_for(Duration::from_millis(300));
    assert!(
        dialog.height() < 700,
        "fits the screen: {}",
        dialog.height()
    );
    assert!(dialog.width() < 800, "fits the screen: {}", dialog.width());
    let folded = find_widget::<adw::ExpanderRow>(&dialog, &|r| r.is_expanded());
    assert!(folded.is_none(), "fifty machines start folded");
    // No disk of these is in a pool: nothing for "all disks" to tick.
    let all =
        find_widget::<gtk::CheckButton>(&dialog, &|b| b.widget_name() == "all-disks").unwrap();
    assert!(!all.is_sensitive());
    screenshot(&dialog, "delete-fifty-machines");
    click_dialog_button(&dialog, "Cancel");
    pump_until(T, "the dialog closes", || open_message_dialog().is_none());
    crate::harness::pump_for(Duration::from_millis(300));
    assert_eq!(c.model().hosts[0].domains.len(), 50);
    close(c);
}
