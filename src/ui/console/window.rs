//! A window of its own for one machine's console. Opening the console of a machine
//! that already has one brings that window forward instead of fighting it for the
//! console.

use std::cell::RefCell;
use std::collections::HashMap;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::{gio, glib};

use super::view::ConsoleView;
use crate::core::model::ConnectionId;
use crate::core::worker::ConnectionHandle;

thread_local! {
    /// Open console windows by host and domain UUID.
    static OPEN: RefCell<HashMap<(ConnectionId, String), ConsoleWindow>> = RefCell::default();
}

#[derive(Clone)]
pub struct ConsoleWindow {
    pub window: adw::Window,
    pub view: ConsoleView,
}

impl ConsoleWindow {
    /// Shows the console of the domain `uuid` (called `name`) on `handle`'s host, in
    /// a new window or the one already open for it. Returns at once; connecting runs
    /// on the connection worker.
    pub fn open(handle: ConnectionHandle, uuid: String, name: String) -> ConsoleWindow {
        let key = (handle.id, uuid.clone());
        if let Some(existing) = OPEN.with(|open| open.borrow().get(&key).cloned()) {
            existing.window.present();
            return existing;
        }
        let view = ConsoleView::new(handle.clone(), &uuid, &name);
        let title = adw::WindowTitle::new(
            &name,
            &handle
                .spec
                .label
                .clone()
                .unwrap_or_else(|| handle.spec.uri.clone()),
        );
        let header = adw::HeaderBar::builder().title_widget(&title).build();
        header.pack_end(view.controls());
        let layout = gtk::Box::new(gtk::Orientation::Vertical, 0);
        layout.append(&header);
        layout.append(view.widget());
        let window = adw::Window::builder()
            .title(gettext("Console of {name}").replace("{name}", &name))
            .default_width(820)
            .default_height(540)
            .content(&layout)
            .build();
        // Part of the application (if there is one), so it is not left behind alone.
        if let Some(app) = gio::Application::default().and_downcast::<gtk::Application>() {
            window.set_application(Some(&app));
        }
        let this = ConsoleWindow { window, view };
        {
            let view = this.view.clone();
            let key = key.clone();
            this.window.connect_close_request(move |_| {
                view.close();
                OPEN.with(|open| open.borrow_mut().remove(&key));
                glib::Propagation::Proceed
            });
        }
        OPEN.with(|open| open.borrow_mut().insert(key, this.clone()));
        this.window.present();
        this
    }

    /// Closes every console window (for when the main window goes away and takes the
    /// connections with it).
    pub fn close_all() {
        let all: Vec<ConsoleWindow> = OPEN.with(|open| open.borrow().values().cloned().collect());
        for w in all {
            w.window.close();
        }
    }

    /// The console windows open now.
    pub fn open_windows() -> Vec<ConsoleWindow> {
        OPEN.with(|open| open.borrow().values().cloned().collect())
    }
}
