//! `--quit-after-load`: once every connection has listed its host and the window has
//! drawn the result, print one line and quit. The benchmark and the end-to-end tests
//! read that line, so its format is fixed:
//! `loaded connections=C domains=D networks=N pools=P ms=T`.

use std::cell::Cell;
use std::io::Write;
use std::rc::Rc;

use gtk::prelude::*;

use super::host_view::HostView;
use crate::core::process_clock;
use crate::core::store::ConnectionStatus;

pub struct LoadReport {
    expected: usize,
    armed: bool,
}

impl LoadReport {
    pub fn new(expected: usize) -> Self {
        LoadReport {
            expected,
            armed: false,
        }
    }

    /// Called after every batch of updates; arms the report once all hosts are done.
    pub fn check(&mut self, hosts: &[HostView], window: &impl IsA<gtk::Widget>) {
        if self.armed {
            return;
        }
        // A host left unconnected (saved without autoconnect) is settled; one that is
        // not there counts as failed, though its worker keeps retrying.
        let done = hosts.len() == self.expected
            && hosts.iter().all(|h| {
                matches!(
                    h.store.status,
                    ConnectionStatus::Live
                        | ConnectionStatus::Failed(_)
                        | ConnectionStatus::Disconnected(_)
                        | ConnectionStatus::NotConnected
                )
            });
        if !done {
            return;
        }
        self.armed = true;
        for host in hosts {
            if let ConnectionStatus::Failed(e) | ConnectionStatus::Disconnected(e) =
                &host.store.status
            {
                eprintln!("hangar: {}: {}", host.handle.spec.uri, e.message);
            }
        }
        let failed = hosts.iter().filter(|h| {
            matches!(
                h.store.status,
                ConnectionStatus::Failed(_) | ConnectionStatus::Disconnected(_)
            )
        });
        let live = hosts
            .iter()
            .filter(|h| h.store.status == ConnectionStatus::Live);
        let line = format!(
            "loaded connections={} domains={} networks={} pools={}",
            live.count(),
            hosts.iter().map(|h| h.store.domains.len()).sum::<usize>(),
            hosts.iter().map(|h| h.store.networks.len()).sum::<usize>(),
            hosts.iter().map(|h| h.store.pools.len()).sum::<usize>(),
        );
        let all_ok = failed.count() == 0;
        print_after_next_frame(window.as_ref(), line, all_ok);
    }
}

/// The rows are in the model now; the frame after this point is the one that shows
/// them, so the time is taken when that frame has been painted.
fn print_after_next_frame(widget: &gtk::Widget, line: String, success: bool) {
    let fired = Rc::new(Cell::new(false));
    let arm = move |clock: &gtk::gdk::FrameClock| {
        let fired = fired.clone();
        let line = line.clone();
        clock.connect_after_paint(move |_| {
            if fired.replace(true) {
                return;
            }
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line} ms={}", process_clock::ms_since_start());
            let _ = out.flush();
            relm4::main_application().quit();
            if !success {
                std::process::exit(1);
            }
        });
        clock.request_phase(gtk::gdk::FrameClockPhase::PAINT);
    };
    match widget.frame_clock() {
        Some(clock) => arm(&clock),
        None => {
            widget.connect_map(move |w| {
                if let Some(clock) = w.frame_clock() {
                    arm(&clock);
                }
            });
        }
    }
    widget.queue_draw();
}
