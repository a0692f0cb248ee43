//! Carrying out a deletion of one or many machines, in two phases:
//!
//! 1. each machine, one by one: forced off (only when the person agreed), then its
//!    definition removed with the metadata that would block that (snapshots, managed
//!    save, NVRAM). A machine that fails keeps everything: none of its volumes is
//!    touched.
//! 2. the volumes asked for, of the machines that went: each checked again right
//!    before it is deleted (no remaining machine uses it, no remaining volume is an
//!    overlay of it), overlays before the images they are based on — a linked
//!    clone's disk before its template's base — until nothing more can go.
//!
//! So a template's base never goes while one of its clones exists: a clone that
//! failed to go, or whose disk was not ticked, still holds it.

use std::collections::HashSet;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::enumutil::Enum;
use virt::error::ErrorNumber;
use virt::sys;

use crate::core::error::{ErrorKind, UserError};
use crate::core::storage::transfer::CancelFlag;
use crate::core::storage::volume_fate::{blocker, StorageFacts};
use crate::core::xml::DomainXml;

/// One machine to delete, with the disk paths the person ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRequest {
    pub uuid: String,
    /// As the dialog showed it: what the summary says when the machine is gone.
    pub name: String,
    pub delete_paths: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    /// Each machine by name, in the order asked, with why it is still there.
    pub machines: Vec<(String, Result<(), UserError>)>,
    /// `pool/volume` labels.
    pub deleted_volumes: Vec<String>,
    /// Volumes asked for but kept, with the reason found at execution time.
    pub kept: Vec<(String, String)>,
}

impl BulkOutcome {
    pub fn failed(&self) -> impl Iterator<Item = (&str, &UserError)> {
        self.machines
            .iter()
            .filter_map(|(n, r)| r.as_ref().err().map(|e| (n.as_str(), e)))
    }
}

/// Removes one machine. Its name is returned even when that fails.
fn remove_machine(
    conn: &Connect,
    request: &DeleteRequest,
    force_off: bool,
) -> (String, Result<(), UserError>) {
    let dom = match conn.lookup_domain_by_uuid_string(&request.uuid) {
        Ok(d) => d,
        Err(e) => return (request.name.clone(), Err(e.into())),
    };
    let name = dom.name().unwrap_or_else(|_| request.name.clone());
    let result = (|| -> Result<(), UserError> {
        let xml = DomainXml::parse(&dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?)
            .map_err(|e| UserError::invalid(e.to_string()))?;
        if dom.is_active()? {
            if !force_off {
                // Started since the dialog opened, or the person did not agree.
                return Err(UserError::invalid(gettext(
                    "it is still on and was not forced off",
                )));
            }
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
            // A UEFI machine may have a variable store its XML does not name (firmware
            // chosen by libvirt, or a pflash loader whose NVRAM path libvirt derives).
            let uefi = xml.os.nvram.is_some()
                || xml.os.loader.is_some()
                || xml.os.firmware.as_deref() == Some("efi");
            if uefi {
                flags |= sys::VIR_DOMAIN_UNDEFINE_NVRAM;
            }
            match dom.undefine_flags(flags) {
                // Drivers without variable stores (the test driver) refuse the flag.
                Err(e) if uefi && e.code() == Enum::Known(ErrorNumber::InvalidArg) => {
                    dom.undefine_flags(flags & !sys::VIR_DOMAIN_UNDEFINE_NVRAM)?
                }
                other => other?,
            }
        }
        Ok(())
    })();
    (name, result)
}

/// Deletes the machines of `requests` in order, then the volumes asked for (see the
/// module comment). `cancel` stops before the next machine or volume: each one is
/// whole or gone, and those not reached are reported as stopped. `progress(done,
/// total)` hears each machine.
pub fn execute_many(
    conn: &Connect,
    requests: &[DeleteRequest],
    force_off: bool,
    cancel: &CancelFlag,
    progress: &dyn Fn(usize, usize),
) -> BulkOutcome {
    let stopped = || gettext("the deletion was stopped before it");
    let mut outcome = BulkOutcome::default();
    let mut candidates: Vec<String> = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        if cancel.is_cancelled() {
            let stopped = UserError::new(ErrorKind::Other, stopped());
            outcome.machines.push((request.name.clone(), Err(stopped)));
            continue;
        }
        let (name, result) = remove_machine(conn, request, force_off);
        if result.is_ok() {
            for p in &request.delete_paths {
                if !candidates.contains(p) {
                    candidates.push(p.clone());
                }
            }
        }
        outcome.machines.push((name, result));
        progress(i + 1, requests.len());
    }
    if candidates.is_empty() {
        return outcome;
    }
    // Read again now the machines are gone: they no longer "use" their disks.
    let mut facts = match StorageFacts::read(conn) {
        Ok(f) => f,
        Err(e) => {
            for p in candidates {
                outcome.kept.push((p, e.message.clone()));
            }
            return outcome;
        }
    };
    // As the pools name them (the plan did so already; a caller may not have).
    let mut candidates: Vec<String> = candidates
        .into_iter()
        .map(|p| facts.resolve(conn, &p).unwrap_or(p))
        .fold(Vec::new(), |mut all, p| {
            if !all.contains(&p) {
                all.push(p);
            }
            all
        });
    let label = |facts: &StorageFacts, p: &str| {
        facts
            .volumes
            .get(p)
            .map_or_else(|| p.to_string(), |k| k.label.clone())
    };
    let mut failed: HashSet<String> = HashSet::new();
    'rounds: loop {
        let mut progressed = false;
        for path in candidates.clone() {
            if blocker(&facts, &path).is_some() || failed.contains(&path) {
                continue;
            }
            if cancel.is_cancelled() {
                for p in candidates.drain(..).filter(|p| !failed.contains(p)) {
                    outcome.kept.push((label(&facts, &p), stopped()));
                }
                break 'rounds;
            }
            let name = label(&facts, &path);
            match conn
                .lookup_storage_vol_by_path(&path)
                .and_then(|v| v.delete(0))
            {
                Ok(()) => {
                    outcome.deleted_volumes.push(name);
                    facts.remove(&path);
                    candidates.retain(|c| c != &path);
                    progressed = true;
                }
                Err(e) => {
                    outcome.kept.push((name, UserError::from(e).message));
                    failed.insert(path);
                }
            }
        }
        if !progressed {
            break;
        }
    }
    for path in candidates.into_iter().filter(|p| !failed.contains(p)) {
        let reason = blocker(&facts, &path).unwrap_or_default();
        outcome.kept.push((label(&facts, &path), reason));
    }
    outcome
}
