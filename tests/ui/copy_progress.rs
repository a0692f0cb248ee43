//! On the real libvirtd (HANGAR_REAL_LIBVIRT=1): cloning a volume shows what each kind
//! of copy does, a progress bar that moves and a Cancel that deletes the unfinished
//! copy and says so; a conversion to qcow2 finishes as a new volume.

use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::Duration;

use adw::prelude::*;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::dialogs::{note_of, ok_button, screenshot, wait_window};
use crate::harness::{close, find_widget, launch, pump_until};
use crate::storage_pages::{expander, toast_contains};
use crate::storage_volumes::volume_row;

const T: Duration = Duration::from_secs(20);

pub fn a_clone_shows_progress_and_cancel_deletes_the_unfinished_copy() {
    if std::env::var("HANGAR_REAL_LIBVIRT").as_deref() != Ok("1") {
        println!("a_clone_shows_progress_and_cancel_deletes_the_unfinished_copy: skipped: set HANGAR_REAL_LIBVIRT=1");
        return;
    }
    crate::common::support("libvirtd.sh", &["start"]);
    let name = format!("many-ui-{}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    struct Cleanup(String, PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let virsh = |args: &[&str]| {
                let _ = std::process::Command::new("virsh")
                    .args(["-q", "-c", "qemu:///system"])
                    .args(args)
                    .output();
            };
            virsh(&["pool-destroy", &self.0]);
            virsh(&["pool-undefine", &self.0]);
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    let _cleanup = Cleanup(name.clone(), dir.clone());

    let c = launch(vec![ConnectionSpec::new("qemu:///system")]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    // A thin 16 GiB disk holding 768 MiB: several seconds to copy.
    let (n, d) = (name.clone(), dir.display().to_string());
    c.model().hosts[0]
        .handle
        .call(move |conn| {
            let pool = conn.define_storage_pool_xml(
                &format!(
                    "<pool type='dir'><name>{n}</name><target><path>{d}</path></target></pool>"
                ),
                0,
            )?;
            pool.create(0)?;
            virt::storage_vol::StorageVol::create_xml(
                &pool,
                "<volume><name>big.raw</name><capacity unit='GiB'>16</capacity>\
                 <allocation>0</allocation><target><format type='raw'/></target></volume>",
                0,
            )?;
            Ok(())
        })
        .unwrap();
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("big.raw"))
            .unwrap();
        let chunk = vec![0x77u8; 8 << 20];
        for i in 0..96u64 {
            f.seek(SeekFrom::Start(i * (160 << 20))).unwrap();
            f.write_all(&chunk).unwrap();
        }
    }
    crate::harness::show_page(&c, "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    pump_until(T, "the pool's row", || {
        find_widget::<adw::ExpanderRow>(&page, &|r| r.widget_name() == name.as_str()).is_some()
    });
    let row = expander(&page, &name);
    row.set_expanded(true);
    pump_until(T, "the volume", || volume_row(&row, "big.raw").is_some());
    let big = volume_row(&row, "big.raw").unwrap();

    big.activate_action("vol.clone", None).unwrap();
    let dialog = wait_window::<adw::Window>("clone-volume");
    let kind = find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == "choice").unwrap();
    assert!(
        note_of(&dialog).contains("Cancel stops at once"),
        "the exact copy says what Cancel does"
    );
    kind.set_selected(1);
    assert!(note_of(&dialog).contains("host cannot interrupt"));
    let name = crate::dialogs::entry(&dialog, "value");
    assert_eq!(name.text(), "big-copy.qcow2", "the name follows the format");
    screenshot(&dialog, "clone-volume-convert");
    kind.set_selected(0);
    assert_eq!(name.text(), "big-copy.raw");
    ok_button(&dialog).emit_clicked();
    let progress = wait_window::<adw::Window>("progress");
    let bar = find_widget::<gtk::ProgressBar>(&progress, &|_| true).unwrap();
    pump_until(T, "the bar moves", || bar.fraction() > 0.0);
    assert!(
        bar.text().unwrap().contains(" of 16 GiB"),
        "{:?}",
        bar.text()
    );
    screenshot(&progress, "clone-progress");
    find_widget::<gtk::Button>(&progress, &|b| {
        b.is_visible() && b.label().is_some_and(|l| l.contains("Cancel"))
    })
    .unwrap()
    .emit_clicked();
    toast_contains(&c, "Cancelled: the unfinished copy was deleted");
    assert!(!dir.join("big-copy.raw").exists(), "no file left");
    pump_until(T, "the progress window closes", || !progress.is_visible());
    pump_until(T, "the list has no copy", || {
        volume_row(&row, "big.raw").is_some() && volume_row(&row, "big-copy.raw").is_none()
    });

    // A conversion: the progress is estimated, the new volume is qcow2.
    let big = volume_row(&row, "big.raw").unwrap();
    big.activate_action("vol.clone", None).unwrap();
    let dialog = wait_window::<adw::Window>("clone-volume");
    find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == "choice")
        .unwrap()
        .set_selected(1);
    crate::dialogs::entry(&dialog, "value").set_text("big.qcow2");
    ok_button(&dialog).emit_clicked();
    let progress = wait_window::<adw::Window>("progress");
    let bar = find_widget::<gtk::ProgressBar>(&progress, &|_| true).unwrap();
    pump_until(T, "an estimate or the end", || {
        bar.text().is_some_and(|t| t.contains("about"))
            || c.model()
                .toaster
                .last()
                .is_some_and(|t| t.contains("copied"))
    });
    if progress.is_visible() {
        screenshot(&progress, "convert-progress");
    }
    toast_contains(&c, "Volume copied");
    pump_until(T, "the converted volume is listed", || {
        volume_row(&row, "big.qcow2")
            .is_some_and(|r| r.subtitle().is_some_and(|s| s.starts_with("qcow2")))
    });
    close(c);
}
