//! Copying one volume's bytes into another through two libvirt streams
//! (`virStorageVolDownload` into `virStorageVolUpload`), as `virsh vol-download` and
//! `vol-upload` do, but without a file in between: the data passes through Hangar,
//! so it works on remote hosts, moves in chunks Hangar counts (progress), and stops
//! between two chunks when asked (cancel).
//!
//! Sparse streams (libvirt ≥ 3.4) carry holes as lengths instead of zeros: a 100 GiB
//! thin image with 2 GiB of data moves 2 GiB and the copy stays thin. When the host
//! cannot stream holes, zeros are sent instead.

use std::time::{Duration, Instant};

use gettextrs::gettext;
use virt::connect::Connect;
use virt::error::Error as VirtError;
use virt::storage_vol::StorageVol;
use virt::stream::Stream;
use virt::sys;

use super::transfer::{CancelFlag, Report, TransferEvent};
use crate::core::error::{ErrorKind, UserError};

const CHUNK: usize = 1 << 20;

/// How a copy ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pumped {
    Done,
    Cancelled,
}

/// A download that has started: what the copy reads from.
pub struct Source {
    stream: Stream,
    sparse: bool,
}

/// Starts reading `vol`, sparse when the host can. `Err` with
/// [`ErrorKind::Unsupported`] when the host cannot stream this volume at all.
pub fn open_source(conn: &Connect, vol: &StorageVol) -> Result<Source, UserError> {
    let sparse = Stream::new(conn, 0)?;
    if vol
        .download(&sparse, 0, 0, sys::VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM)
        .is_ok()
    {
        return Ok(Source {
            stream: sparse,
            sparse: true,
        });
    }
    let plain = Stream::new(conn, 0)?;
    vol.download(&plain, 0, 0, 0)?;
    Ok(Source {
        stream: plain,
        sparse: false,
    })
}

impl Source {
    pub fn abort(self) {
        let _ = self.stream.abort();
    }
}

fn host_error(text: String) -> UserError {
    UserError::new(ErrorKind::Other, text)
}

fn send_all(stream: &Stream, mut data: &[u8]) -> Result<(), UserError> {
    while !data.is_empty() {
        let k = stream.send(data)?;
        if k <= 0 {
            return Err(host_error(gettext("The host stopped receiving data")));
        }
        data = &data[k as usize..];
    }
    Ok(())
}

/// What one read from the source gave.
enum Piece {
    Data(usize),
    Hole(u64),
    End,
}

fn read_piece(source: &Source, buf: &mut [u8]) -> Result<Piece, UserError> {
    let flags = if source.sparse {
        sys::VIR_STREAM_RECV_STOP_AT_HOLE
    } else {
        0
    };
    // SAFETY: the stream lives as long as `source`; the buffer is ours.
    let n = unsafe {
        sys::virStreamRecvFlags(
            source.stream.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            flags,
        )
    };
    match n {
        n if n > 0 => Ok(Piece::Data(n as usize)),
        0 => Ok(Piece::End),
        -3 => {
            let mut length: std::os::raw::c_longlong = 0;
            // SAFETY: as above; `length` is written by libvirt.
            if unsafe { sys::virStreamRecvHole(source.stream.as_ptr(), &mut length, 0) } < 0 {
                return Err(VirtError::last_error().into());
            }
            Ok(Piece::Hole(length.max(0) as u64))
        }
        _ => Err(VirtError::last_error().into()),
    }
}

fn send_hole(target: &Stream, sparse: bool, length: u64, zeros: &[u8]) -> Result<(), UserError> {
    if sparse {
        // SAFETY: the stream is alive for the call.
        let r = unsafe { sys::virStreamSendHole(target.as_ptr(), length as i64, 0) };
        if r < 0 {
            return Err(VirtError::last_error().into());
        }
        return Ok(());
    }
    let mut left = length;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        send_all(target, &zeros[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// Copies everything `source` gives into `target` (a fresh volume of `total` bytes),
/// reporting progress at most every 100 ms and checking `cancel` between chunks.
/// Both streams are finished on success and aborted otherwise.
pub fn pump(
    conn: &Connect,
    source: Source,
    target: &StorageVol,
    total: u64,
    cancel: &CancelFlag,
    report: &Report,
) -> Result<Pumped, UserError> {
    let upload = Stream::new(conn, 0)?;
    let sparse_target = source.sparse
        && target
            .upload(&upload, 0, total, sys::VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM)
            .is_ok();
    let upload = if sparse_target {
        upload
    } else {
        let plain = Stream::new(conn, 0)?;
        if let Err(e) = target.upload(&plain, 0, total, 0) {
            source.abort();
            return Err(e.into());
        }
        plain
    };
    let mut buf = vec![0u8; CHUNK];
    let zeros = vec![0u8; CHUNK];
    let mut done = 0u64;
    let mut last_report = Instant::now();
    let moved = (|| -> Result<Pumped, UserError> {
        loop {
            if cancel.is_cancelled() {
                return Ok(Pumped::Cancelled);
            }
            match read_piece(&source, &mut buf)? {
                Piece::End => return Ok(Pumped::Done),
                Piece::Data(n) => {
                    send_all(&upload, &buf[..n])?;
                    done += n as u64;
                }
                Piece::Hole(length) => {
                    send_hole(&upload, sparse_target, length, &zeros)?;
                    done += length;
                }
            }
            if last_report.elapsed() >= Duration::from_millis(100) {
                last_report = Instant::now();
                report(TransferEvent::Progress {
                    done,
                    total: total.max(done),
                    estimated: false,
                });
            }
        }
    })();
    match moved {
        Ok(Pumped::Done) => {
            source.stream.finish()?;
            upload.finish()?;
            report(TransferEvent::Progress {
                done,
                total: done,
                estimated: false,
            });
            Ok(Pumped::Done)
        }
        other => {
            let _ = source.stream.abort();
            let _ = upload.abort();
            other
        }
    }
}
