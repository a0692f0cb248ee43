//! Deleting a machine with its disks: only volumes nothing else needs go with it.

mod common;

use common::{node_uri, Host};
use hangar::core::delete_vm;
use hangar::core::node_file::NodeSpec;

fn volume(name: &str, backing: Option<&str>) -> String {
    let backing = backing
        .map(|b| format!("<backingStore><path>{b}</path><format type='qcow2'/></backingStore>"))
        .unwrap_or_default();
    format!(
        "<volume><name>{name}</name><capacity unit='MiB'>64</capacity><allocation>0</allocation>\
         <target><format type='qcow2'/></target>{backing}</volume>"
    )
}

fn machine(name: &str, disks: &[&str]) -> String {
    let devs: String = disks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{p}'/>\
                 <target dev='vd{}' bus='virtio'/></disk>",
                (b'a' + i as u8) as char
            )
        })
        .collect();
    format!("<domain type='test'><name>{name}</name><memory>65536</memory><os><type>hvm</type></os><devices>{devs}</devices></domain>")
}

#[test]
fn only_volumes_nothing_else_needs_are_deleted_with_the_machine() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "delete-vm");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let dir = "/var/lib/libvirt/pool-1";
    let p = |n: &str| format!("{dir}/{n}");
    let (mine, shared, base) = (p("mine.qcow2"), p("shared.qcow2"), p("base.qcow2"));
    let (m2, s2, b2) = (mine.clone(), shared.clone(), base.clone());
    let uuid = host
        .handle
        .call(move |conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            for xml in [
                volume("mine.qcow2", None),
                volume("shared.qcow2", None),
                volume("base.qcow2", None),
            ] {
                virt::storage_vol::StorageVol::create_xml(&pool, &xml, 0)?;
            }
            virt::storage_vol::StorageVol::create_xml(&pool, &volume("child.qcow2", Some(&b2)), 0)?;
            conn.define_domain_xml(&machine("other", &[&s2]))?;
            let victim =
                conn.define_domain_xml(&machine("victim", &[&m2, &s2, &b2, "/srv/nowhere.img"]))?;
            Ok(victim.uuid_string()?)
        })
        .unwrap();

    let u = uuid.clone();
    let plan = host
        .handle
        .call(move |conn| delete_vm::plan(conn, &u))
        .unwrap();
    let reasons: Vec<(&str, Option<&str>)> = plan
        .disks
        .iter()
        .map(|d| (d.target.as_str(), d.keep_reason.as_deref()))
        .collect();
    assert_eq!(reasons[0], ("vda", None), "only the victim uses mine.qcow2");
    assert_eq!(reasons[1], ("vdb", Some("also used by other")));
    assert_eq!(reasons[2], ("vdc", Some("the base of pool-1/child.qcow2")));
    assert_eq!(
        reasons[3].1,
        Some("not in a storage pool, so Hangar leaves the file alone")
    );

    // Ask to delete all of them: only mine.qcow2 may go.
    let all: Vec<String> = plan.disks.iter().map(|d| d.path.clone()).collect();
    let u = uuid.clone();
    let outcome = host
        .handle
        .call(move |conn| delete_vm::execute(conn, &u, &all))
        .unwrap();
    assert_eq!(outcome.deleted_volumes, ["pool-1/mine.qcow2"]);
    assert_eq!(outcome.kept.len(), 3, "{outcome:?}");
    let (names, vols) = host
        .handle
        .call(|conn| {
            let names: Vec<String> = conn
                .list_all_domains(0)?
                .iter()
                .map(|d| d.name().unwrap())
                .collect();
            let vols: Vec<String> = conn
                .lookup_storage_pool_by_name("pool-1")?
                .list_all_volumes(0)?
                .iter()
                .map(|v| v.name().unwrap())
                .collect();
            Ok((names, vols))
        })
        .unwrap();
    assert!(!names.contains(&"victim".to_string()) && names.contains(&"other".to_string()));
    for kept in ["shared.qcow2", "base.qcow2", "child.qcow2"] {
        assert!(vols.contains(&kept.to_string()), "{kept} kept: {vols:?}");
    }
    assert!(!vols.contains(&"mine.qcow2".to_string()));
    let _ = (mine, shared, base);
    host.handle.close();
}
