//! The devices a domain window shows: disks, network interfaces, serial
//! ports and consoles, channels, and graphics. Read-only views built from
//! the tree; absent values are `None` rather than guessed, except where
//! libvirt itself documents a default (disk `type='file'`, `device='disk'`).

use super::tree::Element;

fn attr(el: Option<&Element>, name: &str) -> Option<String> {
    el?.attr(name).map(str::to_string)
}

/// `<x>` is present, as for `<readonly/>`.
fn flag(el: &Element, name: &str) -> bool {
    el.child(name).is_some()
}

/// Where a disk's (or backing image's) data comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskSource {
    /// `type='file'`: the image path.
    pub file: Option<String>,
    /// `type='block'`: the block device.
    pub dev: Option<String>,
    /// `type='dir'`: the directory.
    pub dir: Option<String>,
    /// `type='volume'`: storage pool and volume name.
    pub pool: Option<String>,
    pub volume: Option<String>,
    /// `type='network'`: protocol (nbd, iscsi, rbd, http…), name, first host.
    pub protocol: Option<String>,
    pub name: Option<String>,
    pub host: Option<String>,
    pub port: Option<String>,
}

impl DiskSource {
    fn read(source: Option<&Element>) -> Self {
        let host = source.and_then(|s| s.child("host"));
        DiskSource {
            file: attr(source, "file"),
            dev: attr(source, "dev"),
            dir: attr(source, "dir"),
            pool: attr(source, "pool"),
            volume: attr(source, "volume"),
            protocol: attr(source, "protocol"),
            name: attr(source, "name"),
            host: attr(host, "name"),
            port: attr(host, "port"),
        }
    }

    /// The local path if there is one (file, block device or directory).
    pub fn path(&self) -> Option<&str> {
        self.file
            .as_deref()
            .or(self.dev.as_deref())
            .or(self.dir.as_deref())
    }

    /// A network disk's source as a URL-like line ("rbd://mon1:6789/pool/image",
    /// "nbd://10.0.0.5:10809"), for showing where it lives.
    pub fn network_url(&self) -> Option<String> {
        let protocol = self.protocol.as_deref()?;
        let host = match (self.host.as_deref(), self.port.as_deref()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => String::new(),
        };
        let name = self
            .name
            .as_deref()
            .map(|n| format!("/{}", n.trim_start_matches('/')))
            .unwrap_or_default();
        Some(format!("{protocol}://{host}{name}"))
    }

    /// True for an empty CD-ROM drive and the like.
    pub fn is_empty(&self) -> bool {
        *self == DiskSource::default()
    }
}

/// One image below a disk in the chain libvirt reports in live XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackingStore {
    pub store_type: Option<String>,
    pub format: Option<String>,
    pub source: DiskSource,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disk {
    /// file, block, network, volume or dir.
    pub disk_type: String,
    /// disk, cdrom, floppy or lun.
    pub device: String,
    pub driver_name: Option<String>,
    /// Image format from `<driver type>`: raw, qcow2, …
    pub format: Option<String>,
    pub source: DiskSource,
    pub target_dev: Option<String>,
    pub target_bus: Option<String>,
    pub readonly: bool,
    pub shareable: bool,
    pub boot_order: Option<u32>,
    /// Nearest backing image first; empty when unknown or none.
    pub backing_chain: Vec<BackingStore>,
}

