//! The details of one machine: a back button, its name, and three pages. It reads
//! everything in one worker job, and reads again when libvirt reports a change to the
//! machine (a lifecycle, device or metadata event), whoever made it.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware::{HardwarePage, HardwareRequest};
use super::overview::{OverviewPage, OverviewRequest};
use super::snapshots::{SnapshotRequest, SnapshotsPage};
use super::xml_page::XmlPage;
use crate::core::details::{self, DomainDetails};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

struct Shown {
    handle: ConnectionHandle,
    uuid: String,
    name: String,
}

pub struct DetailsView {
    pub root: gtk::Box,
    pub back: gtk::Button,
    pub delete: gtk::Button,
    title: gtk::Label,
    pub overview: OverviewPage,
    pub hardware: Rc<RefCell<HardwarePage>>,
    pub xml: Rc<XmlPage>,
    pub snapshots: Rc<SnapshotsPage>,
    /// The console tab's view, alive only while that tab is shown.
    pub console: RefCell<Option<crate::ui::console::ConsoleView>>,
    console_slot: gtk::Box,
    console_uuid: RefCell<Option<String>>,
    stack: adw::ViewStack,
    shown: Rc<RefCell<Option<Shown>>>,
    /// The last details read, for tests and for pages that need them later.
    pub last: Rc<RefCell<Option<DomainDetails>>>,
    toaster: Toaster,
}

impl DetailsView {
    pub fn new(toaster: Toaster) -> Rc<Self> {
        Rc::new_cyclic(|weak: &std::rc::Weak<DetailsView>| {
            let back = gtk::Button::from_icon_name("go-previous-symbolic");
            back.set_tooltip_text(Some(&gettext("Back to the list")));
            back.update_property(&[gtk::accessible::Property::Label(&gettext("Back"))]);
            let title = gtk::Label::builder().xalign(0.0).hexpand(true).build();
            title.add_css_class("title-2");
            let stack = crate::ui::page_stack::new_view_stack();
            let switcher = adw::ViewSwitcher::builder()
                .stack(&stack)
                .policy(adw::ViewSwitcherPolicy::Wide)
                .build();
            let header = gtk::Box::new(gtk::Orientation::Horizontal, 12);
            header.set_margin_top(6);
            header.set_margin_bottom(6);
            header.set_margin_start(6);
            header.set_margin_end(6);
            header.append(&back);
            header.append(&title);
            header.append(&switcher);
            let delete = gtk::Button::from_icon_name("user-trash-symbolic");
            delete.set_tooltip_text(Some(&gettext("Delete Machine…")));
            delete.update_property(&[gtk::accessible::Property::Label(&gettext("Delete Machine"))]);
            header.append(&delete);

            let request = {
                let weak = weak.clone();
                Rc::new(move |r: OverviewRequest| {
                    if let Some(me) = weak.upgrade() {
                        me.run_request(r);
                    }
                }) as Rc<dyn Fn(OverviewRequest)>
            };
            let overview = OverviewPage::new(request);
            let hardware_request = {
                let weak = weak.clone();
                Rc::new(move |r: HardwareRequest| {
                    if let Some(me) = weak.upgrade() {
                        me.hardware_request(r);
                    }
                }) as super::hardware::RequestFn
            };
            let hardware = Rc::new(RefCell::new(HardwarePage::new(hardware_request)));
            let save = {
                let weak = weak.clone();
                Rc::new(move |xml: String| {
                    if let Some(me) = weak.upgrade() {
                        me.save_xml(xml);
                    }
                }) as Rc<dyn Fn(String)>
            };
            let xml = Rc::new(XmlPage::new(save));
            let snapshot_request = {
                let weak = weak.clone();
                Rc::new(move |r: SnapshotRequest| {
                    if let Some(me) = weak.upgrade() {
                        me.run_snapshot(r);
                    }
                }) as Rc<dyn Fn(SnapshotRequest)>
            };
            let snapshots = SnapshotsPage::new(snapshot_request);
            stack.add_titled_with_icon(
                &overview.root,
                Some("overview"),
                &gettext("Overview"),
                "dialog-information-symbolic",
            );
            stack.add_titled_with_icon(
                &hardware.borrow().root,
                Some("hardware"),
                &gettext("Hardware"),
                "drive-harddisk-symbolic",
            );
            let console_slot = gtk::Box::new(gtk::Orientation::Vertical, 0);
            console_slot.set_vexpand(true);
            stack.add_titled_with_icon(
                &console_slot,
                Some("console"),
                &gettext("Console"),
                "utilities-terminal-symbolic",
            );
            {
                let weak = weak.clone();
                stack.connect_visible_child_name_notify(move |_| {
                    if let Some(me) = weak.upgrade() {
                        me.sync_console();
                    }
                });
            }
            stack.add_titled_with_icon(
                &snapshots.root,
                Some("snapshots"),
                &gettext("Snapshots"),
                "camera-photo-symbolic",
            );
            stack.add_titled_with_icon(
                &xml.root,
                Some("xml"),
                &gettext("XML"),
                "text-x-generic-symbolic",
            );
            stack.set_vexpand(true);

            let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
            root.append(&header);
            root.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
            root.append(&stack);
            DetailsView {
                root,
                back,
                delete,
                title,
                overview,
                hardware,
                xml,
                snapshots,
                console: RefCell::new(None),
                console_slot,
                console_uuid: RefCell::new(None),
                stack: stack.clone(),
                shown: Rc::default(),
                last: Rc::default(),
                toaster,
            }
        })
    }

