//! Everything the main window reacts to.

use crate::core::domain_action::DomainAction;
use crate::core::error::UserError;
use crate::core::worker::WorkerEvent;

#[derive(Debug)]
pub enum AppMsg {
    /// Updates from the workers, batched as they queued up.
    Worker(Vec<WorkerEvent>),
    HostSelected(usize),
    SelectionChanged,
    /// A row was activated (double click, Enter): open that machine's details.
    OpenDetails(u32),
    CloseDetails,
    /// Open the details of a machine by UUID (a machine just created).
    OpenDetailsOf {
        uuid: String,
        name: String,
    },
    Power(DomainAction),
    /// After the person confirmed a destructive action.
    PowerConfirmed(DomainAction),
    ShowAbout,
    ShowShortcuts,
    ShowPreferences,
    /// Time to sample statistics of the selected host's running machines.
    StatsTick,
    StatsSampled(StatsSampled),
    /// A page of the host's stack came on screen (by its name): build it the first
    /// time; the Host page also samples the host's CPU and memory at once.
    PageShown(String),
    HostSampled {
        connection: crate::core::model::ConnectionId,
        result: Result<crate::core::host::NodeSample, UserError>,
    },
    /// Every machine of a power action has answered.
    ActionsDone {
        action: DomainAction,
        results: Vec<(String, Result<(), UserError>)>,
    },
    /// Connect the selected host now (Connect, Try Again, Try Now).
    Reconnect,
    /// Drop the selected host's connection, or stop retrying, until Connect.
    Disconnect,
    /// A sidebar row's Connect button.
    ConnectHost(crate::core::model::ConnectionId),
    ShowAddConnection,
    /// Edit the selected connection (sidebar button or context menu).
    ShowEditConnection,
    /// The edit dialog's Save: `uri` replaces the connection's saved URI.
    EditConnection {
        connection: crate::core::model::ConnectionId,
        uri: String,
        autoconnect: bool,
    },
    /// Ctrl+F.
    Search,
    OpenConsole,
    NewMachine,
    CloneTemplate,
    MarkTemplate(bool),
    /// Delete key, the header's or the details' Delete button: delete the selected machines.
    DeleteSelected,
    AddConnection {
        uri: String,
        autoconnect: bool,
    },
    RemoveSelectedConnection,
    /// The person answered a Log In dialog.
    LoginGiven(super::credentials::GivenLogin),
    Close,
}

/// One statistics sample, back from the worker.
#[derive(Debug)]
pub struct StatsSampled {
    pub connection: crate::core::model::ConnectionId,
    pub result: Result<Vec<crate::core::stats::DomainSample>, UserError>,
    /// Every running machine was sampled, not only the rows on screen.
    pub whole_host: bool,
    pub started: std::time::Instant,
    /// CPU time the sample took on the worker.
    pub cost: std::time::Duration,
}
