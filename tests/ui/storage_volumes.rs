//! The Storage page: a pool's volumes with who uses them, the dialogs that create pools
//! and volumes (with errors under their fields), refusals that name their reason,
//! uploads and downloads with progress, and the lease and resize windows.
//!
//! With HANGAR_SCREENSHOTS=DIR set, each case also saves PNGs of what it shows.

use std::path::PathBuf;
use std::time::Duration;

use adw::prelude::*;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::dialogs::{
    entry, label, note_of, ok_button, screenshot, settle, shown_error, wait_window,
};
use crate::harness::{close, find_widget, launch, pump_until};
use crate::storage_pages::{expander, open, row_texts, toast_contains};

const T: Duration = Duration::from_secs(10);

/// The row of volume `name` in the expanded row of its pool.
pub(crate) fn volume_row(pool: &adw::ExpanderRow, name: &str) -> Option<adw::ActionRow> {
    find_widget::<adw::ActionRow>(pool, &|r| r.widget_name() == format!("volume:{name}"))
}

pub fn a_pool_lists_its_volumes_with_users_and_creates_one() {
    let (c, _dir) = open("ui-vol-create", "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    let images = expander(&page, "images");
    pump_until(T, "the pool's type", || {
        images.subtitle().starts_with("dir")
    });
    images.set_expanded(true);
    pump_until(T, "the volumes", || {
        volume_row(&images, "vm-1.qcow2").is_some()
    });
    let vm1 = volume_row(&images, "vm-1.qcow2").unwrap();
    let texts = row_texts(&vm1);
    assert!(texts.contains("used by vm-1"), "{texts}");
    assert!(texts.contains("qcow2"), "{texts}");
    let pool1 = expander(&page, "pool-1");
    pool1.set_expanded(true);
    pump_until(T, "pool-1's volumes", || {
        volume_row(&pool1, "disk-3.qcow2").is_some()
    });
    screenshot(c.widget(), "storage-page");
    let add = find_widget::<gtk::Button>(&pool1, &|b| {
        b.tooltip_text()
            .is_some_and(|t| t == "New volume in pool-1")
    })
    .expect("a New volume button");
    // Menus resolve their actions from inside the row, as this button does.
    let menu = find_widget::<gtk::MenuButton>(&pool1, &|_| true).unwrap();
    menu.activate_action("pool.refresh", None)
        .expect("the menu reaches the pool's actions");
    assert!(add.is_sensitive(), "the New volume button works");

    pool1.activate_action("pool.new-volume", None).unwrap();
    let dialog = wait_window::<adw::Window>("new-volume");
    entry(&dialog, "name").set_text("disk-1.qcow2");
    entry(&dialog, "size").set_text("0");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the errors", || {
        shown_error(&dialog, "size-error").is_some()
    });
    assert!(shown_error(&dialog, "size-error")
        .unwrap()
        .contains("larger than 0"));
    assert!(shown_error(&dialog, "name-error")
        .unwrap()
        .contains("already has"));
    screenshot(&dialog, "new-volume-errors");
    entry(&dialog, "name").set_text("new/disk");
    entry(&dialog, "size").set_text("2T");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the new errors", || {
        shown_error(&dialog, "size-error").is_some_and(|e| e.contains("whole pool"))
    });
    assert!(shown_error(&dialog, "name-error").unwrap().contains("“/”"));
    entry(&dialog, "name").set_text("web.qcow2");
    entry(&dialog, "size").set_text("20 GiB");
    // An overlay on disk-1.
    let backing = find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == "backing").unwrap();
    let model = backing
        .model()
        .unwrap()
        .downcast::<gtk::StringList>()
        .unwrap();
    let index = (0..model.n_items())
        .find(|i| model.string(*i).unwrap().starts_with("pool-1/disk-1.qcow2"))
        .expect("disk-1 is offered");
    backing.set_selected(index);
    screenshot(&dialog, "new-volume-overlay");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the volume is listed", || {
        volume_row(&pool1, "web.qcow2").is_some()
    });
    let web = volume_row(&pool1, "web.qcow2").unwrap();
    assert!(row_texts(&web).contains("backed by pool-1/disk-1.qcow2"));
    let disk1 = volume_row(&pool1, "disk-1.qcow2").unwrap();
    assert!(row_texts(&disk1).contains("backs pool-1/web.qcow2"));

    // The base cannot be deleted while the overlay needs it.
    disk1.activate_action("vol.delete", None).unwrap();
    let confirm = wait_window::<adw::MessageDialog>("");
    confirm.response("yes");
    toast_contains(&c, "backing store of pool-1/web.qcow2");
    assert!(volume_row(&pool1, "disk-1.qcow2").is_some());

    // From the row's own menu button, as a click on the menu item does.
    find_widget::<gtk::MenuButton>(&web, &|_| true)
        .unwrap()
        .activate_action("vol.chain", None)
        .unwrap();
    let chain = wait_window::<adw::Window>("backing-chain");
    let texts = row_texts(&chain);
    assert!(
        texts.contains("pool-1/web.qcow2") && texts.contains("pool-1/disk-1.qcow2"),
        "{texts}"
    );
    screenshot(&chain, "backing-chain");
    chain.close();

    // Clone: the copy appears (the test driver has no streams: libvirt copies it).
    web.activate_action("vol.clone", None).unwrap();
    let dialog = wait_window::<adw::Window>("clone-volume");
    assert_eq!(entry(&dialog, "value").text(), "web-copy.qcow2");
    assert!(note_of(&dialog).contains("stays a thin overlay"));
    screenshot(&dialog, "clone-volume");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the copy is listed", || {
        volume_row(&pool1, "web-copy.qcow2").is_some()
    });
    close(c);
}

