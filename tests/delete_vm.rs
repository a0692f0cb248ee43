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
        .call(move |conn| delete_vm::execute(conn, &u, &all, false))
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

fn names_and_volumes(host: &Host) -> (Vec<String>, Vec<String>) {
    host.handle
        .call(|conn| {
            let names = conn
                .list_all_domains(0)?
                .iter()
                .map(|d| d.name().unwrap())
                .collect();
            let vols = conn
                .lookup_storage_pool_by_name("pool-1")?
                .list_all_volumes(0)?
                .iter()
                .map(|v| v.name().unwrap())
                .collect();
            Ok((names, vols))
        })
        .unwrap()
}

/// Several machines in one go: a template with its linked clone (clone listed after
/// the template), two machines sharing a disk, a running linked clone the person did
/// not agree to force off, and one someone else deleted meanwhile. The running one
/// and the vanished one fail with their reasons; the others go, with their disks —
/// except the base of the clone that stayed.
#[test]
fn several_machines_go_in_one_go_and_each_failure_keeps_its_reason() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "delete-many");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let p = |n: &str| format!("/var/lib/libvirt/pool-1/{n}");
    let uuids = host
        .handle
        .call(move |conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            let mk = |xml: String| virt::storage_vol::StorageVol::create_xml(&pool, &xml, 0);
            for name in ["base.qcow2", "base2.qcow2", "shared.qcow2", "a-own.qcow2"] {
                mk(volume(name, None))?;
            }
            mk(volume("c1.qcow2", Some(&p("base.qcow2"))))?;
            mk(volume("busy.qcow2", Some(&p("base2.qcow2"))))?;
            let define = |name: &str, disks: &[&str]| -> Result<String, virt::error::Error> {
                let paths: Vec<String> = disks.iter().map(|d| p(d)).collect();
                let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
                conn.define_domain_xml(&machine(name, &refs))?.uuid_string()
            };
            let tpl = define("tpl", &["base.qcow2"])?;
            let tpl2 = define("tpl2", &["base2.qcow2"])?;
            hangar::core::clone::template::mark_template(conn, &tpl)?;
            hangar::core::clone::template::mark_template(conn, &tpl2)?;
            let a = define("a", &["shared.qcow2", "a-own.qcow2"])?;
            let b = define("b", &["shared.qcow2"])?;
            let clone = define("clone", &["c1.qcow2"])?;
            let busy = define("busy", &["busy.qcow2"])?;
            conn.lookup_domain_by_name("busy")?.create()?;
            let gone = define("gone", &[])?;
            Ok(vec![tpl, tpl2, a, busy, b, clone, gone])
        })
        .unwrap();

    // The plan, as the dialog shows it.
    let u = uuids.clone();
    let plans = host
        .handle
        .call(move |conn| delete_vm::plan_many(conn, &u))
        .unwrap();
    let fate = |machine: &str, target: &str| {
        plans
            .iter()
            .find(|p| p.name == machine)
            .and_then(|p| p.disks.iter().find(|d| d.target == target))
            .cloned()
            .unwrap()
    };
    let base = fate("tpl", "vda");
    assert!(base.deletable(), "its only clone goes too: {base:?}");
    assert_eq!(base.after, ["pool-1/c1.qcow2"]);
    assert_eq!(base.needs, [p("c1.qcow2")]);
    let shared = fate("a", "vda");
    assert!(shared.deletable() && shared.after == ["b"], "{shared:?}");
    assert!(plans.iter().find(|p| p.name == "busy").unwrap().running);
    // Alone, the template's base is kept as before.
    let tpl = uuids[0].clone();
    let alone = host
        .handle
        .call(move |conn| delete_vm::plan(conn, &tpl))
        .unwrap();
    assert_eq!(
        alone.disks[0].keep_reason.as_deref(),
        Some("the base of pool-1/c1.qcow2")
    );

    // Someone else deletes "gone" before the person confirms.
    host.handle
        .call(|conn| Ok(conn.lookup_domain_by_name("gone")?.undefine()?))
        .unwrap();
    let requests: Vec<delete_vm::DeleteRequest> = uuids
        .iter()
        .map(|uuid| delete_vm::DeleteRequest {
            uuid: uuid.clone(),
            name: plans
                .iter()
                .find(|p| &p.uuid == uuid)
                .map_or_else(|| "gone".to_string(), |p| p.name.clone()),
            delete_paths: plans
                .iter()
                .find(|p| &p.uuid == uuid)
                .map(|p| p.disks.iter().map(|d| d.path.clone()).collect())
                .unwrap_or_default(),
        })
        .collect();
    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = host
        .handle
        .call(move |conn| {
            let cancel = hangar::core::storage::transfer::CancelFlag::default();
            let o = delete_vm::execute_many(conn, &requests, false, &cancel, &|done, total| {
                seen.lock().unwrap().push((done, total))
            });
            assert_eq!(seen.lock().unwrap().last(), Some(&(7, 7)));
            Ok(o)
        })
        .unwrap();
    let failed: Vec<(&str, &str)> = outcome
        .failed()
        .map(|(n, e)| (n, e.message.as_str()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0], ("busy", "it is still on and was not forced off"));
    assert_eq!(failed[1].0, "gone", "named as the dialog showed it");
    assert!(
        failed[1].1.to_lowercase().contains("domain"),
        "libvirt's reason for the vanished one: {failed:?}"
    );
    let mut deleted = outcome.deleted_volumes.clone();
    deleted.sort();
    assert_eq!(
        deleted,
        [
            "pool-1/a-own.qcow2",
            "pool-1/base.qcow2",
            "pool-1/c1.qcow2",
            "pool-1/shared.qcow2"
        ]
    );
    // tpl2's base stays: its clone "busy" is still there.
    assert_eq!(
        outcome.kept,
        [(
            "pool-1/base2.qcow2".to_string(),
            "the base of pool-1/busy.qcow2".to_string()
        )]
    );
    let (names, vols) = names_and_volumes(&host);
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["busy", "vm-1"]);
    for kept in ["base2.qcow2", "busy.qcow2"] {
        assert!(vols.contains(&kept.to_string()), "{kept}: {vols:?}");
    }
    for gone in ["base.qcow2", "c1.qcow2", "shared.qcow2", "a-own.qcow2"] {
        assert!(!vols.contains(&gone.to_string()), "{gone}: {vols:?}");
    }
    host.handle.close();
}

