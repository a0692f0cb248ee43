//! The window. Components here receive plain data from `core` and send commands back
//! through a connection handle; none of them calls libvirt itself.

pub mod app;
pub mod details;
pub mod host_content;
pub mod host_view;
pub mod lifecycle_switch;
pub mod load_report;
pub mod machines;
pub mod networks;
pub mod reply;
pub mod row_trace;
pub mod sidebar;
pub mod storage;
pub mod toaster;

use std::sync::Arc;

use gtk::{gio, glib};
use relm4::RelmApp;

use crate::config;
use crate::core::worker::{ConnectionHandle, ConnectionSpec, UpdateSink, WorkerEvent};
pub use app::{App, AppInit, AppMsg};

/// Starts one worker per connection, feeding a channel the window will drain.
/// Called before GTK starts so the hosts are contacted while GTK initialises.
pub fn start_workers(
    specs: Vec<ConnectionSpec>,
) -> (Vec<ConnectionHandle>, async_channel::Receiver<WorkerEvent>) {
    let (tx, rx) = async_channel::unbounded();
    let sink: UpdateSink = Arc::new(move |ev| {
        let _ = tx.try_send(ev);
    });
    let handles = specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| ConnectionHandle::open(i as u32 + 1, spec, sink.clone()))
        .collect();
    (handles, rx)
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
