//! A small window with a progress bar for work that takes a while: uploads and
//! downloads (with a byte count and Cancel), and clones (libvirt reports no progress
//! for `virStorageVolCreateXMLFrom`, so the bar pulses until the copy is done).

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::storage::size::format_bytes;
use crate::core::storage::transfer::{CancelFlag, TransferEvent};

pub struct Progress {
    pub window: adw::Window,
    pub bar: gtk::ProgressBar,
    pub cancel: gtk::Button,
    finished: Cell<bool>,
}

impl Progress {
    /// `cancel`: the flag the Cancel button raises; `None` for work that cannot stop.
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
        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(18);
        body.set_margin_bottom(18);
        body.set_margin_start(18);
        body.set_margin_end(18);
        body.append(&heading);
        body.append(&bar);
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
            bar,
            cancel: cancel_button,
            finished: Cell::new(false),
        });
        if let Some(flag) = cancel {
            let p2 = p.clone();
            p.cancel.connect_clicked(move |b| {
                flag.cancel();
                b.set_sensitive(false);
                p2.bar.set_text(Some(&gettext("Cancelling…")));
            });
        } else {
            // Nothing to count: pulse until finished.
            p.bar.set_text(Some(&gettext("Copying…")));
            let p2 = p.clone();
            glib::timeout_add_local(std::time::Duration::from_millis(120), move || {
                if p2.finished.get() {
                    return glib::ControlFlow::Break;
                }
                p2.bar.pulse();
                glib::ControlFlow::Continue
            });
        }
        p.window.present();
        p
    }

    pub fn update(&self, done: u64, total: u64) {
        let fraction = if total == 0 {
            0.0
        } else {
            done as f64 / total as f64
        };
        self.bar.set_fraction(fraction.clamp(0.0, 1.0));
        self.bar.set_text(Some(
            &gettext("{done} of {total}")
                .replace("{done}", &format_bytes(done))
                .replace("{total}", &format_bytes(total)),
        ));
    }

    pub fn finish(&self) {
        self.finished.set(true);
        self.window.close();
    }
}

/// A `Report` for the transfer thread whose events arrive on the GTK thread, in
/// order, at `on_event`.
pub fn report_to_main(
    on_event: impl Fn(TransferEvent) + 'static,
) -> crate::core::storage::transfer::Report {
    let (tx, rx) = async_channel::unbounded::<TransferEvent>();
    glib::spawn_future_local(async move {
        while let Ok(ev) = rx.recv().await {
            let last = !matches!(ev, TransferEvent::Progress { .. });
            on_event(ev);
            if last {
                break;
            }
        }
    });
    Box::new(move |ev| {
        let _ = tx.send_blocking(ev);
    })
}
