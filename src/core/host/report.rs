//! Everything the Host page shows, in one worker job.

use virt::connect::Connect;

use super::acceleration::{assess, Acceleration, LocalProbe};
use super::info::{host_info, local_cpu_name, HostInfo};
use crate::core::error::UserError;

#[derive(Debug, Clone)]
pub struct HostInterface {
    pub name: String,
    pub mac: String,
    pub active: bool,
    pub is_bridge: bool,
}

#[derive(Debug, Clone)]
pub struct HostReport {
    pub info: HostInfo,
    pub acceleration: Acceleration,
    pub interfaces: Vec<HostInterface>,
}

/// True for URIs that reach the hypervisor on this very machine (no host part), where
/// /proc, /sys and /dev describe the host.
pub fn is_local_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return false;
    };
    let transport_local = !scheme.contains('+') || scheme.ends_with("+unix");
    transport_local && rest.starts_with('/')
}

pub fn report(conn: &Connect, uri: &str) -> Result<HostReport, UserError> {
    let mut info = host_info(conn)?;
    let kvm = conn
        .domain_capabilities(None, None, None, Some("kvm"), 0)
        .is_ok();
    let local = is_local_uri(uri).then(LocalProbe::read);
    if local.is_some() && info.cpu_model.is_some() {
        // libvirt names the nearest CPU model it knows ("kvm64" in a VM); the kernel
        // knows the name the processor is sold under. (A driver that names no model,
        // like the test driver, describes no real processor.)
        if let Some(name) = local_cpu_name() {
            info.cpu_model = Some(name);
        }
    }
    let acceleration = assess(&info.capabilities_xml, kvm, local.as_ref());
    let interfaces = match conn.list_all_interfaces(0) {
        Ok(list) if !list.is_empty() => list
            .iter()
            .map(|i| HostInterface {
                name: i.name().unwrap_or_default(),
                mac: i.mac_string().unwrap_or_default(),
                active: i.is_active().unwrap_or(false),
                is_bridge: i
                    .xml_desc(0)
                    .map(|x| x.contains("type='bridge'"))
                    .unwrap_or(false),
            })
            .collect(),
        // Many hosts have no interface backend in libvirt; locally /sys knows.
        _ if local.is_some() => local_interfaces(),
        _ => Vec::new(),
    };
    Ok(HostReport {
        info,
        acceleration,
        interfaces,
    })
}

fn local_interfaces() -> Vec<HostInterface> {
    let Ok(dir) = std::fs::read_dir("/sys/class/net") else {
        return Vec::new();
    };
    let mut out: Vec<HostInterface> = dir
        .filter_map(|e| e.ok())
        .map(|e| {
            let path = e.path();
            let read = |f: &str| {
                std::fs::read_to_string(path.join(f))
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            HostInterface {
                name: e.file_name().to_string_lossy().into_owned(),
                mac: read("address"),
                active: read("operstate") == "up" || read("operstate") == "unknown",
                is_bridge: path.join("bridge").exists(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_means_no_host_part() {
        assert!(super::is_local_uri("qemu:///system"));
        assert!(super::is_local_uri("qemu+unix:///system?socket=/tmp/s"));
        assert!(super::is_local_uri("test:///default"));
        assert!(!super::is_local_uri("qemu+ssh://root@kvm1/system"));
        assert!(!super::is_local_uri("qemu+tls://kvm1/system"));
    }
}
