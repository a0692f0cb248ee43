//! The clone plan against made-up host facts: what it produces, and each
//! refusal with the field it belongs to and the sentence the person reads.

use std::collections::HashSet;

use super::disks::{DiskChoice, DiskMode};
use super::facts::{HostFacts, PoolFacts, TemplateFacts, VolumeFacts};
use super::fields::{Availability, CloneField};
use super::names::NameChoice;
use super::plan::{plan_clones, ClonePlan, CloneRequest};
use crate::core::model::DomainState;
use crate::core::xml::{DomainXml, VolumeXml};

const GIB: u64 = 1 << 30;
pub(super) const TEMPLATE: &str = include_str!("testdata/template.xml");

fn pool(name: &str, kind: &str, active: bool, available: u64, volumes: &[&str]) -> PoolFacts {
    PoolFacts {
        name: name.into(),
        uuid: format!("uuid-{name}"),
        pool_type: kind.into(),
        active,
        target_path: Some(format!("/{name}")),
        capacity: 100 * GIB,
        available,
        volumes: volumes.iter().map(|v| v.to_string()).collect(),
    }
}

fn volume(name: &str, format: &str, capacity: u64, allocation: u64) -> VolumeFacts {
    VolumeFacts {
        pool: "pool".into(),
        name: name.into(),
        path: format!("/pool/{name}"),
        format: Some(format.into()),
        capacity,
        allocation,
        backing_path: None,
    }
}

