//! Cloning and converting a volume (`virsh vol-clone`, `qemu-img convert`) with
//! progress and a Cancel that leaves nothing behind. The checks run on the worker;
//! the copy runs on a thread of its own with its own reference on the connection
//! (libvirt connections are thread-safe and carry several calls at once, so the
//! window's other work on that host goes on meanwhile).
//!
//! Two ways, and the clone dialog says which one each choice takes:
//! - an exact copy goes through streams (`stream_copy`): the bytes of the image file
//!   as they are, so a qcow2 overlay's copy is an overlay on the same backing file.
//!   Progress is counted, and Cancel stops between two chunks and deletes the copy.
//! - a conversion (another format, or an overlay merged with its backing store) needs
//!   qemu-img, which only the host can run: `virStorageVolCreateXMLFrom`. libvirt
//!   cannot interrupt it, and refuses to delete a volume still being built, so Cancel
//!   waits for the host to finish, then deletes the copy; the window says so.
//!   Progress is the copy's allocation as it grows, against an estimate.
//!
//! Hosts or pools that cannot stream volumes (libvirt's test driver, some network
//! pools) get the exact copy from `virStorageVolCreateXMLFrom` as well.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::stream_copy::{open_source, pump, Pumped};
use super::transfer::{CancelFlag, Report, TransferEvent};
use super::volume_ops::{check_clone, create_planned, CreateError};
use crate::core::error::{ErrorKind, UserError};
use crate::core::xml::{new_volume_xml, BackingImage, NewVolume, VolumeFormat, VolumeXml};

/// How a copy is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    /// Byte for byte, in the source's format; an overlay keeps its backing file.
    Exact,
    /// Converted into this format, standalone (a backing store's data merged in).
    Convert(VolumeFormat),
}

/// One entry of the clone dialog's drop-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyChoice {
    pub kind: CopyKind,
    pub label: String,
    /// What this choice does, shown under the drop-down.
    pub note: String,
}

fn convert_note() -> String {
    gettext("Converted by the host's qemu-img. Progress is estimated, and the host cannot interrupt a conversion: Cancel deletes the copy as soon as the host has finished it.")
}

/// The choices for a volume in `format` (qcow2, raw, …) whose backing store, if it
/// is an overlay, is labelled `backing`. Labels are short (the drop-down shows the
/// chosen one beside its note); the note says what the choice does.
pub fn copy_choices(format: Option<&str>, backing: Option<&str>) -> Vec<CopyChoice> {
    if let Some(base) = backing {
        let merged = gettext("A standalone image with {base} merged in, converted by the host's qemu-img. Progress is estimated, and the host cannot interrupt a conversion: Cancel deletes the copy as soon as the host has finished it.").replace("{base}", base);
        return vec![
            CopyChoice {
                kind: CopyKind::Exact,
                label: gettext("Overlay, like the source"),
                note: gettext("A byte-for-byte copy that stays a thin overlay on {base}, which must then stay as long as either exists. Cancel stops at once and deletes the copy.").replace("{base}", base),
            },
            CopyChoice {
                kind: CopyKind::Convert(VolumeFormat::Qcow2),
                label: gettext("Standalone qcow2"),
                note: merged.clone(),
            },
            CopyChoice {
                kind: CopyKind::Convert(VolumeFormat::Raw),
                label: gettext("Standalone raw"),
                note: merged,
            },
        ];
    }
    let format = format.unwrap_or("raw");
    let mut out = vec![CopyChoice {
        kind: CopyKind::Exact,
        label: gettext("Exact copy ({format})").replace("{format}", format),
        note: gettext(
            "A byte-for-byte copy, with progress. Cancel stops at once and deletes the copy.",
        ),
    }];
    for (f, name) in [(VolumeFormat::Qcow2, "qcow2"), (VolumeFormat::Raw, "raw")] {
        if format != name {
            out.push(CopyChoice {
                kind: CopyKind::Convert(f),
                label: gettext("Converted to {format}").replace("{format}", name),
                note: convert_note(),
            });
        }
    }
    out
}

