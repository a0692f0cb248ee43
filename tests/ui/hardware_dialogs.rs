//! The details view's dialogs in the real window, on the test driver: a snapshot's
//! Revert asks first and says what is lost, then the machine is as it was; the CD-ROM
//! media dialog inserts and ejects; a network card is added (a bad MAC refused at its
//! field) and removed after a question.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::App;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::dialogs::{entry, ok_button, screenshot, shown_error, wait_window};
use crate::harness::{close, find_widget, label_texts, launch, pump_until};
use crate::machines::{click_dialog_button, open_message_dialog};

const T: Duration = Duration::from_secs(10);

fn launched(tag: &str) -> Controller<App> {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(10), tag);
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    c
}

fn button(root: &impl IsA<gtk::Widget>, label: &str) -> gtk::Button {
    find_widget::<gtk::Button>(root, &|b| b.label().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("a button {label:?}"))
}

fn by_tooltip(root: &impl IsA<gtk::Widget>, tooltip: &str) -> gtk::Button {
    find_widget::<gtk::Button>(root, &|b| b.tooltip_text().as_deref() == Some(tooltip))
        .unwrap_or_else(|| panic!("a button {tooltip:?}"))
}

/// The "Change Media…" button of the drive's row.
fn change_media(root: &impl IsA<gtk::Widget>, drive: &str) -> gtk::Button {
    find_widget::<gtk::Button>(root, &|b| {
        b.label().as_deref() == Some("Change Media…")
            && b.ancestor(adw::ExpanderRow::static_type())
                .is_some_and(|r| r.widget_name() == drive)
    })
    .unwrap_or_else(|| panic!("Change Media… on {drive}"))
}

fn show_tab(root: &impl IsA<gtk::Widget>, name: &str) {
    find_widget::<adw::ViewStack>(root, &|_| true)
        .unwrap()
        .set_visible_child_name(name);
}

pub fn reverting_a_snapshot_says_what_is_lost_and_brings_the_machine_back() {
    let c = launched("ui-revert");
    crate::details::open(&c, "vm-10");
    let view = c.model().machines.built_details().expect("opened").clone();
    let page = view.snapshots.clone();
    page.name.set_text("known good");
    page.take.emit_clicked();
    pump_until(T, "the snapshot is listed", || {
        page.shown.borrow().iter().any(|s| s.name == "known good")
    });
    // Then the machine changes: a title, given in the XML tab.
    let xml = view.xml.text();
    view.xml.set_text(&xml.replacen(
        "<name>vm-10</name>",
        "<name>vm-10</name>\n  <title>changed since</title>",
        1,
    ));
    view.xml.save_button().emit_clicked();
    let title = || view.last.borrow().as_ref().unwrap().config.title.clone();
    pump_until(T, "the change shows", || {
        title().as_deref() == Some("changed since")
    });

    let revert = find_widget::<gtk::Button>(&page.root, &|b| {
        b.label().as_deref() == Some("Revert")
            && b.ancestor(adw::ActionRow::static_type())
                .is_some_and(|r| r.widget_name() == "known good")
    })
    .expect("a Revert button on the snapshot");
    // Cancel first: nothing happens.
    revert.emit_clicked();
    pump_until(T, "a question", || open_message_dialog().is_some());
    click_dialog_button(&open_message_dialog().unwrap(), "Cancel");
    crate::harness::pump_for(Duration::from_millis(300));
    assert_eq!(title().as_deref(), Some("changed since"));

    revert.emit_clicked();
    pump_until(T, "a question", || open_message_dialog().is_some());
    let ask = open_message_dialog().unwrap();
    assert_eq!(ask.heading().unwrap(), "Revert to “known good”?");
    assert_eq!(
        ask.body(),
        "The machine's disks, and its memory if the snapshot has it, go back to that moment. Everything written since then is lost."
    );
    screenshot(&ask, "snapshot-revert-question");
    click_dialog_button(&ask, "Revert");
    pump_until(T, "the machine as it was", || title().is_none());
    assert!(page
        .shown
        .borrow()
        .iter()
        .any(|s| s.name == "known good" && s.current));
    close(c);
}

pub fn the_media_dialog_inserts_and_ejects() {
    let c = launched("ui-media");
    crate::details::open(&c, "vm-10");
    let view = c.model().machines.built_details().expect("opened").clone();
    show_tab(&view.root, "hardware");
    button(&view.root, "Add CD-ROM Drive").emit_clicked();
    pump_until(T, "an empty drive", || {
        label_texts(&view.root)
            .iter()
            .any(|t| t.ends_with(" — (empty)"))
    });
    let drive = label_texts(&view.root)
        .into_iter()
        .find_map(|t| t.strip_suffix(" — (empty)").map(str::to_string))
        .unwrap();

    change_media(&view.root, &drive).emit_clicked();
    let dialog = wait_window::<adw::Window>("change-media");
    // A volume of a pool: pool-1's first volume.
    let combo = |name: &str| {
        find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(combo("source").selected(), 1, "a volume is offered first");
    combo("pool").set_selected(0);
    combo("volume").set_selected(0);
    // An image file instead, with a relative path: refused in words, the dialog stays.
    combo("source").set_selected(2);
    entry(&dialog, "path").set_text("debian.iso");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the refusal", || {
        label_texts(&dialog)
            .iter()
            .any(|t| t.contains("full path of the image"))
    });
    entry(&dialog, "path").set_text("/srv/iso/debian-12.iso");
    screenshot(&dialog, "change-media");
    ok_button(&dialog).emit_clicked();
    let shown = format!("{drive} — /srv/iso/debian-12.iso");
    pump_until(T, "the disc in the drive", || {
        label_texts(&view.root).contains(&shown)
    });
    assert_eq!(
        c.model().toaster.last().unwrap(),
        format!("Inserted the media in {drive}")
    );

    change_media(&view.root, &drive).emit_clicked();
    let dialog = wait_window::<adw::Window>("change-media");
    find_widget::<adw::ComboRow>(&dialog, &|r| r.widget_name() == "source")
        .unwrap()
        .set_selected(0);
    assert_eq!(ok_button(&dialog).label().as_deref(), Some("_Eject"));
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the drive empty again", || {
        label_texts(&view.root).contains(&format!("{drive} — (empty)"))
    });
    assert_eq!(
        c.model().toaster.last().unwrap(),
        format!("Ejected the media from {drive}")
    );
    close(c);
}

