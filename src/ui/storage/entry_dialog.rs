//! A dialog with one entry (and optionally one drop-down): the new size for a resize,
//! the name and format of a clone, the name of an uploaded file. The check runs on
//! the worker; its message appears under the entry.

use std::rc::Rc;

use adw::prelude::*;

use crate::core::error::UserError;
use crate::core::storage::volume_ops::CreateError;
use crate::ui::networks::form::{combo_row, Dialog, Field};
use crate::ui::panel::PageCtx;

/// What the worker answers: `Ok` closes the dialog and hands the value to `done`.
pub type Check<T> = dyn Fn(&virt::connect::Connect, &str) -> Result<T, CreateError> + Send + Sync;

/// The optional drop-down: its title, its items, per item a note shown under it
/// (none when `notes` is empty), and per item the text the entry suggests (a copy's
/// name with the chosen format's extension; unused when empty). A suggestion
/// replaces the entry's text only while the person has not changed it.
pub struct Choice<'a> {
    pub title: &'a str,
    pub items: &'a [String],
    pub notes: &'a [String],
    pub suggestions: &'a [String],
}

#[allow(clippy::too_many_arguments)]
pub fn open<T: Send + 'static>(
    parent: &impl IsA<gtk::Widget>,
    ctx: &PageCtx,
    widget_name: &str,
    title: &str,
    ok_label: &str,
    field_title: &str,
    initial: &str,
    choice: Option<Choice>,
    check: Rc<dyn Fn(u32) -> Box<Check<T>>>,
    done: impl Fn(T) + 'static,
) -> adw::Window {
    let dialog = Rc::new(Dialog::new(parent, title, ok_label));
    dialog.window.set_widget_name(widget_name);
    dialog.window.set_default_size(500, 260);
    let group = dialog.group("");
    let field = Field::new(&group, field_title, "value").with_text(initial);
    let combo = choice.map(|choice| {
        let c = combo_row(&group, choice.title, choice.items);
        c.set_widget_name("choice");
        if !choice.notes.is_empty() {
            // Under the group, not as the row's subtitle: the row keeps its width
            // for the chosen item.
            let note = gtk::Label::builder()
                .wrap(true)
                .xalign(0.0)
                .margin_start(6)
                .margin_end(6)
                .build();
            note.add_css_class("dim-label");
            note.set_widget_name("choice-note");
            dialog.group("").add(&note);
            let notes = choice.notes.to_vec();
            let show = move |c: &adw::ComboRow| {
                note.set_label(notes.get(c.selected() as usize).map_or("", String::as_str));
            };
            show(&c);
            c.connect_selected_notify(show);
        }
        if !choice.suggestions.is_empty() {
            let (suggestions, entry) = (choice.suggestions.to_vec(), field.row.clone());
            c.connect_selected_notify(move |c| {
                let Some(next) = suggestions.get(c.selected() as usize) else {
                    return;
                };
                if suggestions.iter().any(|s| *s == entry.text()) {
                    entry.set_text(next);
                }
            });
        }
        c
    });
    let (d, ctx, done) = (dialog.clone(), ctx.clone(), Rc::new(done));
    dialog.ok.connect_clicked(move |_| {
        field.set_error(None);
        d.show_error(None);
        d.busy(true);
        let text = field.text();
        let job = check(combo.as_ref().map_or(0, |c| c.selected()));
        let (d2, field2, done) = (d.clone(), field.clone(), done.clone());
        ctx.run(
            move |conn| Ok(job(conn, &text)),
            move |r: Result<Result<T, CreateError>, UserError>| {
                d2.busy(false);
                match r.unwrap_or_else(|e| Err(CreateError::Libvirt(e))) {
                    Ok(v) => {
                        d2.close();
                        done(v);
                    }
                    Err(CreateError::Fields(errors)) => {
                        field2.set_error(errors.first().map(|e| e.message.as_str()))
                    }
                    Err(CreateError::Libvirt(e)) => d2.show_error(Some(&e.message)),
                }
            },
        );
    });
    dialog.present();
    dialog.window.clone()
}
