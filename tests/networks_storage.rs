//! Networks, pools and volumes on libvirt's test driver, through the connection
//! worker: every check refuses bad input before anything changes, every action shows
//! up as an event, and failures leave nothing behind.

mod common;

use std::time::Duration;

use common::{node_uri, Host};
use hangar::core::networks::plan::{NetField, NetworkForm};
use hangar::core::networks::{details, ops as net_ops};
use hangar::core::node_file::{generate, NodeSpec};
use hangar::core::storage::pool_plan::{PoolField, PoolForm, PoolFormKind};
use hangar::core::storage::pools::{self, CreateSteps};
use hangar::core::storage::volume_ops::{self, CreateError};
use hangar::core::storage::volume_plan::{BackingChoice, VolField, VolumeForm};
use hangar::core::storage::{chain, volumes};
use hangar::core::worker::Update;
use hangar::core::xml::{ForwardMode, VolumeFormat};

const T: Duration = Duration::from_secs(10);
const GIB: u64 = 1 << 30;

fn open(tag: &str) -> (Host, std::path::PathBuf) {
    let (uri, dir) = node_uri(&NodeSpec::with_domains(3), tag);
    let mut host = Host::open(&uri);
    host.until_loaded();
    (host, dir)
}

/// A node file with one host interface (eth1, 192.168.0.5/24) and a pool whose
/// target is where the generated machines' disks live.
fn open_with_extras(tag: &str) -> (Host, std::path::PathBuf) {
    let xml = generate(&NodeSpec::with_domains(3)).replace(
        "</node>",
        "  <interface type='ethernet' name='eth1'><start mode='onboot'/>\
         <protocol family='ipv4'><ip address='192.168.0.5' prefix='24'/></protocol>\
         <mac address='aa:bb:cc:dd:ee:ff'/></interface>\n\
         <pool type='dir'><name>images</name><uuid>00000009-0000-4000-8000-000000000001</uuid>\
         <capacity unit='GiB'>100</capacity><allocation unit='GiB'>10</allocation>\
         <available unit='GiB'>90</available>\
         <target><path>/var/lib/libvirt/images</path></target>\
         <volume type='file'><name>vm-1.qcow2</name><capacity unit='GiB'>10</capacity>\
         <allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>\
         </pool>\n</node>",
    );
    let dir = std::env::temp_dir().join(format!("hangar-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("node.xml");
    std::fs::write(&file, xml).unwrap();
    let mut host = Host::open(&format!("test://{}", file.display()));
    host.until_loaded();
    (host, dir)
}

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
    let (host, _dir) = open_with_extras("net-refuse");
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
    let (mut host, _dir) = open("net-life");
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
    let (host, _dir) = open("net-inuse");
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
    let (host, _dir) = open("net-xml");
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

fn dir_pool(name: &str, target: &str) -> PoolForm {
    PoolForm {
        name: name.into(),
        kind: PoolFormKind::Dir {
            target: target.into(),
        },
    }
}

const ALL_STEPS: CreateSteps = CreateSteps {
    build: true,
    start: true,
    autostart: false,
};

#[test]
fn pools_are_defined_built_started_refreshed_and_deleted() {
    let (mut host, _dir) = open("pool-life");
    let handle = host.handle.clone();
    let count = move || {
        handle
            .call(|c| Ok(c.list_all_storage_pools(0)?.len()))
            .unwrap()
    };
    let before = count();
    for (form, field) in [
        (dir_pool("pool-1", "/srv/a"), PoolField::Name),
        (dir_pool("a/b", "/srv/a"), PoolField::Name),
        (dir_pool("new", "srv/a"), PoolField::Target),
        (
            dir_pool("new", "/var/lib/libvirt/pool-2"),
            PoolField::Target,
        ),
    ] {
        let r = host
            .handle
            .call(move |c| Ok(pools::create(c, &form, ALL_STEPS)))
            .unwrap();
        match r {
            Err(pools::CreateError::Fields(f)) => assert_eq!(f[0].field, field),
            other => panic!("expected a field error, got {other:?}"),
        }
    }
    let hand_written = PoolForm {
        name: String::new(),
        kind: PoolFormKind::Xml {
            xml:
                "<pool type='dir'><name>x</name><bogus/><target><path>/srv/x</path></target></pool>"
                    .into(),
        },
    };
    let r = host
        .handle
        .call(move |c| Ok(pools::create(c, &hand_written, ALL_STEPS)))
        .unwrap();
    assert!(matches!(r, Err(pools::CreateError::Libvirt(_))), "{r:?}");
    assert_eq!(count(), before, "nothing was defined");

    let form = dir_pool("scratch", "/srv/hangar-scratch");
    let uuid = host
        .handle
        .call(move |c| Ok(pools::create(c, &form, ALL_STEPS)))
        .unwrap()
        .expect("created");
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| p.active));
    let u = uuid.clone();
    let d = host.handle.call(move |c| pools::fetch(c, &u)).unwrap();
    assert_eq!(
        (d.pool_type.as_str(), d.target_path.as_deref()),
        ("dir", Some("/srv/hangar-scratch"))
    );

    let u = uuid.clone();
    host.handle.call(move |c| pools::refresh(c, &u)).unwrap();
    let u = uuid.clone();
    host.handle
        .call(move |c| pools::set_autostart(c, &u, true))
        .unwrap();
    let u = uuid.clone();
    assert!(
        host.handle
            .call(move |c| pools::fetch(c, &u))
            .unwrap()
            .summary
            .autostart
    );
    let u = uuid.clone();
    host.handle.call(move |c| pools::stop(c, &u)).unwrap();
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| !p.active));
    let u = uuid.clone();
    host.handle.call(move |c| pools::build(c, &u)).unwrap();
    let u = uuid.clone();
    host.handle.call(move |c| pools::start(c, &u)).unwrap();
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| p.active));
    let u = uuid.clone();
    host.handle
        .call(move |c| pools::delete(c, &u, false))
        .unwrap();
    host.until(
        T,
        |u, _| matches!(u, Update::PoolGone { uuid: g } if *g == uuid),
    );
    assert_eq!(count(), before);
    host.handle.close();
}

