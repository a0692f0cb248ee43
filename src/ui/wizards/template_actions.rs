//! Making a machine a template, turning it back, and the guard before starting one.
//! Each runs on the connection's worker and reports through the toaster.

use gettextrs::gettext;

use crate::core::clone::template::{self, GuardedAction};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// Marks the shut-off machine `uuid` as a template; says so, or why not.
pub fn mark_template(handle: &ConnectionHandle, uuid: &str, toaster: Toaster) {
    let uuid = uuid.to_string();
    handle.run(
        move |conn| {
            template::mark_template(conn, &uuid)?;
            Ok(conn.lookup_domain_by_uuid_string(&uuid)?.name()?)
        },
        on_main(move |r: Result<String, UserError>| match r {
            Ok(name) => toaster.show(
                gettext("“{name}” is now a template: clone it to make new machines")
                    .replace("{name}", &name),
            ),
            Err(e) => toaster.show(e.message),
        }),
    );
}

/// Turns the template `uuid` back into an ordinary machine; says so, or why not
/// (linked clones still depend on it).
pub fn unmark_template(handle: &ConnectionHandle, uuid: &str, toaster: Toaster) {
    let uuid = uuid.to_string();
    handle.run(
        move |conn| {
            template::unmark_template(conn, &uuid)?;
            Ok(conn.lookup_domain_by_uuid_string(&uuid)?.name()?)
        },
        on_main(move |r: Result<String, UserError>| match r {
            Ok(name) => toaster
                .show(gettext("“{name}” is an ordinary machine again").replace("{name}", &name)),
            Err(e) => toaster.show(e.message),
        }),
    );
}

/// Asks the host whether `uuid` may be started (a template with linked clones
/// may not). Calls `proceed` on the GTK thread when it may; otherwise tells the
/// person why through the toaster.
pub fn guard_start(
    handle: &ConnectionHandle,
    uuid: &str,
    toaster: Toaster,
    proceed: impl FnOnce() + 'static,
) {
    let uuid = uuid.to_string();
    handle.run(
        move |conn| template::check_guard(conn, &uuid, GuardedAction::Start),
        on_main(move |r: Result<Option<String>, UserError>| match r {
            Ok(None) => proceed(),
            Ok(Some(reason)) => toaster.show(reason),
            Err(e) => toaster.show(e.message),
        }),
    );
}
