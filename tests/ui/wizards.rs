//! The clone and new-machine wizards in the real window, on libvirt's test driver:
//! every step through the real Next buttons, and what libvirt holds afterwards.
//! With HANGAR_SCREENSHOTS=DIR set, each page is saved as a PNG.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use adw::prelude::*;
use hangar::core::clone::template::mark_template;
use hangar::core::clone::DiskMode;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::{ConnectionHandle, ConnectionSpec};
use hangar::ui::wizards::clone_wizard::CloneWizard;
use hangar::ui::wizards::frame::shown_error;
use hangar::ui::wizards::new_vm_wizard::{CreatedVm, NewVmWizard};
use hangar::ui::App;
use relm4::prelude::*;
use virt::storage_vol::StorageVol;
use virt::sys;

use crate::common::node_uri;
use crate::harness::{close, label_texts, launch, pump_for, pump_until};

const T: Duration = Duration::from_secs(15);
const GIB: u64 = 1 << 30;
const BASE: &str = "/var/lib/libvirt/pool-1/base.qcow2";

fn host(tag: &str) -> Controller<App> {
    let spec = NodeSpec {
        domains: 2,
        networks: 1,
        pools: 2,
        volumes_per_pool: 1,
        name_prefix: "vm".into(),
    };
    let (uri, _dir) = node_uri(&spec, tag);
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "the host is live", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    c
}

fn handle(c: &Controller<App>) -> ConnectionHandle {
    c.model().hosts[0].handle.clone()
}

/// A shut-off machine "tmpl" whose vda is the qcow2 volume pool-1/base.qcow2,
/// marked as a template on the window's own connection. Returns its UUID.
fn make_template(h: &ConnectionHandle) -> String {
    h.call(|conn| {
        let pool = conn.lookup_storage_pool_by_name("pool-1")?;
        let vol = format!(
            "<volume><name>base.qcow2</name><capacity unit='bytes'>{}</capacity>\
             <target><format type='qcow2'/></target></volume>",
            4 * GIB
        );
        StorageVol::create_xml(&pool, &vol, 0)?;
        let xml = format!(
            "<domain type='test'><name>tmpl</name><memory unit='KiB'>262144</memory><vcpu>1</vcpu>\
             <os><type arch='i686'>hvm</type></os><devices>\
             <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{BASE}'/>\
             <target dev='vda' bus='virtio'/></disk>\
             <interface type='network'><mac address='52:54:00:aa:00:01'/><source network='net-1'/></interface>\
             </devices></domain>"
        );
        let uuid = conn.define_domain_xml(&xml)?.uuid_string()?;
        mark_template(conn, &uuid)?;
        Ok(uuid)
    })
    .unwrap()
}

fn domain_names(h: &ConnectionHandle) -> Vec<String> {
    let mut names = h
        .call(|conn| {
            Ok(conn
                .list_all_domains(0)?
                .iter()
                .map(|d| d.name().unwrap())
                .collect::<Vec<_>>())
        })
        .unwrap();
    names.sort();
    names
}

/// Saves a PNG of `window` to $HANGAR_SCREENSHOTS/NAME.png when that is set.
fn screenshot(window: &impl IsA<gtk::Widget>, name: &str) {
    let Ok(dir) = std::env::var("HANGAR_SCREENSHOTS") else {
        return;
    };
    pump_for(Duration::from_millis(400));
    let widget = window.as_ref();
    let (w, h) = (widget.width(), widget.height());
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, w as f64, h as f64);
    let (Some(node), Some(native)) = (snapshot.to_node(), widget.native()) else {
        return;
    };
    let Some(renderer) = native.renderer() else {
        return;
    };
    let rect = gtk::graphene::Rect::new(0.0, 0.0, w as f32, h as f32);
    let texture = renderer.render_texture(&node, Some(&rect));
    std::fs::create_dir_all(&dir).unwrap();
    texture
        .save_to_png(PathBuf::from(dir).join(format!("{name}.png")))
        .unwrap();
}