    /// Shows the machine with `uuid` on `handle`'s host and reads its details.
    pub fn show(self: &Rc<Self>, handle: &ConnectionHandle, uuid: &str, name: &str) {
        self.title.set_label(name);
        self.shown.replace(Some(Shown {
            handle: handle.clone(),
            uuid: uuid.into(),
            name: name.into(),
        }));
        self.last.replace(None);
        self.overview.clear_graphs();
        self.sync_console();
        self.refresh();
    }

    /// A new statistics sample for the shown machine.
    pub fn push_rates(&self, rates: &crate::core::stats::Rates) {
        self.overview.push_rates(rates);
    }

    /// The shown machine's host and UUID, for a job about it.
    fn target(&self) -> Option<(ConnectionHandle, String)> {
        self.shown
            .borrow()
            .as_ref()
            .map(|s| (s.handle.clone(), s.uuid.clone()))
    }

    pub fn shown_uuid(&self) -> Option<String> {
        self.shown.borrow().as_ref().map(|s| s.uuid.clone())
    }

    pub fn hide(&self) {
        self.shown.replace(None);
        self.sync_console();
    }

    /// Opens the console while its tab shows the machine, and closes it otherwise, so a
    /// stream is held only while someone looks at it.
    fn sync_console(&self) {
        let wanted = (self.stack.visible_child_name().as_deref() == Some("console"))
            .then(|| {
                self.shown
                    .borrow()
                    .as_ref()
                    .map(|s| (s.handle.clone(), s.uuid.clone(), s.name.clone()))
            })
            .flatten();
        let mut current = self.console.borrow_mut();
        if let Some(view) = current.as_ref() {
            let same = wanted.as_ref().is_some_and(|(_, uuid, _)| {
                self.console_uuid.borrow().as_deref() == Some(uuid.as_str())
            });
            if same {
                return;
            }
            view.close();
            self.console_slot.remove(view.widget());
            self.console_slot.remove(view.controls());
            *current = None;
        }
        if let Some((handle, uuid, name)) = wanted {
            let view = crate::ui::console::ConsoleView::new(handle, &uuid, &name);
            self.console_slot.append(view.controls());
            self.console_slot.append(view.widget());
            self.console_uuid.replace(Some(uuid));
            *current = Some(view);
        }
    }

    /// Reads the details again (after an event for this machine).
    pub fn refresh(self: &Rc<Self>) {
        let Some((handle, uuid)) = self.target() else {
            return;
        };
        let weak = Rc::downgrade(self);
        let asked_for = uuid.clone();
        handle.run(
            move |conn| details::fetch(conn, &uuid),
            on_main(move |result: Result<DomainDetails, UserError>| {
                let Some(me) = weak.upgrade() else { return };
                // The person may have moved on to another machine meanwhile.
                if me.shown_uuid().as_deref() != Some(asked_for.as_str()) {
                    return;
                }
                match result {
                    Ok(d) => me.fill(d),
                    Err(e) => me.toaster.show(e.message),
                }
                me.refresh_snapshots();
            }),
        );
    }

