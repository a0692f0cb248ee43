//! The main window: connections on the left, the selected host's machines on the right,
//! power actions in the header bar. Every change arrives as a worker update.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

use super::host_content::HostContent;
use super::host_view::HostView;
use super::load_report::LoadReport;
use super::machines::machine_list::MachineList;
use super::machines::page::MachinesPage;
use super::machines::power_actions::PowerActions;
use super::networks::page::NetworksPage;
use super::row_trace::RowTrace;
use super::storage::page::StoragePage;
use super::toaster::Toaster;
use crate::core::domain_action::DomainAction;
use crate::core::error::UserError;
use crate::core::store::{ConnectionStatus, StoreChange};
use crate::core::worker::{ConnectionHandle, ConnectionSpec, WorkerEvent};
use crate::settings::AppSettings;

/// What the window starts with. The workers are already running (they were started
/// before GTK, so connecting overlaps GTK's start-up); their updates wait in `updates`.
pub struct AppInit {
    /// Opens more connections later (Add Connection).
    pub connector: super::Connector,
    pub hosts: Vec<ConnectionHandle>,
    pub updates: async_channel::Receiver<WorkerEvent>,
    pub settings: AppSettings,
    /// Print the load line and quit once everything is listed and drawn.
    pub quit_after_load: bool,
}

#[derive(Debug)]
pub enum AppMsg {
    /// Updates from the workers, batched as they queued up.
    Worker(Vec<WorkerEvent>),
    HostSelected(usize),
    SelectionChanged,
    /// A row was activated (double click, Enter): open that machine's details.
    OpenDetails(u32),
    CloseDetails,
    /// Open the details of a machine by UUID (a machine just created).
    OpenDetailsOf {
        uuid: String,
        name: String,
    },
    Power(DomainAction),
    /// After the person confirmed a destructive action.
    PowerConfirmed(DomainAction),
    ShowAbout,
    ShowShortcuts,
    ShowPreferences,
    /// Time to sample statistics of the selected host's running machines.
    StatsTick,
    StatsSampled {
        connection: crate::core::model::ConnectionId,
        result: Result<Vec<crate::core::stats::DomainSample>, UserError>,
    },
    /// Every machine of a power action has answered.
    ActionsDone {
        action: DomainAction,
        results: Vec<(String, Result<(), UserError>)>,
    },
    Reconnect,
    ShowAddConnection,
    /// Ctrl+F.
    Search,
    OpenConsole,
    NewMachine,
    CloneTemplate,
    MarkTemplate(bool),
    /// Delete key, or the details' Delete button: delete the selected machine.
    DeleteSelected,
    AddConnection {
        uri: String,
        autoconnect: bool,
    },
    RemoveSelectedConnection,
    Close,
}

pub struct App {
    pub hosts: Vec<HostView>,
    pub selected_host: usize,
    pub machines: MachinesPage,
    pub networks: NetworksPage,
    pub storage: StoragePage,
    pub host_page: std::rc::Rc<super::host::page::HostPage>,
    pub power: PowerActions,
    pub console_button: gtk::Button,
    content: HostContent,
    pub toaster: Toaster,
    row_trace: Option<RowTrace>,
    title: adw::ViewSwitcherTitle,
    sidebar: gtk::ListBox,
    load_report: Option<LoadReport>,
    connector: super::Connector,
    pub settings: AppSettings,
    stats: crate::core::stats::RateTracker,
    stats_in_flight: bool,
}

pub struct AppWidgets {}

impl Component for App {
    type CommandOutput = ();
    type Input = AppMsg;
    type Output = ();
    type Init = AppInit;
    type Root = adw::ApplicationWindow;
    type Widgets = AppWidgets;

    fn init_root() -> Self::Root {
        let window = adw::ApplicationWindow::builder()
            .title(gettext("Hangar"))
            .default_width(1000)
            .default_height(640)
            .build();
        // The development build wears GNOME's striped header bar, to tell it apart.
        if crate::config::is_devel() {
            window.add_css_class("devel");
        }
        window
    }

