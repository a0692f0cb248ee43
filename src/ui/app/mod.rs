//! The main window: connections on the left, the selected host's machines on the right,
//! power actions in the header bar. Every change arrives as a worker update.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

mod connections;
mod credentials;
mod header;
mod hosts;
mod keys;
mod machine_actions;
mod messages;
mod pages;
mod sidebar;
mod stats;

pub use messages::{AppMsg, StatsSampled};

use super::host_content::HostContent;
use super::host_view::HostView;
use super::lazy_page::LazyPage;
use super::load_report::LoadReport;
use super::machines::page::MachinesPage;
use super::machines::power_actions::PowerActions;
use super::networks::page::NetworksPage;
use super::row_trace::RowTrace;
use super::storage::page::StoragePage;
use super::toaster::Toaster;
use crate::core::domain_action::DomainAction;
use crate::core::worker::{ConnectionHandle, WorkerEvent};
use crate::settings::AppSettings;
use header::Header;
use keys::{install_actions, install_shortcuts};

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

pub struct App {
    pub hosts: Vec<HostView>,
    pub selected_host: usize,
    pub machines: MachinesPage,
    /// Built when first shown (see `pages.rs`).
    pub networks: LazyPage<NetworksPage>,
    pub storage: LazyPage<StoragePage>,
    pub host_page: LazyPage<std::rc::Rc<super::host::page::HostPage>>,
    pub power: PowerActions,
    pub console_button: gtk::Button,
    pub delete_button: gtk::Button,
    content: HostContent,
    pub toaster: Toaster,
    row_trace: Option<RowTrace>,
    title: adw::ViewSwitcherTitle,
    sidebar: gtk::ListBox,
    /// Connect / Disconnect on the sidebar (see `sidebar.rs`).
    host_actions: gtk::gio::SimpleActionGroup,
    load_report: Option<LoadReport>,
    connector: super::Connector,
    pub settings: AppSettings,
    stats: crate::core::stats::RateTracker,
    stats_pace: crate::core::stats::WholeHostPace,
    /// Hosts with a statistics sample (of machines, of the host) not answered yet: one
    /// at a time per host, so a frozen host's stuck sample never stops another's.
    stats_in_flight: std::collections::HashSet<crate::core::model::ConnectionId>,
    host_sample_in_flight: std::collections::HashSet<crate::core::model::ConnectionId>,
    /// Open Log In dialogs, by connection.
    credential_dialogs: credentials::OpenDialogs,
    /// Logins typed in the dialog, until the host accepts or refuses them.
    given_logins: Vec<credentials::GivenLogin>,
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
        let machines = {
            let sender = sender.clone();
            MachinesPage::new(toaster.clone(), move |details| {
                let back = sender.clone();
                details
                    .back
                    .connect_clicked(move |_| back.input(AppMsg::CloseDetails));
                let delete = sender.clone();
                details
                    .delete
                    .connect_clicked(move |_| delete.input(AppMsg::DeleteSelected));
            })
        };
        let networks = LazyPage::default();
        let storage = LazyPage::default();
        let host_page = LazyPage::default();
        let content = {
            let (reconnect, disconnect) = (sender.clone(), sender.clone());
            HostContent::new(
                move || reconnect.input(AppMsg::Reconnect),
                move || disconnect.input(AppMsg::Disconnect),
            )
        };
        content.add_page(
            &machines.root,
            "machines",
            &gettext("Machines"),
            "computer-symbolic",
        );
        content.add_page(
            &networks.slot,
            "networks",
            &gettext("Networks"),
            "network-workgroup-symbolic",
        );
        content.add_page(
            &storage.slot,
            "storage",
            &gettext("Storage"),
            "drive-harddisk-symbolic",
        );
        content.add_page(
            &host_page.slot,
            "host",
            &gettext("Host"),
            "network-server-symbolic",
        );
        let Header {
            header,
            title,
            power,
            console_button,
            delete_button,
        } = header::build(&content.pages, &sender);
        install_actions(&window, &sender);
        {
            let sender = sender.clone();
            content
                .pages
                .connect_visible_child_name_notify(move |pages| {
                    if let Some(name) = pages.visible_child_name() {
                        sender.input(AppMsg::PageShown(name.into()));
                    }
                });
        }
        // Below the switcher's width the pages move to a bar at the bottom; the bar
        // gets its buttons when it is first revealed, not at start-up.
        let switcher_bar = adw::ViewSwitcherBar::new();
        {
            let pages = content.pages.clone();
            switcher_bar.connect_reveal_notify(move |bar| {
                if bar.reveals() && bar.stack().is_none() {
                    bar.set_stack(Some(&pages));
                }
            });
        }
        title
            .bind_property("title-visible", &switcher_bar, "reveal")
            .build();

