//! CD-ROM drives: eject, insert an image (`virsh change-media`), and add a drive to a
//! machine that has none. Media change in a running machine at once; a drive can
//! only be added while the machine is off (a CD-ROM cannot be hot-plugged).
//! Worker only.

use gettextrs::gettext;
use virt::connect::Connect;

use super::device_apply::{attach, missing, update, Current, DeviceScope};
use super::disk_add::taken_targets;
use super::disk_target;
use crate::core::error::UserError;
use crate::core::xml::device_element::{eject_media, point_disk_at_file, set_driver_format};
use crate::core::xml::domain_edit::{disk_element, NewDisk};
use crate::core::xml::{DeviceKey, DomainXml};

/// What to put in the drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    Eject,
    /// A volume of a pool, by pool and volume name.
    Volume {
        pool: String,
        volume: String,
    },
    /// An image file on the host, by full path.
    Path(String),
}

/// The image file `media` names, or `None` to eject.
fn media_path(conn: &Connect, media: &Media) -> Result<Option<String>, UserError> {
    match media {
        Media::Eject => Ok(None),
        Media::Volume { pool, volume } => {
            let vol = conn
                .lookup_storage_pool_by_name(pool)?
                .lookup_storage_vol_by_name(volume)?;
            Ok(Some(vol.path()?))
        }
        Media::Path(path) => {
            let path = path.trim();
            if !path.starts_with('/') {
                return Err(UserError::invalid(gettext(
                    "Enter the full path of the image on the host, starting with /",
                )));
            }
            Ok(Some(path.to_string()))
        }
    }
}

/// Ejects or inserts media in CD-ROM drive `target`; returns where it applied.
pub fn change_media(
    conn: &Connect,
    uuid: &str,
    target: &str,
    media: &Media,
) -> Result<DeviceScope, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let key = DeviceKey::Disk(target.into());
    let current = Current::read(&dom, DeviceScope::of(&dom)?)?;
    let doc = [&current.live, &current.config]
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| missing(&key))?;
    let xml = DomainXml::from_document(doc).map_err(super::device_apply::xml_error)?;
    let disk = xml.disk(target).ok_or_else(|| missing(&key))?;
    if !matches!(disk.device.as_str(), "cdrom" | "floppy") {
        return Err(UserError::invalid(
            gettext("{target} is a hard disk; only CD-ROM drives take media")
                .replace("{target}", target),
        ));
    }
    let path = media_path(conn, media)?;
    update(&dom, &key, |el| match &path {
        None => eject_media(el),
        Some(path) => {
            point_disk_at_file(el, path);
            // Disc images are raw; a drive that last held something else says so.
            set_driver_format(el, "raw");
        }
    })
}

/// The bus a new CD-ROM drive goes on: IDE on the classic PC machine, SATA on Q35,
/// SCSI elsewhere (ARM's `virt` has neither IDE nor SATA).
pub fn cdrom_bus(xml: &DomainXml) -> &'static str {
    let machine = xml.os.machine.as_deref().unwrap_or_default();
    let arch = xml.os.arch.as_deref().unwrap_or("x86_64");
    if !matches!(arch, "x86_64" | "i686") {
        "scsi"
    } else if machine.contains("q35") {
        "sata"
    } else {
        "ide"
    }
}

/// Adds an empty CD-ROM drive to a shut-off machine; returns its target.
pub fn add_drive(conn: &Connect, uuid: &str) -> Result<String, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    if dom.is_active()? {
        return Err(UserError::invalid(gettext(
            "A CD-ROM drive cannot be added while the machine runs; shut it down first",
        )));
    }
    let scope = DeviceScope {
        live: false,
        config: true,
    };
    let current = Current::read(&dom, scope)?;
    let config = current
        .config
        .as_ref()
        .ok_or_else(|| UserError::invalid(gettext("The machine has no stored configuration")))?;
    let xml = DomainXml::from_document(config).map_err(super::device_apply::xml_error)?;
    let bus = cdrom_bus(&xml);
    let target = disk_target::next_free(bus, &taken_targets(&current));
    let element = disk_element(&NewDisk {
        source_file: None,
        format: "raw".into(),
        device: "cdrom".into(),
        target_dev: target.clone(),
        target_bus: bus.into(),
        readonly: true,
    });
    attach(&dom, scope, &element)?;
    Ok(target)
}