    fn init(
        init: AppInit,
        window: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let toasts = adw::ToastOverlay::new();
        let toaster = Toaster::new(&toasts);
        let machines = MachinesPage::new(toaster.clone());
        let networks = NetworksPage::new(toaster.clone());
        let storage = StoragePage::new(toaster.clone());
        let host_page = super::host::page::HostPage::new();
        let content = {
            let sender = sender.clone();
            HostContent::new(move || sender.input(AppMsg::Reconnect))
        };
        content.add_page(
            &machines.root,
            "machines",
            &gettext("Machines"),
            "computer-symbolic",
        );
        content.add_page(
            &networks.root,
            "networks",
            &gettext("Networks"),
            "network-workgroup-symbolic",
        );
        content.add_page(
            &storage.root,
            "storage",
            &gettext("Storage"),
            "drive-harddisk-symbolic",
        );
        content.add_page(
            &host_page.root,
            "host",
            &gettext("Host"),
            "network-server-symbolic",
        );
        let power = {
            let sender = sender.clone();
            PowerActions::new(move |action| sender.input(AppMsg::Power(action)))
        };
        let title = adw::ViewSwitcherTitle::builder()
            .title(gettext("Hangar"))
            .stack(&content.pages)
            .build();
        let header = adw::HeaderBar::builder().title_widget(&title).build();
        header.pack_start(&power.container);
        let console_button = icon_button("utilities-terminal-symbolic", &gettext("Open Console"));
        console_button.remove_css_class("flat");
        console_button.set_sensitive(false);
        {
            let sender = sender.clone();
            console_button.connect_clicked(move |_| sender.input(AppMsg::OpenConsole));
        }
        header.pack_start(&console_button);
        let new_machine = icon_button("list-add-symbolic", &gettext("New Machine"));
        new_machine.remove_css_class("flat");
        {
            let sender = sender.clone();
            new_machine.connect_clicked(move |_| sender.input(AppMsg::NewMachine));
        }
        let clone_button = icon_button("edit-copy-symbolic", &gettext("Clone a Template"));
        clone_button.remove_css_class("flat");
        {
            let sender = sender.clone();
            clone_button.connect_clicked(move |_| sender.input(AppMsg::CloneTemplate));
        }
        let create = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        create.add_css_class("linked");
        create.append(&new_machine);
        create.append(&clone_button);
        header.pack_start(&create);
        header.pack_end(&super::about::primary_menu_button());
        install_actions(&window, &sender);
        // Below the switcher's width the pages move to a bar at the bottom.
        let switcher_bar = adw::ViewSwitcherBar::builder()
            .stack(&content.pages)
            .build();
        title
            .bind_property("title-visible", &switcher_bar, "reveal")
            .build();

        let sidebar = gtk::ListBox::builder()
            .selection_mode(gtk::SelectionMode::Browse)
            .build();
        sidebar.add_css_class("navigation-sidebar");
        sidebar.update_property(&[gtk::accessible::Property::Label(&gettext("Connections"))]);
        let hosts: Vec<HostView> = init.hosts.into_iter().map(HostView::new).collect();
        for host in &hosts {
            sidebar.append(&host.row.row);
        }
        {
            let sender = sender.clone();
            sidebar.connect_row_selected(move |_, row| {
                if let Some(row) = row {
                    sender.input(AppMsg::HostSelected(row.index().max(0) as usize));
                }
            });
        }
        let sidebar_scroll = gtk::ScrolledWindow::builder()
            .child(&sidebar)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .width_request(220)
            .vexpand(true)
            .build();
        let add_connection = icon_button("list-add-symbolic", &gettext("Add Connection"));
        let remove_connection = icon_button("list-remove-symbolic", &gettext("Remove Connection"));
        {
            let sender = sender.clone();
            add_connection.connect_clicked(move |_| sender.input(AppMsg::ShowAddConnection));
        }
        {
            let sender = sender.clone();
            remove_connection
                .connect_clicked(move |_| sender.input(AppMsg::RemoveSelectedConnection));
        }
        let sidebar_actions = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        sidebar_actions.set_margin_top(6);
        sidebar_actions.set_margin_bottom(6);
        sidebar_actions.set_margin_start(6);
        sidebar_actions.append(&add_connection);
        sidebar_actions.append(&remove_connection);
        let sidebar_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        sidebar_box.append(&sidebar_scroll);
        sidebar_box.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
        sidebar_box.append(&sidebar_actions);

        let content_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content_box.append(&content.root);
        content_box.append(&switcher_bar);
        let paned = gtk::Paned::builder()
            .start_child(&sidebar_box)
            .end_child(&content_box)
            .position(240)
            .shrink_start_child(false)
            .resize_start_child(false)
            .vexpand(true)
            .build();
        let layout = gtk::Box::new(gtk::Orientation::Vertical, 0);
        layout.append(&header);
        layout.append(&paned);
        toasts.set_child(Some(&layout));
        window.set_content(Some(&toasts));

        {
            let sender = sender.clone();
            machines
                .list
                .selection
                .connect_selection_changed(move |_, _, _| {
                    sender.input(AppMsg::SelectionChanged);
                });
        }
        {
            let sender = sender.clone();
            machines.list.view.connect_activate(move |_, position| {
                sender.input(AppMsg::OpenDetails(position));
            });
        }
        {
            let sender = sender.clone();
            machines
                .details
                .back
                .connect_clicked(move |_| sender.input(AppMsg::CloseDetails));
        }
        {
            let sender = sender.clone();
            machines
                .details
                .delete
                .connect_clicked(move |_| sender.input(AppMsg::DeleteSelected));
        }
        install_shortcuts(&window, &sender);
        {
            // Delete acts on the list only, never while typing in an entry.
            let sender = sender.clone();
            let keys = gtk::ShortcutController::new();
            keys.add_shortcut(gtk::Shortcut::new(
                gtk::ShortcutTrigger::parse_string("Delete"),
                Some(gtk::CallbackAction::new(move |_, _| {
                    sender.input(AppMsg::DeleteSelected);
                    gtk::glib::Propagation::Stop
                })),
            ));
            machines.list.view.add_controller(keys);
        }
        {
            // The tick stops by itself once this window's component is gone.
            let input = sender.input_sender().clone();
            super::stats_ticker::start(init.settings.stats_interval(), move || {
                input.send(AppMsg::StatsTick).is_ok()
            });
        }
        let (width, height, maximized) = init.settings.window_size();
        window.set_default_size(width, height);
        window.set_maximized(maximized);
        {
            let sender = sender.clone();
            let settings = init.settings.clone();
            window.connect_close_request(move |w| {
                let (width, height) = w.default_size();
                settings.save_window_size(width, height, w.is_maximized());
                sender.input(AppMsg::Close);
                gtk::glib::Propagation::Proceed
            });
        }

        // Forward worker updates, draining whatever queued up into one batch so a
        // burst of events costs one update cycle.
        {
            let input = sender.input_sender().clone();
            let updates = init.updates;
            relm4::spawn_local(async move {
                while let Ok(first) = updates.recv().await {
                    let mut batch = vec![first];
                    while let Ok(more) = updates.try_recv() {
                        batch.push(more);
                    }
                    if input.send(AppMsg::Worker(batch)).is_err() {
                        break;
                    }
                }
            });
        }

        let load_report = init.quit_after_load.then(|| LoadReport::new(hosts.len()));
        let mut model = App {
            hosts,
            selected_host: 0,
            machines,
            networks,
            storage,
            host_page,
            power,
            console_button,
            content,
            toaster,
            title,
            sidebar,
            load_report,
            row_trace: RowTrace::from_env(),
            connector: init.connector,
            settings: init.settings,
            stats: Default::default(),
            stats_in_flight: false,
        };
        if let Some(first) = model.sidebar.row_at_index(0) {
            model.sidebar.select_row(Some(&first));
        }
        model.show_host(0);
        ComponentParts {
            model,
            widgets: AppWidgets {},
        }
    }

