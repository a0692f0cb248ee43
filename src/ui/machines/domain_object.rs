//! One machine row as a GObject, so list cells can bind to its properties and an
//! event re-draws just the cells of the row it changed.

use gtk::glib;
use gtk::subclass::prelude::*;

use gettextrs::gettext;

use crate::core::model::{format_kib, DomainState, DomainSummary};

mod imp {
    use std::cell::{Cell, RefCell};

    use gtk::glib;
    use gtk::prelude::*;
    use gtk::subclass::prelude::*;

    #[derive(glib::Properties, Default)]
    #[properties(wrapper_type = super::DomainObject)]
    pub struct DomainObject {
        #[property(get, set)]
        pub uuid: RefCell<String>,
        #[property(get, set)]
        pub name: RefCell<String>,
        /// The domain's title (`virsh desc --title`), searched with the name.
        #[property(get, set)]
        pub title: RefCell<String>,
        /// Marked as a template for linked clones.
        #[property(get, set)]
        pub template: Cell<bool>,
        /// The name as the list shows it: with a template mark for templates.
        #[property(get, set)]
        pub display_name: RefCell<String>,
        /// Translated state for display.
        #[property(get, set)]
        pub state_label: RefCell<String>,
        /// CSS classes of the list's state cell: its icon comes from them.
        #[property(get, set)]
        pub state_css: RefCell<Vec<String>>,
        /// Untranslated state key, for CSS and sorting.
        #[property(get, set)]
        pub state_key: RefCell<String>,
        #[property(get, set)]
        pub vcpus: Cell<u32>,
        #[property(get, set)]
        pub memory_kib: Cell<u64>,
        #[property(get, set)]
        pub memory_label: RefCell<String>,
        /// False while the host is disconnected: the row is shown greyed.
        #[property(get, set)]
        pub online: Cell<bool>,
        /// CPU use in percent of the machine's vCPUs at the last tick.
        #[property(get, set)]
        pub cpu_percent: Cell<f64>,
        /// Recent CPU percentages, newest last, for the list's sparkline.
        pub cpu_history: RefCell<std::collections::VecDeque<f32>>,
        pub state: Cell<Option<crate::core::model::DomainState>>,
        /// The name's collation key ("vm-9" before "vm-10"), made once per name so
        /// sorting thousands of rows compares bytes.
        pub sort_key: RefCell<Option<glib::FilenameCollationKey>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for DomainObject {
        const NAME: &'static str = "HangarDomainObject";
        type Type = super::DomainObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for DomainObject {}
}

glib::wrapper! {
    pub struct DomainObject(ObjectSubclass<imp::DomainObject>);
}

fn state_css(state: DomainState) -> Vec<String> {
    vec![
        "machine-state".into(),
        format!("machine-state-{}", state.key()),
    ]
}

/// The name as the list shows it, with a template's mark.
fn display_name(summary: &DomainSummary) -> String {
    if summary.labels.template {
        // Translators: a template's name in the machines list.
        gettext("{name} (template)").replace("{name}", &summary.name)
    } else {
        summary.name.clone()
    }
}

impl DomainObject {
    pub fn new(summary: &DomainSummary) -> Self {
        // A big host creates thousands of rows at once. Nothing listens to a new row
        // yet, so its fields are written directly: construction with properties costs
        // some 40,000 instructions per row in GObject's property machinery.
        let obj: Self = glib::Object::new();
        let imp = obj.imp();
        imp.uuid.replace(summary.uuid.clone());
        imp.name.replace(summary.name.clone());
        imp.title.replace(summary.labels.title.clone());
        imp.template.set(summary.labels.template);
        imp.display_name.replace(display_name(summary));
        imp.state_label.replace(summary.state.label());
        imp.state_key.replace(summary.state.key().to_string());
        imp.state_css.replace(state_css(summary.state));
        imp.vcpus.set(summary.vcpus);
        imp.memory_kib.set(summary.memory_kib);
        imp.memory_label.replace(format_kib(summary.memory_kib));
        imp.online.set(true);
        imp.state.set(Some(summary.state));
        imp.sort_key
            .replace(Some(glib::FilenameCollationKey::from(&summary.name)));
        obj
    }

    /// Orders rows by name as a person reads them: case and digits understood.
    pub fn cmp_by_name(&self, other: &DomainObject) -> std::cmp::Ordering {
        self.imp()
            .sort_key
            .borrow()
            .cmp(&other.imp().sort_key.borrow())
    }

    /// Copies `summary` in, notifying only the properties whose value changed so that
    /// untouched cells are not redrawn.
    pub fn update(&self, summary: &DomainSummary) {
        if self.name() != summary.name || self.template() != summary.labels.template {
            self.imp()
                .sort_key
                .replace(Some(glib::FilenameCollationKey::from(&summary.name)));
            self.set_name(summary.name.clone());
            self.set_template(summary.labels.template);
            self.set_display_name(display_name(summary));
        }
        if self.title() != summary.labels.title {
            self.set_title(summary.labels.title.clone());
        }
        if self.imp().state.get() != Some(summary.state) {
            if !summary.state.is_active() {
                self.clear_cpu();
            }
            self.imp().state.set(Some(summary.state));
            self.set_state_label(summary.state.label());
            self.set_state_key(summary.state.key());
            self.set_state_css(state_css(summary.state));
        }
        if self.vcpus() != summary.vcpus {
            self.set_vcpus(summary.vcpus);
        }
        if self.memory_kib() != summary.memory_kib || self.memory_label().is_empty() {
            self.set_memory_kib(summary.memory_kib);
            self.set_memory_label(format_kib(summary.memory_kib));
        }
    }

    /// Adds a CPU sample (percent, shown to the whole percent). Notifies `cpu-percent`,
    /// which redraws the sparkline, only when the picture changes: an idle machine's
    /// flat line costs no frame (a frame is a whole-window render, in software on
    /// machines without a GPU).
    pub fn push_cpu(&self, percent: f64) {
        let value = percent.round() as f32;
        let mut h = self.imp().cpu_history.borrow_mut();
        let unchanged = !h.is_empty() && h.iter().all(|v| *v == value);
        h.push_back(value);
        while h.len() > crate::ui::sparkline::HISTORY {
            h.pop_front();
        }
        drop(h);
        if !unchanged {
            self.set_cpu_percent(value as f64);
        }
    }

    /// Forgets the CPU history (the machine stopped).
    pub fn clear_cpu(&self) {
        if !self.imp().cpu_history.borrow().is_empty() {
            self.imp().cpu_history.borrow_mut().clear();
            self.set_cpu_percent(0.0);
        }
    }

    pub fn cpu_history(&self) -> std::cell::Ref<'_, std::collections::VecDeque<f32>> {
        self.imp().cpu_history.borrow()
    }

    pub fn state(&self) -> DomainState {
        self.imp().state.get().unwrap_or(DomainState::NoState)
    }
}
