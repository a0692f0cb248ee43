//! Hardware edits from the details view on libvirt's test driver, which has no device
//! calls (virDomainAttachDeviceFlags and friends answer "not supported" in libvirt
//! 9.0): a shut-off machine is changed through its stored definition, a running one is
//! refused in words, and a failed add leaves no new volume behind. The same core runs
//! through the real device calls in tests/hardware_real.rs.

mod common;

use common::node_uri;
use hangar::core::details::device_apply::{Detached, DeviceScope};
use hangar::core::details::disk_add::{self, AddDiskError, DiskField, DiskImage, DiskRequest};
use hangar::core::details::{cdrom, disk_remove, nic};
use hangar::core::node_file::NodeSpec;
use hangar::core::xml::{DomainXml, NicSource, VolumeFormat};
use virt::connect::Connect;

const OFF: &str = "vm-10";
const OFF_UUID: &str = "00000001-0000-4000-8000-00000000000a";

fn host(tag: &str) -> (Connect, std::path::PathBuf) {
    let (uri, dir) = node_uri(&NodeSpec::with_domains(10), tag);
    (Connect::open(Some(&uri)).unwrap(), dir)
}

/// `virsh domblklist --inactive`: target → source.
fn blklist(conn: &Connect, name: &str) -> Vec<(String, String)> {
    let dom = conn.lookup_domain_by_name(name).unwrap();
    let xml = DomainXml::parse(&dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE).unwrap()).unwrap();
    xml.disks
        .iter()
        .map(|d| {
            (
                d.target_dev.clone().unwrap_or_default(),
                d.source.path().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn volumes(conn: &Connect, pool: &str) -> Vec<String> {
    let mut v: Vec<String> = conn
        .lookup_storage_pool_by_name(pool)
        .unwrap()
        .list_all_volumes(0)
        .unwrap()
        .iter()
        .map(|v| v.name().unwrap())
        .collect();
    v.sort();
    v
}

fn new_disk(name: &str, size: &str, bus: &str, target: &str) -> DiskRequest {
    DiskRequest {
        image: DiskImage::New {
            pool: "pool-1".into(),
            name: name.into(),
            size: size.into(),
            format: VolumeFormat::Qcow2,
        },
        bus: bus.into(),
        target: target.into(),
    }
}

fn field_errors(r: Result<disk_add::AddedDisk, AddDiskError>) -> Vec<(DiskField, String)> {
    match r {
        Err(AddDiskError::Fields(f)) => f,
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn a_shut_off_machine_gets_disks_and_bad_input_changes_nothing() {
    let (conn, _d) = host("hw-disks");
    let choices = disk_add::choices(&conn, OFF_UUID).unwrap();
    assert_eq!(
        choices.scope,
        DeviceScope {
            live: false,
            config: true
        }
    );
    assert_eq!(choices.taken_targets, ["vda"]);
    assert_eq!(choices.next_target("virtio"), "vdb");
    assert_eq!(choices.next_target("sata"), "sda");
    assert_eq!(
        choices
            .pools
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["pool-1", "pool-2"]
    );
    let before_vols = volumes(&conn, "pool-1");
    let before_disks = blklist(&conn, OFF);

    // Each mistake is named at its field, and nothing is made.
    let e = field_errors(disk_add::add(
        &conn,
        OFF_UUID,
        &new_disk("disk-1.qcow2", "ten", "virtio", "vda"),
    ));
    let fields: Vec<DiskField> = e.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [DiskField::Target, DiskField::Name, DiskField::Size],
        "{e:?}"
    );
    assert!(e[0].1.contains("vda is already in use"), "{}", e[0].1);
    assert!(e[1]
        .1
        .contains("already has a volume called “disk-1.qcow2”"));
    assert!(e[2].1.contains("is not a size"));
    // The test driver's pools hold 100 GiB, less what their volumes take (3 GiB here).
    let e = field_errors(disk_add::add(
        &conn,
        OFF_UUID,
        &new_disk("big.qcow2", "98G", "virtio", "vdb"),
    ));
    assert_eq!(
        e,
        [(
            DiskField::Size,
            "Only 97 GiB is free in the pool".to_string()
        )]
    );
    let e = field_errors(disk_add::add(
        &conn,
        OFF_UUID,
        &new_disk("big.qcow2", "150G", "virtio", "vdb"),
    ));
    assert!(e[0].1.contains("larger than the whole pool"), "{e:?}");
    let e = field_errors(disk_add::add(
        &conn,
        OFF_UUID,
        &new_disk("x.qcow2", "1G", "sata", "vdb"),
    ));
    assert!(e[0].1.contains("called sd"), "{e:?}");
    assert_eq!(volumes(&conn, "pool-1"), before_vols, "no volume was made");
    assert_eq!(blklist(&conn, OFF), before_disks, "no disk was added");

    // A new volume on SATA, and an existing one on virtio.
    let added = disk_add::add(
        &conn,
        OFF_UUID,
        &new_disk("data.qcow2", "2 GiB", "sata", "sda"),
    )
    .unwrap();
    assert!(added.created && !added.scope.live && added.scope.config);
    let existing = DiskRequest {
        image: DiskImage::Existing {
            pool: "pool-1".into(),
            volume: "disk-2.qcow2".into(),
        },
        bus: "virtio".into(),
        target: "vdb".into(),
    };
    disk_add::add(&conn, OFF_UUID, &existing).unwrap();
    // libvirt orders disks by bus.
    assert_eq!(
        blklist(&conn, OFF),
        [
            (
                "vda".to_string(),
                "/var/lib/libvirt/images/vm-10.qcow2".to_string()
            ),
            ("vdb".into(), "/var/lib/libvirt/pool-1/disk-2.qcow2".into()),
            ("sda".into(), "/var/lib/libvirt/pool-1/data.qcow2".into()),
        ]
    );
    let dom = conn.lookup_domain_by_name(OFF).unwrap();
    let stored = dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE).unwrap();
    assert!(
        stored.contains("<target dev='sda' bus='sata'/>"),
        "{stored}"
    );
    let size = conn
        .lookup_storage_vol_by_path("/var/lib/libvirt/pool-1/data.qcow2")
        .unwrap()
        .info()
        .unwrap()
        .capacity;
    assert_eq!(size, 2 << 30);

    // The volume is now vm-10's: another machine may not take it as well.
    let e = field_errors(disk_add::add(
        &conn,
        "00000001-0000-4000-8000-000000000006",
        &DiskRequest {
            target: "vdb".into(),
            ..existing.clone()
        },
    ));
    assert_eq!(e[0].0, DiskField::Volume);
    assert!(e[0].1.starts_with("Used by vm-10"), "{}", e[0].1);
}

#[test]
fn removing_a_disk_keeps_or_deletes_its_volume_and_refuses_what_others_need() {
    let (conn, _d) = host("hw-remove");
    let pool = conn.lookup_storage_pool_by_name("pool-1").unwrap();
    let path = |n: &str| format!("/var/lib/libvirt/pool-1/{n}");
    for (vol, target) in [
        ("disk-1.qcow2", "vdb"),
        ("disk-2.qcow2", "vdc"),
        ("disk-3.qcow2", "vdd"),
    ] {
        disk_add::add(
            &conn,
            OFF_UUID,
            &DiskRequest {
                image: DiskImage::Existing {
                    pool: "pool-1".into(),
                    volume: vol.into(),
                },
                bus: "virtio".into(),
                target: target.into(),
            },
        )
        .unwrap();
    }
    // disk-3 becomes the base of an overlay after it was added.
    virt::storage_vol::StorageVol::create_xml(
        &pool,
        &format!(
            "<volume><name>child.qcow2</name><capacity unit='GiB'>10</capacity>\
             <target><format type='qcow2'/></target><backingStore><path>{}</path>\
             <format type='qcow2'/></backingStore></volume>",
            path("disk-3.qcow2")
        ),
        0,
    )
    .unwrap();
    // Another machine shares disk-2 (defined by hand, as someone might).
    conn.define_domain_xml(&format!(
        "<domain type='test'><name>other</name><memory>65536</memory><os><type>hvm</type></os>\
         <devices><disk type='file' device='disk'><source file='{}'/><target dev='vda'/></disk>\
         </devices></domain>",
        path("disk-2.qcow2")
    ))
    .unwrap();

    let plan = disk_remove::plan(&conn, OFF_UUID, "vdc").unwrap();
    assert_eq!(
        plan.verdict.as_ref().unwrap().keep_reason.as_deref(),
        Some("also used by other")
    );
    let plan = disk_remove::plan(&conn, OFF_UUID, "vdd").unwrap();
    assert_eq!(
        plan.verdict.as_ref().unwrap().keep_reason.as_deref(),
        Some("the base of pool-1/child.qcow2")
    );
    let plan = disk_remove::plan(&conn, OFF_UUID, "vda").unwrap();
    assert!(plan
        .verdict
        .unwrap()
        .keep_reason
        .unwrap()
        .contains("not in a storage pool"));
    let plan = disk_remove::plan(&conn, OFF_UUID, "vdb").unwrap();
    assert!(plan.verdict.as_ref().unwrap().deletable(), "{plan:?}");

    // Asking to delete what others need is refused before anything changes.
    for target in ["vdc", "vdd"] {
        let e = disk_remove::remove(&conn, OFF_UUID, target, true).unwrap_err();
        assert!(e.message.contains("Nothing was changed"), "{}", e.message);
    }
    assert_eq!(blklist(&conn, OFF).len(), 4);

    // Removed and deleted; removed and kept.
    let r = disk_remove::remove(&conn, OFF_UUID, "vdb", true).unwrap();
    assert_eq!(r.detached, Detached::Done);
    assert_eq!(r.deleted_volume.as_deref(), Some("pool-1/disk-1.qcow2"));
    let r = disk_remove::remove(&conn, OFF_UUID, "vdc", false).unwrap();
    assert_eq!((r.detached, r.deleted_volume), (Detached::Done, None));
    let targets: Vec<String> = blklist(&conn, OFF).into_iter().map(|(t, _)| t).collect();
    assert_eq!(targets, ["vda", "vdd"]);
    let vols = volumes(&conn, "pool-1");
    assert!(
        !vols.contains(&"disk-1.qcow2".to_string()),
        "deleted: {vols:?}"
    );
    assert!(vols.contains(&"disk-2.qcow2".to_string()), "kept: {vols:?}");
    assert!(
        disk_remove::remove(&conn, OFF_UUID, "vdb", false).is_err(),
        "gone already"
    );
}

#[test]
fn a_running_machine_on_this_driver_is_refused_and_the_new_volume_removed() {
    let (conn, _d) = host("hw-live");
    let running = "00000001-0000-4000-8000-000000000001";
    let before = volumes(&conn, "pool-1");
    let e = disk_add::add(
        &conn,
        running,
        &new_disk("new.qcow2", "1G", "virtio", "vdb"),
    )
    .unwrap_err();
    let AddDiskError::Libvirt(e) = e else {
        panic!("{e:?}")
    };
    assert!(
        e.message
            .contains("cannot change the devices of a running machine")
            && e.message.contains("deleted again"),
        "{}",
        e.message
    );
    assert_eq!(
        volumes(&conn, "pool-1"),
        before,
        "the new volume is gone again"
    );
    let e = cdrom::add_drive(&conn, running).unwrap_err();
    assert!(e.message.contains("shut it down first"), "{}", e.message);
    let e = nic::set_link(&conn, running, "52:54:00:00:00:01", false).unwrap_err();
    assert!(e.message.contains("running machine"), "{}", e.message);
}

#[test]
fn cdrom_drives_nics_and_links_change_in_the_stored_definition() {
    let (conn, _d) = host("hw-cd-nic");
    let dom = conn.lookup_domain_by_uuid_string(OFF_UUID).unwrap();
    // Something Hangar does not model, in the metadata: it must survive every edit.
    dom.set_metadata(
        virt::sys::VIR_DOMAIN_METADATA_ELEMENT as i32,
        Some("<keep me='1'/>"),
        Some("hw"),
        Some("urn:hangar-test:hw"),
        virt::sys::VIR_DOMAIN_AFFECT_CONFIG,
    )
    .unwrap();

    let target = cdrom::add_drive(&conn, OFF_UUID).unwrap();
    assert_eq!(target, "hda", "an i686 machine without a type gets IDE");
    assert_eq!(blklist(&conn, OFF)[1], ("hda".into(), "-".into()));
    cdrom::change_media(
        &conn,
        OFF_UUID,
        "hda",
        &cdrom::Media::Volume {
            pool: "pool-2".into(),
            volume: "disk-1.qcow2".into(),
        },
    )
    .unwrap();
    assert_eq!(
        blklist(&conn, OFF)[1].1,
        "/var/lib/libvirt/pool-2/disk-1.qcow2"
    );
    let e = cdrom::change_media(
        &conn,
        OFF_UUID,
        "hda",
        &cdrom::Media::Path("boot.iso".into()),
    )
    .unwrap_err();
    assert!(e.message.contains("full path"), "{}", e.message);
    cdrom::change_media(&conn, OFF_UUID, "hda", &cdrom::Media::Eject).unwrap();
    assert_eq!(blklist(&conn, OFF)[1].1, "-");
    let e = cdrom::change_media(&conn, OFF_UUID, "vda", &cdrom::Media::Eject).unwrap_err();
    assert!(e.message.contains("only CD-ROM drives"), "{}", e.message);

    // A card on net-2 with a typed address; wrong or taken addresses are refused.
    let request = |mac: &str| nic::NicRequest {
        source: NicSource::Network("net-2".into()),
        model: "e1000e".into(),
        mac: mac.into(),
    };
    for (mac, why) in [
        ("01:00:5e:00:00:01", "multicast"),
        ("52:54:00:00:00:01", "already used by vm-1"),
        ("52:54:00:zz:00:01", "six pairs"),
    ] {
        match nic::add(&conn, OFF_UUID, &request(mac)) {
            Err(nic::AddNicError::Fields(f)) => {
                assert!(f[0].1.contains(why), "{mac}: {f:?}")
            }
            other => panic!("{mac}: {other:?}"),
        }
    }
    let (mac, _) = nic::add(&conn, OFF_UUID, &request("52:54:00:AB:CD:EF")).unwrap();
    assert_eq!(mac, "52:54:00:ab:cd:ef");
    let (auto, _) = nic::add(
        &conn,
        OFF_UUID,
        &nic::NicRequest {
            source: NicSource::Bridge("br0".into()),
            model: "virtio".into(),
            mac: String::new(),
        },
    )
    .unwrap();
    assert!(auto.starts_with("52:54:00:") && auto != mac);
    let before = dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE).unwrap();
    nic::set_link(&conn, OFF_UUID, &mac, false).unwrap();
    let after = dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE).unwrap();
    let stored = DomainXml::parse(&after).unwrap();
    let card = stored
        .interfaces
        .iter()
        .find(|i| i.mac.as_deref() == Some(mac.as_str()))
        .unwrap();
    assert_eq!(card.link_state.as_deref(), Some("down"));
    assert_eq!(card.source_network.as_deref(), Some("net-2"));
    assert_eq!(card.model.as_deref(), Some("e1000e"));
    // Only the link changed: every other line is as it was.
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    let lost: Vec<&str> = before
        .lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .collect();
    assert_eq!((added, lost), (vec!["      <link state='down'/>"], vec![]));
    assert!(
        after.contains("<hw:keep xmlns:hw=\"urn:hangar-test:hw\" me=\"1\"/>"),
        "{after}"
    );

    assert_eq!(nic::remove(&conn, OFF_UUID, &auto).unwrap(), Detached::Done);
    let macs: Vec<String> = DomainXml::parse(&dom.xml_desc(0).unwrap())
        .unwrap()
        .interfaces
        .iter()
        .filter_map(|i| i.mac.clone())
        .collect();
    assert_eq!(macs, ["52:54:00:00:00:0a", "52:54:00:ab:cd:ef"]);
    assert!(nic::remove(&conn, OFF_UUID, &auto)
        .unwrap_err()
        .message
        .contains("no network interface"));
}