    fn update(&mut self, msg: AppMsg, sender: ComponentSender<Self>, root: &Self::Root) {
        match msg {
            AppMsg::Worker(batch) => {
                for ev in batch {
                    self.apply(ev);
                }
                self.refresh_selected();
                if let Some(report) = self.load_report.as_mut() {
                    report.check(&self.hosts, root);
                }
            }
            AppMsg::HostSelected(index) => self.show_host(index),
            AppMsg::SelectionChanged => self.refresh_actions(),
            AppMsg::OpenDetails(position) => self.open_details(position),
            AppMsg::CloseDetails => self.machines.close_details(),
            AppMsg::OpenDetailsOf { uuid, name } => {
                if let Some(host) = self.hosts.get(self.selected_host) {
                    self.machines.open_details(&host.handle, &uuid, &name);
                }
            }
            AppMsg::Power(DomainAction::ForceOff) if self.settings.confirm_force_off() => {
                self.confirm_force_off(root, &sender)
            }
            AppMsg::Power(action) | AppMsg::PowerConfirmed(action) => {
                self.run_power_action(action, &sender)
            }
            AppMsg::StatsTick => self.sample_stats(root, &sender),
            AppMsg::StatsSampled { connection, result } => self.show_stats(connection, result),
            AppMsg::ShowAbout => super::about::show_about(root),
            AppMsg::ShowPreferences => super::preferences::show(root, &self.settings),
            AppMsg::ShowShortcuts => super::about::show_shortcuts(root),
            AppMsg::ActionsDone { action, results } => {
                if let Some(text) = super::machines::power_summary::summary(action, &results) {
                    self.toaster.show(text);
                }
            }
            AppMsg::Reconnect => {
                if let Some(host) = self.hosts.get(self.selected_host) {
                    host.handle.reconnect();
                }
            }
            AppMsg::ShowAddConnection => {
                let sender = sender.clone();
                let dialog = super::connections::add_dialog::AddConnectionDialog::new(
                    root,
                    move |uri, autoconnect| {
                        sender.input(AppMsg::AddConnection { uri, autoconnect });
                    },
                );
                dialog.present();
            }
            AppMsg::Search => self.machines.start_search(),
            AppMsg::NewMachine => self.new_machine(root, &sender),
            AppMsg::CloneTemplate => {
                if let Some(host) = self.hosts.get(self.selected_host) {
                    // A selected template is the natural starting point.
                    let chosen = match self.machines.list.selected().as_slice() {
                        [one] => Some(one.uuid()),
                        _ => None,
                    };
                    super::wizards::clone_wizard::CloneWizard::open(
                        root,
                        host.handle.clone(),
                        chosen,
                        self.toaster.clone(),
                    );
                }
            }
            AppMsg::MarkTemplate(mark) => {
                if let (Some(host), [one]) = (
                    self.hosts.get(self.selected_host),
                    self.machines.list.selected().as_slice(),
                ) {
                    let uuid = one.uuid();
                    if mark {
                        super::wizards::template_actions::mark_template(
                            &host.handle,
                            &uuid,
                            self.toaster.clone(),
                        );
                    } else {
                        super::wizards::template_actions::unmark_template(
                            &host.handle,
                            &uuid,
                            self.toaster.clone(),
                        );
                    }
                } else {
                    self.toaster.show(gettext("Select one machine first"));
                }
            }
            AppMsg::OpenConsole => {
                if let (Some(host), [one]) = (
                    self.hosts.get(self.selected_host),
                    self.machines.list.selected().as_slice(),
                ) {
                    super::console::ConsoleWindow::open(
                        host.handle.clone(),
                        one.uuid(),
                        one.name(),
                    );
                }
            }
            AppMsg::DeleteSelected => self.delete_selected(root.upcast_ref()),
            AppMsg::AddConnection { uri, autoconnect } => self.add_connection(uri, autoconnect),
            AppMsg::RemoveSelectedConnection => self.remove_selected_connection(),
            AppMsg::Close => {
                // Console streams first, then events and connections, before GTK goes away.
                super::console::ConsoleWindow::close_all();
                self.machines.details.hide();
                for host in &self.hosts {
                    host.handle.close();
                }
            }
        }
    }
}

