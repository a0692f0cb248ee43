//! Deleting a machine (`virsh undefine`, optionally with its disks): a plan that says,
//! per disk, whether its volume may go with it, and an executor that checks again
//! before deleting anything. Worker only.
//!
//! Which volumes may go is `storage::disk_fate`'s answer, shared with removing one
//! disk from the details view.

use virt::connect::Connect;
use virt::sys;

use crate::core::error::UserError;
use crate::core::storage::disk_fate;
use crate::core::xml::DomainXml;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFate {
    pub target: String,
    pub path: String,
    pub device: String,
    /// `pool/volume` when libvirt manages the file.
    pub volume: Option<String>,
    /// Why the volume cannot be deleted with the machine, if it cannot.
    pub keep_reason: Option<String>,
}

impl DiskFate {
    pub fn deletable(&self) -> bool {
        self.keep_reason.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletePlan {
    pub uuid: String,
    pub name: String,
    pub running: bool,
    pub disks: Vec<DiskFate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteOutcome {
    pub deleted_volumes: Vec<String>,
    /// Volumes asked for but kept, with the reason (found at execution time).
    pub kept: Vec<(String, String)>,
}

pub fn plan(conn: &Connect, uuid: &str) -> Result<DeletePlan, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let name = dom.name()?;
    let xml = DomainXml::parse(&dom.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))?;
    let mut disks = Vec::new();
    for disk in &xml.disks {
        let Some(path) = disk.source.path().map(str::to_string) else {
            continue;
        };
        let verdict = disk_fate::verdict(conn, &name, &path)?;
        disks.push(DiskFate {
            target: disk.target_dev.clone().unwrap_or_default(),
            device: disk.device.clone(),
            path,
            volume: verdict.volume,
            keep_reason: verdict.keep_reason,
        });
    }
    Ok(DeletePlan {
        uuid: uuid.into(),
        name,
        running: dom.is_active()?,
        disks,
    })
}

/// Forces the machine off if it runs, removes its definition with the metadata that
/// would block that (snapshots, managed save, NVRAM), then deletes the volumes of
/// `delete_paths` that may still go.
pub fn execute(
    conn: &Connect,
    uuid: &str,
    delete_paths: &[String],
) -> Result<DeleteOutcome, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let name = dom.name()?;
    // Decide before the machine is gone: afterwards it no longer "uses" its disks.
    let mut verdicts = Vec::new();
    for path in delete_paths {
        verdicts.push((path.clone(), disk_fate::verdict(conn, &name, path)?));
    }
    let xml = DomainXml::parse(&dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?)
        .map_err(|e| UserError::invalid(e.to_string()))?;
    if dom.is_active()? {
        dom.destroy()?;
    }
    if dom.is_persistent()? {
        let mut flags = 0;
        if dom.num_snapshots(0).unwrap_or(0) > 0 {
            flags |= sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
        }
        if dom.has_managed_save(0).unwrap_or(false) {
            flags |= sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
        }
        if xml.os.nvram.is_some() {
            flags |= sys::VIR_DOMAIN_UNDEFINE_NVRAM;
        }
        dom.undefine_flags(flags)?;
    }
    let mut outcome = DeleteOutcome::default();
    for (path, verdict) in verdicts {
        let label = verdict.volume.clone().unwrap_or_else(|| path.clone());
        match (verdict.volume, verdict.keep_reason) {
            (Some(_), None) => match conn
                .lookup_storage_vol_by_path(&path)
                .and_then(|v| v.delete(0))
            {
                Ok(()) => outcome.deleted_volumes.push(label),
                Err(e) => outcome.kept.push((label, UserError::from(e).message)),
            },
            (_, Some(reason)) => outcome.kept.push((label, reason)),
            (None, None) => {}
        }
    }
    Ok(outcome)
}
