//! Device edits of a domain's XML: disks, interfaces, displays, log files.
//! Re-exported by `domain_edit`; see there for the idea.
//!
//! Helpers that target one device return [`XmlError::NotFound`] when it is
//! absent, so a caller never silently clones a VM that still points at the
//! template's disk.

use super::device_element::{point_disk_at_file, set_driver_format};
use super::document::Document;
use super::error::XmlError;
use super::tree::Element;
use gettextrs::gettext;

fn devices_mut(doc: &mut Document) -> &mut Element {
    doc.root_mut().ensure_child_before("devices", &[])
}

fn disk_target(disk: &Element) -> Option<&str> {
    disk.child("target")?.attr("dev")
}

fn disk_mut<'a>(doc: &'a mut Document, dev: &str) -> Result<&'a mut Element, XmlError> {
    doc.root_mut()
        .child_mut("devices")
        .and_then(|d| {
            d.children_named_mut("disk")
                .find(|disk| disk_target(disk) == Some(dev))
        })
        .ok_or_else(|| {
            XmlError::NotFound(
                gettext("The machine has no disk with target “{target}”").replace("{target}", dev),
            )
        })
}

/// Removes `<mac>` from every interface so libvirt assigns new addresses.
/// Returns how many were removed.
pub fn remove_interface_macs(doc: &mut Document) -> usize {
    let Some(devices) = doc.root_mut().child_mut("devices") else {
        return 0;
    };
    devices
        .children_named_mut("interface")
        .map(|i| i.remove_children_named("mac"))
        .sum()
}

/// Sets the MAC address of the `index`-th interface (0-based, document order).
pub fn set_interface_mac(doc: &mut Document, index: usize, mac: &str) -> Result<(), XmlError> {
    let iface = doc
        .root_mut()
        .child_mut("devices")
        .and_then(|d| d.children_named_mut("interface").nth(index))
        .ok_or_else(|| {
            XmlError::NotFound(
                gettext("The machine has no network interface number {number}")
                    .replace("{number}", &(index + 1).to_string()),
            )
        })?;
    if iface.child("mac").is_none() {
        iface.insert_child(0, Element::new("mac"));
    }
    iface
        .child_mut("mac")
        .expect("ensured above")
        .set_attr("address", mac);
    Ok(())
}

/// Points disk `dev` at image file `path`, turning it into a `type='file'`
/// disk. Drops the live backing chain and `index`, which described the old image.
pub fn set_disk_source_file(doc: &mut Document, dev: &str, path: &str) -> Result<(), XmlError> {
    point_disk_at_file(disk_mut(doc, dev)?, path);
    Ok(())
}

/// Sets the image format (`<driver type>`: raw, qcow2, …) of disk `dev`.
pub fn set_disk_driver_type(doc: &mut Document, dev: &str, format: &str) -> Result<(), XmlError> {
    set_driver_format(disk_mut(doc, dev)?, format);
    Ok(())
}

/// Lets libvirt choose free ports for every VNC, SPICE and RDP display, so
/// a clone does not fight its template for the same port.
pub fn set_graphics_autoport(doc: &mut Document) {
    let Some(devices) = doc.root_mut().child_mut("devices") else {
        return;
    };
    for g in devices.children_named_mut("graphics") {
        if !matches!(g.attr("type"), Some("vnc" | "spice" | "rdp")) {
            continue;
        }
        g.remove_attr("port");
        g.remove_attr("tlsPort");
        if g.attr("websocket").is_some_and(|w| w != "-1") {
            g.remove_attr("websocket");
        }
        g.set_attr("autoport", "yes");
    }
}

/// New name for a log file: `old_name` replaced by `new_name` in the file
/// name, or `-new_name` added before the extension when it does not occur.
fn renamed_path(path: &str, old_name: &str, new_name: &str) -> String {
    let new_name = new_name.replace('/', "_");
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    // Only the first occurrence: the name is usually the file's prefix, and a short
    // template name ("a") must not also rewrite the rest ("a-serial.log").
    let file = if !old_name.is_empty() && file.contains(old_name) {
        file.replacen(old_name, &new_name, 1)
    } else {
        match file.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{new_name}.{ext}"),
            _ => format!("{file}-{new_name}"),
        }
    };
    if path.contains('/') {
        format!("{dir}/{file}")
    } else {
        file
    }
}

