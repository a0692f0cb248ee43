//! Why a machine is in its state ("shut off: crashed"), in words.

use gettextrs::gettext;
use virt::domain::{
    DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainStateReason,
    DomainStateReasonEnum,
};
use virt::enumutil::Enum;

/// The reason libvirt gives for the current state, or an empty string when it gives
/// none worth showing.
pub fn state_reason_text(reason: &DomainStateReasonEnum) -> String {
    let Enum::Known(reason) = reason else {
        return String::new();
    };
    match reason {
        DomainStateReason::Running(Enum::Known(r)) => match r {
            DomainRunningReason::Booted => gettext("booted"),
            DomainRunningReason::Unpaused => gettext("resumed"),
            DomainRunningReason::Restored => gettext("restored from a saved state"),
            DomainRunningReason::FromSnapshot => gettext("reverted to a snapshot"),
            DomainRunningReason::Migrated => gettext("migrated here"),
            DomainRunningReason::Wakeup => gettext("woken up"),
            other => words(&format!("{other:?}")),
        },
        DomainStateReason::Shutoff(Enum::Known(r)) => match r {
            DomainShutoffReason::Shutdown => gettext("shut down normally"),
            DomainShutoffReason::Destroyed => gettext("forced off"),
            DomainShutoffReason::Crashed => gettext("crashed"),
            DomainShutoffReason::Saved => gettext("state saved"),
            DomainShutoffReason::Failed => gettext("failed to start"),
            DomainShutoffReason::Migrated => gettext("migrated away"),
            DomainShutoffReason::FromSnapshot => gettext("reverted to a snapshot"),
            DomainShutoffReason::Unknown => String::new(),
            other => words(&format!("{other:?}")),
        },
        DomainStateReason::Paused(Enum::Known(r)) => match r {
            DomainPausedReason::User => gettext("paused by a user"),
            DomainPausedReason::IOError => gettext("disk I/O error"),
            DomainPausedReason::Watchdog => gettext("watchdog fired"),
            DomainPausedReason::Save | DomainPausedReason::Snapshot => gettext("saving its state"),
            DomainPausedReason::StartingUp => gettext("starting up"),
            other => words(&format!("{other:?}")),
        },
        _ => String::new(),
    }
}

/// "FromSnapshot" → "from snapshot": the enum name as words, for rare reasons.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    if out == "unknown" {
        String::new()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rare_reasons_read_as_words() {
        assert_eq!(super::words("PostCopyFailed"), "post copy failed");
        assert_eq!(super::words("Unknown"), "");
    }
}