impl App {
    fn apply(&mut self, ev: WorkerEvent) {
        let Some(index) = self.hosts.iter().position(|h| h.handle.id == ev.connection) else {
            return;
        };
        let host = &mut self.hosts[index];
        let change = host.apply(ev.update);
        if index != self.selected_host {
            return;
        }
        match &change {
            StoreChange::Reloaded => {
                self.networks
                    .show(Some(&host.handle), host.store.networks.values());
                self.storage
                    .show(Some(&host.handle), host.store.pools.values());
                self.host_page.show(Some(&host.handle));
            }
            StoreChange::DomainChanged(uuid) | StoreChange::DomainAdded(uuid) => {
                if let (Some(trace), Some(d)) = (&self.row_trace, host.store.domains.get(uuid)) {
                    trace.changed(&self.machines.list.view, &d.name, d.state.key());
                }
                if self.machines.details.shown_uuid().as_deref() == Some(uuid.as_str()) {
                    self.machines.details.refresh();
                }
            }
            StoreChange::DomainRemoved(uuid)
                if self.machines.details.shown_uuid().as_deref() == Some(uuid.as_str()) =>
            {
                self.machines.close_details();
                self.toaster
                    .show(gettext("The machine was deleted on the host"));
            }
            StoreChange::NetworkChanged(uuid) => {
                if let Some(n) = host.store.networks.get(uuid) {
                    self.networks.changed(n);
                }
            }
            StoreChange::NetworkRemoved(uuid) => self.networks.removed(uuid),
            StoreChange::PoolChanged(uuid) => {
                if let Some(p) = host.store.pools.get(uuid) {
                    self.storage.changed(p);
                }
            }
            StoreChange::PoolRemoved(uuid) => self.storage.removed(uuid),
            _ => {}
        }
    }

