//! The clone plan: a pure function from the template's XML, the host's pools
//! and volumes, and the person's choices to the exact volume XMLs and domain
//! XMLs the executor will hand to libvirt. Nothing here touches libvirt, so
//! the wizard can re-plan on every change and show the result as a summary,
//! and tests can check every refusal without a host.

use std::collections::{HashMap, HashSet};

use gettextrs::gettext;

use super::disks::{disk_options, DiskChoice, DiskMode, DiskOption};
use super::facts::{HostFacts, PoolFacts, TemplateFacts};
use super::fields::{CloneField, FieldError};
use super::mac::unique_mac;
use super::names::{resolve_names, NameChoice};
use crate::core::model::DomainState;
use crate::core::storage::size::format_bytes;
use crate::core::xml::domain_edit::{
    remove_disk, remove_interface_macs, remove_uuid, rename_log_files, set_disk_driver_type,
    set_disk_source_file, set_graphics_autoport, set_interface_mac, set_name, set_nvram_path,
    set_template, set_title,
};
use crate::core::xml::{new_volume_xml, BackingImage, Document, NewVolume, VolumeFormat};

/// What a new overlay costs in its pool before the guest writes: the qcow2
/// header and tables (about 200 KiB for a 10 GiB disk), rounded up.
pub const OVERLAY_ESTIMATE: u64 = 1 << 20;

/// The person's choices in the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneRequest {
    pub names: NameChoice,
    /// Choices per disk; disks not listed get [`DiskOption::default_choice`].
    pub disks: Vec<DiskChoice>,
    /// Run virt-sysprep on the new disks (see `sysprep`).
    pub sysprep: bool,
    /// Start each clone once all are created.
    pub start: bool,
}

impl CloneRequest {
    pub fn new(names: NameChoice) -> Self {
        CloneRequest {
            names,
            disks: Vec::new(),
            sysprep: false,
            start: false,
        }
    }
}

/// A volume the executor creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVolume {
    /// The template disk it replaces (`vda`).
    pub target: String,
    pub mode: DiskMode,
    pub pool: String,
    pub name: String,
    /// Where libvirt is expected to put it; the executor uses the real path
    /// if libvirt reports another.
    pub path: String,
    pub xml: String,
    /// The template's image: the backing image (linked) or the copy's source.
    pub source_path: String,
    pub format: String,
    pub capacity: u64,
    /// Data to copy: the source's allocation for a full copy, 0 when linked.
    pub copy_bytes: u64,
}

/// One new machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVm {
    pub name: String,
    pub domain_xml: String,
    pub volumes: Vec<PlannedVolume>,
    /// New MAC addresses, one per interface in XML order.
    pub macs: Vec<String>,
}

/// Everything the executor does, decided up front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClonePlan {
    pub template_name: String,
    pub template_uuid: String,
    pub vms: Vec<PlannedVm>,
    /// The final choice per disk, in XML order (defaults filled in).
    pub disks: Vec<DiskChoice>,
    /// The template had a UEFI variable store; clones get fresh ones.
    pub fresh_nvram: bool,
    pub sysprep: bool,
    pub start: bool,
}

fn ext_for(format: &str) -> &str {
    match format {
        "raw" => "img",
        other => other,
    }
}

/// `web-1.qcow2` for the first new disk, `web-1-vdb.qcow2` for the others.
fn volume_name(vm: &str, target: &str, first: bool, format: &str) -> String {
    if first {
        format!("{vm}.{}", ext_for(format))
    } else {
        format!("{vm}-{target}.{}", ext_for(format))
    }
}

fn check_template(template: &TemplateFacts) -> Vec<FieldError<CloneField>> {
    let name = &template.domain.name;
    let mut errors = Vec::new();
    if !template.domain.is_template {
        errors.push(FieldError::new(
            CloneField::Template,
            gettext("“{name}” is not a template: mark it as a template first")
                .replace("{name}", name),
        ));
    }
    if template.state != DomainState::Shutoff {
        errors.push(FieldError::new(
            CloneField::Template,
            gettext("“{name}” is {state}: shut it off first, its disks must not change under the clones")
                .replace("{name}", name)
                .replace("{state}", &template.state.label().to_lowercase()),
        ));
    }
    errors
}

