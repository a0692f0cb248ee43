//! Hardware edits through libvirt's real device calls (attach, detach and update with
//! LIVE/CONFIG flags) on the system libvirtd: a persistent machine while it is off,
//! and the tiny real guest while it runs (disk hot-add and unplug, a sata hot-add
//! QEMU refuses, CD-ROM media, a network card's link and the card itself, and an
//! unplug the paused guest cannot acknowledge). Needs root and HANGAR_REAL_LIBVIRT=1.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{real_libvirt, support};
use hangar::core::details::device_apply::{Detached, DeviceScope};
use hangar::core::details::disk_add::{self, AddDiskError, DiskImage, DiskRequest};
use hangar::core::details::{cdrom, disk_remove, nic};
use hangar::core::xml::{DomainXml, NicSource, VolumeFormat};
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
const BANNER: &str = "HANGAR-TINY-GUEST READY";

/// One machine at a time: the running case boots QEMU under TCG on two cores.
static SERIAL: Mutex<()> = Mutex::new(());

/// A pool, an isolated network and the tiny guest (defined, persistent), all named
/// `hw-…-TAG-PID`; everything is removed when dropped, also after a failed assert.
struct Fixture {
    conn: Connect,
    tag: String,
    dir: String,
    dom: Domain,
}

impl Fixture {
    fn new(tag: &str) -> Fixture {
        support("libvirtd.sh", &["start"]);
        support("tiny-guest.sh", &["build", GUEST_DIR]);
        hangar::core::event_loop::run_on_own_thread().unwrap();
        let tag = format!("{tag}-{}", std::process::id());
        let dir = format!("/var/lib/libvirt/images/hangar-test/hw-{tag}");
        std::fs::create_dir_all(&dir).unwrap();
        let conn = Connect::open(Some("qemu:///system")).unwrap();
        let pool = conn
            .define_storage_pool_xml(
                &format!("<pool type='dir'><name>hw-pool-{tag}</name><target><path>{dir}</path></target></pool>"),
                0,
            )
            .unwrap();
        pool.create(0).unwrap();
        // No address, so no dnsmasq: a bridge is all a card needs to plug into.
        let bridge = format!("hwbr{}", std::process::id() % 100_000);
        let bridge = if tag.starts_with("live") {
            format!("{bridge}l")
        } else {
            format!("{bridge}o")
        };
        conn.lookup_network_by_name(&format!("hw-net-{tag}"))
            .or_else(|_| {
                conn.create_network_xml(&format!("<network><name>hw-net-{tag}</name><bridge name='{bridge}' stp='off'/></network>"
                ))
            })
            .unwrap();
        let name = format!("hw-guest-{tag}");
        let xml = support(
            "tiny-guest.sh",
            &["domain-xml", &name, GUEST_DIR, "", &format!("hw-net-{tag}")],
        )
        // ACPI: the PC machine's PCI hot-plug needs it.
        .replace(
            "<on_poweroff>",
            "<features><acpi/></features>\n  <on_poweroff>",
        )
        // An empty CD-ROM drive, and on the card something Hangar does not model.
        .replace(
            "<interface type='network'>",
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>\
                 <target dev='hdc' bus='ide'/><readonly/><serial>HW-CD</serial></disk>\n    \
                 <interface type='network'>\n      <rom bar='off'/>",
        );
        let dom = conn.define_domain_xml(&xml).unwrap();
        Fixture {
            conn,
            tag,
            dir,
            dom,
        }
    }

    fn uuid(&self) -> String {
        self.dom.uuid_string().unwrap()
    }

    fn pool(&self) -> String {
        format!("hw-pool-{}", self.tag)
    }

    fn path(&self, volume: &str) -> String {
        format!("{}/{volume}", self.dir)
    }

    fn volume_exists(&self, volume: &str) -> bool {
        let pool = self.conn.lookup_storage_pool_by_name(&self.pool()).unwrap();
        pool.refresh(0).unwrap();
        pool.lookup_storage_vol_by_name(volume).is_ok()
    }

    fn make_volume(&self, name: &str, backing: Option<&str>) {
        let pool = self.conn.lookup_storage_pool_by_name(&self.pool()).unwrap();
        let backing = backing
            .map(|b| {
                format!(
                    "<backingStore><path>{}</path><format type='qcow2'/></backingStore>",
                    self.path(b)
                )
            })
            .unwrap_or_default();
        virt::storage_vol::StorageVol::create_xml(
            &pool,
            &format!(
                "<volume><name>{name}</name><capacity unit='MiB'>32</capacity><allocation>0</allocation>\
                 <target><format type='qcow2'/></target>{backing}</volume>"
            ),
            0,
        )
        .unwrap();
    }

    /// `virsh domblklist` (live XML, or `--inactive`): target → source, by target.
    fn blklist(&self, inactive: bool) -> Vec<(String, String)> {
        let xml = DomainXml::parse(&self.xml(inactive)).unwrap();
        let mut list: Vec<(String, String)> = xml
            .disks
            .iter()
            .map(|d| {
                (
                    d.target_dev.clone().unwrap_or_default(),
                    d.source.path().unwrap_or("-").to_string(),
                )
            })
            .collect();
        list.sort();
        list
    }

    fn xml(&self, inactive: bool) -> String {
        let flags = if inactive {
            sys::VIR_DOMAIN_XML_INACTIVE
        } else {
            0
        };
        self.dom.xml_desc(flags).unwrap()
    }

    fn new_disk(&self, name: &str, bus: &str, target: &str) -> DiskRequest {
        DiskRequest {
            image: DiskImage::New {
                pool: self.pool(),
                name: name.into(),
                size: "64 MiB".into(),
                format: VolumeFormat::Qcow2,
            },
            bus: bus.into(),
            target: target.into(),
        }
    }

    fn existing(&self, volume: &str, target: &str) -> DiskRequest {
        DiskRequest {
            image: DiskImage::Existing {
                pool: self.pool(),
                volume: volume.into(),
            },
            bus: "virtio".into(),
            target: target.into(),
        }
    }

    fn boot(&self) {
        self.dom.create().unwrap();
        let log = format!("/var/log/libvirt/qemu/hw-guest-{}-serial.log", self.tag);
        let deadline = Instant::now() + Duration::from_secs(120);
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(BANNER)
        {
            assert!(Instant::now() < deadline, "the guest did not boot");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.dom.destroy();
        let _ = self.dom.undefine();
        if let Ok(other) = self
            .conn
            .lookup_domain_by_name(&format!("hw-other-{}", self.tag))
        {
            let _ = other.undefine();
        }
        if let Ok(net) = self
            .conn
            .lookup_network_by_name(&format!("hw-net-{}", self.tag))
        {
            let _ = net.destroy();
        }
        if let Ok(pool) = self.conn.lookup_storage_pool_by_name(&self.pool()) {
            let _ = pool.refresh(0);
            for v in pool.list_all_volumes(0).unwrap_or_default() {
                let _ = v.delete(0);
            }
            let _ = pool.destroy();
            let _ = pool.undefine();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(format!(
            "/var/log/libvirt/qemu/hw-guest-{}-serial.log",
            self.tag
        ));
    }
}

/// Lines of `after` not in `before`, and of `before` not in `after`.
fn line_diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let added = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .map(|l| l.trim().to_string())
        .collect();
    let lost = before
        .lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .map(|l| l.trim().to_string())
        .collect();
    (added, lost)
}

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
