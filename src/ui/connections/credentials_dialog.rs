//! "Log In": the questions libvirt asks while opening a connection (a SASL user name
//! and password, a realm…), each under libvirt's own prompt, with the host that asks.
//! The connection's worker waits for the answer; closing the dialog cancels.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::auth::{Credential, CredentialsRequest, Secret};

/// What the person did.
pub enum Outcome {
    /// The answers were sent to the worker; `remember` is the keyring checkbox.
    Answered {
        answers: Vec<Secret>,
        remember: bool,
    },
    Cancelled,
}

pub struct CredentialsDialog {
    pub window: adw::Window,
    entries: Vec<gtk::Editable>,
    remember: gtk::CheckButton,
    request: CredentialsRequest,
}

impl CredentialsDialog {
    /// `host_name` is how the sidebar names the connection; `remembered` pre-ticks the
    /// keyring box (the person chose it before). `done` runs once, on the main thread.
    pub fn open(
        parent: &impl IsA<gtk::Window>,
        host_name: &str,
        request: CredentialsRequest,
        remembered: bool,
        done: impl Fn(&CredentialsRequest, Outcome) + 'static,
    ) -> Rc<Self> {
        // A host name, or the sidebar's name when it is not just the URI again.
        let who = request
            .host
            .clone()
            .or_else(|| (host_name != request.uri).then(|| host_name.to_string()));
        let heading = gtk::Label::builder()
            .label(match who {
                Some(who) => gettext("Log in to {host}").replace("{host}", &who),
                None => gettext("Log in to libvirt"),
            })
            .wrap(true)
            .xalign(0.0)
            .build();
        heading.add_css_class("title-3");
        let explain = gtk::Label::builder()
            .label(
                gettext("libvirt asks for these credentials to open {uri}.")
                    .replace("{uri}", &request.uri),
            )
            .wrap(true)
            .wrap_mode(gtk::pango::WrapMode::WordChar)
            .xalign(0.0)
            .build();
        explain.add_css_class("dim-label");
        let refused = gtk::Label::builder()
            .label(gettext(
                "The host refused the user name or password. Try again.",
            ))
            .wrap(true)
            .xalign(0.0)
            .visible(request.refused_before)
            .build();
        refused.add_css_class("error");

        let group = adw::PreferencesGroup::new();
        let mut entries = Vec::new();
        let mut has_secret = false;
        for c in &request.credentials {
            let title = prompt_title(c);
            let row: gtk::Widget = if c.kind.is_secret() {
                has_secret = true;
                let r = adw::PasswordEntryRow::builder().title(title).build();
                entries.push(r.clone().upcast::<gtk::Editable>());
                r.upcast()
            } else {
                let r = adw::EntryRow::builder()
                    .title(title)
                    .text(&c.default)
                    .build();
                entries.push(r.clone().upcast::<gtk::Editable>());
                r.upcast()
            };
            if !c.challenge.is_empty() {
                row.set_tooltip_text(Some(&c.challenge));
            }
            group.add(&row);
        }
        let remember = gtk::CheckButton::builder()
            .label(gettext("Remember the password in the keyring"))
            .active(remembered)
            .visible(has_secret)
            .build();

        let cancel = gtk::Button::with_label(&gettext("Cancel"));
        let log_in = gtk::Button::with_label(&gettext("Log In"));
        log_in.add_css_class("suggested-action");
        let header = adw::HeaderBar::builder()
            .show_end_title_buttons(false)
            .title_widget(&adw::WindowTitle::new(
                &gettext("Authentication Required"),
                "",
            ))
            .build();
        header.pack_start(&cancel);
        header.pack_end(&log_in);
        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(12);
        body.set_margin_bottom(18);
        body.set_margin_start(18);
        body.set_margin_end(18);
        body.append(&heading);
        body.append(&explain);
        body.append(&refused);
        body.append(&group);
        body.append(&remember);
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&body);
        let window = adw::Window::builder()
            .transient_for(parent)
            .modal(true)
            .default_width(440)
            .content(&content)
            .build();
        window.set_default_widget(Some(&log_in));

        let dialog = Rc::new(CredentialsDialog {
            window,
            entries,
            remember,
            request,
        });
        let done = Rc::new(done);
        {
            let d = Rc::downgrade(&dialog);
            let done = done.clone();
            log_in.connect_clicked(move |_| {
                let Some(d) = d.upgrade() else { return };
                let answers: Vec<Secret> =
                    d.entries.iter().map(|e| Secret::new(e.text())).collect();
                d.request.answer(answers.clone());
                done(
                    &d.request,
                    Outcome::Answered {
                        answers,
                        remember: d.remember.is_active(),
                    },
                );
                d.close();
            });
        }
        // Enter in any field logs in, as in every login form.
        for (i, e) in dialog.entries.iter().enumerate() {
            let log_in = log_in.clone();
            let next = dialog.entries.get(i + 1).cloned();
            if let Some(row) = e.downcast_ref::<adw::EntryRow>() {
                row.connect_entry_activated(move |_| match &next {
                    Some(n) => {
                        n.grab_focus();
                    }
                    None => log_in.emit_clicked(),
                });
            }
        }
        {
            let w = dialog.window.clone();
            cancel.connect_clicked(move |_| w.close());
        }
        {
            // Cancel, Escape or the window closing: the worker must not wait on.
            let d = Rc::downgrade(&dialog);
            dialog.window.connect_close_request(move |_| {
                if let Some(d) = d.upgrade() {
                    if !d.request.is_answered() {
                        d.request.cancel();
                        done(&d.request, Outcome::Cancelled);
                    }
                }
                glib::Propagation::Proceed
            });
        }
        {
            let keep = dialog.clone();
            dialog.window.connect_destroy(move |_| {
                let _ = &keep;
            });
        }
        dialog.window.present();
        if let Some(first) = dialog
            .entries
            .iter()
            .find(|e| e.text().is_empty())
            .or(dialog.entries.first())
        {
            first.grab_focus();
        }
        dialog
    }

    /// Closes the dialog; an unanswered question is cancelled.
    pub fn close(&self) {
        for e in &self.entries {
            // Do not leave the typed password in the widget's buffer longer than needed.
            e.set_text("");
        }
        self.window.close();
    }

    pub fn request(&self) -> &CredentialsRequest {
        &self.request
    }
}

/// libvirt's prompt, without the trailing colon a terminal prompt has.
fn prompt_title(c: &Credential) -> String {
    let p = c.prompt.trim().trim_end_matches(':').trim();
    if p.is_empty() {
        match c.kind {
            k if k.is_secret() => gettext("Password"),
            _ => gettext("User name"),
        }
    } else {
        glib::markup_escape_text(p).to_string()
    }
}
