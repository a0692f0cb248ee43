//! Virtual networks: reading `virNetworkGetXMLDesc` output and writing the
//! XML for a new network.

use gettextrs::gettext;
use std::net::{IpAddr, Ipv4Addr};

use super::document::Document;
use super::error::XmlError;
use super::tree::Element;

/// How a network reaches the outside. No `<forward>` means isolated;
/// `<forward>` without a mode means NAT (libvirt's rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardMode {
    Isolated,
    Nat,
    Route,
    Open,
    /// Host bridge, macvtap and SR-IOV modes are kept by name.
    Other(String),
}

impl ForwardMode {
    fn from_forward(forward: Option<&Element>) -> Self {
        match forward.map(|f| f.attr("mode").unwrap_or("nat")) {
            None | Some("none") => ForwardMode::Isolated,
            Some("nat") => ForwardMode::Nat,
            Some("route") => ForwardMode::Route,
            Some("open") => ForwardMode::Open,
            Some(other) => ForwardMode::Other(other.to_string()),
        }
    }

    /// The word libvirt uses (`isolated` for no forwarding).
    pub fn as_str(&self) -> &str {
        match self {
            ForwardMode::Isolated => "isolated",
            ForwardMode::Nat => "nat",
            ForwardMode::Route => "route",
            ForwardMode::Open => "open",
            ForwardMode::Other(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpRange {
    pub start: String,
    pub end: String,
}

/// One `<ip>` of a network; a netmask is converted to a prefix length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkIp {
    /// `ipv4` or `ipv6`.
    pub family: String,
    pub address: Option<String>,
    pub prefix: Option<u8>,
    pub dhcp_ranges: Vec<DhcpRange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkXml {
    pub name: String,
    pub uuid: Option<String>,
    pub forward: ForwardMode,
    /// Host interface NAT/route traffic is restricted to (`<forward dev>`).
    pub forward_dev: Option<String>,
    pub bridge: Option<String>,
    pub ips: Vec<NetworkIp>,
    /// DNS domain (`<domain name>`).
    pub domain_name: Option<String>,
}

impl NetworkXml {
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let doc = Document::parse(xml)?;
        let root = doc.expect_root("network")?;
        let name = root
            .child_text("name")
            .ok_or_else(|| XmlError::Missing(gettext("The network's XML has no <name>")))?;
        let forward = root.child("forward");
        let ips = root
            .children_named("ip")
            .map(read_ip)
            .collect::<Result<_, _>>()?;
        Ok(NetworkXml {
            name,
            uuid: root.child_text("uuid"),
            forward: ForwardMode::from_forward(forward),
            forward_dev: forward.and_then(|f| f.attr("dev")).map(str::to_string),
            bridge: root
                .child("bridge")
                .and_then(|b| b.attr("name"))
                .map(str::to_string),
            ips,
            domain_name: root
                .child("domain")
                .and_then(|d| d.attr("name"))
                .map(str::to_string),
        })
    }
}

fn read_ip(ip: &Element) -> Result<NetworkIp, XmlError> {
    let address = ip.attr("address").map(str::to_string);
    let is_v6 =
        ip.attr("family") == Some("ipv6") || address.as_deref().is_some_and(|a| a.contains(':'));
    let prefix = match (ip.attr("prefix"), ip.attr("netmask")) {
        (Some(p), _) => Some(p.trim().parse().map_err(|_| {
            XmlError::invalid(
                gettext("The prefix length “{value}” is not a number from 0 to 128"),
                p,
            )
        })?),
        (None, Some(mask)) => Some(netmask_to_prefix(mask)?),
        (None, None) => None,
    };
    let dhcp_ranges = ip
        .find_all(&["dhcp", "range"])
        .into_iter()
        .map(|r| DhcpRange {
            start: r.attr("start").unwrap_or_default().to_string(),
            end: r.attr("end").unwrap_or_default().to_string(),
        })
        .collect();
    Ok(NetworkIp {
        family: if is_v6 { "ipv6" } else { "ipv4" }.to_string(),
        address,
        prefix,
        dhcp_ranges,
    })
}

/// `255.255.255.0` → 24. Rejects masks whose ones are not contiguous.
pub fn netmask_to_prefix(mask: &str) -> Result<u8, XmlError> {
    let bits = u32::from(mask.trim().parse::<Ipv4Addr>().map_err(|_| {
        XmlError::invalid(
            gettext("The netmask “{value}” is not an IPv4 address"),
            mask,
        )
    })?);
    let prefix = bits.leading_ones();
    if bits.checked_shl(prefix).unwrap_or(0) != 0 {
        return Err(XmlError::invalid(
            gettext("The netmask “{value}” is not valid: its one-bits must be contiguous"),
            mask,
        ));
    }
    Ok(prefix as u8)
}

/// IPv4 settings of a new network: the host's address on it and an
/// optional DHCP range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIpv4 {
    pub address: String,
    pub prefix: u8,
    pub dhcp: Option<DhcpRange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNetwork {
    pub name: String,
    /// Isolated, Nat, Route or Open.
    pub forward: ForwardMode,
    /// Bridge device name such as `virbr5`; libvirt picks one when `None`.
    pub bridge: Option<String>,
    pub ipv4: Option<NewIpv4>,
}

/// Fails with `sentence` (a translated message with `{value}`) unless `value` is IPv4.
fn check_ipv4(value: &str, sentence: impl FnOnce() -> String) -> Result<(), XmlError> {
    match value.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => Ok(()),
        _ => Err(XmlError::invalid(sentence(), value)),
    }
}

/// XML for `virNetworkDefineXML`. Checks the addresses so a typo is
/// reported here, in words, rather than by libvirt.
pub fn new_network_xml(net: &NewNetwork) -> Result<String, XmlError> {
    if net.name.trim().is_empty() {
        return Err(XmlError::Missing(gettext("The network needs a name")));
    }
    let mut root =
        Element::new("network").with_child(Element::new("name").with_text(net.name.clone()));
    if net.forward != ForwardMode::Isolated {
        root.push_child(Element::new("forward").with_attr("mode", net.forward.as_str()));
    }
    if let Some(bridge) = &net.bridge {
        root.push_child(Element::new("bridge").with_attr("name", bridge.clone()));
    }
    if let Some(ip) = &net.ipv4 {
        check_ipv4(&ip.address, || {
            gettext("The address “{value}” is not an IPv4 address")
        })?;
        if ip.prefix > 32 {
            return Err(XmlError::invalid(
                gettext("The prefix length {value} is not valid: IPv4 allows 0 to 32"),
                &ip.prefix.to_string(),
            ));
        }
        let mut el = Element::new("ip")
            .with_attr("address", ip.address.clone())
            .with_attr("prefix", ip.prefix.to_string());
        if let Some(range) = &ip.dhcp {
            check_ipv4(&range.start, || {
                gettext("The start of the DHCP range “{value}” is not an IPv4 address")
            })?;
            check_ipv4(&range.end, || {
                gettext("The end of the DHCP range “{value}” is not an IPv4 address")
            })?;
            let r = Element::new("range")
                .with_attr("start", range.start.clone())
                .with_attr("end", range.end.clone());
            el.push_child(Element::new("dhcp").with_child(r));
        }
        root.push_child(el);
    }
    Ok(Document::new(root).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nat_network_with_netmask_and_ipv6() {
        let n = NetworkXml::parse(include_str!("testdata/network-nat.xml")).unwrap();
        assert_eq!(n.name, "default");
        assert_eq!(
            n.uuid.as_deref(),
            Some("9a05da11-e96b-47f3-8253-a3a482e445f5")
        );
        assert_eq!(n.forward, ForwardMode::Nat);
        assert_eq!(n.bridge.as_deref(), Some("virbr0"));
        assert_eq!(n.domain_name.as_deref(), Some("lab.example"));
        assert_eq!(n.ips.len(), 2);
        assert_eq!(
            (
                n.ips[0].family.as_str(),
                n.ips[0].address.as_deref(),
                n.ips[0].prefix
            ),
            ("ipv4", Some("192.168.122.1"), Some(24))
        );
        assert_eq!(
            n.ips[0].dhcp_ranges,
            [DhcpRange {
                start: "192.168.122.2".into(),
                end: "192.168.122.254".into()
            }]
        );
        assert_eq!(
            (n.ips[1].family.as_str(), n.ips[1].prefix),
            ("ipv6", Some(64))
        );
    }

    #[test]
    fn reads_isolated_and_other_modes() {
        let n = NetworkXml::parse(include_str!("testdata/network-isolated.xml")).unwrap();
        assert_eq!(
            (n.name.as_str(), n.forward.as_str()),
            ("隔离 & lab", "isolated")
        );
        assert_eq!(n.ips[0].prefix, Some(20));
        let n = NetworkXml::parse(
            "<network><name>b</name><forward mode='bridge'/><bridge name='br0'/></network>",
        )
        .unwrap();
        assert_eq!(n.forward, ForwardMode::Other("bridge".into()));
        let n =
            NetworkXml::parse("<network><name>n</name><forward dev='eth0'/></network>").unwrap();
        assert_eq!(
            (n.forward, n.forward_dev.as_deref()),
            (ForwardMode::Nat, Some("eth0"))
        );
        assert!(NetworkXml::parse("<network/>").is_err());
    }

    #[test]
    fn netmasks_become_prefixes() {
        assert_eq!(netmask_to_prefix("255.255.255.0").unwrap(), 24);
        assert_eq!(netmask_to_prefix("255.255.240.0").unwrap(), 20);
        assert_eq!(netmask_to_prefix("255.255.255.255").unwrap(), 32);
        assert_eq!(netmask_to_prefix("0.0.0.0").unwrap(), 0);
        assert_eq!(
            netmask_to_prefix("255.0.255.0").unwrap_err().to_string(),
            "The netmask “255.0.255.0” is not valid: its one-bits must be contiguous"
        );
        assert!(netmask_to_prefix("255.255.255").is_err());
    }

    #[test]
    fn builds_networks_that_read_back() {
        let net = NewNetwork {
            name: "实验 <lab> & 'co'".into(),
            forward: ForwardMode::Nat,
            bridge: Some("virbr7".into()),
            ipv4: Some(NewIpv4 {
                address: "10.7.0.1".into(),
                prefix: 24,
                dhcp: Some(DhcpRange {
                    start: "10.7.0.100".into(),
                    end: "10.7.0.200".into(),
                }),
            }),
        };
        let xml = new_network_xml(&net).unwrap();
        assert_eq!(
            xml,
            "<network>\n  <name>实验 &lt;lab&gt; &amp; 'co'</name>\n  <forward mode='nat'/>\n  <bridge name='virbr7'/>\n  \
             <ip address='10.7.0.1' prefix='24'>\n    <dhcp>\n      <range start='10.7.0.100' end='10.7.0.200'/>\n    \
             </dhcp>\n  </ip>\n</network>\n"
        );
        let back = NetworkXml::parse(&xml).unwrap();
        assert_eq!(
            (back.name.as_str(), back.forward, back.ips[0].prefix),
            (net.name.as_str(), ForwardMode::Nat, Some(24))
        );
        assert_eq!(back.ips[0].dhcp_ranges[0].end, "10.7.0.200");

        let isolated = NewNetwork {
            name: "iso".into(),
            forward: ForwardMode::Isolated,
            bridge: None,
            ipv4: None,
        };
        let xml = new_network_xml(&isolated).unwrap();
        assert_eq!(xml, "<network>\n  <name>iso</name>\n</network>\n");
        assert_eq!(
            NetworkXml::parse(&xml).unwrap().forward,
            ForwardMode::Isolated
        );
        for mode in [ForwardMode::Route, ForwardMode::Open] {
            let xml = new_network_xml(&NewNetwork {
                forward: mode.clone(),
                ..isolated.clone()
            })
            .unwrap();
            assert_eq!(NetworkXml::parse(&xml).unwrap().forward, mode);
        }

        let bad = NewNetwork {
            ipv4: Some(NewIpv4 {
                address: "10.0.0.300".into(),
                prefix: 24,
                dhcp: None,
            }),
            ..net
        };
        assert_eq!(
            new_network_xml(&bad).unwrap_err().to_string(),
            "The address “10.0.0.300” is not an IPv4 address"
        );
    }
}