/// The pool a new volume for `option` goes to, or why it cannot.
fn target_pool<'h>(
    option: &DiskOption,
    choice: &DiskChoice,
    host: &'h HostFacts,
) -> Result<&'h PoolFacts, String> {
    let name = match (&choice.pool, &option.volume) {
        (Some(p), _) => p.clone(),
        (None, Some(v)) => v.pool.clone(),
        (None, None) => return Err(gettext("Choose a pool for the new disk")),
    };
    let pool = host
        .pool(&name)
        .ok_or_else(|| gettext("There is no pool called “{pool}”").replace("{pool}", &name))?;
    if !pool.active {
        return Err(
            gettext("The pool “{pool}” is not active: start it first").replace("{pool}", &name)
        );
    }
    let needs_files = choice.mode == DiskMode::Linked || option.format.as_deref() != Some("raw");
    if needs_files && !pool.holds_files() {
        return Err(gettext(
            "“{pool}” is a {type} pool, which cannot hold qcow2 images: choose a directory pool",
        )
        .replace("{pool}", &name)
        .replace("{type}", &pool.pool_type));
    }
    Ok(pool)
}

/// Checks the disk choices; returns the choice for every disk, in XML order.
fn check_disks(
    options: &[DiskOption],
    req: &CloneRequest,
    host: &HostFacts,
    errors: &mut Vec<FieldError<CloneField>>,
) -> Vec<(DiskOption, DiskChoice)> {
    for c in &req.disks {
        if !options.iter().any(|o| o.target == c.target) {
            errors.push(FieldError::new(
                CloneField::Disk(c.target.clone()),
                gettext("The template has no disk “{target}”").replace("{target}", &c.target),
            ));
        }
    }
    let mut out = Vec::new();
    for o in options {
        let choice = req
            .disks
            .iter()
            .find(|c| c.target == o.target)
            .cloned()
            .unwrap_or_else(|| o.default_choice());
        let field = CloneField::Disk(o.target.clone());
        let available = o.availability(choice.mode);
        if !available.available {
            errors.push(FieldError::new(field, available.reason));
            continue;
        }
        if matches!(choice.mode, DiskMode::Linked | DiskMode::FullCopy) {
            if let Err(m) = target_pool(o, &choice, host) {
                errors.push(FieldError::new(field, m));
                continue;
            }
            if choice.mode == DiskMode::Linked && o.volume.as_ref().is_some_and(|v| v.capacity == 0)
            {
                errors.push(FieldError::new(
                    field,
                    gettext("libvirt reports no size for the template's image, so no overlay can be made"),
                ));
                continue;
            }
        }
        out.push((o.clone(), choice));
    }
    out
}