        let (sidebar, sidebar_box, host_actions) = sidebar::build(&sender);
        let hosts: Vec<HostView> = init.hosts.into_iter().map(HostView::new).collect();
        for host in &hosts {
            sidebar.append(&host.row.row);
        }

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
            let settings = init.settings.clone();
            let ticker = super::stats_ticker::StatsTicker::start(
                move || settings.stats_interval(),
                move || input.send(AppMsg::StatsTick).is_ok(),
            );
            if let Some(gs) = init.settings.gsettings() {
                gs.connect_changed(Some("stats-interval-seconds"), move |_, _| ticker.restart());
            }
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

        // What the workers reported while GTK started (often the whole listing) is
        // applied below, before the window is first shown and laid out.
        let early: Vec<WorkerEvent> = std::iter::from_fn(|| init.updates.try_recv().ok()).collect();
        // Forward later worker updates, draining whatever queued up into one batch so
        // a burst of events costs one update cycle.
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
            delete_button,
            content,
            toaster,
            title,
            sidebar,
            host_actions,
            load_report,
            row_trace: RowTrace::from_env(),
            connector: init.connector,
            settings: init.settings,
            stats: Default::default(),
            stats_pace: Default::default(),
            stats_in_flight: Default::default(),
            host_sample_in_flight: Default::default(),
            credential_dialogs: Default::default(),
            given_logins: Vec::new(),
        };
        if let Some(first) = model.sidebar.row_at_index(0) {
            model.sidebar.select_row(Some(&first));
        }
        model.show_host(0);
        model.apply_early(early, &window, &sender);
        ComponentParts {
            model,
            widgets: AppWidgets {},
        }
    }

    fn update(&mut self, msg: AppMsg, sender: ComponentSender<Self>, root: &Self::Root) {
        match msg {
            AppMsg::Worker(batch) => self.apply_batch(batch, root, &sender),
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
                self.run_power_action(root.upcast_ref(), action, &sender)
            }
            AppMsg::StatsTick => {
                self.sample_stats(root, &sender);
                self.sample_host(root, &sender);
            }
            AppMsg::PageShown(name) => {
                self.build_page(&name);
                // Opening the Host page samples at once: memory shows without a tick.
                if name == "host" {
                    self.sample_host(root, &sender);
                }
            }
            AppMsg::HostSampled { connection, result } => self.show_host_sample(connection, result),
            AppMsg::StatsSampled(sampled) => self.show_stats(sampled),
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
            AppMsg::Disconnect => {
                if let Some(host) = self.hosts.get(self.selected_host) {
                    host.handle.disconnect();
                }
            }
            AppMsg::ConnectHost(id) => {
                if let Some(host) = self.hosts.iter().find(|h| h.handle.id == id) {
                    host.handle.reconnect();
                }
            }
            AppMsg::ShowAddConnection => self.show_connection_dialog(root, &sender, false),
            AppMsg::ShowEditConnection => self.show_connection_dialog(root, &sender, true),
            AppMsg::EditConnection {
                connection,
                uri,
                autoconnect,
            } => self.edit_connection(connection, uri, autoconnect),
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
            AppMsg::LoginGiven(given) => {
                self.given_logins
                    .retain(|g| g.connection != given.connection);
                self.given_logins.push(given);
            }
            AppMsg::RemoveSelectedConnection => self.remove_selected_connection(),
            AppMsg::Close => {
                // Console streams first, then events and connections, before GTK goes away.
                super::console::ConsoleWindow::close_all();
                if let Some(details) = self.machines.built_details() {
                    details.hide();
                }
                for host in &self.hosts {
                    host.handle.close();
                }
            }
        }
    }
}
