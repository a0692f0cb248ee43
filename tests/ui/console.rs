//! The serial console window: its states on libvirt's test driver, a 10 MB burst fed
//! through the real feeding code, and (with HANGAR_REAL_LIBVIRT=1) a real guest on
//! the local daemon and on a private one that crashes and comes back.

use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::core::console::{open_console, ConsoleOutput};
use hangar::core::worker::{ConnectionHandle, ConnectionSpec};
use hangar::ui::console::{feeder, terminal, ConsoleState, ConsoleWindow, StallProbe};
use vte4::prelude::*;

use crate::harness::pump_until;

#[path = "../console_real_guest.rs"]
mod real_guest;
use real_guest::guest;

const T: Duration = Duration::from_secs(15);

fn host(uri: &str) -> ConnectionHandle {
    // The console needs only the worker; the window's update stream is not needed.
    ConnectionHandle::open(90, ConnectionSpec::new(uri), std::sync::Arc::new(|_| {}))
}

/// Runs `f` on the worker and waits (on this thread, which is fine in a test).
fn call<R: Send + 'static>(
    h: &ConnectionHandle,
    f: impl FnOnce(&virt::connect::Connect) -> R + Send + 'static,
) -> R {
    h.call(move |c| Ok(f(c))).expect("worker job")
}

fn uuid_of(h: &ConnectionHandle, name: &str) -> String {
    let name = name.to_string();
    call(h, move |c| {
        c.lookup_domain_by_name(&name)
            .and_then(|d| d.uuid_string())
            .expect("domain exists")
    })
}

/// Pumps until the terminal's text contains `needle` (read every 100 ms: reading
/// the whole scrollback is not free).
fn pump_for_text(w: &ConsoleWindow, needle: &str, timeout: Duration) {
    let mut next = Instant::now();
    pump_until(timeout, &format!("{needle:?} in the terminal"), || {
        if Instant::now() < next {
            return false;
        }
        next = Instant::now() + Duration::from_millis(100);
        w.view.text().contains(needle)
    });
}

fn pump_for_state(w: &ConsoleWindow, want: fn(&ConsoleState) -> bool, what: &str, t: Duration) {
    pump_until(t, what, || want(&w.view.state()));
}

fn close_window(w: ConsoleWindow) {
    w.window.close();
    pump_until(T, "the console window to close", || {
        ConsoleWindow::open_windows().is_empty()
    });
    let ctx = gtk::glib::MainContext::default();
    for _ in 0..50 {
        ctx.iteration(false);
    }
}

pub fn a_hypervisor_without_consoles_says_so() {
    let h = host("test:///default");
    let uuid = uuid_of(&h, "test");
    let w = ConsoleWindow::open(h.clone(), uuid.clone(), "test".into());
    pump_for_state(
        &w,
        |s| matches!(s, ConsoleState::Unsupported(_)),
        "the unsupported state",
        T,
    );
    let shown = w.view.shown_message();
    assert!(shown.contains("Not Supported"), "{shown}");
    assert!(
        !w.view.terminal().is_input_enabled(),
        "no typing into nothing"
    );
    // Opening it again brings the same window forward.
    let again = ConsoleWindow::open(h.clone(), uuid, "test".into());
    assert_eq!(again.window, w.window);
    close_window(w);
    h.close();
}

/// A stopped machine shows "not running" with a Start button; starting it (here with
/// that button) reopens the console by itself, from the lifecycle event.
pub fn an_off_machine_offers_start_and_reconnects_when_it_runs() {
    let h = host("test:///default");
    let name = format!("hangar-console-off-{}", std::process::id());
    let xml = format!(
        "<domain type='test'><name>{name}</name><memory>65536</memory>\
         <os><type>hvm</type></os></domain>"
    );
    let uuid = call(&h, move |c| {
        c.define_domain_xml(&xml)
            .and_then(|d| d.uuid_string())
            .expect("define")
    });
    let w = ConsoleWindow::open(h.clone(), uuid.clone(), name.clone());
    pump_for_state(&w, |s| *s == ConsoleState::Off, "the off state", T);
    assert!(w.view.shown_message().contains("Not Running"));
    let start = w.view.action_button();
    assert!(start.is_visible() && start.label().unwrap().contains("Start"));
    start.emit_clicked();
    // The test driver has no consoles: reaching "unsupported" proves the reopen.
    pump_for_state(
        &w,
        |s| matches!(s, ConsoleState::Unsupported(_)),
        "the reopen after the start event",
        T,
    );
    close_window(w);
    let u = uuid.clone();
    call(&h, move |c| {
        if let Ok(d) = c.lookup_domain_by_uuid_string(&u) {
            let _ = d.destroy();
            let _ = d.undefine();
        }
    });
    h.close();
}

