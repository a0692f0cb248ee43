//! Checking a new network before anything is defined. Pure: the caller gathers what
//! is taken on the host (`taken.rs`) and this module says, field by field, what is
//! wrong, or returns the network to define.

use std::net::Ipv4Addr;

use gettextrs::gettext;

use super::ipv4::Ipv4Net;
use crate::core::xml::{DhcpRange, ForwardMode, NewIpv4, NewNetwork};

/// The fields of the "New network" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetField {
    Name,
    Bridge,
    Subnet,
    DhcpStart,
    DhcpEnd,
}

/// What is wrong with one field, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: NetField,
    pub message: String,
}

/// The form as typed. Empty strings mean "not given".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkForm {
    pub name: String,
    /// Nat, Route, Isolated or Open.
    pub forward: ForwardMode,
    pub bridge: String,
    /// `10.213.5.0/24` (the host gets the first address) or `10.213.5.1/24` (the
    /// host gets that address).
    pub subnet: String,
    pub dhcp_start: String,
    pub dhcp_end: String,
}

/// Who already uses a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubnetOwner {
    Network(String),
    HostInterface(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenSubnet {
    pub owner: SubnetOwner,
    pub net: Ipv4Net,
}

/// What exists on the host already.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    pub names: Vec<String>,
    pub bridges: Vec<String>,
    pub subnets: Vec<TakenSubnet>,
}

/// Linux limits interface names to 15 bytes.
const IFNAMSIZ: usize = 15;

fn err(field: NetField, message: String) -> FieldError {
    FieldError { field, message }
}

/// A name libvirt and the person's file system will accept.
pub fn check_object_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(gettext("Enter a name"));
    }
    if name.contains('/') {
        return Err(gettext("A name cannot contain “/”"));
    }
    if name.chars().any(char::is_control) {
        return Err(gettext("A name cannot contain control characters"));
    }
    Ok(())
}

fn check_bridge(bridge: &str, taken: &Taken) -> Result<(), String> {
    if bridge.len() > IFNAMSIZ {
        return Err(gettext("A bridge name has at most 15 characters"));
    }
    if bridge.contains(|c: char| c == '/' || c == ':' || c.is_whitespace()) || bridge == "." {
        return Err(gettext("A bridge name cannot contain “/”, “:” or spaces"));
    }
    if taken.bridges.iter().any(|b| b == bridge) {
        return Err(
            gettext("The bridge “{name}” is used by another network").replace("{name}", bridge)
        );
    }
    Ok(())
}

fn overlap_message(net: Ipv4Net, other: &TakenSubnet) -> String {
    let text = match &other.owner {
        SubnetOwner::Network(name) => {
            gettext("{subnet} overlaps the network “{name}” ({other})").replace("{name}", name)
        }
        SubnetOwner::HostInterface(name) => {
            gettext("{subnet} overlaps the host interface {name} ({other})").replace("{name}", name)
        }
    };
    text.replace("{subnet}", &net.trunc().to_string())
        .replace("{other}", &other.net.to_string())
}

fn parse_in_subnet(
    field: NetField,
    text: &str,
    net: Option<Ipv4Net>,
) -> Result<Option<Ipv4Addr>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let ip: Ipv4Addr = text.parse().map_err(|_| {
        err(
            field,
            gettext("“{value}” is not an IPv4 address").replace("{value}", text),
        )
    })?;
    if let Some(net) = net {
        if !net.contains(ip) {
            return Err(err(
                field,
                gettext("{address} is outside the network {subnet}")
                    .replace("{address}", text)
                    .replace("{subnet}", &net.trunc().to_string()),
            ));
        }
        if ip == net.network() || (net.prefix < 31 && ip == net.broadcast()) {
            return Err(err(
                field,
                gettext("{address} is the network's own or broadcast address")
                    .replace("{address}", text),
            ));
        }
    }
    Ok(Some(ip))
}

