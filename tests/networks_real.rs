//! What the test driver only pretends, for networks: on the real libvirtd
//! (qemu:///system), an isolated network on a private subnet really starts (with
//! dnsmasq) and answers for its DHCP leases, and subnets that overlap another
//! network or one of the host's own interfaces are refused.
//!
//! Runs only with HANGAR_REAL_LIBVIRT=1 (CI sets it); starts the daemon with
//! tests/support/libvirtd.sh. The network is removed again, also on failure.

mod common;

use std::process::Command;

use common::Host;
use hangar::core::networks::plan::{NetField, NetworkForm};
use hangar::core::networks::{leases, ops as net_ops};
use hangar::core::xml::ForwardMode;

const URI: &str = "qemu:///system";

fn real_libvirt() -> Option<Host> {
    if !common::real_libvirt() {
        return None;
    }
    common::support("libvirtd.sh", &["start"]);
    let mut host = Host::open(URI);
    host.until_loaded();
    Some(host)
}

/// Removes the network when dropped, whatever happened.
struct NetworkGuard(String);

impl Drop for NetworkGuard {
    fn drop(&mut self) {
        for verb in ["net-destroy", "net-undefine"] {
            let _ = Command::new("virsh")
                .args(["-q", "-c", URI, verb, &self.0])
                .output();
        }
    }
}

#[test]
fn an_isolated_network_on_a_private_subnet_starts_and_lists_its_leases() {
    let Some(host) = real_libvirt() else { return };
    let name = format!("hangar-t{}", std::process::id() % 100_000);
    let _guard = NetworkGuard(name.clone());
    let subnet = format!("10.213.{}.0/24", std::process::id() % 200 + 20);
    let prefix = subnet.trim_end_matches("0/24").to_string();
    let f = NetworkForm {
        name: name.clone(),
        forward: ForwardMode::Isolated,
        bridge: format!("hgr{}", std::process::id() % 100_000),
        subnet: subnet.clone(),
        dhcp_start: format!("{prefix}100"),
        dhcp_end: format!("{prefix}150"),
    };
    let f2 = f.clone();
    let created = host
        .handle
        .call(move |c| Ok(net_ops::create(c, &f2, false)))
        .unwrap()
        .expect("network created and started");
    let u = created.uuid.clone();
    assert!(host
        .handle
        .call(move |c| Ok(c.lookup_network_by_uuid_string(&u)?.is_active()?))
        .unwrap());
    let u = created.uuid.clone();
    let l = host.handle.call(move |c| leases::leases(c, &u)).unwrap();
    assert!(l.is_empty(), "no guest, no lease: {l:?}");

    // The same subnet again overlaps the new network; the host's eth0 is checked too.
    let again = NetworkForm {
        name: format!("{name}b"),
        bridge: String::new(),
        ..f
    };
    let r = host
        .handle
        .call(move |c| Ok(net_ops::create(c, &again, false)))
        .unwrap();
    match r {
        Err(net_ops::CreateError::Fields(e)) => {
            assert_eq!(e[0].field, NetField::Subnet);
            assert!(e[0].message.contains(&name), "{}", e[0].message);
        }
        other => panic!("expected an overlap, got {other:?}"),
    }
    // A subnet of one of the host's own interfaces (read with `ip`) is refused too.
    let ip = Command::new("ip")
        .args(["-o", "-4", "addr", "show"])
        .output()
        .unwrap();
    let host_net = String::from_utf8_lossy(&ip.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let iface = w.nth(1)?.to_string();
            (w.next()? == "inet").then_some(())?;
            let cidr = w.next()?.to_string();
            (!cidr.starts_with("127.") && !iface.starts_with("hgr")).then_some((iface, cidr))
        })
        .next();
    if let Some((iface, cidr)) = host_net {
        let on_host = NetworkForm {
            name: format!("{name}c"),
            forward: ForwardMode::Isolated,
            bridge: String::new(),
            subnet: cidr.clone(),
            dhcp_start: String::new(),
            dhcp_end: String::new(),
        };
        let r = host
            .handle
            .call(move |c| Ok(net_ops::create(c, &on_host, false)))
            .unwrap();
        match r {
            Err(net_ops::CreateError::Fields(e)) => {
                assert!(e[0].message.contains(&iface), "{cidr}: {}", e[0].message)
            }
            other => panic!("expected {cidr} of {iface} to be refused, got {other:?}"),
        }
    }
    let u = created.uuid.clone();
    host.handle.call(move |c| net_ops::delete(c, &u)).unwrap();
    let n = name.clone();
    assert!(host
        .handle
        .call(move |c| Ok(c.lookup_network_by_name(&n).is_err()))
        .unwrap());
    host.handle.close();
}