    pub fn list(&self) -> &MachineList {
        &self.machines.list
    }

    fn add_connection(&mut self, uri: String, autoconnect: bool) {
        if let Some(index) = self.hosts.iter().position(|h| h.handle.spec.uri == uri) {
            // Already open: just show it.
            self.select_sidebar_row(index);
            return;
        }
        self.settings.remember_connection(&uri, autoconnect);
        let host = HostView::new(self.connector.open(ConnectionSpec::new(uri)));
        self.sidebar.append(&host.row.row);
        self.hosts.push(host);
        self.select_sidebar_row(self.hosts.len() - 1);
    }

    fn remove_selected_connection(&mut self) {
        if self.selected_host >= self.hosts.len() {
            return;
        }
        let host = self.hosts.remove(self.selected_host);
        host.handle.close();
        self.settings.forget_connection(&host.handle.spec.uri);
        self.sidebar.remove(&host.row.row);
        self.machines.close_details();
        if self.hosts.is_empty() {
            self.selected_host = 0;
            self.machines.list.show(None);
            self.networks.show(None, std::iter::empty());
            self.storage.show(None, std::iter::empty());
            self.refresh_selected();
        } else {
            self.select_sidebar_row(self.selected_host.min(self.hosts.len() - 1));
        }
    }

    fn select_sidebar_row(&mut self, index: usize) {
        if let Some(row) = self.sidebar.row_at_index(index as i32) {
            self.sidebar.select_row(Some(&row));
        }
        self.show_host(index);
    }

    fn open_details(&mut self, position: u32) {
        let selection = &self.machines.list.selection;
        let Some(machine) = selection
            .item(position)
            .and_downcast::<super::machines::domain_object::DomainObject>()
        else {
            return;
        };
        // The header's power buttons act on the selection: make it this machine.
        selection.select_item(position, true);
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        self.machines
            .open_details(&host.handle, &machine.uuid(), &machine.name());
    }

