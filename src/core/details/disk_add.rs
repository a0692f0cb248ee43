//! "Add disk" (`virsh attach-disk`, with `vol-create` first for a new image): an
//! existing volume of a pool, or a new one made for the disk. Everything typed is
//! checked before anything changes; when plugging the disk in fails after a new
//! volume was made, the volume is deleted again, so nothing half-made stays.
//! Worker only.

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::device_apply::{attach, Current, DeviceScope};
use super::disk_target;
use crate::core::error::UserError;
use crate::core::storage::size::format_bytes;
use crate::core::storage::volume_ops::{create_planned, pool_space};
use crate::core::storage::volume_plan::{plan_volume, VolField, VolumeForm};
use crate::core::storage::volumes::{self, VolumeInfo};
use crate::core::words::join_list;
use crate::core::xml::device_element::use_block_source;
use crate::core::xml::domain_edit::{disk_element, NewDisk};
use crate::core::xml::{DomainXml, VolumeFormat};

/// The buses a new disk can be on.
pub const BUSES: [&str; 3] = ["virtio", "sata", "scsi"];

/// A pool a disk can come from, with its volumes.
#[derive(Debug, Clone)]
pub struct PoolChoice {
    pub name: String,
    pub capacity: u64,
    pub available: u64,
    pub volumes: Vec<VolumeInfo>,
}

/// What the "Add disk" dialog offers for one machine.
#[derive(Debug, Clone)]
pub struct DiskChoices {
    pub machine: String,
    pub scope: DeviceScope,
    /// Active pools, by name.
    pub pools: Vec<PoolChoice>,
    /// Targets in use now or in the stored definition.
    pub taken_targets: Vec<String>,
}

impl DiskChoices {
    pub fn next_target(&self, bus: &str) -> String {
        disk_target::next_free(bus, &self.taken_targets)
    }
}

/// Targets the machine uses, running or stored.
pub(super) fn taken_targets(current: &Current) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for doc in [&current.live, &current.config].into_iter().flatten() {
        if let Ok(xml) = DomainXml::from_document(doc) {
            for t in xml.disks.iter().filter_map(|d| d.target_dev.clone()) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

pub fn choices(conn: &Connect, uuid: &str) -> Result<DiskChoices, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let scope = DeviceScope::of(&dom)?;
    let current = Current::read(&dom, scope)?;
    let mut pools = Vec::new();
    for pool in conn.list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)? {
        let info = pool.info()?;
        pools.push(PoolChoice {
            name: pool.name()?,
            capacity: info.capacity,
            available: info.available,
            volumes: volumes::list_pool(conn, &pool)?,
        });
    }
    pools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(DiskChoices {
        machine: dom.name()?,
        scope,
        pools,
        taken_targets: taken_targets(&current),
    })
}

/// Where the new disk's data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskImage {
    /// A volume that exists, by pool and volume name.
    Existing { pool: String, volume: String },
    /// A volume made for this disk; `size` as typed ("20G").
    New {
        pool: String,
        name: String,
        size: String,
        format: VolumeFormat,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskRequest {
    pub image: DiskImage,
    pub bus: String,
    pub target: String,
}

/// The field a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiskField {
    Pool,
    Volume,
    Name,
    Size,
    Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddDiskError {
    /// What is wrong with what was typed; nothing changed.
    Fields(Vec<(DiskField, String)>),
    /// libvirt refused; nothing is left of the attempt (a new volume was removed).
    Libvirt(UserError),
}

impl From<UserError> for AddDiskError {
    fn from(e: UserError) -> Self {
        AddDiskError::Libvirt(e)
    }
}

impl From<virt::error::Error> for AddDiskError {
    fn from(e: virt::error::Error) -> Self {
        AddDiskError::Libvirt(e.into())
    }
}

/// The disk as plugged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedDisk {
    pub target: String,
    pub path: String,
    /// `pool/volume`.
    pub volume: String,
    pub created: bool,
    pub scope: DeviceScope,
}

/// Why an existing volume cannot become this machine's disk, if it cannot.
fn refuse_existing(info: &VolumeInfo, machine: &str) -> Option<String> {
    if info.used_by.iter().any(|u| u == machine) {
        return Some(gettext("This machine already uses this volume"));
    }
    if !info.used_by.is_empty() {
        return Some(
            gettext("Used by {machines}: two machines writing one disk destroy its data")
                .replace("{machines}", &join_list(&info.used_by)),
        );
    }
    if !info.backs.is_empty() {
        let layers: Vec<&str> = info.backs.iter().map(|b| b.label()).collect();
        return Some(
            gettext("The base of {volumes}: writing to it would corrupt them")
                .replace("{volumes}", &join_list(&layers)),
        );
    }
    None
}

