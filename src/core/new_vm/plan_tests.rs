//! The new-machine plan against made-up host facts.

use std::collections::{HashMap, HashSet};

use super::form::{InstallSource, NetworkChoice, NewVmFacts, NewVmForm, VmField};
use super::hypervisor::{Acceleration, KvmProbe};
use super::plan::plan_new_vm;
use crate::core::clone::facts::{HostFacts, PoolFacts, VolumeFacts};
use crate::core::xml::{DomainXml, VolumeFormat, VolumeXml};

const GIB: u64 = 1 << 30;

fn pool(name: &str, kind: &str, active: bool, volumes: &[&str]) -> PoolFacts {
    PoolFacts {
        name: name.into(),
        uuid: name.into(),
        pool_type: kind.into(),
        active,
        target_path: Some(format!("/{name}")),
        capacity: 100 * GIB,
        available: 30 * GIB,
        volumes: volumes.iter().map(|v| v.to_string()).collect(),
    }
}

fn vol(path: &str, format: &str) -> VolumeFacts {
    VolumeFacts {
        pool: "images".into(),
        name: path.rsplit('/').next().unwrap().into(),
        path: path.into(),
        format: Some(format.into()),
        capacity: 4 * GIB,
        allocation: GIB,
        backing_path: None,
    }
}

fn facts() -> NewVmFacts {
    NewVmFacts {
        host: HostFacts {
            uri: "qemu:///system".into(),
            local: true,
            domain_names: HashSet::from(["old".to_string()]),
            pools: vec![
                pool(
                    "images",
                    "dir",
                    true,
                    &["debian.iso", "disk.qcow2", "taken.qcow2"],
                ),
                pool("off", "dir", false, &[]),
                pool("vg", "logical", true, &[]),
            ],
            volumes: vec![
                vol("/images/debian.iso", "iso"),
                vol("/images/disk.qcow2", "qcow2"),
            ],
            disk_users: HashMap::from([(
                "/images/used.qcow2".to_string(),
                vec!["old".to_string()],
            )]),
            ..HostFacts::default()
        },
        driver: "QEMU".into(),
        arch: "x86_64".into(),
        memory_kib: 8 << 20,
        cpus: 4,
        max_vcpus: Some(288),
        networks: vec![("default".into(), true), ("lab".into(), false)],
        kvm: KvmProbe {
            libvirt_offers_kvm: true,
            module_loaded: Some(true),
            device_opens: Some(false),
        },
    }
}

fn form() -> NewVmForm {
    NewVmForm::new(
        "网站",
        InstallSource::Iso {
            path: "/images/debian.iso".into(),
        },
        "images",
    )
}

fn mac() -> impl FnMut() -> [u8; 3] {
    || [1, 2, 3]
}

fn refused(f: NewVmForm, field: VmField, message: &str) {
    let errors: Vec<(VmField, String)> = plan_new_vm(&f, &facts(), &mut mac())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect();
    assert_eq!(errors, [(field, message.to_string())]);
}

#[test]
fn an_iso_install_with_a_new_disk() {
    let plan = plan_new_vm(&form(), &facts(), &mut mac()).unwrap();
    assert_eq!(plan.domain_type, "qemu");
    assert!(plan
        .domain_type_reason
        .starts_with("Emulation (QEMU TCG), because KVM is not available"));
    let disk = plan.disk.as_ref().unwrap();
    assert_eq!(
        (disk.name.as_str(), disk.path.as_str()),
        ("网站.qcow2", "/images/网站.qcow2")
    );
    let v = VolumeXml::parse(&disk.xml).unwrap();
    assert_eq!((v.capacity, v.allocation), (Some(20 * GIB), Some(0)));
    let d = DomainXml::parse(&plan.domain_xml).unwrap();
    assert_eq!((d.name.as_str(), d.domain_type.as_str()), ("网站", "qemu"));
    assert_eq!((d.memory_kib, d.vcpus), (Some(2 << 20), 2));
    assert_eq!(d.os.machine.as_deref(), Some("q35"));
    assert_eq!(d.os.boot, ["cdrom", "hd"]);
    assert_eq!(
        d.disks[0].source.file.as_deref(),
        Some("/images/网站.qcow2")
    );
    assert_eq!(d.disks[1].device, "cdrom");
    assert!(d.disks[1].readonly);
    assert_eq!(d.interfaces[0].mac.as_deref(), Some("52:54:00:01:02:03"));
    assert_eq!(d.interfaces[0].source_network.as_deref(), Some("default"));
    assert_eq!(plan.steps().len(), 3);
    assert_eq!(
        plan.summary()[0].text,
        "“网站” with 2 GiB of memory and 2 vCPUs"
    );
}