/// 10 MiB arriving at once (faster than any serial line): the feeder must hand it all
/// to VTE while the main loop keeps ticking. Prints the stall numbers; asserts none.
pub fn a_ten_megabyte_burst_keeps_the_window_responsive() {
    let window = gtk::Window::builder()
        .default_width(800)
        .default_height(500)
        .build();
    let term = terminal::new_terminal("burst");
    window.set_child(Some(&term));
    window.present();
    pump_until(T, "the terminal is mapped", || term.is_mapped());
    let (feed, output) = ConsoleOutput::detached();
    let line = format!("{}\r\n", "0123456789".repeat(8));
    let total = guest::BURST_BYTES;
    let mut pushed = 0;
    while pushed < total {
        let n = (total - pushed).min(64 * 1024);
        let chunk: Vec<u8> = line
            .bytes()
            .cycle()
            .skip(pushed % line.len())
            .take(n)
            .collect();
        feed.push(chunk);
        pushed += n;
    }
    const END: &str = "synthetic-burst-end";
    feed.push(format!("\r\n{END}\r\n").into_bytes());
    let total = total + END.len() + 4;
    let fed = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let probe = StallProbe::start(Some(term.upcast_ref()));
    let t = Instant::now();
    let _task = feeder::spawn(&term, output, fed.clone(), |_| {});
    pump_until(Duration::from_secs(300), "all 10 MiB fed", || {
        fed.get() as usize >= total
    });
    let fed_in = t.elapsed();
    // Each batch waits for VTE's parse pass, so only the last one is left to parse:
    // measure a little longer without touching the terminal, then stop.
    let settle = Instant::now() + Duration::from_millis(300);
    pump_until(T, "settling", || Instant::now() > settle);
    let r = probe.stop();
    // Reading the scrollback back is slow and not the window's cost: after the probe.
    let mut next = Instant::now();
    pump_until(
        Duration::from_secs(60),
        "VTE to show the end marker",
        || {
            if Instant::now() < next {
                return false;
            }
            next = Instant::now() + Duration::from_millis(200);
            terminal::contents(&term).contains(END)
        },
    );

    println!(
        "console burst (synthetic, 10 MiB at once): all handed to VTE in {fed_in:?} \
         ({:.1} MB/s); longest main-loop gap {:?} over {} ticks of 10 ms ({} over 50 ms, \
         {} over 100 ms; longest on-CPU time within one gap {:?}, waited for a CPU {:?} in \
         all); longest frame gap {:?} over {} frames",
        total as f64 / fed_in.as_secs_f64() / 1e6,
        r.max_tick_gap,
        r.ticks,
        r.tick_gaps_over_50ms,
        r.tick_gaps_over_100ms,
        r.max_busy_in_gap,
        r.cpu_wait,
        r.max_frame_gap,
        r.frames
    );
    assert_eq!(fed.get() as usize, total);
    assert!(
        r.ticks > 10 && r.frames > 2,
        "the main loop kept running: {r:?}"
    );
    window.close();
}