/// Adds the disk, live and/or to the stored definition as the machine's state says.
pub fn add(conn: &Connect, uuid: &str, request: &DiskRequest) -> Result<AddedDisk, AddDiskError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let machine = dom.name()?;
    let scope = DeviceScope::of(&dom)?;
    let current = Current::read(&dom, scope)?;
    let mut errors = Vec::new();
    let bus = request.bus.as_str();
    if !BUSES.contains(&bus) {
        return Err(
            UserError::invalid(gettext("Unknown disk bus “{bus}”").replace("{bus}", bus)).into(),
        );
    }
    let target = disk_target::check(bus, &request.target, &taken_targets(&current))
        .map_err(|m| errors.push((DiskField::Target, m)))
        .ok();

    let pool_name = match &request.image {
        DiskImage::Existing { pool, .. } | DiskImage::New { pool, .. } => pool,
    };
    let pool = conn
        .lookup_storage_pool_by_name(pool_name)
        .ok()
        .filter(|p| p.is_active().unwrap_or(false));
    let Some(pool) = pool else {
        errors.push((DiskField::Pool, gettext("Choose an active storage pool")));
        return Err(AddDiskError::Fields(errors));
    };
    // The volume to use: found, or planned and not yet made.
    let (existing, planned) = match &request.image {
        DiskImage::Existing { volume, .. } => match volumes::find(conn, &pool, volume) {
            Ok(info) => {
                if let Some(why) = refuse_existing(&info, &machine) {
                    errors.push((DiskField::Volume, why));
                }
                (Some(info), None)
            }
            Err(_) => {
                errors.push((DiskField::Volume, gettext("Choose a volume")));
                (None, None)
            }
        },
        DiskImage::New {
            name, size, format, ..
        } => {
            let space = pool_space(&pool)?;
            let form = VolumeForm {
                name: name.clone(),
                format: *format,
                size: size.clone(),
                backing: None,
                preallocate: false,
            };
            match plan_volume(&form, &space) {
                Err(field_errors) => {
                    for e in field_errors {
                        let field = match e.field {
                            VolField::Name => DiskField::Name,
                            _ => DiskField::Size,
                        };
                        errors.push((field, e.message));
                    }
                    (None, None)
                }
                // Thin, but a disk larger than the free space fills the pool once the
                // guest writes, and then the machine stops with an I/O error.
                Ok(v) if v.capacity_bytes > space.available => {
                    errors.push((
                        DiskField::Size,
                        gettext("Only {free} is free in the pool")
                            .replace("{free}", &format_bytes(space.available)),
                    ));
                    (None, None)
                }
                Ok(v) => (None, Some(v)),
            }
        }
    };
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        return Err(AddDiskError::Fields(errors));
    };

    let (vol, format, created) = match (existing, planned) {
        (Some(info), _) => {
            let vol = pool.lookup_storage_vol_by_name(&info.name)?;
            let format = match info.format.as_deref() {
                Some("qcow2") => "qcow2",
                _ => "raw",
            };
            (vol, format, false)
        }
        (None, Some(planned)) => {
            let vol = create_planned(&pool, &planned)?;
            (vol, planned.format.as_str(), true)
        }
        (None, None) => unreachable!("errors were returned above"),
    };
    let result = plug_in(&dom, scope, &vol, format, bus, &target);
    match result {
        Ok(path) => Ok(AddedDisk {
            volume: format!("{}/{}", pool.name()?, vol.name()?),
            target,
            path,
            created,
            scope,
        }),
        Err(e) if created => {
            let message = match vol.delete(0) {
                Ok(()) => gettext("{reason} (the new volume was deleted again)")
                    .replace("{reason}", &e.message),
                Err(d) => gettext("{reason}; the new volume could not be deleted either: {error}")
                    .replace("{reason}", &e.message)
                    .replace("{error}", &UserError::from(d).message),
            };
            Err(UserError::new(e.kind, message).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Attaches `vol` as disk `target`; returns its path.
fn plug_in(
    dom: &virt::domain::Domain,
    scope: DeviceScope,
    vol: &StorageVol,
    format: &str,
    bus: &str,
    target: &str,
) -> Result<String, UserError> {
    let path = vol.path()?;
    let mut element = disk_element(&NewDisk {
        source_file: Some(path.clone()),
        format: format.into(),
        device: "disk".into(),
        target_dev: target.into(),
        target_bus: bus.into(),
        readonly: false,
    });
    if vol.info()?.kind == sys::VIR_STORAGE_VOL_BLOCK {
        use_block_source(&mut element);
    }
    attach(dom, scope, &element)?;
    Ok(path)
}