/// Plans the clones, or says field by field what stands in the way.
/// `random` supplies MAC bytes (see `mac::random_bytes`); tests pass a fixed
/// sequence. Every address is unique on the host and within the batch.
pub fn plan_clones(
    template: &TemplateFacts,
    host: &HostFacts,
    req: &CloneRequest,
    random: &mut dyn FnMut() -> [u8; 3],
) -> Result<ClonePlan, Vec<FieldError<CloneField>>> {
    let mut errors = check_template(template);
    let names = match resolve_names(&req.names, &host.domain_names) {
        Ok(n) => n,
        Err(e) => {
            errors.extend(e);
            Vec::new()
        }
    };
    let options = disk_options(&template.domain, host);
    let disks = check_disks(&options, req, host, &mut errors);
    if req.sysprep && !host.sysprep.available {
        errors.push(FieldError::new(
            CloneField::Sysprep,
            host.sysprep.reason.clone(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut macs_taken = host.macs.clone();
    let mut vms = Vec::new();
    let mut used_space: HashMap<String, u64> = HashMap::new();
    let mut new_names: HashSet<(String, String)> = HashSet::new();
    for name in &names {
        let vm =
            plan_vm(template, host, name, &disks, &mut macs_taken, random).map_err(|e| vec![e])?;
        for v in &vm.volumes {
            let bytes = v.copy_bytes.max(OVERLAY_ESTIMATE);
            *used_space.entry(v.pool.clone()).or_default() += bytes;
            let field = CloneField::Disk(v.target.clone());
            let pool = host.pool(&v.pool).expect("checked in check_disks");
            if pool.volumes.contains(&v.name) || !new_names.insert((v.pool.clone(), v.name.clone()))
            {
                errors.push(FieldError::new(
                    field,
                    gettext("The pool “{pool}” already has a volume called “{name}”: choose another machine name or pool")
                        .replace("{pool}", &v.pool)
                        .replace("{name}", &v.name),
                ));
            }
        }
        vms.push(vm);
    }
    for (pool_name, need) in &used_space {
        let pool = host.pool(pool_name).expect("checked in check_disks");
        if *need > pool.available {
            let target = vms
                .iter()
                .flat_map(|v| &v.volumes)
                .find(|v| &v.pool == pool_name)
                .map(|v| v.target.clone())
                .unwrap_or_default();
            errors.push(FieldError::new(
                CloneField::Disk(target),
                gettext(
                    "The clones need about {need} in the pool “{pool}”, but only {free} is free",
                )
                .replace("{need}", &format_bytes(*need))
                .replace("{pool}", pool_name)
                .replace("{free}", &format_bytes(pool.available)),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ClonePlan {
        template_name: template.domain.name.clone(),
        template_uuid: template.uuid.clone(),
        vms,
        disks: disks.into_iter().map(|(_, c)| c).collect(),
        fresh_nvram: template.domain.os.nvram.is_some(),
        sysprep: req.sysprep,
        start: req.start,
    })
}

fn plan_vm(
    template: &TemplateFacts,
    host: &HostFacts,
    name: &str,
    disks: &[(DiskOption, DiskChoice)],
    macs_taken: &mut HashSet<String>,
    random: &mut dyn FnMut() -> [u8; 3],
) -> Result<PlannedVm, FieldError<CloneField>> {
    let xml_err =
        |e: crate::core::xml::XmlError| FieldError::new(CloneField::Template, e.to_string());
    let mut doc = Document::parse(&template.xml).map_err(xml_err)?;
    set_name(&mut doc, name);
    remove_uuid(&mut doc);
    set_template(&mut doc, false);
    // A title such as "golden image, do not boot" describes the template, not its clones.
    set_title(&mut doc, None);
    remove_interface_macs(&mut doc);
    let mut macs = Vec::new();
    for i in 0..template.domain.interfaces.len() {
        let mac = unique_mac(macs_taken, random);
        set_interface_mac(&mut doc, i, &mac).map_err(xml_err)?;
        macs.push(mac);
    }
    let mut volumes = Vec::new();
    for (option, choice) in disks {
        match choice.mode {
            DiskMode::Share => {}
            DiskMode::Skip => remove_disk(&mut doc, &option.target).map_err(xml_err)?,
            DiskMode::Linked | DiskMode::FullCopy => {
                let v = plan_volume(host, name, option, choice, volumes.is_empty())?;
                set_disk_source_file(&mut doc, &option.target, &v.path).map_err(xml_err)?;
                set_disk_driver_type(&mut doc, &option.target, &v.format).map_err(xml_err)?;
                volumes.push(v);
            }
        }
    }
    set_graphics_autoport(&mut doc);
    rename_log_files(&mut doc, &template.domain.name, name);
    // libvirt makes a fresh variable store from the firmware's template at
    // the first start (see the module docs of `clone`).
    set_nvram_path(&mut doc, None);
    Ok(PlannedVm {
        name: name.to_string(),
        domain_xml: doc.to_string(),
        volumes,
        macs,
    })
}

fn plan_volume(
    host: &HostFacts,
    vm: &str,
    option: &DiskOption,
    choice: &DiskChoice,
    first: bool,
) -> Result<PlannedVolume, FieldError<CloneField>> {
    let field = || CloneField::Disk(option.target.clone());
    let pool = target_pool(option, choice, host).map_err(|m| FieldError::new(field(), m))?;
    let source = option
        .volume
        .as_ref()
        .expect("linked and copied disks are volumes");
    let linked = choice.mode == DiskMode::Linked;
    let format = if linked || option.format.as_deref() != Some("raw") {
        VolumeFormat::Qcow2
    } else {
        VolumeFormat::Raw
    };
    let name = volume_name(vm, &option.target, first, format.as_str());
    let xml = new_volume_xml(&NewVolume {
        name: name.clone(),
        capacity_bytes: source.capacity,
        allocation_bytes: Some(0),
        format,
        backing: linked.then(|| BackingImage {
            path: source.path.clone(),
            format: "qcow2".into(),
        }),
    })
    .map_err(|e| FieldError::new(field(), e.to_string()))?;
    Ok(PlannedVolume {
        target: option.target.clone(),
        mode: choice.mode,
        pool: pool.name.clone(),
        path: pool.path_for(&name),
        name,
        xml,
        source_path: source.path.clone(),
        format: format.as_str().to_string(),
        capacity: source.capacity,
        copy_bytes: if linked { 0 } else { source.allocation.max(1) },
    })
}