fn click_next(frame: &hangar::ui::wizards::frame::Frame, to: usize, what: &str) {
    frame.next.emit_clicked();
    pump_until(T, what, || frame.current() == to);
}

pub fn a_wizard_makes_three_linked_clones_from_a_pattern() {
    let c = host("wiz-clone");
    let h = handle(&c);
    let uuid = make_template(&h);
    let toaster = c.model().toaster.clone();
    let w = CloneWizard::open(c.widget(), h.clone(), Some(uuid.clone()), toaster);
    pump_until(T, "the templates are listed", || {
        w.template.selected().is_some()
    });
    assert_eq!(w.template.selected().as_deref(), Some(uuid.as_str()));
    assert!(label_texts(&w.template.root)
        .iter()
        .any(|l| l.contains("0 linked clones")));
    screenshot(&w.frame.window, "clone-1-template");
    click_next(&w.frame, 1, "the names page");

    w.names.several.set_active(true);
    w.names.pattern.row.set_text("web-{n}");
    w.names.count.set_value(3.0);
    w.names.first.set_value(1.0);
    pump_for(Duration::from_millis(50));
    assert_eq!(w.names.preview.label(), "Creates web-1, web-2, web-3");
    screenshot(&w.frame.window, "clone-2-names");
    click_next(&w.frame, 2, "the disks page");

    {
        let disks = w.disks.disks.borrow();
        assert_eq!(disks.len(), 1);
        assert_eq!(
            disks[0].choice().mode,
            DiskMode::Linked,
            "qcow2 defaults to linked"
        );
        // Share is greyed out with its reason.
        let share = &disks[0]
            .modes
            .iter()
            .find(|(m, _)| *m == DiskMode::Share)
            .unwrap()
            .1;
        let row = share.ancestor(adw::ActionRow::static_type()).unwrap();
        assert!(!row.is_sensitive());
        assert!(row.tooltip_text().is_some_and(|t| !t.is_empty()));
    }
    screenshot(&w.frame.window, "clone-3-disks");
    click_next(&w.frame, 3, "the options page");
    screenshot(&w.frame.window, "clone-4-options");
    click_next(&w.frame, 4, "the summary page");
    let summary = label_texts(&w.frame.stack.visible_child().unwrap());
    assert!(summary.iter().any(|l| l.contains("web-2")), "{summary:?}");
    screenshot(&w.frame.window, "clone-5-summary");
    w.frame.next.emit_clicked();
    pump_until(T, "the clones are made", || w.run.outcome().is_some());
    screenshot(&w.frame.window, "clone-6-progress");
    assert_eq!(
        w.run.outcome().as_deref(),
        Some("Created web-1, web-2, web-3")
    );
    assert!(!w.run.result.has_css_class("error"));

    let names = domain_names(&h);
    for n in ["web-1", "web-2", "web-3"] {
        assert!(names.contains(&n.to_string()), "{n} in {names:?}");
        let name = n.to_string();
        let vol_xml = h
            .call(move |conn| {
                let dom = conn.lookup_domain_by_name(&name)?;
                let xml = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?;
                let start = xml.find("<source file='").unwrap() + 14;
                let path = &xml[start..start + xml[start..].find('\'').unwrap()];
                assert_ne!(path, BASE, "the clone has its own image");
                Ok(conn.lookup_storage_vol_by_path(path)?.xml_desc(0)?)
            })
            .unwrap();
        let backing = &vol_xml[vol_xml.find("<backingStore>").expect("an overlay")..];
        assert!(backing.contains(BASE), "{vol_xml}");
    }
    w.run.close.emit_clicked();
    close(c);
}

