//! Building blocks of Hangar's dialogs (used by the Networks and Storage pages): a
//! modal window with Cancel and a main button, entry fields that show their error
//! right below themselves, and a line for libvirt's answer.

use adw::prelude::*;
use gettextrs::gettext;

/// A modal dialog: header bar with Cancel and `ok`, an error line, then `content`.
pub struct Dialog {
    pub window: adw::Window,
    pub content: gtk::Box,
    pub ok: gtk::Button,
    pub cancel: gtk::Button,
    banner: gtk::Label,
    /// Pulses at the top while the host works.
    pub pulse: crate::ui::progress::Pulse,
}

impl Dialog {
    pub fn new(parent: &impl IsA<gtk::Widget>, title: &str, ok_label: &str) -> Dialog {
        let window = adw::Window::builder()
            .title(title)
            .modal(true)
            .default_width(560)
            .default_height(560)
            .build();
        if let Some(w) = parent.as_ref().root().and_downcast::<gtk::Window>() {
            window.set_transient_for(Some(&w));
        }
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let ok = gtk::Button::with_mnemonic(ok_label);
        ok.set_widget_name("ok");
        ok.add_css_class("suggested-action");
        let header = adw::HeaderBar::builder()
            .show_end_title_buttons(false)
            .title_widget(&adw::WindowTitle::new(title, ""))
            .build();
        header.pack_start(&cancel);
        header.pack_end(&ok);
        let banner = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .visible(false)
            .selectable(true)
            .build();
        banner.set_widget_name("dialog-error");
        banner.add_css_class("error");
        let content = gtk::Box::new(gtk::Orientation::Vertical, 18);
        let pulse = crate::ui::progress::Pulse::default();
        pulse.bar.set_visible(false);
        pulse.bar.set_widget_name("dialog-progress");
        pulse
            .bar
            .update_property(&[gtk::accessible::Property::Label(&gettext("Working…"))]);
        content.append(&pulse.bar);
        content.append(&banner);
        let clamp = adw::Clamp::builder()
            .child(&content)
            .maximum_size(640)
            .margin_top(18)
            .margin_bottom(18)
            .margin_start(12)
            .margin_end(12)
            .build();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&clamp)
            .vexpand(true)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .build();
        let layout = gtk::Box::new(gtk::Orientation::Vertical, 0);
        layout.append(&header);
        layout.append(&scroller);
        window.set_content(Some(&layout));
        {
            let window = window.clone();
            cancel.connect_clicked(move |_| window.close());
        }
        // Escape cancels, as in every other dialog.
        let keys = gtk::ShortcutController::new();
        let close = {
            let window = window.clone();
            gtk::CallbackAction::new(move |_, _| {
                window.close();
                gtk::glib::Propagation::Stop
            })
        };
        keys.add_shortcut(gtk::Shortcut::new(
            gtk::ShortcutTrigger::parse_string("Escape"),
            Some(close),
        ));
        window.add_controller(keys);
        window.set_default_widget(Some(&ok));
        Dialog {
            window,
            content,
            ok,
            cancel,
            banner,
            pulse,
        }
    }

    /// A boxed group of rows with an optional title.
    pub fn group(&self, title: &str) -> adw::PreferencesGroup {
        let group = adw::PreferencesGroup::new();
        if !title.is_empty() {
            group.set_title(title);
        }
        self.content.append(&group);
        group
    }

    /// Shows libvirt's (or any other) message above the form; `None` hides it.
    pub fn show_error(&self, message: Option<&str>) {
        self.banner.set_text(message.unwrap_or_default());
        self.banner.set_visible(message.is_some());
    }

    pub fn error_text(&self) -> Option<String> {
        self.banner
            .is_visible()
            .then(|| self.banner.text().to_string())
    }

    /// While the host works: the main button is off and a bar pulses.
    pub fn busy(&self, busy: bool) {
        self.ok.set_sensitive(!busy);
        if busy {
            self.pulse.start();
        } else {
            self.pulse.stop();
        }
    }

    pub fn is_busy(&self) -> bool {
        self.pulse.is_pulsing()
    }

    pub fn present(&self) {
        self.window.present();
    }

    pub fn close(&self) {
        self.window.close();
    }
}

/// An entry row with its error line right below it.
#[derive(Clone)]
pub struct Field {
    pub row: adw::EntryRow,
    error_row: adw::PreferencesRow,
    error: gtk::Label,
}

impl Field {
    /// Adds the field to `group`; `name` is the widget name (for tests and CSS).
    pub fn new(group: &adw::PreferencesGroup, title: &str, name: &str) -> Field {
        let row = adw::EntryRow::builder()
            .title(title)
            .activates_default(true)
            .build();
        row.set_widget_name(name);
        let error = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .margin_start(12)
            .margin_end(12)
            .margin_top(6)
            .margin_bottom(6)
            .build();
        error.add_css_class("error");
        error.add_css_class("caption");
        error.set_widget_name(&format!("{name}-error"));
        let error_row = adw::PreferencesRow::builder()
            .child(&error)
            .activatable(false)
            .selectable(false)
            .visible(false)
            .build();
        group.add(&row);
        group.add(&error_row);
        {
            // An error is about what was typed: typing again takes it away.
            let (error_row, error) = (error_row.clone(), error.clone());
            row.connect_changed(move |row| {
                if error_row.is_visible() {
                    error_row.set_visible(false);
                    error.set_text("");
                    row.remove_css_class("error");
                }
            });
        }
        row.upcast_ref::<gtk::Widget>()
            .update_relation(&[gtk::accessible::Relation::DescribedBy(
                &[error.upcast_ref()],
            )]);
        Field {
            row,
            error_row,
            error,
        }
    }

