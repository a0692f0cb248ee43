//! The window. Components here receive plain data from `core` and send commands back
//! through a connection handle; none of them calls libvirt itself.

pub mod about;
pub mod accels;
pub mod app;
pub mod connections;
pub mod console;
pub mod details;
pub mod host;
pub mod host_content;
pub mod host_view;
pub mod lazy_page;
pub mod lifecycle_switch;
pub mod load_report;
pub mod machines;
pub mod networks;
pub mod page_stack;
pub mod panel;
pub mod preferences;
pub mod progress;
pub mod renderer;
pub mod reply;
pub mod row_trace;
pub mod sidebar;
pub mod sparkline;
pub mod stats_ticker;
pub mod storage;
pub mod toaster;
pub mod wizards;

use std::sync::Arc;

use gtk::{gio, glib};
use relm4::RelmApp;

use crate::config;
use crate::core::worker::{ConnectionHandle, ConnectionSpec, UpdateSink, WorkerEvent};
pub use app::{App, AppInit, AppMsg};

/// Opens connections whose workers all report into one channel the window drains.
pub struct Connector {
    sink: UpdateSink,
    next_id: std::cell::Cell<u32>,
}

impl Connector {
    pub fn open(&self, spec: ConnectionSpec) -> ConnectionHandle {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        ConnectionHandle::open(id, spec, self.sink.clone())
    }
}

/// Starts one worker per connection, feeding a channel the window will drain.
/// Called before GTK starts so the hosts are contacted while GTK initialises.
pub fn start_workers(
    specs: Vec<ConnectionSpec>,
) -> (
    Connector,
    Vec<ConnectionHandle>,
    async_channel::Receiver<WorkerEvent>,
) {
    let (tx, rx) = async_channel::unbounded();
    let sink: UpdateSink = Arc::new(move |ev| {
        let _ = tx.try_send(ev);
    });
    let connector = Connector {
        sink,
        next_id: std::cell::Cell::new(1),
    };
    let handles = specs.into_iter().map(|spec| connector.open(spec)).collect();
    (connector, handles, rx)
}

/// Loads the compiled resources (icons, style sheet). Safe to call more than once.
pub fn register_resources() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        gio::resources_register_include!("hangar.gresource").expect("bundled resources");
    });
}

/// Runs the window until it is closed.
pub fn run(init: AppInit) {
    register_resources();
    let app = adw::Application::builder()
        .application_id(config::APP_ID)
        .resource_base_path(config::RESOURCE_BASE_PATH)
        // Each `hangar` process shows its own connections; a second launch must not
        // hand its arguments to the first one and exit.
        .flags(gio::ApplicationFlags::NON_UNIQUE)
        .build();
    glib::set_application_name(&gettextrs::gettext("Hangar"));
    let relm = RelmApp::from_app(app).with_args(Vec::new());
    relm.run::<App>(init);
}