    /// Lists the snapshots again (after the details, or after a snapshot change).
    fn refresh_snapshots(self: &Rc<Self>) {
        let Some((handle, uuid)) = self.target() else {
            return;
        };
        let weak = Rc::downgrade(self);
        let asked = uuid.clone();
        handle.run(
            move |conn| crate::core::snapshots::list(&conn.lookup_domain_by_uuid_string(&uuid)?),
            on_main(
                move |result: Result<Vec<crate::core::snapshots::SnapshotInfo>, UserError>| {
                    let Some(me) = weak.upgrade() else { return };
                    if me.shown_uuid().as_deref() != Some(asked.as_str()) {
                        return;
                    }
                    match result {
                        Ok(list) => me.snapshots.show(&list),
                        // Drivers without snapshots say so on the page.
                        Err(e) => me.snapshots.show_error(Some(&e.message)),
                    }
                },
            ),
        );
    }

    fn run_snapshot(self: &Rc<Self>, request: SnapshotRequest) {
        let Some((handle, uuid)) = self.target() else {
            return;
        };
        let created = matches!(request, SnapshotRequest::Create { .. });
        let weak = Rc::downgrade(self);
        super::snapshot_run::run(&self.snapshots, &handle, uuid, request, move |result| {
            let Some(me) = weak.upgrade() else { return };
            match result {
                Ok(()) if created => me.snapshots.taken(),
                Ok(()) => me.snapshots.show_error(None),
                Err(e) => me.snapshots.show_error(Some(&e.message)),
            }
            me.refresh_snapshots();
            me.refresh();
        });
    }

    /// Opens the dialog for (or carries out) a hardware change; the details are read
    /// again after it, whatever events it raised.
    fn hardware_request(self: &Rc<Self>, request: HardwareRequest) {
        let Some((handle, uuid)) = self.target() else {
            return;
        };
        let Some(parent) = self.root.root().and_downcast::<gtk::Window>() else {
            return;
        };
        let weak = Rc::downgrade(self);
        let done = Rc::new(move || {
            if let Some(me) = weak.upgrade() {
                me.refresh();
            }
        });
        super::hardware_actions::run(&parent, handle, uuid, request, self.toaster.clone(), done);
    }

    fn fill(&self, d: DomainDetails) {
        self.title.set_label(&d.summary.name);
        self.overview.show(&d);
        self.hardware.borrow_mut().show(&d);
        self.xml.show(&d.config_xml);
        self.last.replace(Some(d));
    }

    fn run_request(self: &Rc<Self>, request: OverviewRequest) {
        let Some((handle, uuid)) = self.target() else {
            return;
        };
        let weak = Rc::downgrade(self);
        handle.run(
            move |conn| {
                let dom = conn.lookup_domain_by_uuid_string(&uuid)?;
                match request {
                    OverviewRequest::Autostart(on) => details::set_autostart(&dom, on),
                    OverviewRequest::Vcpus(n, when) => details::set_vcpus(&dom, n, when),
                    OverviewRequest::MemoryMib(mib, when) => {
                        details::set_memory(&dom, mib * 1024, when)
                    }
                }
            },
            on_main(move |result: Result<(), UserError>| {
                let Some(me) = weak.upgrade() else { return };
                if let Err(e) = result {
                    me.toaster.show(e.message);
                }
                // Not every setting raises an event (autostart does not): read again.
                me.refresh();
            }),
        );
    }

    fn save_xml(self: &Rc<Self>, xml: String) {
        let Some((handle, uuid, name)) = self
            .shown
            .borrow()
            .as_ref()
            .map(|s| (s.handle.clone(), s.uuid.clone(), s.name.clone()))
        else {
            return;
        };
        let weak = Rc::downgrade(self);
        handle.run(
            move |conn| details::define_edited_xml(conn, &uuid, &name, &xml),
            on_main(move |result: Result<(), UserError>| {
                let Some(me) = weak.upgrade() else { return };
                match result {
                    Ok(()) => {
                        me.xml.saved(None);
                        me.toaster.show(gettext("Configuration saved"));
                        me.refresh();
                    }
                    Err(e) => me.xml.saved(Some(&e.message)),
                }
            }),
        );
    }
}
