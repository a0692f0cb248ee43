//! The clone engine against libvirt's test driver (in process, no daemon): a
//! template made from a defined machine, three linked clones, marking and
//! unmarking, and converting a template back once its clones are flattened.
//! Failures and their rollback are in clone_rollback.rs.

use std::collections::HashSet;
use std::sync::Mutex;

use hangar::core::clone::executor::{execute, Phase, Progress};
use hangar::core::clone::mac::random_bytes;
use hangar::core::clone::template::{
    check_guard, dependants_on_host, list_templates, mark_template, unmark_template, GuardedAction,
};
use hangar::core::clone::{
    plan_clones, CloneField, CloneRequest, DiskChoice, DiskMode, HostFacts, NameChoice,
    TemplateFacts,
};
use hangar::core::xml::{DomainXml, VolumeXml};
use virt::sys;

mod common;

use common::template_host::{host, inactive_xml, layout, plan};

#[test]
fn three_linked_clones_of_a_template() {
    let (conn, uuid) = host("three");
    let before = inactive_xml(&conn, &uuid);
    assert!(DomainXml::parse(&before).unwrap().is_template);
    let mut req = CloneRequest::new(NameChoice::pattern("web-{n}", 3));
    req.disks = layout();
    req.start = true;
    let plan = plan(&conn, &uuid, &req);
    let seen = Mutex::new(Vec::new());
    let progress = |p: &Progress| seen.lock().unwrap().push(p.clone());
    let applied = execute(&conn, &plan.steps(), &progress, None).unwrap();
    assert_eq!(applied.domains.len(), 3);
    assert_eq!(applied.volumes.len(), 6);

    let base = "/var/lib/libvirt/pool-1/base.qcow2";
    let mut uuids = HashSet::new();
    let mut macs = HashSet::new();
    for (name, clone_uuid) in &applied.domains {
        let dom = conn.lookup_domain_by_name(name).unwrap();
        assert!(dom.is_active().unwrap(), "{name} was started");
        let d = DomainXml::parse(&inactive_xml(&conn, clone_uuid)).unwrap();
        assert!(!d.is_template);
        assert!(uuids.insert(clone_uuid.clone()));
        for i in &d.interfaces {
            assert!(macs.insert(i.mac.clone().unwrap()), "MACs are distinct");
        }
        let vda = d.disk("vda").unwrap().source.file.clone().unwrap();
        assert_eq!(vda, format!("/var/lib/libvirt/pool-2/{name}.qcow2"));
        let vol = conn.lookup_storage_vol_by_path(&vda).unwrap();
        let v = VolumeXml::parse(&vol.xml_desc(0).unwrap()).unwrap();
        assert_eq!(
            v.backing_path.as_deref(),
            Some(base),
            "{name}: the overlay reads from the template"
        );
        assert_eq!(v.format.as_deref(), Some("qcow2"));
        let vdb = d.disk("vdb").unwrap().source.file.clone().unwrap();
        assert_eq!(vdb, format!("/var/lib/libvirt/pool-1/{name}-vdb.img"));
        let copy = conn.lookup_storage_vol_by_path(&vdb).unwrap();
        assert_eq!(
            VolumeXml::parse(&copy.xml_desc(0).unwrap())
                .unwrap()
                .backing_path,
            None
        );
        assert_eq!(
            d.disk("hdc").unwrap().source.file.as_deref(),
            Some("/iso/install.iso")
        );
        assert!(d.graphics[0].autoport);
    }
    assert!(!uuids.contains(&uuid));
    assert!(!macs.contains("52:54:00:aa:00:01") && !macs.contains("52:54:00:aa:00:02"));
    assert_eq!(
        inactive_xml(&conn, &uuid),
        before,
        "the template is unchanged"
    );

    let seen = seen.into_inner().unwrap();
    let steps = plan.steps().len();
    assert_eq!(steps, 3 * 3 + 3);
    let done: Vec<usize> = seen
        .iter()
        .filter(|p| p.phase == Phase::Done)
        .map(|p| p.step)
        .collect();
    assert_eq!(done, (0..steps).collect::<Vec<_>>());

    // The template now has three dependants: it may not start, nor be unmarked.
    let t = list_templates(&conn).unwrap();
    assert_eq!((t.len(), t[0].dependants), (1, 3));
    let reason = check_guard(&conn, &uuid, GuardedAction::Start)
        .unwrap()
        .unwrap();
    assert!(reason.contains("3 linked clones"), "{reason}");
    assert!(check_guard(&conn, &uuid, GuardedAction::WriteDisks)
        .unwrap()
        .is_some());
    let e = unmark_template(&conn, &uuid).unwrap_err();
    assert_eq!(
        e.message,
        "3 linked clones depend on “tmpl”: make full copies of them first"
    );
    let clone = &applied.domains[0].1;
    assert_eq!(
        check_guard(&conn, clone, GuardedAction::Start).unwrap(),
        None
    );
}

