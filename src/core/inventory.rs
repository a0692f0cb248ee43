//! Reading summaries out of libvirt. Every function here blocks on the hypervisor:
//! call them from a connection worker only.

use virt::connect::Connect;
use virt::domain::Domain;
use virt::error::Error;
use virt::network::Network;
use virt::storage_pool::StoragePool;

use super::model::{
    version_string, DomainLabels, DomainState, DomainSummary, HostSummary, Inventory,
    NetworkSummary, PoolSummary,
};
use super::xml::metadata::HANGAR_NS;

/// Lists domains, networks and pools once (one `list_all_*` call each).
///
/// A driver without networks or storage (some remote or embedded ones) yields empty
/// lists for those instead of failing the whole load.
pub fn load_all(conn: &Connect) -> Result<Inventory, Error> {
    let domains = conn
        .list_all_domains(0)?
        .iter()
        .filter_map(|d| domain_summary(d).ok())
        .collect();
    let networks = conn
        .list_all_networks(0)
        .map(|ns| ns.iter().filter_map(|n| network_summary(n).ok()).collect())
        .unwrap_or_default();
    let pools = conn
        .list_all_storage_pools(0)
        .map(|ps| ps.iter().filter_map(|p| pool_summary(p).ok()).collect())
        .unwrap_or_default();
    Ok(Inventory {
        domains,
        networks,
        pools,
    })
}

/// One row's worth of domain data: name and UUID are local, `info()` is one call.
pub fn domain_summary(dom: &Domain) -> Result<DomainSummary, Error> {
    let info = dom.info()?;
    let state = DomainState::from_raw(match info.state {
        virt::enumutil::Enum::Known(s) => virt::enumutil::RawEnum::to_raw(s),
        virt::enumutil::Enum::Unknown(raw) => raw,
    });
    Ok(DomainSummary {
        uuid: dom.uuid_string()?,
        name: dom.name()?,
        id: dom.id(),
        state,
        vcpus: info.nr_virt_cpu,
        memory_kib: info.memory,
        max_memory_kib: info.max_mem,
        labels: DomainLabels::default(),
    })
}

/// A summary with the title and template mark: for a single domain after an event.
pub fn domain_summary_with_labels(dom: &Domain) -> Result<DomainSummary, Error> {
    let mut summary = domain_summary(dom)?;
    summary.labels = domain_labels(dom);
    Ok(summary)
}

/// Title and template mark of every domain, by UUID (see `DomainLabels`). Domains
/// with neither are left out: that is most of them, and the default.
pub fn all_domain_labels(conn: &Connect) -> Result<Vec<(String, DomainLabels)>, Error> {
    Ok(conn
        .list_all_domains(0)?
        .iter()
        .filter_map(|d| {
            let labels = domain_labels(d);
            (labels != DomainLabels::default()).then(|| Some((d.uuid_string().ok()?, labels)))?
        })
        .collect())
}

/// Two metadata reads; a missing title or mark is an error from libvirt, read as none.
fn domain_labels(dom: &Domain) -> DomainLabels {
    let title = dom
        .metadata(virt::sys::VIR_DOMAIN_METADATA_TITLE as i32, None, 0)
        .unwrap_or_default();
    let template = dom
        .metadata(
            virt::sys::VIR_DOMAIN_METADATA_ELEMENT as i32,
            Some(HANGAR_NS),
            0,
        )
        .is_ok_and(|xml| xml.contains("template"));
    DomainLabels { title, template }
}

pub fn network_summary(net: &Network) -> Result<NetworkSummary, Error> {
    Ok(NetworkSummary {
        uuid: net.uuid_string()?,
        name: net.name()?,
        active: net.is_active()?,
        persistent: net.is_persistent()?,
        autostart: net.autostart().unwrap_or(false),
        bridge: net.bridge_name().unwrap_or_default(),
    })
}

pub fn pool_summary(pool: &StoragePool) -> Result<PoolSummary, Error> {
    let info = pool.info()?;
    Ok(PoolSummary {
        uuid: pool.uuid_string()?,
        name: pool.name()?,
        active: pool.is_active()?,
        persistent: pool.is_persistent()?,
        autostart: pool.autostart().unwrap_or(false),
        capacity_bytes: info.capacity,
        allocation_bytes: info.allocation,
        available_bytes: info.available,
    })
}

pub fn host_summary(conn: &Connect) -> HostSummary {
    HostSummary {
        uri: conn.uri().unwrap_or_default(),
        hostname: conn.hostname().unwrap_or_default(),
        driver: conn.driver_type().unwrap_or_default(),
        libvirt_version: conn.lib_version().map(version_string).unwrap_or_default(),
        hypervisor_version: conn.hyp_version().map(version_string).unwrap_or_default(),
    }
}
