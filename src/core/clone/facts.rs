//! What the clone and new-VM plans need to know about a host, read once on
//! the connection's worker and then handed to the pure planning functions.
//! Reading blocks on libvirt; planning does not, so a wizard can re-plan on
//! every keystroke from the same facts.

use std::collections::{HashMap, HashSet};

use virt::connect::Connect;
use virt::sys;

use super::fields::Availability;
use super::sysprep;
use crate::core::error::UserError;
use crate::core::host::is_local_uri;
use crate::core::inventory;
use crate::core::model::DomainState;
use crate::core::xml::{DomainXml, PoolXml, VolumeXml};

/// A storage pool as the plans see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolFacts {
    pub name: String,
    pub uuid: String,
    /// dir, fs, netfs, logical, …
    pub pool_type: String,
    pub active: bool,
    pub target_path: Option<String>,
    pub capacity: u64,
    pub available: u64,
    /// Volume names; empty for an inactive pool (libvirt cannot list them).
    pub volumes: Vec<String>,
}

impl PoolFacts {
    /// Pools whose volumes are files, which can hold qcow2 images and overlays.
    pub fn holds_files(&self) -> bool {
        matches!(self.pool_type.as_str(), "dir" | "fs" | "netfs")
    }

    /// Where libvirt will put a new volume called `name`.
    pub fn path_for(&self, name: &str) -> String {
        let dir = self.target_path.as_deref().unwrap_or("");
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

/// A volume of an active pool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeFacts {
    pub pool: String,
    pub name: String,
    pub path: String,
    /// qcow2, raw, iso, …
    pub format: Option<String>,
    pub capacity: u64,
    pub allocation: u64,
    /// The image this volume is an overlay of.
    pub backing_path: Option<String>,
}

/// Everything about the host a plan checks against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFacts {
    pub uri: String,
    /// A local URI (qemu:///system): tools such as virt-sysprep can reach the disks.
    pub local: bool,
    pub domain_names: HashSet<String>,
    /// MAC addresses of every domain's interfaces (lower case).
    pub macs: HashSet<String>,
    pub pools: Vec<PoolFacts>,
    pub volumes: Vec<VolumeFacts>,
    /// Machines using each disk image path (from their persistent XML).
    pub disk_users: HashMap<String, Vec<String>>,
    /// Whether virt-sysprep can prepare new disks on this host.
    pub sysprep: Availability,
}

impl HostFacts {
    /// Reads domains, pools and the volumes of active pools. Worker only.
    pub fn read(conn: &Connect) -> Result<HostFacts, UserError> {
        let uri = conn.uri().unwrap_or_default();
        let mut facts = HostFacts {
            local: is_local_uri(&uri),
            sysprep: sysprep::availability(&uri),
            uri,
            ..HostFacts::default()
        };
        for dom in conn.list_all_domains(0)? {
            facts.domain_names.insert(dom.name()?);
            let Ok(Ok(parsed)) = dom
                .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
                .map(|x| DomainXml::parse(&x))
            else {
                continue;
            };
            for disk in &parsed.disks {
                if let Some(path) = disk.source.path() {
                    let users = facts.disk_users.entry(path.to_string()).or_default();
                    users.push(parsed.name.clone());
                }
            }
            facts.macs.extend(
                parsed
                    .interfaces
                    .iter()
                    .filter_map(|i| i.mac.as_deref())
                    .map(str::to_ascii_lowercase),
            );
        }
        (facts.pools, facts.volumes) = read_storage(conn);
        Ok(facts)
    }

    pub fn pool(&self, name: &str) -> Option<&PoolFacts> {
        self.pools.iter().find(|p| p.name == name)
    }

    pub fn volume_by_path(&self, path: &str) -> Option<&VolumeFacts> {
        self.volumes.iter().find(|v| v.path == path)
    }

    pub fn volume(&self, pool: &str, name: &str) -> Option<&VolumeFacts> {
        self.volumes
            .iter()
            .find(|v| v.pool == pool && v.name == name)
    }

