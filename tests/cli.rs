//! The real `hangar` binary from the command line. Needs a display (run under
//! xvfb-run, as tests/run-all.sh does).

mod common;

use std::process::Command;

use common::node_uri;
use hangar::core::node_file::NodeSpec;

fn hangar(args: &[&str]) -> std::process::Output {
    assert!(
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
        "these tests start the real window: run them under xvfb-run"
    );
    Command::new(env!("CARGO_BIN_EXE_hangar"))
        .args(args)
        .env("NO_AT_BRIDGE", "1")
        .output()
        .expect("hangar runs")
}

/// Parses `loaded connections=C domains=D networks=N pools=P ms=T`.
fn load_line(stdout: &[u8]) -> Vec<(String, u64)> {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("loaded "))
        .unwrap_or_else(|| panic!("no load line in {text:?}"));
    line.split_whitespace()
        .skip(1)
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_string(), v.parse().expect("a number"))
        })
        .collect()
}

#[test]
fn quit_after_load_counts_a_thousand_domains() {
    let mut spec = NodeSpec::with_domains(1000);
    spec.networks = 3;
    spec.pools = 4;
    let (uri, _dir) = node_uri(&spec, "cli-1000");
    let out = hangar(&["--connect", &uri, "--quit-after-load"]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kv = load_line(&out.stdout);
    let keys: Vec<&str> = kv.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["connections", "domains", "networks", "pools", "ms"],
        "the format is fixed"
    );
    assert_eq!(kv[0].1, 1);
    assert_eq!(kv[1].1, 1000);
    assert_eq!(kv[2].1, 3);
    assert_eq!(kv[3].1, 4);
    assert!(kv[4].1 > 0);
}

#[test]
fn two_connections_add_up_and_a_dead_one_is_reported() {
    let (a, _da) = node_uri(&NodeSpec::with_domains(7), "cli-a");
    let (b, _db) = node_uri(&NodeSpec::with_domains(5), "cli-b");
    let out = hangar(&["-c", &a, "--connect", &b, "--quit-after-load"]);
    assert!(out.status.success());
    let kv = load_line(&out.stdout);
    assert_eq!((kv[0].1, kv[1].1), (2, 12));

    let out = hangar(&[
        "-c",
        &a,
        "-c",
        "test:///no/such/file.xml",
        "--quit-after-load",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a host that failed makes the exit status 1"
    );
    let kv = load_line(&out.stdout);
    assert_eq!((kv[0].1, kv[1].1), (1, 7));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("test:///no/such/file.xml"),
        "the failed URI is named: {err}"
    );
}

#[test]
fn bad_arguments_are_refused_with_a_hint() {
    let out = Command::new(env!("CARGO_BIN_EXE_hangar"))
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--help"));
    let out = Command::new(env!("CARGO_BIN_EXE_hangar"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--connect URI"));
}

/// At start, with nothing named on the command line, the saved connections are read
/// (here from GLib's keyfile backend, as a person's settings would be): the one marked
/// autoconnect is opened, the other listed but not connected, and neither the local
/// hypervisors nor the demo are tried instead.
#[test]
fn saved_connections_are_read_at_start_and_only_autoconnect_ones_open() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "this test starts the real window: run it under xvfb-run"
    );
    let (auto, dir) = node_uri(&NodeSpec::with_domains(7), "cli-saved-auto");
    let (idle, _d2) = node_uri(&NodeSpec::with_domains(9), "cli-saved-idle");
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let compiled = Command::new("glib-compile-schemas")
        .arg("--targetdir")
        .arg(&schemas)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
        .status()
        .unwrap();
    assert!(compiled.success());
    let config = dir.join("config");
    std::fs::create_dir_all(config.join("glib-2.0/settings")).unwrap();
    std::fs::write(
        config.join("glib-2.0/settings/keyfile"),
        format!("[io/github/hangarapp/Hangar]\nconnections=['{idle}', '{auto}']\nautoconnect=['{auto}']\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hangar"))
        .arg("--quit-after-load")
        .env("NO_AT_BRIDGE", "1")
        .env("GSETTINGS_SCHEMA_DIR", &schemas)
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .expect("hangar runs");
    assert!(
        out.status.success(),
        "a host left unconnected is no failure: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kv = load_line(&out.stdout);
    assert_eq!(
        (kv[0].1, kv[1].1),
        (1, 7),
        "only the autoconnect host is opened and listed (the demo has six machines)"
    );
}
