//! Progress shown where the work was asked for: a bar that pulses while nobody knows
//! how far the work is (`Pulse`), and a strip for a page — what runs, the bar, and
//! either a Cancel button or a plain word that it cannot be cancelled (`Activity`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

/// A progress bar that pulses until told a fraction or stopped.
#[derive(Clone)]
pub struct Pulse {
    pub bar: gtk::ProgressBar,
    running: Rc<Cell<bool>>,
}

impl Default for Pulse {
    fn default() -> Self {
        Pulse::new(gtk::ProgressBar::new())
    }
}

impl Pulse {
    pub fn new(bar: gtk::ProgressBar) -> Pulse {
        bar.set_pulse_step(0.1);
        Pulse {
            bar,
            running: Rc::default(),
        }
    }

    /// Shows the bar and pulses it (one timer, however often this is called).
    pub fn start(&self) {
        self.bar.set_visible(true);
        if self.running.replace(true) {
            return;
        }
        let (bar, running) = (self.bar.downgrade(), self.running.clone());
        glib::timeout_add_local(Duration::from_millis(120), move || match bar.upgrade() {
            Some(bar) if running.get() => {
                bar.pulse();
                glib::ControlFlow::Continue
            }
            _ => glib::ControlFlow::Break,
        });
    }

    /// Stops pulsing: the caller knows how far the work is now.
    pub fn set_fraction(&self, fraction: f64) {
        self.running.set(false);
        self.bar.set_fraction(fraction.clamp(0.0, 1.0));
    }

    /// Pulses until the returned call — made from any thread, e.g. a worker's
    /// reply — says the answer came.
    pub fn until_answer(&self) -> impl FnOnce() + Send + 'static {
        self.start();
        let (tx, rx) = async_channel::bounded::<()>(1);
        let me = self.clone();
        glib::spawn_future_local(async move {
            let _ = rx.recv().await;
            me.stop();
        });
        move || {
            let _ = tx.try_send(());
        }
    }

    pub fn is_pulsing(&self) -> bool {
        self.running.get()
    }

    /// Stops and hides the bar.
    pub fn stop(&self) {
        self.running.set(false);
        self.bar.set_visible(false);
        self.bar.set_fraction(0.0);
    }
}

/// A strip for a page: "Taking snapshot “x”…", a bar, and Cancel or a note. Hidden
/// while nothing runs.
pub struct Activity {
    pub root: gtk::Box,
    pub label: gtk::Label,
    pub pulse: Pulse,
    pub cancel: gtk::Button,
    /// Said instead of a Cancel button when the work cannot be stopped.
    pub note: gtk::Label,
    on_cancel: RefCell<Option<Box<dyn Fn()>>>,
}

impl Activity {
    pub fn new() -> Rc<Activity> {
        let label = gtk::Label::builder().xalign(0.0).wrap(true).build();
        label.add_css_class("heading");
        let bar = gtk::ProgressBar::builder()
            .valign(gtk::Align::Center)
            .hexpand(true)
            .build();
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        cancel.set_widget_name("activity-cancel");
        cancel.set_visible(false);
        let note = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .visible(false)
            .build();
        note.set_widget_name("activity-note");
        note.add_css_class("dim-label");
        note.add_css_class("caption");
        let line = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        line.append(&bar);
        line.append(&cancel);
        let root = gtk::Box::new(gtk::Orientation::Vertical, 6);
        root.set_widget_name("activity");
        root.append(&label);
        root.append(&line);
        root.append(&note);
        root.set_visible(false);
        let a = Rc::new(Activity {
            root,
            label,
            pulse: Pulse::new(bar),
            cancel,
            note,
            on_cancel: RefCell::default(),
        });
        let weak = Rc::downgrade(&a);
        a.cancel.connect_clicked(move |b| {
            b.set_sensitive(false);
            if let Some(a) = weak.upgrade() {
                a.pulse.bar.set_text(Some(&gettext("Cancelling…")));
                a.pulse.bar.set_show_text(true);
                if let Some(f) = a.on_cancel.borrow().as_ref() {
                    f();
                }
            }
        });
        a
    }

    /// Shows the strip, pulsing, with neither Cancel nor note yet.
    pub fn start(&self, what: &str) {
        self.label.set_label(what);
        self.pulse
            .bar
            .update_property(&[gtk::accessible::Property::Label(what)]);
        self.pulse.bar.set_show_text(false);
        self.cancel.set_visible(false);
        self.cancel.set_sensitive(true);
        self.note.set_visible(false);
        self.on_cancel.replace(None);
        self.root.set_visible(true);
        self.pulse.start();
    }

    pub fn is_running(&self) -> bool {
        self.root.is_visible()
    }

    /// Offers Cancel, which calls `f` once (the button then turns insensitive).
    pub fn offer_cancel(&self, f: impl Fn() + 'static) {
        self.on_cancel.replace(Some(Box::new(f)));
        self.note.set_visible(false);
        self.cancel.set_visible(true);
    }

    /// Says why there is no Cancel (and takes back one offered before).
    pub fn cannot_cancel(&self, why: &str) {
        self.cancel.set_visible(false);
        self.on_cancel.replace(None);
        self.note.set_label(why);
        self.note.set_visible(true);
    }

    /// Hides the strip.
    pub fn finish(&self) {
        self.pulse.stop();
        self.on_cancel.replace(None);
        self.root.set_visible(false);
    }
}