/// The whole story on a real guest: banner, typing, take-over, a 10 MB burst from the
/// guest, destroy (off state), start (automatic reconnect), close (stream released).
pub fn a_real_guest_console_in_the_window() {
    if !guest::enabled("a_real_guest_console_in_the_window") {
        return;
    }
    guest::prepare_system();
    let g = guest::Guest::start(guest::SYSTEM_URI, "ui");
    let opened = Instant::now();
    let h = host(guest::SYSTEM_URI);
    let w = ConsoleWindow::open(h.clone(), g.uuid.clone(), g.name.clone());
    pump_until(Duration::from_secs(60), "the first byte", || {
        w.view.bytes_fed() > 0
    });
    let first = opened.elapsed();
    pump_for_text(&w, guest::BANNER, Duration::from_secs(90));
    println!(
        "[ui] first byte {first:?} after start, banner {:?}",
        opened.elapsed()
    );
    pump_for_text(&w, "tiny# ", T);
    assert_eq!(w.view.state(), ConsoleState::Live);
    // As if typed: feed_child goes through the terminal's commit signal.
    w.view.terminal().feed_child(b"echo hangar-$((6*7))\r");
    pump_for_text(&w, "hangar-42", T);

    // Another client takes the console over; the view says so and takes it back.
    let u = g.uuid.clone();
    let (other, other_output) = call(&h, move |c| open_console(c, &u, None, true).result)
        .expect("the other client opens with FORCE");
    pump_for_state(
        &w,
        |s| matches!(s, ConsoleState::Busy(_)),
        "the busy state",
        T,
    );
    assert!(
        w.view.shown_message().contains("in Use"),
        "{}",
        w.view.shown_message()
    );
    let take = w.view.action_button();
    assert!(take.label().unwrap().contains("Take Over"));
    take.emit_clicked();
    pump_for_state(
        &w,
        |s| *s == ConsoleState::Live,
        "live after taking over",
        T,
    );
    // …and the other client's stream ends, as ours did.
    pump_until(T, "the other client's stream to end", || {
        std::iter::from_fn(|| other_output.try_recv())
            .any(|ev| matches!(ev, hangar::core::console::ConsoleEvent::End(_)))
    });
    call(&h, move |_| drop((other, other_output)));
    w.view.terminal().feed_child(b"echo back-$((5+5))\r");
    pump_for_text(&w, "back-10", T);

    // 10 MB from the guest while we measure the main loop.
    let before = w.view.bytes_fed();
    let probe = StallProbe::start(Some(w.view.terminal().upcast_ref()));
    let t = Instant::now();
    w.view
        .terminal()
        .feed_child(guest::burst_command(guest::BURST_BYTES).as_bytes());
    pump_until(Duration::from_secs(900), "the 10 MB burst", || {
        (w.view.bytes_fed() - before) as usize >= guest::BURST_BYTES
    });
    // Stop measuring first: reading the whole scrollback back is the test's cost,
    // not the window's.
    let r = probe.stop();
    pump_for_text(&w, guest::BURST_MARKER, Duration::from_secs(30));
    let got = w.view.bytes_fed() - before;
    println!(
        "[ui] guest burst: {got} bytes in {:.1} s; longest main-loop gap {:?} over {} ticks \
         ({} over 50 ms, {} over 100 ms; longest on-CPU time within one gap {:?}, waited \
         for a CPU {:?} in all); longest frame gap {:?} over {} frames",
        t.elapsed().as_secs_f64(),
        r.max_tick_gap,
        r.ticks,
        r.tick_gaps_over_50ms,
        r.tick_gaps_over_100ms,
        r.max_busy_in_gap,
        r.cpu_wait,
        r.max_frame_gap,
        r.frames
    );
    assert!(r.ticks > 10, "the main loop kept running: {r:?}");

    // Destroyed under the open console: the view says so and keeps the text.
    let t = Instant::now();
    g.destroy();
    pump_for_state(
        &w,
        |s| *s == ConsoleState::Off,
        "the off state after destroy",
        T,
    );
    println!("[ui] off state {:?} after destroy", t.elapsed());
    assert!(w.view.shown_message().contains("Not Running"));
    assert!(!w.view.terminal().is_input_enabled());

    // Started again (by another client): the console comes back by itself.
    w.view.terminal().reset(true, true);
    let t = Instant::now();
    g.power_on();
    pump_for_state(
        &w,
        |s| *s == ConsoleState::Live,
        "live after the restart",
        T,
    );
    pump_for_text(&w, guest::BANNER, Duration::from_secs(90));
    println!("[ui] reconnected {:?} after start", t.elapsed());
    pump_for_text(&w, "tiny# ", T);
    w.view.terminal().feed_child(b"echo again-$((6*7))\r");
    pump_for_text(&w, "again-42", T);

    // Closing releases the stream: another client can open it without FORCE.
    close_window(w);
    let u = g.uuid.clone();
    let reopened = call(&h, move |c| {
        open_console(c, &u, None, false).result.map(|(s, _)| s)
    });
    let stream = reopened.expect("the console is free after the window closed");
    call(&h, move |_| drop(stream));
    h.close();
}

/// The host's daemon crashes under an open console: "connection lost", then the
/// console comes back by itself when the daemon does.
pub fn a_dropped_connection_recovers_by_itself() {
    if !guest::enabled("a_dropped_connection_recovers_by_itself") {
        return;
    }
    guest::prepare_system();
    let daemon = guest::PrivateDaemon::start("u");
    let g = guest::Guest::start(&daemon.uri, "drop");
    let h = host(&daemon.uri);
    let w = ConsoleWindow::open(h.clone(), g.uuid.clone(), g.name.clone());
    pump_for_text(&w, "tiny# ", Duration::from_secs(90));
    guest::support("private-libvirtd.sh", &["kill", &daemon.dir]);
    pump_for_state(
        &w,
        |s| matches!(s, ConsoleState::Disconnected(_)),
        "the connection-lost state",
        Duration::from_secs(30),
    );
    println!("[ui] lost: {}", w.view.shown_message().replace('\n', " "));
    guest::support("private-libvirtd.sh", &["start", &daemon.dir]);
    let t = Instant::now();
    pump_for_state(
        &w,
        |s| *s == ConsoleState::Live,
        "live again after the daemon restarted",
        Duration::from_secs(60),
    );
    println!("[ui] back {:?} after the daemon restarted", t.elapsed());
    w.view.terminal().feed_child(b"echo alive-$((6*7))\r");
    pump_for_text(&w, "alive-42", T);
    close_window(w);
    h.close();
    drop(g);
    drop(daemon);
}
