//! A pool's volumes as the Storage page lists them: with the machines that use each
//! one and the backing links between volumes. Volumes are not in the store; the page
//! lists a pool on demand and again after its refresh event. Worker only.

use std::collections::{HashMap, HashSet};

use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::sys;

use crate::core::error::UserError;
use crate::core::xml::{DiskSource, DomainXml, VolumeXml};

/// The image behind a disk: its file or device path, or for a `type='volume'` disk
/// (`<source pool= volume=>`) the path of that pool's volume. None for network disks,
/// empty drives, and volumes whose pool is gone or inactive.
pub fn image_path(conn: &Connect, source: &DiskSource) -> Option<String> {
    if let Some(path) = source.path() {
        return Some(path.to_string());
    }
    let (pool, volume) = (source.pool.as_deref()?, source.volume.as_deref()?);
    conn.lookup_storage_pool_by_name(pool)
        .and_then(|p| p.lookup_storage_vol_by_name(volume))
        .and_then(|v| v.path())
        .ok()
}

/// Another volume (or a plain file) this one is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRef {
    pub path: String,
    /// `pool/volume` when the path is a volume libvirt knows.
    pub volume: Option<String>,
}

impl VolumeRef {
    /// `pool/volume`, or the path.
    pub fn label(&self) -> &str {
        self.volume.as_deref().unwrap_or(&self.path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeInfo {
    pub name: String,
    pub path: String,
    /// qcow2, raw, iso, …
    pub format: Option<String>,
    pub capacity: u64,
    pub allocation: u64,
    /// Machines whose disks (or their backing chains) are this volume.
    pub used_by: Vec<String>,
    /// The image this one is an overlay of.
    pub backing: Option<VolumeRef>,
    pub backing_format: Option<String>,
    /// Volumes that are overlays of this one.
    pub backs: Vec<VolumeRef>,
}

impl VolumeInfo {
    /// Why deleting it would break something, or `None`.
    pub fn in_use(&self) -> bool {
        !self.used_by.is_empty() || !self.backs.is_empty()
    }
}

/// Who uses what: machines per disk path and per (pool, volume).
#[derive(Debug, Clone, Default)]
pub struct Usage {
    by_path: HashMap<String, Vec<String>>,
    by_volume: HashMap<(String, String), Vec<String>>,
}

impl Usage {
    /// Reads every domain's XML (live for running ones). With `running_only`, only
    /// running domains count.
    pub fn read(conn: &Connect, running_only: bool) -> Result<Usage, UserError> {
        let flags = if running_only {
            sys::VIR_CONNECT_LIST_DOMAINS_ACTIVE
        } else {
            0
        };
        let mut usage = Usage::default();
        for dom in conn.list_all_domains(flags)? {
            let Ok(parsed) = dom.xml_desc(0).map(|x| DomainXml::parse(&x)) else {
                continue;
            };
            let Ok(parsed) = parsed else { continue };
            for disk in &parsed.disks {
                let mut add = |map_key: Option<String>| {
                    if let Some(p) = map_key {
                        let users = usage.by_path.entry(p).or_default();
                        if !users.contains(&parsed.name) {
                            users.push(parsed.name.clone());
                        }
                    }
                };
                add(disk.source.path().map(str::to_string));
                for b in &disk.backing_chain {
                    add(b.source.path().map(str::to_string));
                }
                if let (Some(pool), Some(vol)) = (&disk.source.pool, &disk.source.volume) {
                    let users = usage
                        .by_volume
                        .entry((pool.clone(), vol.clone()))
                        .or_default();
                    if !users.contains(&parsed.name) {
                        users.push(parsed.name.clone());
                    }
                }
            }
        }
        Ok(usage)
    }

    pub fn users(&self, pool: &str, volume: &str, path: &str) -> Vec<String> {
        let mut out: Vec<String> = self.by_path.get(path).cloned().unwrap_or_default();
        for u in self
            .by_volume
            .get(&(pool.to_string(), volume.to_string()))
            .into_iter()
            .flatten()
        {
            if !out.contains(u) {
                out.push(u.clone());
            }
        }
        out.sort();
        out
    }
}

/// One volume of any active pool, for backing links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub pool: String,
    pub name: String,
    /// `pool/volume`.
    pub label: String,
    /// The path of the image it is an overlay of.
    pub backing: Option<String>,
}

/// Every volume of every active pool, by path.
pub fn known_volumes(conn: &Connect) -> HashMap<String, Known> {
    let mut out = HashMap::new();
    let Ok(pools) = conn.list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE) else {
        return out;
    };
    for pool in pools {
        let pool_name = pool.name().unwrap_or_default();
        for vol in pool.list_all_volumes(0).unwrap_or_default() {
            let Ok(xml) = vol.xml_desc(0) else { continue };
            let Ok(v) = VolumeXml::parse(&xml) else {
                continue;
            };
            let path = v
                .path
                .clone()
                .or_else(|| vol.path().ok())
                .unwrap_or_default();
            out.insert(
                path,
                Known {
                    label: format!("{pool_name}/{}", v.name),
                    pool: pool_name.clone(),
                    name: v.name,
                    backing: v.backing_path,
                },
            );
        }
    }
    out
}

/// The pool's volumes, sorted by name, with users and backing links.
pub fn list(conn: &Connect, pool_uuid: &str) -> Result<Vec<VolumeInfo>, UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(pool_uuid)?;
    list_pool(conn, &pool)
}

pub fn list_pool(conn: &Connect, pool: &StoragePool) -> Result<Vec<VolumeInfo>, UserError> {
    let pool_name = pool.name()?;
    if !pool.is_active()? {
        return Ok(Vec::new());
    }
    let usage = Usage::read(conn, false)?;
    let known = known_volumes(conn);
    let mut backs: HashMap<&str, Vec<VolumeRef>> = HashMap::new();
    for (path, k) in &known {
        if let Some(b) = &k.backing {
            backs.entry(b.as_str()).or_default().push(VolumeRef {
                path: path.clone(),
                volume: Some(k.label.clone()),
            });
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for vol in pool.list_all_volumes(0)? {
        let xml = vol.xml_desc(0)?;
        let v = VolumeXml::parse(&xml).map_err(|e| UserError::invalid(e.to_string()))?;
        if !seen.insert(v.name.clone()) {
            continue;
        }
        let path = v
            .path
            .clone()
            .or_else(|| vol.path().ok())
            .unwrap_or_default();
        let info = vol.info().ok();
        let mut b = backs.get(path.as_str()).cloned().unwrap_or_default();
        b.sort_by(|x, y| x.label().cmp(y.label()));
        out.push(VolumeInfo {
            used_by: usage.users(&pool_name, &v.name, &path),
            backing: v.backing_path.as_ref().map(|p| VolumeRef {
                path: p.clone(),
                volume: known.get(p).map(|k| k.label.clone()),
            }),
            backing_format: v.backing_format.clone(),
            backs: b,
            capacity: v
                .capacity
                .or(info.as_ref().map(|i| i.capacity))
                .unwrap_or(0),
            allocation: v
                .allocation
                .or(info.as_ref().map(|i| i.allocation))
                .unwrap_or(0),
            format: v.format,
            name: v.name,
            path,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// One volume by name, with users and links.
pub fn find(conn: &Connect, pool: &StoragePool, name: &str) -> Result<VolumeInfo, UserError> {
    list_pool(conn, pool)?
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| {
            UserError::new(
                crate::core::error::ErrorKind::NotFound,
                gettextrs::gettext("The volume “{name}” no longer exists").replace("{name}", name),
            )
        })
}
