//! Disks that name a pool's volume (`<disk type='volume'><source pool= volume=>`)
//! instead of a file path: deleting the machine offers their volume like any other,
//! and removing the disk knows its image. On a real libvirtd (HANGAR_REAL_LIBVIRT=1)
//! such a disk also grows offline through its volume.

mod common;

use common::{node_uri, real_libvirt, Host};
use hangar::core::delete_vm;
use hangar::core::details::{disk_remove, disk_resize};
use hangar::core::node_file::NodeSpec;

const MIB: u64 = 1 << 20;

fn volume_disk_machine(name: &str, domain_type: &str, pool: &str, volume: &str) -> String {
    format!(
        "<domain type='{domain_type}'><name>{name}</name><memory>65536</memory>\
         <os><type arch='x86_64'>hvm</type></os><devices>\
         <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>\
         <source pool='{pool}' volume='{volume}'/><target dev='vda' bus='virtio'/></disk>\
         </devices></domain>"
    )
}

fn qcow2(name: &str, mib: u64) -> String {
    format!(
        "<volume><name>{name}</name><capacity unit='MiB'>{mib}</capacity>\
         <target><format type='qcow2'/></target></volume>"
    )
}

#[test]
fn a_volume_disk_is_offered_for_deletion_and_goes_with_its_machine() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "volume-disk");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let uuid = host
        .handle
        .call(|conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            virt::storage_vol::StorageVol::create_xml(&pool, &qcow2("by-name.qcow2", 64), 0)?;
            let dom = conn.define_domain_xml(&volume_disk_machine(
                "by-volume",
                "test",
                "pool-1",
                "by-name.qcow2",
            ))?;
            Ok(dom.uuid_string()?)
        })
        .unwrap();
    let path = "/var/lib/libvirt/pool-1/by-name.qcow2";

    let u = uuid.clone();
    let removal = host
        .handle
        .call(move |conn| disk_remove::plan(conn, &u, "vda"))
        .unwrap();
    assert_eq!(removal.path.as_deref(), Some(path));
    assert_eq!(removal.verdict.unwrap().keep_reason, None);

    let u = uuid.clone();
    let plan = host
        .handle
        .call(move |conn| delete_vm::plan(conn, &u))
        .unwrap();
    assert_eq!(plan.disks.len(), 1, "{plan:?}");
    let disk = &plan.disks[0];
    assert_eq!((disk.target.as_str(), disk.path.as_str()), ("vda", path));
    assert_eq!(disk.volume.as_deref(), Some("pool-1/by-name.qcow2"));
    assert!(disk.deletable(), "{disk:?}");

    let u = uuid.clone();
    let outcome = host
        .handle
        .call(move |conn| delete_vm::execute(conn, &u, &[path.to_string()], false))
        .unwrap();
    assert_eq!(
        outcome.deleted_volumes,
        vec!["pool-1/by-name.qcow2".to_string()]
    );
    let gone = host
        .handle
        .call(move |conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            Ok((
                conn.lookup_domain_by_uuid_string(&uuid).is_err(),
                pool.lookup_storage_vol_by_name("by-name.qcow2").is_err(),
            ))
        })
        .unwrap();
    assert_eq!(gone, (true, true), "machine and volume are both gone");
    host.handle.close();
}

#[test]
fn a_stopped_machines_volume_disk_grows_through_its_volume() {
    if !real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    let tag = format!("hangar-vd{}", std::process::id());
    let dir = std::env::temp_dir().join(&tag);
    std::fs::create_dir_all(&dir).unwrap();
    let mut host = Host::open("qemu:///system");
    host.until_loaded();
    let (pool_name, dir_s) = (tag.clone(), dir.display().to_string());
    let made = host.handle.call(move |conn| {
        let xml = format!(
            "<pool type='dir'><name>{pool_name}</name><target><path>{dir_s}</path></target></pool>"
        );
        let pool = conn.create_storage_pool_xml(&xml, 0)?;
        virt::storage_vol::StorageVol::create_xml(&pool, &qcow2("grow.qcow2", 64), 0)?;
        let dom = conn.define_domain_xml(&volume_disk_machine(
            &pool_name,
            "qemu",
            &pool_name,
            "grow.qcow2",
        ))?;
        Ok(dom.uuid_string()?)
    });
    // Whatever happens below, the machine and the transient pool go again.
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            for args in [
                vec!["undefine", self.0.as_str()],
                vec!["vol-delete", "--pool", self.0.as_str(), "grow.qcow2"],
                vec!["pool-destroy", self.0.as_str()],
            ] {
                let _ = std::process::Command::new("virsh")
                    .args(["-q", "-c", "qemu:///system"])
                    .args(args)
                    .output();
            }
        }
    }
    let _cleanup = Cleanup(tag.clone());
    let uuid = made.unwrap();

    let u = uuid.clone();
    let plan = host
        .handle
        .call(move |conn| disk_resize::plan(conn, &u, "vda", "96M"))
        .unwrap();
    assert_eq!((plan.current_bytes, plan.new_bytes), (64 * MIB, 96 * MIB));
    assert!(!plan.live);
    let u = uuid.clone();
    host.handle
        .call(move |conn| disk_resize::apply(conn, &u, &plan, false))
        .unwrap();
    let info = std::process::Command::new("qemu-img")
        .args(["info", "--output=json"])
        .arg(dir.join("grow.qcow2"))
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains(&format!("\"virtual-size\": {}", 96 * MIB)),
        "{info}"
    );
    host.handle.close();
    let _ = std::fs::remove_dir_all(&dir);
}
