//! Deleting a machine removes the metadata that would block `virsh undefine`, with
//! the undefine flags that match: snapshots, a managed save image, and a UEFI
//! variable store — also one the XML does not name (firmware chosen by libvirt).
//! Test driver first, then the real libvirtd (HANGAR_REAL_LIBVIRT=1).

mod common;

use common::{node_uri, Host};
use hangar::core::delete_vm;
use hangar::core::node_file::NodeSpec;

fn machine(name: &str, os: &str) -> String {
    format!("<domain type='test'><name>{name}</name><memory>65536</memory>{os}<devices/></domain>")
}

fn names(host: &Host) -> Vec<String> {
    host.handle
        .call(|conn| {
            Ok(conn
                .list_all_domains(0)?
                .iter()
                .map(|d| d.name().unwrap())
                .collect())
        })
        .unwrap()
}

/// A machine with snapshots, one with a managed save image, and UEFI machines with and
/// without a named NVRAM file: each goes (libvirt refuses a plain undefine of the first
/// two), and nothing of them is left: no machine, no snapshot, no saved state.
#[test]
fn snapshots_managed_save_and_uefi_machines_go_without_leftovers() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "delete-flags");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let os_of = [
        ("snapped", "<os><type>hvm</type></os>"),
        ("saved", "<os><type>hvm</type></os>"),
        ("efi-auto", "<os firmware='efi'><type>hvm</type></os>"),
        (
            "efi-pflash",
            "<os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>\
             <nvram>/var/lib/libvirt/qemu/nvram/efi-pflash_VARS.fd</nvram></os>",
        ),
        (
            "efi-loader-only",
            "<os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader></os>",
        ),
    ];
    let uuids = host
        .handle
        .call(move |conn| {
            let mut uuids = Vec::new();
            for (name, os) in os_of {
                let xml = machine(name, os);
                let dom = conn.define_domain_xml(&xml)?;
                uuids.push((name.to_string(), dom.uuid_string()?));
            }
            let snapped = conn.lookup_domain_by_name("snapped")?;
            for s in ["one", "two"] {
                snapped.create_snapshot_xml(
                    &format!("<domainsnapshot><name>{s}</name></domainsnapshot>"),
                    0,
                )?;
            }
            let saved = conn.lookup_domain_by_name("saved")?;
            saved.create()?;
            saved.managed_save(0)?;
            assert!(saved.has_managed_save(0)?);
            // What a plain `virsh undefine` meets: refused while they have those.
            assert!(
                snapped.undefine().is_err(),
                "snapshot metadata blocks undefine"
            );
            assert!(
                saved.undefine().is_err(),
                "a managed save image blocks undefine"
            );
            Ok(uuids)
        })
        .unwrap();
    for (name, uuid) in uuids {
        let outcome = host
            .handle
            .call(move |conn| delete_vm::execute(conn, &uuid, &[], false));
        assert!(outcome.is_ok(), "{name}: {outcome:?}");
    }
    assert_eq!(names(&host), ["vm-1"], "nothing is left of them");
    host.handle.close();
}

/// On the real libvirtd, UEFI machines whose variable store exists (as after a first
/// boot; this host has no OVMF to boot one): one with `firmware='efi'` whose XML names
/// no `<nvram>` — libvirt refuses a plain undefine of it — and one with a pflash loader
/// whose store path libvirt derived. Both go, and so do their store files.
#[test]
fn real_uefi_machines_go_with_their_variable_stores() {
    if !common::real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    let tag = format!("hd-efi-{}", std::process::id());
    let store = |m: &str| format!("/var/lib/libvirt/qemu/nvram/{tag}-{m}_VARS.fd");
    struct Cleanup(Vec<(String, String)>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            for (name, store) in &self.0 {
                let _ = std::process::Command::new("virsh")
                    .args(["-q", "-c", "qemu:///system", "undefine", "--nvram", name])
                    .output();
                let _ = std::fs::remove_file(store);
            }
        }
    }
    let oses = [
        ("auto", "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>"),
        (
            "pflash",
            "<os><type arch='x86_64' machine='q35'>hvm</type>\
             <loader readonly='yes' type='pflash'>/var/lib/libvirt/images/hangar-test/none-CODE.fd</loader></os>",
        ),
    ];
    let _cleanup = Cleanup(
        oses.iter()
            .map(|(m, _)| (format!("{tag}-{m}"), store(m)))
            .collect(),
    );
    let mut host = Host::open("qemu:///system");
    host.until_loaded();
    for (m, os) in oses {
        let name = format!("{tag}-{m}");
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>{os}\
             <features><acpi/></features></domain>"
        );
        let n = name.clone();
        let (uuid, named) = host
            .handle
            .call(move |conn| {
                let dom = conn.define_domain_xml(&xml)?;
                let stored = dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE)?;
                Ok((dom.uuid_string()?, stored.contains(&format!("{n}_VARS.fd"))))
            })
            .unwrap();
        assert_eq!(
            named,
            m == "pflash",
            "{m}: the XML names the store only for a pflash loader"
        );
        std::fs::create_dir_all("/var/lib/libvirt/qemu/nvram").unwrap();
        std::fs::write(store(m), b"variables").unwrap();
        if m == "auto" {
            let u = uuid.clone();
            let plain = host
                .handle
                .call(move |conn| Ok(conn.lookup_domain_by_uuid_string(&u)?.undefine().is_err()))
                .unwrap();
            assert!(plain, "a plain undefine is refused while the store exists");
        }
        let outcome = host
            .handle
            .call(move |conn| delete_vm::execute(conn, &uuid, &[], false));
        assert!(outcome.is_ok(), "{m}: {outcome:?}");
        assert!(!names(&host).contains(&name), "{m}: the machine is gone");
        assert!(
            !std::path::Path::new(&store(m)).exists(),
            "{m}: its store is gone"
        );
    }
    host.handle.close();
}