pub fn the_new_pool_dialog_checks_then_defines_and_starts() {
    let (c, _dir) = open("ui-pool-create", "storage");
    crate::harness::shown(&c.model().storage)
        .create_button
        .emit_clicked();
    let dialog = wait_window::<adw::Window>("new-pool");
    entry(&dialog, "name").set_text("pool-1");
    entry(&dialog, "dir-target").set_text("relative/path");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the errors", || {
        shown_error(&dialog, "dir-target-error").is_some()
    });
    assert!(shown_error(&dialog, "name-error")
        .unwrap()
        .contains("already exists"));
    screenshot(&dialog, "new-pool-errors");
    let kind = find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == "type").unwrap();
    kind.set_selected(2);
    settle();
    assert!(entry(&dialog, "nfs-host").is_mapped());
    assert!(!entry(&dialog, "dir-target").is_mapped());
    screenshot(&dialog, "new-pool-nfs");
    kind.set_selected(4);
    settle();
    screenshot(&dialog, "new-pool-xml");
    kind.set_selected(0);
    entry(&dialog, "name").set_text("isos");
    entry(&dialog, "dir-target").set_text("/srv/isos");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the pool is listed and active", || {
        c.model().hosts[0]
            .store
            .pools
            .values()
            .any(|p| p.name == "isos" && p.active)
    });
    pump_until(T, "the dialog closes", || !dialog.is_visible());
    close(c);
}

