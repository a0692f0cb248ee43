//! Which hosts to open when the person names none.
//!
//! The system hypervisor first (where people keep their VMs), then the session one,
//! and when neither answers the bundled demo, so a newcomer always sees a working
//! window instead of an error.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use gettextrs::gettext;
use virt::connect::Connect;

use super::worker::ConnectionSpec;

pub const SYSTEM_URI: &str = "qemu:///system";
pub const SESSION_URI: &str = "qemu:///session";

/// How long a local hypervisor may take to answer before we consider it absent.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The connections to open: `requested` if any, else the first local hypervisor that
/// answers, else the demo.
pub fn choose_connections(requested: &[String], demo_file: &Path) -> Vec<ConnectionSpec> {
    if !requested.is_empty() {
        return requested.iter().map(ConnectionSpec::new).collect();
    }
    for uri in [SYSTEM_URI, SESSION_URI] {
        if answers(uri) {
            return vec![ConnectionSpec::new(uri)];
        }
    }
    vec![demo_spec(demo_file)]
}

/// Every saved connection, in the person's order: those in `autoconnect` are opened at
/// once, the others listed as not connected until the person connects them. An
/// autoconnect entry missing from `saved` (an older settings file) is kept too.
pub fn saved_connections(saved: &[String], autoconnect: &[String]) -> Vec<ConnectionSpec> {
    let extra = autoconnect.iter().filter(|u| !saved.contains(u));
    let mut seen = std::collections::HashSet::new();
    saved
        .iter()
        .chain(extra)
        .filter(|uri| seen.insert(uri.as_str()))
        .map(|uri| {
            let spec = ConnectionSpec::new(uri);
            if autoconnect.contains(uri) {
                spec
            } else {
                spec.idle()
            }
        })
        .collect()
}

/// The bundled demo hypervisor: the libvirt test driver loaded from a file.
pub fn demo_spec(demo_file: &Path) -> ConnectionSpec {
    ConnectionSpec::labelled(test_driver_uri(demo_file), gettext("Demo"))
}

/// `test:///ABS/PATH` loads a node file into a private in-process test hypervisor.
pub fn test_driver_uri(file: &Path) -> String {
    let abs: PathBuf = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    format!("test://{}", abs.display())
}

/// True when `uri` opens within the probe timeout. The probe runs on a thread of its
/// own because opening a dead socket or an unresponsive daemon can block.
pub fn answers(uri: &str) -> bool {
    let (tx, rx) = mpsc::channel();
    let uri = uri.to_string();
    let spawned = thread::Builder::new()
        .name("libvirt-probe".into())
        .spawn(move || {
            let ok = Connect::open(Some(&uri)).is_ok();
            let _ = tx.send(ok);
        });
    spawned.is_ok() && rx.recv_timeout(PROBE_TIMEOUT).unwrap_or(false)
}

/// Where the demo file is: next to an installed binary's data, or in the source tree,
/// or (when neither exists, as for a bare `cargo install`) written out from the copy
/// built into the binary.
pub fn demo_file(pkgdatadir: &str) -> PathBuf {
    let installed = Path::new(pkgdatadir).join("demo.xml");
    if installed.is_file() {
        return installed;
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("hangar-demo.xml");
    let _ = std::fs::write(&runtime, EMBEDDED_DEMO);
    runtime
}

const EMBEDDED_DEMO: &str = include_str!("../../data/demo.xml");

#[cfg(test)]
mod tests {
    use super::saved_connections;

    #[test]
    fn every_saved_connection_is_listed_and_only_autoconnect_ones_open() {
        let saved = [
            "qemu:///system".to_string(),
            "qemu+ssh://h/system".to_string(),
        ];
        let auto = ["qemu+ssh://h/system".to_string(), "test:///old".to_string()];
        let specs = saved_connections(&saved, &auto);
        let listed: Vec<(&str, bool)> = specs
            .iter()
            .map(|s| (s.uri.as_str(), s.connect_now))
            .collect();
        assert_eq!(
            listed,
            [
                ("qemu:///system", false),
                ("qemu+ssh://h/system", true),
                ("test:///old", true)
            ]
        );
        assert!(saved_connections(&[], &[]).is_empty());
    }
}
