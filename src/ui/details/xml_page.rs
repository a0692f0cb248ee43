//! `virsh edit` in the window: the stored XML in an editor; Save re-defines the
//! machine with libvirt's validation, and on error shows libvirt's message here and
//! changes nothing.

use std::rc::Rc;

use gettextrs::gettext;
use gtk::prelude::*;
use sourceview5::prelude::*;

pub struct XmlPage {
    pub root: gtk::Box,
    source_buffer: sourceview5::Buffer,
    highlighted: std::cell::Cell<bool>,
    buffer: gtk::TextBuffer,
    error: gtk::Label,
    save: gtk::Button,
    revert: gtk::Button,
    /// The XML as last loaded from libvirt, to tell an edit from a reload.
    loaded: Rc<std::cell::RefCell<String>>,
}

impl XmlPage {
    pub fn new(on_save: Rc<dyn Fn(String)>) -> Self {
        sourceview5::init();
        // Highlighting is set up when the first XML arrives (see `highlight`): loading
        // GtkSourceView's language and style files cost a tenth of Hangar's start-up.
        let source_buffer = sourceview5::Buffer::new(None);
        let view = sourceview5::View::builder()
            .buffer(&source_buffer)
            .monospace(true)
            .show_line_numbers(true)
            .auto_indent(true)
            .insert_spaces_instead_of_tabs(true)
            .tab_width(2)
            .wrap_mode(gtk::WrapMode::None)
            .top_margin(8)
            .bottom_margin(8)
            .left_margin(8)
            .right_margin(8)
            .vexpand(true)
            .build();
        view.add_css_class("xml-view");
        view.upcast_ref::<gtk::Widget>()
            .update_property(&[gtk::accessible::Property::Label(&gettext("Machine XML"))]);
        let buffer: gtk::TextBuffer = source_buffer.clone().upcast();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&view)
            .vexpand(true)
            .build();
        let error = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .selectable(true)
            .visible(false)
            .margin_start(12)
            .margin_end(12)
            .margin_top(6)
            .margin_bottom(6)
            .build();
        error.add_css_class("error");
        let save = gtk::Button::with_label(&gettext("Save"));
        save.add_css_class("suggested-action");
        save.set_sensitive(false);
        let revert = gtk::Button::with_label(&gettext("Revert"));
        revert.set_sensitive(false);
        let hint = gtk::Label::builder()
            .label(gettext(
                "Changes to a running machine apply at its next boot.",
            ))
            .xalign(0.0)
            .hexpand(true)
            .wrap(true)
            .build();
        hint.add_css_class("dim-label");
        let bar = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        bar.set_margin_top(6);
        bar.set_margin_bottom(6);
        bar.set_margin_start(8);
        bar.set_margin_end(8);
        bar.append(&hint);
        bar.append(&revert);
        bar.append(&save);
        let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
        root.append(&error);
        root.append(&scroller);
        root.append(&bar);
        let loaded: Rc<std::cell::RefCell<String>> = Rc::default();
        {
            let (save, revert, loaded) = (save.clone(), revert.clone(), loaded.clone());
            buffer.connect_changed(move |b| {
                let edited = text_of(b) != *loaded.borrow();
                save.set_sensitive(edited);
                revert.set_sensitive(edited);
            });
        }
        {
            let buffer = buffer.clone();
            save.connect_clicked(move |_| on_save(text_of(&buffer)));
        }
        {
            let (buffer, loaded, error) = (buffer.clone(), loaded.clone(), error.clone());
            revert.connect_clicked(move |_| {
                buffer.set_text(&loaded.borrow());
                error.set_visible(false);
            });
        }
        XmlPage {
            root,
            source_buffer,
            highlighted: std::cell::Cell::new(false),
            buffer,
            error,
            save,
            revert,
            loaded,
        }
    }

    /// Shows freshly read XML, unless the person has unsaved edits.
    pub fn show(&self, xml: &str) {
        self.highlight();
        let edited = text_of(&self.buffer) != *self.loaded.borrow();
        self.loaded.replace(xml.to_string());
        if !edited {
            self.buffer.set_text(xml);
        }
        let still_edited = text_of(&self.buffer) != xml;
        self.save.set_sensitive(still_edited);
        self.revert.set_sensitive(still_edited);
    }

    /// After a save: libvirt's refusal, or `None` when it was accepted.
    pub fn saved(&self, error: Option<&str>) {
        match error {
            Some(message) => {
                self.error.set_label(message);
                self.error.set_visible(true);
            }
            None => {
                self.error.set_visible(false);
                // The next fetch shows libvirt's canonical form of what was saved.
                self.loaded.replace(text_of(&self.buffer));
                self.save.set_sensitive(false);
                self.revert.set_sensitive(false);
            }
        }
    }

    pub fn error_text(&self) -> Option<String> {
        self.error
            .is_visible()
            .then(|| self.error.label().to_string())
    }

    pub fn set_text(&self, xml: &str) {
        self.highlight();
        self.buffer.set_text(xml);
    }

    pub fn text(&self) -> String {
        text_of(&self.buffer)
    }

    pub fn save_button(&self) -> &gtk::Button {
        &self.save
    }
}

impl XmlPage {
    /// XML highlighting, light or dark like the rest of the window; once.
    fn highlight(&self) {
        if self.highlighted.replace(true) {
            return;
        }
        if let Some(xml) = sourceview5::LanguageManager::default().language("xml") {
            self.source_buffer.set_language(Some(&xml));
        }
        self.source_buffer.set_highlight_syntax(true);
        follow_color_scheme(&self.source_buffer);
    }
}

/// Light or dark highlighting, following libadwaita's style (and the system's).
fn follow_color_scheme(buffer: &sourceview5::Buffer) {
    let apply = {
        let buffer = buffer.downgrade();
        move |manager: &adw::StyleManager| {
            let name = if manager.is_dark() {
                "Adwaita-dark"
            } else {
                "Adwaita"
            };
            if let (Some(buffer), Some(scheme)) = (
                buffer.upgrade(),
                sourceview5::StyleSchemeManager::default().scheme(name),
            ) {
                buffer.set_style_scheme(Some(&scheme));
            }
        }
    };
    let manager = adw::StyleManager::default();
    apply(&manager);
    manager.connect_dark_notify(apply);
}

fn text_of(b: &gtk::TextBuffer) -> String {
    b.text(&b.start_iter(), &b.end_iter(), false).to_string()
}