fn lookup_active_pool(conn: &Connect, pool_uuid: &str) -> Result<StoragePool, UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(pool_uuid)?;
    if !pool.is_active()? {
        return Err(UserError::invalid(
            gettext("The pool “{name}” is not active: start it first")
                .replace("{name}", &pool.name()?),
        ));
    }
    Ok(pool)
}

/// Checks the name and the room, then starts copying `source` as `new_name` in the
/// same pool. Returns when the copy has started; `report` hears the rest, ending
/// with `Done`, `Cancelled` (the copy deleted) or `Failed` (nothing left either).
pub fn start_copy(
    conn: &Connect,
    pool_uuid: &str,
    source: &str,
    new_name: &str,
    kind: CopyKind,
    cancel: CancelFlag,
    report: Report,
) -> Result<String, CreateError> {
    let name = check_clone(conn, pool_uuid, source, new_name)?;
    let pool = lookup_active_pool(conn, pool_uuid)?;
    let vol = pool.lookup_storage_vol_by_name(source)?;
    let (conn, name2) = (conn.clone(), name.clone());
    thread::Builder::new()
        .name("hangar-copy".into())
        .spawn(move || {
            let result = match kind {
                CopyKind::Exact => exact(&conn, &pool, &vol, &name2, &cancel, &report),
                CopyKind::Convert(f) => {
                    convert(&conn, &pool, &vol, &name2, Some(f), None, &cancel, &report)
                }
            };
            report(match result {
                Ok(Pumped::Done) => TransferEvent::Done,
                Ok(Pumped::Cancelled) => TransferEvent::Cancelled,
                Err(e) => TransferEvent::Failed(e),
            });
        })
        .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))?;
    Ok(name)
}

/// Deletes the copy `name` made by a cancelled or failed copy. libvirt refuses while
/// the host still holds it (an upload closing), so it tries for a few seconds.
fn remove_copy(pool: &StoragePool, name: &str) -> Result<(), UserError> {
    let mut last = None;
    for _ in 0..50 {
        let _ = pool.refresh(0);
        let Ok(vol) = pool.lookup_storage_vol_by_name(name) else {
            return Ok(());
        };
        match vol.delete(0) {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(UserError::from(e)),
        }
        thread::sleep(Duration::from_millis(100));
    }
    let reason = last.map(|e| e.message).unwrap_or_default();
    Err(UserError::new(
        ErrorKind::Other,
        gettext("The copy stopped, but “{name}” could not be deleted: {reason}")
            .replace("{name}", name)
            .replace("{reason}", &reason),
    ))
}

fn source_xml(vol: &StorageVol) -> Result<VolumeXml, UserError> {
    VolumeXml::parse(&vol.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))
}

