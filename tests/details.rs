//! The details view's data and settings against libvirt's test driver: what
//! `virsh dominfo`, `domblklist`, `domiflist`, `autostart`, `setvcpus`, `setmem` and
//! `edit` do, through Hangar's core.

mod common;

use common::{node_uri, Host};
use hangar::core::details::{self, When};
use hangar::core::error::ErrorKind;
use hangar::core::node_file::NodeSpec;

fn loaded(tag: &str) -> (Host, std::path::PathBuf) {
    let (uri, dir) = node_uri(&NodeSpec::with_domains(10), tag);
    let mut host = Host::open(&uri);
    host.until_loaded();
    (host, dir)
}

fn uuid_of(host: &Host, name: &str) -> String {
    host.store.domain_by_name(name).unwrap().uuid.clone()
}

#[test]
fn details_show_what_dominfo_domblklist_and_domiflist_show() {
    let (host, _d) = loaded("det-info");
    let uuid = uuid_of(&host, "vm-1");
    let d = host.handle.call(move |c| details::fetch(c, &uuid)).unwrap();
    assert_eq!(d.summary.name, "vm-1");
    assert!(d.persistent);
    assert_eq!(d.live.domain_type, "test");
    assert_eq!(d.live.disks.len(), 1);
    let disk = &d.live.disks[0];
    assert_eq!(disk.target_dev.as_deref(), Some("vda"));
    assert_eq!(disk.format.as_deref(), Some("qcow2"));
    assert_eq!(
        disk.source.path(),
        Some("/var/lib/libvirt/images/vm-1.qcow2")
    );
    assert_eq!(d.live.interfaces.len(), 1);
    assert_eq!(
        d.live.interfaces[0].source_network.as_deref(),
        Some("net-1")
    );
    assert!(d.config_xml.contains("<name>vm-1</name>"));
}

#[test]
fn autostart_vcpus_and_memory_change_with_the_right_scope() {
    let (host, _d) = loaded("det-set");
    let off = uuid_of(&host, "vm-10");
    let u = off.clone();
    host.handle
        .call(move |c| {
            let dom = c.lookup_domain_by_uuid_string(&u)?;
            details::set_autostart(&dom, true)?;
            details::set_vcpus(&dom, 3, When::NextBoot)?;
            details::set_memory(&dom, 300 * 1024, When::NextBoot)
        })
        .unwrap();
    let u = off.clone();
    let d = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    assert!(d.autostart);
    // vm-10 is shut off: live and stored are the same definition.
    assert_eq!(d.live.vcpus, 3, "{}", d.config_xml);
    assert_eq!(d.live.current_memory_kib, Some(300 * 1024));

    // Zero is refused before libvirt is asked.
    let u = off.clone();
    let err = host
        .handle
        .call(move |c| details::set_vcpus(&c.lookup_domain_by_uuid_string(&u)?, 0, When::NextBoot))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid);
}

#[test]
fn edited_xml_is_saved_validated_and_refused_without_change_when_wrong() {
    let (host, _d) = loaded("det-xml");
    let uuid = uuid_of(&host, "vm-2");
    let u = uuid.clone();
    let d = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    let original = d.config_xml.clone();

    // A good edit: a title, added by hand as in `virsh edit`.
    let edited = original.replacen(
        "<name>vm-2</name>",
        "<name>vm-2</name>\n  <title>Web front</title>",
        1,
    );
    let (u, e) = (uuid.clone(), edited.clone());
    host.handle
        .call(move |c| details::define_edited_xml(c, &u, "vm-2", &e))
        .unwrap();
    let u = uuid.clone();
    let after = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    // vm-2 runs: the stored definition has the title now, the running one at next boot.
    assert_eq!(after.config.title.as_deref(), Some("Web front"));
    assert_eq!(after.live.title, None);

    // Broken XML, a changed UUID, a rename: each refused with a message, nothing changed.
    for (bad, expect) in [
        (edited.replace("</domain>", ""), "XML"),
        (
            edited.replace(&uuid, "00000000-0000-4000-8000-00000000abcd"),
            "UUID",
        ),
        (
            edited.replace("<name>vm-2</name>", "<name>vm-2b</name>"),
            "<name>",
        ),
    ] {
        let u = uuid.clone();
        let err = host
            .handle
            .call(move |c| details::define_edited_xml(c, &u, "vm-2", &bad))
            .unwrap_err();
        assert!(err.message.contains(expect), "{expect}: {}", err.message);
    }
    let u = uuid.clone();
    let now = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    assert_eq!(now.config.title.as_deref(), Some("Web front"));
    assert_eq!(
        host.store.domains.len(),
        10,
        "no machine was created by a bad edit"
    );
    let names = host
        .handle
        .call(|c| {
            Ok(c.list_all_domains(0)?
                .iter()
                .map(|d| d.name().unwrap())
                .collect::<Vec<_>>())
        })
        .unwrap();
    assert!(!names.contains(&"vm-2b".to_string()));
}