/// Gives serials, consoles, channels and parallel ports their own log and
/// output files so a clone does not write into its template's. Returns how
/// many paths changed.
pub fn rename_log_files(doc: &mut Document, old_name: &str, new_name: &str) -> usize {
    let Some(devices) = doc.root_mut().child_mut("devices") else {
        return 0;
    };
    let mut changed = 0;
    for dev in devices.elements_mut() {
        if !matches!(
            dev.name.as_str(),
            "serial" | "console" | "channel" | "parallel"
        ) {
            continue;
        }
        let is_file = dev.attr("type") == Some("file");
        for (child, attr) in [("log", "file"), ("source", "path")] {
            if child == "source" && !is_file {
                continue;
            }
            if let Some(el) = dev.child_mut(child) {
                if let Some(path) = el.attr(attr).map(str::to_string) {
                    el.set_attr(attr, renamed_path(&path, old_name, new_name));
                    changed += 1;
                }
            }
        }
    }
    changed
}

pub fn remove_disk(doc: &mut Document, dev: &str) -> Result<(), XmlError> {
    disk_mut(doc, dev)?;
    let devices = doc
        .root_mut()
        .child_mut("devices")
        .expect("disk found above");
    devices.remove_children_where(|d| d.name == "disk" && disk_target(d) == Some(dev));
    Ok(())
}

/// A disk to add to a domain (or hot-plug with the XML of [`disk_element`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisk {
    /// Image file; `None` for an empty CD-ROM drive.
    pub source_file: Option<String>,
    /// raw, qcow2, …
    pub format: String,
    /// disk or cdrom.
    pub device: String,
    pub target_dev: String,
    /// virtio, sata, scsi, usb.
    pub target_bus: String,
    pub readonly: bool,
}

/// The `<disk>` element for `disk`.
pub fn disk_element(disk: &NewDisk) -> Element {
    let mut el = Element::new("disk")
        .with_attr("type", "file")
        .with_attr("device", disk.device.clone())
        .with_child(
            Element::new("driver")
                .with_attr("name", "qemu")
                .with_attr("type", disk.format.clone()),
        );
    if let Some(file) = &disk.source_file {
        el.push_child(Element::new("source").with_attr("file", file.clone()));
    }
    el.push_child(
        Element::new("target")
            .with_attr("dev", disk.target_dev.clone())
            .with_attr("bus", disk.target_bus.clone()),
    );
    if disk.readonly {
        el.push_child(Element::new("readonly"));
    }
    el
}

/// Adds `disk` after the domain's last disk. Fails if its target is taken.
pub fn add_disk(doc: &mut Document, disk: &NewDisk) -> Result<(), XmlError> {
    let devices = devices_mut(doc);
    if devices
        .children_named("disk")
        .any(|d| disk_target(d) == Some(&disk.target_dev))
    {
        return Err(XmlError::invalid(
            gettext("Another disk already uses the target “{value}”"),
            &disk.target_dev,
        ));
    }
    let last_disk = devices
        .elements()
        .enumerate()
        .filter(|(_, e)| e.name == "disk")
        .map(|(i, _)| i)
        .last();
    let index = match last_disk {
        Some(last) => last + 1,
        None => devices
            .elements()
            .position(|e| e.name != "emulator")
            .unwrap_or(devices.elements().count()),
    };
    devices.insert_child(index, disk_element(disk));
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_short_template_name_is_replaced_once() {
        assert_eq!(
            super::renamed_path("/var/log/a-serial.log", "a", "web"),
            "/var/log/web-serial.log"
        );
    }

    use super::*;

    const TEMPLATE: &str = include_str!("testdata/domain-uefi-template.xml");

    #[test]
    fn missing_targets_are_errors() {
        let mut doc = Document::parse(TEMPLATE).unwrap();
        let e = set_disk_source_file(&mut doc, "vdz", "/x").unwrap_err();
        assert_eq!(e.to_string(), "The machine has no disk with target “vdz”");
        assert!(remove_disk(&mut doc, "sdq").is_err());
        assert!(set_interface_mac(&mut doc, 5, "52:54:00:00:00:01").is_err());
        let dup = NewDisk {
            source_file: None,
            format: "raw".into(),
            device: "cdrom".into(),
            target_dev: "vda".into(),
            target_bus: "sata".into(),
            readonly: true,
        };
        assert_eq!(
            add_disk(&mut doc, &dup).unwrap_err().to_string(),
            "Another disk already uses the target “vda”"
        );
        assert_eq!(
            disk_element(&dup).to_string(),
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='vda' bus='sata'/><readonly/></disk>"
        );
    }

    #[test]
    fn log_paths_get_the_new_name() {
        assert_eq!(
            renamed_path("/var/log/a/old-serial0.log", "old", "new"),
            "/var/log/a/new-serial0.log"
        );
        assert_eq!(
            renamed_path("/var/log/old/ttyS1.log", "old", "new"),
            "/var/log/old/ttyS1-new.log"
        );
        assert_eq!(
            renamed_path("/var/log/console", "x", "a/b"),
            "/var/log/console-a_b"
        );
        assert_eq!(renamed_path(".hidden", "x", "n"), ".hidden-n");
    }
}