fn exact(
    conn: &Connect,
    pool: &StoragePool,
    vol: &StorageVol,
    name: &str,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Pumped, UserError> {
    let src = source_xml(vol)?;
    // The image file's own size: what the stream carries.
    let physical = vol
        .info_flags(sys::VIR_STORAGE_VOL_GET_PHYSICAL)
        .map(|i| i.allocation)
        .unwrap_or(0);
    let source = match open_source(conn, vol) {
        Ok(s) if physical > 0 => s,
        Ok(s) => {
            s.abort();
            return fallback(conn, pool, vol, &src, name, cancel, report);
        }
        Err(e) if e.kind == ErrorKind::Unsupported => {
            return fallback(conn, pool, vol, &src, name, cancel, report);
        }
        Err(e) => return Err(e),
    };
    // A raw volume of the file's size takes the bytes; libvirt recognises the
    // format (and an overlay's backing file) in them when it reads the pool again.
    let target = match create_planned(
        pool,
        &NewVolume {
            name: name.to_string(),
            capacity_bytes: physical,
            allocation_bytes: Some(0),
            format: VolumeFormat::Raw,
            backing: None,
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            source.abort();
            return Err(e);
        }
    };
    match pump(conn, source, &target, physical, cancel, report) {
        Ok(Pumped::Done) => {
            pool.refresh(0)?;
            Ok(Pumped::Done)
        }
        other => {
            remove_copy(pool, name)?;
            other
        }
    }
}

/// The exact copy where streams are not available: the copy's definition names the
/// source's format and backing store, so an overlay stays one.
fn fallback(
    conn: &Connect,
    pool: &StoragePool,
    vol: &StorageVol,
    src: &VolumeXml,
    name: &str,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Pumped, UserError> {
    let format = match src.format.as_deref() {
        Some("qcow2") => VolumeFormat::Qcow2,
        _ => VolumeFormat::Raw,
    };
    let backing = src.backing_path.as_ref().map(|p| BackingImage {
        path: p.clone(),
        format: src.backing_format.clone().unwrap_or_else(|| "qcow2".into()),
    });
    convert(conn, pool, vol, name, Some(format), backing, cancel, report)
}

/// What the copy will hold about, for the progress bar: the data allocated in the
/// source and every image under it.
fn estimate(conn: &Connect, vol: &StorageVol) -> u64 {
    let mut total = vol.info().map(|i| i.allocation).unwrap_or(0);
    let mut next = source_xml(vol).ok().and_then(|x| x.backing_path);
    for _ in 0..16 {
        let Some(path) = next.take() else { break };
        let Ok(base) = conn.lookup_storage_vol_by_path(&path) else {
            break;
        };
        total += base.info().map(|i| i.allocation).unwrap_or(0);
        next = source_xml(&base).ok().and_then(|x| x.backing_path);
    }
    total
}

/// `virStorageVolCreateXMLFrom`, watched: another thread reads the copy's growing
/// allocation for the bar while this one waits for the host.
#[allow(clippy::too_many_arguments)]
fn convert(
    conn: &Connect,
    pool: &StoragePool,
    vol: &StorageVol,
    name: &str,
    format: Option<VolumeFormat>,
    backing: Option<BackingImage>,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Pumped, UserError> {
    let src = source_xml(vol)?;
    let xml = new_volume_xml(&NewVolume {
        name: name.to_string(),
        capacity_bytes: src.capacity.unwrap_or(vol.info()?.capacity),
        allocation_bytes: Some(0),
        format: format.unwrap_or(VolumeFormat::Raw),
        backing,
    })
    .map_err(|e| UserError::invalid(e.to_string()))?;
    let total = estimate(conn, vol).max(1);
    let finished = Arc::new(AtomicBool::new(false));
    let result = thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(250));
                let Ok(copy) = pool.lookup_storage_vol_by_name(name) else {
                    continue;
                };
                if let Ok(info) = copy.info() {
                    report(TransferEvent::Progress {
                        done: info.allocation,
                        total,
                        estimated: true,
                    });
                }
            }
        });
        let r = StorageVol::create_xml_from(pool, &xml, vol, 0);
        finished.store(true, Ordering::SeqCst);
        r
    });
    match result {
        Ok(_) if cancel.is_cancelled() => {
            remove_copy(pool, name)?;
            Ok(Pumped::Cancelled)
        }
        Ok(_) => Ok(Pumped::Done),
        Err(e) => {
            let err = UserError::from(e);
            // libvirt removes a failed copy itself; make sure.
            let _ = remove_copy(pool, name);
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_is_offered_as_an_overlay_or_standalone_and_each_says_so() {
        let overlay = copy_choices(Some("qcow2"), Some("p/base.qcow2"));
        let kinds: Vec<CopyKind> = overlay.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                CopyKind::Exact,
                CopyKind::Convert(VolumeFormat::Qcow2),
                CopyKind::Convert(VolumeFormat::Raw)
            ]
        );
        assert_eq!(overlay[0].label, "Overlay, like the source");
        assert!(overlay[0]
            .note
            .contains("stays a thin overlay on p/base.qcow2"));
        assert!(overlay[1].note.contains("with p/base.qcow2 merged in"));
        assert!(overlay[2]
            .note
            .contains("Cancel deletes the copy as soon as the host has finished"));
    }

    #[test]
    fn a_plain_image_is_copied_exactly_or_converted_to_the_other_formats() {
        let raw = copy_choices(Some("raw"), None);
        let labels: Vec<&str> = raw.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Exact copy (raw)", "Converted to qcow2"]);
        assert!(raw[0].note.contains("Cancel stops at once"));
        let iso = copy_choices(Some("iso"), None);
        assert_eq!(iso.len(), 3);
        assert_eq!(copy_choices(None, None)[0].label, "Exact copy (raw)");
    }
}
