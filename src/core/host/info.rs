//! `virsh nodeinfo`, `virsh version` and the host CPU model. Worker only.

use virt::connect::Connect;

use crate::core::error::UserError;
use crate::core::model::version_string;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostInfo {
    pub hostname: String,
    pub libvirt_version: String,
    pub driver: String,
    pub hypervisor_version: String,
    pub cpu_model: String,
    pub cpus: u32,
    pub mhz: u32,
    pub numa_nodes: u32,
    pub sockets: u32,
    pub cores: u32,
    pub threads: u32,
    pub memory_kib: u64,
    /// The host's capabilities XML (for the acceleration check).
    pub capabilities_xml: String,
}

pub fn host_info(conn: &Connect) -> Result<HostInfo, UserError> {
    let node = conn.node_info()?;
    Ok(HostInfo {
        hostname: conn.hostname().unwrap_or_default(),
        libvirt_version: conn.lib_version().map(version_string).unwrap_or_default(),
        driver: conn.driver_type().unwrap_or_default(),
        hypervisor_version: conn.hyp_version().map(version_string).unwrap_or_default(),
        cpu_model: node.model.clone(),
        cpus: node.cpus,
        mhz: node.mhz,
        numa_nodes: node.nodes,
        sockets: node.sockets,
        cores: node.cores,
        threads: node.threads,
        memory_kib: node.memory,
        capabilities_xml: conn.capabilities().unwrap_or_default(),
    })
}
