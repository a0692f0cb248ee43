//! A small window with a progress bar and a Cancel button for work that takes a
//! while: uploads, downloads, volume copies and conversions (bytes), deleting and
//! starting many machines (a count), and work of unknown length (a pulse).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use super::inline::Pulse;
use crate::core::storage::size::format_bytes;
use crate::core::storage::transfer::CancelFlag;

pub struct Progress {
    pub window: adw::Window,
    pub bar: gtk::ProgressBar,
    pub cancel: gtk::Button,
    /// Under the bar: why there is no Cancel, when there is none.
    pub note: gtk::Label,
    pulse: Pulse,
    finished: Cell<bool>,
    /// What the bar says once Cancel was pressed.
    cancelling: RefCell<String>,
}

impl Progress {
    /// `cancel`: the flag the Cancel button raises; `None` for work that cannot stop
    /// (no button then).
    pub fn open(
        parent: &impl IsA<gtk::Widget>,
        title: &str,
        what: &str,
        cancel: Option<CancelFlag>,
    ) -> Rc<Progress> {
        let window = adw::Window::builder()
            .title(title)
            .modal(true)
            .default_width(440)
            .deletable(false)
            .build();
        window.set_widget_name("progress");
        if let Some(w) = parent.as_ref().root().and_downcast::<gtk::Window>() {
            window.set_transient_for(Some(&w));
        }
        let heading = gtk::Label::builder()
            .label(what)
            .wrap(true)
            .xalign(0.0)
            .build();
        heading.add_css_class("heading");
        let bar = gtk::ProgressBar::builder().show_text(true).build();
        bar.update_property(&[gtk::accessible::Property::Label(title)]);
        let cancel_button = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        cancel_button.set_halign(gtk::Align::End);
        cancel_button.set_visible(cancel.is_some());
        let note = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .visible(false)
            .build();
        note.set_widget_name("progress-note");
        note.add_css_class("dim-label");
        note.add_css_class("caption");
        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(18);
        body.set_margin_bottom(18);
        body.set_margin_start(18);
        body.set_margin_end(18);
        body.append(&heading);
        body.append(&bar);
        body.append(&note);
        body.append(&cancel_button);
        let layout = gtk::Box::new(gtk::Orientation::Vertical, 0);
        layout.append(
            &adw::HeaderBar::builder()
                .title_widget(&adw::WindowTitle::new(title, ""))
                .show_end_title_buttons(false)
                .build(),
        );
        layout.append(&body);
        window.set_content(Some(&layout));
        let p = Rc::new(Progress {
            window,
            pulse: Pulse::new(bar.clone()),
            bar,
            cancel: cancel_button,
            note,
            finished: Cell::new(false),
            cancelling: RefCell::new(gettext("Cancelling…")),
        });
        if let Some(flag) = cancel {
            // A weak reference: the window must not keep itself alive.
            let p2 = Rc::downgrade(&p);
            p.cancel.connect_clicked(move |b| {
                flag.cancel();
                b.set_sensitive(false);
                if let Some(p) = p2.upgrade() {
                    p.bar.set_text(Some(&p.cancelling.borrow()));
                }
            });
        }
        p.window.present();
        p
    }

    /// Pulses the bar until a fraction is known, saying `text` on it.
    pub fn pulse(&self, text: &str) {
        self.bar.set_text(Some(text));
        self.pulse.start();
    }

    /// A plain word under the bar, e.g. why it cannot be cancelled.
    pub fn set_note(&self, text: &str) {
        self.note.set_label(text);
        self.note.set_visible(true);
    }

    /// What the bar says after Cancel, when stopping is not immediate.
    pub fn set_cancelling_text(&self, text: &str) {
        self.cancelling.replace(text.to_string());
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_visible() && !self.cancel.is_sensitive()
    }

    fn fraction(done: u64, total: u64) -> f64 {
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).clamp(0.0, 1.0)
        }
    }

    fn set_fraction(&self, fraction: f64) {
        self.pulse.set_fraction(fraction);
    }

    /// Bytes moved so far.
    pub fn update(&self, done: u64, total: u64) {
        self.set_fraction(Self::fraction(done, total));
        if !self.cancelled() {
            self.bar.set_text(Some(
                &gettext("{done} of {total}")
                    .replace("{done}", &format_bytes(done))
                    .replace("{total}", &format_bytes(total)),
            ));
        }
    }

    /// Bytes written so far when the total is only an estimate: never shown full
    /// before the work says it is done.
    pub fn update_estimate(&self, done: u64, total: u64) {
        self.set_fraction(Self::fraction(done, total).min(0.99));
        if !self.cancelled() {
            self.bar.set_text(Some(
                &gettext("{done} of about {total}")
                    .replace("{done}", &format_bytes(done))
                    .replace("{total}", &format_bytes(total.max(done))),
            ));
        }
    }

    /// Items done so far, with the caller's text.
    pub fn update_count(&self, done: usize, total: usize, text: &str) {
        self.set_fraction(Self::fraction(done as u64, total as u64));
        if !self.cancelled() {
            self.bar.set_text(Some(text));
        }
    }

    /// "3 of 10 machines", for runs over several machines.
    pub fn update_machines(&self, done: usize, total: usize) {
        self.update_count(
            done,
            total,
            &gettext("{done} of {total} machines")
                .replace("{done}", &done.to_string())
                .replace("{total}", &total.to_string()),
        );
    }

    pub fn finish(&self) {
        if !self.finished.replace(true) {
            self.pulse.stop();
            self.window.close();
        }
    }
}

/// A progress window that opens only when the work lasts longer than
/// [`SHOW_AFTER`](super::SHOW_AFTER), and never after `finish`.
#[derive(Clone, Default)]
pub struct Delayed {
    shown: Rc<RefCell<Option<Rc<Progress>>>>,
    done: Rc<Cell<bool>>,
}

impl Delayed {
    /// `setup` runs on the window when it opens (pulse, note, cancelling text…).
    pub fn new(
        parent: &impl IsA<gtk::Widget>,
        title: &str,
        what: &str,
        cancel: Option<CancelFlag>,
        setup: impl FnOnce(&Progress) + 'static,
    ) -> Delayed {
        let d = Delayed::default();
        let (d2, parent) = (d.clone(), parent.as_ref().clone());
        let (title, what) = (title.to_string(), what.to_string());
        glib::timeout_add_local_once(super::SHOW_AFTER, move || {
            if d2.done.get() || parent.root().is_none() {
                return;
            }
            let p = Progress::open(&parent, &title, &what, cancel);
            setup(&p);
            d2.shown.replace(Some(p));
        });
        d
    }

    /// For short work libvirt cannot stop (a resize, a disk removal): a pulsing bar
    /// and no Cancel, only if it lasts.
    pub fn pulsing(parent: &impl IsA<gtk::Widget>, title: &str, what: &str) -> Delayed {
        Delayed::new(parent, title, what, None, |p| p.pulse(&gettext("Working…")))
    }

    /// Runs `f` on the window if it is open.
    pub fn with(&self, f: impl FnOnce(&Progress)) {
        if let Some(p) = self.shown.borrow().as_ref() {
            f(p);
        }
    }

    pub fn finish(&self) {
        self.done.set(true);
        if let Some(p) = self.shown.borrow_mut().take() {
            p.finish();
        }
    }
}