#[test]
fn imports_and_kernels() {
    let mut f = form();
    f.source = InstallSource::ImportDisk {
        path: "/images/disk.qcow2".into(),
    };
    f.disk.as_mut().unwrap().size = "1G".into();
    f.network = NetworkChoice::Bridge("br0".into());
    let plan = plan_new_vm(&f, &facts(), &mut mac()).unwrap();
    let d = DomainXml::parse(&plan.domain_xml).unwrap();
    assert_eq!(d.disk("vda").unwrap().format.as_deref(), Some("qcow2"));
    assert_eq!(
        d.disk("vdb").unwrap().source.file.as_deref(),
        Some("/images/网站-vdb.qcow2")
    );
    assert_eq!(d.interfaces[0].source_bridge.as_deref(), Some("br0"));

    f.source = InstallSource::Kernel {
        kernel: "/boot/vmlinux".into(),
        initrd: "/boot/initrd & co".into(),
        cmdline: "console=ttyS0 quiet".into(),
    };
    f.disk = None;
    f.network = NetworkChoice::None;
    f.start = false;
    let plan = plan_new_vm(&f, &facts(), &mut mac()).unwrap();
    let d = DomainXml::parse(&plan.domain_xml).unwrap();
    assert_eq!(d.os.initrd.as_deref(), Some("/boot/initrd & co"));
    assert_eq!(d.os.cmdline.as_deref(), Some("console=ttyS0 quiet"));
    assert!(d.disks.is_empty() && d.interfaces.is_empty());
    assert_eq!(plan.steps().len(), 1);
}

#[test]
fn size_zero() {
    let mut f = form();
    f.disk.as_mut().unwrap().size = "0".into();
    refused(f, VmField::DiskSize, "The size must be larger than 0");
}

#[test]
fn size_larger_than_the_pool_has_free() {
    let mut f = form();
    f.disk.as_mut().unwrap().size = "31G".into();
    refused(
        f,
        VmField::DiskSize,
        "31 GiB is more than the 30 GiB free in the pool “images”",
    );
}

#[test]
fn size_not_a_size() {
    let mut f = form();
    f.disk.as_mut().unwrap().size = "lots".into();
    refused(
        f,
        VmField::DiskSize,
        "“lots” is not a size, try 20G or 500 MiB",
    );
}

#[test]
fn name_taken_and_name_empty() {
    let mut f = form();
    f.name = "old".into();
    refused(
        f.clone(),
        VmField::Name,
        "A machine called “old” already exists",
    );
    f.name = "".into();
    f.disk = None;
    refused(f, VmField::Name, "Enter a name");
}

#[test]
fn memory_limits() {
    let mut f = form();
    f.memory_mib = 32;
    refused(
        f.clone(),
        VmField::Memory,
        "A machine needs at least 64 MiB of memory",
    );
    f.memory_mib = 16 * 1024;
    refused(f, VmField::Memory, "The host has only 8 GiB of memory");
}

