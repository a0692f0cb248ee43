//! A worker needs credentials: answer from the keyring when the person chose that,
//! else ask in the Log In dialog. What is typed goes to the worker (memory only); it
//! is written to the keyring only when the person ticked the box, and only once the
//! host accepted it.

use std::rc::Rc;

use gettextrs::gettext;
use gtk::glib;
use relm4::prelude::*;

use super::{App, AppMsg};
use crate::core::auth::{Credential, CredentialsRequest, Secret};
use crate::core::model::ConnectionId;
use crate::ui::connections::credentials_dialog::{CredentialsDialog, Outcome};
use crate::ui::connections::keyring;

/// The Log In dialogs on screen, by connection.
pub type OpenDialogs = Rc<std::cell::RefCell<Vec<(ConnectionId, Rc<CredentialsDialog>)>>>;

/// Answers the person gave, held until the host says whether they work.
#[derive(Debug)]
pub struct GivenLogin {
    pub connection: ConnectionId,
    pub uri: String,
    pub credentials: Vec<Credential>,
    pub answers: Vec<Secret>,
    pub remember: bool,
}

impl App {
    pub(super) fn ask_credentials(
        &mut self,
        connection: ConnectionId,
        request: CredentialsRequest,
        root: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let Some(host) = self.hosts.iter().find(|h| h.handle.id == connection) else {
            request.cancel();
            return;
        };
        let name = host.display_name();
        let from_keyring = self.settings.in_keyring(&request.uri) && !request.refused_before;
        let ask = {
            let root = root.clone();
            let sender = sender.clone();
            let in_keyring = self.settings.in_keyring(&request.uri);
            let dialogs = self.credential_dialogs.clone();
            move |request: CredentialsRequest| {
                let dialog = CredentialsDialog::open(
                    &root,
                    &name,
                    request,
                    in_keyring,
                    move |req, outcome| {
                        if let Outcome::Answered { answers, remember } = outcome {
                            sender.input(AppMsg::LoginGiven(GivenLogin {
                                connection,
                                uri: req.uri.clone(),
                                credentials: req.credentials.clone(),
                                answers,
                                remember,
                            }));
                        }
                    },
                );
                let mut open = dialogs.borrow_mut();
                open.retain(|(_, d)| !d.request().is_answered());
                open.push((connection, dialog));
            }
        };
        if !from_keyring {
            ask(request);
            return;
        }
        glib::spawn_future_local(async move {
            match keyring::recall(&request.uri, &request.credentials).await {
                Some(answers) => request.answer(answers),
                None => ask(request),
            }
        });
    }

    /// The host accepted (or refused) the login of `connection`: keep, replace or
    /// drop what the keyring holds for it, as the person chose.
    pub(super) fn settle_login(&mut self, connection: ConnectionId, accepted: bool) {
        let Some(i) = self
            .given_logins
            .iter()
            .position(|g| g.connection == connection)
        else {
            return;
        };
        let given = self.given_logins.remove(i);
        if !accepted {
            return;
        }
        let settings = self.settings.clone();
        let toaster = self.toaster.clone();
        glib::spawn_future_local(async move {
            if given.remember {
                match keyring::remember(&given.uri, &given.credentials, &given.answers).await {
                    Ok(()) => settings.set_in_keyring(&given.uri, true),
                    Err(reason) => toaster.show(
                        gettext("Could not store the password in the keyring: {reason}")
                            .replace("{reason}", &reason),
                    ),
                }
            } else if settings.in_keyring(&given.uri) {
                settings.set_in_keyring(&given.uri, false);
                keyring::forget(&given.uri).await;
            }
        });
    }

    /// Closes the Log In dialogs of a connection that is going away.
    pub(super) fn close_credential_dialogs(&self, connection: ConnectionId) {
        let closing: Vec<Rc<CredentialsDialog>> = {
            let mut dialogs = self.credential_dialogs.borrow_mut();
            let (gone, kept) = dialogs.drain(..).partition(|(c, _)| *c == connection);
            *dialogs = kept;
            gone.into_iter().map(|(_, d)| d).collect()
        };
        for d in closing {
            d.close();
        }
    }
}
