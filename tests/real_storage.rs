//! What the test driver only pretends, for storage: on the real libvirtd
//! (qemu:///system), a dir pool in a temporary folder gets real qcow2 files, a
//! failed creation leaves nothing, and files go up and down through streams.
//! Networks on the real libvirtd are in networks_real.rs.
//!
//! Runs only with HANGAR_REAL_LIBVIRT=1 (CI sets it); starts the daemon with
//! tests/support/libvirtd.sh. Everything made is removed again, also on failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use common::Host;
use hangar::core::storage::pool_plan::{PoolForm, PoolFormKind};
use hangar::core::storage::pools::{self, CreateSteps};
use hangar::core::storage::transfer::{self, CancelFlag, TransferEvent};
use hangar::core::storage::volume_ops::{self, CreateError};
use hangar::core::storage::volume_plan::VolumeForm;
use hangar::core::storage::{chain, volumes};
use hangar::core::xml::VolumeFormat;

const URI: &str = "qemu:///system";
const MIB: u64 = 1 << 20;

fn real_libvirt() -> Option<Host> {
    if std::env::var("HANGAR_REAL_LIBVIRT").as_deref() != Ok("1") {
        println!("skipped: set HANGAR_REAL_LIBVIRT=1");
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("bash")
        .arg(root.join("tests/support/libvirtd.sh"))
        .arg("start")
        .status()
        .expect("running libvirtd.sh");
    assert!(status.success(), "libvirtd.sh start failed");
    let mut host = Host::open(URI);
    host.until_loaded();
    Some(host)
}

fn virsh(args: &[&str]) {
    let _ = Command::new("virsh")
        .args(["-q", "-c", URI])
        .args(args)
        .output();
}

/// Removes a pool (with its volumes and folder) when dropped, whatever happened.
struct PoolGuard {
    name: String,
    dir: PathBuf,
}

impl Drop for PoolGuard {
    fn drop(&mut self) {
        if let Ok(out) = Command::new("virsh")
            .args(["-q", "-c", URI, "vol-list", &self.name])
            .output()
        {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if let Some(vol) = line.split_whitespace().next() {
                    virsh(&["vol-delete", "--pool", &self.name, vol]);
                }
            }
        }
        virsh(&["pool-destroy", &self.name]);
        virsh(&["pool-undefine", &self.name]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_pool(host: &Host, tag: &str) -> (PoolGuard, String) {
    let name = format!("hangar-test-{}-{tag}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    let guard = PoolGuard {
        name: name.clone(),
        dir: dir.clone(),
    };
    let form = PoolForm {
        name,
        kind: PoolFormKind::Dir {
            target: dir.display().to_string(),
        },
    };
    let uuid = host
        .handle
        .call(move |c| {
            Ok(pools::create(
                c,
                &form,
                CreateSteps {
                    build: true,
                    start: true,
                    autostart: false,
                },
            ))
        })
        .unwrap()
        .expect("pool created");
    assert!(dir.is_dir(), "the build made the folder");
    (guard, uuid)
}

fn qemu_img_info(path: &str) -> String {
    let out = Command::new("qemu-img")
        .args(["info", "-U", path])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn list(host: &Host, uuid: &str) -> Vec<volumes::VolumeInfo> {
    let u = uuid.to_string();
    host.handle.call(move |c| volumes::list(c, &u)).unwrap()
}

fn find(host: &Host, uuid: &str, name: &str) -> volumes::VolumeInfo {
    list(host, uuid)
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("{name} listed"))
}

fn form(name: &str, size: &str) -> VolumeForm {
    VolumeForm {
        name: name.into(),
        format: VolumeFormat::Qcow2,
        size: size.into(),
        backing: None,
        preallocate: false,
    }
}

fn create(host: &Host, uuid: &str, f: VolumeForm) -> Result<String, CreateError> {
    let u = uuid.to_string();
    host.handle
        .call(move |c| Ok(volume_ops::create(c, &u, &f)))
        .unwrap()
}

#[test]
fn an_overlay_really_has_its_base_as_backing_file() {
    let Some(host) = real_libvirt() else { return };
    let (guard, uuid) = make_pool(&host, "overlay");
    create(&host, &uuid, form("base.qcow2", "64M")).expect("base");
    let choices = host.handle.call(volume_ops::backing_choices).unwrap();
    let base_label = format!("{}/base.qcow2", guard.name);
    let (_, choice) = choices
        .into_iter()
        .find(|(l, _)| *l == base_label)
        .expect("the base is offered as a backing store");
    let overlay_form = VolumeForm {
        backing: Some(choice),
        ..form("web.qcow2", "")
    };
    create(&host, &uuid, overlay_form).expect("overlay");
    let overlay = find(&host, &uuid, "web.qcow2");
    let base = find(&host, &uuid, "base.qcow2");
    let info = qemu_img_info(&overlay.path);
    assert!(info.contains("file format: qcow2"), "{info}");
    assert!(
        info.contains(&format!("backing file: {}", base.path)),
        "{info}"
    );
    assert!(info.contains("backing file format: qcow2"), "{info}");
    assert_eq!(overlay.capacity, 64 * MIB);
    assert_eq!(overlay.backing.as_ref().unwrap().path, base.path);
    assert_eq!(base.backs.len(), 1);

    let u = uuid.clone();
    let links = host
        .handle
        .call(move |c| chain::backing_chain(c, &u, "web.qcow2"))
        .unwrap();
    let paths: Vec<&str> = links.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, [overlay.path.as_str(), base.path.as_str()]);

    // The base cannot go while the overlay needs it.
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| volume_ops::delete(c, &u, "base.qcow2"))
        .unwrap_err();
    assert!(err.message.contains("web.qcow2"), "{}", err.message);
    assert!(Path::new(&base.path).exists());

    // qemu-img resize, through libvirt.
    let u = uuid.clone();
    host.handle
        .call(move |c| Ok(volume_ops::resize(c, &u, "web.qcow2", "128M")))
        .unwrap()
        .expect("resized");
    assert!(qemu_img_info(&overlay.path).contains("(134217728 bytes)"));
    let u = uuid.clone();
    let shrink = host
        .handle
        .call(move |c| Ok(volume_ops::resize(c, &u, "web.qcow2", "1M")))
        .unwrap();
    assert!(matches!(shrink, Err(CreateError::Fields(_))));

    // A standalone copy (converted, the base merged in) has no backing file.
    let convert = |name: &str, format| {
        let (end, _) = common::copy_volume(
            &host.handle,
            &uuid,
            "web.qcow2",
            name,
            hangar::core::storage::volume_copy::CopyKind::Convert(format),
            CancelFlag::default(),
            |_, _| {},
        )
        .expect("started");
        assert_eq!(end, TransferEvent::Done);
    };
    convert("copy.qcow2", VolumeFormat::Qcow2);
    let copy = find(&host, &uuid, "copy.qcow2");
    let info = qemu_img_info(&copy.path);
    assert!(
        info.contains("file format: qcow2") && !info.contains("backing file"),
        "{info}"
    );

    // qemu-img convert: the overlay, flattened into a raw image.
    convert("web.raw", VolumeFormat::Raw);
    let raw = find(&host, &uuid, "web.raw");
    let info = qemu_img_info(&raw.path);
    assert!(
        info.contains("file format: raw") && info.contains("(134217728 bytes)"),
        "{info}"
    );
    assert_eq!(raw.format.as_deref(), Some("raw"));
    drop(guard);
    host.handle.close();
}

#[test]
fn a_failed_creation_leaves_nothing_behind() {
    let Some(host) = real_libvirt() else { return };
    let (guard, uuid) = make_pool(&host, "failed");
    let files = || std::fs::read_dir(&guard.dir).unwrap().count();
    // A backing file that does not exist: libvirt's qemu-img fails.
    let f = VolumeForm {
        backing: Some(hangar::core::storage::volume_plan::BackingChoice {
            path: guard.dir.join("missing.qcow2").display().to_string(),
            format: "qcow2".into(),
            capacity: MIB,
        }),
        ..form("orphan.qcow2", "16M")
    };
    let r = create(&host, &uuid, f);
    assert!(matches!(r, Err(CreateError::Libvirt(_))), "{r:?}");
    assert!(list(&host, &uuid).is_empty());
    assert_eq!(files(), 0, "no file left in the pool folder");

    // A pool whose start fails is not left defined (a netfs pool to a host that
    // does not exist).
    let name = format!("hangar-test-{}-nfs", std::process::id());
    let nfs = PoolForm {
        name: name.clone(),
        kind: PoolFormKind::Netfs {
            host: "nonexistent.invalid".into(),
            source_dir: "/export".into(),
            target: guard.dir.join("mnt").display().to_string(),
        },
    };
    let _nfs_guard = PoolGuard {
        name: name.clone(),
        dir: guard.dir.join("mnt"),
    };
    let r = host
        .handle
        .call(move |c| {
            Ok(pools::create(
                c,
                &nfs,
                CreateSteps {
                    build: false,
                    start: true,
                    autostart: false,
                },
            ))
        })
        .unwrap();
    assert!(matches!(r, Err(pools::CreateError::Libvirt(_))), "{r:?}");
    let n = name.clone();
    assert!(host
        .handle
        .call(move |c| Ok(c.lookup_storage_pool_by_name(&n).is_err()))
        .unwrap());
    drop(guard);
    host.handle.close();
}

fn wait_transfer(rx: &mpsc::Receiver<TransferEvent>) -> (TransferEvent, u64) {
    let mut last_done = 0;
    loop {
        match rx
            .recv_timeout(Duration::from_secs(60))
            .expect("transfer events")
        {
            TransferEvent::Progress { done, .. } => last_done = done,
            end => return (end, last_done),
        }
    }
}

#[test]
fn a_file_is_uploaded_downloaded_and_a_cancelled_upload_is_removed() {
    let Some(host) = real_libvirt() else { return };
    let (guard, uuid) = make_pool(&host, "transfer");
    let src_dir = std::env::temp_dir().join(format!("hangar-test-{}-files", std::process::id()));
    std::fs::create_dir_all(&src_dir).unwrap();
    struct Cleanup(PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(src_dir.clone());
    let iso = src_dir.join("tiny.iso");
    let data: Vec<u8> = (0..3 * MIB as usize + 123)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    std::fs::write(&iso, &data).unwrap();

    let (tx, rx) = mpsc::channel();
    let (u, file, tx2) = (uuid.clone(), iso.clone(), std::sync::Mutex::new(tx));
    host.handle
        .call(move |c| {
            Ok(transfer::start_upload(
                c,
                &u,
                "tiny.iso",
                &file,
                CancelFlag::default(),
                Box::new(move |e| {
                    let _ = tx2.lock().unwrap().send(e);
                }),
            ))
        })
        .unwrap()
        .expect("upload started");
    let (end, done) = wait_transfer(&rx);
    assert_eq!(end, TransferEvent::Done);
    assert_eq!(done, data.len() as u64);
    let vol = find(&host, &uuid, "tiny.iso");
    assert_eq!(std::fs::read(&vol.path).unwrap(), data);

    // Uploading under a taken name is refused before anything is sent.
    let (u, file) = (uuid.clone(), iso.clone());
    let dup = host
        .handle
        .call(move |c| {
            Ok(transfer::start_upload(
                c,
                &u,
                "tiny.iso",
                &file,
                CancelFlag::default(),
                Box::new(|_| {}),
            ))
        })
        .unwrap();
    assert!(matches!(dup, Err(CreateError::Fields(_))));

    let back = src_dir.join("back.iso");
    let (tx, rx) = mpsc::channel();
    let (u, dest, tx2) = (uuid.clone(), back.clone(), std::sync::Mutex::new(tx));
    host.handle
        .call(move |c| {
            transfer::start_download(
                c,
                &u,
                "tiny.iso",
                &dest,
                CancelFlag::default(),
                Box::new(move |e| {
                    let _ = tx2.lock().unwrap().send(e);
                }),
            )
        })
        .unwrap();
    assert_eq!(wait_transfer(&rx).0, TransferEvent::Done);
    assert_eq!(std::fs::read(&back).unwrap(), data);

    // Cancelled before the first chunk: the half-made volume is deleted.
    let cancel = CancelFlag::default();
    cancel.cancel();
    let (tx, rx) = mpsc::channel();
    let (u, file, tx2) = (uuid.clone(), iso.clone(), std::sync::Mutex::new(tx));
    host.handle
        .call(move |c| {
            Ok(transfer::start_upload(
                c,
                &u,
                "cancelled.iso",
                &file,
                cancel,
                Box::new(move |e| {
                    let _ = tx2.lock().unwrap().send(e);
                }),
            ))
        })
        .unwrap()
        .expect("upload started");
    assert_eq!(wait_transfer(&rx).0, TransferEvent::Cancelled);
    assert!(list(&host, &uuid).iter().all(|v| v.name != "cancelled.iso"));
    assert!(!guard.dir.join("cancelled.iso").exists());
    drop(guard);
    host.handle.close();
}
