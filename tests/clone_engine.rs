//! The clone engine against libvirt's test driver (in process, no daemon): a
//! template made from a defined machine, three linked clones, and a failure
//! injected at each kind of executor step, after which nothing the run made
//! may be left.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use hangar::core::clone::executor::{execute, Phase, Progress};
use hangar::core::clone::mac::random_bytes;
use hangar::core::clone::template::{
    check_guard, dependants_on_host, list_templates, mark_template, unmark_template, GuardedAction,
};
use hangar::core::clone::{
    plan_clones, CloneField, ClonePlan, CloneRequest, DiskChoice, DiskMode, HostFacts, NameChoice,
    StepKind, TemplateFacts,
};
use hangar::core::event_loop;
use hangar::core::node_file::NodeSpec;
use hangar::core::xml::{DomainXml, VolumeXml};
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::sys;

mod common;

const GIB: u64 = 1 << 30;

/// A private test-driver host with a template "tmpl": vda a qcow2 volume in
/// pool-1, vdb a raw volume in pool-1, a CD-ROM, two NICs, a serial log.
fn host(tag: &str) -> (Connect, String) {
    event_loop::run_on_own_thread().unwrap();
    let spec = NodeSpec {
        domains: 2,
        networks: 1,
        pools: 2,
        volumes_per_pool: 1,
        name_prefix: "vm".into(),
    };
    let (uri, _dir) = common::node_uri(&spec, tag);
    let conn = Connect::open(Some(&uri)).unwrap();
    let pool = conn.lookup_storage_pool_by_name("pool-1").unwrap();
    for (name, format) in [("base.qcow2", "qcow2"), ("data.img", "raw")] {
        let xml = format!(
            "<volume><name>{name}</name><capacity unit='bytes'>{}</capacity>\
             <target><format type='{format}'/></target></volume>",
            4 * GIB
        );
        StorageVol::create_xml(&pool, &xml, 0).unwrap();
    }
    let dir = "/var/lib/libvirt/pool-1";
    let xml = format!(
        "<domain type='test'>\n  <name>tmpl</name>\n  <memory unit='KiB'>262144</memory>\n  <vcpu>1</vcpu>\n  \
         <os><type arch='i686'>hvm</type></os>\n  <devices>\n    \
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{dir}/base.qcow2'/><target dev='vda' bus='virtio'/></disk>\n    \
         <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{dir}/data.img'/><target dev='vdb' bus='virtio'/></disk>\n    \
         <disk type='file' device='cdrom'><source file='/iso/install.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>\n    \
         <interface type='network'><mac address='52:54:00:aa:00:01'/><source network='net-1'/></interface>\n    \
         <interface type='network'><mac address='52:54:00:aa:00:02'/><source network='net-1'/></interface>\n    \
         <graphics type='vnc' port='5910' autoport='no'/>\n  </devices>\n</domain>\n"
    );
    let dom = conn.define_domain_xml(&xml).unwrap();
    let uuid = dom.uuid_string().unwrap();
    mark_template(&conn, &uuid).unwrap();
    (conn, uuid)
}

fn plan(conn: &Connect, uuid: &str, req: &CloneRequest) -> ClonePlan {
    let template = TemplateFacts::read(conn, uuid).unwrap();
    let facts = HostFacts::read(conn).unwrap();
    plan_clones(&template, &facts, req, &mut random_bytes).unwrap()
}

fn inactive_xml(conn: &Connect, uuid: &str) -> String {
    conn.lookup_domain_by_uuid_string(uuid)
        .unwrap()
        .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
        .unwrap()
}

fn domain_names(conn: &Connect) -> HashSet<String> {
    conn.list_all_domains(0)
        .unwrap()
        .iter()
        .map(|d| d.name().unwrap())
        .collect()
}

/// (pool, volume) names of every active pool.
fn volume_names(conn: &Connect) -> HashSet<String> {
    let mut out = HashSet::new();
    for pool in conn
        .list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)
        .unwrap()
    {
        let p = pool.name().unwrap();
        for v in pool.list_all_volumes(0).unwrap() {
            out.insert(format!("{p}/{}", v.name().unwrap()));
        }
    }
    out
}

