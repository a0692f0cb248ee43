//! The Snapshots tab: the tree with the current one marked, and take, revert and
//! delete — the destructive two after a confirmation that says what is lost.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::snapshots::{SnapshotInfo, SnapshotKind};
use crate::ui::progress::Activity;

/// What the page asks the view to do on the worker.
pub enum SnapshotRequest {
    Create {
        name: String,
        description: String,
        kind: SnapshotKind,
    },
    Revert(String),
    Delete(String),
}

pub struct SnapshotsPage {
    pub root: gtk::Box,
    list: gtk::ListBox,
    empty: adw::StatusPage,
    pub name: gtk::Entry,
    pub description: gtk::Entry,
    pub external: gtk::CheckButton,
    pub take: gtk::Button,
    /// While a snapshot job runs: what it is, a bar, and Cancel or why there is none.
    pub activity: Rc<Activity>,
    form: gtk::Box,
    error: gtk::Label,
    pub shown: Rc<RefCell<Vec<SnapshotInfo>>>,
    on_request: Rc<dyn Fn(SnapshotRequest)>,
}

impl SnapshotsPage {
    pub fn new(on_request: Rc<dyn Fn(SnapshotRequest)>) -> Rc<Self> {
        let name = gtk::Entry::builder()
            .placeholder_text(gettext("Snapshot name"))
            .hexpand(true)
            .build();
        name.update_property(&[gtk::accessible::Property::Label(&gettext("Snapshot name"))]);
        let description = gtk::Entry::builder()
            .placeholder_text(gettext("Description (optional)"))
            .hexpand(true)
            .build();
        description.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Snapshot description",
        ))]);
        let external =
            gtk::CheckButton::with_label(&gettext("Disks only, into new overlay files (external)"));
        let take = gtk::Button::with_label(&gettext("Take Snapshot"));
        take.add_css_class("suggested-action");
        let error = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .visible(false)
            .build();
        error.add_css_class("error");
        let form = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        form.append(&name);
        form.append(&description);
        form.append(&take);
        let list = gtk::ListBox::builder()
            .selection_mode(gtk::SelectionMode::None)
            .build();
        list.add_css_class("boxed-list");
        list.update_property(&[gtk::accessible::Property::Label(&gettext("Snapshots"))]);
        let empty = adw::StatusPage::builder()
            .icon_name("camera-photo-symbolic")
            .title(gettext("No Snapshots"))
            .description(gettext(
                "A snapshot keeps the machine's disks as they are now, to come back to later.",
            ))
            .build();
        let inner = gtk::Box::new(gtk::Orientation::Vertical, 12);
        inner.set_margin_top(18);
        inner.set_margin_bottom(18);
        inner.set_margin_start(12);
        inner.set_margin_end(12);
        let activity = Activity::new();
        activity.root.set_widget_name("snapshot-activity");
        inner.append(&form);
        inner.append(&external);
        inner.append(&activity.root);
        inner.append(&error);
        inner.append(&list);
        inner.append(&empty);
        let clamp = adw::Clamp::builder()
            .child(&inner)
            .maximum_size(900)
            .build();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&clamp)
            .vexpand(true)
            .build();
        let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
        root.append(&scroller);
        let page = Rc::new(SnapshotsPage {
            root,
            list,
            empty,
            name,
            description,
            external,
            take,
            activity,
            form,
            error,
            shown: Rc::default(),
            on_request,
        });
        {
            let weak = Rc::downgrade(&page);
            page.take.connect_clicked(move |_| {
                if let Some(p) = weak.upgrade() {
                    p.take_snapshot();
                }
            });
        }
        {
            let weak = Rc::downgrade(&page);
            page.name.connect_activate(move |_| {
                if let Some(p) = weak.upgrade() {
                    p.take_snapshot();
                }
            });
        }
        page.show(&[]);
        page
    }

    /// While a job runs nothing else may be asked: one snapshot job at a time.
    pub fn begin(&self, what: &str) {
        self.activity.start(what);
        self.set_sensitive(false);
    }

    pub fn end(&self) {
        self.activity.finish();
        self.set_sensitive(true);
    }

    fn set_sensitive(&self, on: bool) {
        self.form.set_sensitive(on);
        self.external.set_sensitive(on);
        self.list.set_sensitive(on);
    }

    fn take_snapshot(&self) {
        if self.activity.is_running() {
            return;
        }
        let name = self.name.text().trim().to_string();
        // The same rule the core applies, shown at the field before anything runs.
        if let Err(e) = crate::core::snapshots::check_name(&name, &self.shown.borrow()) {
            self.show_error(Some(&e.message));
            return;
        }
        self.show_error(None);
        (self.on_request)(SnapshotRequest::Create {
            name,
            description: self.description.text().to_string(),
            kind: if self.external.is_active() {
                SnapshotKind::ExternalDiskOnly
            } else {
                SnapshotKind::Internal
            },
        });
    }

    pub fn show_error(&self, message: Option<&str>) {
        self.error.set_label(message.unwrap_or_default());
        self.error.set_visible(message.is_some());
    }

    /// After a successful take: clear the form.
    pub fn taken(&self) {
        self.name.set_text("");
        self.description.set_text("");
        self.show_error(None);
    }

    pub fn show(self: &Rc<Self>, snapshots: &[SnapshotInfo]) {
        while let Some(row) = self.list.first_child() {
            self.list.remove(&row);
        }
        for s in snapshots {
            self.list.append(&self.row(s));
        }
        self.list.set_visible(!snapshots.is_empty());
        self.empty.set_visible(snapshots.is_empty());
        self.shown.replace(snapshots.to_vec());
    }

    fn row(self: &Rc<Self>, s: &SnapshotInfo) -> adw::ActionRow {
        let when = glib::DateTime::from_unix_local(s.created)
            .and_then(|d| d.format("%Y-%m-%d %H:%M"))
            .map(|t| t.to_string())
            .unwrap_or_default();
        let mut facts = vec![when, s.state.clone()];
        if s.external {
            facts.push(gettext("external"));
        }
        if !s.description.is_empty() {
            facts.push(s.description.clone());
        }
        facts.retain(|f| !f.is_empty());
        let row = adw::ActionRow::builder()
            .title(glib::markup_escape_text(&s.name))
            .subtitle(glib::markup_escape_text(&facts.join(" · ")))
            .build();
        row.set_widget_name(&s.name);
        // The tree, drawn as indentation.
        row.set_margin_start(24 * s.depth as i32);
        if s.current {
            let current = gtk::Label::new(Some(&gettext("current")));
            current.add_css_class("accent");
            row.add_suffix(&current);
        }
        for (label, destructive, make) in [
            (
                gettext("Revert"),
                false,
                SnapshotRequest::Revert as fn(String) -> SnapshotRequest,
            ),
            (
                gettext("Delete"),
                true,
                SnapshotRequest::Delete as fn(String) -> SnapshotRequest,
            ),
        ] {
            let button = gtk::Button::builder()
                .label(&label)
                .valign(gtk::Align::Center)
                .build();
            button.update_property(&[gtk::accessible::Property::Label(&format!(
                "{label} {}",
                s.name
            ))]);
            if destructive {
                button.add_css_class("destructive-action");
            }
            let weak = Rc::downgrade(self);
            let name = s.name.clone();
            button.connect_clicked(move |b| {
                if let Some(p) = weak.upgrade() {
                    p.confirm(b, make(name.clone()));
                }
            });
            row.add_suffix(&button);
        }
        row
    }

    /// Reverting loses what happened since; deleting loses the way back. Say so first.
    fn confirm(&self, anchor: &gtk::Button, request: SnapshotRequest) {
        let (heading, body, verb) = match &request {
            SnapshotRequest::Revert(n) => (
                gettext("Revert to “{name}”?").replace("{name}", n),
                gettext("The machine's disks, and its memory if the snapshot has it, go back to that moment. Everything written since then is lost."),
                gettext("Revert"),
            ),
            SnapshotRequest::Delete(n) => (
                gettext("Delete snapshot “{name}”?").replace("{name}", n),
                gettext("You can no longer go back to this moment. The machine keeps its current state, and images other layers need are kept."),
                gettext("Delete"),
            ),
            SnapshotRequest::Create { .. } => return (self.on_request)(request),
        };
        let dialog = adw::MessageDialog::builder()
            .heading(heading)
            .body(body)
            .modal(true)
            .build();
        if let Some(w) = anchor.root().and_downcast::<gtk::Window>() {
            dialog.set_transient_for(Some(&w));
        }
        dialog.add_response("cancel", &gettext("Cancel"));
        dialog.add_response("go", &verb);
        dialog.set_response_appearance("go", adw::ResponseAppearance::Destructive);
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let on_request = self.on_request.clone();
        let request = RefCell::new(Some(request));
        dialog.connect_response(None, move |_, response| {
            if response == "go" {
                if let Some(r) = request.borrow_mut().take() {
                    on_request(r);
                }
            }
        });
        dialog.present();
    }
}
