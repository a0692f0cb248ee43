//! A wizard's window: a header with Cancel, Back and Next, and one page per step in
//! a stack. The wizard decides what Next does (check the step, then go on).

use std::cell::{Cell, RefCell};

use adw::prelude::*;
use gettextrs::gettext;

pub struct Frame {
    pub window: adw::Window,
    pub stack: gtk::Stack,
    pub back: gtk::Button,
    pub next: gtk::Button,
    pub cancel: gtk::Button,
    title: adw::WindowTitle,
    /// (stack child name, page title) in order.
    pages: RefCell<Vec<(String, String)>>,
    current: Cell<usize>,
}

impl Frame {
    pub fn new(parent: &impl IsA<gtk::Window>, title: &str, name: &str) -> Frame {
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let back = gtk::Button::with_mnemonic(&gettext("_Back"));
        let next = gtk::Button::with_mnemonic(&gettext("_Next"));
        next.add_css_class("suggested-action");
        let window_title = adw::WindowTitle::new(title, "");
        let header = adw::HeaderBar::builder()
            .show_end_title_buttons(false)
            .title_widget(&window_title)
            .build();
        header.pack_start(&cancel);
        header.pack_end(&next);
        header.pack_end(&back);
        let stack = gtk::Stack::builder()
            .transition_type(gtk::StackTransitionType::SlideLeftRight)
            .vexpand(true)
            .build();
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&stack);
        let window = adw::Window::builder()
            .transient_for(parent)
            .modal(true)
            .title(title)
            .default_width(560)
            .default_height(600)
            .content(&content)
            .build();
        window.set_widget_name(name);
        {
            let w = window.clone();
            cancel.connect_clicked(move |_| w.close());
        }
        Frame {
            window,
            stack,
            back,
            next,
            cancel,
            title: window_title,
            pages: RefCell::default(),
            current: Cell::new(0),
        }
    }

    /// Adds a step's page; `child` is placed in a scrolled, clamped column.
    pub fn add_page(&self, name: &str, title: &str, child: &impl IsA<gtk::Widget>) {
        let clamp = adw::Clamp::builder()
            .maximum_size(600)
            .margin_top(12)
            .margin_bottom(18)
            .margin_start(18)
            .margin_end(18)
            .child(child)
            .build();
        let scroller = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .child(&clamp)
            .build();
        self.stack.add_named(&scroller, Some(name));
        self.pages
            .borrow_mut()
            .push((name.to_string(), title.to_string()));
        // Refreshes "Step n of m" as pages are added.
        self.show(self.current.get());
    }

    pub fn current(&self) -> usize {
        self.current.get()
    }

    pub fn page_name(&self, index: usize) -> String {
        self.pages.borrow()[index].0.clone()
    }

    pub fn page_count(&self) -> usize {
        self.pages.borrow().len()
    }

    /// Shows page `index`, with "Step n of m" under the window's title.
    pub fn show(&self, index: usize) {
        let pages = self.pages.borrow();
        let Some((name, title)) = pages.get(index) else {
            return;
        };
        self.current.set(index);
        self.stack.set_visible_child_name(name);
        self.title.set_title(title);
        self.title.set_subtitle(
            &gettext("Step {n} of {total}")
                .replace("{n}", &(index + 1).to_string())
                .replace("{total}", &pages.len().to_string()),
        );
        self.back.set_sensitive(index > 0);
    }

    /// The run has started: no going back, and the page has its own buttons.
    pub fn lock(&self) {
        self.back.set_visible(false);
        self.next.set_visible(false);
        self.cancel.set_visible(false);
        self.window.set_deletable(false);
    }

    pub fn present(&self) {
        self.window.present();
    }
}

/// A vertical box for a page's groups.
pub fn page_box() -> gtk::Box {
    gtk::Box::new(gtk::Orientation::Vertical, 18)
}

/// An error line inside `group`, hidden until [`set_error`] gives it a message.
pub fn error_line(group: &adw::PreferencesGroup, name: &str) -> gtk::Label {
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
    label
}

/// Shows `message` on an [`error_line`], or hides it.
pub fn set_error(label: &gtk::Label, message: Option<&str>) {
    label.set_text(message.unwrap_or_default());
    if let Some(row) = label.parent() {
        row.set_visible(message.is_some());
    }
}

/// Whether an [`error_line`] shows a message.
pub fn shown_error(label: &gtk::Label) -> Option<String> {
    label
        .parent()
        .is_some_and(|r| r.is_visible())
        .then(|| label.text().to_string())
}

/// A row with a spin button at its end.
pub fn spin_row(
    group: &adw::PreferencesGroup,
    title: &str,
    range: (f64, f64),
    value: f64,
) -> (adw::ActionRow, gtk::SpinButton) {
    let spin = gtk::SpinButton::with_range(range.0, range.1, 1.0);
    spin.set_value(value);
    spin.set_valign(gtk::Align::Center);
    spin.update_property(&[gtk::accessible::Property::Label(title)]);
    let row = adw::ActionRow::builder().title(title).build();
    row.add_suffix(&spin);
    row.set_activatable_widget(Some(&spin));
    group.add(&row);
    (row, spin)
}

/// A group of rows, one per summary line (heading as title, text as subtitle).
pub fn summary_group(lines: &[crate::core::clone::SummaryLine]) -> adw::PreferencesGroup {
    let group = adw::PreferencesGroup::new();
    for line in lines {
        let row = adw::ActionRow::builder()
            .title(&line.heading)
            .subtitle(&line.text)
            .build();
        group.add(&row);
    }
    group
}