    fn show_host(&mut self, index: usize) {
        if index >= self.hosts.len() {
            return;
        }
        if index != self.selected_host {
            self.machines.close_details();
            self.stats = Default::default();
        }
        self.selected_host = index;
        let host = self.hosts.get(index);
        self.machines.list.show(host.map(|h| &h.domains.store));
        self.networks.show(
            host.map(|h| &h.handle),
            host.iter().flat_map(|h| h.store.networks.values()),
        );
        self.storage.show(
            host.map(|h| &h.handle),
            host.iter().flat_map(|h| h.store.pools.values()),
        );
        self.host_page.show(
            host.filter(|h| h.store.status.is_online())
                .map(|h| &h.handle),
        );
        self.refresh_selected();
    }

    /// Re-renders what depends on the selected host: title, empty states, actions.
    fn refresh_selected(&self) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            self.content.show_no_connections();
            self.power.refresh(&[], false);
            return;
        };
        self.title.set_subtitle(&host.display_name());
        self.content.show_host(host);
        self.machines.set_has_rows(!host.domains.is_empty());
        self.refresh_actions();
    }

    fn refresh_actions(&self) {
        let online = self
            .hosts
            .get(self.selected_host)
            .is_some_and(|h| h.store.status == ConnectionStatus::Live);
        let selected = self.machines.list.selected();
        self.power.refresh(&selected, online);
        // A stopped machine's console window offers to start it, so any state will do.
        self.console_button
            .set_sensitive(online && selected.len() == 1);
    }

    /// Force Off loses whatever the guest had not written: ask first, naming the machines.
    fn confirm_force_off(&self, root: &adw::ApplicationWindow, sender: &ComponentSender<Self>) {
        let names: Vec<String> = self
            .machines
            .list
            .selected()
            .iter()
            .filter(|m| DomainAction::ForceOff.allowed_in(m.state()))
            .map(|m| m.name())
            .collect();
        if names.is_empty() {
            return;
        }
        let dialog = adw::MessageDialog::builder()
            .transient_for(root)
            .modal(true)
            .heading(if names.len() == 1 {
                gettext("Force Off {name}?").replace("{name}", &names[0])
            } else {
                gettextrs::ngettext(
                    "Force Off {n} Machine?",
                    "Force Off {n} Machines?",
                    names.len() as u32,
                )
                .replace("{n}", &names.len().to_string())
            })
            .body(gettext("Like pulling the power cord: unsaved work in the guest is lost, and its disks may need a check. {names}")
                .replace("{names}", &names.join(", ")))
            .build();
        dialog.add_response("cancel", &gettext("Cancel"));
        dialog.add_response("force-off", &gettext("Force Off"));
        dialog.set_response_appearance("force-off", adw::ResponseAppearance::Destructive);
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let sender = sender.clone();
        dialog.connect_response(None, move |_, response| {
            if response == "force-off" {
                sender.input(AppMsg::PowerConfirmed(DomainAction::ForceOff));
            }
        });
        dialog.present();
    }

    /// The new-VM wizard; when the person asked to see the details first, they open
    /// on the new machine (which was not started).
    fn new_machine(&self, root: &adw::ApplicationWindow, sender: &ComponentSender<Self>) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let sender = sender.clone();
        super::wizards::new_vm_wizard::NewVmWizard::open(
            root,
            host.handle.clone(),
            self.toaster.clone(),
            move |vm: super::wizards::new_vm_wizard::CreatedVm| {
                if vm.open_details {
                    sender.input(AppMsg::OpenDetailsOf {
                        uuid: vm.uuid,
                        name: vm.name,
                    });
                }
            },
        );
    }

    /// One machine: the dialog with its disks. Several: deleting one by one would be
    /// a dialog each, so the person selects one at a time for now and is told so.
    fn delete_selected(&self, root: &gtk::Window) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        match self.machines.list.selected().as_slice() {
            [one] => {
                super::machines::delete_dialog::open(root, &host.handle, &one.uuid(), &self.toaster)
            }
            [] => {}
            _ => self.toaster.show(gettext(
                "Select one machine to delete: each has its own disks to decide about",
            )),
        }
    }

    /// Starts one sampling job on the selected host, unless the window is hidden, the
    /// host runs nothing, or the last job has not answered yet (a slow host).
    fn sample_stats(&mut self, root: &adw::ApplicationWindow, sender: &ComponentSender<Self>) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let running = host.store.domains.values().any(|d| d.state.is_active());
        if self.stats_in_flight || !root.is_visible() || !host.store.status.is_online() || !running
        {
            return;
        }
        self.stats_in_flight = true;
        let on_screen = self.machines.list.on_screen();
        let input = sender.input_sender().clone();
        let connection = host.handle.id;
        host.handle.run(
            move |conn| crate::core::stats::sample(conn, &on_screen),
            move |result| {
                let _ = input.send(AppMsg::StatsSampled { connection, result });
            },
        );
    }

    fn show_stats(
        &mut self,
        connection: crate::core::model::ConnectionId,
        result: Result<Vec<crate::core::stats::DomainSample>, UserError>,
    ) {
        self.stats_in_flight = false;
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        // Statistics are a courtesy: a failed sample is skipped, not reported.
        let (true, Ok(samples)) = (host.handle.id == connection, result) else {
            return;
        };
        let shown = self.machines.details.shown_uuid();
        for (uuid, rates) in self.stats.absorb(samples) {
            if let Some(row) = host.domains.get(&uuid) {
                row.push_cpu(rates.cpu_percent);
            }
            if shown.as_deref() == Some(uuid.as_str()) {
                self.machines.details.push_rates(&rates);
            }
        }
    }

    /// Runs `action` on every selected machine where it can succeed, and reports once
    /// when all have answered.
    fn run_power_action(&self, action: DomainAction, sender: &ComponentSender<Self>) {
        let Some(host) = self.hosts.get(self.selected_host) else {
            return;
        };
        let targets: Vec<_> = self
            .machines
            .list
            .selected()
            .into_iter()
            .filter(|m| action.allowed_in(m.state()))
            .collect();
        let expected = targets.len();
        let results = std::sync::Arc::new(std::sync::Mutex::new(Vec::with_capacity(expected)));
        for machine in targets {
            let input = sender.input_sender().clone();
            let results = results.clone();
            let name = machine.name();
            host.handle
                .domain_action(&machine.uuid(), action, move |result| {
                    let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
                    all.push((name, result));
                    if all.len() == expected {
                        let results = std::mem::take(&mut *all);
                        let _ = input.send(AppMsg::ActionsDone { action, results });
                    }
                });
        }
    }
}