pub fn a_card_is_added_in_the_dialog_and_removed_after_a_question() {
    let c = launched("ui-nic");
    crate::details::open(&c, "vm-10");
    let view = c.model().machines.built_details().expect("opened").clone();
    show_tab(&view.root, "hardware");
    let mac = "52:54:00:4e:11:c0";
    button(&view.root, "Add Network Interface…").emit_clicked();
    let dialog = wait_window::<adw::Window>("add-nic");
    entry(&dialog, "mac").set_text("52:54:00:zz:11");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the MAC refused at its field", || {
        shown_error(&dialog, "mac-error").is_some()
    });
    screenshot(&dialog, "add-nic-bad-mac");
    entry(&dialog, "mac").set_text(mac);
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the card listed", || {
        find_widget::<adw::ActionRow>(&view.root, &|r| r.widget_name() == mac).is_some()
    });
    assert!(!dialog.is_visible(), "the dialog closed");
    assert_eq!(
        c.model().toaster.last().unwrap(),
        format!("Added the network interface {mac}")
    );
    let stored = view.last.borrow().as_ref().unwrap().config_xml.clone();
    assert!(
        stored.contains(&format!("<mac address='{mac}'/>")),
        "{stored}"
    );

    by_tooltip(&view.root, &format!("Remove the network interface {mac}")).emit_clicked();
    pump_until(T, "a question", || open_message_dialog().is_some());
    let ask = open_message_dialog().unwrap();
    assert_eq!(
        ask.heading().unwrap(),
        format!("Remove the network interface {mac}?")
    );
    click_dialog_button(&ask, "Remove");
    pump_until(T, "the card gone", || {
        find_widget::<adw::ActionRow>(&view.root, &|r| r.widget_name() == mac).is_none()
    });
    assert_eq!(
        c.model().toaster.last().unwrap(),
        format!("Removed the network interface {mac}")
    );
    let stored = view.last.borrow().as_ref().unwrap().config_xml.clone();
    assert!(!stored.contains(mac), "{stored}");
    close(c);
}

/// A shut-off machine's overlay: its row opens onto each backing layer, path and
/// format, though the stored XML names none.
pub fn a_shut_off_overlay_lists_its_backing_layers() {
    use hangar::core::details::disk_add::{add, DiskImage, DiskRequest};
    let c = launched("ui-chain");
    let handle = c.model().hosts[0].handle.clone();
    handle
        .call(|conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            let make = |xml: &str| virt::storage_vol::StorageVol::create_xml(&pool, xml, 0);
            make("<volume><name>base.img</name><capacity unit='MiB'>64</capacity><target><format type='raw'/></target></volume>")?;
            make("<volume><name>top.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target>\
                  <backingStore><path>/var/lib/libvirt/pool-1/base.img</path><format type='raw'/></backingStore></volume>")?;
            let uuid = conn.lookup_domain_by_name("vm-10")?.uuid_string()?;
            let request = DiskRequest {
                image: DiskImage::Existing {
                    pool: "pool-1".into(),
                    volume: "top.qcow2".into(),
                },
                bus: "virtio".into(),
                target: "vdb".into(),
            };
            add(conn, &uuid, &request).map_err(|e| hangar::core::error::UserError::invalid(format!("{e:?}")))?;
            Ok(())
        })
        .unwrap();
    crate::details::open(&c, "vm-10");
    let view = c.model().machines.built_details().expect("opened").clone();
    show_tab(&view.root, "hardware");
    let row = find_widget::<adw::ExpanderRow>(&view.root, &|r| r.widget_name() == "vdb")
        .expect("vdb's row");
    assert!(row.enables_expansion(), "vdb opens onto its layers");
    row.set_expanded(true);
    let texts = label_texts(&row);
    assert!(
        texts
            .iter()
            .any(|t| t == "/var/lib/libvirt/pool-1/base.img")
            && texts.iter().any(|t| t == "backing layer 1 · raw"),
        "{texts:?}"
    );
    if std::env::var_os("HANGAR_SCREENSHOTS").is_some() {
        // A later refresh may have drawn the rows anew: open the one on screen.
        crate::harness::pump_for(Duration::from_millis(500));
        find_widget::<adw::ExpanderRow>(&view.root, &|r| r.widget_name() == "vdb")
            .unwrap()
            .set_expanded(true);
        screenshot(&view.root, "hardware-shut-off-chain");
    }
    close(c);
}
