//! The core against libvirt's real test driver: the worker lists a host once, then
//! every change — its own or anybody else's — reaches the store as an event.

mod common;

use std::time::Duration;

use common::{node_uri, Host};
use hangar::core::domain_action::DomainAction;
use hangar::core::error::ErrorKind;
use hangar::core::model::DomainState;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::Update;

const T: Duration = Duration::from_secs(10);

#[test]
fn the_first_load_lists_every_domain_network_and_pool() {
    let spec = NodeSpec::with_domains(40);
    let (uri, _dir) = node_uri(&spec, "load");
    let mut host = Host::open(&uri);
    host.until_loaded();
    assert_eq!(host.store.status, ConnectionStatus::Live);
    assert_eq!(host.store.domains.len(), 40);
    assert_eq!(host.store.networks.len(), 2);
    assert_eq!(host.store.pools.len(), 2);
    let paused = host.store.domain_by_name("vm-9").expect("vm-9 listed");
    assert_eq!(paused.state, DomainState::Paused);
    let off = host.store.domain_by_name("vm-10").unwrap();
    assert_eq!(off.state, DomainState::Shutoff);
    let running = host.store.domain_by_name("vm-1").unwrap();
    assert_eq!(running.state, DomainState::Running);
    assert_eq!(running.vcpus, 2);
    assert_eq!(running.memory_kib, 2 * 262_144);
    assert!(host
        .store
        .host
        .as_ref()
        .unwrap()
        .driver
        .eq_ignore_ascii_case("test"));
    host.handle.close();
}

#[test]
fn our_own_actions_come_back_as_events_on_the_right_row() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(10), "actions");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let uuid = host.store.domain_by_name("vm-10").unwrap().uuid.clone();
    let other_before = host.store.domain_by_name("vm-1").unwrap().clone();

    for (action, want) in [
        (DomainAction::Start, DomainState::Running),
        (DomainAction::Pause, DomainState::Paused),
        (DomainAction::Resume, DomainState::Running),
        (DomainAction::ForceOff, DomainState::Shutoff),
    ] {
        host.handle
            .domain_action(&uuid, action, |r| r.expect("action succeeds"));
        let u = uuid.clone();
        host.until(
            T,
            |upd, _| matches!(upd, Update::Domain(d) if d.uuid == u && d.state == want),
        );
        assert_eq!(host.store.domains[&uuid].state, want, "after {action:?}");
    }
    assert_eq!(
        host.store.domain_by_name("vm-1").unwrap(),
        &other_before,
        "other rows untouched"
    );
    host.handle.close();
}

#[test]
fn changes_made_by_another_client_reach_the_store() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(3), "foreign");
    let mut host = Host::open(&uri);
    host.until_loaded();

    // Another client on the same hypervisor defines, starts and undefines a domain.
    // (test:///FILE gives each connection a private hypervisor, so the foreign client
    // uses the worker's connection from this test thread, not through the worker.)
    let xml = "<domain type='test'><name>outsider</name><memory>65536</memory>\
               <os><type>hvm</type></os></domain>";
    host.handle
        .call(move |conn| {
            let d = conn.define_domain_xml(xml)?;
            d.create()?;
            Ok(())
        })
        .unwrap();
    host.until(T, |_, s| {
        s.domain_by_name("outsider").map(|d| d.state) == Some(DomainState::Running)
    });
    host.handle
        .call(|conn| {
            let d = conn.lookup_domain_by_name("outsider")?;
            d.destroy()?;
            d.undefine()?;
            Ok(())
        })
        .unwrap();
    host.until(T, |_, s| s.domain_by_name("outsider").is_none());
    assert_eq!(host.store.domains.len(), 3);

    // Networks and pools follow their own events.
    host.handle
        .call(|conn| Ok(conn.lookup_network_by_name("net-1")?.destroy()?))
        .unwrap();
    host.until(T, |_, s| {
        s.networks.values().any(|n| n.name == "net-1" && !n.active)
    });
    host.handle
        .call(|conn| Ok(conn.lookup_storage_pool_by_name("pool-2")?.destroy()?))
        .unwrap();
    host.until(T, |_, s| {
        s.pools.values().any(|p| p.name == "pool-2" && !p.active)
    });
    host.handle.close();
}

#[test]
fn a_refused_action_reports_libvirts_reason_and_changes_nothing() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(2), "refused");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let running = host.store.domain_by_name("vm-1").unwrap().clone();
    let (tx, rx) = std::sync::mpsc::channel();
    host.handle
        .domain_action(&running.uuid, DomainAction::Start, move |r| {
            tx.send(r).unwrap();
        });
    let err = rx
        .recv_timeout(T)
        .unwrap()
        .expect_err("starting a running domain fails");
    // The test driver files this under "internal error", QEMU under "operation
    // invalid"; either way the person reads libvirt's reason without its class prefix.
    assert_ne!(err.kind, ErrorKind::ConnectionLost, "{err:?}");
    assert_eq!(err.message, "Domain 'vm-1' is already running");
    assert_eq!(host.store.domains[&running.uuid], running);
    host.handle.close();
}

