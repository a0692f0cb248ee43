//! `virsh pool-define`, `pool-build`, `pool-start`, `pool-destroy`, `pool-refresh`,
//! `pool-autostart`, `pool-undefine` and `pool-delete`, and the details the page shows
//! (type, target, source). Every function blocks on libvirt: worker only.

use std::path::Path;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::sys;

use super::pool_plan::{plan_pool, ExistingPools, FieldError, PoolForm};
use super::transfer::CancelFlag;
use super::volumes::Usage;
use crate::core::error::UserError;
use crate::core::host::is_local_uri;
use crate::core::inventory;
use crate::core::model::PoolSummary;
use crate::core::words::join_list;
use crate::core::xml::PoolXml;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolDetails {
    pub summary: PoolSummary,
    /// dir, fs, netfs, logical, iscsi, …
    pub pool_type: String,
    pub target_path: Option<String>,
    /// Where the data comes from, for people: `nas:/export`, `/dev/sdb`, `vg0`.
    pub source: Option<String>,
}

impl PoolDetails {
    pub fn from_xml(summary: PoolSummary, xml: &str) -> Result<Self, UserError> {
        let p = PoolXml::parse(xml).map_err(|e| UserError::invalid(e.to_string()))?;
        let s = &p.source;
        let source = match (s.hosts.first(), &s.dir, s.devices.is_empty(), &s.name) {
            (Some(h), Some(d), _, _) => Some(format!("{h}:{d}")),
            (Some(h), None, _, Some(n)) => Some(format!("{h}/{n}")),
            (_, _, false, _) => Some(join_list(&s.devices)),
            (_, _, _, Some(n)) => Some(n.clone()),
            (Some(h), None, true, None) => Some(h.clone()),
            _ => None,
        };
        Ok(PoolDetails {
            summary,
            pool_type: p.pool_type,
            target_path: p.target_path,
            source,
        })
    }
}

pub fn fetch(conn: &Connect, uuid: &str) -> Result<PoolDetails, UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(uuid)?;
    let summary = inventory::pool_summary(&pool)?;
    PoolDetails::from_xml(summary, &pool.xml_desc(0)?)
}

fn lookup(conn: &Connect, uuid: &str) -> Result<StoragePool, UserError> {
    Ok(conn.lookup_storage_pool_by_uuid_string(uuid)?)
}

pub fn start(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    Ok(lookup(conn, uuid)?.create(0)?)
}

pub fn stop(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    let pool = lookup(conn, uuid)?;
    refuse_if_used(conn, &pool, &gettext("stopped"))?;
    Ok(pool.destroy()?)
}

pub fn build(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    Ok(lookup(conn, uuid)?.build(0)?)
}

pub fn refresh(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    Ok(lookup(conn, uuid)?.refresh(0)?)
}

pub fn set_autostart(conn: &Connect, uuid: &str, on: bool) -> Result<(), UserError> {
    lookup(conn, uuid)?.set_autostart(on)?;
    Ok(())
}

/// Running machines with a disk in the pool.
pub fn running_users(conn: &Connect, pool: &StoragePool) -> Result<Vec<String>, UserError> {
    if !pool.is_active()? {
        return Ok(Vec::new());
    }
    let usage = Usage::read(conn, true)?;
    let name = pool.name()?;
    let mut users = Vec::new();
    for vol in pool.list_all_volumes(0)? {
        let path = vol.path().unwrap_or_default();
        for u in usage.users(&name, &vol.name()?, &path) {
            if !users.contains(&u) {
                users.push(u);
            }
        }
    }
    users.sort();
    Ok(users)
}

fn refuse_if_used(conn: &Connect, pool: &StoragePool, what: &str) -> Result<(), UserError> {
    let users = running_users(conn, pool)?;
    if users.is_empty() {
        return Ok(());
    }
    Err(UserError::invalid(
        gettext("“{name}” cannot be {what}: running machines use its volumes: {machines}")
            .replace("{name}", &pool.name()?)
            .replace("{what}", what)
            .replace("{machines}", &join_list(&users)),
    ))
}

