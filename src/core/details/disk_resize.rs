//! Growing a machine's disk (`virsh blockresize`, or `vol-resize` when it is off).
//!
//! While the machine runs, QEMU resizes the image it has open and tells the guest at
//! once; while it is off, the storage volume is resized. Shrinking cuts off whatever
//! the guest stored at the end of the disk, so it is refused unless confirmed.

use gettextrs::gettext;
use virt::connect::Connect;
use virt::sys;

use crate::core::error::UserError;
use crate::core::storage::size::{format_bytes, parse_size};
use crate::core::storage::volumes::image_path;
use crate::core::xml::DomainXml;

/// How the disk will be resized, decided before anything changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResizePlan {
    pub target: String,
    pub current_bytes: u64,
    pub new_bytes: u64,
    pub live: bool,
}

impl ResizePlan {
    pub fn shrinks(&self) -> bool {
        self.new_bytes < self.current_bytes
    }
}

/// Checks `size` ("20G", "512 MiB") for disk `target` of the machine `uuid`.
pub fn plan(conn: &Connect, uuid: &str, target: &str, size: &str) -> Result<ResizePlan, UserError> {
    let new_bytes = parse_size(size).map_err(UserError::invalid)?;
    if new_bytes == 0 {
        return Err(UserError::invalid(gettext("A disk cannot be 0 bytes")));
    }
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let live = dom.is_active()?;
    let xml = DomainXml::parse(&dom.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))?;
    let disk = xml.disk(target).ok_or_else(|| {
        UserError::invalid(gettext("The machine has no disk {target}").replace("{target}", target))
    })?;
    if disk.device != "disk" {
        return Err(UserError::invalid(
            gettext("Only hard disks can be resized, not {device}")
                .replace("{device}", &disk.device),
        ));
    }
    // libvirt answers 0 for a stopped machine's volume disk rather than failing:
    // then the volume knows.
    let from_domain = dom
        .block_info(target, 0)
        .map(|b| b.capacity)
        .ok()
        .filter(|&c| c > 0);
    let current_bytes = from_domain.map(Ok).unwrap_or_else(|| {
        let path = image_path(conn, &disk.source).unwrap_or_default();
        conn.lookup_storage_vol_by_path(&path)
            .and_then(|v| v.info())
            .map(|i| i.capacity)
    })?;
    Ok(ResizePlan {
        target: target.into(),
        current_bytes,
        new_bytes,
        live,
    })
}

/// Applies `plan`. A shrinking plan needs `confirmed_shrink`.
pub fn apply(
    conn: &Connect,
    uuid: &str,
    plan: &ResizePlan,
    confirmed_shrink: bool,
) -> Result<(), UserError> {
    if plan.shrinks() && !confirmed_shrink {
        return Err(UserError::invalid(
            gettext(
                "Shrinking {target} from {from} to {to} would cut off data at the end of the disk",
            )
            .replace("{target}", &plan.target)
            .replace("{from}", &format_bytes(plan.current_bytes))
            .replace("{to}", &format_bytes(plan.new_bytes)),
        ));
    }
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    if dom.is_active()? {
        dom.block_resize(
            &plan.target,
            plan.new_bytes,
            sys::VIR_DOMAIN_BLOCK_RESIZE_BYTES,
        )?;
        return Ok(());
    }
    let xml = DomainXml::parse(&dom.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))?;
    let path = xml
        .disk(&plan.target)
        .and_then(|d| image_path(conn, &d.source))
        .unwrap_or_default();
    let vol = conn.lookup_storage_vol_by_path(&path).map_err(|_| {
        UserError::invalid(
            gettext("{path} is not in a storage pool: start the machine to resize it live")
                .replace("{path}", &path),
        )
    })?;
    let flags = if plan.shrinks() {
        sys::VIR_STORAGE_VOL_RESIZE_SHRINK
    } else {
        0
    };
    vol.resize(plan.new_bytes, flags)?;
    Ok(())
}
