//! Connections to real daemons that die, hang and come back: the worker reports the
//! loss, keeps what it knew, reconnects by itself and lists again; a frozen host never
//! delays another. Needs root and libvirtd (HANGAR_REAL_LIBVIRT=1, as in CI).

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{real_libvirt, Host, PrivateDaemon};
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::{ConnectionSpec, Keepalive, Update};

/// One private daemon at a time: they are heavy, and the tests time their events.
static SERIAL: Mutex<()> = Mutex::new(());

fn diskless(name: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>"
    )
}

#[test]
fn a_killed_host_turns_disconnected_and_comes_back_with_its_list_ten_times() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start("k");
    let mut host = Host::open(&daemon.uri);
    host.until_loaded();
    for name in ["alpha", "beta", "gamma"] {
        let xml = diskless(name);
        host.handle
            .call(move |c| Ok(c.define_domain_xml(&xml).map(|_| ())?))
            .unwrap();
    }
    host.until(Duration::from_secs(10), |_, s| s.domains.len() == 3);
    let names = |h: &Host| {
        let mut v: Vec<String> = h.store.domains.values().map(|d| d.name.clone()).collect();
        v.sort();
        v
    };
    for cycle in 1..=10 {
        daemon.run("kill");
        host.until(Duration::from_secs(20), |u, _| {
            matches!(u, Update::Disconnected(_))
        });
        // Greyed, not removed: the last known machines stay listed.
        assert_eq!(
            names(&host),
            ["alpha", "beta", "gamma"],
            "cycle {cycle}: kept while away"
        );
        daemon.run("start");
        host.until(Duration::from_secs(60), |u, _| {
            matches!(u, Update::Loaded(_))
        });
        assert_eq!(host.store.status, ConnectionStatus::Live, "cycle {cycle}");
        assert_eq!(
            names(&host),
            ["alpha", "beta", "gamma"],
            "cycle {cycle}: listed again"
        );
    }
    // Events flow again after the last reconnect.
    host.handle
        .call(|c| Ok(c.lookup_domain_by_name("beta")?.undefine()?))
        .unwrap();
    host.until(Duration::from_secs(10), |_, s| {
        s.domain_by_name("beta").is_none()
    });
    for name in ["alpha", "gamma"] {
        let _ = host
            .handle
            .call(move |c| Ok(c.lookup_domain_by_name(name)?.undefine()?));
    }
    host.handle.close();
}

#[test]
fn a_frozen_host_does_not_delay_another_and_is_dropped_by_keepalive() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start("f");
    let mut frozen = Host::open(&daemon.uri);
    frozen.until_loaded();
    let mut healthy = Host::open("qemu:///system");
    healthy.until_loaded();

    daemon.run("freeze");
    let frozen_at = Instant::now();
    // A request to the frozen host hangs in its own worker…
    let (tx, stuck) = std::sync::mpsc::channel();
    frozen.handle.run(
        |c| Ok(c.list_all_domains(0)?.len()),
        move |r| {
            let _ = tx.send(r);
        },
    );
    // …while the healthy host's events keep arriving.
    let name = format!("hangar-frozen-test-{}", std::process::id());
    let other = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let defined_at = Instant::now();
    let dom = other.define_domain_xml(&diskless(&name)).unwrap();
    let n = name.clone();
    healthy.until(Duration::from_secs(10), move |_, s| {
        s.domain_by_name(&n).is_some()
    });
    let latency = defined_at.elapsed();
    assert!(
        stuck.try_recv().is_err(),
        "the frozen host's request is still waiting: the event did not wait for it"
    );
    eprintln!(
        "healthy host's event arrived {latency:?} after define while the other host was frozen"
    );
    assert!(
        latency <= Duration::from_millis(50),
        "the healthy host's event took {latency:?} (the issue asks for at most 50 ms)"
    );
    dom.undefine().unwrap();
    let n = name.clone();
    healthy.until(Duration::from_secs(10), move |_, s| {
        s.domain_by_name(&n).is_none()
    });

    // Keepalive (5 s × (3 + 1)) notices the hang: the frozen host turns disconnected
    // within its window, plus a margin for the scheduler. Timed from the freeze.
    let window = Keepalive::default().window();
    frozen.until(window + Duration::from_secs(10), |u, _| {
        matches!(u, Update::Disconnected(_))
    });
    let noticed = frozen_at.elapsed();
    eprintln!("frozen host reported disconnected {noticed:?} after the freeze");
    assert!(
        noticed <= window + Duration::from_secs(10),
        "noticed after {noticed:?}, keepalive's window is {window:?}"
    );
    let answer = stuck
        .recv_timeout(Duration::from_secs(30))
        .expect("the hung request is answered");
    assert!(
        answer.is_err(),
        "a request to a frozen host fails rather than hangs forever"
    );

    daemon.run("thaw");
    // libvirtd 9.0.0 (Debian 12) sometimes segfaults as it wakes: its main thread and an
    // RPC thread both tear down the event callbacks of the client that keepalive cut
    // off (the crash is in that loop). A real host's service manager restarts it; so does
    // the test, and Hangar must then come back by itself all the same.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "the thawed host was not listed again within 60 s"
        );
        if !daemon.libvirtd_alive() {
            eprintln!("libvirtd died as it was thawed (a daemon crash); restarting it");
            daemon.run("start");
        }
        if matches!(
            frozen.poll(Duration::from_millis(500)),
            Some(Update::Loaded(_))
        ) {
            break;
        }
    }
    frozen.handle.close();
    healthy.handle.close();
}

