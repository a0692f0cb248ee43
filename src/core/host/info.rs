//! `virsh nodeinfo`, `virsh version` and the host CPU model. Worker only.

use virt::connect::Connect;

use crate::core::error::UserError;
use crate::core::model::version_string;
use crate::core::xml::Document;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostInfo {
    pub hostname: String,
    pub libvirt_version: String,
    pub driver: String,
    pub hypervisor_version: String,
    /// The processor's name: libvirt's vendor and model from the capabilities (the
    /// report puts the kernel's name for it first on a local host). None when the
    /// driver names no model (the test driver).
    pub cpu_model: Option<String>,
    /// `virNodeGetInfo`'s "model", which is really the architecture (x86_64).
    pub arch: String,
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
        cpu_model: None,
        arch: node.model.clone(),
        cpus: node.cpus,
        mhz: node.mhz,
        numa_nodes: node.nodes,
        sockets: node.sockets,
        cores: node.cores,
        threads: node.threads,
        memory_kib: node.memory,
        capabilities_xml: conn.capabilities().unwrap_or_default(),
    }
    .with_cpu_model_from_capabilities())
}

impl HostInfo {
    fn with_cpu_model_from_capabilities(mut self) -> Self {
        self.cpu_model = cpu_name(&self.capabilities_xml);
        self
    }
}

/// "AMD kvm64" from `<capabilities><host><cpu><vendor>AMD</vendor><model>kvm64</model>`:
/// the named CPU model libvirt found closest to the host's.
pub fn cpu_name(capabilities_xml: &str) -> Option<String> {
    let doc = Document::parse(capabilities_xml).ok()?;
    let cpu = doc.root().child("host")?.child("cpu")?;
    let model = cpu.child("model")?.text();
    let model = model.trim();
    if model.is_empty() {
        return None;
    }
    Some(match cpu.child("vendor").map(|v| v.text()) {
        Some(vendor) if !vendor.trim().is_empty() => format!("{} {model}", vendor.trim()),
        _ => model.to_string(),
    })
}

/// The processor's name as the kernel gives it ("model name" in /proc/cpuinfo), which
/// is what the vendor sells it as; only meaningful for the host Hangar runs on.
pub fn local_cpu_name() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name" && !value.trim().is_empty()).then(|| value.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::cpu_name;

    #[test]
    fn the_cpu_is_named_by_vendor_and_model() {
        let caps = "<capabilities><host><uuid>x</uuid><cpu><arch>x86_64</arch>\
                    <model>EPYC-Rome</model><vendor>AMD</vendor><feature name='svm'/></cpu>\
                    </host><guest/></capabilities>";
        assert_eq!(cpu_name(caps).as_deref(), Some("AMD EPYC-Rome"));
        let no_vendor = "<capabilities><host><cpu><model>kvm64</model></cpu></host></capabilities>";
        assert_eq!(cpu_name(no_vendor).as_deref(), Some("kvm64"));
    }

    #[test]
    fn a_driver_that_names_no_model_gives_none() {
        let caps = "<capabilities><host><cpu><arch>i686</arch></cpu></host></capabilities>";
        assert_eq!(cpu_name(caps), None);
        assert_eq!(cpu_name("not xml"), None);
    }
}
