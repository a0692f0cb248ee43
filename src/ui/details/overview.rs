//! What `virsh dominfo` shows, with autostart, vCPUs and memory editable.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::details::{DomainDetails, When};
use crate::core::model::format_kib;
use crate::core::stats::Rates;
use crate::ui::sparkline::Sparkline;

/// A graph row: the sparkline and the latest value in words.
struct Graph {
    line: Sparkline,
    value: gtk::Label,
}

/// Requests the overview sends to the view, which runs them on the worker.
pub enum OverviewRequest {
    Autostart(bool),
    Vcpus(u32, When),
    MemoryMib(u64, When),
}

pub struct OverviewPage {
    pub root: adw::PreferencesPage,
    values: Vec<(&'static str, adw::ActionRow)>,
    autostart: gtk::Switch,
    vcpus: gtk::SpinButton,
    memory: gtk::SpinButton,
    when: gtk::DropDown,
    apply: gtk::Button,
    pending: gtk::Label,
    performance: adw::PreferencesGroup,
    cpu_graph: Graph,
    memory_graph: Graph,
    disk_read_graph: Graph,
    disk_write_graph: Graph,
    net_rx_graph: Graph,
    net_tx_graph: Graph,
}

/// The overview's rows, by key; titles come from `field_title`.
const FIELDS: &[&str] = &[
    "name",
    "title",
    "description",
    "uuid",
    "state",
    "id",
    "os",
    "machine",
    "emulator",
    "kind",
    "vcpus",
    "memory",
];

fn field_title(key: &str) -> String {
    match key {
        "name" => gettext("Name"),
        "title" => gettext("Title"),
        "description" => gettext("Description"),
        "uuid" => gettext("UUID"),
        "state" => gettext("State"),
        "id" => gettext("ID"),
        "os" => gettext("OS type and architecture"),
        "machine" => gettext("Machine type"),
        "emulator" => gettext("Emulator"),
        "kind" => gettext("Definition"),
        "vcpus" => gettext("vCPUs"),
        "memory" => gettext("Memory (current / maximum)"),
        _ => key.to_string(),
    }
}

impl OverviewPage {
    pub fn new(on_request: Rc<dyn Fn(OverviewRequest)>) -> Self {
        let root = adw::PreferencesPage::new();
        let general = adw::PreferencesGroup::new();
        let mut values = Vec::new();
        for key in FIELDS {
            let row = adw::ActionRow::builder().title(field_title(key)).build();
            row.add_css_class("property");
            general.add(&row);
            values.push((*key, row));
        }
        let performance = adw::PreferencesGroup::builder()
            .title(gettext("Performance"))
            .description(gettext("Sampled while the machine runs"))
            .build();
        let graph = |title: String, max: f32| {
            let (row, line, value) = crate::ui::sparkline::graph_row(title, max);
            performance.add(&row);
            Graph { line, value }
        };
        let cpu_graph = graph(gettext("CPU"), 100.0);
        let memory_graph = graph(gettext("Memory"), 0.0);
        let disk_read_graph = graph(gettext("Disk read"), 0.0);
        let disk_write_graph = graph(gettext("Disk write"), 0.0);
        let net_rx_graph = graph(gettext("Network received"), 0.0);
        let net_tx_graph = graph(gettext("Network sent"), 0.0);
        performance.set_visible(false);
        root.add(&performance);
        root.add(&general);

        let settings = adw::PreferencesGroup::builder()
            .title(gettext("Settings"))
            .build();
        let autostart = gtk::Switch::builder().valign(gtk::Align::Center).build();
        let autostart_row = adw::ActionRow::builder()
            .title(gettext("Start with the host"))
            .subtitle(gettext(
                "Autostart: libvirt starts this machine when the host boots",
            ))
            .activatable_widget(&autostart)
            .build();
        autostart_row.add_suffix(&autostart);
        settings.add(&autostart_row);

        let vcpus = gtk::SpinButton::with_range(1.0, 512.0, 1.0);
        vcpus.set_valign(gtk::Align::Center);
        vcpus.update_property(&[gtk::accessible::Property::Label(&gettext("vCPUs"))]);
        let vcpu_row = adw::ActionRow::builder().title(gettext("vCPUs")).build();
        vcpu_row.add_suffix(&vcpus);
        settings.add(&vcpu_row);

        let memory = gtk::SpinButton::with_range(16.0, 4.0 * 1024.0 * 1024.0, 64.0);
        memory.set_valign(gtk::Align::Center);
        memory.update_property(&[gtk::accessible::Property::Label(&gettext("Memory in MiB"))]);
        let memory_row = adw::ActionRow::builder()
            .title(gettext("Memory (MiB)"))
            .build();
        memory_row.add_suffix(&memory);
        settings.add(&memory_row);

        let when = gtk::DropDown::from_strings(&[
            &gettext("Now and at next boot"),
            &gettext("At next boot only"),
        ]);
        when.set_valign(gtk::Align::Center);
        when.update_property(&[gtk::accessible::Property::Label(&gettext(
            "When the change applies",
        ))]);
        let when_row = adw::ActionRow::builder().title(gettext("Apply")).build();
        when_row.add_suffix(&when);
        let apply = gtk::Button::builder()
            .label(gettext("Apply"))
            .valign(gtk::Align::Center)
            .build();
        apply.add_css_class("suggested-action");
        when_row.add_suffix(&apply);
        settings.add(&when_row);
        let pending = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .visible(false)
            .build();
        pending.add_css_class("dim-label");
        settings.add(&pending);
        root.add(&settings);

        {
            let on_request = on_request.clone();
            autostart.connect_state_set(move |sw, on| {
                if on != sw.state() {
                    on_request(OverviewRequest::Autostart(on));
                }
                gtk::glib::Propagation::Stop
            });
        }
        {
            let (vcpus, memory, when) = (vcpus.clone(), memory.clone(), when.clone());
            apply.connect_clicked(move |_| {
                let scope = if when.selected() == 0 {
                    When::NowAndNextBoot
                } else {
                    When::NextBoot
                };
                on_request(OverviewRequest::Vcpus(vcpus.value() as u32, scope));
                on_request(OverviewRequest::MemoryMib(memory.value() as u64, scope));
            });
        }
        OverviewPage {
            root,
            values,
            autostart,
            vcpus,
            memory,
            when,
            apply,
            pending,
            performance,
            cpu_graph,
            memory_graph,
            disk_read_graph,
            disk_write_graph,
            net_rx_graph,
            net_tx_graph,
        }
    }

