//! Deleting machines (`virsh undefine`, optionally with their disks), one or many at
//! once: a plan that says, per disk, whether its volume may go with them, and an
//! executor that checks again before deleting anything. Worker only (or a thread with
//! its own reference on the connection).
//!
//! A volume is kept when a machine outside the deletion uses it or a volume outside
//! it is an overlay of it (a template's base): deleting it would break them. When
//! the only ones that need it are deleted in the same go (a template and its linked
//! clones), it may go, but only after them: see `execute`.

mod execute;

use std::collections::HashSet;

use gettextrs::gettext;
use virt::connect::Connect;

use crate::core::error::{ErrorKind, UserError};
use crate::core::model::DomainState;
use crate::core::storage::transfer::CancelFlag;
use crate::core::storage::volume_fate::{not_in_pool_reason, verdict, StorageFacts, Verdict};
use crate::core::storage::volumes::image_path;
use crate::core::xml::DomainXml;
pub use execute::{execute_many, BulkOutcome, DeleteRequest};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFate {
    pub target: String,
    pub path: String,
    pub device: String,
    /// `pool/volume` when libvirt manages the file.
    pub volume: Option<String>,
    /// Why the volume cannot be deleted with the machine, if it cannot.
    pub keep_reason: Option<String>,
    /// Other machines of the same deletion, or their overlay volumes, that must go
    /// before this volume can (empty when nothing else needs it).
    pub after: Vec<String>,
    /// Paths of the overlays among `after`: ticking this volume only makes sense
    /// while they are ticked too.
    pub needs: Vec<String>,
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
    /// Active (running, paused, …): it must be forced off before it can go.
    pub running: bool,
    pub state: DomainState,
    pub disks: Vec<DiskFate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteOutcome {
    pub deleted_volumes: Vec<String>,
    /// Volumes asked for but kept, with the reason (found at execution time).
    pub kept: Vec<(String, String)>,
}

pub fn plan(conn: &Connect, uuid: &str) -> Result<DeletePlan, UserError> {
    // Gone since the click: say so as libvirt does.
    let name = conn.lookup_domain_by_uuid_string(uuid)?.name()?;
    plan_many(conn, &[uuid.to_string()])?.pop().ok_or_else(|| {
        UserError::new(
            ErrorKind::NotFound,
            gettext("“{name}” no longer exists").replace("{name}", &name),
        )
    })
}

/// Plans deleting all of `uuids` in one go. Machines that no longer exist are left
/// out (someone else deleted them already).
pub fn plan_many(conn: &Connect, uuids: &[String]) -> Result<Vec<DeletePlan>, UserError> {
    let facts = StorageFacts::read(conn)?;
    let mut machines = Vec::new();
    for uuid in uuids {
        let Ok(dom) = conn.lookup_domain_by_uuid_string(uuid) else {
            continue;
        };
        let xml =
            DomainXml::parse(&dom.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))?;
        let state = DomainState::from_raw(dom.state()?.0.to_raw());
        machines.push((uuid.clone(), xml, (dom.is_active()?, state)));
    }
    let batch: HashSet<String> = machines.iter().map(|(_, x, _)| x.name.clone()).collect();
    let disk_paths = |xml: &DomainXml| -> Vec<(usize, String, Option<String>)> {
        xml.disks
            .iter()
            .enumerate()
            .filter_map(|(i, d)| image_path(conn, &d.source).map(|p| (i, p)))
            .map(|(i, p)| {
                let resolved = facts.resolve(conn, &p);
                (i, p, resolved)
            })
            .collect()
    };
    let resolved: Vec<_> = machines.iter().map(|(_, x, _)| disk_paths(x)).collect();
    let batch_paths: HashSet<String> = resolved
        .iter()
        .flatten()
        .filter_map(|(_, _, r)| r.clone())
        .collect();
    let mut plans = Vec::new();
    for ((uuid, xml, (running, state)), disks) in machines.into_iter().zip(resolved) {
        let fates = disks
            .into_iter()
            .map(|(i, path, real)| {
                let disk = &xml.disks[i];
                let v = match &real {
                    Some(p) => verdict(&facts, &xml.name, p, &batch, &batch_paths),
                    None => Verdict::NotInPool,
                };
                let volume = real
                    .as_ref()
                    .and_then(|p| facts.volumes.get(p))
                    .map(|k| k.label.clone());
                let (keep_reason, after, needs) = match v {
                    Verdict::NotInPool => (Some(not_in_pool_reason()), vec![], vec![]),
                    Verdict::Keep(why) => (Some(why), vec![], vec![]),
                    Verdict::Free => (None, vec![], vec![]),
                    Verdict::After { names, overlays } => (None, names, overlays),
                };
                DiskFate {
                    target: disk.target_dev.clone().unwrap_or_default(),
                    device: disk.device.clone(),
                    // The executor deletes by the pools' path.
                    path: real.unwrap_or(path),
                    volume,
                    keep_reason,
                    after,
                    needs,
                }
            })
            .collect();
        plans.push(DeletePlan {
            uuid,
            name: xml.name,
            running,
            state,
            disks: fates,
        });
    }
    Ok(plans)
}

/// Deletes one machine: forces it off first only with `force_off` (the person saw
/// it running and agreed), then deletes the volumes of `delete_paths` that may still
/// go. An error when the machine itself could not be deleted.
pub fn execute(
    conn: &Connect,
    uuid: &str,
    delete_paths: &[String],
    force_off: bool,
) -> Result<DeleteOutcome, UserError> {
    let request = DeleteRequest {
        uuid: uuid.to_string(),
        name: uuid.to_string(),
        delete_paths: delete_paths.to_vec(),
    };
    let mut outcome = execute_many(
        conn,
        &[request],
        force_off,
        &CancelFlag::default(),
        &|_, _| {},
    );
    match outcome.machines.pop() {
        Some((_, Err(e))) => Err(e),
        _ => Ok(DeleteOutcome {
            deleted_volumes: outcome.deleted_volumes,
            kept: outcome.kept,
        }),
    }
}