/// Checks the form against itself and against what is taken. Every problem is
/// reported at once, each on its field.
pub fn plan_network(form: &NetworkForm, taken: &Taken) -> Result<NewNetwork, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    match check_object_name(name) {
        Err(m) => errors.push(err(NetField::Name, m)),
        Ok(()) if taken.names.iter().any(|n| n == name) => errors.push(err(
            NetField::Name,
            gettext("A network called “{name}” already exists").replace("{name}", name),
        )),
        Ok(()) => {}
    }
    let bridge = form.bridge.trim();
    if !bridge.is_empty() {
        if let Err(m) = check_bridge(bridge, taken) {
            errors.push(err(NetField::Bridge, m));
        }
    }
    if matches!(form.forward, ForwardMode::Other(_)) {
        errors.push(err(
            NetField::Name,
            gettext("Choose NAT, routed, isolated or open"),
        ));
    }

    let subnet_text = form.subnet.trim();
    let mut net = None;
    if subnet_text.is_empty() {
        if form.forward != ForwardMode::Isolated {
            errors.push(err(
                NetField::Subnet,
                gettext("This kind of network needs an IPv4 network, for example 10.213.5.0/24"),
            ));
        }
    } else {
        match Ipv4Net::parse(subnet_text) {
            Err(m) => errors.push(err(NetField::Subnet, m)),
            Ok(n) if n.prefix > 30 => errors.push(err(
                NetField::Subnet,
                gettext("The network is too small: use a prefix length of 30 or less"),
            )),
            Ok(n) => {
                let n = if n.addr == n.network() {
                    Ipv4Net::new(n.first_host(), n.prefix)
                } else {
                    n
                };
                if n.addr == n.broadcast() {
                    errors.push(err(
                        NetField::Subnet,
                        gettext("{address} is the broadcast address of the network")
                            .replace("{address}", &n.addr.to_string()),
                    ));
                } else if let Some(other) = taken.subnets.iter().find(|t| t.net.overlaps(n)) {
                    errors.push(err(NetField::Subnet, overlap_message(n, other)));
                }
                net = Some(n);
            }
        }
    }

    let start = parse_in_subnet(NetField::DhcpStart, &form.dhcp_start, net);
    let end = parse_in_subnet(NetField::DhcpEnd, &form.dhcp_end, net);
    let mut dhcp = None;
    match (start, end) {
        (Ok(Some(s)), Ok(Some(e))) => {
            if u32::from(s) > u32::from(e) {
                errors.push(err(
                    NetField::DhcpEnd,
                    gettext("The range ends before it starts"),
                ));
            } else if let Some(n) =
                net.filter(|n| (u32::from(s)..=u32::from(e)).contains(&u32::from(n.addr)))
            {
                errors.push(err(
                    NetField::DhcpStart,
                    gettext("The range includes the host's own address {address}")
                        .replace("{address}", &n.addr.to_string()),
                ));
            } else if net.is_none() && subnet_text.is_empty() {
                errors.push(err(
                    NetField::Subnet,
                    gettext("A DHCP range needs an IPv4 network"),
                ));
            } else {
                dhcp = Some(DhcpRange {
                    start: s.to_string(),
                    end: e.to_string(),
                });
            }
        }
        (Ok(None), Ok(None)) => {}
        (s, e) => {
            for (result, field) in [(s, NetField::DhcpStart), (e, NetField::DhcpEnd)] {
                match result {
                    Err(e) => errors.push(e),
                    Ok(None) => errors.push(err(
                        field,
                        gettext("Give both ends of the DHCP range, or neither"),
                    )),
                    Ok(Some(_)) => {}
                }
            }
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewNetwork {
        name: name.to_string(),
        forward: form.forward.clone(),
        bridge: (!bridge.is_empty()).then(|| bridge.to_string()),
        ipv4: net.map(|n| NewIpv4 {
            address: n.addr.to_string(),
            prefix: n.prefix,
            dhcp,
        }),
    })
}

