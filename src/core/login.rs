//! Opening one connection, asking for credentials when libvirt needs them, and
//! keeping what the person typed — in memory only, for this connection and this
//! session — so reconnecting after a drop does not ask again at every back-off step.

use std::sync::{Arc, Mutex};

use gettextrs::gettext;
use virt::connect::Connect;
use virt::enumutil::Enum;
use virt::error::ErrorNumber;

use super::auth::{self, Credential, CredentialKind, CredentialsRequest, Secret};
use super::error::{from_virt, ErrorKind, UserError};

/// The question a worker is waiting on, if any: closing the connection cancels it.
pub type Pending = Arc<Mutex<Option<CredentialsRequest>>>;

#[derive(Default)]
pub struct Login {
    /// Answers that let the host in, by what was asked.
    remembered: Vec<(CredentialKind, String, Secret)>,
    /// The last answers were refused: the next question says so.
    refused: bool,
}

impl Login {
    /// Opens `uri`. When libvirt asks for credentials, answers from memory if it can,
    /// else hands a request to `ask_person` and waits for the answer.
    pub fn open(
        &mut self,
        uri: &str,
        pending: &Pending,
        ask_person: &dyn Fn(CredentialsRequest),
    ) -> Result<Connect, UserError> {
        let mut given: Vec<(CredentialKind, String, Secret)> = Vec::new();
        let mut cancelled = false;
        let remembered = &self.remembered;
        let refused = self.refused;
        let mut ask = |creds: &[Credential]| -> auth::Answers {
            let answers = match recall(remembered, creds) {
                Some(answers) => answers,
                None => {
                    let (request, rx) = CredentialsRequest::new(uri, creds.to_vec(), refused);
                    if let Ok(mut p) = pending.lock() {
                        *p = Some(request.clone());
                    }
                    ask_person(request);
                    let answer = rx.recv().ok().flatten();
                    if let Ok(mut p) = pending.lock() {
                        p.take();
                    }
                    match answer {
                        Some(a) if a.len() == creds.len() => a,
                        _ => {
                            cancelled = true;
                            return None;
                        }
                    }
                }
            };
            for (c, a) in creds.iter().zip(&answers) {
                given.push((c.kind, c.prompt.clone(), a.clone()));
            }
            Some(answers)
        };
        let result = auth::open(uri, &mut ask);
        match result {
            Ok(conn) => {
                for (kind, prompt, secret) in given {
                    self.remembered
                        .retain(|(k, p, _)| !(*k == kind && *p == prompt));
                    self.remembered.push((kind, prompt, secret));
                }
                self.refused = false;
                Ok(conn)
            }
            Err(_) if cancelled => Err(UserError::new(
                ErrorKind::PermissionDenied,
                gettext("Connecting was cancelled: no credentials were given."),
            )),
            Err(e) if !given.is_empty() && e.code() == Enum::Known(ErrorNumber::AuthFailed) => {
                // What was remembered no longer works (a changed password): ask again.
                self.remembered.clear();
                self.refused = true;
                Err(UserError::new(
                    ErrorKind::PermissionDenied,
                    gettext("The host refused the user name or password."),
                ))
            }
            Err(e) => {
                let mut err = from_virt(&e);
                // Only a host plainly not there right now is worth retrying by itself
                // (see worker::retry_after); the worker tells them apart by this kind.
                if super::ssh_hints::is_passing(e.message()) {
                    err.kind = ErrorKind::ConnectionLost;
                    // Not "lost": it may never have been reached.
                    err.message = gettext("Cannot reach the host: {reason}")
                        .replace("{reason}", e.message().trim());
                } else if err.kind == ErrorKind::ConnectionLost {
                    err.kind = ErrorKind::Other;
                }
                if let Some(hint) = super::ssh_hints::explain(uri, e.message()) {
                    err.message = gettext("{hint} ({detail})")
                        .replace("{hint}", &hint)
                        .replace("{detail}", &err.message);
                }
                Err(err)
            }
        }
    }
}

/// Answers for `creds` from memory, when every one of them is known.
fn recall(
    remembered: &[(CredentialKind, String, Secret)],
    creds: &[Credential],
) -> Option<Vec<Secret>> {
    creds
        .iter()
        .map(|c| {
            remembered
                .iter()
                .find(|(k, p, _)| *k == c.kind && *p == c.prompt)
                .map(|(_, _, s)| s.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(kind: CredentialKind, prompt: &str) -> Credential {
        Credential {
            kind,
            prompt: prompt.into(),
            challenge: String::new(),
            default: String::new(),
        }
    }

    #[test]
    fn memory_answers_only_what_it_knows_entirely() {
        let remembered = vec![
            (CredentialKind::AuthName, "Name:".into(), Secret::new("ann")),
            (
                CredentialKind::Passphrase,
                "Password:".into(),
                Secret::new("pw"),
            ),
        ];
        let both = [
            cred(CredentialKind::AuthName, "Name:"),
            cred(CredentialKind::Passphrase, "Password:"),
        ];
        assert_eq!(
            recall(&remembered, &both),
            Some(vec![Secret::new("ann"), Secret::new("pw")])
        );
        let more = [
            cred(CredentialKind::AuthName, "Name:"),
            cred(CredentialKind::Realm, "Realm:"),
        ];
        assert_eq!(recall(&remembered, &more), None);
    }
}
