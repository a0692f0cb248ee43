//! The last page of both wizards: the plan's steps run by the clone engine's
//! executor on its own thread, with a bar per step, Cancel, and at the end what was
//! made or which step failed and what it left behind.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;
use virt::connect::Connect;

use crate::core::clone::{spawn_execute, Applied, Phase, Progress, Step, StepFailure};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;

enum Event {
    Progress(Progress),
    Done(Result<Applied, StepFailure>),
}

pub struct RunPage {
    pub root: gtk::Box,
    pub step: gtk::Label,
    pub bar: gtk::ProgressBar,
    /// The outcome: success, or the failure and its leftovers.
    pub result: gtk::Label,
    pub cancel: gtk::Button,
    pub close: gtk::Button,
    flag: RefCell<Option<Arc<AtomicBool>>>,
    pulse: RefCell<Option<glib::SourceId>>,
}

impl RunPage {
    pub fn new(window: &adw::Window) -> Rc<RunPage> {
        let step = gtk::Label::builder()
            .label(gettext("Preparing…"))
            .wrap(true)
            .xalign(0.0)
            .build();
        step.set_widget_name("run-step");
        let bar = gtk::ProgressBar::new();
        bar.update_property(&[gtk::accessible::Property::Label(&gettext("Progress"))]);
        let result = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .selectable(true)
            .visible(false)
            .build();
        result.set_widget_name("run-result");
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        cancel.set_tooltip_text(Some(&gettext(
            "Stop before the next step and remove what was made",
        )));
        let close = gtk::Button::with_mnemonic(&gettext("C_lose"));
        close.add_css_class("suggested-action");
        close.set_visible(false);
        let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        buttons.set_halign(gtk::Align::End);
        buttons.append(&cancel);
        buttons.append(&close);
        let root = gtk::Box::new(gtk::Orientation::Vertical, 18);
        root.set_valign(gtk::Align::Center);
        root.append(&step);
        root.append(&bar);
        root.append(&result);
        root.append(&buttons);
        let page = Rc::new(RunPage {
            root,
            step,
            bar,
            result,
            cancel,
            close,
            flag: RefCell::default(),
            pulse: RefCell::default(),
        });
        {
            let p = Rc::downgrade(&page);
            page.cancel.connect_clicked(move |b| {
                let Some(p) = p.upgrade() else { return };
                if let Some(flag) = p.flag.borrow().as_ref() {
                    flag.store(true, Ordering::SeqCst);
                }
                b.set_sensitive(false);
                p.step
                    .set_label(&gettext("Cancelling after the current step…"));
            });
        }
        {
            let w = window.clone();
            page.close.connect_clicked(move |_| w.close());
        }
        {
            // Closing the window cancels a run that is still going.
            let p = Rc::downgrade(&page);
            window.connect_destroy(move |_| {
                if let Some(p) = p.upgrade() {
                    if let Some(flag) = p.flag.borrow().as_ref() {
                        flag.store(true, Ordering::SeqCst);
                    }
                    p.stop_pulse();
                }
            });
        }
        page
    }

    /// Runs `steps` with a connection of its own taken from the worker.
    /// `success` words what was made; `done` runs on the GTK thread at the end.
    pub fn start(
        self: &Rc<Self>,
        handle: &ConnectionHandle,
        steps: Vec<Step>,
        success: impl Fn(&Applied) -> String + 'static,
        done: impl FnOnce(Result<Applied, String>) + 'static,
    ) {
        let page = Rc::downgrade(self);
        handle.run(
            |conn| Ok(conn.clone()),
            on_main(move |conn: Result<Connect, UserError>| {
                let Some(page) = page.upgrade() else { return };
                match conn {
                    Ok(conn) => page.execute(conn, steps, success, done),
                    Err(e) => {
                        page.finish(false, &e.message);
                        done(Err(e.message));
                    }
                }
            }),
        );
    }

    fn execute(
        self: &Rc<Self>,
        conn: Connect,
        steps: Vec<Step>,
        success: impl Fn(&Applied) -> String + 'static,
        done: impl FnOnce(Result<Applied, String>) + 'static,
    ) {
        let (tx, rx) = async_channel::unbounded::<Event>();
        let tx_done = tx.clone();
        let flag = spawn_execute(
            conn,
            steps,
            move |p| {
                let _ = tx.try_send(Event::Progress(p.clone()));
            },
            move |r| {
                let _ = tx_done.send_blocking(Event::Done(r));
            },
        );
        self.flag.replace(Some(flag));
        let page = Rc::downgrade(self);
        glib::spawn_future_local(async move {
            let mut done = Some(done);
            while let Ok(event) = rx.recv().await {
                let Some(page) = page.upgrade() else { return };
                match event {
                    Event::Progress(p) => page.show_progress(&p),
                    Event::Done(Ok(applied)) => {
                        page.finish(true, &success(&applied));
                        if let Some(done) = done.take() {
                            done(Ok(applied));
                        }
                        return;
                    }
                    Event::Done(Err(failure)) => {
                        let text = failure_text(&failure);
                        page.finish(false, &text);
                        if let Some(done) = done.take() {
                            done(Err(text));
                        }
                        return;
                    }
                }
            }
        });
    }

    fn show_progress(&self, p: &Progress) {
        let text = match p.phase {
            Phase::RollingBack => gettext("Undoing step {n} of {total}: {label}"),
            Phase::Running | Phase::Done => gettext("Step {n} of {total}: {label}"),
        };
        self.step.set_label(
            &text
                .replace("{n}", &(p.step + 1).to_string())
                .replace("{total}", &p.steps.to_string())
                .replace("{label}", &p.label),
        );
        match p.fraction {
            Some(f) => {
                self.stop_pulse();
                let whole = (p.step as f64 + f.clamp(0.0, 1.0)) / p.steps.max(1) as f64;
                self.bar.set_fraction(whole);
            }
            None => self.start_pulse(),
        }
    }

    fn start_pulse(&self) {
        if self.pulse.borrow().is_some() {
            return;
        }
        let bar = self.bar.clone();
        let id = glib::timeout_add_local(Duration::from_millis(120), move || {
            bar.pulse();
            glib::ControlFlow::Continue
        });
        self.pulse.replace(Some(id));
    }

    fn stop_pulse(&self) {
        if let Some(id) = self.pulse.take() {
            id.remove();
        }
    }

    fn finish(&self, ok: bool, text: &str) {
        self.stop_pulse();
        self.flag.replace(None);
        if ok {
            self.bar.set_fraction(1.0);
            self.step.set_label(&gettext("Done"));
        } else {
            self.step.set_label(&gettext("Not completed"));
            self.result.add_css_class("error");
        }
        self.result.set_label(text);
        self.result.set_visible(true);
        self.cancel.set_visible(false);
        self.close.set_visible(true);
        self.close.grab_focus();
        if let Some(w) = self.root.root().and_downcast::<gtk::Window>() {
            w.set_deletable(true);
        }
    }

    /// The outcome as shown, once the run has finished.
    pub fn outcome(&self) -> Option<String> {
        self.result
            .is_visible()
            .then(|| self.result.label().to_string())
    }
}

/// The executor's sentence, and that nothing is left behind when that is so.
pub fn failure_text(f: &StepFailure) -> String {
    if f.leftovers.is_empty() {
        format!("{f}. {}", gettext("Everything made before it was removed."))
    } else {
        f.to_string()
    }
}
