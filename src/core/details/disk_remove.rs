//! "Remove disk" (`virsh detach-disk`, optionally `vol-delete` after): the disk goes
//! from the machine, and its volume too when the person asks and nothing else needs
//! it (`storage::volume_fate`, shared with deleting machines).
//!
//! A running guest has to let go of a disk before it is gone. libvirt asks it and
//! waits a few seconds; when the disk is still there after that, the removal is
//! reported as not finished and the volume is not touched. Worker only.

use gettextrs::gettext;
use virt::connect::Connect;

use super::device_apply::{detach, missing, Current, Detached, DeviceScope};
use crate::core::error::UserError;
use crate::core::storage::volume_fate::{self, VolumeVerdict};
use crate::core::storage::volumes::image_path;
use crate::core::xml::{DeviceKey, DomainXml};

/// What removing one disk would do, for the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovePlan {
    pub machine: String,
    pub target: String,
    /// disk, cdrom, …
    pub device: String,
    /// The image, when the disk has one.
    pub path: Option<String>,
    /// Whether its volume may be deleted with it, when it has an image.
    pub verdict: Option<VolumeVerdict>,
    /// Where the disk is removed: from the running machine, the stored definition.
    pub scope: DeviceScope,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub target: String,
    pub detached: Detached,
    /// `pool/volume` deleted with the disk.
    pub deleted_volume: Option<String>,
    /// Why deleting the volume failed after the disk was gone.
    pub volume_error: Option<String>,
}

/// The disk `target` as the machine has it (running, else stored).
fn disk_path(
    conn: &Connect,
    current: &Current,
    target: &str,
) -> Result<(String, Option<String>), UserError> {
    let key = DeviceKey::Disk(target.into());
    let doc = [&current.live, &current.config]
        .into_iter()
        .flatten()
        .find(|d| crate::core::xml::device_element::find_device(d, &key).is_some())
        .ok_or_else(|| missing(&key))?;
    let xml = DomainXml::from_document(doc).map_err(super::device_apply::xml_error)?;
    let disk = xml.disk(target).ok_or_else(|| missing(&key))?;
    Ok((disk.device.clone(), image_path(conn, &disk.source)))
}

/// The verdict on `path`, counting the machine's own other disks too: they keep
/// using the image after this one goes.
fn verdict(
    conn: &Connect,
    machine: &str,
    current: &Current,
    target: &str,
    path: &str,
) -> Result<VolumeVerdict, UserError> {
    let mut verdict = volume_fate::verdict_alone(conn, machine, path)?;
    if verdict.keep_reason.is_none() {
        for doc in [&current.live, &current.config].into_iter().flatten() {
            let Ok(xml) = DomainXml::from_document(doc) else {
                continue;
            };
            let twin = xml.disks.iter().find(|d| {
                d.target_dev.as_deref() != Some(target)
                    && image_path(conn, &d.source).as_deref() == Some(path)
            });
            if let Some(other) = twin {
                verdict.keep_reason = Some(
                    gettext("also used by this machine's disk {target}")
                        .replace("{target}", other.target_dev.as_deref().unwrap_or("?")),
                );
                break;
            }
        }
    }
    Ok(verdict)
}

pub fn plan(conn: &Connect, uuid: &str, target: &str) -> Result<RemovePlan, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let machine = dom.name()?;
    let current = Current::read(&dom, DeviceScope::of(&dom)?)?;
    let (device, path) = disk_path(conn, &current, target)?;
    let verdict = path
        .as_deref()
        .map(|p| verdict(conn, &machine, &current, target, p))
        .transpose()?;
    Ok(RemovePlan {
        scope: current.scope_of(&DeviceKey::Disk(target.into())),
        machine,
        target: target.into(),
        device,
        path,
        verdict,
    })
}

/// Removes disk `target`, and deletes its volume when `delete_volume` and nothing
/// else needs it. A volume that must stay is refused before anything changes.
pub fn remove(
    conn: &Connect,
    uuid: &str,
    target: &str,
    delete_volume: bool,
) -> Result<Removed, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let machine = dom.name()?;
    let current = Current::read(&dom, DeviceScope::of(&dom)?)?;
    let (_, path) = disk_path(conn, &current, target)?;
    let doomed = match (delete_volume, path.as_deref()) {
        (false, _) => None,
        (true, None) => {
            return Err(UserError::invalid(
                gettext("{target} has no image to delete").replace("{target}", target),
            ))
        }
        (true, Some(path)) => {
            let v = verdict(conn, &machine, &current, target, path)?;
            match (&v.volume, &v.keep_reason) {
                (Some(volume), None) => Some((path.to_string(), volume.clone())),
                (label, Some(reason)) => {
                    return Err(UserError::invalid(
                        gettext("{volume} cannot be deleted: {reason}. Nothing was changed.")
                            .replace("{volume}", label.as_deref().unwrap_or(path))
                            .replace("{reason}", reason),
                    ))
                }
                (None, None) => unreachable!("a file outside the pools has a keep reason"),
            }
        }
    };
    let detached = detach(&dom, &current, &DeviceKey::Disk(target.into()))?;
    let mut removed = Removed {
        target: target.into(),
        detached,
        deleted_volume: None,
        volume_error: None,
    };
    // A disk the guest still holds keeps its image: deleting it now would pull the
    // data from under a running machine.
    if let (Detached::Done, Some((path, volume))) = (detached, doomed) {
        match conn
            .lookup_storage_vol_by_path(&path)
            .and_then(|v| v.delete(0))
        {
            Ok(()) => removed.deleted_volume = Some(volume),
            Err(e) => removed.volume_error = Some(UserError::from(e).message),
        }
    }
    Ok(removed)
}