#[test]
fn vcpu_limits() {
    let mut f = form();
    f.vcpus = 0;
    refused(
        f.clone(),
        VmField::Vcpus,
        "A machine needs at least one vCPU",
    );
    f.vcpus = 5;
    refused(
        f.clone(),
        VmField::Vcpus,
        "The host has 4 CPUs: a machine cannot use more",
    );
    let mut small = facts();
    small.max_vcpus = Some(1);
    f.vcpus = 2;
    let e = plan_new_vm(&f, &small, &mut mac()).unwrap_err();
    assert_eq!(
        e[0].message,
        "The hypervisor allows at most 1 vCPUs per machine"
    );
}

#[test]
fn sources_that_are_not_volumes_or_in_use() {
    let mut f = form();
    f.source = InstallSource::Iso {
        path: "/home/me/x.iso".into(),
    };
    refused(
        f.clone(),
        VmField::Source,
        "/home/me/x.iso is not a volume of an active pool: upload it to a pool first",
    );
    f.source = InstallSource::Iso { path: "".into() };
    refused(f.clone(), VmField::Source, "Choose an installer ISO");
    f.source = InstallSource::Kernel {
        kernel: "vmlinuz".into(),
        initrd: "initrd.img".into(),
        cmdline: String::new(),
    };
    let e = plan_new_vm(&f, &facts(), &mut mac()).unwrap_err();
    assert_eq!(
        e.iter().map(|e| e.field).collect::<Vec<_>>(),
        [VmField::Source, VmField::Initrd]
    );
    let mut h = facts();
    h.host.volumes.push(vol("/images/used.qcow2", "qcow2"));
    f.source = InstallSource::ImportDisk {
        path: "/images/used.qcow2".into(),
    };
    let e = plan_new_vm(&f, &h, &mut mac()).unwrap_err();
    assert_eq!(
        e[0].message,
        "/images/used.qcow2 is already used by old: two machines writing one image corrupt it"
    );
}

#[test]
fn disk_pools() {
    let mut f = form();
    f.disk.as_mut().unwrap().pool = "nowhere".into();
    refused(
        f.clone(),
        VmField::DiskPool,
        "There is no pool called “nowhere”",
    );
    f.disk.as_mut().unwrap().pool = "off".into();
    refused(
        f.clone(),
        VmField::DiskPool,
        "The pool “off” is not active: start it first",
    );
    f.disk.as_mut().unwrap().pool = "vg".into();
    refused(
        f.clone(),
        VmField::DiskPool,
        "“vg” is a logical pool, which cannot hold qcow2 images: choose a directory pool",
    );
    f.disk.as_mut().unwrap().format = VolumeFormat::Raw;
    assert!(plan_new_vm(&f, &facts(), &mut mac()).is_ok());
    let mut f = form();
    f.name = "taken".into();
    refused(
        f,
        VmField::DiskPool,
        "The pool “images” already has a volume called “taken.qcow2”: choose another machine name or pool",
    );
}

#[test]
fn networks() {
    let mut f = form();
    f.network = NetworkChoice::Network("nope".into());
    refused(
        f.clone(),
        VmField::Network,
        "There is no network called “nope”",
    );
    f.network = NetworkChoice::Network("lab".into());
    refused(
        f.clone(),
        VmField::Network,
        "The network “lab” is not active: start it first",
    );
    f.network = NetworkChoice::Bridge(" ".into());
    refused(f, VmField::Network, "Enter the bridge's name");
}

#[test]
fn kvm_only_when_it_can_work() {
    let mut f = form();
    f.acceleration = Acceleration::Kvm;
    refused(
        f.clone(),
        VmField::Acceleration,
        "KVM cannot be used: /dev/kvm does not exist or cannot be opened",
    );
    let mut ok = facts();
    ok.kvm.device_opens = Some(true);
    let plan = plan_new_vm(&f, &ok, &mut mac()).unwrap();
    assert_eq!(plan.domain_type, "kvm");
    assert!(plan.domain_xml.contains("<cpu mode='host-passthrough'/>"));
}