#[test]
fn marking_needs_a_shut_off_machine_and_unmarking_keeps_other_metadata() {
    let (conn, uuid) = host("mark");
    let running = conn.lookup_domain_by_name("vm-1").unwrap();
    assert!(running.is_active().unwrap());
    let e = mark_template(&conn, &running.uuid_string().unwrap()).unwrap_err();
    assert_eq!(
        e.message,
        "Shut “vm-1” off before making it a template: its disks must not change afterwards"
    );
    let dom = conn.lookup_domain_by_uuid_string(&uuid).unwrap();
    let ns = hangar::core::xml::HANGAR_NS;
    let kind = sys::VIR_DOMAIN_METADATA_ELEMENT as i32;
    dom.set_metadata(
        kind,
        Some("<hangar><template/><note>keep</note></hangar>"),
        Some("hangar"),
        Some(ns),
        sys::VIR_DOMAIN_AFFECT_CONFIG,
    )
    .unwrap();
    assert!(dependants_on_host(
        &conn,
        &DomainXml::parse(&inactive_xml(&conn, &uuid)).unwrap()
    )
    .unwrap()
    .is_empty());
    unmark_template(&conn, &uuid).unwrap();
    let xml = inactive_xml(&conn, &uuid);
    assert!(!DomainXml::parse(&xml).unwrap().is_template);
    assert!(xml.contains("keep</hangar:note>"), "{xml}");
    mark_template(&conn, &uuid).unwrap();
    assert!(
        DomainXml::parse(&inactive_xml(&conn, &uuid))
            .unwrap()
            .is_template
    );
    unmark_template(&conn, &uuid).unwrap();
    // An unmarked machine is refused by the plan.
    let template = TemplateFacts::read(&conn, &uuid).unwrap();
    let facts = HostFacts::read(&conn).unwrap();
    let req = CloneRequest::new(NameChoice::one("x"));
    let errors = plan_clones(&template, &facts, &req, &mut random_bytes).unwrap_err();
    assert_eq!(errors[0].field, CloneField::Template);
}

fn quiet(_: &Progress) {}

#[test]
fn converting_back_flattens_the_clones_first() {
    use hangar::core::clone::flatten::convert_back;
    let (conn, uuid) = host("flatten");
    // Overlays in pool-2 only: the test driver copies within one pool.
    let mut req = CloneRequest::new(NameChoice::pattern("f-{n}", 2));
    req.disks = layout();
    req.disks.push(DiskChoice {
        target: "vdb".into(),
        mode: DiskMode::Skip,
        pool: None,
    });
    execute(&conn, &plan(&conn, &uuid, &req).steps(), &quiet, None).unwrap();
    let e = convert_back(&conn, &uuid, false, &quiet).unwrap_err();
    assert_eq!(
        e.message,
        "2 linked clones depend on “tmpl”: confirm full copies of them first"
    );
    conn.lookup_domain_by_name("f-1").unwrap().create().unwrap();
    let e = convert_back(&conn, &uuid, true, &quiet).unwrap_err();
    assert!(e.message.starts_with("“f-1” is running"), "{}", e.message);
    conn.lookup_domain_by_name("f-1")
        .unwrap()
        .destroy()
        .unwrap();

    let done = convert_back(&conn, &uuid, true, &quiet).unwrap();
    assert_eq!(done.len(), 2);
    for f in &done {
        assert_eq!(f.machines.len(), 1);
        let name = &f.machines[0];
        assert_eq!(
            f.new_path,
            format!("/var/lib/libvirt/pool-2/{name}-full.qcow2")
        );
        let d = DomainXml::parse(&inactive_xml(
            &conn,
            &conn
                .lookup_domain_by_name(name)
                .unwrap()
                .uuid_string()
                .unwrap(),
        ))
        .unwrap();
        assert_eq!(
            d.disk("vda").unwrap().source.file.as_ref(),
            Some(&f.new_path)
        );
        assert!(conn.lookup_storage_vol_by_path(&f.old_path).is_err());
        let v = conn.lookup_storage_vol_by_path(&f.new_path).unwrap();
        assert_eq!(
            VolumeXml::parse(&v.xml_desc(0).unwrap())
                .unwrap()
                .backing_path,
            None
        );
    }
    assert!(
        !DomainXml::parse(&inactive_xml(&conn, &uuid))
            .unwrap()
            .is_template
    );
    assert_eq!(
        check_guard(&conn, &uuid, GuardedAction::Start).unwrap(),
        None
    );
}
