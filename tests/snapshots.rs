//! Snapshots through Hangar's core: on libvirt's test driver (tree, current, revert,
//! delete) and on a real libvirtd (an external snapshot's base image survives).

mod common;

use common::{node_uri, real_libvirt, Host};
use hangar::core::node_file::NodeSpec;
use hangar::core::snapshots::{self, SnapshotKind};

#[test]
fn snapshots_form_a_tree_and_revert_moves_current() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(2), "snap-tree");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let tree = host
        .handle
        .call(|conn| {
            let dom = conn.lookup_domain_by_name("vm-1")?;
            snapshots::create(
                &dom,
                "clean-install",
                "fresh system",
                SnapshotKind::Internal,
            )?;
            snapshots::create(&dom, "升级前", "", SnapshotKind::Internal)?;
            // A duplicate name is refused before libvirt is asked.
            assert!(snapshots::create(&dom, "clean-install", "", SnapshotKind::Internal).is_err());
            snapshots::list(&dom)
        })
        .unwrap();
    let view: Vec<(&str, usize, bool)> = tree
        .iter()
        .map(|s| (s.name.as_str(), s.depth, s.current))
        .collect();
    assert_eq!(view, [("clean-install", 0, false), ("升级前", 1, true)]);
    assert_eq!(tree[0].description, "fresh system");

    let after = host
        .handle
        .call(|conn| {
            let dom = conn.lookup_domain_by_name("vm-1")?;
            snapshots::revert(&dom, "clean-install")?;
            snapshots::list(&dom)
        })
        .unwrap();
    assert!(
        after
            .iter()
            .find(|s| s.name == "clean-install")
            .unwrap()
            .current
    );

    let left = host
        .handle
        .call(|conn| {
            let dom = conn.lookup_domain_by_name("vm-1")?;
            snapshots::delete(&dom, "clean-install")?;
            snapshots::list(&dom)
        })
        .unwrap();
    // The child stays, now a root.
    assert_eq!(
        left.iter()
            .map(|s| (s.name.as_str(), s.depth))
            .collect::<Vec<_>>(),
        [("升级前", 0)]
    );
    host.handle.close();
}

/// The files in `dir`, sorted.
fn files(dir: &str) -> Vec<String> {
    let mut f: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    f.sort();
    f
}

/// `qemu-img info --backing-chain` of the machine's disk: each layer's path, top first.
/// Panics when a layer is missing or unreadable.
fn disk_chain(dom: &virt::domain::Domain) -> Vec<String> {
    let live = hangar::core::xml::DomainXml::parse(&dom.xml_desc(0).unwrap()).unwrap();
    let top = live.disks[0].source.path().unwrap().to_string();
    let out = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--backing-chain", &top])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the disk's whole chain opens: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chain: Vec<String> =
        hangar::core::storage::chain::parse_qemu_img_info(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .map(|l| l.path)
            .collect();
    for layer in &chain {
        assert!(std::path::Path::new(layer).exists(), "{layer} exists");
    }
    chain
}

/// Two external disk-only snapshots on a shut-off machine: disk.qcow2 ← disk.one ←
/// disk.two. Deleting the first (the middle layer) must not take disk.one or the base
/// while disk.two builds on them: libvirt 9.0 refuses, and Hangar says so and what to
/// do, with nothing changed; a libvirt that merges instead must leave an intact chain.
/// Deleting the newest first then works and keeps what the disk still needs.
#[test]
fn deleting_an_external_snapshot_never_removes_the_image_its_overlay_needs() {
    if !real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let dir = format!(
        "/var/lib/libvirt/images/hangar-test/hd-snap-{}",
        std::process::id()
    );
    std::fs::create_dir_all(&dir).unwrap();
    let base = format!("{dir}/disk.qcow2");
    assert!(std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", &base, "64M"])
        .status()
        .unwrap()
        .success());
    let name = format!("hd-snap-{}", std::process::id());
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>48</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>\
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{base}'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
    );
    let conn = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let dom = conn.define_domain_xml(&xml).unwrap();
    let outcome = std::panic::catch_unwind(|| {
        for s in ["one", "two"] {
            snapshots::create(&dom, s, "", SnapshotKind::ExternalDiskOnly).unwrap();
        }
        let list = snapshots::list(&dom).unwrap();
        assert!(list.iter().all(|s| s.external), "{list:?}");
        let (one, two) = (format!("{dir}/disk.one"), format!("{dir}/disk.two"));
        assert_eq!(disk_chain(&dom), [two.clone(), one.clone(), base.clone()]);
        let files_before = files(&dir);

        match snapshots::delete(&dom, "one") {
            Err(e) => {
                eprintln!("refused: {}", e.message);
                assert!(
                    e.message.contains("“one” was not deleted")
                        && e.message.contains("delete the newest first"),
                    "a clear message: {}",
                    e.message
                );
                let names: Vec<String> = snapshots::list(&dom)
                    .unwrap()
                    .into_iter()
                    .map(|s| s.name)
                    .collect();
                assert_eq!(names, ["one", "two"], "both snapshots are still there");
                assert_eq!(files(&dir), files_before, "no file went");
                assert_eq!(disk_chain(&dom), [two.clone(), one.clone(), base.clone()]);
            }
            Ok(()) => {
                // Merged: whatever the disk reads from now must all be there.
                let chain = disk_chain(&dom);
                assert_eq!(chain.last(), Some(&base), "{chain:?}");
            }
        }

        // Newest first: disk.two is merged into disk.one, which the disk uses again.
        snapshots::delete(&dom, "two").unwrap();
        assert_eq!(disk_chain(&dom), [one.clone(), base.clone()]);
        assert!(std::path::Path::new(&base).exists());
    });
    let _ = dom.undefine_flags(virt::sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(format!("/var/log/libvirt/qemu/{name}.log"));
    outcome.unwrap();
}