/// Stops the pool and removes its definition; with `delete_storage`, also removes
/// the storage itself (`pool-delete`: an empty directory, a volume group, …).
/// Refused while running machines use its volumes.
pub fn delete(conn: &Connect, uuid: &str, delete_storage: bool) -> Result<(), UserError> {
    let pool = lookup(conn, uuid)?;
    refuse_if_used(conn, &pool, &gettext("deleted"))?;
    if pool.is_active()? {
        pool.destroy()?;
    }
    if delete_storage {
        pool.delete(0)?;
    }
    if pool.is_persistent()? {
        pool.undefine()?;
    }
    Ok(())
}

pub fn existing(conn: &Connect) -> Result<ExistingPools, UserError> {
    let mut out = ExistingPools::default();
    for pool in conn.list_all_storage_pools(0)? {
        let name = pool.name()?;
        if let Ok(Ok(p)) = pool.xml_desc(0).map(|x| PoolXml::parse(&x)) {
            if let Some(t) = p.target_path {
                out.targets.push((name.clone(), t));
            }
        }
        out.names.push(name);
    }
    Ok(out)
}

/// `virStoragePoolDefineXML` with schema validation.
pub fn define_validated(conn: &Connect, xml: &str) -> Result<StoragePool, UserError> {
    Ok(conn
        .define_storage_pool_xml(xml, sys::VIR_STORAGE_POOL_DEFINE_VALIDATE)
        .or_else(|e| {
            // A driver without validation refuses the flag; define without it.
            if e.message().contains("unsupported flags") {
                conn.define_storage_pool_xml(xml, 0)
            } else {
                Err(e)
            }
        })?)
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

/// What to do after defining a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateSteps {
    pub build: bool,
    pub start: bool,
    pub autostart: bool,
}

/// Checks the form, defines the pool, then builds, starts and marks it to start with
/// the host as asked. If a later step fails the definition is removed again (and a
/// directory the build made is removed), so a failed creation leaves nothing behind.
pub fn create(conn: &Connect, form: &PoolForm, steps: CreateSteps) -> Result<String, CreateError> {
    create_cancellable(conn, form, steps, &CancelFlag::default())
}

/// Like [`create`], but `cancel` undoes what was done at the next step boundary (a
/// step itself — a hanging NFS mount — cannot be interrupted): the pool is stopped,
/// a directory it made removed and its definition undefined.
pub fn create_cancellable(
    conn: &Connect,
    form: &PoolForm,
    steps: CreateSteps,
    cancel: &CancelFlag,
) -> Result<String, CreateError> {
    let existing = existing(conn)?;
    let xml = plan_pool(form, &existing).map_err(CreateError::Fields)?;
    let parsed = PoolXml::parse(&xml).map_err(|e| UserError::invalid(e.to_string()))?;
    let local = is_local_uri(&conn.uri().unwrap_or_default())
        && !conn.uri().unwrap_or_default().starts_with("test:");
    let made_dir = parsed.pool_type == "dir"
        && local
        && parsed
            .target_path
            .as_deref()
            .is_some_and(|t| !Path::new(t).exists());
    let pool = define_validated(conn, &xml)?;
    let mut built = false;
    let stop_if_cancelled = || {
        if cancel.is_cancelled() {
            Err(UserError::invalid(gettext(
                "Creating the pool was cancelled; nothing of it was kept",
            )))
        } else {
            Ok(())
        }
    };
    let result = (|| -> Result<(), UserError> {
        stop_if_cancelled()?;
        if steps.build {
            pool.build(0)?;
            built = true;
            stop_if_cancelled()?;
        }
        if steps.start {
            pool.create(0)?;
            stop_if_cancelled()?;
        }
        if steps.autostart {
            pool.set_autostart(true)?;
        }
        stop_if_cancelled()
    })();
    if let Err(e) = result {
        if pool.is_active().unwrap_or(false) {
            let _ = pool.destroy();
        }
        if built && made_dir {
            let _ = pool.delete(0);
        }
        let _ = pool.undefine();
        return Err(CreateError::Libvirt(e));
    }
    Ok(pool.uuid_string()?)
}

/// The pool's XML as `virsh pool-dumpxml --inactive` shows it.
pub fn editable_xml(conn: &Connect, uuid: &str) -> Result<String, UserError> {
    Ok(lookup(conn, uuid)?.xml_desc(sys::VIR_STORAGE_XML_INACTIVE)?)
}
