//! The clone engine's failures against libvirt's test driver: a failure
//! injected at each kind of executor step, a failed start, a cancel, and a new
//! machine whose name is taken after planning. After each, nothing the run
//! made may be left.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use hangar::core::clone::executor::{execute, Phase, Progress};
use hangar::core::clone::mac::random_bytes;
use hangar::core::clone::{CloneRequest, NameChoice, StepKind};
use hangar::core::xml::{DomainXml, VolumeXml};
use virt::connect::Connect;
use virt::storage_vol::StorageVol;

mod common;

use common::template_host::{domain_names, host, inactive_xml, layout, plan, volume_names, GIB};

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