#[test]
fn a_host_down_at_start_is_retried_and_listed_once_it_answers() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start("d");
    let conn = virt::connect::Connect::open(Some(&daemon.uri)).unwrap();
    conn.define_domain_xml(&diskless("early")).unwrap();
    drop(conn);
    daemon.run("stop");

    let mut host = Host::open(&daemon.uri);
    host.until(Duration::from_secs(20), |u, _| {
        matches!(u, Update::Retrying(_))
    });
    let ConnectionStatus::Disconnected(e) = &host.store.status else {
        panic!(
            "a host that is not there is retried, not failed: {:?}",
            host.store.status
        )
    };
    eprintln!("while down: {}", e.message);
    // Disconnect stops the retries until Connect.
    host.handle.disconnect();
    host.until(Duration::from_secs(5), |u, _| {
        matches!(u, Update::NotConnected)
    });
    assert_eq!(
        host.poll(Duration::from_secs(3)),
        None,
        "no retry after Disconnect"
    );
    host.handle.reconnect();
    host.until(Duration::from_secs(20), |u, _| {
        matches!(u, Update::Retrying(_))
    });

    daemon.run("start");
    host.until(Duration::from_secs(60), |u, _| {
        matches!(u, Update::Loaded(_))
    });
    assert_eq!(host.store.status, ConnectionStatus::Live);
    assert!(
        host.store.domain_by_name("early").is_some(),
        "listed by itself"
    );
    let _ = host
        .handle
        .call(|c| Ok(c.lookup_domain_by_name("early")?.undefine()?));
    host.handle.close();
}

#[test]
fn opening_a_frozen_host_gives_up_after_the_keepalive_window_and_connects_on_thaw() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start("o");
    daemon.run("freeze");
    let keepalive = Keepalive {
        interval_s: 1,
        count: 2,
    };
    let opened_at = Instant::now();
    let mut host = Host::open_spec(ConnectionSpec::new(&daemon.uri).with_keepalive(keepalive));
    host.until(Duration::from_secs(15), |u, _| {
        matches!(u, Update::Disconnected(_))
    });
    let gave_up = opened_at.elapsed();
    let ConnectionStatus::Disconnected(e) = &host.store.status else {
        unreachable!()
    };
    assert_eq!(
        e.message,
        "The host accepts connections but is not answering."
    );
    assert!(
        gave_up >= keepalive.window() && gave_up < keepalive.window() + Duration::from_secs(5),
        "gave up after {gave_up:?}"
    );
    // While it waits to retry, a job fails at once rather than hanging.
    assert!(host.handle.call(|_| Ok(())).is_err());
    daemon.run("thaw");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "not listed within 60 s of the thaw"
        );
        if !daemon.libvirtd_alive() {
            // libvirtd 9.0.0 may crash as it wakes (see the frozen-host test above).
            daemon.run("start");
        }
        if matches!(
            host.poll(Duration::from_millis(500)),
            Some(Update::Loaded(_))
        ) {
            break;
        }
    }
    host.handle.close();
}

/// The message of the first failure to open `uri`.
fn failure_of(uri: &str) -> String {
    let mut host = Host::open(uri);
    host.until(Duration::from_secs(30), |u, _| {
        matches!(u, Update::Failed(_))
    });
    host.handle.close();
    match &host.store.status {
        ConnectionStatus::Failed(e) => e.message.clone(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

// These two need no daemon: libvirt's client refuses before reaching one.
#[test]
fn an_unknown_host_name_is_explained() {
    let message = failure_of("qemu+tcp://conn-no-such-host.invalid/system");
    assert!(
        message.starts_with("The host name is unknown: check its spelling"),
        "{message}"
    );
}

#[test]
fn a_uri_that_is_not_one_is_explained() {
    let message = failure_of("not a uri");
    assert!(
        message.starts_with("This is not a connection URI"),
        "{message}"
    );
}
