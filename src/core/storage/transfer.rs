//! Uploading a local file into a pool as a new volume, and downloading a volume to a
//! file (`virsh vol-upload`, `vol-download`). The checks and the volume creation run
//! on the worker; the data moves through a blocking libvirt stream on a thread of
//! its own with its own reference on the connection, so the worker stays free.
//! Progress goes to a callback; a cancel flag aborts the stream. A failed or
//! cancelled upload deletes the half-made volume; a failed or cancelled download
//! deletes the half-written file.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::stream::Stream;

use super::volume_ops::{create_planned, pool_space, CreateError};
use super::volume_plan::{plan_upload, FieldError, VolField};
use crate::core::error::{ErrorKind, UserError};
use crate::core::xml::{NewVolume, VolumeFormat};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferEvent {
    /// `estimated`: `total` is a guess (a conversion's output size).
    Progress {
        done: u64,
        total: u64,
        estimated: bool,
    },
    Done,
    Cancelled,
    Failed(UserError),
}

/// Shared between the window and the transfer thread.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub type Report = Box<dyn Fn(TransferEvent) + Send + Sync + 'static>;

const CHUNK: usize = 1 << 20;

fn io_error(e: std::io::Error, path: &Path) -> UserError {
    UserError::new(
        ErrorKind::Other,
        gettext("{path}: {reason}")
            .replace("{path}", &path.display().to_string())
            .replace("{reason}", &e.to_string()),
    )
}

enum Outcome {
    Done,
    Cancelled,
}

/// Checks the name and the room, creates the volume and starts sending `file` into
/// it. Returns when the transfer has started; `report` hears the rest.
pub fn start_upload(
    conn: &Connect,
    pool_uuid: &str,
    name: &str,
    file: &Path,
    cancel: CancelFlag,
    report: Report,
) -> Result<(), CreateError> {
    let size = std::fs::metadata(file)
        .map_err(|e| io_error(e, file))?
        .len();
    let pool = conn.lookup_storage_pool_by_uuid_string(pool_uuid)?;
    let name = plan_upload(name, size, &pool_space(&pool)?).map_err(|m| {
        CreateError::Fields(vec![FieldError {
            field: VolField::Name,
            message: m,
        }])
    })?;
    let vol = create_planned(
        &pool,
        &NewVolume {
            name,
            capacity_bytes: size.max(1),
            allocation_bytes: Some(0),
            format: VolumeFormat::Raw,
            backing: None,
        },
    )?;
    let conn = conn.clone();
    let file = file.to_path_buf();
    thread::Builder::new()
        .name("hangar-upload".into())
        .spawn(move || {
            let result = upload(&conn, &vol, &file, size, &cancel, &report);
            if !matches!(result, Ok(Outcome::Done)) {
                let _ = vol.delete(0);
            }
            report(match result {
                Ok(Outcome::Done) => TransferEvent::Done,
                Ok(Outcome::Cancelled) => TransferEvent::Cancelled,
                Err(e) => TransferEvent::Failed(e),
            });
            drop(vol);
            drop(conn);
        })
        .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))?;
    Ok(())
}

fn upload(
    conn: &Connect,
    vol: &StorageVol,
    path: &Path,
    total: u64,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Outcome, UserError> {
    let mut file = File::open(path).map_err(|e| io_error(e, path))?;
    let stream = Stream::new(conn, 0)?;
    vol.upload(&stream, 0, total, 0)?;
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    let sent = (|| -> Result<Outcome, UserError> {
        loop {
            if cancel.is_cancelled() {
                return Ok(Outcome::Cancelled);
            }
            let n = file.read(&mut buf).map_err(|e| io_error(e, path))?;
            if n == 0 {
                return Ok(Outcome::Done);
            }
            let mut off = 0;
            while off < n {
                let k = stream.send(&buf[off..n])?;
                if k <= 0 {
                    return Err(UserError::new(
                        ErrorKind::Other,
                        gettext("The host stopped receiving data"),
                    ));
                }
                off += k as usize;
            }
            done += n as u64;
            report(TransferEvent::Progress {
                done,
                total,
                estimated: false,
            });
        }
    })();
    match sent {
        Ok(Outcome::Done) => {
            stream.finish()?;
            Ok(Outcome::Done)
        }
        other => {
            let _ = stream.abort();
            other
        }
    }
}

/// Starts writing the volume's data to `dest` (which must not exist yet).
pub fn start_download(
    conn: &Connect,
    pool_uuid: &str,
    name: &str,
    dest: &Path,
    cancel: CancelFlag,
    report: Report,
) -> Result<(), UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(pool_uuid)?;
    let vol = pool.lookup_storage_vol_by_name(name)?;
    // The physical size of the file, which is what the stream carries.
    let total = vol
        .info_flags(virt::sys::VIR_STORAGE_VOL_GET_PHYSICAL)
        .map(|i| i.allocation)
        .or_else(|_| vol.info().map(|i| i.capacity))?;
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(|e| io_error(e, dest))?;
    let conn = conn.clone();
    let dest: PathBuf = dest.to_path_buf();
    thread::Builder::new()
        .name("hangar-download".into())
        .spawn(move || {
            let result = download(&conn, &vol, file, &dest, total, &cancel, &report);
            if !matches!(result, Ok(Outcome::Done)) {
                let _ = std::fs::remove_file(&dest);
            }
            report(match result {
                Ok(Outcome::Done) => TransferEvent::Done,
                Ok(Outcome::Cancelled) => TransferEvent::Cancelled,
                Err(e) => TransferEvent::Failed(e),
            });
            drop(vol);
            drop(conn);
        })
        .map_err(|e| UserError::new(ErrorKind::Other, e.to_string()))?;
    Ok(())
}

fn download(
    conn: &Connect,
    vol: &StorageVol,
    mut file: File,
    path: &Path,
    total: u64,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Outcome, UserError> {
    let stream = Stream::new(conn, 0)?;
    vol.download(&stream, 0, 0, 0)?;
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    let received = (|| -> Result<Outcome, UserError> {
        loop {
            if cancel.is_cancelled() {
                return Ok(Outcome::Cancelled);
            }
            let n = stream.recv(&mut buf)?;
            if n <= 0 {
                return Ok(Outcome::Done);
            }
            file.write_all(&buf[..n as usize])
                .map_err(|e| io_error(e, path))?;
            done += n as u64;
            report(TransferEvent::Progress {
                done,
                total: total.max(done),
                estimated: false,
            });
        }
    })();
    match received {
        Ok(Outcome::Done) => {
            stream.finish()?;
            file.sync_all().map_err(|e| io_error(e, path))?;
            Ok(Outcome::Done)
        }
        other => {
            let _ = stream.abort();
            other
        }
    }
}
