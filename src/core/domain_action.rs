//! The power actions of the machines list, and in which states each makes sense.

use gettextrs::gettext;
use virt::domain::Domain;
use virt::error::Error;

use super::model::DomainState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainAction {
    Start,
    /// Ask the guest to power off (ACPI or agent): `virsh shutdown`.
    Shutdown,
    Reboot,
    /// Pull the plug: `virsh destroy`.
    ForceOff,
    Pause,
    Resume,
}

impl DomainAction {
    pub const ALL: [DomainAction; 6] = [
        DomainAction::Start,
        DomainAction::Shutdown,
        DomainAction::Reboot,
        DomainAction::ForceOff,
        DomainAction::Pause,
        DomainAction::Resume,
    ];

    /// Whether the action can succeed from `state`; the window greys it out otherwise.
    pub fn allowed_in(self, state: DomainState) -> bool {
        use DomainState::*;
        match self {
            DomainAction::Start => matches!(state, Shutoff | Crashed),
            DomainAction::Shutdown | DomainAction::Reboot => matches!(state, Running | Blocked),
            DomainAction::ForceOff => {
                matches!(
                    state,
                    Running | Blocked | Paused | ShuttingDown | PmSuspended | Crashed
                )
            }
            DomainAction::Pause => matches!(state, Running | Blocked),
            DomainAction::Resume => matches!(state, Paused),
        }
    }

    pub fn label(self) -> String {
        match self {
            DomainAction::Start => gettext("Start"),
            DomainAction::Shutdown => gettext("Shut Down"),
            DomainAction::Reboot => gettext("Reboot"),
            DomainAction::ForceOff => gettext("Force Off"),
            DomainAction::Pause => gettext("Pause"),
            DomainAction::Resume => gettext("Resume"),
        }
    }

    pub fn icon_name(self) -> &'static str {
        match self {
            DomainAction::Start => "media-playback-start-symbolic",
            DomainAction::Shutdown => "system-shutdown-symbolic",
            DomainAction::Reboot => "view-refresh-symbolic",
            DomainAction::ForceOff => "process-stop-symbolic",
            DomainAction::Pause => "media-playback-pause-symbolic",
            DomainAction::Resume => "media-playback-start-symbolic",
        }
    }

    /// A stable name for GAction names and tests.
    pub fn key(self) -> &'static str {
        match self {
            DomainAction::Start => "start",
            DomainAction::Shutdown => "shutdown",
            DomainAction::Reboot => "reboot",
            DomainAction::ForceOff => "force-off",
            DomainAction::Pause => "pause",
            DomainAction::Resume => "resume",
        }
    }

    /// Runs the action. Blocking: call it on a connection worker only.
    pub fn apply(self, dom: &Domain) -> Result<(), Error> {
        match self {
            DomainAction::Start => dom.create(),
            DomainAction::Shutdown => dom.shutdown(),
            DomainAction::Reboot => dom.reboot(0),
            DomainAction::ForceOff => dom.destroy(),
            DomainAction::Pause => dom.suspend(),
            DomainAction::Resume => dom.resume(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DomainState::*;

    #[test]
    fn start_only_when_off() {
        assert!(DomainAction::Start.allowed_in(Shutoff));
        assert!(DomainAction::Start.allowed_in(Crashed));
        assert!(!DomainAction::Start.allowed_in(Running));
        assert!(!DomainAction::Start.allowed_in(Paused));
    }

    #[test]
    fn a_paused_domain_can_be_resumed_or_forced_off_but_not_shut_down() {
        assert!(DomainAction::Resume.allowed_in(Paused));
        assert!(DomainAction::ForceOff.allowed_in(Paused));
        assert!(!DomainAction::Shutdown.allowed_in(Paused));
        assert!(!DomainAction::Pause.allowed_in(Paused));
    }

    #[test]
    fn nothing_but_start_for_a_shut_off_domain() {
        let allowed: Vec<_> = DomainAction::ALL
            .iter()
            .filter(|a| a.allowed_in(Shutoff))
            .collect();
        assert_eq!(allowed, vec![&DomainAction::Start]);
    }
}
