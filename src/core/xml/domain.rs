//! What a window shows about a domain (virtual machine), read from its XML.
//!
//! This is a snapshot for display; to change a domain, edit its
//! [`Document`] with the helpers in `domain_edit` so nothing else is lost.

use super::devices::{CharDevice, Disk, Graphics, Interface};
use super::document::Document;
use super::error::XmlError;
use super::metadata;
use super::tree::Element;
use super::units::parse_kib;
use gettextrs::gettext;

/// `<os>`: how the guest boots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsInfo {
    /// hvm, linux (Xen PV), exe (containers).
    pub os_type: Option<String>,
    pub arch: Option<String>,
    /// Machine type, e.g. `pc-q35-8.2` or `q35`.
    pub machine: Option<String>,
    /// `firmware='efi'` automatic firmware selection.
    pub firmware: Option<String>,
    /// `<boot dev>` entries in order: hd, cdrom, network, fd.
    pub boot: Vec<String>,
    pub loader: Option<String>,
    /// Per-domain UEFI variable store.
    pub nvram: Option<String>,
    pub kernel: Option<String>,
    pub initrd: Option<String>,
    pub cmdline: Option<String>,
}

/// A domain as read from `virDomainGetXMLDesc` or a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainXml {
    pub name: String,
    pub uuid: Option<String>,
    /// Hypervisor: kvm, qemu, test, xen, lxc, …
    pub domain_type: String,
    /// Present for running domains in live XML.
    pub id: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Maximum memory in KiB.
    pub memory_kib: Option<u64>,
    /// Memory at boot in KiB (balloon target).
    pub current_memory_kib: Option<u64>,
    /// Maximum vCPUs (`<vcpu>`); libvirt's default is 1.
    pub vcpus: u32,
    /// Online vCPUs at boot (`<vcpu current>`), when fewer than the maximum.
    pub vcpus_current: Option<u32>,
    pub os: OsInfo,
    pub emulator: Option<String>,
    pub disks: Vec<Disk>,
    pub interfaces: Vec<Interface>,
    pub serials: Vec<CharDevice>,
    pub consoles: Vec<CharDevice>,
    pub channels: Vec<CharDevice>,
    pub graphics: Vec<Graphics>,
    /// Marked as a Hangar template in `<metadata>`.
    pub is_template: bool,
}

impl DomainXml {
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        Self::from_document(&Document::parse(xml)?)
    }

    pub fn from_document(doc: &Document) -> Result<Self, XmlError> {
        Self::from_element(doc.expect_root("domain")?)
    }

    pub fn from_element(root: &Element) -> Result<Self, XmlError> {
        let name = root
            .child_text("name")
            .ok_or_else(|| XmlError::Missing(gettext("The machine's XML has no <name>")))?;
        let kib = |tag: &str| -> Result<Option<u64>, XmlError> {
            root.child(tag)
                .map(|m| parse_kib(&m.text(), m.attr("unit")))
                .transpose()
        };
        let vcpu = root.child("vcpu");
        let vcpus = match vcpu {
            Some(v) => parse_count(&v.text(), || {
                gettext("The vCPU count “{value}” is not a whole number")
            })?,
            None => 1,
        };
        let vcpus_current = vcpu
            .and_then(|v| v.attr("current"))
            .map(|c| {
                parse_count(c, || {
                    gettext("The current vCPU count “{value}” is not a whole number")
                })
            })
            .transpose()?;
        let devices = root.child("devices");
        let all = |tag: &str| -> Vec<&Element> {
            devices.map_or_else(Vec::new, |d| d.children_named(tag).collect())
        };
        let description = root
            .child("description")
            .map(Element::text)
            .filter(|d| !d.trim().is_empty());
        Ok(DomainXml {
            uuid: root.child_text("uuid"),
            domain_type: root.attr("type").unwrap_or_default().to_string(),
            id: root.attr("id").and_then(|i| i.parse().ok()),
            title: root.child_text("title"),
            description,
            memory_kib: kib("memory")?,
            current_memory_kib: kib("currentMemory")?,
            vcpus,
            vcpus_current,
            os: root.child("os").map(read_os).unwrap_or_default(),
            emulator: devices.and_then(|d| d.child_text("emulator")),
            disks: all("disk").into_iter().map(Disk::read).collect(),
            interfaces: all("interface").into_iter().map(Interface::read).collect(),
            serials: all("serial").into_iter().map(CharDevice::read).collect(),
            consoles: all("console").into_iter().map(CharDevice::read).collect(),
            channels: all("channel").into_iter().map(CharDevice::read).collect(),
            graphics: all("graphics").into_iter().map(Graphics::read).collect(),
            is_template: metadata::is_template(root),
            name,
        })
    }

    /// The disk with target device `dev` (e.g. `vda`).
    pub fn disk(&self, dev: &str) -> Option<&Disk> {
        self.disks
            .iter()
            .find(|d| d.target_dev.as_deref() == Some(dev))
    }
}