    /// Volumes whose backing image is one of `paths`: the linked clones of a
    /// template whose disks are at `paths`.
    pub fn overlays_of<'a>(&'a self, paths: &'a [String]) -> impl Iterator<Item = &'a VolumeFacts> {
        self.volumes.iter().filter(move |v| {
            v.backing_path
                .as_ref()
                .is_some_and(|b| paths.iter().any(|p| p == b))
        })
    }
}

/// The template being cloned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFacts {
    pub uuid: String,
    /// The persistent (inactive) XML, which clones are made from.
    pub xml: String,
    pub domain: DomainXml,
    pub state: DomainState,
}

impl TemplateFacts {
    /// Reads the domain with this UUID. Worker only.
    pub fn read(conn: &Connect, uuid: &str) -> Result<TemplateFacts, UserError> {
        let dom = conn.lookup_domain_by_uuid_string(uuid)?;
        // SECURE keeps display passwords, which a clone should keep too.
        let xml = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)?;
        let domain = DomainXml::parse(&xml).map_err(|e| UserError::invalid(e.to_string()))?;
        let state = inventory::domain_summary(&dom)?.state;
        Ok(TemplateFacts {
            uuid: uuid.to_string(),
            xml,
            domain,
            state,
        })
    }

    /// Paths of the template's disk images (what its linked clones point at).
    pub fn disk_paths(&self, host: &HostFacts) -> Vec<String> {
        template_disk_paths(&self.domain, host)
    }
}

/// Paths of a domain's disk images, resolving `type='volume'` disks through
/// the pools' volumes.
pub fn template_disk_paths(domain: &DomainXml, host: &HostFacts) -> Vec<String> {
    domain
        .disks
        .iter()
        .filter_map(|d| disk_path(d, host))
        .collect()
}

/// The image path of one disk, if it has one.
pub fn disk_path(disk: &crate::core::xml::Disk, host: &HostFacts) -> Option<String> {
    if let Some(p) = disk.source.file.as_deref().or(disk.source.dev.as_deref()) {
        return Some(p.to_string());
    }
    match (&disk.source.pool, &disk.source.volume) {
        (Some(pool), Some(vol)) => host.volume(pool, vol).map(|v| v.path.clone()),
        _ => None,
    }
}

/// Every pool, and the volumes of the active ones. Pools or volumes that
/// vanish while being read are left out rather than failing the whole read.
pub fn read_storage(conn: &Connect) -> (Vec<PoolFacts>, Vec<VolumeFacts>) {
    let mut pools = Vec::new();
    let mut volumes = Vec::new();
    for pool in conn.list_all_storage_pools(0).unwrap_or_default() {
        let Ok(Ok(xml)) = pool.xml_desc(0).map(|x| PoolXml::parse(&x)) else {
            continue;
        };
        let Ok(summary) = inventory::pool_summary(&pool) else {
            continue;
        };
        let mut p = PoolFacts {
            name: xml.name.clone(),
            uuid: summary.uuid,
            pool_type: xml.pool_type,
            active: summary.active,
            target_path: xml.target_path,
            capacity: summary.capacity_bytes,
            available: summary.available_bytes,
            volumes: Vec::new(),
        };
        if p.active {
            for vol in pool.list_all_volumes(0).unwrap_or_default() {
                let Ok(Ok(v)) = vol.xml_desc(0).map(|x| VolumeXml::parse(&x)) else {
                    continue;
                };
                let info = vol.info().ok();
                p.volumes.push(v.name.clone());
                volumes.push(VolumeFacts {
                    pool: p.name.clone(),
                    path: v
                        .path
                        .clone()
                        .or_else(|| vol.path().ok())
                        .unwrap_or_default(),
                    format: v.format,
                    capacity: v
                        .capacity
                        .or(info.as_ref().map(|i| i.capacity))
                        .unwrap_or(0),
                    allocation: v
                        .allocation
                        .or(info.as_ref().map(|i| i.allocation))
                        .unwrap_or(0),
                    backing_path: v.backing_path,
                    name: v.name,
                });
            }
        }
        pools.push(p);
    }
    (pools, volumes)
}
