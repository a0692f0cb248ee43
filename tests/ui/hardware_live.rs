//! The Hardware page on the system libvirtd with the tiny real guest running (needs
//! HANGAR_REAL_LIBVIRT=1 and root): the link switch reaches the running guest, and a
//! disk the paused guest cannot let go of is reported as such, its volume kept, and
//! leaves the list by itself once the guest releases it.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::details::disk_add;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::core::xml::DomainXml;
use relm4::prelude::*;

use crate::common::hw_guest::Fixture;
use crate::harness::{close, find_widget, label_texts, launch, pump_until};

const T: Duration = Duration::from_secs(30);

pub fn a_running_real_guest_changes_from_the_hardware_page() {
    if !crate::common::real_libvirt() {
        return;
    }
    let f = Fixture::new("ui");
    f.make_volume("held.qcow2", None);
    f.boot();
    disk_add::add(&f.conn, &f.uuid(), &f.existing("held.qcow2", "vdb")).unwrap();
    let c = launch(vec![ConnectionSpec::new("qemu:///system")]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    let name = f.dom.name().unwrap();
    crate::details::open(&c, &name);
    let details = c.model().machines.built_details().expect("opened").clone();
    find_widget::<adw::ViewStack>(&details.root, &|_| true)
        .unwrap()
        .set_visible_child_name("hardware");

    // The link: off in the running guest and in its stored definition.
    let link = find_widget::<gtk::Switch>(&details.hardware.borrow().root, &|s| {
        s.tooltip_text().is_some_and(|t| t.starts_with("Link"))
    })
    .expect("a link switch");
    link.set_active(false);
    pump_until(T, "the guest's link is down", || {
        details
            .last
            .borrow()
            .as_ref()
            .is_some_and(|d| d.live.interfaces[0].link_state.as_deref() == Some("down"))
    });
    let live = DomainXml::parse(&f.xml(false)).unwrap();
    assert_eq!(live.interfaces[0].link_state.as_deref(), Some("down"));
    let stored = DomainXml::parse(&f.xml(true)).unwrap();
    assert_eq!(stored.interfaces[0].link_state.as_deref(), Some("down"));

    // A paused guest cannot answer the unplug: said so, and its volume stays.
    f.dom.suspend().unwrap();
    find_widget::<gtk::Button>(&details.root, &|b| {
        b.tooltip_text().as_deref() == Some("Remove vdb")
    })
    .unwrap()
    .emit_clicked();
    pump_until(T, "the question", || {
        crate::machines::open_message_dialog().is_some()
    });
    let ask = crate::machines::open_message_dialog().unwrap();
    assert!(label_texts(&ask)
        .iter()
        .any(|t| t.starts_with("The machine is running: this applies now")));
    find_widget::<gtk::CheckButton>(&ask, &|b| b.widget_name() == "delete-volume")
        .unwrap()
        .set_active(true);
    crate::dialogs::screenshot(&ask, "remove-disk-running");
    crate::machines::click_dialog_button(&ask, "Remove");
    pump_until(T, "the honest answer", || {
        c.model()
            .toaster
            .last()
            .is_some_and(|t| t.contains("has not released the disk vdb yet"))
    });
    assert!(c
        .model()
        .toaster
        .last()
        .unwrap()
        .contains("Its volume was not deleted"));
    assert!(f.volume_exists("held.qcow2"));
    assert!(label_texts(&details.root)
        .iter()
        .any(|t| t.starts_with("vdb — ")));
    crate::dialogs::screenshot(&details.root, "hardware-running-guest");

    // Once the guest runs again it lets go, and the list follows libvirt's event.
    f.dom.resume().unwrap();
    pump_until(T, "vdb leaves the list", || {
        !label_texts(&details.root)
            .iter()
            .any(|t| t.starts_with("vdb — "))
    });
    close(c);
}