pub(super) fn host() -> HostFacts {
    HostFacts {
        uri: "qemu:///system".into(),
        local: true,
        domain_names: ["tmpl", "existing", "db-2"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        macs: HashSet::from(["52:54:00:aa:00:01".to_string()]),
        pools: vec![
            pool(
                "pool",
                "dir",
                true,
                50 * GIB,
                &["base.qcow2", "data.img", "web-3.qcow2"],
            ),
            pool("small", "dir", true, GIB, &[]),
            pool("off", "dir", false, 50 * GIB, &[]),
            pool("vg", "logical", true, 50 * GIB, &[]),
        ],
        volumes: vec![
            volume("base.qcow2", "qcow2", 10 * GIB, 2 * GIB),
            volume("data.img", "raw", 4 * GIB, 4 * GIB),
        ],
        sysprep: Availability::no("virt-sysprep is not installed"),
        ..HostFacts::default()
    }
}

pub(super) fn template_from(xml: &str) -> TemplateFacts {
    TemplateFacts {
        uuid: "0f0e0d0c-0b0a-4908-8706-050403020100".into(),
        xml: xml.into(),
        domain: DomainXml::parse(xml).unwrap(),
        state: DomainState::Shutoff,
    }
}

pub(super) fn template() -> TemplateFacts {
    template_from(TEMPLATE)
}

pub(super) fn counter() -> impl FnMut() -> [u8; 3] {
    let mut n = 0u8;
    move || {
        n += 1;
        [0xbb, 0, n]
    }
}

pub(super) fn plan(req: &CloneRequest) -> Result<ClonePlan, Vec<(CloneField, String)>> {
    plan_with(&template(), &host(), req)
}

pub(super) fn plan_with(
    t: &TemplateFacts,
    h: &HostFacts,
    req: &CloneRequest,
) -> Result<ClonePlan, Vec<(CloneField, String)>> {
    plan_clones(t, h, req, &mut counter())
        .map_err(|e| e.into_iter().map(|e| (e.field, e.message)).collect())
}

pub(super) fn req(names: NameChoice) -> CloneRequest {
    CloneRequest::new(names)
}

pub(super) fn disk(target: &str, mode: DiskMode, pool: Option<&str>) -> DiskChoice {
    DiskChoice {
        target: target.into(),
        mode,
        pool: pool.map(str::to_string),
    }
}

/// Exactly one error, on `field`, saying `message`.
pub(super) fn refused(r: &CloneRequest, field: CloneField, message: &str) {
    refused_with(&template(), &host(), r, field, message)
}

pub(super) fn refused_with(
    t: &TemplateFacts,
    h: &HostFacts,
    r: &CloneRequest,
    field: CloneField,
    message: &str,
) {
    let errors = plan_with(t, h, r).expect_err("the plan must be refused");
    assert_eq!(errors, vec![(field, message.to_string())]);
}

#[test]
fn three_linked_clones_with_defaults() {
    let plan = plan(&req(NameChoice::pattern("web-{n}", 2))).unwrap();
    let names: Vec<&str> = plan.vms.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["web-1", "web-2"]);
    let modes: Vec<DiskMode> = plan.disks.iter().map(|d| d.mode).collect();
    assert_eq!(
        modes,
        [DiskMode::Linked, DiskMode::FullCopy, DiskMode::Share]
    );
    let vm = &plan.vms[1];
    assert_eq!(vm.macs, ["52:54:00:bb:00:03", "52:54:00:bb:00:04"]);
    let vda = VolumeXml::parse(&vm.volumes[0].xml).unwrap();
    assert_eq!(vda.name, "web-2.qcow2");
    assert_eq!((vda.capacity, vda.allocation), (Some(10 * GIB), Some(0)));
    assert_eq!(vda.backing_path.as_deref(), Some("/pool/base.qcow2"));
    assert_eq!(vda.backing_format.as_deref(), Some("qcow2"));
    let vdb = VolumeXml::parse(&vm.volumes[1].xml).unwrap();
    assert_eq!(
        (vdb.name.as_str(), vdb.format.as_deref()),
        ("web-2-vdb.img", Some("raw"))
    );
    assert_eq!(vdb.backing_path, None);
    assert_eq!(vm.volumes[1].copy_bytes, 4 * GIB);

    let d = DomainXml::parse(&vm.domain_xml).unwrap();
    assert_eq!(
        (d.name.as_str(), d.uuid.as_deref(), d.is_template),
        ("web-2", None, false)
    );
    assert_eq!(d.title, None);
    assert_eq!(
        d.disk("vda").unwrap().source.file.as_deref(),
        Some("/pool/web-2.qcow2")
    );
    assert_eq!(
        d.disk("vdb").unwrap().source.file.as_deref(),
        Some("/pool/web-2-vdb.img")
    );
    assert_eq!(
        d.disk("sda").unwrap().source.file.as_deref(),
        Some("/iso/install.iso")
    );
    assert_eq!(d.interfaces[1].mac.as_deref(), Some("52:54:00:bb:00:04"));
    assert!(d.graphics[0].autoport && d.graphics[0].port.is_none());
    assert_eq!(
        d.serials[0].log_file.as_deref(),
        Some("/var/log/libvirt/qemu/web-2-serial0.log")
    );
    assert_eq!(d.os.nvram, None);
    assert!(vm
        .domain_xml
        .contains("<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'/>"));
    assert!(plan.fresh_nvram);

    let steps: Vec<String> = plan.steps().iter().map(|s| s.label()).collect();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[0], "Create linked disk “web-1.qcow2” in pool “pool”");
    assert_eq!(
        steps[1],
        "Copy /pool/data.img (4 GiB) to “web-1-vdb.img” in pool “pool”"
    );
    assert_eq!(steps[2], "Define machine “web-1”");
    let summary = plan.summary();
    assert_eq!(summary[0].text, "2 from the template “tmpl”: web-1, web-2");
    assert!(summary[1]
        .text
        .starts_with("Linked clone: a new qcow2 overlay"));
}

#[test]
fn chinese_names_make_chinese_volume_names() {
    let mut r = req(NameChoice::one("网站服务器"));
    r.disks = vec![disk("vdb", DiskMode::Skip, None)];
    let plan = plan(&r).unwrap();
    assert_eq!(plan.vms[0].volumes[0].name, "网站服务器.qcow2");
    assert_eq!(plan.vms[0].volumes[0].path, "/pool/网站服务器.qcow2");
    assert!(DomainXml::parse(&plan.vms[0].domain_xml)
        .unwrap()
        .disk("vdb")
        .is_none());
}

#[test]
fn chosen_pools_and_shared_disks() {
    let mut r = req(NameChoice::List(vec!["a".into(), "b".into()]));
    r.disks = vec![
        disk("vda", DiskMode::Linked, Some("small")),
        disk("vdb", DiskMode::FullCopy, Some("vg")),
    ];
    let plan = plan(&r).unwrap();
    assert_eq!(plan.vms[1].volumes[0].path, "/small/b.qcow2");
    assert_eq!(plan.vms[1].volumes[1].path, "/vg/b-vdb.img");
}
