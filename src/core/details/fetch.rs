//! Everything the details view shows, read in one worker job.

use std::collections::HashMap;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::disk_chain::fill_missing_chains;
use super::state_reason::state_reason_text;
use crate::core::error::UserError;
use crate::core::inventory::domain_summary;
use crate::core::model::DomainSummary;
use crate::core::xml::DomainXml;

/// Size of a disk as the hypervisor sees it (`virsh domblkinfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskUsage {
    pub capacity: u64,
    pub allocation: u64,
}

#[derive(Debug, Clone)]
pub struct DomainDetails {
    pub summary: DomainSummary,
    /// Why it is in its state, in words ("forced off"), possibly empty.
    pub state_reason: String,
    pub persistent: bool,
    pub autostart: bool,
    /// The running configuration when active, else the stored one.
    pub live: DomainXml,
    /// The stored definition, used at the next boot: differs from `live` after a
    /// change that applies "at next boot".
    pub config: DomainXml,
    /// The XML a person edits: the stored definition (`virsh edit` shows the same).
    pub config_xml: String,
    /// Per disk target ("vda"): size as the hypervisor reports it, where it can.
    pub disk_usage: HashMap<String, DiskUsage>,
    /// Per MAC address: the guest's IP addresses, from DHCP leases or the agent.
    pub addresses: HashMap<String, Vec<String>>,
}

pub fn fetch(conn: &Connect, uuid: &str) -> Result<DomainDetails, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let summary = domain_summary(&dom)?;
    let (_, reason) = dom.state()?;
    let live_xml = dom.xml_desc(0)?;
    let persistent = dom.is_persistent()?;
    let config_xml = if persistent {
        dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)?
    } else {
        live_xml.clone()
    };
    let mut live = DomainXml::parse(&live_xml).map_err(|e| UserError::invalid(e.to_string()))?;
    // A shut-off domain's XML names no backing layers: read them from the images.
    fill_missing_chains(conn, &mut live.disks);
    let config = DomainXml::parse(&config_xml).map_err(|e| UserError::invalid(e.to_string()))?;
    let disk_usage = live
        .disks
        .iter()
        // An empty CD-ROM drive has no size (QEMU reports 0 of 0 bytes).
        .filter(|d| !d.source.is_empty())
        .filter_map(|d| {
            let target = d.target_dev.clone()?;
            // Unsupported by some drivers.
            let info = dom.block_info(&target, 0).ok()?;
            Some((
                target,
                DiskUsage {
                    capacity: info.capacity,
                    allocation: info.allocation,
                },
            ))
        })
        .collect();
    let addresses = if summary.state.is_active() {
        guest_addresses(&dom)
    } else {
        HashMap::new()
    };
    Ok(DomainDetails {
        state_reason: state_reason_text(&reason),
        autostart: dom.autostart().unwrap_or(false),
        persistent,
        live,
        config,
        config_xml,
        disk_usage,
        addresses,
        summary,
    })
}

/// IP addresses per MAC: DHCP leases of libvirt networks first, then the guest agent.
fn guest_addresses(dom: &Domain) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for source in [
        sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
        sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT,
    ] {
        let Ok(ifaces) = dom.interface_addresses(source, 0) else {
            continue;
        };
        for iface in ifaces {
            let Some(mac) = iface.hwaddr else { continue };
            let entry = out.entry(mac.to_lowercase()).or_default();
            for addr in iface.addrs {
                let text = format!("{}/{}", addr.addr, addr.prefix);
                if !entry.contains(&text) {
                    entry.push(text);
                }
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}
