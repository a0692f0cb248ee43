//! What a new network must not collide with: the names, bridges and IPv4 subnets of
//! the host's networks, and the addresses of the host's own interfaces. Blocks on
//! libvirt (and, for a local host, runs `ip`): worker only.

use crate::core::host::is_local_uri;
use std::process::Command;

use gettextrs::gettext;
use virt::connect::Connect;

use super::ipv4::Ipv4Net;
use super::plan::{SubnetOwner, Taken, TakenSubnet};
use crate::core::error::UserError;
use crate::core::xml::{Document, NetworkXml};

/// Everything taken on the host, and a note for the person when the host's own
/// interfaces could not be checked.
pub fn gather(conn: &Connect) -> Result<(Taken, Option<String>), UserError> {
    let mut taken = Taken::default();
    for net in conn.list_all_networks(0)? {
        let name = net.name()?;
        if let Ok(xml) = net.xml_desc(0) {
            if let Ok(parsed) = NetworkXml::parse(&xml) {
                taken.bridges.extend(parsed.bridge.clone());
                for ip in parsed.ips.iter().filter(|i| i.family == "ipv4") {
                    if let (Some(addr), Some(prefix)) = (&ip.address, ip.prefix) {
                        if let Ok(addr) = addr.parse() {
                            taken.subnets.push(TakenSubnet {
                                owner: SubnetOwner::Network(name.clone()),
                                net: Ipv4Net::new(addr, prefix),
                            });
                        }
                    }
                }
            }
        }
        taken.names.push(name);
    }
    let uri = conn.uri().unwrap_or_default();
    let (host, note) = host_subnets(conn, &uri);
    taken.subnets.extend(host);
    Ok((taken, note))
}

/// The host's interface addresses: from libvirt's interface driver where it has
/// one, else (local, real hosts only) from `ip -o -4 addr show`.
fn host_subnets(conn: &Connect, uri: &str) -> (Vec<TakenSubnet>, Option<String>) {
    if let Ok(ifaces) = conn.list_all_interfaces(virt::sys::VIR_CONNECT_LIST_INTERFACES_ACTIVE) {
        let mut out = Vec::new();
        for iface in ifaces {
            if let Ok(xml) = iface.xml_desc(0) {
                out.extend(interface_subnets(&xml));
            }
        }
        if !out.is_empty() || uri.starts_with("test:") {
            return (out, None);
        }
    }
    if uri.starts_with("test:") {
        return (Vec::new(), None);
    }
    if !is_local_uri(uri) {
        return (
            Vec::new(),
            Some(gettext(
                "The remote host's own interface addresses could not be checked",
            )),
        );
    }
    match Command::new("ip")
        .args(["-o", "-4", "addr", "show"])
        .output()
    {
        Ok(out) if out.status.success() => {
            (parse_ip_addr(&String::from_utf8_lossy(&out.stdout)), None)
        }
        _ => (
            Vec::new(),
            Some(gettext(
                "The host's own interface addresses could not be read (is “ip” installed?)",
            )),
        ),
    }
}

/// Addresses in a `virInterfaceGetXMLDesc` document (bridges nest interfaces).
pub fn interface_subnets(xml: &str) -> Vec<TakenSubnet> {
    let Ok(doc) = Document::parse(xml) else {
        return Vec::new();
    };
    let root = doc.root();
    let name = root.attr("name").unwrap_or_default().to_string();
    root.find_all(&["protocol", "ip"])
        .into_iter()
        .filter_map(|ip| {
            let addr = ip.attr("address")?.parse().ok()?;
            let prefix = ip.attr("prefix")?.parse().ok()?;
            Some(TakenSubnet {
                owner: SubnetOwner::HostInterface(name.clone()),
                net: Ipv4Net::new(addr, prefix),
            })
        })
        .collect()
}

/// Lines of `ip -o -4 addr show`:
/// `2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0\ …`
pub fn parse_ip_addr(text: &str) -> Vec<TakenSubnet> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let _index = words.next()?;
            let name = words.next()?.trim_end_matches(':');
            let name = name.split('@').next().unwrap_or(name);
            if words.next()? != "inet" {
                return None;
            }
            let net = Ipv4Net::parse(words.next()?).ok()?;
            if net.addr.is_loopback() {
                return None;
            }
            Some(TakenSubnet {
                owner: SubnetOwner::HostInterface(name.to_string()),
                net,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ip_output_without_loopback() {
        let text = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                    2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0\\       valid_lft forever\n\
                    5: veth1@if4    inet 172.17.0.2/16 scope global veth1\n";
        let subnets = parse_ip_addr(text);
        assert_eq!(subnets.len(), 2);
        assert_eq!(subnets[0].owner, SubnetOwner::HostInterface("eth0".into()));
        assert_eq!(subnets[0].net.to_string(), "10.0.2.15/24");
        assert_eq!(subnets[1].owner, SubnetOwner::HostInterface("veth1".into()));
    }

    #[test]
    fn reads_interface_xml() {
        let xml = "<interface type='ethernet' name='eth1'><protocol family='ipv4'>\
                   <ip address='192.168.0.5' prefix='24'/></protocol></interface>";
        let s = interface_subnets(xml);
        assert_eq!(s[0].net.to_string(), "192.168.0.5/24");
        assert_eq!(s[0].owner, SubnetOwner::HostInterface("eth1".into()));
    }

    #[test]
    fn local_uris() {}
}
