//! The console view: a terminal on one machine's serial console, the state when there
//! is no console, and the controls that belong in a header bar (device, copy, paste,
//! menu). It can live in a window of its own (`ConsoleWindow`) or in any container.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use adw::prelude::*;
use gettextrs::gettext;
use vte4::prelude::*;

use super::feeder::{self, FeedTask};
use super::session::{Session, SessionEvent};
use super::status::{ConsoleState, StatusAction, StatusDisplay};
use super::terminal;
use crate::core::console::ConsoleDevice;
use crate::core::worker::ConnectionHandle;

struct Inner {
    root: gtk::Box,
    controls: gtk::Box,
    term: vte4::Terminal,
    stack: gtk::Stack,
    status: StatusDisplay,
    device_menu: gtk::DropDown,
    /// Aliases in the order of the device menu's entries.
    device_aliases: RefCell<Vec<Option<String>>>,
    /// Set while we change the menu ourselves, so that is not taken as a choice.
    updating_menu: Cell<bool>,
    session: RefCell<Option<Session>>,
    feed: RefCell<Option<FeedTask>>,
    fed: Rc<Cell<u64>>,
}

/// Cheap to clone; every clone is the same view.
#[derive(Clone)]
pub struct ConsoleView(Rc<Inner>);

impl ConsoleView {
    /// A view on the console of the domain `uuid` (called `name`) on `handle`'s host.
    /// It starts connecting at once.
    pub fn new(handle: ConnectionHandle, uuid: &str, name: &str) -> ConsoleView {
        let term =
            terminal::new_terminal(&gettext("Serial console of {name}").replace("{name}", name));
        let scroller = gtk::ScrolledWindow::builder()
            .child(&term)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .build();
        let view = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let on_action = {
                let weak = weak.clone();
                move |action| {
                    if let Some(inner) = weak.upgrade() {
                        ConsoleView(inner).on_action(action);
                    }
                }
            };
            let status = StatusDisplay::new(on_action);
            let stack = crate::ui::page_stack::new_stack();
            stack.add_named(&scroller, Some("terminal"));
            stack.add_named(&status.page, Some("status"));
            stack.set_visible_child_name("status");
            let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
            root.append(&status.bar);
            root.append(&stack);
            let device_menu = gtk::DropDown::from_strings(&[]);
            let device_label = gettext("Console Device");
            device_menu.set_tooltip_text(Some(&device_label));
            device_menu.update_property(&[gtk::accessible::Property::Label(&device_label)]);
            device_menu.set_visible(false);
            let controls = gtk::Box::new(gtk::Orientation::Horizontal, 6);
            controls.append(&device_menu);
            controls.append(&terminal::icon_button(
                "edit-copy-symbolic",
                &gettext("Copy"),
                Some("console.copy"),
            ));
            controls.append(&terminal::icon_button(
                "edit-paste-symbolic",
                &gettext("Paste"),
                Some("console.paste"),
            ));
            controls.append(&terminal::menu_button());
            Inner {
                root,
                controls,
                term,
                stack,
                status,
                device_menu,
                device_aliases: RefCell::default(),
                updating_menu: Cell::new(false),
                session: RefCell::default(),
                feed: RefCell::default(),
                fed: Rc::default(),
            }
        });
        let view = ConsoleView(view);
        // The actions go on the root so the header controls (packed elsewhere by the
        // window) find them through the window too.
        let actions = terminal::install_actions(&view.0.root, &view.0.term);
        // The controls usually sit in a header bar outside the view's root.
        view.0
            .controls
            .insert_action_group("console", Some(&actions));
        terminal::install_shortcuts(&view.0.root);
        terminal::install_context_menu(&view.0.root, &view.0.term);
        view.connect_signals();
        view.show_state(&ConsoleState::Connecting);
        let weak = Rc::downgrade(&view.0);
        let session = Session::start(handle, uuid, move |ev| {
            if let Some(inner) = weak.upgrade() {
                ConsoleView(inner).on_session(ev);
            }
        });
        view.0.session.replace(Some(session));
        view
    }

    fn connect_signals(&self) {
        let weak = Rc::downgrade(&self.0);
        // Keystrokes, pastes and VTE's own answers (cursor position reports) all
        // arrive here; the guest gets them exactly as typed.
        self.0.term.connect_commit(move |_, text, _| {
            if let Some(session) = weak.upgrade().and_then(|i| i.session.borrow().clone()) {
                session.send(text.as_bytes());
            }
        });
        let weak = Rc::downgrade(&self.0);
        self.0.device_menu.connect_selected_notify(move |menu| {
            let Some(inner) = weak.upgrade() else { return };
            if inner.updating_menu.get() {
                return;
            }
            let alias = inner
                .device_aliases
                .borrow()
                .get(menu.selected() as usize)
                .cloned()
                .flatten();
            let session = inner.session.borrow().clone();
            if let Some(session) = session {
                session.choose_device(alias);
            }
        });
    }

    fn on_session(&self, ev: SessionEvent) {
        match ev {
            SessionEvent::State(state) => self.show_state(&state),
            SessionEvent::Devices(devices, current) => self.show_devices(&devices, current),
            SessionEvent::Output(output, generation) => {
                let weak = Rc::downgrade(&self.0);
                let task = feeder::spawn(&self.0.term, output, self.0.fed.clone(), move |why| {
                    if let Some(s) = weak.upgrade().and_then(|i| i.session.borrow().clone()) {
                        s.stream_ended(generation, why);
                    }
                });
                // The previous stream's feed may still be draining its last bytes into
                // the terminal; it stops here, its stream was released already.
                self.0.feed.replace(Some(task));
            }
        }
    }

    fn show_state(&self, state: &ConsoleState) {
        let live = *state == ConsoleState::Live;
        // Once the terminal holds output, keep it readable and say the state above it.
        let keep_terminal = live || self.0.fed.get() > 0;
        self.0.status.show(state, keep_terminal);
        self.0
            .stack
            .set_visible_child_name(if keep_terminal { "terminal" } else { "status" });
        // Typing into a console that is not there would silently lose the keys.
        self.0.term.set_input_enabled(live);
        if live {
            self.0.term.grab_focus();
        }
    }

    fn show_devices(&self, devices: &[ConsoleDevice], current: Option<String>) {
        let labels: Vec<&str> = devices.iter().map(|d| d.label.as_str()).collect();
        let aliases: Vec<Option<String>> = devices.iter().map(|d| d.alias.clone()).collect();
        let selected = aliases.iter().position(|a| *a == current).unwrap_or(0);
        self.0.updating_menu.set(true);
        if *self.0.device_aliases.borrow() != aliases {
            self.0
                .device_menu
                .set_model(Some(&gtk::StringList::new(&labels)));
            self.0.device_aliases.replace(aliases);
        }
        self.0.device_menu.set_selected(selected as u32);
        self.0.updating_menu.set(false);
        // A choice of one is no choice.
        self.0.device_menu.set_visible(devices.len() > 1);
    }

    fn on_action(&self, action: StatusAction) {
        let Some(session) = self.0.session.borrow().clone() else {
            return;
        };
        match action {
            StatusAction::Start => session.start_machine(),
            StatusAction::TakeOver => session.take_over(),
            StatusAction::Retry => session.retry(),
        }
    }

    /// The view itself, to put in a window or a page.
    pub fn widget(&self) -> &gtk::Box {
        &self.0.root
    }

    /// Device menu, copy, paste and menu buttons, for the host's header bar.
    pub fn controls(&self) -> &gtk::Box {
        &self.0.controls
    }

    pub fn terminal(&self) -> &vte4::Terminal {
        &self.0.term
    }

    pub fn state(&self) -> ConsoleState {
        self.0
            .session
            .borrow()
            .as_ref()
            .map_or(ConsoleState::Gone, Session::state)
    }

    /// The message shown for the current state: the bar's text when the terminal is
    /// visible, else the status page's title and description.
    pub fn shown_message(&self) -> String {
        if self.0.status.bar.reveals_child() {
            self.0.status.bar_text()
        } else {
            let (title, desc) = self.0.status.texts();
            format!("{title}\n{desc}")
        }
    }

    /// The state's button (Take Over, Start, Retry) as currently shown.
    pub fn action_button(&self) -> gtk::Button {
        self.0
            .status
            .action_button(self.0.status.bar.reveals_child())
            .clone()
    }

    pub fn device_menu(&self) -> &gtk::DropDown {
        &self.0.device_menu
    }

    /// Bytes of guest output handed to the terminal so far.
    pub fn bytes_fed(&self) -> u64 {
        self.0.fed.get()
    }

    /// The terminal's text, scrollback included.
    pub fn text(&self) -> String {
        terminal::contents(&self.0.term)
    }

    /// Releases the console. The view stays usable as a widget but stays offline.
    pub fn close(&self) {
        self.0.feed.replace(None);
        if let Some(session) = self.0.session.borrow().as_ref() {
            session.close();
        }
    }
}
