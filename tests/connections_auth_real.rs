//! Logging in to a real daemon that asks for a SASL user name and password (a private
//! libvirtd with auth_unix_rw = "sasl", SCRAM-SHA-256, its own sasldb): libvirt's auth
//! callback reaches the person through the worker, the right answers connect, wrong
//! ones are refused once in words a person understands, Cancel says so, and a
//! reconnect reuses what was typed. Needs root and libvirtd (HANGAR_REAL_LIBVIRT=1).

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::{real_libvirt, Host, PrivateDaemon};
use hangar::core::auth::{CredentialKind, CredentialsRequest, Secret};
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::Update;

/// One private daemon at a time: they are heavy.
static SERIAL: Mutex<()> = Mutex::new(());

const USER: &str = "conn-ann";
const PASSWORD: &str = "conn correct horse";

/// Answers like a person who knows the user name and `password`.
fn answer(request: &CredentialsRequest, password: &str) {
    let answers = request
        .credentials
        .iter()
        .map(|c| {
            Secret::new(match c.kind {
                CredentialKind::AuthName => USER,
                CredentialKind::Passphrase | CredentialKind::NoEchoPrompt => password,
                _ => c.default.as_str(),
            })
        })
        .collect();
    request.answer(answers);
}

fn failure(host: &Host) -> String {
    match &host.store.status {
        ConnectionStatus::Failed(e) => e.message.clone(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// Nothing at all arrives for `d`: no retry, no second question.
fn quiet_for(host: &Host, d: Duration) {
    if let Ok(ev) = host.rx.recv_timeout(d) {
        panic!("expected silence, got {:?}", ev.update);
    }
}

#[test]
fn the_right_password_connects_and_a_reconnect_does_not_ask_again() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start_sasl("sa", USER, PASSWORD);
    let mut host = Host::open(&daemon.uri);
    let mut asked: Vec<CredentialsRequest> = Vec::new();
    host.until(Duration::from_secs(20), |u, _| {
        if let Update::Credentials(r) = u {
            asked.push(r.clone());
            answer(r, PASSWORD);
        }
        matches!(u, Update::Loaded(_))
    });
    assert_eq!(asked.len(), 1, "asked once: {asked:?}");
    let kinds: Vec<CredentialKind> = asked[0].credentials.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [CredentialKind::AuthName, CredentialKind::Passphrase],
        "libvirt asked for a user name and a password"
    );
    assert!(
        asked[0].credentials.iter().all(|c| !c.prompt.is_empty()),
        "libvirt's prompts are there to show: {asked:?}"
    );
    assert!(!asked[0].refused_before);
    assert_eq!(host.store.status, ConnectionStatus::Live);

    // The daemon dies and comes back: the worker logs in again with what it was given.
    daemon.run("kill");
    host.until(Duration::from_secs(20), |u, _| {
        matches!(u, Update::Disconnected(_))
    });
    daemon.run("start");
    let mut asked_again = 0;
    host.until(Duration::from_secs(60), |u, _| {
        if let Update::Credentials(r) = u {
            asked_again += 1;
            answer(r, PASSWORD);
        }
        matches!(u, Update::Loaded(_))
    });
    assert_eq!(
        asked_again, 0,
        "the reconnect reused this session's credentials"
    );
    host.handle.close();
}

#[test]
fn a_wrong_password_is_refused_once_in_words_and_try_again_asks_again() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start_sasl("sw", USER, PASSWORD);
    let mut host = Host::open(&daemon.uri);
    let mut asked = 0;
    host.until(Duration::from_secs(20), |u, _| {
        if let Update::Credentials(r) = u {
            asked += 1;
            answer(r, "conn wrong");
        }
        matches!(u, Update::Failed(_))
    });
    assert_eq!(asked, 1);
    assert_eq!(
        failure(&host),
        "The host refused the user name or password."
    );
    // No retry storm: the worker waits for the person.
    quiet_for(&host, Duration::from_secs(4));

    // Try Again asks again, saying the last answer was refused; the right one connects.
    host.handle.reconnect();
    let mut refused_before = None;
    host.until(Duration::from_secs(20), |u, _| {
        if let Update::Credentials(r) = u {
            refused_before = Some(r.refused_before);
            answer(r, PASSWORD);
        }
        matches!(u, Update::Loaded(_))
    });
    assert_eq!(refused_before, Some(true));
    host.handle.close();
}

#[test]
fn cancel_fails_with_cancelled_and_closing_while_asked_does_not_hang() {
    if !real_libvirt() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let daemon = PrivateDaemon::start_sasl("sc", USER, PASSWORD);
    let mut host = Host::open(&daemon.uri);
    host.until(Duration::from_secs(20), |u, _| {
        if let Update::Credentials(r) = u {
            r.cancel();
        }
        matches!(u, Update::Failed(_))
    });
    let message = failure(&host);
    assert!(message.contains("cancelled"), "{message}");
    quiet_for(&host, Duration::from_secs(2));
    host.handle.close();

    // Removing a connection whose question is still open must not leave its worker
    // waiting for an answer that will never come.
    let mut open = Host::open(&daemon.uri);
    open.until(Duration::from_secs(20), |u, _| {
        matches!(u, Update::Credentials(_))
    });
    open.handle.close();
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = open.handle.clone();
    std::thread::spawn(move || {
        let _ = tx.send(handle.call(|_| Ok(())));
    });
    let answer = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the closed worker answers at once");
    assert!(answer.is_err());
}
