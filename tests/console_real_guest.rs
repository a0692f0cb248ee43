//! The serial console core against a real libvirtd and a real (tiny) QEMU guest, on
//! the local daemon (qemu:///system) and on a private one reached as qemu+unix://,
//! with no GTK: banner, a typed command's answer, take-over, a 10 MB burst, EOF when
//! the machine is destroyed, and a clean release.
//!
//! Needs root and HANGAR_REAL_LIBVIRT=1 (tests/run-all.sh sets it); without it the
//! real-guest tests print why they are skipped and pass. With it, every failure fails.
//! `guest` below is also used by the UI test (tests/ui/console.rs includes this file).

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hangar::core::console::{
    open_console, ConsoleEvent, ConsoleOutput, ConsoleProblem, ConsoleStream,
};
use hangar::core::event_loop;
use hangar::core::worker::{ConnectionHandle, ConnectionSpec};

pub mod guest {
    use std::path::PathBuf;
    use std::process::Command;

    pub const BANNER: &str = "HANGAR-TINY-GUEST READY";
    pub const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
    pub const SYSTEM_URI: &str = "qemu:///system";

    /// True when real-libvirt tests may run; prints the skip line otherwise.
    pub fn enabled(test: &str) -> bool {
        let on = std::env::var("HANGAR_REAL_LIBVIRT").is_ok_and(|v| v == "1");
        if !on {
            println!(
                "{test}: skipped: set HANGAR_REAL_LIBVIRT=1 to run it (needs root and libvirtd)"
            );
        }
        on
    }

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Runs a tests/support script; panics with its output when it fails.
    pub fn support(script: &str, args: &[&str]) -> String {
        let out = Command::new("bash")
            .arg(repo().join("tests/support").join(script))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running {script}: {e}"));
        assert!(
            out.status.success(),
            "{script} {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn virsh(uri: &str, args: &[&str]) -> Result<String, String> {
        let out = Command::new("virsh")
            .arg("-c")
            .arg(uri)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Starts the system libvirtd and builds the guest's kernel and initramfs.
    pub fn prepare_system() {
        support("libvirtd.sh", &["start"]);
        support("tiny-guest.sh", &["build", GUEST_DIR]);
    }

    /// A defined and started tiny guest; destroyed and undefined when dropped, also
    /// when the test panics.
    pub struct Guest {
        pub uri: String,
        pub name: String,
        pub uuid: String,
    }

    impl Guest {
        pub fn start(uri: &str, tag: &str) -> Guest {
            let name = format!("hangar-console-{}-{tag}", std::process::id());
            let xml = support("tiny-guest.sh", &["domain-xml", &name, GUEST_DIR]);
            let file = std::env::temp_dir().join(format!("{name}.xml"));
            std::fs::write(&file, xml).unwrap();
            // From here on, Drop removes the domain even if a step below fails.
            let mut guest = Guest {
                uri: uri.to_string(),
                name: name.clone(),
                uuid: String::new(),
            };
            virsh(uri, &["define", file.to_str().unwrap()]).expect("virsh define");
            let _ = std::fs::remove_file(&file);
            guest.uuid = virsh(uri, &["domuuid", &name]).expect("virsh domuuid");
            guest.power_on();
            guest
        }

        pub fn power_on(&self) {
            virsh(&self.uri, &["start", &self.name]).expect("virsh start");
        }

        pub fn destroy(&self) {
            virsh(&self.uri, &["destroy", &self.name]).expect("virsh destroy");
        }

        pub fn is_running(&self) -> bool {
            virsh(&self.uri, &["domstate", &self.name]).is_ok_and(|s| s == "running")
        }
    }

    impl Drop for Guest {
        fn drop(&mut self) {
            let _ = virsh(&self.uri, &["destroy", &self.name]);
            let _ = virsh(&self.uri, &["undefine", &self.name]);
            let _ = std::fs::remove_file(format!("/var/log/libvirt/qemu/{}-serial.log", self.name));
        }
    }

    /// A second libvirtd reached over its own unix socket, like a remote host.
    pub struct PrivateDaemon {
        pub dir: String,
        pub uri: String,
    }

    impl PrivateDaemon {
        pub fn start(tag: &str) -> PrivateDaemon {
            // Short: unix socket paths are limited to 107 bytes.
            let dir = format!("/tmp/hpd-{tag}{}", std::process::id());
            let uri = support("private-libvirtd.sh", &["start", &dir]);
            PrivateDaemon { dir, uri }
        }
    }

    impl Drop for PrivateDaemon {
        fn drop(&mut self) {
            let _ = Command::new("bash")
                .arg(repo().join("tests/support/private-libvirtd.sh"))
                .args(["stop", &self.dir])
                .output();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// The shell command that prints `bytes` of 80-column lines, then a marker that
    /// appears only in its output (the typed command shows `$((1+1))`). The tiny
    /// guest's emulated UART moves ~57 KB/s under TCG (`virsh console` measures the
    /// same), so 10 MiB take about three minutes.
    pub fn burst_command(bytes: usize) -> String {
        format!(
            "yes {} | head -c {bytes}; echo burst-$((1+1))-done\r",
            "0123456789".repeat(8).get(..79).unwrap()
        )
    }
    pub const BURST_MARKER: &str = "burst-2-done";
    pub const BURST_BYTES: usize = 10 * 1024 * 1024;
}

/// The core test's burst: enough to see throughput and that nothing is lost; the
/// 10 MiB one runs in the UI test, where main-loop stalls can happen.
const CORE_BURST_BYTES: usize = 1024 * 1024;

/// Real-guest tests boot QEMU under TCG; one at a time keeps them (and their timings)
/// from fighting over the CPUs.
static SERIAL: Mutex<()> = Mutex::new(());

fn worker(uri: &str) -> ConnectionHandle {
    event_loop::run_on_own_thread().expect("libvirt event loop");
    ConnectionHandle::open(1, ConnectionSpec::new(uri), Arc::new(|_| {}))
}

/// One open console: the stream (keystrokes in) and what it has printed so far.
struct Console {
    stream: Option<ConsoleStream>,
    output: ConsoleOutput,
    seen: Vec<u8>,
    first_byte: Option<Instant>,
    ended: Option<ConsoleEvent>,
}

impl Console {
    fn send(&self, bytes: &[u8]) {
        let stream = self.stream.as_ref().unwrap();
        assert!(stream.send(bytes), "the stream takes input");
    }

    /// Takes one event; false on end or at the deadline.
    fn pump(&mut self, until: Instant) -> bool {
        while Instant::now() < until {
            match self.output.try_recv() {
                Some(ConsoleEvent::Data(b)) => {
                    self.first_byte.get_or_insert_with(Instant::now);
                    self.seen.extend_from_slice(&b);
                    return true;
                }
                Some(end) => {
                    self.ended = Some(end);
                    return false;
                }
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        false
    }

    /// Reads until `text` shows up in what arrives from now on.
    fn wait_for(&mut self, text: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let from = self.seen.len();
        loop {
            // Only the last bytes can complete a match that was not there before.
            let scan = from.max(self.seen.len().saturating_sub(64 * 1024 + text.len()));
            if String::from_utf8_lossy(&self.seen[scan..]).contains(text) {
                return;
            }
            if !self.pump(deadline) {
                let tail =
                    String::from_utf8_lossy(&self.seen[self.seen.len().saturating_sub(400)..])
                        .into_owned();
                panic!(
                    "no {text:?} within {timeout:?} (end: {:?}); last output:\n{tail}",
                    self.ended
                );
            }
        }
    }

    fn wait_end(&mut self, timeout: Duration) -> ConsoleEvent {
        let deadline = Instant::now() + timeout;
        while self.ended.is_none() {
            if !self.pump(deadline) && self.ended.is_none() {
                panic!("the stream did not end within {timeout:?}");
            }
        }
        self.ended.clone().unwrap()
    }

    /// Releases the stream on the worker (abort waits for the daemon); returns how
    /// long that took.
    fn release(mut self, handle: &ConnectionHandle) -> Duration {
        let stream = self.stream.take();
        let t = Instant::now();
        on_worker(handle, Duration::from_secs(15), move |_| drop(stream));
        t.elapsed()
    }
}

/// Runs `f` on the worker, failing the test if it takes longer than `limit`.
fn on_worker<R: Send + 'static>(
    handle: &ConnectionHandle,
    limit: Duration,
    f: impl FnOnce(&virt::connect::Connect) -> R + Send + 'static,
) -> R {
    let (tx, rx) = std::sync::mpsc::channel();
    handle.run(
        move |c| Ok(f(c)),
        move |r| {
            let _ = tx.send(r);
        },
    );
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("worker job took longer than {limit:?}"))
        .expect("worker connected")
}

fn open(handle: &ConnectionHandle, uuid: &str, force: bool) -> Result<Console, ConsoleProblem> {
    let uuid = uuid.to_string();
    let attempt = on_worker(handle, Duration::from_secs(30), move |c| {
        open_console(c, &uuid, None, force)
    });
    let (stream, output) = attempt.result?;
    assert_eq!(attempt.device.as_deref(), Some("serial0"));
    Ok(Console {
        stream: Some(stream),
        output,
        seen: Vec::new(),
        first_byte: None,
        ended: None,
    })
}

fn round_trip(uri: &str, tag: &str, with_extras: bool) {
    let guest = guest::Guest::start(uri, tag);
    let started = Instant::now();
    let handle = worker(uri);
    let mut c = open(&handle, &guest.uuid, false).expect("console opens");
    let opened = started.elapsed();
    c.wait_for(guest::BANNER, Duration::from_secs(90));
    let first = c.first_byte.unwrap().duration_since(started);
    let banner = started.elapsed();
    c.wait_for("tiny# ", Duration::from_secs(30));
    c.send(b"echo hangar-$((6*7))\r");
    c.wait_for("hangar-42", Duration::from_secs(30));
    println!(
        "[{tag}] console open {opened:?} after start, first byte {first:?}, banner {banner:?}"
    );

    let mut c = if with_extras {
        // A second client is refused, then takes over with FORCE.
        match open(&handle, &guest.uuid, false) {
            Err(ConsoleProblem::Busy(msg)) => println!("[{tag}] busy: {msg}"),
            Err(other) => panic!("expected Busy, got {other:?}"),
            Ok(_) => panic!("a second client opened the console without FORCE"),
        }
        let mut taker = open(&handle, &guest.uuid, true).expect("FORCE takes over");
        let end = c.wait_end(Duration::from_secs(10));
        println!("[{tag}] the first client's stream ended with {end:?}");
        c.release(&handle);
        taker.send(b"echo taken-$((2*3))\r");
        taker.wait_for("taken-6", Duration::from_secs(30));

        taker.send(guest::burst_command(CORE_BURST_BYTES).as_bytes());
        let t = Instant::now();
        let before = taker.seen.len();
        taker.wait_for(guest::BURST_MARKER, Duration::from_secs(300));
        let got = taker.seen.len() - before;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "[{tag}] burst: {got} bytes in {secs:.1} s = {:.2} MB/s through the core stream",
            got as f64 / secs / 1e6
        );
        assert!(
            got >= CORE_BURST_BYTES,
            "only {got} bytes of the burst arrived"
        );
        taker
    } else {
        c
    };

    // Destroying the machine ends the stream; releasing it afterwards is quick.
    let t = Instant::now();
    guest.destroy();
    let end = c.wait_end(Duration::from_secs(20));
    println!("[{tag}] after destroy: {end:?} in {:?}", t.elapsed());
    let released = c.release(&handle);
    println!("[{tag}] released in {released:?}");
    match open(&handle, &guest.uuid, false) {
        Err(ConsoleProblem::NotRunning) => {}
        other => panic!(
            "a stopped machine must say NotRunning, got {:?}",
            other.err()
        ),
    }
    handle.close();
}

#[test]
fn console_on_the_local_daemon() {
    if !guest::enabled("console_on_the_local_daemon") {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    guest::prepare_system();
    round_trip(guest::SYSTEM_URI, "core", true);
}

#[test]
fn console_on_a_remote_style_daemon() {
    if !guest::enabled("console_on_a_remote_style_daemon") {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    guest::prepare_system();
    let daemon = guest::PrivateDaemon::start("c");
    assert!(daemon.uri.starts_with("qemu+unix://"), "{}", daemon.uri);
    round_trip(&daemon.uri, "remote", false);
}

/// libvirt's test driver has no consoles: the core says so instead of failing oddly.
#[test]
fn the_test_driver_reports_unsupported() {
    let handle = worker("test:///default");
    let attempt = on_worker(&handle, Duration::from_secs(10), |c| {
        let uuid = c
            .lookup_domain_by_name("test")
            .unwrap()
            .uuid_string()
            .unwrap();
        open_console(c, &uuid, None, false)
    });
    match attempt.result {
        Err(ConsoleProblem::Unsupported(msg)) => assert!(!msg.is_empty()),
        Err(other) => panic!("expected Unsupported, got {other:?}"),
        Ok(_) => panic!("the test driver opened a console"),
    }
    handle.close();
}
