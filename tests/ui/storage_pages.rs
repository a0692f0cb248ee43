//! The Networks page beyond its switches: details in the rows, the dialog that creates
//! a network (with errors under its fields), refusals that name their reason, the XML
//! editor; and what the page stack shows on the demo host. Pools and volumes are in
//! storage_volumes.rs.
//!
//! With HANGAR_SCREENSHOTS=DIR set, each case also saves PNGs of what it shows.

use std::path::PathBuf;
use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::{generate, NodeSpec};
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::App;
use relm4::prelude::*;

use crate::dialogs::{entry, label, ok_button, screenshot, settle, shown_error, wait_window};
use crate::harness::{close, find_widget, label_texts, launch, pump_until};

const T: Duration = Duration::from_secs(10);

/// A test-driver host whose node file also has a pool where the generated machines'
/// disks live (so "used by" shows), and a file to upload.
fn host(tag: &str) -> (String, PathBuf) {
    let xml = generate(&NodeSpec::with_domains(3)).replace(
        "</node>",
        "  <pool type='dir'><name>images</name><uuid>00000009-0000-4000-8000-000000000001</uuid>\
         <capacity unit='GiB'>100</capacity><allocation unit='GiB'>10</allocation>\
         <available unit='GiB'>90</available>\
         <target><path>/var/lib/libvirt/images</path></target>\
         <volume type='file'><name>vm-1.qcow2</name><capacity unit='GiB'>10</capacity>\
         <allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>\
         </pool>\n</node>",
    );
    let dir = std::env::temp_dir().join(format!("hangar-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("node.xml");
    std::fs::write(&file, xml).unwrap();
    (format!("test://{}", file.display()), dir)
}

pub(crate) fn open(tag: &str, page: &str) -> (Controller<App>, PathBuf) {
    let (uri, dir) = host(tag);
    let c = launch(vec![ConnectionSpec::labelled(uri, "Test host")]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    crate::harness::show_page(&c, page);
    settle();
    (c, dir)
}

pub(crate) fn expander(page: &gtk::Stack, name: &str) -> adw::ExpanderRow {
    find_widget::<adw::ExpanderRow>(page, &|r| r.widget_name() == name)
        .unwrap_or_else(|| panic!("a row for {name}"))
}

pub(crate) fn row_texts(row: &impl IsA<gtk::Widget>) -> String {
    label_texts(row).join("\n")
}

pub(crate) fn toast_contains(c: &Controller<App>, words: &str) {
    pump_until(T, &format!("a toast saying {words}"), || {
        c.model().toaster.last().is_some_and(|t| t.contains(words))
    });
}

pub fn a_network_row_shows_mode_addresses_and_dhcp_range() {
    let (c, _dir) = open("ui-net-details", "networks");
    let page = crate::harness::shown(&c.model().networks).root.clone();
    let row = expander(&page, "net-1");
    pump_until(T, "the details of net-1", || {
        row.subtitle().contains("DHCP 10.1.0.100–10.1.0.200")
    });
    let subtitle = row.subtitle().to_string();
    for words in ["Active", "NAT", "10.1.0.1/24", "bridge virbr1"] {
        assert!(subtitle.contains(words), "{subtitle}");
    }
    row.set_expanded(true);
    settle();
    let texts = row_texts(&row);
    assert!(texts.contains("10.1.0.100 – 10.1.0.200"), "{texts}");
    screenshot(c.widget(), "networks-page");
    find_widget::<gtk::MenuButton>(&row, &|_| true)
        .unwrap()
        .activate_action("net.leases", None)
        .expect("the menu reaches the network's actions");
    wait_window::<adw::Window>("leases").close();
    close(c);
}

pub fn the_new_network_dialog_refuses_bad_input_next_to_the_fields() {
    let (c, _dir) = open("ui-net-create", "networks");
    crate::harness::shown(&c.model().networks)
        .create_button
        .emit_clicked();
    let dialog = wait_window::<adw::Window>("new-network");
    entry(&dialog, "name").set_text("net-2");
    entry(&dialog, "subnet").set_text("10.1.0.0/16");
    assert_eq!(
        entry(&dialog, "dhcp-start").text(),
        "10.1.0.2",
        "a range is suggested"
    );
    entry(&dialog, "dhcp-end").set_text("10.2.0.9");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the errors", || {
        shown_error(&dialog, "subnet-error").is_some()
    });
    let subnet = shown_error(&dialog, "subnet-error").unwrap();
    assert!(subnet.contains("overlaps the network “net-1”"), "{subnet}");
    assert!(shown_error(&dialog, "name-error")
        .unwrap()
        .contains("already exists"));
    screenshot(&dialog, "new-network-errors");
    let names = |c: &Controller<App>| c.model().hosts[0].store.networks.len();
    assert_eq!(names(&c), 2, "nothing was defined");

    entry(&dialog, "name").set_text("lab");
    entry(&dialog, "subnet").set_text("10.213.9.0/24");
    entry(&dialog, "dhcp-start").set_text("10.213.9.50");
    entry(&dialog, "dhcp-end").set_text("10.213.10.9");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the range error", || {
        shown_error(&dialog, "dhcp-end-error").is_some_and(|e| e.contains("outside the network"))
    });
    assert_eq!(shown_error(&dialog, "subnet-error"), None);
    entry(&dialog, "dhcp-end").set_text("10.213.9.99");
    ok_button(&dialog).emit_clicked();
    pump_until(T, "the network is created and listed", || {
        c.model().hosts[0]
            .store
            .networks
            .values()
            .any(|n| n.name == "lab" && n.active)
    });
    pump_until(T, "the dialog closes", || !dialog.is_visible());
    let page = crate::harness::shown(&c.model().networks).root.clone();
    let row = expander(&page, "lab");
    pump_until(T, "its details", || {
        row.subtitle().contains("10.213.9.1/24")
    });
    close(c);
}

