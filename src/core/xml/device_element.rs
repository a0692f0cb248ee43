//! One device of a domain as an element: found by what identifies it (a disk by its
//! target, a network card by its MAC), copied out for libvirt's device calls
//! (`virDomainAttachDeviceFlags` and friends take one element), and changed in
//! place. The copy keeps every child and attribute Hangar does not know, so an
//! edit to one value sends back everything else as it was.

use super::document::Document;
use super::error::XmlError;
use super::tree::{Element, Node};
use gettextrs::gettext;

/// What identifies a device across the live and the stored XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceKey {
    /// A `<disk>` by its `<target dev>` ("vdb").
    Disk(String),
    /// An `<interface>` by its `<mac address>`, compared without case.
    Interface(String),
}

impl DeviceKey {
    pub fn matches(&self, el: &Element) -> bool {
        match self {
            DeviceKey::Disk(target) => {
                el.name == "disk"
                    && el.child("target").and_then(|t| t.attr("dev")) == Some(target.as_str())
            }
            DeviceKey::Interface(mac) => {
                el.name == "interface"
                    && el
                        .child("mac")
                        .and_then(|m| m.attr("address"))
                        .is_some_and(|a| a.eq_ignore_ascii_case(mac))
            }
        }
    }

    /// The sentence for "this device is not in the document".
    fn not_found(&self) -> XmlError {
        XmlError::NotFound(match self {
            DeviceKey::Disk(t) => {
                gettext("The machine has no disk with target “{target}”").replace("{target}", t)
            }
            DeviceKey::Interface(m) => {
                gettext("The machine has no network interface with MAC “{mac}”").replace("{mac}", m)
            }
        })
    }
}

/// The device `key` names, if the domain has it.
pub fn find_device<'a>(doc: &'a Document, key: &DeviceKey) -> Option<&'a Element> {
    doc.root()
        .child("devices")?
        .elements()
        .find(|e| key.matches(e))
}

/// A copy of the device `key` names, to edit and hand to libvirt.
pub fn device_copy(doc: &Document, key: &DeviceKey) -> Result<Element, XmlError> {
    find_device(doc, key)
        .cloned()
        .ok_or_else(|| key.not_found())
}

/// Puts `new` where the device `key` names is, keeping the whitespace around it.
pub fn replace_device(doc: &mut Document, key: &DeviceKey, new: Element) -> Result<(), XmlError> {
    let slot = doc
        .root_mut()
        .child_mut("devices")
        .and_then(|d| {
            d.children
                .iter_mut()
                .find(|n| matches!(n, Node::Element(e) if key.matches(e)))
        })
        .ok_or_else(|| key.not_found())?;
    *slot = Node::Element(new);
    Ok(())
}

/// Removes the device `key` names, with the indentation in front of it.
pub fn remove_device(doc: &mut Document, key: &DeviceKey) -> Result<(), XmlError> {
    let devices = doc.root_mut().child_mut("devices");
    match devices.map(|d| d.remove_children_where(|e| key.matches(e))) {
        Some(n) if n > 0 => Ok(()),
        _ => Err(key.not_found()),
    }
}

/// Adds `device` after the last device of its kind (or at the end of `<devices>`),
/// indented like its neighbours.
pub fn append_device(doc: &mut Document, device: Element) {
    let devices = doc.root_mut().ensure_child_before("devices", &[]);
    let index = devices
        .elements()
        .enumerate()
        .filter(|(_, e)| e.name == device.name)
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or_else(|| devices.elements().count());
    devices.insert_child(index, device);
}

/// Sets `<link state='up|down'/>` of a network interface element.
pub fn set_link_state(iface: &mut Element, up: bool) {
    // libvirt reads the children of <interface> in any order; this is where it
    // writes <link> itself.
    let link = iface.ensure_child_before("link", &["mtu", "coalesce", "rom", "alias", "address"]);
    link.set_attr("state", if up { "up" } else { "down" });
}

/// Points a disk (or CD-ROM) element at the image file `path`, turning it into a
/// `type='file'` disk. Drops the backing chain and `index` that described the old
/// image.
pub fn point_disk_at_file(disk: &mut Element, path: &str) {
    if disk.attr("type").is_some_and(|t| t != "file") {
        disk.set_attr("type", "file");
        disk.remove_children_named("source");
    }
    disk.remove_children_named("backingStore");
    let source = disk.ensure_child_before("source", &["backingStore", "target"]);
    source.set_attr("file", path);
    source.remove_attr("index");
}

/// Empties a CD-ROM drive: no `<source>` is how libvirt spells "no medium".
pub fn eject_media(disk: &mut Element) {
    disk.remove_children_named("source");
    disk.remove_children_named("backingStore");
}

/// Makes a new disk element read from the block device at its source path (a volume
/// of an LVM or disk pool) instead of a file.
pub fn use_block_source(disk: &mut Element) {
    disk.set_attr("type", "block");
    if let Some(source) = disk.child_mut("source") {
        if let Some(path) = source.remove_attr("file") {
            source.set_attr("dev", path);
        }
    }
}

/// Sets `<driver type>` (raw, qcow2) of a disk element, adding `<driver name='qemu'>`
/// when there is none.
pub fn set_driver_format(disk: &mut Element, format: &str) {
    if disk.child("driver").is_none() {
        disk.insert_child(0, Element::new("driver").with_attr("name", "qemu"));
    }
    disk.child_mut("driver")
        .expect("ensured above")
        .set_attr("type", format);
}

