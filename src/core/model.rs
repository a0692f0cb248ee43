//! Plain data for what the window shows. No libvirt handles, no GTK: these values
//! cross threads freely and can be built by hand in tests.

use gettextrs::gettext;

/// Identifies one open connection within this process.
pub type ConnectionId = u32;

/// A domain's lifecycle state, as libvirt's `virDomainState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainState {
    NoState,
    Running,
    Blocked,
    Paused,
    ShuttingDown,
    Shutoff,
    Crashed,
    PmSuspended,
}

impl DomainState {
    pub fn from_raw(raw: u32) -> Self {
        match raw {
            1 => DomainState::Running,
            2 => DomainState::Blocked,
            3 => DomainState::Paused,
            4 => DomainState::ShuttingDown,
            5 => DomainState::Shutoff,
            6 => DomainState::Crashed,
            7 => DomainState::PmSuspended,
            _ => DomainState::NoState,
        }
    }

    /// True while a QEMU process (or its equivalent) exists for the domain.
    pub fn is_active(self) -> bool {
        !matches!(self, DomainState::Shutoff | DomainState::NoState)
    }

    /// Running in the sense a person counts "running machines": not paused or crashed.
    pub fn is_running(self) -> bool {
        matches!(self, DomainState::Running | DomainState::Blocked)
    }

    /// What the list shows in the state column.
    pub fn label(self) -> String {
        match self {
            DomainState::NoState => gettext("Unknown"),
            DomainState::Running => gettext("Running"),
            DomainState::Blocked => gettext("Blocked"),
            DomainState::Paused => gettext("Paused"),
            DomainState::ShuttingDown => gettext("Shutting down"),
            DomainState::Shutoff => gettext("Shut off"),
            DomainState::Crashed => gettext("Crashed"),
            DomainState::PmSuspended => gettext("Suspended"),
        }
    }

    /// A themed icon that every GNOME icon theme ships.
    pub fn icon_name(self) -> &'static str {
        match self {
            DomainState::Running | DomainState::Blocked => "media-playback-start-symbolic",
            DomainState::Paused | DomainState::PmSuspended => "media-playback-pause-symbolic",
            DomainState::ShuttingDown => "system-shutdown-symbolic",
            DomainState::Shutoff | DomainState::NoState => "media-playback-stop-symbolic",
            DomainState::Crashed => "dialog-error-symbolic",
        }
    }

    /// A stable, untranslated name for CSS classes and machine-readable output.
    pub fn key(self) -> &'static str {
        match self {
            DomainState::NoState => "nostate",
            DomainState::Running => "running",
            DomainState::Blocked => "blocked",
            DomainState::Paused => "paused",
            DomainState::ShuttingDown => "shutdown",
            DomainState::Shutoff => "shutoff",
            DomainState::Crashed => "crashed",
            DomainState::PmSuspended => "pmsuspended",
        }
    }
}

/// One row of the machines list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSummary {
    pub uuid: String,
    pub name: String,
    /// The hypervisor's ID while the domain runs.
    pub id: Option<u32>,
    pub state: DomainState,
    pub vcpus: u32,
    /// Memory currently given to the guest, in KiB.
    pub memory_kib: u64,
    pub max_memory_kib: u64,
    /// What the search looks at besides the name; see `DomainLabels`.
    pub labels: DomainLabels,
}

/// A domain's title and whether Hangar marked it as a template. Reading them costs a
/// call per domain, so the first listing leaves them empty and the worker sends them
/// for all domains right after (`Update::DomainLabels`): the list is drawn first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainLabels {
    pub title: String,
    pub template: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSummary {
    pub uuid: String,
    pub name: String,
    pub active: bool,
    pub persistent: bool,
    pub autostart: bool,
    /// Empty when the network has no bridge (or is inactive on some drivers).
    pub bridge: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSummary {
    pub uuid: String,
    pub name: String,
    pub active: bool,
    pub persistent: bool,
    pub autostart: bool,
    pub capacity_bytes: u64,
    pub allocation_bytes: u64,
    pub available_bytes: u64,
}

/// Who we are talking to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostSummary {
    pub uri: String,
    pub hostname: String,
    /// libvirt's driver name: "QEMU", "Test", …
    pub driver: String,
    pub libvirt_version: String,
    pub hypervisor_version: String,
}

/// Everything listed once after a connection opens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub domains: Vec<DomainSummary>,
    pub networks: Vec<NetworkSummary>,
    pub pools: Vec<PoolSummary>,
}

/// Formats a libvirt version number (major * 1,000,000 + minor * 1,000 + release).
pub fn version_string(v: u32) -> String {
    format!("{}.{}.{}", v / 1_000_000, (v / 1_000) % 1_000, v % 1_000)
}

/// Memory as people read it: "512 MiB", "4 GiB", "1.5 GiB".
pub fn format_kib(kib: u64) -> String {
    const MIB: u64 = 1024;
    const GIB: u64 = 1024 * 1024;
    if kib >= GIB {
        let g = kib as f64 / GIB as f64;
        if (g - g.round()).abs() < 0.05 {
            format!("{} GiB", g.round() as u64)
        } else {
            format!("{g:.1} GiB")
        }
    } else if kib >= MIB {
        format!("{} MiB", kib / MIB)
    } else {
        format!("{kib} KiB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_shown_in_binary_units() {
        assert_eq!(format_kib(524_288), "512 MiB");
        assert_eq!(format_kib(4 * 1024 * 1024), "4 GiB");
        assert_eq!(format_kib(1536 * 1024), "1.5 GiB");
        assert_eq!(format_kib(100), "100 KiB");
    }

    #[test]
    fn versions_decode_like_virsh_version() {
        assert_eq!(version_string(9_000_000), "9.0.0");
        assert_eq!(version_string(7_002_015), "7.2.15");
    }

    #[test]
    fn raw_states_map_to_libvirt_numbers() {
        assert_eq!(DomainState::from_raw(1), DomainState::Running);
        assert_eq!(DomainState::from_raw(5), DomainState::Shutoff);
        assert_eq!(DomainState::from_raw(99), DomainState::NoState);
        assert!(DomainState::Paused.is_active());
        assert!(!DomainState::Shutoff.is_active());
    }
}
