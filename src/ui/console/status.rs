//! What the console view says when there is no live console, and the one action
//! that helps in each case.
//!
//! Before anything was printed the state fills the view (a status page). Once the
//! terminal holds output, a bar above it says the same thing, so the last words of a
//! machine that stopped or crashed stay readable.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

/// Where a console view stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleState {
    /// Opening (or reopening after the stream ended).
    Connecting,
    Live,
    /// The machine is not running; the view reconnects when it starts.
    Off,
    NoDevice(String),
    /// Another client holds the console: "Take Over" opens it with FORCE.
    Busy(String),
    Unsupported(String),
    /// The connection to the host dropped; the view retries by itself.
    Disconnected(String),
    /// The machine was deleted.
    Gone,
    /// Anything else; retried by itself, and a button retries now.
    Failed(String),
}

/// The button a state offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Start,
    TakeOver,
    Retry,
}

impl ConsoleState {
    pub fn title(&self) -> String {
        match self {
            ConsoleState::Connecting => gettext("Connecting to the Console…"),
            ConsoleState::Live => String::new(),
            ConsoleState::Off => gettext("The Machine Is Not Running"),
            ConsoleState::NoDevice(_) => gettext("No Serial Console"),
            ConsoleState::Busy(_) => gettext("Console in Use"),
            ConsoleState::Unsupported(_) => gettext("Console Not Supported"),
            ConsoleState::Disconnected(_) => gettext("Connection Lost"),
            ConsoleState::Gone => gettext("The Machine No Longer Exists"),
            ConsoleState::Failed(_) => gettext("Could Not Open the Console"),
        }
    }

    pub fn description(&self) -> String {
        match self {
            ConsoleState::Connecting | ConsoleState::Live => String::new(),
            ConsoleState::Off => {
                gettext("The console appears here by itself when the machine starts.")
            }
            ConsoleState::NoDevice(why) => why.clone(),
            ConsoleState::Busy(why) => format!(
                "{}\n{}",
                gettext("Another client (such as “virsh console”) is connected to this console."),
                why
            ),
            ConsoleState::Unsupported(why) => format!(
                "{}\n{}",
                gettext("This hypervisor does not provide serial consoles."),
                why
            ),
            ConsoleState::Disconnected(why) => {
                format!(
                    "{}\n{}",
                    why,
                    gettext("Reconnecting when the host is back…")
                )
            }
            ConsoleState::Gone => gettext("It was deleted, by Hangar or by another client."),
            ConsoleState::Failed(why) => why.clone(),
        }
    }

    fn icon(&self) -> &'static str {
        match self {
            ConsoleState::Connecting | ConsoleState::Live => "utilities-terminal-symbolic",
            ConsoleState::Off => "system-shutdown-symbolic",
            ConsoleState::Busy(_) => "system-users-symbolic",
            ConsoleState::Disconnected(_) => "network-offline-symbolic",
            _ => "dialog-warning-symbolic",
        }
    }

    pub fn action(&self) -> Option<(String, StatusAction)> {
        match self {
            ConsoleState::Off => Some((gettext("_Start the Machine"), StatusAction::Start)),
            ConsoleState::Busy(_) => Some((gettext("_Take Over"), StatusAction::TakeOver)),
            ConsoleState::Disconnected(_) | ConsoleState::Failed(_) => {
                Some((gettext("_Retry Now"), StatusAction::Retry))
            }
            _ => None,
        }
    }
}

/// The status page and the bar, with their buttons.
pub struct StatusDisplay {
    pub page: adw::StatusPage,
    page_button: gtk::Button,
    spinner: gtk::Spinner,
    pub bar: gtk::Revealer,
    bar_label: gtk::Label,
    bar_button: gtk::Button,
    action: Rc<std::cell::Cell<Option<StatusAction>>>,
}

impl StatusDisplay {
    pub fn new(on_action: impl Fn(StatusAction) + 'static) -> StatusDisplay {
        let action: Rc<std::cell::Cell<Option<StatusAction>>> = Rc::default();
        let on_action = Rc::new(on_action);
        let button = |extra_class: &str| {
            let b = gtk::Button::builder().use_underline(true).build();
            b.add_css_class(extra_class);
            let (action, on_action) = (action.clone(), on_action.clone());
            b.connect_clicked(move |_| {
                if let Some(a) = action.get() {
                    on_action(a);
                }
            });
            b
        };
        let page_button = button("pill");
        page_button.add_css_class("suggested-action");
        page_button.set_halign(gtk::Align::Center);
        let spinner = gtk::Spinner::builder()
            .width_request(32)
            .height_request(32)
            .halign(gtk::Align::Center)
            .build();
        let page_box = gtk::Box::new(gtk::Orientation::Vertical, 12);
        page_box.append(&spinner);
        page_box.append(&page_button);
        let page = adw::StatusPage::builder()
            .child(&page_box)
            .vexpand(true)
            .build();

        let bar_label = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .hexpand(true)
            .build();
        let bar_button = button("suggested-action");
        bar_button.set_valign(gtk::Align::Center);
        let bar_box = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        bar_box.add_css_class("toolbar");
        bar_box.set_margin_start(6);
        bar_box.set_margin_end(6);
        bar_box.append(&gtk::Image::from_icon_name("dialog-information-symbolic"));
        bar_box.append(&bar_label);
        bar_box.append(&bar_button);
        // Announced to screen readers as a status message.
        bar_box.set_accessible_role(gtk::AccessibleRole::Status);
        let bar = gtk::Revealer::builder()
            .child(&bar_box)
            .transition_type(gtk::RevealerTransitionType::SlideDown)
            .build();
        StatusDisplay {
            page,
            page_button,
            spinner,
            bar,
            bar_label,
            bar_button,
            action,
        }
    }

    /// Shows `state`; `as_bar` when the terminal stays visible under it.
    pub fn show(&self, state: &ConsoleState, as_bar: bool) {
        let action = state.action();
        self.action.set(action.as_ref().map(|(_, a)| *a));
        let label = action.map(|(l, _)| l);
        for b in [&self.page_button, &self.bar_button] {
            b.set_visible(label.is_some());
            b.set_label(label.as_deref().unwrap_or(""));
        }
        let connecting = *state == ConsoleState::Connecting;
        self.spinner.set_visible(connecting);
        self.spinner.set_spinning(connecting);
        self.page.set_icon_name(Some(state.icon()));
        self.page.set_title(&state.title());
        self.page
            .set_description(Some(&glib_escape(&state.description())));
        let desc = state.description();
        let text = if desc.is_empty() {
            state.title()
        } else {
            format!("{} — {}", state.title(), desc.replace('\n', " "))
        };
        self.bar_label.set_label(&text);
        self.bar
            .set_reveal_child(as_bar && *state != ConsoleState::Live);
    }

    /// The visible texts, for tests: (title, description).
    pub fn texts(&self) -> (String, String) {
        (
            self.page.title().to_string(),
            self.page
                .description()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        )
    }

    pub fn bar_text(&self) -> String {
        self.bar_label.label().to_string()
    }

    pub fn action_button(&self, in_bar: bool) -> &gtk::Button {
        if in_bar {
            &self.bar_button
        } else {
            &self.page_button
        }
    }
}

/// The status page's description is markup; libvirt's messages are not.
fn glib_escape(text: &str) -> String {
    gtk::glib::markup_escape_text(text).to_string()
}