/// On the real libvirtd: a template and its linked clone deleted in one go take
/// their qcow2 files with them (the overlay first); a second template whose clone's
/// disk was not ticked keeps its base file, and the clone still reads from it.
#[test]
fn real_volumes_go_with_their_machines_and_a_needed_base_stays() {
    if !common::real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    let tag = format!("many-{}", std::process::id());
    let dir = std::env::temp_dir().join(&tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    struct Cleanup(String, std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let virsh = |args: &[&str]| {
                let _ = std::process::Command::new("virsh")
                    .args(["-q", "-c", "qemu:///system"])
                    .args(args)
                    .output();
            };
            for m in ["tpl", "clone", "a", "b", "tpl2", "clone2"] {
                virsh(&["undefine", &format!("{}-{m}", self.0)]);
            }
            virsh(&["pool-destroy", &self.0]);
            virsh(&["pool-undefine", &self.0]);
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    let _cleanup = Cleanup(tag.clone(), dir.clone());
    let mut host = Host::open("qemu:///system");
    host.until_loaded();
    let (t, d) = (tag.clone(), dir.display().to_string());
    let uuids = host
        .handle
        .call(move |conn| {
            let pool = conn.define_storage_pool_xml(
                &format!(
                    "<pool type='dir'><name>{t}</name><target><path>{d}</path></target></pool>"
                ),
                0,
            )?;
            pool.create(0)?;
            let p = |n: &str| format!("{d}/{n}");
            let mk = |xml: String| virt::storage_vol::StorageVol::create_xml(&pool, &xml, 0);
            for name in ["base.qcow2", "base2.qcow2", "shared.qcow2", "a-own.qcow2"] {
                mk(volume(name, None))?;
            }
            mk(volume("c1.qcow2", Some(&p("base.qcow2"))))?;
            mk(volume("c2.qcow2", Some(&p("base2.qcow2"))))?;
            let define = |name: &str, disks: &[&str]| -> Result<String, virt::error::Error> {
                let devs: String = disks
                    .iter()
                    .zip(["vda", "vdb"])
                    .map(|(f, dev)| {
                        format!(
                            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                             <source file='{}'/><target dev='{dev}' bus='virtio'/></disk>",
                            p(f)
                        )
                    })
                    .collect();
                conn.define_domain_xml(&format!(
                    "<domain type='qemu'><name>{t}-{name}</name><memory unit='MiB'>64</memory>\
                     <os><type arch='x86_64'>hvm</type></os><devices>{devs}</devices></domain>"
                ))?
                .uuid_string()
            };
            let tpl = define("tpl", &["base.qcow2"])?;
            let tpl2 = define("tpl2", &["base2.qcow2"])?;
            hangar::core::clone::template::mark_template(conn, &tpl)?;
            hangar::core::clone::template::mark_template(conn, &tpl2)?;
            Ok(vec![
                tpl,
                define("clone", &["c1.qcow2"])?,
                define("a", &["shared.qcow2", "a-own.qcow2"])?,
                define("b", &["shared.qcow2"])?,
                tpl2,
                define("clone2", &["c2.qcow2"])?,
            ])
        })
        .unwrap();
    let u = uuids.clone();
    let plans = host
        .handle
        .call(move |conn| delete_vm::plan_many(conn, &u))
        .unwrap();
    let base = &plans[0].disks[0];
    assert!(
        base.deletable() && base.after == [format!("{tag}/c1.qcow2")],
        "{base:?}"
    );
    // Everything ticked except clone2's disk.
    let requests: Vec<delete_vm::DeleteRequest> = plans
        .iter()
        .map(|p| delete_vm::DeleteRequest {
            uuid: p.uuid.clone(),
            name: p.name.clone(),
            delete_paths: if p.name.ends_with("-clone2") {
                vec![]
            } else {
                p.disks.iter().map(|d| d.path.clone()).collect()
            },
        })
        .collect();
    let outcome = host
        .handle
        .call(move |conn| {
            let cancel = hangar::core::storage::transfer::CancelFlag::default();
            Ok(delete_vm::execute_many(
                conn,
                &requests,
                false,
                &cancel,
                &|_, _| {},
            ))
        })
        .unwrap();
    assert_eq!(outcome.failed().count(), 0, "{outcome:?}");
    // The clone's overlay went before the template's base.
    let pos = |v: &str| {
        outcome
            .deleted_volumes
            .iter()
            .position(|d| d == &format!("{tag}/{v}"))
            .unwrap_or_else(|| panic!("{v} deleted: {outcome:?}"))
    };
    assert!(pos("c1.qcow2") < pos("base.qcow2"));
    pos("shared.qcow2");
    pos("a-own.qcow2");
    assert_eq!(
        outcome.kept,
        [(
            format!("{tag}/base2.qcow2"),
            format!("the base of {tag}/c2.qcow2")
        )]
    );
    for gone in ["base.qcow2", "c1.qcow2", "shared.qcow2", "a-own.qcow2"] {
        assert!(!dir.join(gone).exists(), "{gone} is deleted");
    }
    // The clone that stayed still reads from its base.
    let info = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--backing-chain"])
        .arg(dir.join("c2.qcow2"))
        .output()
        .unwrap();
    assert!(info.status.success(), "{info:?}");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains(&format!(
            "backing file: {}",
            dir.join("base2.qcow2").display()
        )),
        "{text}"
    );
    host.handle.close();
}

/// Stopped before it began (the progress window's Cancel): nothing is deleted, and
/// each machine says why it is still there.
#[test]
fn a_stopped_deletion_deletes_nothing_more() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(3), "delete-stopped");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let requests: Vec<delete_vm::DeleteRequest> = host
        .handle
        .call(|conn| {
            Ok(conn
                .list_all_domains(0)?
                .iter()
                .map(|d| delete_vm::DeleteRequest {
                    uuid: d.uuid_string().unwrap(),
                    name: d.name().unwrap(),
                    delete_paths: vec![],
                })
                .collect())
        })
        .unwrap();
    let outcome = host
        .handle
        .call(move |conn| {
            let cancel = hangar::core::storage::transfer::CancelFlag::default();
            cancel.cancel();
            Ok(delete_vm::execute_many(
                conn,
                &requests,
                true,
                &cancel,
                &|_, _| {},
            ))
        })
        .unwrap();
    let reasons: Vec<&str> = outcome.failed().map(|(_, e)| e.message.as_str()).collect();
    assert_eq!(reasons, ["the deletion was stopped before it"; 3]);
    assert_eq!(names_and_volumes(&host).0.len(), 3);
    host.handle.close();
}
