//! `HANGAR_TRACE_ROWS=1`: after each frame that shows a changed machine row, print
//! `row name=N state=S painted_us=T` on stderr, T being the wall clock in microseconds.
//! The benchmark compares T with the time it received the same libvirt event on its
//! own connection, which gives the event-to-row latency a person sees.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use gtk::prelude::*;

#[derive(Clone, Default)]
pub struct RowTrace {
    pending: Rc<RefCell<Vec<(String, String)>>>,
    armed: Rc<std::cell::Cell<bool>>,
}

impl RowTrace {
    /// Tracing is on only when the variable is set: it costs nothing otherwise.
    pub fn from_env() -> Option<RowTrace> {
        std::env::var_os("HANGAR_TRACE_ROWS").map(|_| RowTrace::default())
    }

    /// Notes a row change; it is printed once the next frame has been painted.
    pub fn changed(&self, widget: &impl IsA<gtk::Widget>, name: &str, state: &str) {
        self.pending
            .borrow_mut()
            .push((name.to_string(), state.to_string()));
        if self.armed.replace(true) {
            return;
        }
        let Some(clock) = widget.frame_clock() else {
            self.armed.set(false);
            return;
        };
        let pending = self.pending.clone();
        let armed = self.armed.clone();
        let handler: Rc<RefCell<Option<gtk::glib::SignalHandlerId>>> = Rc::default();
        let handler2 = handler.clone();
        let clock2 = clock.clone();
        let id = clock.connect_after_paint(move |_| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_micros();
            let mut err = std::io::stderr().lock();
            for (name, state) in pending.borrow_mut().drain(..) {
                let _ = writeln!(err, "row name={name} state={state} painted_us={now}");
            }
            armed.set(false);
            if let Some(id) = handler2.borrow_mut().take() {
                clock2.disconnect(id);
            }
        });
        handler.replace(Some(id));
        clock.request_phase(gtk::gdk::FrameClockPhase::PAINT);
    }
}
