//! Backing chains (`qemu-img info --backing-chain`): from a volume down to its base
//! image. Each step is read from libvirt's volume XML (`<backingStore>`); where a
//! backing file is not a volume libvirt knows, a local host is asked with `qemu-img
//! info --backing-chain -U`. Blocks: worker only.

use std::collections::HashSet;
use std::process::Command;

use virt::connect::Connect;

use crate::core::error::UserError;
use crate::core::host::is_local_uri;
use crate::core::xml::VolumeXml;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainLink {
    pub path: String,
    pub format: Option<String>,
    pub capacity: Option<u64>,
    /// `pool/volume` when libvirt knows the image as a volume.
    pub volume: Option<String>,
}

/// Links longer than this are a loop or a mistake.
const MAX_DEPTH: usize = 64;

/// The volume itself first, then each backing image down to the base.
pub fn backing_chain(
    conn: &Connect,
    pool_uuid: &str,
    name: &str,
) -> Result<Vec<ChainLink>, UserError> {
    let pool = conn.lookup_storage_pool_by_uuid_string(pool_uuid)?;
    let vol = pool.lookup_storage_vol_by_name(name)?;
    let uri = conn.uri().unwrap_or_default();
    let may_run_qemu_img = is_local_uri(&uri) && !uri.starts_with("test:");
    let mut chain = Vec::new();
    let mut seen = HashSet::new();
    let mut current = Some((vol, pool.name()?));
    let mut next_path: Option<(String, Option<String>)> = None;
    while let Some((vol, pool_name)) = current.take() {
        let v =
            VolumeXml::parse(&vol.xml_desc(0)?).map_err(|e| UserError::invalid(e.to_string()))?;
        let path = v
            .path
            .clone()
            .or_else(|| vol.path().ok())
            .unwrap_or_default();
        if !seen.insert(path.clone()) || chain.len() >= MAX_DEPTH {
            break;
        }
        chain.push(ChainLink {
            path,
            format: v.format.clone(),
            capacity: v.capacity,
            volume: Some(format!("{pool_name}/{}", v.name)),
        });
        let Some(backing) = v.backing_path else {
            break;
        };
        match conn.lookup_storage_vol_by_path(&backing) {
            Ok(b) => {
                let pool_name = b
                    .lookup_storage_pool()
                    .and_then(|p| p.name())
                    .unwrap_or_default();
                current = Some((b, pool_name));
            }
            Err(_) => next_path = Some((backing, v.backing_format)),
        }
    }
    if let Some((path, format)) = next_path {
        let rest = if may_run_qemu_img {
            qemu_img_chain(&path).unwrap_or_default()
        } else {
            Vec::new()
        };
        if rest.is_empty() {
            chain.push(ChainLink {
                path,
                format,
                ..Default::default()
            });
        } else {
            chain.extend(rest.into_iter().take(MAX_DEPTH));
        }
    }
    Ok(chain)
}

/// Runs `qemu-img info --backing-chain -U` on a local file.
pub fn qemu_img_chain(path: &str) -> Option<Vec<ChainLink>> {
    let out = Command::new("qemu-img")
        .args(["info", "--backing-chain", "-U", path])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| parse_qemu_img_info(&String::from_utf8_lossy(&out.stdout)))
}

/// Reads `qemu-img info --backing-chain` text output (one block per image).
pub fn parse_qemu_img_info(text: &str) -> Vec<ChainLink> {
    let mut chain: Vec<ChainLink> = Vec::new();
    for line in text.lines() {
        if let Some(image) = line.strip_prefix("image: ") {
            chain.push(ChainLink {
                path: image.trim().to_string(),
                ..Default::default()
            });
        } else if let Some(link) = chain.last_mut() {
            if let Some(f) = line.strip_prefix("file format: ") {
                link.format = Some(f.trim().to_string());
            } else if let Some(size) = line.strip_prefix("virtual size: ") {
                link.capacity = size
                    .split_once('(')
                    .and_then(|(_, b)| b.split_whitespace().next())
                    .and_then(|n| n.parse().ok());
            }
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_qemu_img_chains() {
        let text = "image: /tmp/o.qcow2\nfile format: qcow2\nvirtual size: 1 GiB (1073741824 bytes)\n\
                    disk size: 196 KiB\nbacking file: /tmp/b.qcow2\nbacking file format: qcow2\n\n\
                    image: /tmp/b.qcow2\nfile format: raw\nvirtual size: 2 GiB (2147483648 bytes)\n";
        let chain = parse_qemu_img_info(text);
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[0].path, "/tmp/o.qcow2");
        assert_eq!(chain[0].capacity, Some(1 << 30));
        assert_eq!(
            (chain[1].path.as_str(), chain[1].format.as_deref()),
            ("/tmp/b.qcow2", Some("raw"))
        );
    }
}