pub fn deleting_a_network_in_use_names_the_running_machines() {
    let (c, _dir) = open("ui-net-delete", "networks");
    let page = crate::harness::shown(&c.model().networks).root.clone();
    expander(&page, "net-1")
        .activate_action("net.delete", None)
        .unwrap();
    let confirm = wait_window::<adw::MessageDialog>("");
    screenshot(&confirm, "delete-network-confirm");
    confirm.response("yes");
    toast_contains(&c, "in use by running machines: vm-1, vm-2");
    assert!(c.model().hosts[0]
        .store
        .networks
        .values()
        .any(|n| n.name == "net-1"));
    close(c);
}

pub fn the_network_xml_editor_shows_libvirts_refusal_and_changes_nothing() {
    let (c, _dir) = open("ui-net-xml", "networks");
    let page = crate::harness::shown(&c.model().networks).root.clone();
    expander(&page, "net-2")
        .activate_action("net.edit-xml", None)
        .unwrap();
    let editor = wait_window::<adw::Window>("xml-editor");
    let view = find_widget::<gtk::TextView>(&editor, &|_| true).unwrap();
    let buffer = view.buffer();
    let text = buffer
        .text(&buffer.start_iter(), &buffer.end_iter(), false)
        .to_string();
    assert!(text.contains("<name>net-2</name>"), "{text}");
    buffer.set_text(&text.replace("</network>", "  <bogus/>\n</network>"));
    ok_button(&editor).emit_clicked();
    pump_until(T, "libvirt's error", || {
        label(&editor, "dialog-error").is_visible()
    });
    let err = label(&editor, "dialog-error").text().to_string();
    assert!(err.contains("bogus"), "{err}");
    assert!(editor.is_visible(), "the editor stays open to fix it");
    screenshot(&editor, "network-xml-error");
    let xml = c.model().hosts[0]
        .handle
        .call(|conn| Ok(conn.lookup_network_by_name("net-2")?.xml_desc(0)?))
        .unwrap();
    assert!(!xml.contains("bogus"));
    editor.close();
    close(c);
}

/// The bundled demo host: every network and pool row gets its details, every pool
/// lists its volumes (and the screenshots show the pages as a newcomer sees them).
pub fn the_demo_host_shows_its_networks_and_storage() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo.xml");
    let c = launch(vec![ConnectionSpec::labelled(
        format!("test://{}", demo.display()),
        "Demo",
    )]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    crate::harness::show_page(&c, "networks");
    let page = crate::harness::shown(&c.model().networks).root.clone();
    let names: Vec<String> = c.model().hosts[0]
        .store
        .networks
        .values()
        .map(|n| n.name.clone())
        .collect();
    assert!(!names.is_empty());
    for name in &names {
        let row = expander(&page, name);
        pump_until(T, &format!("the details of {name}"), || {
            row.subtitle().contains(" · ")
        });
    }
    expander(&page, &names[0]).set_expanded(true);
    screenshot(c.widget(), "demo-networks");
    crate::harness::show_page(&c, "storage");
    let page = crate::harness::shown(&c.model().storage).root.clone();
    let pools: Vec<(String, bool)> = c.model().hosts[0]
        .store
        .pools
        .values()
        .map(|p| (p.name.clone(), p.active))
        .collect();
    for (name, active) in &pools {
        let row = expander(&page, name);
        row.set_expanded(true);
        pump_until(T, &format!("the volumes of {name}"), || {
            find_widget::<adw::ActionRow>(&row, &|r| {
                r.title() == "Volumes" && r.subtitle().is_some_and(|s| !s.is_empty())
            })
            .is_some()
        });
        if *active {
            assert!(
                find_widget::<adw::ActionRow>(&row, &|r| r.widget_name().starts_with("volume:"))
                    .is_some(),
                "{name} lists volumes"
            );
        }
    }
    screenshot(c.widget(), "demo-storage");
    close(c);
}
