//! Volume copies and conversions on the real libvirtd, checked with qemu-img: the
//! copy a guest would see is the same as the source (`qemu-img compare`), an
//! overlay's exact copy keeps its backing file and a conversion merges it, the
//! copies stay thin, and a cancelled copy or conversion leaves no volume and no file.
//!
//! Runs only with HANGAR_REAL_LIBVIRT=1. Everything made is removed again.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use common::{copy_volume, Host};
use hangar::core::storage::transfer::{CancelFlag, TransferEvent};
use hangar::core::storage::volume_copy::CopyKind;
use hangar::core::storage::volumes;
use hangar::core::xml::VolumeFormat;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

struct Pool {
    name: String,
    dir: PathBuf,
    uuid: String,
}

impl Drop for Pool {
    fn drop(&mut self) {
        let virsh = |args: &[&str]| {
            let _ = Command::new("virsh")
                .args(["-q", "-c", "qemu:///system"])
                .args(args)
                .output();
        };
        virsh(&["pool-destroy", &self.name]);
        virsh(&["pool-undefine", &self.name]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_pool(host: &Host) -> Pool {
    let name = format!("many-{}-copy", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (n, d) = (name.clone(), dir.display().to_string());
    let uuid = host
        .handle
        .call(move |c| {
            let pool = c.define_storage_pool_xml(
                &format!(
                    "<pool type='dir'><name>{n}</name><target><path>{d}</path></target></pool>"
                ),
                0,
            )?;
            pool.create(0)?;
            Ok(pool.uuid_string()?)
        })
        .unwrap();
    Pool { name, dir, uuid }
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new volume made by libvirt (`backing`: an overlay on that file).
fn volume(
    host: &Host,
    pool: &Pool,
    name: &str,
    format: &str,
    capacity: u64,
    backing: Option<&Path>,
) {
    let backing = backing
        .map(|b| {
            format!(
                "<backingStore><path>{}</path><format type='qcow2'/></backingStore>",
                b.display()
            )
        })
        .unwrap_or_default();
    let xml = format!(
        "<volume><name>{name}</name><capacity>{capacity}</capacity><allocation>0</allocation>\
         <target><format type='{format}'/></target>{backing}</volume>"
    );
    let p = pool.name.clone();
    host.handle
        .call(move |c| {
            let pool = c.lookup_storage_pool_by_name(&p)?;
            virt::storage_vol::StorageVol::create_xml(&pool, &xml, 0)?;
            Ok(())
        })
        .unwrap();
}

/// Writes `len` bytes of `byte` at each offset of a raw file (leaving holes between).
fn fill_raw(path: &Path, offsets: impl Iterator<Item = u64>, len: u64, byte: u8) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    let chunk = vec![byte; len as usize];
    for off in offsets {
        f.seek(SeekFrom::Start(off)).unwrap();
        f.write_all(&chunk).unwrap();
    }
    f.sync_all().unwrap();
}

fn refresh(host: &Host, pool: &Pool) {
    let p = pool.name.clone();
    host.handle
        .call(move |c| Ok(c.lookup_storage_pool_by_name(&p)?.refresh(0)?))
        .unwrap();
}

fn find(host: &Host, pool: &Pool, name: &str) -> Option<volumes::VolumeInfo> {
    let u = pool.uuid.clone();
    let vols = host.handle.call(move |c| volumes::list(c, &u)).unwrap();
    vols.into_iter().find(|v| v.name == name)
}

fn copy(host: &Host, pool: &Pool, source: &str, name: &str, kind: CopyKind) -> TransferEvent {
    let started = Instant::now();
    let (end, _) = copy_volume(
        &host.handle,
        &pool.uuid,
        source,
        name,
        kind,
        CancelFlag::default(),
        |_, _| {},
    )
    .expect("the copy starts");
    println!("{source} → {name} ({kind:?}): {:?}", started.elapsed());
    end
}

/// `qemu-img compare`: the same guest-visible content, whatever the formats.
fn identical(a: &Path, b: &Path) {
    let out = run(
        "qemu-img",
        &[
            "compare",
            "-U",
            &a.display().to_string(),
            &b.display().to_string(),
        ],
    );
    assert!(out.contains("Images are identical"), "{out}");
}

fn info(path: &Path) -> String {
    run("qemu-img", &["info", "-U", &path.display().to_string()])
}

/// Blocks the file really takes, in bytes.
fn allocated(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().blocks() * 512
}

#[test]
fn copies_and_conversions_keep_what_the_guest_sees_and_cancel_leaves_nothing() {
    if !common::real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    let mut host = Host::open("qemu:///system");
    host.until_loaded();
    let pool = make_pool(&host);
    let at = |n: &str| pool.dir.join(n);

    // A thin 4 GiB raw disk with data at its start, middle and end.
    volume(&host, &pool, "data.raw", "raw", 4 * GIB, None);
    fill_raw(
        &at("data.raw"),
        [0, 2 * GIB, 4 * GIB - 4 * MIB].into_iter(),
        4 * MIB,
        0x5a,
    );
    // A qcow2 base with data, and an overlay that changes part of it.
    volume(&host, &pool, "base.qcow2", "qcow2", GIB, None);
    run(
        "qemu-io",
        &[
            "-f",
            "qcow2",
            "-c",
            "write -P 0xab 0 3M",
            &at("base.qcow2").display().to_string(),
        ],
    );
    volume(
        &host,
        &pool,
        "ov.qcow2",
        "qcow2",
        GIB,
        Some(&at("base.qcow2")),
    );
    run(
        "qemu-io",
        &[
            "-f",
            "qcow2",
            "-c",
            "write -P 0xcd 1M 1M",
            "-c",
            "write -P 0xef 512M 64k",
            &at("ov.qcow2").display().to_string(),
        ],
    );
    refresh(&host, &pool);

    // An exact copy of a raw disk: the same bytes, and thin.
    assert_eq!(
        copy(&host, &pool, "data.raw", "data-copy.raw", CopyKind::Exact),
        TransferEvent::Done
    );
    identical(&at("data.raw"), &at("data-copy.raw"));
    assert!(
        allocated(&at("data-copy.raw")) < 64 * MIB,
        "thin: {}",
        allocated(&at("data-copy.raw"))
    );
    assert_eq!(
        std::fs::metadata(at("data-copy.raw")).unwrap().len(),
        4 * GIB
    );

    // An exact copy of the overlay is an overlay on the same base, as the dialog says.
    assert_eq!(
        copy(&host, &pool, "ov.qcow2", "ov-copy.qcow2", CopyKind::Exact),
        TransferEvent::Done
    );
    let i = info(&at("ov-copy.qcow2"));
    assert!(i.contains("file format: qcow2"), "{i}");
    assert!(
        i.contains(&format!("backing file: {}", at("base.qcow2").display())),
        "{i}"
    );
    identical(&at("ov.qcow2"), &at("ov-copy.qcow2"));
    let listed = find(&host, &pool, "ov-copy.qcow2").unwrap();
    assert_eq!(listed.format.as_deref(), Some("qcow2"));
    assert_eq!(listed.capacity, GIB);
    assert_eq!(
        listed.backing.unwrap().path,
        at("base.qcow2").display().to_string()
    );

    // Conversions merge the base in: standalone images with the same content.
    let to_qcow2 = CopyKind::Convert(VolumeFormat::Qcow2);
    let to_raw = CopyKind::Convert(VolumeFormat::Raw);
    assert_eq!(
        copy(&host, &pool, "ov.qcow2", "ov-flat.qcow2", to_qcow2),
        TransferEvent::Done
    );
    let i = info(&at("ov-flat.qcow2"));
    assert!(
        i.contains("file format: qcow2") && !i.contains("backing file"),
        "{i}"
    );
    identical(&at("ov.qcow2"), &at("ov-flat.qcow2"));
    assert_eq!(
        copy(&host, &pool, "ov.qcow2", "ov.raw", to_raw),
        TransferEvent::Done
    );
    assert!(info(&at("ov.raw")).contains("file format: raw"));
    identical(&at("ov.qcow2"), &at("ov.raw"));
    assert_eq!(
        copy(&host, &pool, "data.raw", "data.qcow2", to_qcow2),
        TransferEvent::Done
    );
    assert!(info(&at("data.qcow2")).contains("file format: qcow2"));
    identical(&at("data.raw"), &at("data.qcow2"));
    assert_eq!(
        find(&host, &pool, "data.qcow2").unwrap().format.as_deref(),
        Some("qcow2")
    );

    // Cancel mid-way: 768 MiB of data spread over a thin 16 GiB disk, cancelled at
    // the first progress report. The unfinished copy is deleted, file and all.
    volume(&host, &pool, "big.raw", "raw", 16 * GIB, None);
    fill_raw(
        &at("big.raw"),
        (0..96).map(|i| i * 160 * MIB),
        8 * MIB,
        0x77,
    );
    refresh(&host, &pool);
    let cancel = CancelFlag::default();
    let (c2, at_cancel) = (cancel.clone(), Arc::new(AtomicU64::new(0)));
    let at_cancel2 = at_cancel.clone();
    let started = Instant::now();
    let (end, _) = copy_volume(
        &host.handle,
        &pool.uuid,
        "big.raw",
        "big-copy.raw",
        CopyKind::Exact,
        cancel,
        move |done, _| {
            if !c2.is_cancelled() {
                at_cancel2.store(done, Ordering::SeqCst);
                c2.cancel();
            }
        },
    )
    .expect("started");
    println!("cancelled copy ended after {:?}", started.elapsed());
    assert_eq!(end, TransferEvent::Cancelled);
    let done = at_cancel.load(Ordering::SeqCst);
    assert!(done > 0 && done < 16 * GIB, "cancelled mid-way at {done}");
    assert!(
        find(&host, &pool, "big-copy.raw").is_none(),
        "no volume left"
    );
    assert!(!at("big-copy.raw").exists(), "no file left");

    // A conversion cannot be interrupted on the host: it is deleted once finished.
    let cancel = CancelFlag::default();
    cancel.cancel();
    let (end, _) = copy_volume(
        &host.handle,
        &pool.uuid,
        "big.raw",
        "big.qcow2",
        to_qcow2,
        cancel,
        |_, _| {},
    )
    .expect("started");
    assert_eq!(end, TransferEvent::Cancelled);
    assert!(find(&host, &pool, "big.qcow2").is_none(), "no volume left");
    assert!(!at("big.qcow2").exists(), "no file left");

    // A full copy of big.raw takes more than a second: Cancel had something to stop.
    let started = Instant::now();
    assert_eq!(
        copy(&host, &pool, "big.raw", "big-full.raw", CopyKind::Exact),
        TransferEvent::Done
    );
    let took = started.elapsed();
    identical(&at("big.raw"), &at("big-full.raw"));
    println!("full copy of 768 MiB in 16 GiB: {took:?}");
    drop(pool);
    host.handle.close();
}
