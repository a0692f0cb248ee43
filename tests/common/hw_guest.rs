//! A pool, an isolated network and the tiny real guest on the system libvirtd, all
//! named `hw-…`, for the hardware-editing tests (core and UI); removed when dropped.

use std::time::{Duration, Instant};

use hangar::core::details::disk_add::{DiskImage, DiskRequest};
use hangar::core::xml::{DomainXml, VolumeFormat};
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::support;

pub const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
pub const BANNER: &str = "HANGAR-TINY-GUEST READY";

/// A pool, an isolated network and the tiny guest (defined, persistent), all named
/// `hw-…-TAG-PID`; everything is removed when dropped, also after a failed assert.
pub struct Fixture {
    pub conn: Connect,
    pub tag: String,
    pub dir: String,
    pub dom: Domain,
}

impl Fixture {
    pub fn new(tag: &str) -> Fixture {
        support("libvirtd.sh", &["start"]);
        support("tiny-guest.sh", &["build", GUEST_DIR]);
        // Registered only: a core test runs the loop on a thread, the UI in GTK's.
        hangar::core::event_loop::register().unwrap();
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

    pub fn uuid(&self) -> String {
        self.dom.uuid_string().unwrap()
    }

    pub fn pool(&self) -> String {
        format!("hw-pool-{}", self.tag)
    }

    pub fn path(&self, volume: &str) -> String {
        format!("{}/{volume}", self.dir)
    }

    pub fn volume_exists(&self, volume: &str) -> bool {
        let pool = self.conn.lookup_storage_pool_by_name(&self.pool()).unwrap();
        pool.refresh(0).unwrap();
        pool.lookup_storage_vol_by_name(volume).is_ok()
    }

    pub fn make_volume(&self, name: &str, backing: Option<&str>) {
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
    pub fn blklist(&self, inactive: bool) -> Vec<(String, String)> {
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

    pub fn xml(&self, inactive: bool) -> String {
        let flags = if inactive {
            sys::VIR_DOMAIN_XML_INACTIVE
        } else {
            0
        };
        self.dom.xml_desc(flags).unwrap()
    }

    pub fn new_disk(&self, name: &str, bus: &str, target: &str) -> DiskRequest {
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

    pub fn existing(&self, volume: &str, target: &str) -> DiskRequest {
        DiskRequest {
            image: DiskImage::Existing {
                pool: self.pool(),
                volume: volume.into(),
            },
            bus: "virtio".into(),
            target: target.into(),
        }
    }

    pub fn boot(&self) {
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
pub fn line_diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
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
