//! `virsh vol-create`, `vol-resize` and `vol-delete` (and what `qemu-img create -b`
//! and `qemu-img resize` do, through libvirt), each checked first, and the check
//! before a clone (`volume_copy` makes it). Every function blocks on libvirt: run
//! them on the worker.

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::volume_plan::{
    plan_clone, plan_resize, plan_volume, BackingChoice, FieldError, PoolSpace, VolField,
    VolumeForm,
};
use super::volumes;
use crate::core::error::UserError;
use crate::core::words::join_list;
use crate::core::xml::{new_volume_xml, NewVolume, VolumeXml};

/// The pool's size, free space and volume names, read now.
pub fn pool_space(pool: &StoragePool) -> Result<PoolSpace, UserError> {
    let info = pool.info()?;
    let mut names = Vec::new();
    for v in pool.list_all_volumes(0)? {
        names.push(v.name()?);
    }
    Ok(PoolSpace {
        capacity: info.capacity,
        available: info.available,
        volume_names: names,
    })
}

fn lookup_pool(conn: &Connect, uuid: &str) -> Result<StoragePool, UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(uuid)?;
    if !pool.is_active()? {
        return Err(UserError::invalid(
            gettext("The pool “{name}” is not active: start it first")
                .replace("{name}", &pool.name()?),
        ));
    }
    Ok(pool)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    Fields(Vec<FieldError>),
    Libvirt(UserError),
}

impl From<UserError> for CreateError {
    fn from(e: UserError) -> Self {
        CreateError::Libvirt(e)
    }
}

impl From<virt::error::Error> for CreateError {
    fn from(e: virt::error::Error) -> Self {
        CreateError::Libvirt(UserError::from(e))
    }
}

/// Removes a volume a failed operation may have left under `name`, unless it was
/// there before.
fn remove_leftover(pool: &StoragePool, name: &str, existed: bool) {
    if existed {
        return;
    }
    let _ = pool.refresh(0);
    if let Ok(vol) = pool.lookup_storage_vol_by_name(name) {
        let _ = vol.delete(0);
    }
}

/// Creates a volume from the form. Nothing is changed when a field is wrong; when
/// libvirt fails, nothing of the volume is left behind.
pub fn create(conn: &Connect, pool_uuid: &str, form: &VolumeForm) -> Result<String, CreateError> {
    let pool = lookup_pool(conn, pool_uuid)?;
    let space = pool_space(&pool)?;
    let planned = plan_volume(form, &space).map_err(CreateError::Fields)?;
    create_planned(&pool, &planned)?;
    Ok(planned.name)
}

/// Creates an already checked volume; on failure removes whatever was made.
pub fn create_planned(pool: &StoragePool, vol: &NewVolume) -> Result<StorageVol, UserError> {
    let xml = new_volume_xml(vol).map_err(|e| UserError::invalid(e.to_string()))?;
    let existed = pool.lookup_storage_vol_by_name(&vol.name).is_ok();
    StorageVol::create_xml(pool, &xml, 0).map_err(|e| {
        let err = UserError::from(e);
        remove_leftover(pool, &vol.name, existed);
        err
    })
}

/// Volumes a new overlay can be based on: file volumes of every active pool, with
/// `pool/volume` labels, sorted.
pub fn backing_choices(conn: &Connect) -> Result<Vec<(String, BackingChoice)>, UserError> {
    let mut out = Vec::new();
    for pool in conn.list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)? {
        let pool_name = pool.name()?;
        for vol in pool.list_all_volumes(0).unwrap_or_default() {
            let Ok(Ok(v)) = vol.xml_desc(0).map(|x| VolumeXml::parse(&x)) else {
                continue;
            };
            let format = v.format.clone().unwrap_or_else(|| "raw".into());
            if !matches!(format.as_str(), "qcow2" | "raw") {
                continue;
            }
            let Some(path) = v.path.clone().or_else(|| vol.path().ok()) else {
                continue;
            };
            out.push((
                format!("{pool_name}/{}", v.name),
                BackingChoice {
                    path,
                    format,
                    capacity: v.capacity.unwrap_or(0),
                },
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Grows a volume to the size typed. Returns the new capacity.
pub fn resize(conn: &Connect, pool_uuid: &str, name: &str, size: &str) -> Result<u64, CreateError> {
    let pool = lookup_pool(conn, pool_uuid)?;
    let vol = pool.lookup_storage_vol_by_name(name)?;
    let current = vol.info()?.capacity;
    let bytes = plan_resize(current, size, &pool_space(&pool)?).map_err(|m| {
        CreateError::Fields(vec![FieldError {
            field: VolField::Size,
            message: m,
        }])
    })?;
    vol.resize(bytes, 0)?;
    Ok(bytes)
}

/// Deletes a volume unless a machine uses it or another volume is based on it.
pub fn delete(conn: &Connect, pool_uuid: &str, name: &str) -> Result<(), UserError> {
    let pool = lookup_pool(conn, pool_uuid)?;
    let info = volumes::find(conn, &pool, name)?;
    if !info.used_by.is_empty() {
        return Err(UserError::invalid(
            gettext("“{name}” is used by {machines}: remove it from their disks first")
                .replace("{name}", name)
                .replace("{machines}", &join_list(&info.used_by)),
        ));
    }
    if !info.backs.is_empty() {
        let names: Vec<&str> = info.backs.iter().map(|b| b.label()).collect();
        return Err(UserError::invalid(
            gettext("“{name}” is the backing store of {volumes}: delete those first")
                .replace("{name}", name)
                .replace("{volumes}", &join_list(&names)),
        ));
    }
    pool.lookup_storage_vol_by_name(name)?.delete(0)?;
    Ok(())
}

/// Checks a clone before it starts: the new name, and room for the copy.
pub fn check_clone(
    conn: &Connect,
    pool_uuid: &str,
    source: &str,
    new_name: &str,
) -> Result<String, CreateError> {
    let pool = lookup_pool(conn, pool_uuid)?;
    let vol = pool.lookup_storage_vol_by_name(source)?;
    let allocation = vol.info()?.allocation;
    plan_clone(new_name, allocation, &pool_space(&pool)?).map_err(|m| {
        CreateError::Fields(vec![FieldError {
            field: VolField::Name,
            message: m,
        }])
    })
}