#[test]
fn a_shut_off_overlay_shows_its_backing_chain_from_the_volumes() {
    let (host, _d) = loaded("det-chain");
    let uuid = uuid_of(&host, "vm-10");
    let u = uuid.clone();
    host.handle
        .call(move |c| {
            let pool = c.lookup_storage_pool_by_name("pool-1")?;
            let dir = "/var/lib/libvirt/pool-1";
            for (name, format, backing) in [
                ("base.img", "raw", None),
                ("mid.qcow2", "qcow2", Some(("base.img", "raw"))),
                ("top.qcow2", "qcow2", Some(("mid.qcow2", "qcow2"))),
            ] {
                let backing = backing
                    .map(|(b, f)| {
                        format!("<backingStore><path>{dir}/{b}</path><format type='{f}'/></backingStore>")
                    })
                    .unwrap_or_default();
                virt::storage_vol::StorageVol::create_xml(
                    &pool,
                    &format!(
                        "<volume><name>{name}</name><capacity unit='MiB'>64</capacity>\
                         <target><format type='{format}'/></target>{backing}</volume>"
                    ),
                    0,
                )?;
            }
            let request = hangar::core::details::disk_add::DiskRequest {
                image: hangar::core::details::disk_add::DiskImage::Existing {
                    pool: "pool-1".into(),
                    volume: "top.qcow2".into(),
                },
                bus: "virtio".into(),
                target: "vdb".into(),
            };
            hangar::core::details::disk_add::add(c, &u, &request)
                .map_err(|e| hangar::core::error::UserError::invalid(format!("{e:?}")))?;
            Ok(())
        })
        .unwrap();
    let d = host.handle.call(move |c| details::fetch(c, &uuid)).unwrap();
    assert!(!d.summary.state.is_active());
    // The stored XML names no <backingStore>: the layers come from the volumes.
    assert!(!d.config_xml.contains("<backingStore"), "{}", d.config_xml);
    let disk = d
        .live
        .disks
        .iter()
        .find(|d| d.target_dev.as_deref() == Some("vdb"))
        .unwrap();
    let layers: Vec<(Option<&str>, Option<&str>)> = disk
        .backing_chain
        .iter()
        .map(|l| (l.source.path(), l.format.as_deref()))
        .collect();
    assert_eq!(
        layers,
        [
            (Some("/var/lib/libvirt/pool-1/mid.qcow2"), Some("qcow2")),
            (Some("/var/lib/libvirt/pool-1/base.img"), Some("raw")),
        ]
    );
    // A disk without a backing image shows none.
    let vda = &d.live.disks[0];
    assert_eq!(vda.target_dev.as_deref(), Some("vda"));
    assert!(vda.backing_chain.is_empty());
}

#[test]
fn well_formed_xml_the_schema_refuses_is_not_stored() {
    let (host, _d) = loaded("det-schema");
    let uuid = uuid_of(&host, "vm-10");
    let u = uuid.clone();
    let before = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    let stored = before.config_xml.clone();
    // Each parses as XML, and libvirt's parser alone would take it (it ignores unknown
    // elements); only validating against the schema refuses it.
    for bad in [
        stored.replacen(
            "<devices>",
            "<devices>\n    <flux-capacitor speed='88'/>",
            1,
        ),
        stored.replacen(
            "<name>vm-10</name>",
            "<name>vm-10</name>\n  <colour>red</colour>",
            1,
        ),
    ] {
        // The same XML defined without the flag is taken: validation is what refuses it.
        let control = bad.replace("vm-10", "vm-control").replace(&uuid, "");
        let control = control.replace("<uuid></uuid>", "");
        host.handle
            .call(move |c| {
                c.define_domain_xml(&control)?.undefine()?;
                Ok(())
            })
            .unwrap();
        let (u, b) = (uuid.clone(), bad.clone());
        let err = host
            .handle
            .call(move |c| details::define_edited_xml(c, &u, "vm-10", &b))
            .unwrap_err();
        eprintln!("refused: {}", err.message);
        assert!(
            err.message.contains("schema") || err.message.contains("Relax-NG"),
            "libvirt's words reach the person: {}",
            err.message
        );
        let u = uuid.clone();
        let now = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
        assert_eq!(now.config_xml, stored, "the stored definition is unchanged");
    }
}

#[test]
fn now_and_at_next_boot_changes_a_running_machine_and_its_definition() {
    let (host, _d) = loaded("det-live");
    let uuid = uuid_of(&host, "vm-2");
    let u = uuid.clone();
    let before = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    assert!(before.summary.state.is_active(), "vm-2 runs");
    let max_kib = before.summary.max_memory_kib;
    assert!(before.config.vcpus >= 2, "{}", before.config_xml);
    let (vcpus, kib) = (before.config.vcpus - 1, max_kib / 2);
    let u = uuid.clone();
    host.handle
        .call(move |c| {
            let dom = c.lookup_domain_by_uuid_string(&u)?;
            details::set_vcpus(&dom, vcpus, When::NowAndNextBoot)?;
            details::set_memory(&dom, kib, When::NowAndNextBoot)
        })
        .unwrap();
    let u = uuid.clone();
    let d = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    // Live: what `virsh dominfo` shows now; config: what `virsh dumpxml --inactive` says.
    assert_eq!(d.summary.vcpus, vcpus, "running vCPUs");
    assert_eq!(d.summary.memory_kib, kib, "running memory");
    let config_vcpus = d.config.vcpus_current.unwrap_or(d.config.vcpus);
    assert_eq!(config_vcpus, vcpus, "stored vCPUs: {}", d.config_xml);
    assert_eq!(d.config.current_memory_kib, Some(kib), "{}", d.config_xml);

    // Above the maximum, "now" is refused in words and nothing changes.
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| {
            let dom = c.lookup_domain_by_uuid_string(&u)?;
            details::set_memory(&dom, max_kib * 2, When::NowAndNextBoot)
        })
        .unwrap_err();
    assert!(err.message.contains("At next boot only"), "{}", err.message);
    let u = uuid.clone();
    let after = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    assert_eq!(after.summary.memory_kib, kib);
    assert_eq!(after.summary.max_memory_kib, max_kib);
}
