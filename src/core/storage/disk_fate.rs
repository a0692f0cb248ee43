//! Whether a machine's disk image may be deleted when the disk goes (with the
//! machine, or removed from it alone). Worker only.
//!
//! A volume is kept when another machine uses it or another volume is an overlay of
//! it (a template's base): deleting it would break them. A file outside every pool is
//! left alone: libvirt does not manage it, and Hangar does not guess.

use gettextrs::gettext;
use virt::connect::Connect;

use super::volumes;
use crate::core::error::UserError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeVerdict {
    /// `pool/volume` when libvirt manages the file.
    pub volume: Option<String>,
    /// Why the volume must stay, if it must.
    pub keep_reason: Option<String>,
}

impl VolumeVerdict {
    /// A pool volume nothing else needs.
    pub fn deletable(&self) -> bool {
        self.volume.is_some() && self.keep_reason.is_none()
    }
}

/// What may happen to `path` once machine `machine` no longer uses it.
pub fn verdict(conn: &Connect, machine: &str, path: &str) -> Result<VolumeVerdict, UserError> {
    let Ok(vol) = conn.lookup_storage_vol_by_path(path) else {
        return Ok(VolumeVerdict {
            volume: None,
            keep_reason: Some(not_in_pool_reason()),
        });
    };
    let pool = vol.lookup_storage_pool()?;
    let info = volumes::find(conn, &pool, &vol.name()?)?;
    let label = format!("{}/{}", pool.name()?, info.name);
    let others: Vec<String> = info
        .used_by
        .iter()
        .filter(|u| u.as_str() != machine)
        .cloned()
        .collect();
    let keep_reason = if !others.is_empty() {
        Some(used_by_reason(&others))
    } else if !info.backs.is_empty() {
        let layers: Vec<String> = info.backs.iter().map(|b| b.label().to_string()).collect();
        Some(base_of_reason(&layers))
    } else {
        None
    };
    Ok(VolumeVerdict {
        volume: Some(label),
        keep_reason,
    })
}

/// The reasons a volume stays, in the words both Delete and Remove Disk use.
pub fn not_in_pool_reason() -> String {
    gettext("not in a storage pool, so Hangar leaves the file alone")
}

pub fn used_by_reason(machines: &[String]) -> String {
    gettext("also used by {machines}").replace("{machines}", &machines.join(", "))
}

pub fn base_of_reason(volumes: &[String]) -> String {
    gettext("the base of {volumes}").replace("{volumes}", &volumes.join(", "))
}
