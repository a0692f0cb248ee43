//! What the person is told after deleting several machines: a toast that says how
//! many went and names each failure with its reason, and the details, one line per
//! machine and per volume asked for.

use gettextrs::{gettext, ngettext};

use crate::core::delete_vm::BulkOutcome;

fn with_reasons(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(what, why)| {
            // Translators: one machine or volume with the reason it was not deleted.
            gettext("{what} ({why})")
                .replace("{what}", what)
                .replace("{why}", why)
        })
        .collect::<Vec<_>>()
        // Translators: between the items of a list of machines or volumes with reasons.
        .join(&gettext("; "))
}

/// The toast: whole sentences, one after the other.
pub fn summary(outcome: &BulkOutcome) -> String {
    let total = outcome.machines.len();
    let failed: Vec<(String, String)> = outcome
        .failed()
        .map(|(n, e)| (n.to_string(), e.message.clone()))
        .collect();
    let done = total - failed.len();
    let mut sentences = Vec::new();
    sentences.push(if failed.is_empty() {
        ngettext(
            "Deleted {n} machine.",
            "Deleted {n} machines.",
            total as u32,
        )
        .replace("{n}", &total.to_string())
    } else {
        gettext("Deleted {done} of {total} machines.")
            .replace("{done}", &done.to_string())
            .replace("{total}", &total.to_string())
    });
    let volumes = outcome.deleted_volumes.len();
    if volumes > 0 {
        sentences.push(
            ngettext(
                "Deleted {n} volume.",
                "Deleted {n} volumes.",
                volumes as u32,
            )
            .replace("{n}", &volumes.to_string()),
        );
    }
    if !failed.is_empty() {
        sentences.push(
            gettext("Not deleted: {machines}.").replace("{machines}", &with_reasons(&failed)),
        );
    }
    if !outcome.kept.is_empty() {
        sentences.push(
            gettext("Volumes kept: {volumes}.").replace("{volumes}", &with_reasons(&outcome.kept)),
        );
    }
    sentences.join(" ")
}

/// The details: one item per machine, then per volume asked for, each with what
/// became of it.
pub fn details(outcome: &BulkOutcome) -> Vec<(String, String)> {
    let mut items = Vec::new();
    for (name, result) in &outcome.machines {
        items.push((
            name.clone(),
            match result {
                Ok(()) => gettext("Deleted"),
                Err(e) => gettext("Not deleted: {reason}").replace("{reason}", &e.message),
            },
        ));
    }
    for volume in &outcome.deleted_volumes {
        items.push((volume.clone(), gettext("Deleted")));
    }
    for (volume, reason) in &outcome.kept {
        items.push((
            volume.clone(),
            gettext("Kept: {reason}").replace("{reason}", reason),
        ));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::UserError;

    fn outcome() -> BulkOutcome {
        BulkOutcome {
            machines: vec![
                ("a".into(), Ok(())),
                ("b".into(), Err(UserError::invalid("it is running"))),
                ("c".into(), Ok(())),
            ],
            deleted_volumes: vec!["p/a.qcow2".into()],
            kept: vec![("p/base.qcow2".into(), "the base of p/b.qcow2".into())],
        }
    }

    #[test]
    fn the_toast_names_each_failure_and_kept_volume_with_its_reason() {
        assert_eq!(
            summary(&outcome()),
            "Deleted 2 of 3 machines. Deleted 1 volume. Not deleted: b (it is running). Volumes kept: p/base.qcow2 (the base of p/b.qcow2)."
        );
        let all = BulkOutcome {
            machines: vec![("a".into(), Ok(())), ("c".into(), Ok(()))],
            ..BulkOutcome::default()
        };
        assert_eq!(summary(&all), "Deleted 2 machines.");
    }

    #[test]
    fn the_details_have_an_item_per_machine_and_volume() {
        let items: Vec<String> = details(&outcome())
            .into_iter()
            .map(|(what, fate)| format!("{what}: {fate}"))
            .collect();
        assert_eq!(
            items,
            [
                "a: Deleted",
                "b: Not deleted: it is running",
                "c: Deleted",
                "p/a.qcow2: Deleted",
                "p/base.qcow2: Kept: the base of p/b.qcow2"
            ]
        );
    }
}
