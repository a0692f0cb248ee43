//! The desktop keyring (Secret Service, through libsecret), for people who tick
//! "Remember in the keyring" when they log in. One item per answer, found by the
//! connection's URI and the question it answers. Nothing here blocks the window:
//! every call is asynchronous, and a keyring that does not answer in a few seconds
//! counts as empty.

use std::collections::HashMap;
use std::time::Duration;

use gtk::glib;

use crate::core::auth::{Credential, Secret};

const SCHEMA: &str = "io.github.hangarapp.Hangar.Login";
const WAIT: Duration = Duration::from_secs(5);

fn schema() -> libsecret::Schema {
    let string = libsecret::SchemaAttributeType::String;
    libsecret::Schema::new(
        SCHEMA,
        libsecret::SchemaFlags::NONE,
        HashMap::from([("uri", string), ("credential", string), ("prompt", string)]),
    )
}

fn attributes<'a>(uri: &'a str, c: &'a Credential) -> HashMap<&'a str, &'a str> {
    HashMap::from([
        ("uri", uri),
        ("credential", c.kind.key()),
        ("prompt", c.prompt.as_str()),
    ])
}

/// The stored answers to every one of `creds`, or `None` when any is missing or the
/// keyring cannot be reached.
pub async fn recall(uri: &str, creds: &[Credential]) -> Option<Vec<Secret>> {
    let schema = schema();
    let mut answers = Vec::with_capacity(creds.len());
    for c in creds {
        let lookup = libsecret::password_lookup_future(Some(&schema), attributes(uri, c));
        let found = glib::future_with_timeout(WAIT, lookup).await.ok()?.ok()??;
        answers.push(Secret::new(found.as_str()));
    }
    Some(answers)
}

/// Stores each answer. The error is the keyring's, for a toast.
pub async fn remember(uri: &str, creds: &[Credential], answers: &[Secret]) -> Result<(), String> {
    let schema = schema();
    let label = gettextrs::gettext("Hangar login for {uri}").replace("{uri}", uri);
    for (c, a) in creds.iter().zip(answers) {
        let store = libsecret::password_store_future(
            Some(&schema),
            attributes(uri, c),
            None,
            &label,
            a.expose(),
        );
        match glib::future_with_timeout(WAIT, store).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e.message().to_string()),
            Err(_) => return Err(gettextrs::gettext("the keyring did not answer")),
        }
    }
    Ok(())
}

/// Removes everything stored for `uri`.
pub async fn forget(uri: &str) {
    let schema = schema();
    let clear = libsecret::password_clear_future(Some(&schema), HashMap::from([("uri", uri)]));
    let _ = glib::future_with_timeout(WAIT, clear).await;
}