    /// A new sample: each graph moves on and shows its latest value.
    pub fn push_rates(&self, r: &Rates) {
        self.performance.set_visible(true);
        let rate = |bps: f64| format!("{}/s", gtk::glib::format_size(bps as u64));
        self.cpu_graph.line.push(r.cpu_percent as f32);
        self.cpu_graph
            .value
            .set_label(&format!("{:.0} %", r.cpu_percent));
        self.memory_graph.line.push(r.memory_kib as f32);
        self.memory_graph.value.set_label(&format_kib(r.memory_kib));
        for (graph, bps) in [
            (&self.disk_read_graph, r.disk_read_bps),
            (&self.disk_write_graph, r.disk_write_bps),
            (&self.net_rx_graph, r.net_rx_bps),
            (&self.net_tx_graph, r.net_tx_bps),
        ] {
            graph.line.push(bps as f32);
            graph.value.set_label(&rate(bps));
        }
    }

    pub fn clear_graphs(&self) {
        for g in [
            &self.cpu_graph,
            &self.memory_graph,
            &self.disk_read_graph,
            &self.disk_write_graph,
            &self.net_rx_graph,
            &self.net_tx_graph,
        ] {
            g.line.clear();
        }
        self.performance.set_visible(false);
    }

    /// The CPU value the graph shows now, for tests.
    pub fn cpu_text(&self) -> String {
        self.cpu_graph.value.label().to_string()
    }

    /// What the disk read, disk write, network received and sent graphs show now, for
    /// tests.
    pub fn io_texts(&self) -> [String; 4] {
        [
            &self.disk_read_graph,
            &self.disk_write_graph,
            &self.net_rx_graph,
            &self.net_tx_graph,
        ]
        .map(|g| g.value.label().to_string())
    }

    pub fn show(&self, d: &DomainDetails) {
        let s = &d.summary;
        let state = if d.state_reason.is_empty() {
            s.state.label()
        } else {
            format!("{} ({})", s.state.label(), d.state_reason)
        };
        let os = &d.live.os;
        let kind = match (d.persistent, d.config.is_template) {
            (_, true) => gettext("Persistent, marked as a template"),
            (true, false) => gettext("Persistent (defined)"),
            (false, _) => gettext("Transient (gone when it stops)"),
        };
        let dash = || "—".to_string();
        for (key, row) in &self.values {
            let text = match *key {
                "name" => s.name.clone(),
                "title" => d.config.title.clone().unwrap_or_else(dash),
                "description" => d.config.description.clone().unwrap_or_else(dash),
                "uuid" => s.uuid.clone(),
                "state" => state.clone(),
                "id" => s.id.map(|i| i.to_string()).unwrap_or_else(dash),
                "os" => format!(
                    "{} / {}",
                    os.os_type.clone().unwrap_or_else(dash),
                    os.arch.clone().unwrap_or_else(dash)
                ),
                "machine" => os.machine.clone().unwrap_or_else(dash),
                "emulator" => d.live.emulator.clone().unwrap_or_else(dash),
                "kind" => kind.clone(),
                "vcpus" => with_next_boot(s.vcpus.to_string(), d.config.vcpus.to_string()),
                "memory" => with_next_boot(
                    format!(
                        "{} / {}",
                        format_kib(s.memory_kib),
                        format_kib(s.max_memory_kib)
                    ),
                    format!(
                        "{} / {}",
                        format_kib(
                            d.config
                                .current_memory_kib
                                .or(d.config.memory_kib)
                                .unwrap_or(0)
                        ),
                        format_kib(d.config.memory_kib.unwrap_or(0))
                    ),
                ),
                _ => String::new(),
            };
            row.set_subtitle(&gtk::glib::markup_escape_text(&text));
        }
        self.memory_graph.line.set_scale(s.max_memory_kib as f32);
        self.autostart.set_state(d.autostart);
        self.autostart.set_active(d.autostart);
        self.autostart.set_sensitive(d.persistent);
        self.vcpus.set_value(d.config.vcpus as f64);
        let config_mem = d
            .config
            .current_memory_kib
            .or(d.config.memory_kib)
            .unwrap_or(s.memory_kib);
        self.memory.set_value((config_mem / 1024) as f64);
        // A shut-off machine has only a next boot.
        let running = s.state.is_active();
        self.when.set_sensitive(running && d.persistent);
        if !running {
            self.when.set_selected(1);
        }
        self.apply.set_sensitive(true);
        let differs = running && (d.config.vcpus != s.vcpus || config_mem != s.memory_kib);
        self.pending.set_label(&gettext(
            "Some settings differ from the running machine and apply at its next boot.",
        ));
        self.pending.set_visible(differs);
    }
}

/// "2" or "2 (4 at next boot)".
fn with_next_boot(now: String, next: String) -> String {
    if now == next {
        now
    } else {
        gettext("{now} ({next} at next boot)")
            .replace("{now}", &now)
            .replace("{next}", &next)
    }
}
