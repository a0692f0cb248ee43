//! One message for an action on one or many machines: nothing when all went well on
//! a single machine (its row already says so), else what worked and what failed, by
//! name and with libvirt's reason.

use gettextrs::{gettext, ngettext};

use crate::core::domain_action::DomainAction;
use crate::core::error::UserError;

pub fn summary(
    action: DomainAction,
    results: &[(String, Result<(), UserError>)],
) -> Option<String> {
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(name, r)| r.as_ref().err().map(|e| format!("{name} ({})", e.message)))
        .collect();
    let total = results.len();
    let done = total - failed.len();
    match (total, failed.len()) {
        (0, _) | (1, 0) => None,
        (1, 1) => Some(could_not(action).replace("{machine}", &failed[0])),
        (_, 0) => Some(
            ngettext(
                "{action}: {n} machine done",
                "{action}: {n} machines done",
                total as u32,
            )
            .replace("{action}", &action.label())
            .replace("{n}", &total.to_string()),
        ),
        _ => Some(
            gettext("{action}: {done} of {total} done. Failed: {failed}")
                .replace("{action}", &action.label())
                .replace("{done}", &done.to_string())
                .replace("{total}", &total.to_string())
                .replace("{failed}", &failed.join("; ")),
        ),
    }
}

/// Whole sentences per action: translations cannot assemble a verb into a sentence.
fn could_not(action: DomainAction) -> String {
    match action {
        DomainAction::Start => gettext("Could not start {machine}"),
        DomainAction::Shutdown => gettext("Could not shut down {machine}"),
        DomainAction::Reboot => gettext("Could not reboot {machine}"),
        DomainAction::ForceOff => gettext("Could not force off {machine}"),
        DomainAction::Pause => gettext("Could not pause {machine}"),
        DomainAction::Resume => gettext("Could not resume {machine}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(n: &str) -> (String, Result<(), UserError>) {
        (n.into(), Ok(()))
    }
    fn bad(n: &str, why: &str) -> (String, Result<(), UserError>) {
        (n.into(), Err(UserError::invalid(why)))
    }

    #[test]
    fn one_success_is_silent_and_one_failure_names_machine_and_reason() {
        assert_eq!(summary(DomainAction::Start, &[ok("web")]), None);
        assert_eq!(
            summary(DomainAction::Start, &[bad("web", "no memory")]).unwrap(),
            "Could not start web (no memory)"
        );
    }

    #[test]
    fn many_say_how_many_and_name_each_failure() {
        assert_eq!(
            summary(DomainAction::Shutdown, &[ok("a"), ok("b")]).unwrap(),
            "Shut Down: 2 machines done"
        );
        let s = summary(
            DomainAction::ForceOff,
            &[ok("a"), bad("b", "gone"), bad("c", "busy")],
        )
        .unwrap();
        assert_eq!(s, "Force Off: 1 of 3 done. Failed: b (gone); c (busy)");
    }
}