impl Disk {
    pub(super) fn read(el: &Element) -> Self {
        let driver = el.child("driver");
        let target = el.child("target");
        let mut backing_chain = Vec::new();
        // Each <backingStore> nests the next; an empty one ends the chain.
        let mut next = el.child("backingStore");
        while let Some(b) = next.filter(|b| b.elements().next().is_some()) {
            backing_chain.push(BackingStore {
                store_type: b.attr("type").map(str::to_string),
                format: attr(b.child("format"), "type"),
                source: DiskSource::read(b.child("source")),
            });
            next = b.child("backingStore");
        }
        Disk {
            disk_type: el.attr("type").unwrap_or("file").to_string(),
            device: el.attr("device").unwrap_or("disk").to_string(),
            driver_name: attr(driver, "name"),
            format: attr(driver, "type"),
            source: DiskSource::read(el.child("source")),
            target_dev: attr(target, "dev"),
            target_bus: attr(target, "bus"),
            readonly: flag(el, "readonly"),
            shareable: flag(el, "shareable"),
            boot_order: el.child("boot").and_then(|b| b.attr("order")?.parse().ok()),
            backing_chain,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interface {
    /// network, bridge, direct, user, …
    pub iface_type: String,
    pub mac: Option<String>,
    pub source_network: Option<String>,
    pub source_bridge: Option<String>,
    /// Host device for `type='direct'` (macvtap).
    pub source_dev: Option<String>,
    /// macvtap mode for `type='direct'`: bridge, vepa, private, passthrough.
    pub source_mode: Option<String>,
    /// virtio, e1000e, rtl8139, …
    pub model: Option<String>,
    /// `up` or `down`; `None` means up.
    pub link_state: Option<String>,
    /// Host-side tap device, present in live XML.
    pub target_dev: Option<String>,
    pub alias: Option<String>,
}

impl Interface {
    pub(super) fn read(el: &Element) -> Self {
        let source = el.child("source");
        Interface {
            iface_type: el.attr("type").unwrap_or_default().to_string(),
            mac: attr(el.child("mac"), "address"),
            source_network: attr(source, "network"),
            source_bridge: attr(source, "bridge"),
            source_dev: attr(source, "dev"),
            source_mode: attr(source, "mode"),
            model: attr(el.child("model"), "type"),
            link_state: attr(el.child("link"), "state"),
            target_dev: attr(el.child("target"), "dev"),
            alias: attr(el.child("alias"), "name"),
        }
    }
}

/// A `<serial>`, `<console>` or `<channel>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharDevice {
    /// pty, file, unix, tcp, spicevmc, …
    pub dev_type: String,
    /// Host side path: the pty (live XML), file or socket.
    pub source_path: Option<String>,
    /// isa-serial, serial, virtio, pci-serial…; for consoles serial/virtio.
    pub target_type: Option<String>,
    pub target_port: Option<u32>,
    /// Channel name such as `org.qemu.guest_agent.0`.
    pub target_name: Option<String>,
    /// `serial0`, `console0`, …, present in live XML.
    pub alias: Option<String>,
    /// `<log file='…'/>`: where libvirt copies the output.
    pub log_file: Option<String>,
}

impl CharDevice {
    pub(super) fn read(el: &Element) -> Self {
        let target = el.child("target");
        CharDevice {
            dev_type: el.attr("type").unwrap_or("pty").to_string(),
            source_path: attr(el.child("source"), "path")
                .or_else(|| el.attr("tty").map(str::to_string)),
            target_type: attr(target, "type"),
            target_port: target.and_then(|t| t.attr("port")?.parse().ok()),
            target_name: attr(target, "name"),
            alias: attr(el.child("alias"), "name"),
            log_file: attr(el.child("log"), "file"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graphics {
    /// spice, vnc, rdp, sdl, egl-headless, dbus.
    pub graphics_type: String,
    /// `None` when absent; `Some(-1)` in inactive XML with autoport.
    pub port: Option<i32>,
    pub tls_port: Option<i32>,
    pub autoport: bool,
    /// Listen address (from the attribute or the first `<listen>`).
    pub listen: Option<String>,
    /// Unix socket path for `<listen type='socket'>`.
    pub socket: Option<String>,
}

impl Graphics {
    pub(super) fn read(el: &Element) -> Self {
        let listen = el.child("listen");
        Graphics {
            graphics_type: el.attr("type").unwrap_or_default().to_string(),
            port: el.attr("port").and_then(|p| p.parse().ok()),
            tls_port: el.attr("tlsPort").and_then(|p| p.parse().ok()),
            autoport: el.attr("autoport") == Some("yes"),
            listen: el
                .attr("listen")
                .map(str::to_string)
                .or_else(|| attr(listen, "address")),
            socket: el
                .attr("socket")
                .map(str::to_string)
                .or_else(|| attr(listen, "socket")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Document;
    use super::*;

    #[test]
    fn a_network_disk_says_where_it_lives() {
        let doc = Document::parse(
            "<disk type='network'><source protocol='rbd' name='pool/image'>\
             <host name='mon1' port='6789'/></source><target dev='vda'/></disk>",
        )
        .unwrap();
        let disk = Disk::read(doc.root());
        assert_eq!(disk.source.path(), None);
        assert_eq!(
            disk.source.network_url().as_deref(),
            Some("rbd://mon1:6789/pool/image")
        );
        let file = Disk::read(
            Document::parse("<disk><source file='/a'/></disk>")
                .unwrap()
                .root(),
        );
        assert_eq!(file.source.network_url(), None);
    }

    #[test]
    fn defaults_and_chain_end() {
        let doc = Document::parse(
            "<disk><source file='/a'/><backingStore type='file'><format type='raw'/>\
             <source file='/b'/><backingStore/></backingStore><target dev='vda'/></disk>",
        )
        .unwrap();
        let disk = Disk::read(doc.root());
        assert_eq!(
            (disk.disk_type.as_str(), disk.device.as_str()),
            ("file", "disk")
        );
        assert_eq!(disk.backing_chain.len(), 1);
        assert_eq!(disk.backing_chain[0].source.path(), Some("/b"));
        assert_eq!(disk.backing_chain[0].format.as_deref(), Some("raw"));

        let doc =
            Document::parse("<serial type='pty' tty='/dev/pts/9'><target port='0'/></serial>")
                .unwrap();
        let serial = CharDevice::read(doc.root());
        assert_eq!(
            (serial.source_path.as_deref(), serial.target_port),
            (Some("/dev/pts/9"), Some(0))
        );
        let doc = Document::parse("<graphics type='vnc' socket='/run/vnc.sock'/>").unwrap();
        let g = Graphics::read(doc.root());
        assert_eq!(
            (g.port, g.autoport, g.socket.as_deref()),
            (None, false, Some("/run/vnc.sock"))
        );
    }
}