/// vda linked into pool-2, vdb fully copied next to its source in pool-1.
/// (The test driver looks a copy's source up in the destination pool, so it
/// can only copy within one pool; real libvirt copies across pools.)
fn layout() -> Vec<DiskChoice> {
    vec![DiskChoice {
        target: "vda".into(),
        mode: DiskMode::Linked,
        pool: Some("pool-2".into()),
    }]
}

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

/// Runs `plan` after `sabotage`, expects step `step` of kind `kind` to fail,
/// and checks that only what existed before (plus what `sabotage` made) is left.
fn fails_cleanly(
    tag: &str,
    sabotage: impl FnOnce(&Connect),
    step: usize,
    kind: StepKind,
    message: &str,
) {
    let (conn, uuid) = host(tag);
    let mut req = CloneRequest::new(NameChoice::pattern("web-{n}", 3));
    req.disks = layout();
    req.start = true;
    let plan = plan(&conn, &uuid, &req);
    let template_before = inactive_xml(&conn, &uuid);
    sabotage(&conn);
    let domains_before = domain_names(&conn);
    let volumes_before = volume_names(&conn);
    let rolling = Mutex::new(0);
    let progress = |p: &Progress| {
        if p.phase == Phase::RollingBack {
            *rolling.lock().unwrap() += 1;
        }
    };
    let e = execute(&conn, &plan.steps(), &progress, None).unwrap_err();
    assert_eq!((e.step, e.kind), (step, kind), "{e}");
    assert!(e.error.message.contains(message), "{e}");
    assert!(e.leftovers.is_empty(), "{e}");
    assert_eq!(e.label, plan.steps()[step].label());
    assert!(
        e.to_string()
            .starts_with(&format!("Step {} of 12 (", step + 1)),
        "{e}"
    );
    assert_eq!(
        domain_names(&conn),
        domains_before,
        "no machine is left over"
    );
    if conn
        .lookup_storage_pool_by_name("pool-2")
        .unwrap()
        .is_active()
        .unwrap()
    {
        assert_eq!(
            volume_names(&conn),
            volumes_before,
            "no volume is left over"
        );
    } else {
        let p1: HashSet<String> = volume_names(&conn);
        assert_eq!(p1, volumes_before);
    }
    assert_eq!(inactive_xml(&conn, &uuid), template_before);
    assert_eq!(*rolling.lock().unwrap() > 0, step > 0);
}

#[test]
fn a_name_taken_between_plan_and_execute() {
    // Steps: web-1 vda, vdb, define (0-2); web-2 vda, vdb, define (3-5)…
    fails_cleanly(
        "taken",
        |conn| {
            let xml = "<domain type='test'><name>web-2</name><memory>65536</memory>\
                       <os><type>hvm</type></os></domain>";
            conn.define_domain_xml(xml).unwrap();
        },
        5,
        StepKind::DefineDomain,
        "web-2",
    );
}

#[test]
fn a_pool_that_refuses_the_volume() {
    fails_cleanly(
        "pool",
        |conn| {
            conn.lookup_storage_pool_by_name("pool-1")
                .unwrap()
                .destroy()
                .unwrap()
        },
        1,
        StepKind::CopyVolume,
        "pool-1",
    );
}

#[test]
fn a_volume_name_that_already_exists() {
    fails_cleanly(
        "volume",
        |conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-2").unwrap();
            let xml = "<volume><name>web-3.qcow2</name><capacity>1024</capacity></volume>";
            StorageVol::create_xml(&pool, xml, 0).unwrap();
        },
        6,
        StepKind::CreateVolume,
        "already exists",
    );
}