/// Where a new network card is plugged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NicSource {
    /// A libvirt virtual network, by name.
    Network(String),
    /// A bridge on the host, by interface name.
    Bridge(String),
}

/// A network card to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterface {
    pub source: NicSource,
    /// virtio, e1000e, rtl8139.
    pub model: String,
    pub mac: String,
}

/// The `<interface>` element for `nic`.
pub fn interface_element(nic: &NewInterface) -> Element {
    let (kind, attr, name) = match &nic.source {
        NicSource::Network(n) => ("network", "network", n),
        NicSource::Bridge(b) => ("bridge", "bridge", b),
    };
    Element::new("interface")
        .with_attr("type", kind)
        .with_child(Element::new("mac").with_attr("address", nic.mac.clone()))
        .with_child(Element::new("source").with_attr(attr, name.clone()))
        .with_child(Element::new("model").with_attr("type", nic.model.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    \
        <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n      \
        <source file='/iso/a.iso' index='2'/>\n      <backingStore/>\n      <target dev='sda' bus='sata'/>\n      \
        <readonly/>\n      <x:tune xmlns:x='urn:x' speed='1'/>\n    </disk>\n    \
        <interface type='network'>\n      <mac address='52:54:00:AA:bb:01'/>\n      \
        <source network='default'/>\n      <model type='virtio'/>\n      \
        <vendor-thing on='1'/>\n      <address type='pci' slot='0x03'/>\n    </interface>\n  \
        </devices>\n</domain>\n";

    #[test]
    fn a_link_edit_changes_only_the_link_and_keeps_unknown_children() {
        let doc = Document::parse(DOMAIN).unwrap();
        let key = DeviceKey::Interface("52:54:00:aa:BB:01".into());
        let mut nic = device_copy(&doc, &key).unwrap();
        set_link_state(&mut nic, false);
        let text = nic.to_string();
        assert!(
            text.contains("<vendor-thing on='1'/>\n      <link state='down'/>\n      <address"),
            "{text}"
        );
        set_link_state(&mut nic, true);
        assert!(nic.to_string().contains("<link state='up'/>"));
        assert_eq!(nic.to_string().matches("<link").count(), 1);

        let mut doc2 = doc.clone();
        replace_device(&mut doc2, &key, nic).unwrap();
        let out = doc2.to_string();
        assert!(
            out.contains("<link state='up'/>")
                && out.contains("<x:tune xmlns:x='urn:x' speed='1'/>")
        );
        // Everything outside the interface is byte for byte the same.
        assert_eq!(
            out.replace("      <link state='up'/>\n", ""),
            DOMAIN,
            "only the link line was added"
        );
    }

    #[test]
    fn media_change_and_eject_keep_the_rest_of_the_drive() {
        let doc = Document::parse(DOMAIN).unwrap();
        let key = DeviceKey::Disk("sda".into());
        let mut cd = device_copy(&doc, &key).unwrap();
        eject_media(&mut cd);
        let text = cd.to_string();
        assert!(
            !text.contains("<source") && !text.contains("backingStore"),
            "{text}"
        );
        assert!(
            text.contains("<x:tune xmlns:x='urn:x' speed='1'/>") && text.contains("<readonly/>")
        );
        point_disk_at_file(&mut cd, "/iso/b.iso");
        let text = cd.to_string();
        assert!(
            text.contains("<driver name='qemu' type='raw'/>\n      <source file='/iso/b.iso'/>\n      <target"),
            "{text}"
        );
        assert!(find_device(&doc, &DeviceKey::Disk("vdz".into())).is_none());
        assert_eq!(
            device_copy(&doc, &DeviceKey::Disk("vdz".into()))
                .unwrap_err()
                .to_string(),
            "The machine has no disk with target “vdz”"
        );
    }

    #[test]
    fn devices_are_added_after_their_kind_and_removed_with_their_indent() {
        let mut doc = Document::parse(DOMAIN).unwrap();
        let nic = interface_element(&NewInterface {
            source: NicSource::Bridge("br0".into()),
            model: "e1000e".into(),
            mac: "52:54:00:00:00:02".into(),
        });
        append_device(&mut doc, nic);
        let out = doc.to_string();
        assert!(
            out.contains("</interface>\n    <interface type='bridge'>\n      <mac address='52:54:00:00:00:02'/>\n      <source bridge='br0'/>\n      <model type='e1000e'/>\n    </interface>\n  </devices>"),
            "{out}"
        );
        remove_device(&mut doc, &DeviceKey::Interface("52:54:00:00:00:02".into())).unwrap();
        assert_eq!(doc.to_string(), DOMAIN);
        remove_device(&mut doc, &DeviceKey::Disk("sda".into())).unwrap();
        assert!(!doc.to_string().contains("<disk"));
        assert!(remove_device(&mut doc, &DeviceKey::Disk("sda".into())).is_err());
    }

    #[test]
    fn a_block_volume_reads_from_dev() {
        let mut disk = Element::new("disk")
            .with_attr("type", "file")
            .with_child(Element::new("source").with_attr("file", "/dev/vg/lv"));
        use_block_source(&mut disk);
        set_driver_format(&mut disk, "raw");
        assert_eq!(
            disk.to_string(),
            "<disk type='block'><driver name='qemu' type='raw'/><source dev='/dev/vg/lv'/></disk>"
        );
    }
}
