//! Shows results and failures as toasts. Cloned into every page that acts, so a page
//! reports what happened without knowing the window.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

#[derive(Clone)]
pub struct Toaster {
    overlay: adw::ToastOverlay,
    last: Rc<RefCell<Option<String>>>,
    last_details: Rc<RefCell<Option<String>>>,
}

impl Toaster {
    pub fn new(overlay: &adw::ToastOverlay) -> Self {
        Toaster {
            overlay: overlay.clone(),
            last: Rc::default(),
            last_details: Rc::default(),
        }
    }

    /// Shows `text` (plain text, not markup) for a few seconds.
    pub fn show(&self, text: impl Into<String>) {
        let text = text.into();
        let toast = adw::Toast::builder()
            .title(glib::markup_escape_text(&text))
            .timeout(6)
            .build();
        self.overlay.add_toast(toast);
        self.last.replace(Some(text));
        self.last_details.replace(None);
    }

    /// Shows `text` with a Details button that opens `details` (what, and what became
    /// of it) under `heading`: for results too long for a toast, such as one item per
    /// machine of a bulk action. It stays longer, so there is time to click.
    pub fn show_with_details(
        &self,
        text: impl Into<String>,
        heading: &str,
        details: Vec<(String, String)>,
    ) {
        let text = text.into();
        let toast = adw::Toast::builder()
            .title(glib::markup_escape_text(&text))
            .button_label(gettext("Details"))
            .timeout(12)
            .build();
        let lines: Vec<String> = details
            .iter()
            .map(|(what, fate)| format!("{what}: {fate}"))
            .collect();
        let (overlay, heading) = (self.overlay.clone(), heading.to_string());
        toast.connect_button_clicked(move |_| show_details(&overlay, &heading, &details));
        self.overlay.add_toast(toast);
        self.last.replace(Some(text));
        self.last_details.replace(Some(lines.join("\n")));
    }

    /// The last text shown: libadwaita 1.2 cannot list an overlay's toasts, and tests
    /// need to read what the person was told.
    pub fn last(&self) -> Option<String> {
        self.last.borrow().clone()
    }

    /// The details behind the last toast's Details button, if it had one, as
    /// "what: what became of it" lines.
    pub fn last_details(&self) -> Option<String> {
        self.last_details.borrow().clone()
    }
}

fn show_details(overlay: &adw::ToastOverlay, heading: &str, items: &[(String, String)]) {
    let dialog = adw::MessageDialog::builder()
        .modal(true)
        .heading(heading)
        .build();
    dialog.set_widget_name("toast-details");
    if let Some(w) = overlay.root().and_downcast::<gtk::Window>() {
        dialog.set_transient_for(Some(&w));
    }
    let list = gtk::ListBox::new();
    list.add_css_class("boxed-list");
    list.set_selection_mode(gtk::SelectionMode::None);
    for (what, fate) in items {
        list.append(
            &adw::ActionRow::builder()
                .title(glib::markup_escape_text(what))
                .subtitle(glib::markup_escape_text(fate))
                .build(),
        );
    }
    let scroll = gtk::ScrolledWindow::builder()
        .hscrollbar_policy(gtk::PolicyType::Never)
        .propagate_natural_height(true)
        .max_content_height(360)
        .min_content_width(360)
        .child(&list)
        .build();
    dialog.set_extra_child(Some(&scroll));
    dialog.add_response("close", &gettext("Close"));
    dialog.set_default_response(Some("close"));
    dialog.set_close_response("close");
    dialog.present();
}