    pub fn with_text(self, text: &str) -> Self {
        self.row.set_text(text);
        self
    }

    pub fn text(&self) -> String {
        self.row.text().to_string()
    }

    pub fn set_error(&self, message: Option<&str>) {
        self.error.set_text(message.unwrap_or_default());
        self.error_row.set_visible(message.is_some());
        if message.is_some() {
            self.row.add_css_class("error");
        } else {
            self.row.remove_css_class("error");
        }
    }

    pub fn error(&self) -> Option<String> {
        self.error_row
            .is_visible()
            .then(|| self.error.text().to_string())
    }
}

/// A row with a switch at its end; returns the switch.
pub fn switch_row(
    group: &adw::PreferencesGroup,
    title: &str,
    subtitle: &str,
    on: bool,
) -> gtk::Switch {
    let switch = gtk::Switch::builder()
        .active(on)
        .valign(gtk::Align::Center)
        .build();
    switch.update_property(&[gtk::accessible::Property::Label(title)]);
    let row = adw::ActionRow::builder().title(title).build();
    if !subtitle.is_empty() {
        row.set_subtitle(subtitle);
    }
    row.add_suffix(&switch);
    row.set_activatable_widget(Some(&switch));
    group.add(&row);
    switch
}

/// A drop-down row over `items`.
pub fn combo_row(group: &adw::PreferencesGroup, title: &str, items: &[String]) -> adw::ComboRow {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let row = adw::ComboRow::builder()
        .title(title)
        .model(&gtk::StringList::new(&refs))
        .build();
    group.add(&row);
    row
}

/// A read-only row: a title and its value.
pub fn info_row(title: &str, value: &str) -> adw::ActionRow {
    let row = adw::ActionRow::builder()
        .title(title)
        .subtitle(gtk::glib::markup_escape_text(value))
        .build();
    row.add_css_class("property");
    row
}

/// A monospace text editor for XML, in a frame.
pub fn xml_view(text: &str) -> gtk::TextView {
    let view = gtk::TextView::builder()
        .monospace(true)
        .wrap_mode(gtk::WrapMode::None)
        .top_margin(8)
        .bottom_margin(8)
        .left_margin(8)
        .right_margin(8)
        .vexpand(true)
        .build();
    view.buffer().set_text(text);
    view.update_property(&[gtk::accessible::Property::Label(&gettext("XML"))]);
    view
}

pub fn text_of(view: &gtk::TextView) -> String {
    let buffer = view.buffer();
    buffer
        .text(&buffer.start_iter(), &buffer.end_iter(), false)
        .to_string()
}

/// An icon-only button with a tooltip and an accessible label.
pub fn icon_button(icon: &str, label: &str) -> gtk::Button {
    let b = gtk::Button::from_icon_name(icon);
    b.set_tooltip_text(Some(label));
    b.update_property(&[gtk::accessible::Property::Label(label)]);
    b.set_valign(gtk::Align::Center);
    b
}

/// A "⋮" menu button over `menu`, labelled for screen readers.
pub fn menu_button(menu: &gtk::gio::Menu, label: &str) -> gtk::MenuButton {
    let b = gtk::MenuButton::builder()
        .icon_name("view-more-symbolic")
        .menu_model(menu)
        .valign(gtk::Align::Center)
        .tooltip_text(label)
        .build();
    b.add_css_class("flat");
    b.update_property(&[gtk::accessible::Property::Label(label)]);
    b
}

/// Asks before something is destroyed; `on_yes` runs when the person confirms.
pub fn confirm(
    parent: &impl IsA<gtk::Widget>,
    heading: &str,
    body: &str,
    yes_label: &str,
    on_yes: impl Fn() + 'static,
) -> adw::MessageDialog {
    let window = parent.as_ref().root().and_downcast::<gtk::Window>();
    let dialog = adw::MessageDialog::new(window.as_ref(), Some(heading), Some(body));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("yes", yes_label);
    dialog.set_response_appearance("yes", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    dialog.connect_response(None, move |_, response| {
        if response == "yes" {
            on_yes();
        }
    });
    dialog.present();
    dialog
}

/// An error line under a row that is not an entry (a drop-down, a text view).
#[derive(Clone)]
pub struct ErrorLine {
    row: adw::PreferencesRow,
    label: gtk::Label,
}

impl ErrorLine {
    pub fn new(group: &adw::PreferencesGroup, name: &str) -> ErrorLine {
        let label = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .margin_start(12)
            .margin_end(12)
            .margin_top(6)
            .margin_bottom(6)
            .build();
        label.add_css_class("error");
        label.add_css_class("caption");
        label.set_widget_name(name);
        let row = adw::PreferencesRow::builder()
            .child(&label)
            .activatable(false)
            .selectable(false)
            .visible(false)
            .build();
        group.add(&row);
        ErrorLine { row, label }
    }

    pub fn set(&self, message: Option<&str>) {
        self.label.set_text(message.unwrap_or_default());
        self.row.set_visible(message.is_some());
    }

    pub fn text(&self) -> Option<String> {
        self.row.is_visible().then(|| self.label.text().to_string())
    }
}
