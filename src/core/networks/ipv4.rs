//! IPv4 subnets as people type them: `10.213.5.0/24`, `10.213.5.1/24` or
//! `10.213.5.0/255.255.255.0`.

use std::fmt;
use std::net::Ipv4Addr;

use gettextrs::gettext;

use crate::core::xml::netmask_to_prefix;

/// An address with a prefix length. `addr` keeps what was typed (it may be a host
/// address inside the subnet rather than the network address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Net {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Ipv4Net {
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Self {
        Ipv4Net {
            addr,
            prefix: prefix.min(32),
        }
    }

    /// Parses `a.b.c.d/len` or `a.b.c.d/netmask`. The message is for a person.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let Some((addr, len)) = text.split_once('/') else {
            return Err(gettext(
                "Write the network with its prefix length, for example 10.213.5.0/24",
            ));
        };
        let addr: Ipv4Addr = addr
            .trim()
            .parse()
            .map_err(|_| gettext("“{value}” is not an IPv4 address").replace("{value}", addr))?;
        let len = len.trim();
        let prefix = if len.contains('.') {
            netmask_to_prefix(len).map_err(|e| e.to_string())?
        } else {
            match len.parse::<u8>() {
                Ok(p) if p <= 32 => p,
                _ => {
                    return Err(gettext("The prefix length must be a number from 0 to 32"));
                }
            }
        };
        Ok(Ipv4Net { addr, prefix })
    }

    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    pub fn network(self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }

    pub fn broadcast(self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) | !self.mask())
    }

    /// The subnet itself: the network address with the prefix.
    pub fn trunc(self) -> Ipv4Net {
        Ipv4Net::new(self.network(), self.prefix)
    }

    pub fn contains(self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == u32::from(self.network())
    }

    /// True when one subnet contains the other (IPv4 subnets never partly overlap).
    pub fn overlaps(self, other: Ipv4Net) -> bool {
        let shorter = self.prefix.min(other.prefix);
        let mask = Ipv4Net::new(self.addr, shorter).mask();
        u32::from(self.addr) & mask == u32::from(other.addr) & mask
    }

    /// The first address after the network address (the usual gateway).
    pub fn first_host(self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network()).wrapping_add(1))
    }
}

impl fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_and_netmasks() {
        let n = Ipv4Net::parse(" 10.213.5.7/24 ").unwrap();
        assert_eq!(n.network(), Ipv4Addr::new(10, 213, 5, 0));
        assert_eq!(n.broadcast(), Ipv4Addr::new(10, 213, 5, 255));
        assert_eq!(n.first_host(), Ipv4Addr::new(10, 213, 5, 1));
        assert_eq!(n.trunc().to_string(), "10.213.5.0/24");
        assert_eq!(Ipv4Net::parse("10.0.0.0/255.255.0.0").unwrap().prefix, 16);
        assert!(Ipv4Net::parse("10.0.0.0").is_err());
        assert!(Ipv4Net::parse("10.0.0/24").is_err());
        assert!(Ipv4Net::parse("10.0.0.0/33").is_err());
        assert_eq!(Ipv4Net::parse("0.0.0.0/0").unwrap().mask(), 0);
    }

    #[test]
    fn overlap_is_containment_either_way() {
        let a = Ipv4Net::parse("10.213.0.0/16").unwrap();
        let b = Ipv4Net::parse("10.213.5.0/24").unwrap();
        let c = Ipv4Net::parse("10.214.5.0/24").unwrap();
        assert!(a.overlaps(b) && b.overlaps(a));
        assert!(!b.overlaps(c) && !a.overlaps(c));
        assert!(b.contains(Ipv4Addr::new(10, 213, 5, 200)));
        assert!(!b.contains(Ipv4Addr::new(10, 213, 6, 1)));
    }
}
