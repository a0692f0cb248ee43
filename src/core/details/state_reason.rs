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
    // Every reason is matched by name (no catch-all), so each one a person can see is
    // a translated phrase; a new libvirt reason shows up here as a compile error.
    match reason {
        DomainStateReason::Running(Enum::Known(r)) => match r {
            DomainRunningReason::Unknown => String::new(),
            DomainRunningReason::Booted => gettext("booted"),
            DomainRunningReason::Unpaused => gettext("resumed"),
            DomainRunningReason::Restored => gettext("restored from a saved state"),
            DomainRunningReason::FromSnapshot => gettext("reverted to a snapshot"),
            DomainRunningReason::Migrated => gettext("migrated here"),
            DomainRunningReason::Wakeup => gettext("woken up"),
            DomainRunningReason::MigrationCancelled => gettext("migration cancelled"),
            DomainRunningReason::SaveCancelled => gettext("saving cancelled"),
            DomainRunningReason::Crashed => gettext("crashed"),
            DomainRunningReason::PostCopy => gettext("migrating (post-copy)"),
            DomainRunningReason::PostCopyFailed => gettext("post-copy migration failed"),
        },
        DomainStateReason::Shutoff(Enum::Known(r)) => match r {
            DomainShutoffReason::Shutdown => gettext("shut down normally"),
            DomainShutoffReason::Destroyed => gettext("forced off"),
            DomainShutoffReason::Crashed => gettext("crashed"),
            DomainShutoffReason::Saved => gettext("state saved"),
            DomainShutoffReason::Failed => gettext("failed to start"),
            DomainShutoffReason::Migrated => gettext("migrated away"),
            DomainShutoffReason::FromSnapshot => gettext("reverted to a snapshot"),
            DomainShutoffReason::Daemon => gettext("stopped by the libvirt daemon"),
            DomainShutoffReason::Unknown => String::new(),
        },
        DomainStateReason::Paused(Enum::Known(r)) => match r {
            DomainPausedReason::Unknown => String::new(),
            DomainPausedReason::User => gettext("paused by a user"),
            DomainPausedReason::IOError => gettext("disk I/O error"),
            DomainPausedReason::Watchdog => gettext("watchdog fired"),
            DomainPausedReason::Save | DomainPausedReason::Snapshot => gettext("saving its state"),
            DomainPausedReason::StartingUp => gettext("starting up"),
            DomainPausedReason::Migration => gettext("migrating"),
            DomainPausedReason::Dump => gettext("writing a memory dump"),
            DomainPausedReason::FromSnapshot => gettext("reverted to a paused snapshot"),
            DomainPausedReason::ShuttingDown => gettext("shutting down"),
            DomainPausedReason::Crashed => gettext("crashed"),
            DomainPausedReason::PostCopy => gettext("migrating (post-copy)"),
            DomainPausedReason::PostCopyFailed => gettext("post-copy migration failed"),
            DomainPausedReason::APIError => gettext("stopped after a hypervisor error"),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_reasons_read_as_words() {
        let paused = |r| Enum::Known(DomainStateReason::Paused(Enum::Known(r)));
        assert_eq!(
            state_reason_text(&paused(DomainPausedReason::PostCopyFailed)),
            "post-copy migration failed"
        );
        assert_eq!(state_reason_text(&paused(DomainPausedReason::Unknown)), "");
    }
}
