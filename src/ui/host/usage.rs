//! The Host page's live CPU and memory graphs, drawn like the machine details' ones.
//! Samples come from the window's statistics tick, only while this page is shown.

use std::cell::RefCell;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::host::{NodeSample, NodeTracker};
use crate::core::model::format_kib;
use crate::ui::sparkline::Sparkline;

pub struct HostUsage {
    pub group: adw::PreferencesGroup,
    cpu_row: adw::ActionRow,
    cpu: Sparkline,
    pub cpu_value: gtk::Label,
    memory_row: adw::ActionRow,
    memory: Sparkline,
    pub memory_value: gtk::Label,
    tracker: RefCell<NodeTracker>,
    /// Samples received, for tests: none may arrive while the page is not shown.
    pub samples: std::cell::Cell<u32>,
}

impl Default for HostUsage {
    fn default() -> Self {
        Self::new()
    }
}

impl HostUsage {
    pub fn new() -> Self {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Usage"))
            .description(gettext("Sampled while this page is shown"))
            .build();
        let graph = |title: String, max: f32| {
            let (row, line, value) = crate::ui::sparkline::graph_row(title, max);
            row.set_visible(false);
            group.add(&row);
            (row, line, value)
        };
        let (cpu_row, cpu, cpu_value) = graph(gettext("CPU"), 100.0);
        let (memory_row, memory, memory_value) = graph(gettext("Memory in use"), 0.0);
        group.set_visible(false);
        HostUsage {
            group,
            cpu_row,
            cpu,
            cpu_value,
            memory_row,
            memory,
            memory_value,
            tracker: RefCell::default(),
            samples: Default::default(),
        }
    }

    /// A new sample: each graph moves on and shows its latest value. A part the host
    /// does not report keeps its row hidden.
    pub fn push(&self, sample: &NodeSample) {
        self.samples.set(self.samples.get() + 1);
        let usage = self.tracker.borrow_mut().absorb(sample);
        if let Some(p) = usage.cpu_percent {
            self.cpu.push(p as f32);
            self.cpu_value.set_label(&format!("{p:.0} %"));
            self.cpu_row.set_visible(true);
        }
        if let Some(m) = usage.memory {
            self.memory.set_scale(m.total_kib as f32);
            self.memory.push(m.used_kib() as f32);
            self.memory_value.set_label(
                &gettext("{used} of {total}")
                    .replace("{used}", &format_kib(m.used_kib()))
                    .replace("{total}", &format_kib(m.total_kib)),
            );
            self.memory_row.set_visible(true);
        }
        // get_visible: the rows' own flag (is_visible also asks the hidden group).
        self.group
            .set_visible(self.cpu_row.get_visible() || self.memory_row.get_visible());
    }

    /// Another host: start over.
    pub fn clear(&self) {
        self.tracker.replace(NodeTracker::default());
        self.cpu.clear();
        self.memory.clear();
        self.cpu_row.set_visible(false);
        self.memory_row.set_visible(false);
        self.group.set_visible(false);
    }
}