#[test]
fn a_start_that_fails_stops_and_removes_every_clone() {
    let (conn, uuid) = host("start");
    let mut req = CloneRequest::new(NameChoice::pattern("s-{n}", 2));
    req.start = true;
    let plan = plan(&conn, &uuid, &req);
    let steps = plan.steps();
    let domains_before = domain_names(&conn);
    let volumes_before = volume_names(&conn);
    // Someone starts s-2 as soon as it is defined: the executor's own start of
    // it fails, and the rollback must stop both clones before removing them.
    let progress = |p: &Progress| {
        if p.phase == Phase::Done && p.label == "Define machine “s-2”" {
            conn.lookup_domain_by_name("s-2").unwrap().create().unwrap();
        }
    };
    let e = execute(&conn, &steps, &progress, None).unwrap_err();
    assert_eq!(
        (e.step, e.kind),
        (steps.len() - 1, StepKind::StartDomain),
        "{e}"
    );
    assert_eq!(e.label, "Start “s-2”");
    assert!(e.error.message.contains("already running"), "{e}");
    assert_eq!(domain_names(&conn), domains_before);
    assert_eq!(volume_names(&conn), volumes_before);
}

#[test]
fn cancelling_removes_what_was_made() {
    let (conn, uuid) = host("cancel");
    let mut req = CloneRequest::new(NameChoice::pattern("c-{n}", 2));
    req.start = true;
    let steps = plan(&conn, &uuid, &req).steps();
    let domains_before = domain_names(&conn);
    let volumes_before = volume_names(&conn);
    // Cancel once the first clone runs: the second start is never tried.
    let cancel = AtomicBool::new(false);
    let progress = |p: &Progress| {
        if p.phase == Phase::Done && p.label == "Start “c-1”" {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let e = execute(&conn, &steps, &progress, Some(&cancel)).unwrap_err();
    assert_eq!(
        (e.step, e.kind),
        (steps.len() - 1, StepKind::Cancelled),
        "{e}"
    );
    assert_eq!(e.error.message, "Cancelled");
    assert_eq!(domain_names(&conn), domains_before);
    assert_eq!(volume_names(&conn), volumes_before);
}

#[test]
fn a_new_machine_from_an_iso_and_its_rollback() {
    use hangar::core::new_vm::{plan_new_vm, InstallSource, NetworkChoice, NewVmFacts, NewVmForm};
    let (conn, _) = host("newvm");
    let pool = conn.lookup_storage_pool_by_name("pool-1").unwrap();
    let iso = "<volume><name>installer.iso</name><capacity>1048576</capacity></volume>";
    let iso = StorageVol::create_xml(&pool, iso, 0)
        .unwrap()
        .path()
        .unwrap();
    let facts = NewVmFacts::read(&conn).unwrap();
    assert_eq!(
        (facts.driver.as_str(), facts.arch.as_str()),
        ("TEST", "i686")
    );
    let mut form = NewVmForm::new("新机器", InstallSource::Iso { path: iso.clone() }, "pool-2");
    form.network = NetworkChoice::Network("net-1".into());
    let plan = plan_new_vm(&form, &facts, &mut random_bytes).unwrap();
    assert_eq!(plan.domain_type, "test");

    // The name is taken after planning: the new disk must go again.
    let volumes_before = volume_names(&conn);
    let xml = "<domain type='test'><name>新机器</name><memory>65536</memory><os><type>hvm</type></os></domain>";
    let squatter = conn.define_domain_xml(xml).unwrap();
    let e = execute(&conn, &plan.steps(), &quiet, None).unwrap_err();
    assert_eq!((e.step, e.kind), (1, StepKind::DefineDomain), "{e}");
    assert_eq!(volume_names(&conn), volumes_before);
    squatter.undefine().unwrap();

    let applied = execute(&conn, &plan.steps(), &quiet, None).unwrap();
    let dom = conn.lookup_domain_by_name("新机器").unwrap();
    assert!(dom.is_active().unwrap());
    let d = DomainXml::parse(&dom.xml_desc(0).unwrap()).unwrap();
    assert_eq!(
        d.disk("sda").unwrap().source.file.as_deref(),
        Some(iso.as_str())
    );
    let vda = d.disk("vda").unwrap().source.file.clone().unwrap();
    assert_eq!(applied.volumes.len(), 1);
    assert_eq!(applied.volumes[0], vda);
    let v = VolumeXml::parse(
        &conn
            .lookup_storage_vol_by_path(&vda)
            .unwrap()
            .xml_desc(0)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(v.capacity, Some(20 * GIB));
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
