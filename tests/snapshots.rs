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

#[test]
fn deleting_an_external_snapshot_never_removes_the_image_its_overlay_needs() {
    if !real_libvirt() {
        return;
    }
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let dir = format!(
        "/var/lib/libvirt/images/hangar-test/snap-{}",
        std::process::id()
    );
    std::fs::create_dir_all(&dir).unwrap();
    let base = format!("{dir}/disk.qcow2");
    assert!(std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", &base, "64M"])
        .status()
        .unwrap()
        .success());
    let name = format!("hangar-snap-{}", std::process::id());
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>48</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>\
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{base}'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
    );
    let conn = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let dom = conn.define_domain_xml(&xml).unwrap();
    let outcome = std::panic::catch_unwind(|| {
        snapshots::create(&dom, "before-change", "", SnapshotKind::ExternalDiskOnly).unwrap();
        let list = snapshots::list(&dom).unwrap();
        assert!(list[0].external, "{list:?}");
        let now = hangar::core::xml::DomainXml::parse(&dom.xml_desc(0).unwrap()).unwrap();
        assert_ne!(
            now.disks[0].source.path(),
            Some(base.as_str()),
            "the disk moved to an overlay"
        );
        // libvirt 9 merges the overlay back on delete (older ones refuse): either way
        // nothing the machine's disk needs may be gone afterwards.
        match snapshots::delete(&dom, "before-change") {
            Ok(()) => assert!(snapshots::list(&dom).unwrap().is_empty()),
            Err(e) => eprintln!("libvirt refused: {}", e.message),
        }
        assert!(
            std::path::Path::new(&base).exists(),
            "the base image is still there"
        );
        let live = hangar::core::xml::DomainXml::parse(&dom.xml_desc(0).unwrap()).unwrap();
        let current = live.disks[0].source.path().unwrap().to_string();
        let chain = std::process::Command::new("qemu-img")
            .args(["info", "-U", "--backing-chain", &current])
            .output()
            .unwrap();
        assert!(
            chain.status.success(),
            "the disk's whole chain opens: {}",
            String::from_utf8_lossy(&chain.stderr)
        );
    });
    let _ = dom.undefine_flags(virt::sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap();
}