fn icon_button(icon: &str, label: &str) -> gtk::Button {
    let button = gtk::Button::from_icon_name(icon);
    button.set_tooltip_text(Some(label));
    button.update_property(&[gtk::accessible::Property::Label(label)]);
    button.add_css_class("flat");
    button
}

/// The window's actions (`win.about`, …), for the primary menu.
fn install_actions(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let add = |name: &str, message: fn() -> AppMsg| {
        let action = gtk::gio::SimpleAction::new(name, None);
        let sender = sender.clone();
        action.connect_activate(move |_, _| sender.input(message()));
        window.add_action(&action);
    };
    add("about", || AppMsg::ShowAbout);
    add("shortcuts", || AppMsg::ShowShortcuts);
    add("preferences", || AppMsg::ShowPreferences);
    add("new-machine", || AppMsg::NewMachine);
    add("clone-template", || AppMsg::CloneTemplate);
    add("mark-template", || AppMsg::MarkTemplate(true));
    add("unmark-template", || AppMsg::MarkTemplate(false));
    add("add-connection", || AppMsg::ShowAddConnection);
}

/// Window-wide keys: Ctrl+F searches the machines.
fn install_shortcuts(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let controller = gtk::ShortcutController::new();
    controller.set_scope(gtk::ShortcutScope::Managed);
    let search = {
        let sender = sender.clone();
        gtk::CallbackAction::new(move |_, _| {
            sender.input(AppMsg::Search);
            gtk::glib::Propagation::Stop
        })
    };
    controller.add_shortcut(gtk::Shortcut::new(
        gtk::ShortcutTrigger::parse_string("<Control>f"),
        Some(search),
    ));
    window.add_controller(controller);
}
