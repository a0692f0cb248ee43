//! Backing chains for the disk table when the domain XML has none: libvirt writes
//! `<backingStore>` into the live XML of a running domain only, so a shut-off
//! machine's overlay would show no layers. The storage chain reader fills them in
//! (`qemu-img info --backing-chain`), from libvirt's volumes where it knows the
//! image, else from `qemu-img` on a local host.

use virt::connect::Connect;

use crate::core::host::is_local_uri;
use crate::core::storage::chain::{backing_chain, qemu_img_chain, ChainLink};
use crate::core::xml::{BackingStore, Disk, DiskSource};

/// Fills `backing_chain` of each disk whose XML gave none and whose image may have
/// one (any format but raw). Best effort: a layer that cannot be read leaves the
/// chain as the XML had it.
pub fn fill_missing_chains(conn: &Connect, disks: &mut [Disk]) {
    let uri = conn.uri().unwrap_or_default();
    let may_run_qemu_img = is_local_uri(&uri) && !uri.starts_with("test:");
    for disk in disks.iter_mut() {
        if !disk.backing_chain.is_empty() || disk.format.as_deref() == Some("raw") {
            continue;
        }
        let Some(chain) = image_chain(conn, &disk.source, may_run_qemu_img) else {
            continue;
        };
        // The first link is the disk's own image.
        disk.backing_chain = chain.into_iter().skip(1).map(layer).collect();
    }
}

/// The disk's image and everything below it, top first.
fn image_chain(
    conn: &Connect,
    source: &DiskSource,
    may_run_qemu_img: bool,
) -> Option<Vec<ChainLink>> {
    let vol = match (&source.pool, &source.volume, &source.file) {
        (Some(pool), Some(volume), _) => conn
            .lookup_storage_pool_by_name(pool)
            .and_then(|p| p.lookup_storage_vol_by_name(volume))
            .ok(),
        (_, _, Some(file)) => conn.lookup_storage_vol_by_path(file).ok(),
        _ => None,
    };
    if let Some(vol) = vol {
        let pool = vol.lookup_storage_pool().ok()?;
        let chain = backing_chain(conn, &pool.uuid_string().ok()?, &vol.name().ok()?).ok()?;
        return Some(chain);
    }
    match &source.file {
        Some(file) if may_run_qemu_img => qemu_img_chain(file),
        _ => None,
    }
}

fn layer(link: ChainLink) -> BackingStore {
    BackingStore {
        store_type: Some("file".into()),
        format: link.format,
        source: DiskSource {
            file: Some(link.path),
            ..Default::default()
        },
    }
}