pub fn a_wizard_refuses_a_bad_name_next_to_the_field() {
    let c = host("wiz-badname");
    let h = handle(&c);
    let uuid = make_template(&h);
    let before = domain_names(&h);
    let w = CloneWizard::open(c.widget(), h.clone(), Some(uuid), c.model().toaster.clone());
    pump_until(T, "the templates are listed", || {
        w.template.selected().is_some()
    });
    click_next(&w.frame, 1, "the names page");
    w.names.name.row.set_text("a/b");
    w.frame.next.emit_clicked();
    pump_for(Duration::from_millis(300));
    assert_eq!(w.frame.current(), 1, "Next stays on the names page");
    assert_eq!(
        w.names.name.error().as_deref(),
        Some("A name cannot contain “/”")
    );
    assert!(w.names.name.row.has_css_class("error"));
    assert_eq!(shown_error(&w.names.count_error), None);
    screenshot(&w.frame.window, "clone-2-bad-name");
    // Typing again takes the error away.
    w.names.name.row.set_text("ab");
    assert_eq!(w.names.name.error(), None);
    w.frame.window.close();
    pump_for(Duration::from_millis(100));
    assert_eq!(domain_names(&h), before, "nothing was created");
    close(c);
}

pub fn the_new_machine_wizard_creates_from_an_iso_and_says_why_test() {
    let c = host("wiz-newvm");
    let h = handle(&c);
    let iso = h
        .call(|conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            let xml = "<volume><name>install.iso</name><capacity unit='MiB'>700</capacity>\
                       <target><format type='raw'/></target></volume>";
            Ok(StorageVol::create_xml(&pool, xml, 0)?.path()?)
        })
        .unwrap();
    let created: Rc<RefCell<Option<CreatedVm>>> = Rc::default();
    let sink = created.clone();
    let w = NewVmWizard::open(
        c.widget(),
        h.clone(),
        c.model().toaster.clone(),
        move |vm| {
            sink.replace(Some(vm));
        },
    );
    pump_until(T, "the host's facts are read", || {
        w.frame.next.is_sensitive()
    });
    w.machine.name.row.set_text("fresh");
    // The pools' ISO volumes are offered; choosing one fills the path.
    let model = w.machine.iso_volumes.model().unwrap();
    assert_eq!(model.n_items(), 2, "one ISO volume offered");
    w.machine.iso_volumes.set_selected(1);
    assert_eq!(w.machine.iso.text(), iso);
    screenshot(&w.frame.window, "newvm-1-machine");
    click_next(&w.frame, 1, "the resources page");
    let decision = w.resources.decision.label();
    assert!(decision.contains("“test”"), "{decision}");
    assert!(decision.contains("only simulates machines"), "{decision}");
    assert!(w.resources.decision.is_visible());
    screenshot(&w.frame.window, "newvm-2-resources");
    w.resources.memory.set_value(512.0);
    w.resources.vcpus.set_value(1.0);
    click_next(&w.frame, 2, "the disk and network page");
    w.storage.size.row.set_text("2G");
    screenshot(&w.frame.window, "newvm-3-storage");
    click_next(&w.frame, 3, "the options page");
    w.options.open_details.set_active(true);
    screenshot(&w.frame.window, "newvm-4-options");
    click_next(&w.frame, 4, "the summary page");
    screenshot(&w.frame.window, "newvm-5-summary");
    w.frame.next.emit_clicked();
    pump_until(T, "the machine is made", || w.run.outcome().is_some());
    screenshot(&w.frame.window, "newvm-6-progress");
    assert_eq!(w.run.outcome().as_deref(), Some("Created fresh"));
    let vm = created
        .borrow()
        .clone()
        .expect("the callback got the machine");
    assert_eq!(vm.name, "fresh");
    assert!(vm.open_details);
    let uuid = vm.uuid.clone();
    let (xml, active) = h
        .call(move |conn| {
            let dom = conn.lookup_domain_by_uuid_string(&uuid)?;
            Ok((
                dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?,
                dom.is_active()?,
            ))
        })
        .unwrap();
    assert!(xml.starts_with("<domain type='test'"), "{xml}");
    assert!(xml.contains(&iso), "the ISO is attached");
    assert!(!active, "not started: the details open first");
    w.run.close.emit_clicked();
    close(c);
}
