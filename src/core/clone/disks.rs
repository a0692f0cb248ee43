//! What can be done with each of a template's disks in a clone, and why not.
//!
//! Linked: a new qcow2 overlay whose backing image is the template's disk;
//! made through libvirt's storage API (so it works on remote hosts) in
//! seconds whatever the disk's size. Full copy: a standalone copy
//! (`virStorageVolCreateXMLFrom`), which takes as long as the data does.
//! Share: the clone points at the same image, which is only safe for media
//! nobody writes (CD-ROMs, read-only or `shareable` disks). Skip: the clone
//! gets no such disk.

use gettextrs::gettext;

use super::facts::{disk_path, HostFacts, VolumeFacts};
use super::fields::Availability;
use crate::core::xml::{Disk, DomainXml};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiskMode {
    Linked,
    FullCopy,
    Share,
    Skip,
}

/// The person's choice for one disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskChoice {
    /// Target device of the template's disk (`vda`).
    pub target: String,
    pub mode: DiskMode,
    /// Pool for the new volume; `None` means the pool of the template's disk.
    pub pool: Option<String>,
}

/// One of the template's disks as the "Disks" step shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskOption {
    pub target: String,
    /// disk, cdrom, floppy, lun.
    pub device: String,
    pub source: Option<String>,
    /// Image format from the domain XML, else from the volume.
    pub format: Option<String>,
    /// The template's image as a pool volume, when libvirt knows it as one.
    pub volume: Option<VolumeFacts>,
    pub default_mode: DiskMode,
    pub linked: Availability,
    pub full_copy: Availability,
    pub share: Availability,
}

impl DiskOption {
    pub fn availability(&self, mode: DiskMode) -> Availability {
        match mode {
            DiskMode::Linked => self.linked.clone(),
            DiskMode::FullCopy => self.full_copy.clone(),
            DiskMode::Share => self.share.clone(),
            DiskMode::Skip => Availability::yes(),
        }
    }

    /// The choice the wizard starts with.
    pub fn default_choice(&self) -> DiskChoice {
        DiskChoice {
            target: self.target.clone(),
            mode: self.default_mode,
            pool: None,
        }
    }
}

fn is_media(disk: &Disk) -> bool {
    matches!(disk.device.as_str(), "cdrom" | "floppy")
}

fn option_for(disk: &Disk, target: &str, host: &HostFacts) -> DiskOption {
    let source = disk_path(disk, host);
    let volume = source
        .as_deref()
        .and_then(|p| host.volume_by_path(p))
        .cloned();
    let format = disk
        .format
        .clone()
        .or_else(|| volume.as_ref().and_then(|v| v.format.clone()));
    let not_volume = || {
        gettext(
            "{path} is not a volume of an active storage pool, so libvirt cannot copy or link it; start or refresh the pool that holds it",
        )
        .replace("{path}", source.as_deref().unwrap_or("?"))
    };
    let (linked, full_copy, share);
    if source.is_none() {
        let empty = gettext("The drive is empty: there is nothing to copy");
        linked = Availability::no(empty.clone());
        full_copy = Availability::no(empty);
        share = Availability::yes();
    } else if is_media(disk) {
        let media = gettext("Installation media are only read: clones share them");
        linked = Availability::no(media.clone());
        full_copy = Availability::no(media);
        share = Availability::yes();
    } else {
        full_copy = match &volume {
            Some(_) => Availability::yes(),
            None => Availability::no(not_volume()),
        };
        linked = match (&volume, format.as_deref()) {
            (None, _) => Availability::no(not_volume()),
            (Some(_), Some("qcow2")) => Availability::yes(),
            (Some(_), Some("raw") | None) => Availability::no(gettext(
                "A raw image cannot be linked: Hangar links clones only to qcow2 images, whose header records the format and size the overlay relies on (a raw image is just bytes, so the overlay could misread it). Make a full copy instead",
            )),
            (Some(_), Some(other)) => Availability::no(
                gettext("A {format} image cannot be linked: only qcow2 images can. Make a full copy instead")
                    .replace("{format}", other),
            ),
        };
        share = if disk.readonly || disk.shareable {
            Availability::yes()
        } else {
            Availability::no(gettext(
                "Two machines writing the same image corrupt it: mark the disk read-only or shareable in the template to share it",
            ))
        };
    }
    let default_mode = if share.available && (is_media(disk) || disk.readonly || source.is_none()) {
        DiskMode::Share
    } else if linked.available {
        DiskMode::Linked
    } else if full_copy.available {
        DiskMode::FullCopy
    } else if share.available {
        DiskMode::Share
    } else {
        // Nothing works: keep the mode a clone of a VM disk normally gets, so
        // the plan reports why on this disk's field instead of silently
        // dropping the disk.
        DiskMode::Linked
    };
    DiskOption {
        target: target.to_string(),
        device: disk.device.clone(),
        source,
        format,
        volume,
        default_mode,
        linked,
        full_copy,
        share,
    }
}

/// The template's disks with what each can become, in XML order. Disks
/// without a target device are left out (libvirt requires one).
pub fn disk_options(template: &DomainXml, host: &HostFacts) -> Vec<DiskOption> {
    template
        .disks
        .iter()
        .filter_map(|d| d.target_dev.as_deref().map(|t| option_for(d, t, host)))
        .collect()
}
