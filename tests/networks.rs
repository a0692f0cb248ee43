//! Networks on libvirt's test driver, through the connection worker: every check
//! refuses bad input before anything changes, every action shows up as an event, and
//! failures leave nothing behind.

mod common;

use std::time::Duration;

use common::{open_host_with_extras, open_small_host, Host};
use hangar::core::networks::plan::{NetField, NetworkForm};
use hangar::core::networks::{details, ops as net_ops};
use hangar::core::worker::Update;
use hangar::core::xml::ForwardMode;

const T: Duration = Duration::from_secs(10);

fn nat_form(name: &str, subnet: &str, start: &str, end: &str) -> NetworkForm {
    NetworkForm {
        name: name.into(),
        forward: ForwardMode::Nat,
        bridge: String::new(),
        subnet: subnet.into(),
        dhcp_start: start.into(),
        dhcp_end: end.into(),
    }
}

fn network_count(host: &Host) -> usize {
    host.handle
        .call(|c| Ok(c.list_all_networks(0)?.len()))
        .unwrap()
}

fn create_net(host: &Host, form: NetworkForm) -> Result<net_ops::Created, net_ops::CreateError> {
    host.handle
        .call(move |c| Ok(net_ops::create(c, &form, false)))
        .unwrap()
}

fn field_errors(r: Result<net_ops::Created, net_ops::CreateError>) -> Vec<(NetField, String)> {
    match r {
        Err(net_ops::CreateError::Fields(f)) => {
            f.into_iter().map(|e| (e.field, e.message)).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn bad_network_forms_are_refused_before_anything_is_defined() {
    let (host, _dir) = open_host_with_extras("net-refuse");
    let before = network_count(&host);
    // net-1 has 10.1.0.1/24.
    let e = field_errors(create_net(&host, nat_form("lab", "10.1.0.0/16", "", "")));
    assert_eq!(e[0].0, NetField::Subnet);
    assert!(e[0].1.contains("“net-1”"), "{e:?}");
    // The host's own eth1 has 192.168.0.5/24.
    let e = field_errors(create_net(&host, nat_form("lab", "192.168.0.0/24", "", "")));
    assert!(e[0].1.contains("eth1"), "{e:?}");
    let e = field_errors(create_net(
        &host,
        nat_form("lab", "10.213.7.0/24", "10.213.7.10", "10.213.8.10"),
    ));
    assert_eq!(
        e,
        [(
            NetField::DhcpEnd,
            "10.213.8.10 is outside the network 10.213.7.0/24".to_string()
        )]
    );
    let e = field_errors(create_net(
        &host,
        nat_form("net-2", "10.213.7.0/24", "", ""),
    ));
    assert_eq!(e[0].0, NetField::Name);
    let e = field_errors(create_net(&host, nat_form("a/b", "10.213.7.0/24", "", "")));
    assert_eq!(e[0].0, NetField::Name);
    assert_eq!(network_count(&host), before, "nothing was defined");
    host.handle.close();
}

#[test]
fn a_network_is_created_started_switched_and_deleted() {
    let (mut host, _dir) = open_small_host("net-life");
    let created = create_net(
        &host,
        nat_form("lab", "10.213.7.0/24", "10.213.7.100", "10.213.7.200"),
    )
    .expect("created");
    let uuid = created.uuid.clone();
    host.until(T, |_, s| s.networks.get(&uuid).is_some_and(|n| n.active));
    let u = uuid.clone();
    let d = host.handle.call(move |c| details::fetch(c, &u)).unwrap();
    assert_eq!(d.forward, ForwardMode::Nat);
    let v4 = d.ipv4.unwrap();
    assert_eq!(v4.cidr(), "10.213.7.1/24");
    assert_eq!(v4.dhcp.unwrap().end, "10.213.7.200");

    let u = uuid.clone();
    host.handle
        .call(move |c| net_ops::set_autostart(c, &u, true))
        .unwrap();
    let u = uuid.clone();
    assert!(
        host.handle
            .call(move |c| details::fetch(c, &u))
            .unwrap()
            .summary
            .autostart
    );

    let u = uuid.clone();
    host.handle.call(move |c| net_ops::stop(c, &u)).unwrap();
    host.until(T, |_, s| s.networks.get(&uuid).is_some_and(|n| !n.active));
    let u = uuid.clone();
    host.handle.call(move |c| net_ops::start(c, &u)).unwrap();
    host.until(T, |_, s| s.networks.get(&uuid).is_some_and(|n| n.active));

    let u = uuid.clone();
    host.handle.call(move |c| net_ops::delete(c, &u)).unwrap();
    host.until(
        T,
        |u, _| matches!(u, Update::NetworkGone { uuid: g } if *g == uuid),
    );
    host.handle.close();
}

#[test]
fn a_network_in_use_by_a_running_machine_is_not_deleted() {
    let (host, _dir) = open_small_host("net-inuse");
    // Every generated machine has an interface on net-1; vm-1 and vm-2 run.
    let r = host.handle.call(|c| {
        let uuid = c.lookup_network_by_name("net-1")?.uuid_string()?;
        net_ops::delete(c, &uuid)
    });
    let msg = r.unwrap_err().message;
    assert!(msg.contains("vm-1") && msg.contains("vm-2"), "{msg}");
    assert!(!msg.contains("vm-3"), "vm-3 is shut off: {msg}");
    assert!(host
        .handle
        .call(|c| Ok(c.lookup_network_by_name("net-1")?.is_active()?))
        .unwrap());
    host.handle.close();
}

#[test]
fn editing_network_xml_is_validated_and_a_refusal_changes_nothing() {
    let (host, _dir) = open_small_host("net-xml");
    let uuid = host
        .handle
        .call(|c| Ok(c.lookup_network_by_name("net-2")?.uuid_string()?))
        .unwrap();
    let u = uuid.clone();
    let before = host
        .handle
        .call(move |c| details::editable_xml(c, &u))
        .unwrap();
    let bad = before.replace("</network>", "  <bogus/>\n</network>");
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| net_ops::redefine(c, &u, &bad))
        .unwrap_err();
    assert!(err.message.contains("bogus"), "{}", err.message);
    let u = uuid.clone();
    assert_eq!(
        host.handle
            .call(move |c| details::editable_xml(c, &u))
            .unwrap(),
        before
    );
    let broken = before.replace("</network>", "");
    let u = uuid.clone();
    assert!(host
        .handle
        .call(move |c| net_ops::redefine(c, &u, &broken))
        .is_err());
    let renamed = before.replace("<name>net-2</name>", "<name>other</name>");
    let u = uuid.clone();
    assert!(host
        .handle
        .call(move |c| net_ops::redefine(c, &u, &renamed))
        .is_err());

    // The test driver shows the new definition once the network is stopped (a
    // running network keeps its live state until restarted).
    let u = uuid.clone();
    host.handle.call(move |c| net_ops::stop(c, &u)).unwrap();
    let good = before.replace("</network>", "  <domain name='lab.example'/>\n</network>");
    let u = uuid.clone();
    let running = host
        .handle
        .call(move |c| net_ops::redefine(c, &u, &good))
        .unwrap();
    assert!(!running);
    let u = uuid.clone();
    let after = host
        .handle
        .call(move |c| details::editable_xml(c, &u))
        .unwrap();
    assert!(after.contains("lab.example"), "{after}");
    host.handle.close();
}