/// `text` as a count, or `sentence` (translated, with `{value}`) when it is not one.
fn parse_count(text: &str, sentence: impl FnOnce() -> String) -> Result<u32, XmlError> {
    text.trim()
        .parse()
        .map_err(|_| XmlError::invalid(sentence(), text.trim()))
}

fn read_os(os: &Element) -> OsInfo {
    let os_type = os.child("type");
    let attr = |el: Option<&Element>, name: &str| el.and_then(|e| e.attr(name)).map(str::to_string);
    OsInfo {
        os_type: os.child_text("type"),
        arch: attr(os_type, "arch"),
        machine: attr(os_type, "machine"),
        firmware: os.attr("firmware").map(str::to_string),
        boot: os
            .children_named("boot")
            .filter_map(|b| b.attr("dev"))
            .map(str::to_string)
            .collect(),
        loader: os.child_text("loader"),
        nvram: os.child_text("nvram"),
        kernel: os.child_text("kernel"),
        initrd: os.child_text("initrd"),
        cmdline: os.child_text("cmdline"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const FIXTURES: [(&str, &str); 6] = [
        (
            "q35-workstation",
            include_str!("testdata/domain-q35-workstation.xml"),
        ),
        (
            "live-backing-chain",
            include_str!("testdata/domain-live-backing-chain.xml"),
        ),
        (
            "uefi-template",
            include_str!("testdata/domain-uefi-template.xml"),
        ),
        (
            "direct-kernel",
            include_str!("testdata/domain-direct-kernel.xml"),
        ),
        (
            "test-driver",
            include_str!("testdata/domain-test-driver.xml"),
        ),
        (
            "windows-4space",
            include_str!("testdata/domain-windows-4space.xml"),
        ),
    ];

    #[test]
    fn every_fixture_round_trips_byte_for_byte() {
        for (name, xml) in FIXTURES {
            let doc = Document::parse(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.to_string(), xml, "{name}");
            DomainXml::from_document(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    fn fixture(name: &str) -> DomainXml {
        let xml = FIXTURES.iter().find(|(n, _)| *n == name).unwrap().1;
        DomainXml::parse(xml).unwrap()
    }

    #[test]
    fn reads_the_workstation() {
        let d = fixture("q35-workstation");
        assert_eq!(d.name, "开发工作站");
        assert_eq!(d.title.as_deref(), Some("开发 & 测试 “workstation”"));
        assert!(d
            .description
            .as_deref()
            .unwrap()
            .starts_with("Fedora workstation for R&D <team-b>.\nSnapshots"));
        assert_eq!(d.domain_type, "kvm");
        assert_eq!(
            (d.memory_kib, d.current_memory_kib),
            (Some(8_388_608), Some(6_291_456))
        );
        assert_eq!((d.vcpus, d.vcpus_current), (4, None));
        assert_eq!(d.os.machine.as_deref(), Some("pc-q35-8.2"));
        assert_eq!(d.os.boot, ["hd", "cdrom"]);
        assert_eq!(d.emulator.as_deref(), Some("/usr/bin/qemu-system-x86_64"));
        assert!(!d.is_template);

        let kinds: Vec<_> = d
            .disks
            .iter()
            .map(|x| (x.disk_type.as_str(), x.device.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("file", "disk"),
                ("block", "disk"),
                ("volume", "disk"),
                ("file", "cdrom"),
                ("file", "cdrom")
            ]
        );
        let vda = d.disk("vda").unwrap();
        assert_eq!(vda.format.as_deref(), Some("qcow2"));
        assert_eq!(
            vda.source.path(),
            Some("/var/lib/libvirt/images/开发工作站.qcow2")
        );
        assert_eq!(
            (vda.target_bus.as_deref(), vda.boot_order),
            (Some("virtio"), Some(1))
        );
        assert!(d.disk("vdb").unwrap().shareable);
        assert_eq!(
            d.disk("vdc").unwrap().source.volume.as_deref(),
            Some("data & logs.qcow2")
        );
        assert!(d.disk("sda").unwrap().readonly);
        assert!(d.disk("sdb").unwrap().source.is_empty());

        let ifaces: Vec<_> = d.interfaces.iter().map(|i| i.iface_type.as_str()).collect();
        assert_eq!(ifaces, ["network", "bridge", "direct", "user"]);
        assert_eq!(d.interfaces[0].source_network.as_deref(), Some("default"));
        assert_eq!(d.interfaces[1].source_bridge.as_deref(), Some("br0"));
        assert_eq!(d.interfaces[1].link_state.as_deref(), Some("down"));
        assert_eq!(d.interfaces[2].source_dev.as_deref(), Some("enp5s0"));
        assert_eq!(d.interfaces[2].source_mode.as_deref(), Some("bridge"));
        assert_eq!(d.interfaces[3].model.as_deref(), Some("rtl8139"));
        assert_eq!(d.interfaces[0].mac.as_deref(), Some("52:54:00:3a:7c:11"));

        assert_eq!(d.serials.len(), 2);
        assert_eq!(
            d.serials[0].log_file.as_deref(),
            Some("/var/log/libvirt/qemu/开发工作站-serial0.log")
        );
        assert_eq!(d.serials[1].dev_type, "file");
        assert_eq!(d.serials[1].target_port, Some(1));
        assert_eq!(d.consoles[0].target_type.as_deref(), Some("serial"));
        assert_eq!(
            d.channels[0].target_name.as_deref(),
            Some("org.qemu.guest_agent.0")
        );

        assert_eq!(d.graphics.len(), 2);
        assert_eq!(
            (d.graphics[0].graphics_type.as_str(), d.graphics[0].autoport),
            ("spice", true)
        );
        assert_eq!(d.graphics[1].port, Some(5907));
        assert_eq!(d.graphics[1].listen.as_deref(), Some("0.0.0.0"));
    }

    #[test]
    fn reads_live_state_and_backing_chain() {
        let d = fixture("live-backing-chain");
        assert_eq!(d.id, Some(7));
        assert_eq!((d.vcpus, d.vcpus_current), (4, Some(2)));
        let vda = d.disk("vda").unwrap();
        let chain: Vec<_> = vda
            .backing_chain
            .iter()
            .map(|b| (b.format.as_deref(), b.source.path()))
            .collect();
        assert_eq!(
            chain,
            [
                (
                    Some("qcow2"),
                    Some("/var/lib/libvirt/images/build-runner.snap1")
                ),
                (
                    Some("qcow2"),
                    Some("/var/lib/libvirt/images/debian-12-base.qcow2")
                ),
            ]
        );
        let nbd = &d.disk("vdb").unwrap().source;
        assert_eq!(
            (nbd.protocol.as_deref(), nbd.name.as_deref()),
            (Some("nbd"), Some("scratch"))
        );
        assert_eq!(
            (nbd.host.as_deref(), nbd.port.as_deref()),
            (Some("storage.lan"), Some("10809"))
        );
        assert_eq!(d.interfaces[0].target_dev.as_deref(), Some("vnet3"));
        assert_eq!(d.interfaces[0].alias.as_deref(), Some("net0"));
        assert_eq!(d.serials[0].source_path.as_deref(), Some("/dev/pts/3"));
        assert_eq!(d.serials[0].alias.as_deref(), Some("serial0"));
        assert_eq!(d.consoles.len(), 2);
        assert_eq!(d.consoles[1].alias.as_deref(), Some("console1"));
        assert_eq!(
            (d.graphics[0].port, d.graphics[0].autoport),
            (Some(5900), true)
        );
        assert_eq!(d.graphics[0].listen.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn reads_template_uefi_and_units() {
        let d = fixture("uefi-template");
        assert!(d.is_template);
        assert_eq!(d.memory_kib, Some(2 * 1024 * 1024));
        assert_eq!(d.current_memory_kib, Some(1536 * 1024));
        assert_eq!(d.os.firmware.as_deref(), Some("efi"));
        assert_eq!(
            d.os.nvram.as_deref(),
            Some("/var/lib/libvirt/qemu/nvram/debian-12-template_VARS.fd")
        );
        assert_eq!(
            d.os.loader.as_deref(),
            Some("/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd")
        );
        assert_eq!(
            d.description.as_deref(),
            Some("Base image <do not boot>; clones get their own disk & NVRAM.")
        );

        let k = fixture("direct-kernel");
        assert_eq!(k.name, "kernel-dev & test");
        assert_eq!(k.memory_kib, Some(1024 * 1024));
        assert_eq!(k.current_memory_kib, Some(976_563)); // 1000 MB = 10^9 bytes
        assert_eq!(k.os.arch.as_deref(), Some("aarch64"));
        assert_eq!(
            k.os.kernel.as_deref(),
            Some("/home/dev/linux/arch/arm64/boot/Image")
        );
        assert_eq!(k.os.initrd.as_deref(), Some("/home/dev/initramfs.cpio.gz"));
        assert_eq!(
            k.os.cmdline.as_deref(),
            Some("console=ttyAMA0 root=/dev/vda rw init=\"/sbin/init --debug\" quiet && more")
        );
        assert_eq!(
            k.disk("vda").unwrap().source.pool.as_deref(),
            Some("kernel-pool")
        );
        assert_eq!(
            k.disk("fda").unwrap().source.path(),
            Some("/home/dev/floppy-contents")
        );
        assert_eq!(k.disks[2].device, "floppy");

        let t = fixture("test-driver");
        assert_eq!((t.domain_type.as_str(), t.vcpus), ("test", 2));
        assert_eq!(t.disk("vda").unwrap().disk_type, "file");
        assert_eq!(t.graphics[0].port, Some(-1));
    }

    #[test]
    fn reports_missing_and_invalid_values() {
        assert_eq!(
            DomainXml::parse("<domain type='kvm'/>")
                .unwrap_err()
                .to_string(),
            "The machine's XML has no <name>"
        );
        let e = DomainXml::parse("<domain><name>x</name><memory unit='XiB'>1</memory></domain>")
            .unwrap_err();
        assert_eq!(e.to_string(), "libvirt does not know the size unit “XiB”");
        let e = DomainXml::parse("<domain><name>x</name><vcpu>many</vcpu></domain>").unwrap_err();
        assert_eq!(e.to_string(), "The vCPU count “many” is not a whole number");
        assert!(matches!(
            DomainXml::parse("<network/>"),
            Err(XmlError::WrongRoot { .. })
        ));
        let d = DomainXml::parse("<domain><name>minimal</name></domain>").unwrap();
        assert_eq!((d.vcpus, d.memory_kib, d.disks.len()), (1, None, 0));
    }
}