pub fn a_pool_used_by_a_running_machine_is_not_stopped() {
    let (c, _dir) = open("ui-pool-used", "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    let images = expander(&page, "images");
    images.activate_action("pool.delete", None).unwrap();
    let confirm = wait_window::<adw::MessageDialog>("");
    screenshot(&confirm, "delete-pool-confirm");
    confirm.response("keep");
    toast_contains(&c, "running machines use its volumes: vm-1");
    close(c);
}

/// On the real libvirtd (HANGAR_REAL_LIBVIRT=1): a file is uploaded into a pool in a
/// temporary folder with a progress bar, a cancelled upload leaves nothing, and a
/// volume downloads back to a file.
pub fn uploads_show_progress_cancel_cleanly_and_download_back() {
    use hangar::core::storage::pool_plan::{PoolForm, PoolFormKind};
    use hangar::core::storage::pools::{self, CreateSteps};
    if std::env::var("HANGAR_REAL_LIBVIRT").as_deref() != Ok("1") {
        println!("uploads_show_progress_cancel_cleanly_and_download_back: skipped: set HANGAR_REAL_LIBVIRT=1");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(std::process::Command::new("bash")
        .arg(root.join("tests/support/libvirtd.sh"))
        .arg("start")
        .status()
        .unwrap()
        .success());
    let name = format!("hangar-ui-{}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    struct Cleanup(String, PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let virsh = |args: &[&str]| {
                let _ = std::process::Command::new("virsh")
                    .args(["-q", "-c", "qemu:///system"])
                    .args(args)
                    .output();
            };
            for vol in ["small.iso", "big.iso"] {
                virsh(&["vol-delete", "--pool", &self.0, vol]);
            }
            virsh(&["pool-destroy", &self.0]);
            virsh(&["pool-undefine", &self.0]);
            let _ = std::fs::remove_dir_all(&self.1);
            let _ = std::fs::remove_dir_all(self.1.with_extension("files"));
        }
    }
    let _cleanup = Cleanup(name.clone(), dir.clone());
    let files = dir.with_extension("files");
    std::fs::create_dir_all(&files).unwrap();
    let small = files.join("small.iso");
    let data: Vec<u8> = (0..2_000_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&small, &data).unwrap();
    let big = files.join("big.iso");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();

    let c = launch(vec![ConnectionSpec::new("qemu:///system")]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let form = PoolForm {
        name: name.clone(),
        kind: PoolFormKind::Dir {
            target: dir.display().to_string(),
        },
    };
    let steps = CreateSteps {
        build: true,
        start: true,
        autostart: false,
    };
    let uuid = c.model().hosts[0]
        .handle
        .call(move |conn| Ok(pools::create(conn, &form, steps)))
        .unwrap()
        .expect("pool");
    crate::harness::show_page(&c, "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    pump_until(T, "the pool's row", || {
        find_widget::<adw::ExpanderRow>(&page, &|r| r.widget_name() == name.as_str()).is_some()
    });
    let row = expander(&page, &name);
    row.set_expanded(true);

    crate::harness::shown(&c.model().storage).upload_path(&uuid, small.clone());
    let dialog = wait_window::<adw::Window>("upload-volume");
    assert_eq!(entry(&dialog, "value").text(), "small.iso");
    ok_button(&dialog).emit_clicked();
    toast_contains(&c, "Uploaded");
    pump_until(T, "the volume is listed", || {
        volume_row(&row, "small.iso").is_some()
    });
    assert_eq!(std::fs::read(dir.join("small.iso")).unwrap(), data);

    // A large upload: the bar moves, Cancel removes the half-made volume.
    crate::harness::shown(&c.model().storage).upload_path(&uuid, big.clone());
    let dialog = wait_window::<adw::Window>("upload-volume");
    ok_button(&dialog).emit_clicked();
    let progress = wait_window::<adw::Window>("progress");
    let bar = find_widget::<gtk::ProgressBar>(&progress, &|_| true).unwrap();
    pump_until(T, "the bar moves", || bar.fraction() > 0.0);
    screenshot(&progress, "upload-progress");
    find_widget::<gtk::Button>(&progress, &|b| {
        b.is_visible() && b.label().is_some_and(|l| l.contains("Cancel"))
    })
    .unwrap()
    .emit_clicked();
    toast_contains(&c, "Cancelled");
    assert!(
        !dir.join("big.iso").exists(),
        "the half-made volume is gone"
    );

    let back = files.join("back.iso");
    crate::harness::shown(&c.model().storage).download_path(&uuid, "small.iso", back.clone());
    toast_contains(&c, "Saved to");
    assert_eq!(std::fs::read(&back).unwrap(), data);
    close(c);
}

/// The leases window shows libvirt's answer (the test driver has no DHCP server and
/// says so); a resize that would shrink is refused under its field.
pub fn leases_and_resize_answer_in_their_windows() {
    let (c, _dir) = open("ui-leases", "networks");
    let page = crate::harness::shown(&c.model().networks).root.clone();
    expander(&page, "net-1")
        .activate_action("net.leases", None)
        .unwrap();
    let leases = wait_window::<adw::Window>("leases");
    pump_until(T, "libvirt's answer", || {
        label(&leases, "dialog-error").is_visible()
    });
    let err = label(&leases, "dialog-error").text().to_string();
    assert!(err.contains("Not supported"), "{err}");
    screenshot(&leases, "dhcp-leases");
    leases.close();

    crate::harness::show_page(&c, "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    let pool1 = expander(&page, "pool-1");
    pool1.set_expanded(true);
    pump_until(T, "the volumes", || {
        volume_row(&pool1, "disk-2.qcow2").is_some()
    });
    volume_row(&pool1, "disk-2.qcow2")
        .unwrap()
        .activate_action("vol.resize", None)
        .unwrap();
    let dialog = wait_window::<adw::Window>("resize-volume");
    assert_eq!(entry(&dialog, "value").text(), "20GiB");
    entry(&dialog, "value").set_text("5G");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the refusal", || {
        shown_error(&dialog, "value-error").is_some()
    });
    assert!(shown_error(&dialog, "value-error")
        .unwrap()
        .contains("larger than the current 20 GiB"));
    screenshot(&dialog, "resize-volume-error");
    dialog.close();
    close(c);
}
