//! The Networks and Storage pages beyond their switches: details in the rows, the
//! dialogs that create networks, pools and volumes (with errors under their fields),
//! refusals that name their reason, the XML editor, uploads with progress.
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

fn open(tag: &str, page: &str) -> (Controller<App>, PathBuf) {
    let (uri, dir) = host(tag);
    let c = launch(vec![ConnectionSpec::labelled(uri, "Test host")]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    crate::harness::show_page(&c, page);
    settle();
    (c, dir)
}

/// Lets GTK lay out and draw what changed.
pub fn settle() {
    let ctx = gtk::glib::MainContext::default();
    let end = std::time::Instant::now() + Duration::from_millis(300);
    while std::time::Instant::now() < end {
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Saves a PNG of `widget` to $HANGAR_SCREENSHOTS/NAME.png when that is set.
pub fn screenshot(widget: &impl IsA<gtk::Widget>, name: &str) {
    let Ok(dir) = std::env::var("HANGAR_SCREENSHOTS") else {
        return;
    };
    // Row expansions animate; let them finish before drawing.
    for _ in 0..3 {
        settle();
    }
    let widget = widget.as_ref();
    let (w, h) = (widget.width(), widget.height());
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, w as f64, h as f64);
    let Some(node) = snapshot.to_node() else {
        return;
    };
    let Some(native) = widget.native() else {
        return;
    };
    let Some(renderer) = native.renderer() else {
        return;
    };
    let texture = renderer.render_texture(
        &node,
        Some(&gtk::graphene::Rect::new(0.0, 0.0, w as f32, h as f32)),
    );
    std::fs::create_dir_all(&dir).unwrap();
    texture
        .save_to_png(PathBuf::from(dir).join(format!("{name}.png")))
        .unwrap();
}

/// A visible top-level window of type `T` whose widget name is `name`.
fn toplevel<T: IsA<gtk::Widget>>(name: &str) -> Option<T> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter(|w| w.is_visible())
        .find_map(|w| {
            let t = w.downcast::<T>().ok()?;
            (name.is_empty() || t.widget_name() == name).then_some(t)
        })
}

pub fn wait_window<T: IsA<gtk::Widget>>(name: &str) -> T {
    pump_until(T, &format!("the window {name}"), || {
        toplevel::<T>(name).is_some()
    });
    toplevel(name).unwrap()
}

pub fn entry(window: &impl IsA<gtk::Widget>, name: &str) -> adw::EntryRow {
    find_widget::<adw::EntryRow>(window, &|r| r.widget_name() == name)
        .unwrap_or_else(|| panic!("an entry named {name}"))
}

pub fn label(window: &impl IsA<gtk::Widget>, name: &str) -> gtk::Label {
    find_widget::<gtk::Label>(window, &|l| l.widget_name() == name)
        .unwrap_or_else(|| panic!("a label named {name}"))
}

pub fn shown_error(window: &impl IsA<gtk::Widget>, name: &str) -> Option<String> {
    let l = label(window, name);
    let row = l.parent().unwrap();
    row.is_visible().then(|| l.text().to_string())
}

/// The note under the clone dialog's drop-down.
pub fn note_of(dialog: &impl IsA<gtk::Widget>) -> String {
    label(dialog, "choice-note").label().to_string()
}

pub fn ok_button(window: &impl IsA<gtk::Widget>) -> gtk::Button {
    find_widget::<gtk::Button>(window, &|b| b.widget_name() == "ok").expect("the OK button")
}

pub(crate) fn expander(page: &gtk::Stack, name: &str) -> adw::ExpanderRow {
    find_widget::<adw::ExpanderRow>(page, &|r| r.widget_name() == name)
        .unwrap_or_else(|| panic!("a row for {name}"))
}

fn row_texts(row: &impl IsA<gtk::Widget>) -> String {
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
