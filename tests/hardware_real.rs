//! Hardware edits through libvirt's real device calls (attach, detach and update with
//! LIVE/CONFIG flags) on the system libvirtd: a persistent machine while it is off,
//! and the tiny real guest while it runs (disk hot-add and unplug, a sata hot-add
//! QEMU refuses, CD-ROM media, a network card's link and the card itself, and an
//! unplug the paused guest cannot acknowledge). Needs root and HANGAR_REAL_LIBVIRT=1.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::hw_guest::{line_diff, Fixture};
use common::real_libvirt;
use hangar::core::details::device_apply::{Detached, DeviceScope};
use hangar::core::details::disk_add::{self, AddDiskError};
use hangar::core::details::{cdrom, disk_remove, nic};
use hangar::core::xml::{DomainXml, NicSource};

/// One machine at a time: the running case boots QEMU under TCG on two cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn the_mac(f: &Fixture) -> String {
    DomainXml::parse(&f.xml(true)).unwrap().interfaces[0]
        .mac
        .clone()
        .unwrap()
}

#[test]
fn a_shut_off_machine_changes_through_the_config_flag() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let f = Fixture::new("off");
    let uuid = f.uuid();
    let conn = &f.conn;

    let added = disk_add::add(conn, &uuid, &f.new_disk("data.qcow2", "virtio", "vdb")).unwrap();
    assert_eq!(
        added.scope,
        DeviceScope {
            live: false,
            config: true
        }
    );
    assert_eq!(
        f.blklist(true),
        [
            ("hdc".to_string(), "-".to_string()),
            ("vdb".into(), f.path("data.qcow2"))
        ]
    );

    // Another machine uses a volume: it cannot be added here, nor deleted from there.
    f.make_volume("shared.qcow2", None);
    conn.define_domain_xml(&format!(
        "<domain type='qemu'><name>hw-other-{}</name><memory unit='MiB'>32</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='disk'>\
         <driver name='qemu' type='qcow2'/><source file='{}'/><target dev='vda' bus='virtio'/></disk>\
         </devices></domain>",
        f.tag,
        f.path("shared.qcow2")
    ))
    .unwrap();
    match disk_add::add(conn, &uuid, &f.existing("shared.qcow2", "vdc")) {
        Err(AddDiskError::Fields(e)) => assert!(e[0].1.starts_with("Used by hw-other-"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    // A base volume: added before its overlay existed, then refused for deletion.
    f.make_volume("base.qcow2", None);
    disk_add::add(conn, &uuid, &f.existing("base.qcow2", "vdc")).unwrap();
    f.make_volume("overlay.qcow2", Some("base.qcow2"));
    let e = disk_remove::remove(conn, &uuid, "vdc", true).unwrap_err();
    assert!(
        e.message.contains("the base of") && e.message.contains("Nothing was changed"),
        "{}",
        e.message
    );
    assert!(
        f.blklist(true).iter().any(|(t, _)| t == "vdc"),
        "vdc is still there"
    );
    let kept = disk_remove::remove(conn, &uuid, "vdc", false).unwrap();
    assert_eq!((kept.detached, kept.deleted_volume), (Detached::Done, None));
    assert!(f.volume_exists("base.qcow2"), "kept as chosen");
    let gone = disk_remove::remove(conn, &uuid, "vdb", true).unwrap();
    assert_eq!(
        gone.deleted_volume,
        Some(format!("{}/data.qcow2", f.pool()))
    );
    assert!(!f.volume_exists("data.qcow2"), "deleted as chosen");
    assert_eq!(f.blklist(true), [("hdc".to_string(), "-".to_string())]);

    // CD-ROM media, in the stored definition only: nothing else of the drive changes.
    f.make_volume("boot.iso", None);
    let before = f.xml(true);
    cdrom::change_media(
        conn,
        &uuid,
        "hdc",
        &cdrom::Media::Volume {
            pool: f.pool(),
            volume: "boot.iso".into(),
        },
    )
    .unwrap();
    assert_eq!(f.blklist(true), [("hdc".to_string(), f.path("boot.iso"))]);
    let (added, lost) = line_diff(&before, &f.xml(true));
    assert_eq!(
        (added, lost),
        (
            vec![format!("<source file='{}'/>", f.path("boot.iso"))],
            vec![]
        )
    );
    cdrom::change_media(conn, &uuid, "hdc", &cdrom::Media::Eject).unwrap();
    assert_eq!(
        f.xml(true),
        before,
        "ejecting gives back the same definition"
    );
    // A second drive on the PC machine's IDE bus.
    assert_eq!(cdrom::add_drive(conn, &uuid).unwrap(), "hda");

    // The card's link, then a second card on a bridge, removed again.
    let mac = the_mac(&f);
    let before = f.xml(true);
    assert_eq!(
        nic::set_link(conn, &uuid, &mac, false).unwrap(),
        DeviceScope {
            live: false,
            config: true
        }
    );
    let (added, lost) = line_diff(&before, &f.xml(true));
    assert_eq!(
        (added, lost),
        (vec!["<link state='down'/>".to_string()], vec![])
    );
    assert!(
        f.xml(true).contains("<rom bar='off'/>"),
        "the ROM setting Hangar does not model stays"
    );
    let (second, _) = nic::add(
        conn,
        &uuid,
        &nic::NicRequest {
            source: NicSource::Bridge("hwbr-none".into()),
            model: "rtl8139".into(),
            mac: String::new(),
        },
    )
    .unwrap();
    assert!(f.xml(true).contains(&format!("<mac address='{second}'/>")));
    assert_eq!(nic::remove(conn, &uuid, &second).unwrap(), Detached::Done);
    assert!(!f.xml(true).contains(&second));
}

#[test]
fn a_running_guest_changes_live_and_says_when_it_has_not_let_go() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let f = Fixture::new("live");
    let uuid = f.uuid();
    let conn = &f.conn;
    f.boot();
    let both = DeviceScope {
        live: true,
        config: true,
    };

    // Hot-add on virtio: the running guest and the stored definition both have it.
    let added = disk_add::add(conn, &uuid, &f.new_disk("hot.qcow2", "virtio", "vdb")).unwrap();
    assert_eq!(added.scope, both);
    for inactive in [false, true] {
        assert!(
            f.blklist(inactive)
                .contains(&("vdb".to_string(), f.path("hot.qcow2"))),
            "inactive={inactive}"
        );
    }
    // QEMU cannot hot-plug SATA: refused, and the volume made for it is gone again.
    let e = disk_add::add(conn, &uuid, &f.new_disk("sata.qcow2", "sata", "sda")).unwrap_err();
    let AddDiskError::Libvirt(e) = e else {
        panic!("{e:?}")
    };
    assert!(e.message.contains("deleted again"), "{}", e.message);
    assert!(!f.volume_exists("sata.qcow2"), "nothing half-made");
    assert!(!f.blklist(true).iter().any(|(t, _)| t == "sda"));

    // The guest lets go of vdb (ACPI hot-unplug): removed and deleted.
    let r = disk_remove::remove(conn, &uuid, "vdb", true).unwrap();
    assert_eq!(r.detached, Detached::Done);
    assert!(!f.volume_exists("hot.qcow2"));
    assert!(!f.blklist(false).iter().any(|(t, _)| t == "vdb"));

    // A paused guest cannot answer the unplug: said so, and the volume is kept.
    f.make_volume("held.qcow2", None);
    disk_add::add(conn, &uuid, &f.existing("held.qcow2", "vdc")).unwrap();
    f.dom.suspend().unwrap();
    let r = disk_remove::remove(conn, &uuid, "vdc", true).unwrap();
    assert_eq!(r.detached, Detached::Pending);
    assert_eq!(r.deleted_volume, None);
    assert!(f.volume_exists("held.qcow2"), "not deleted under the guest");
    assert!(
        f.blklist(false).iter().any(|(t, _)| t == "vdc"),
        "still in the live XML"
    );
    assert!(
        !f.blklist(true).iter().any(|(t, _)| t == "vdc"),
        "gone from the stored definition"
    );
    f.dom.resume().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while f.blklist(false).iter().any(|(t, _)| t == "vdc") {
        assert!(
            Instant::now() < deadline,
            "released once the guest runs again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // CD-ROM media, live and stored.
    f.make_volume("disc.iso", None);
    let scope =
        cdrom::change_media(conn, &uuid, "hdc", &cdrom::Media::Path(f.path("disc.iso"))).unwrap();
    assert_eq!(scope, both);
    for inactive in [false, true] {
        assert!(
            f.blklist(inactive)
                .contains(&("hdc".to_string(), f.path("disc.iso"))),
            "inactive={inactive}"
        );
    }
    cdrom::change_media(conn, &uuid, "hdc", &cdrom::Media::Eject).unwrap();
    assert!(f
        .blklist(false)
        .contains(&("hdc".to_string(), "-".to_string())));
    let e = cdrom::add_drive(conn, &uuid).unwrap_err();
    assert!(e.message.contains("shut it down first"), "{}", e.message);

    // Link down in the running guest (domif-getlink would say "down"), and stored.
    let mac = the_mac(&f);
    let stored_before = f.xml(true);
    assert_eq!(nic::set_link(conn, &uuid, &mac, false).unwrap(), both);
    let live = DomainXml::parse(&f.xml(false)).unwrap();
    assert_eq!(live.interfaces[0].link_state.as_deref(), Some("down"));
    let (added, lost) = line_diff(&stored_before, &f.xml(true));
    assert_eq!(
        (added, lost),
        (vec!["<link state='down'/>".to_string()], vec![]),
        "no run-time detail leaks into the definition"
    );
    nic::set_link(conn, &uuid, &mac, true).unwrap();
    let live = DomainXml::parse(&f.xml(false)).unwrap();
    assert_eq!(live.interfaces[0].link_state.as_deref(), Some("up"));
    assert!(f.xml(false).contains("<rom bar='off'/>"));

    // A second card, hot-plugged and unplugged.
    let (second, scope) = nic::add(
        conn,
        &uuid,
        &nic::NicRequest {
            source: NicSource::Network(format!("hw-net-{}", f.tag)),
            model: "virtio".into(),
            mac: "52:54:00:4b:77:01".into(),
        },
    )
    .unwrap();
    assert_eq!((second.as_str(), scope), ("52:54:00:4b:77:01", both));
    assert!(f.xml(false).contains("<mac address='52:54:00:4b:77:01'/>"));
    assert_eq!(nic::remove(conn, &uuid, &second).unwrap(), Detached::Done);
    assert!(
        !f.xml(false).contains("52:54:00:4b:77:01") && !f.xml(true).contains("52:54:00:4b:77:01")
    );
}

#[test]
fn a_shut_off_overlay_shows_each_layer_as_qemu_img_does() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let f = Fixture::new("hd-chain");
    let uuid = f.uuid();
    let conn = &f.conn;
    // raw base ← qcow2 middle ← qcow2 top, the top on the machine's vdb.
    let pool = conn.lookup_storage_pool_by_name(&f.pool()).unwrap();
    virt::storage_vol::StorageVol::create_xml(
        &pool,
        "<volume><name>base.img</name><capacity unit='MiB'>32</capacity>\
         <target><format type='raw'/></target></volume>",
        0,
    )
    .unwrap();
    let with_backing = |name: &str, backing: &str, format: &str| {
        virt::storage_vol::StorageVol::create_xml(
            &pool,
            &format!(
                "<volume><name>{name}</name><capacity unit='MiB'>32</capacity>\
                 <target><format type='qcow2'/></target><backingStore><path>{}</path>\
                 <format type='{format}'/></backingStore></volume>",
                f.path(backing)
            ),
            0,
        )
        .unwrap();
    };
    with_backing("mid.qcow2", "base.img", "raw");
    with_backing("top.qcow2", "mid.qcow2", "qcow2");
    disk_add::add(conn, &uuid, &f.existing("top.qcow2", "vdb")).unwrap();
    assert!(!f.dom.is_active().unwrap());
    assert!(
        !f.xml(false).contains("<backingStore"),
        "libvirt names no layers for a shut-off machine"
    );

    let d = hangar::core::details::fetch(conn, &uuid).unwrap();
    let vdb = d
        .live
        .disks
        .iter()
        .find(|d| d.target_dev.as_deref() == Some("vdb"))
        .unwrap();
    let shown: Vec<(String, String)> = vdb
        .backing_chain
        .iter()
        .map(|l| {
            (
                l.source.path().unwrap_or("?").to_string(),
                l.format.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (f.path("mid.qcow2"), "qcow2".to_string()),
            (f.path("base.img"), "raw".to_string())
        ]
    );
    // The same layers `qemu-img info --backing-chain` lists below the top image.
    let out = std::process::Command::new("qemu-img")
        .args(["info", "--backing-chain", "-U", &f.path("top.qcow2")])
        .output()
        .unwrap();
    let qemu_img: Vec<(String, String)> =
        hangar::core::storage::chain::parse_qemu_img_info(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .skip(1)
            .map(|l| (l.path, l.format.unwrap_or_default()))
            .collect();
    assert_eq!(shown, qemu_img);
}