fn pool_uuid(host: &Host, name: &'static str) -> String {
    host.handle
        .call(move |c| Ok(c.lookup_storage_pool_by_name(name)?.uuid_string()?))
        .unwrap()
}

fn list(host: &Host, uuid: &str) -> Vec<volumes::VolumeInfo> {
    let u = uuid.to_string();
    host.handle.call(move |c| volumes::list(c, &u)).unwrap()
}

fn create_vol(host: &Host, uuid: &str, form: VolumeForm) -> Result<String, CreateError> {
    let u = uuid.to_string();
    host.handle
        .call(move |c| Ok(volume_ops::create(c, &u, &form)))
        .unwrap()
}

fn qcow2(name: &str, size: &str) -> VolumeForm {
    VolumeForm {
        name: name.into(),
        format: VolumeFormat::Qcow2,
        size: size.into(),
        backing: None,
        preallocate: false,
    }
}

#[test]
fn bad_volume_forms_are_refused_and_change_nothing() {
    let (host, _dir) = open("vol-refuse");
    let uuid = pool_uuid(&host, "pool-1"); // 500 GiB, 400 GiB free
    let before = list(&host, &uuid);
    for (form, field, words) in [
        (qcow2("zero.qcow2", "0"), VolField::Size, "larger than 0"),
        (
            qcow2("huge.qcow2", "600G"),
            VolField::Size,
            "larger than the whole pool",
        ),
        (
            qcow2("disk-1.qcow2", "1G"),
            VolField::Name,
            "already has a volume",
        ),
        (qcow2("a/b.qcow2", "1G"), VolField::Name, "“/”"),
        (qcow2("x.qcow2", "ten"), VolField::Size, "not a size"),
    ] {
        match create_vol(&host, &uuid, form) {
            Err(CreateError::Fields(f)) => {
                assert_eq!(f[0].field, field);
                assert!(f[0].message.contains(words), "{}", f[0].message);
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }
    assert_eq!(list(&host, &uuid), before);
    host.handle.close();
}

#[test]
fn an_overlay_links_to_its_base_which_then_cannot_be_deleted() {
    let (host, _dir) = open_with_extras("vol-overlay");
    let uuid = pool_uuid(&host, "pool-1");
    let base = list(&host, &uuid)
        .into_iter()
        .find(|v| v.name == "disk-1.qcow2")
        .unwrap();
    let choices = host.handle.call(volume_ops::backing_choices).unwrap();
    let (_, choice) = choices
        .iter()
        .find(|(label, _)| label == "pool-1/disk-1.qcow2")
        .expect("the base is offered")
        .clone();
    assert_eq!(choice.path, base.path);
    let form = VolumeForm {
        size: String::new(),
        backing: Some(choice),
        ..qcow2("web.qcow2", "")
    };
    create_vol(&host, &uuid, form).expect("overlay created");
    let vols = list(&host, &uuid);
    let overlay = vols.iter().find(|v| v.name == "web.qcow2").unwrap();
    assert_eq!(overlay.capacity, 10 * GIB, "takes the base's size");
    assert_eq!(overlay.backing.as_ref().unwrap().path, base.path);
    assert_eq!(
        overlay.backing.as_ref().unwrap().volume.as_deref(),
        Some("pool-1/disk-1.qcow2")
    );
    assert_eq!(overlay.backing_format.as_deref(), Some("qcow2"));
    let base = vols.iter().find(|v| v.name == "disk-1.qcow2").unwrap();
    assert_eq!(base.backs[0].volume.as_deref(), Some("pool-1/web.qcow2"));

    let u = uuid.clone();
    let links = host
        .handle
        .call(move |c| chain::backing_chain(c, &u, "web.qcow2"))
        .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[1].volume.as_deref(), Some("pool-1/disk-1.qcow2"));

    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| volume_ops::delete(c, &u, "disk-1.qcow2"))
        .unwrap_err();
    assert!(
        err.message.contains("backing store of pool-1/web.qcow2"),
        "{}",
        err.message
    );
    let u = uuid.clone();
    host.handle
        .call(move |c| volume_ops::delete(c, &u, "web.qcow2"))
        .unwrap();
    let u = uuid.clone();
    host.handle
        .call(move |c| volume_ops::delete(c, &u, "disk-1.qcow2"))
        .unwrap();
    assert!(list(&host, &uuid).iter().all(|v| v.name != "disk-1.qcow2"));

    // A raw volume cannot have a backing store.
    let raw = VolumeForm {
        format: VolumeFormat::Raw,
        backing: Some(BackingChoice {
            path: "/x".into(),
            format: "raw".into(),
            capacity: GIB,
        }),
        ..qcow2("r.img", "1G")
    };
    assert!(
        matches!(create_vol(&host, &uuid, raw), Err(CreateError::Fields(f)) if f[0].field == VolField::Backing)
    );
    host.handle.close();
}