/// A DHCP range for a subnet, to pre-fill the form: from the second usable address
/// to the last.
pub fn suggested_range(subnet: &str) -> Option<(String, String)> {
    let n = Ipv4Net::parse(subnet).ok()?;
    if n.prefix > 29 {
        return None;
    }
    let host = if n.addr == n.network() {
        n.first_host()
    } else {
        n.addr
    };
    let first = u32::from(n.network()) + 1;
    let last = u32::from(n.broadcast()) - 1;
    let start = if u32::from(host) == first {
        first + 1
    } else {
        first
    };
    let end = if u32::from(host) == last {
        last - 1
    } else {
        last
    };
    Some((
        Ipv4Addr::from(start).to_string(),
        Ipv4Addr::from(end).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NetworkForm {
        NetworkForm {
            name: "lab".into(),
            forward: ForwardMode::Nat,
            bridge: String::new(),
            subnet: "10.213.5.0/24".into(),
            dhcp_start: "10.213.5.100".into(),
            dhcp_end: "10.213.5.200".into(),
        }
    }

    fn taken() -> Taken {
        Taken {
            names: vec!["default".into()],
            bridges: vec!["virbr0".into()],
            subnets: vec![
                TakenSubnet {
                    owner: SubnetOwner::Network("default".into()),
                    net: Ipv4Net::parse("192.168.122.1/24").unwrap(),
                },
                TakenSubnet {
                    owner: SubnetOwner::HostInterface("eth0".into()),
                    net: Ipv4Net::parse("10.0.2.15/24").unwrap(),
                },
            ],
        }
    }

    fn fields(form: &NetworkForm) -> Vec<(NetField, String)> {
        plan_network(form, &taken())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_good_form_becomes_a_network_with_the_first_host_address() {
        let net = plan_network(&form(), &taken()).unwrap();
        let ip = net.ipv4.unwrap();
        assert_eq!((ip.address.as_str(), ip.prefix), ("10.213.5.1", 24));
        assert_eq!(ip.dhcp.unwrap().end, "10.213.5.200");
        assert_eq!(net.forward, ForwardMode::Nat);
        assert_eq!(net.bridge, None);
        let typed_host = NetworkForm {
            subnet: "10.213.5.254/24".into(),
            ..form()
        };
        let ip = plan_network(&typed_host, &taken()).unwrap().ipv4.unwrap();
        assert_eq!(ip.address, "10.213.5.254");
    }

    #[test]
    fn overlapping_subnets_are_refused_naming_the_owner() {
        let f = NetworkForm {
            subnet: "192.168.0.0/16".into(),
            dhcp_start: String::new(),
            dhcp_end: String::new(),
            ..form()
        };
        assert_eq!(
            fields(&f),
            [(
                NetField::Subnet,
                "192.168.0.0/16 overlaps the network “default” (192.168.122.1/24)".to_string()
            )]
        );
        let f = NetworkForm {
            subnet: "10.0.2.0/25".into(),
            dhcp_start: String::new(),
            dhcp_end: String::new(),
            ..form()
        };
        assert_eq!(
            fields(&f)[0].1,
            "10.0.2.0/25 overlaps the host interface eth0 (10.0.2.15/24)"
        );
    }

    #[test]
    fn a_range_outside_the_subnet_is_refused_on_its_field() {
        let f = NetworkForm {
            dhcp_end: "10.213.6.10".into(),
            ..form()
        };
        assert_eq!(
            fields(&f),
            [(
                NetField::DhcpEnd,
                "10.213.6.10 is outside the network 10.213.5.0/24".to_string()
            )]
        );
        let reversed = NetworkForm {
            dhcp_start: "10.213.5.200".into(),
            dhcp_end: "10.213.5.100".into(),
            ..form()
        };
        assert_eq!(fields(&reversed)[0].0, NetField::DhcpEnd);
        let with_gateway = NetworkForm {
            dhcp_start: "10.213.5.1".into(),
            ..form()
        };
        assert_eq!(fields(&with_gateway)[0].0, NetField::DhcpStart);
        let half = NetworkForm {
            dhcp_end: String::new(),
            ..form()
        };
        assert_eq!(fields(&half)[0].0, NetField::DhcpEnd);
        let broadcast = NetworkForm {
            dhcp_end: "10.213.5.255".into(),
            ..form()
        };
        assert_eq!(fields(&broadcast)[0].0, NetField::DhcpEnd);
    }

    #[test]
    fn names_and_bridges_are_checked() {
        let f = NetworkForm {
            name: "default".into(),
            bridge: "virbr0".into(),
            ..form()
        };
        let errs = fields(&f);
        assert_eq!(
            errs[0],
            (
                NetField::Name,
                "A network called “default” already exists".to_string()
            )
        );
        assert_eq!(errs[1].0, NetField::Bridge);
        let f = NetworkForm {
            name: "a/b".into(),
            bridge: "a-very-long-bridge-name".into(),
            ..form()
        };
        let errs = fields(&f);
        assert_eq!(
            errs[0],
            (NetField::Name, "A name cannot contain “/”".to_string())
        );
        assert_eq!(errs[1].0, NetField::Bridge);
        assert_eq!(
            fields(&NetworkForm {
                name: " ".into(),
                ..form()
            })[0]
                .0,
            NetField::Name
        );
    }

    #[test]
    fn isolated_networks_may_have_no_address_but_nat_needs_one() {
        let f = NetworkForm {
            forward: ForwardMode::Isolated,
            subnet: String::new(),
            dhcp_start: String::new(),
            dhcp_end: String::new(),
            ..form()
        };
        assert_eq!(plan_network(&f, &taken()).unwrap().ipv4, None);
        let nat = NetworkForm {
            forward: ForwardMode::Nat,
            ..f
        };
        assert_eq!(fields(&nat)[0].0, NetField::Subnet);
    }

    #[test]
    fn ranges_are_suggested_around_the_host_address() {
        assert_eq!(
            suggested_range("10.213.5.0/24"),
            Some(("10.213.5.2".into(), "10.213.5.254".into()))
        );
        assert_eq!(
            suggested_range("10.213.5.254/24"),
            Some(("10.213.5.1".into(), "10.213.5.253".into()))
        );
        assert_eq!(suggested_range("nonsense"), None);
    }
}