#[test]
fn an_unknown_host_fails_with_a_message_and_no_panic() {
    let mut host = Host::open("test:///nonexistent/dir/node.xml");
    host.until(T, |u, _| matches!(u, Update::Failed(_)));
    match &host.store.status {
        ConnectionStatus::Failed(e) => assert!(!e.message.is_empty()),
        other => panic!("expected Failed, got {other:?}"),
    }
    let err = host
        .handle
        .call(|_| Ok(()))
        .expect_err("jobs fail while offline");
    assert_eq!(err.kind, ErrorKind::ConnectionLost);
    host.handle.close();
}

#[test]
fn after_close_every_call_fails_cleanly() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(1), "close");
    let mut host = Host::open(&uri);
    host.until_loaded();
    host.handle.close();
    std::thread::sleep(Duration::from_millis(200));
    let err = host.handle.call(|_| Ok(())).expect_err("closed");
    assert_eq!(err.kind, ErrorKind::ConnectionLost);
}

#[test]
fn a_refused_ssh_connection_is_retried_and_a_bad_uri_is_explained() {
    // Loopback only: port 1 is closed, so ssh itself reports the refusal. A refused
    // connection is a host not there right now: explained, and retried by itself.
    let mut host = Host::open("qemu+ssh://nobody@127.0.0.1:1/system");
    host.until(Duration::from_secs(30), |u, _| {
        matches!(u, Update::Retrying(_))
    });
    let ConnectionStatus::Disconnected(e) = &host.store.status else {
        panic!("retrying, not failed: {:?}", host.store.status)
    };
    assert!(
        e.message
            .starts_with("No SSH server answers on that host and port"),
        "{}",
        e.message
    );
    host.handle.close();

    let mut bad = Host::open("qemu+carrierpigeon:///system");
    bad.until(T, |u, _| matches!(u, Update::Failed(_)));
    let ConnectionStatus::Failed(e) = &bad.store.status else {
        unreachable!()
    };
    assert!(
        e.message
            .starts_with("transport in URL not recognised (should be tls|unix|ssh"),
        "libvirt's reason, without its function name: {}",
        e.message
    );
    bad.handle.close();
}

#[test]
fn titles_and_template_marks_follow_the_listing_and_events() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(10), "labels");
    let mut host = Host::open(&uri);
    host.until_loaded();
    let web = host.store.domain_by_name("vm-1").unwrap().uuid.clone();
    let base = host.store.domain_by_name("vm-3").unwrap().uuid.clone();
    assert_eq!(host.store.domains[&web].labels.title, "");

    // A title set by another client arrives with the event's refresh.
    let w = web.clone();
    host.handle
        .call(move |conn| {
            let dom = conn.lookup_domain_by_uuid_string(&w)?;
            dom.set_metadata(
                virt::sys::VIR_DOMAIN_METADATA_TITLE as i32,
                Some("Front web server"),
                None,
                None,
                // `virsh desc --live --config`: the running machine shows its live title.
                virt::sys::VIR_DOMAIN_AFFECT_LIVE | virt::sys::VIR_DOMAIN_AFFECT_CONFIG,
            )?;
            Ok(())
        })
        .unwrap();
    let w = web.clone();
    host.until(T, |_, s| s.domains[&w].labels.title == "Front web server");

    let b = base.clone();
    host.handle
        .call(move |conn| hangar::core::clone::template::mark_template(conn, &b))
        .unwrap();
    let b = base.clone();
    host.until(T, |_, s| s.domains[&b].labels.template);

    host.handle.close();
}

#[test]
fn the_listing_comes_first_then_one_batch_of_titles_and_template_marks() {
    let xml = hangar::core::node_file::generate(&NodeSpec::with_domains(10))
        .replacen(
            "<name>vm-1</name>",
            "<name>vm-1</name><title>Front web server</title>",
            1,
        )
        .replacen(
            "<name>vm-3</name>",
            &format!(
                "<name>vm-3</name><metadata><hangar:hangar xmlns:hangar='{}'>\
                 <hangar:template/></hangar:hangar></metadata>",
                hangar::core::xml::metadata::HANGAR_NS
            ),
            1,
        );
    let dir = std::env::temp_dir().join(format!("hangar-test-{}-labels2", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("node.xml"), xml).unwrap();
    let mut host = Host::open(&format!("test://{}", dir.join("node.xml").display()));
    host.until(T, |u, _| matches!(u, Update::Loaded(_)));
    assert!(
        host.store
            .domains
            .values()
            .all(|d| d.labels.title.is_empty() && !d.labels.template),
        "the listing itself reads no labels"
    );
    host.until(T, |u, _| matches!(u, Update::DomainLabels(_)));
    let web = host.store.domain_by_name("vm-1").unwrap();
    assert_eq!(web.labels.title, "Front web server");
    assert!(!web.labels.template);
    let base = host.store.domain_by_name("vm-3").unwrap();
    assert!(base.labels.template && base.labels.title.is_empty());
    let others = host
        .store
        .domains
        .values()
        .filter(|d| d.labels != Default::default());
    assert_eq!(others.count(), 2, "only vm-1 and vm-3 have labels");
    host.handle.close();
    let _ = std::fs::remove_dir_all(dir);
}