#[test]
fn a_volume_a_machine_uses_names_it_and_is_not_deleted() {
    let (host, _dir) = open_with_extras("vol-used");
    let uuid = pool_uuid(&host, "images");
    let vols = list(&host, &uuid);
    assert_eq!(vols[0].used_by, ["vm-1"]);
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| volume_ops::delete(c, &u, "vm-1.qcow2"))
        .unwrap_err();
    assert!(err.message.contains("used by vm-1"), "{}", err.message);
    // The pool cannot be stopped or deleted under the running machine either.
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| pools::delete(c, &u, false))
        .unwrap_err();
    assert!(err.message.contains("vm-1"), "{}", err.message);
    assert_eq!(list(&host, &uuid).len(), 1);
    host.handle.close();
}

#[test]
fn copies_are_made_where_the_host_cannot_stream_and_keep_or_merge_the_backing() {
    use hangar::core::storage::transfer::{CancelFlag, TransferEvent};
    use hangar::core::storage::volume_copy::CopyKind;
    use hangar::core::xml::VolumeFormat;
    let (host, _dir) = open("vol-clone");
    let uuid = pool_uuid(&host, "pool-1");
    let copy = |source: &str, name: &str, kind| {
        common::copy_volume(
            &host.handle,
            &uuid,
            source,
            name,
            kind,
            CancelFlag::default(),
            |_, _| {},
        )
    };
    let dup = copy("disk-2.qcow2", "disk-3.qcow2", CopyKind::Exact);
    assert!(matches!(dup, Err(CreateError::Fields(_))), "{dup:?}");
    // The test driver has no volume streams: libvirt copies it instead.
    let (end, _) = copy("disk-2.qcow2", "copy.qcow2", CopyKind::Exact).expect("started");
    assert_eq!(end, TransferEvent::Done);
    let vols = list(&host, &uuid);
    let c = vols.iter().find(|v| v.name == "copy.qcow2").unwrap();
    assert_eq!(c.capacity, 20 * GIB);
    assert_eq!(c.format.as_deref(), Some("qcow2"));
    assert!(c.backing.is_none());
    // An overlay's exact copy is an overlay on the same base; a conversion merges.
    let base = vols
        .iter()
        .find(|v| v.name == "disk-1.qcow2")
        .unwrap()
        .path
        .clone();
    let b = base.clone();
    host.handle
        .call(move |c| {
            let pool = c.lookup_storage_pool_by_name("pool-1")?;
            virt::storage_vol::StorageVol::create_xml(
                &pool,
                &format!(
                    "<volume><name>web.qcow2</name><capacity unit='GiB'>10</capacity>\
                     <target><format type='qcow2'/></target><backingStore><path>{b}</path>\
                     <format type='qcow2'/></backingStore></volume>"
                ),
                0,
            )?;
            Ok(())
        })
        .unwrap();
    copy("web.qcow2", "web-copy.qcow2", CopyKind::Exact).expect("started");
    copy("web.qcow2", "web.raw", CopyKind::Convert(VolumeFormat::Raw)).expect("started");
    let vols = list(&host, &uuid);
    let find = |n: &str| vols.iter().find(|v| v.name == n).unwrap();
    assert_eq!(find("web-copy.qcow2").backing.as_ref().unwrap().path, base);
    assert!(find("web.raw").backing.is_none());
    assert_eq!(find("web.raw").format.as_deref(), Some("raw"));
    host.handle.close();
}
