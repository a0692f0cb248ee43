//! The new-machine plan: the wizard's form and the host's facts in, the
//! volume XML and domain XML out (or errors per field). Pure, like the clone
//! plan, and executed by the same executor (`clone::executor`).

use gettextrs::gettext;

use super::domain_xml::{build, DomainSpec};
use super::form::{InstallSource, NetworkChoice, NewVmFacts, NewVmForm, VmField};
use super::hypervisor::decide;
use crate::core::clone::fields::FieldError;
use crate::core::clone::mac::unique_mac;
use crate::core::clone::names::check_vm_name;
use crate::core::model::format_kib;
use crate::core::storage::size::{format_bytes, parse_size};
use crate::core::words::join_list;
use crate::core::xml::domain_edit::NewDisk;
use crate::core::xml::{new_volume_xml, NewVolume, VolumeFormat};

/// Below this no current installer boots.
pub const MIN_MEMORY_MIB: u64 = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiskPlan {
    pub pool: String,
    pub name: String,
    pub path: String,
    pub xml: String,
    pub capacity: u64,
    pub format: VolumeFormat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVmPlan {
    pub name: String,
    pub memory_mib: u64,
    pub vcpus: u32,
    /// kvm, qemu (or test): see `hypervisor`.
    pub domain_type: String,
    /// Why this domain type, in words.
    pub domain_type_reason: String,
    pub domain_xml: String,
    pub disk: Option<NewDiskPlan>,
    pub mac: Option<String>,
    /// What the guest boots from, in words.
    pub source: String,
    pub network: String,
    pub start: bool,
}

type Errors = Vec<FieldError<VmField>>;

fn check_resources(form: &NewVmForm, facts: &NewVmFacts, errors: &mut Errors) {
    let mut err = |f, m: String| errors.push(FieldError::new(f, m));
    if form.memory_mib < MIN_MEMORY_MIB {
        err(
            VmField::Memory,
            gettext("A machine needs at least 64 MiB of memory"),
        );
    } else if facts.memory_kib > 0 && form.memory_mib * 1024 > facts.memory_kib {
        err(
            VmField::Memory,
            gettext("The host has only {memory} of memory")
                .replace("{memory}", &format_kib(facts.memory_kib)),
        );
    }
    if form.vcpus == 0 {
        err(VmField::Vcpus, gettext("A machine needs at least one vCPU"));
    } else if facts.cpus > 0 && form.vcpus > facts.cpus {
        err(
            VmField::Vcpus,
            gettext("The host has {count} CPUs: a machine cannot use more")
                .replace("{count}", &facts.cpus.to_string()),
        );
    } else if let Some(max) = facts.max_vcpus.filter(|m| form.vcpus > *m) {
        err(
            VmField::Vcpus,
            gettext("The hypervisor allows at most {count} vCPUs per machine")
                .replace("{count}", &max.to_string()),
        );
    }
}

/// What the install source adds to the machine.
struct SourceParts {
    disks: Vec<NewDisk>,
    boot: Vec<String>,
    /// (kernel, initrd, cmdline) for direct kernel boot.
    kernel: Option<(String, String, String)>,
    /// In words, for the summary.
    description: String,
}

fn parts(
    disks: Vec<NewDisk>,
    boot: Vec<String>,
    kernel: Option<(String, String, String)>,
    description: String,
) -> SourceParts {
    SourceParts {
        disks,
        boot,
        kernel,
        description,
    }
}

/// The install source's disks and boot order, and a description.
fn check_source(form: &NewVmForm, facts: &NewVmFacts, errors: &mut Errors) -> SourceParts {
    let volume = |path: &str, what: String, errors: &mut Errors| {
        if path.trim().is_empty() {
            errors.push(FieldError::new(VmField::Source, what));
            return None;
        }
        let v = facts.host.volume_by_path(path);
        if v.is_none() {
            errors.push(FieldError::new(
                VmField::Source,
                gettext("{path} is not a volume of an active pool: upload it to a pool first")
                    .replace("{path}", path),
            ));
        }
        v.cloned()
    };
    match &form.source {
        InstallSource::Iso { path } => {
            volume(path, gettext("Choose an installer ISO"), errors);
            let cdrom = NewDisk {
                source_file: Some(path.clone()),
                format: "raw".into(),
                device: "cdrom".into(),
                target_dev: "sda".into(),
                target_bus: "sata".into(),
                readonly: true,
            };
            let boot = vec!["cdrom".to_string(), "hd".to_string()];
            parts(
                vec![cdrom],
                boot,
                None,
                gettext("Installer ISO {path}").replace("{path}", path),
            )
        }
        InstallSource::ImportDisk { path } => {
            let v = volume(path, gettext("Choose a disk image"), errors);
            if let Some(users) = facts.host.disk_users.get(path).filter(|u| !u.is_empty()) {
                errors.push(FieldError::new(
                    VmField::Source,
                    gettext("{path} is already used by {machines}: two machines writing one image corrupt it")
                        .replace("{path}", path)
                        .replace("{machines}", &join_list(users)),
                ));
            }
            let format = v.and_then(|v| v.format).unwrap_or_else(|| "raw".into());
            let disk = NewDisk {
                source_file: Some(path.clone()),
                format,
                device: "disk".into(),
                target_dev: "vda".into(),
                target_bus: "virtio".into(),
                readonly: false,
            };
            parts(
                vec![disk],
                vec!["hd".into()],
                None,
                gettext("Existing disk {path}").replace("{path}", path),
            )
        }
        InstallSource::Kernel {
            kernel,
            initrd,
            cmdline,
        } => {
            if kernel.trim().is_empty() {
                errors.push(FieldError::new(
                    VmField::Source,
                    gettext("Enter the kernel's path"),
                ));
            } else if !kernel.starts_with('/') {
                errors.push(FieldError::new(
                    VmField::Source,
                    gettext("The kernel's path must be absolute: it is a file on the host"),
                ));
            }
            if !initrd.is_empty() && !initrd.starts_with('/') {
                errors.push(FieldError::new(
                    VmField::Initrd,
                    gettext("The initrd's path must be absolute: it is a file on the host"),
                ));
            }
            let k = Some((kernel.clone(), initrd.clone(), cmdline.clone()));
            parts(
                Vec::new(),
                Vec::new(),
                k,
                gettext("Kernel {path}").replace("{path}", kernel),
            )
        }
    }
}

fn check_disk(
    form: &NewVmForm,
    facts: &NewVmFacts,
    second: bool,
    errors: &mut Errors,
) -> Option<NewDiskPlan> {
    let d = form.disk.as_ref()?;
    let mut err = |f, m: String| errors.push(FieldError::new(f, m));
    let Some(pool) = facts.host.pool(&d.pool) else {
        err(
            VmField::DiskPool,
            gettext("There is no pool called “{pool}”").replace("{pool}", &d.pool),
        );
        return None;
    };
    if !pool.active {
        err(
            VmField::DiskPool,
            gettext("The pool “{pool}” is not active: start it first").replace("{pool}", &d.pool),
        );
        return None;
    }
    if d.format == VolumeFormat::Qcow2 && !pool.holds_files() {
        err(
            VmField::DiskPool,
            gettext("“{pool}” is a {type} pool, which cannot hold qcow2 images: choose a directory pool")
                .replace("{pool}", &d.pool)
                .replace("{type}", &pool.pool_type),
        );
        return None;
    }
    let capacity = match parse_size(&d.size) {
        Ok(0) => Err(gettext("The size must be larger than 0")),
        Ok(b) if b > pool.available => Err(gettext(
            "{size} is more than the {free} free in the pool “{pool}”",
        )
        .replace("{size}", &format_bytes(b))
        .replace("{free}", &format_bytes(pool.available))
        .replace("{pool}", &d.pool)),
        other => other,
    };
    let capacity = capacity.map_err(|m| err(VmField::DiskSize, m)).ok()?;
    let ext = if d.format == VolumeFormat::Raw {
        "img"
    } else {
        "qcow2"
    };
    let name = form.name.trim();
    let vol_name = if second {
        format!("{name}-vdb.{ext}")
    } else {
        format!("{name}.{ext}")
    };
    if pool.volumes.contains(&vol_name) {
        err(
            VmField::DiskPool,
            gettext("The pool “{pool}” already has a volume called “{name}”: choose another machine name or pool")
                .replace("{pool}", &d.pool)
                .replace("{name}", &vol_name),
        );
        return None;
    }
    let xml = new_volume_xml(&NewVolume {
        name: vol_name.clone(),
        capacity_bytes: capacity,
        allocation_bytes: Some(0),
        format: d.format,
        backing: None,
    })
    .map_err(|e| err(VmField::Name, e.to_string()))
    .ok()?;
    Some(NewDiskPlan {
        pool: pool.name.clone(),
        path: pool.path_for(&vol_name),
        name: vol_name,
        xml,
        capacity,
        format: d.format,
    })
}

fn check_network(form: &NewVmForm, facts: &NewVmFacts, errors: &mut Errors) -> String {
    let mut err = |m: String| errors.push(FieldError::new(VmField::Network, m));
    match &form.network {
        NetworkChoice::None => gettext("None"),
        NetworkChoice::User => gettext("User-mode networking (outgoing connections only)"),
        NetworkChoice::Bridge(b) => {
            if b.trim().is_empty() {
                err(gettext("Enter the bridge's name"));
            }
            gettext("Host bridge {name}").replace("{name}", b)
        }
        NetworkChoice::Network(n) => {
            match facts.networks.iter().find(|(name, _)| name == n) {
                None => err(gettext("There is no network called “{name}”").replace("{name}", n)),
                Some((_, false)) => err(gettext(
                    "The network “{name}” is not active: start it first",
                )
                .replace("{name}", n)),
                Some(_) => {}
            }
            gettext("Virtual network “{name}”").replace("{name}", n)
        }
    }
}

/// Plans the new machine, or says field by field what is wrong.
pub fn plan_new_vm(
    form: &NewVmForm,
    facts: &NewVmFacts,
    random: &mut dyn FnMut() -> [u8; 3],
) -> Result<NewVmPlan, Errors> {
    let mut errors = Vec::new();
    match check_vm_name(&form.name) {
        Err(m) => errors.push(FieldError::new(VmField::Name, m)),
        Ok(n) if facts.host.domain_names.contains(&n) => errors.push(FieldError::new(
            VmField::Name,
            gettext("A machine called “{name}” already exists").replace("{name}", &n),
        )),
        Ok(_) => {}
    }
    check_resources(form, facts, &mut errors);
    let SourceParts {
        mut disks,
        boot,
        kernel,
        description: source,
    } = check_source(form, facts, &mut errors);
    let imported = matches!(form.source, InstallSource::ImportDisk { .. });
    let disk = check_disk(form, facts, imported, &mut errors);
    let network = check_network(form, facts, &mut errors);
    let decision = decide(&facts.driver, &facts.kvm, form.acceleration)
        .map_err(|m| errors.push(FieldError::new(VmField::Acceleration, m)))
        .ok();
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    if let Some(d) = &disk {
        let new = NewDisk {
            source_file: Some(d.path.clone()),
            format: d.format.as_str().into(),
            device: "disk".into(),
            target_dev: if imported { "vdb" } else { "vda" }.into(),
            target_bus: "virtio".into(),
            readonly: false,
        };
        // The disk to install onto comes before the CD-ROM, as virt-install writes it.
        disks.insert(usize::from(imported), new);
    }
    let mac = (form.network != NetworkChoice::None).then(|| {
        let mut taken = facts.host.macs.clone();
        unique_mac(&mut taken, random)
    });
    let name = form.name.trim().to_string();
    let domain_xml = build(&DomainSpec {
        name: name.clone(),
        domain_type: decision.domain_type.clone(),
        arch: facts.arch.clone(),
        memory_kib: form.memory_mib * 1024,
        vcpus: form.vcpus,
        kernel,
        boot,
        disks,
        network: form.network.clone(),
        mac: mac.clone(),
    });
    Ok(NewVmPlan {
        name,
        memory_mib: form.memory_mib,
        vcpus: form.vcpus,
        domain_type: decision.domain_type,
        domain_type_reason: decision.reason,
        domain_xml,
        disk,
        mac,
        source,
        network,
        start: form.start,
    })
}
