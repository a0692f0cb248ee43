//! Shared set-up for the integration tests: a real libvirt test-driver hypervisor
//! loaded from a generated node file, and a worker whose updates land in a channel.

#![allow(dead_code)]

pub mod hw_guest;
pub mod template_host;

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hangar::core::event_loop;
use hangar::core::node_file::{generate, NodeSpec};
use hangar::core::store::HostStore;
use hangar::core::worker::{ConnectionHandle, ConnectionSpec, Update, WorkerEvent};

/// Writes a node file into a fresh temporary directory and returns its test:/// URI.
pub fn node_uri(spec: &NodeSpec, tag: &str) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hangar-test-{}-{}", std::process::id(), tag));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("node.xml");
    std::fs::write(&file, generate(spec)).unwrap();
    (format!("test://{}", file.display()), dir)
}

pub struct Host {
    pub handle: ConnectionHandle,
    pub rx: Receiver<WorkerEvent>,
    pub store: HostStore,
}

impl Host {
    pub fn open(uri: &str) -> Host {
        Host::open_spec(ConnectionSpec::new(uri))
    }

    /// [`open`](Self::open) with a spec of one's own (keepalive, not connected at once).
    pub fn open_spec(spec: ConnectionSpec) -> Host {
        event_loop::run_on_own_thread().expect("libvirt event loop");
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let handle = ConnectionHandle::open(
            1,
            spec,
            Arc::new(move |ev| {
                let _ = tx.lock().unwrap().send(ev);
            }),
        );
        Host {
            handle,
            rx,
            store: HostStore::default(),
        }
    }

    /// Applies updates to the store until `pred` holds for one of them; panics after
    /// `timeout` with what arrived.
    pub fn until(&mut self, timeout: Duration, mut pred: impl FnMut(&Update, &HostStore) -> bool) {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(ev) => {
                    self.store.apply(ev.update.clone());
                    let hit = pred(&ev.update, &self.store);
                    seen.push(
                        format!("{:?}", ev.update)
                            .chars()
                            .take(400)
                            .collect::<String>(),
                    );
                    if hit {
                        return;
                    }
                }
                Err(_) => panic!(
                    "condition not met within {timeout:?}; updates seen:\n{}",
                    seen.join("\n")
                ),
            }
        }
    }

    /// The next update within `timeout`, applied to the store; None when none came.
    pub fn poll(&mut self, timeout: Duration) -> Option<Update> {
        let ev = self.rx.recv_timeout(timeout).ok()?;
        self.store.apply(ev.update.clone());
        Some(ev.update)
    }

    pub fn until_loaded(&mut self) {
        self.until(Duration::from_secs(20), |u, _| {
            matches!(u, Update::Loaded(_))
        });
    }
}

/// True when the real-hypervisor tests should run (tests/run-all.sh sets it, as root,
/// with libvirtd installed). Otherwise the caller prints why it skips and returns.
pub fn real_libvirt() -> bool {
    if std::env::var_os("HANGAR_REAL_LIBVIRT").is_some() {
        return true;
    }
    eprintln!("skipped: set HANGAR_REAL_LIBVIRT=1 (root, libvirtd installed) to run this test");
    false
}

/// Runs one of the scripts in tests/support and returns its stdout; panics with its
/// stderr on failure.
pub fn support(script: &str, args: &[&str]) -> String {
    support_with_env(script, args, &[])
}

/// [`support`] with extra environment variables.
pub fn support_with_env(script: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/");
    let out = std::process::Command::new("bash")
        .arg(format!("{path}{script}"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{script} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A second libvirtd on a private socket (tests/support/private-libvirtd.sh), stopped
/// and wiped when dropped.
pub struct PrivateDaemon {
    pub dir: String,
    pub uri: String,
}

impl PrivateDaemon {
    pub fn start(tag: &str) -> PrivateDaemon {
        // Unix socket paths are short: keep DIR brief.
        let dir = format!("/tmp/hp{}{}", std::process::id() % 100_000, tag);
        let uri = support("private-libvirtd.sh", &["start", &dir]);
        PrivateDaemon { dir, uri }
    }

    /// A private daemon whose read-write socket needs a SASL login (SCRAM-SHA-256)
    /// as `user` with `password`.
    pub fn start_sasl(tag: &str, user: &str, password: &str) -> PrivateDaemon {
        let dir = format!("/tmp/hp{}{}", std::process::id() % 100_000, tag);
        let uri = support_with_env(
            "private-libvirtd.sh",
            &["start", &dir],
            &[
                ("PRIVATE_LIBVIRTD_SASL_USER", user),
                ("PRIVATE_LIBVIRTD_SASL_PASSWORD", password),
            ],
        );
        PrivateDaemon { dir, uri }
    }

    pub fn run(&self, verb: &str) {
        support("private-libvirtd.sh", &[verb, &self.dir]);
    }

    /// True while the daemon's libvirtd process exists (running or stopped).
    pub fn libvirtd_alive(&self) -> bool {
        std::fs::read_to_string(format!("{}/libvirtd.pid", self.dir))
            .ok()
            .and_then(|pid| std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).ok())
            .is_some_and(|stat| !stat.contains(") Z "))
    }
}

impl Drop for PrivateDaemon {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/private-libvirtd.sh"
            ))
            .args(["stop", &self.dir])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies volume `source` of pool `pool_uuid` as `name` (`volume_copy::start_copy`)
/// and waits for its end: the check's answer, then the last event. `on_progress`
/// hears each progress event on the copy's thread (a test cancels from there).
pub fn copy_volume(
    handle: &ConnectionHandle,
    pool_uuid: &str,
    source: &str,
    name: &str,
    kind: hangar::core::storage::volume_copy::CopyKind,
    cancel: hangar::core::storage::transfer::CancelFlag,
    on_progress: impl Fn(u64, u64) + Send + Sync + 'static,
) -> Result<
    (hangar::core::storage::transfer::TransferEvent, Vec<u64>),
    hangar::core::storage::volume_ops::CreateError,
> {
    use hangar::core::storage::transfer::TransferEvent;
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let (p, s, n) = (pool_uuid.to_string(), source.to_string(), name.to_string());
    handle
        .call(move |c| {
            Ok(hangar::core::storage::volume_copy::start_copy(
                c,
                &p,
                &s,
                &n,
                kind,
                cancel,
                Box::new(move |e| {
                    if let TransferEvent::Progress { done, total, .. } = e {
                        on_progress(done, total);
                    }
                    let _ = tx.lock().unwrap().send(e);
                }),
            ))
        })
        .unwrap()?;
    let mut seen = Vec::new();
    loop {
        match rx
            .recv_timeout(Duration::from_secs(120))
            .expect("copy events")
        {
            TransferEvent::Progress { done, .. } => seen.push(done),
            end => return Ok((end, seen)),
        }
    }
}

/// A test-driver host with three machines, listed.
pub fn open_small_host(tag: &str) -> (Host, std::path::PathBuf) {
    let (uri, dir) = node_uri(&NodeSpec::with_domains(3), tag);
    let mut host = Host::open(&uri);
    host.until_loaded();
    (host, dir)
}

/// A node file with one host interface (eth1, 192.168.0.5/24) and a pool whose
/// target is where the generated machines' disks live.
pub fn open_host_with_extras(tag: &str) -> (Host, std::path::PathBuf) {
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
