//! What the Networks and Storage pages share: the context their rows act through
//! (host handle, toaster), and the toolbar, column and row-heading pieces.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use adw::prelude::*;

use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// What every row's actions need: the host shown and where to report.
#[derive(Clone)]
pub struct PageCtx {
    pub handle: Rc<RefCell<Option<ConnectionHandle>>>,
    pub toaster: Toaster,
    /// Bumped when another host is shown, so late answers for the old one are dropped.
    pub generation: Rc<Cell<u64>>,
}

impl PageCtx {
    pub fn new(toaster: Toaster) -> Self {
        PageCtx {
            handle: Rc::default(),
            toaster,
            generation: Rc::default(),
        }
    }

    pub fn handle(&self) -> Option<ConnectionHandle> {
        self.handle.borrow().clone()
    }

    /// Runs `job` on the worker and `done` on the GTK thread, unless the page has
    /// moved on to another host meanwhile.
    pub fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce(&virt::connect::Connect) -> Result<R, UserError> + Send + 'static,
        done: impl FnOnce(Result<R, UserError>) + 'static,
    ) {
        let Some(h) = self.handle() else { return };
        let generation = self.generation.clone();
        let now = generation.get();
        h.run(
            job,
            on_main(move |r| {
                if generation.get() == now {
                    done(r);
                }
            }),
        );
    }

    /// Runs an action and toasts its failure (or `ok_text` on success).
    pub fn act(
        &self,
        job: impl FnOnce(&virt::connect::Connect) -> Result<(), UserError> + Send + 'static,
        ok_text: Option<String>,
        then: impl FnOnce() + 'static,
    ) {
        let toaster = self.toaster.clone();
        self.run(job, move |r| {
            match r {
                Ok(()) => {
                    if let Some(t) = ok_text {
                        toaster.show(t);
                    }
                }
                Err(e) => toaster.show(e.message),
            }
            then();
        });
    }
}

/// A button with an icon and a label.
pub fn labelled_button(icon: &str, label: &str) -> gtk::Button {
    gtk::Button::builder()
        .child(
            &adw::ButtonContent::builder()
                .icon_name(icon)
                .label(label)
                .use_underline(true)
                .build(),
        )
        .build()
}

/// The bar above a page's list: a heading and the page's main button.
pub fn toolbar(heading: &str, buttons: &[&gtk::Button]) -> gtk::Box {
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    let title = gtk::Label::builder()
        .label(heading)
        .xalign(0.0)
        .hexpand(true)
        .build();
    title.add_css_class("title-4");
    bar.append(&title);
    for b in buttons {
        bar.append(*b);
    }
    bar
}

/// A scrolled, clamped column holding `bar` and `list`.
pub fn page_column(bar: &gtk::Box, list: &gtk::ListBox) -> gtk::ScrolledWindow {
    let column = gtk::Box::new(gtk::Orientation::Vertical, 12);
    column.append(bar);
    column.append(list);
    let clamp = adw::Clamp::builder()
        .child(&column)
        .maximum_size(960)
        .build();
    clamp.set_margin_top(18);
    clamp.set_margin_bottom(18);
    clamp.set_margin_start(12);
    clamp.set_margin_end(12);
    gtk::ScrolledWindow::builder()
        .child(&clamp)
        .vexpand(true)
        .hscrollbar_policy(gtk::PolicyType::Never)
        .build()
}

/// Names the expander's own header row too, so it can be found like a plain row.
pub fn name_header(row: &adw::ExpanderRow, name: &str) {
    if let Some(header) = find_action_row(row.upcast_ref()) {
        header.set_widget_name(name);
    }
}

pub fn find_action_row(w: &gtk::Widget) -> Option<adw::ActionRow> {
    let mut child = w.first_child();
    while let Some(c) = child {
        if let Some(r) = c.downcast_ref::<adw::ActionRow>() {
            return Some(r.clone());
        }
        if let Some(found) = find_action_row(&c) {
            return Some(found);
        }
        child = c.next_sibling();
    }
    None
}
