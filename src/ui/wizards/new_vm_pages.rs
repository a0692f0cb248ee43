//! The new-machine wizard's pages as widgets: machine and install source,
//! resources and acceleration, disk and network, options. `new_vm_wizard.rs`
//! fills them from the host's facts and reads the form back.

use adw::prelude::*;
use gettextrs::gettext;

use super::frame::{error_line, page_box, set_error, spin_row};
use crate::core::clone::FieldError;
use crate::core::new_vm::{Acceleration, InstallSource, NetworkChoice, VmField};
use crate::core::xml::VolumeFormat;
use crate::ui::networks::form::{combo_row, switch_row, Field};

pub const ACCELERATIONS: [Acceleration; 3] = [
    Acceleration::Default,
    Acceleration::Kvm,
    Acceleration::Emulate,
];
pub const FORMATS: [VolumeFormat; 2] = [VolumeFormat::Qcow2, VolumeFormat::Raw];

pub struct MachinePage {
    pub root: gtk::Box,
    pub name: Field,
    pub source: adw::ComboRow,
    pub iso: Field,
    /// Offers the pools' ISO volumes; choosing one fills `iso`.
    pub iso_volumes: adw::ComboRow,
    pub disk: Field,
    pub kernel: Field,
    pub initrd: Field,
    pub cmdline: Field,
}

impl MachinePage {
    pub fn build() -> MachinePage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Machine"))
            .build();
        let name = Field::new(&group, &gettext("Name"), "vm-name");
        let source_group = adw::PreferencesGroup::builder()
            .title(gettext("Install Source"))
            .build();
        let source = combo_row(
            &source_group,
            &gettext("Boot from"),
            &[
                gettext("Installer ISO"),
                gettext("Existing disk image"),
                gettext("Kernel and initrd"),
            ],
        );
        let iso_volumes = combo_row(&source_group, &gettext("ISO volumes in the pools"), &[]);
        let iso = Field::new(&source_group, &gettext("ISO volume path"), "vm-iso");
        let disk = Field::new(&source_group, &gettext("Disk image volume path"), "vm-disk");
        let kernel = Field::new(
            &source_group,
            &gettext("Kernel path on the host"),
            "vm-kernel",
        );
        let initrd = Field::new(
            &source_group,
            &gettext("Initrd path (optional)"),
            "vm-initrd",
        );
        let cmdline = Field::new(&source_group, &gettext("Kernel command line"), "vm-cmdline");
        let root = page_box();
        root.append(&group);
        root.append(&source_group);
        let page = MachinePage {
            root,
            name,
            source,
            iso,
            iso_volumes,
            disk,
            kernel,
            initrd,
            cmdline,
        };
        page.show_source();
        page
    }

    pub fn set_iso_volumes(&self, paths: &[String]) {
        let mut items = vec![gettext("Type a path below")];
        items.extend(paths.iter().cloned());
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        self.iso_volumes
            .set_model(Some(&gtk::StringList::new(&refs)));
        self.show_source();
    }

    pub fn show_source(&self) {
        let s = self.source.selected();
        let has_isos = self.iso_volumes.model().is_some_and(|m| m.n_items() > 1);
        self.iso_volumes.set_visible(s == 0 && has_isos);
        self.iso.row.set_visible(s == 0);
        self.disk.row.set_visible(s == 1);
        for f in [&self.kernel, &self.initrd, &self.cmdline] {
            f.row.set_visible(s == 2);
        }
        for f in [&self.iso, &self.disk, &self.kernel, &self.initrd] {
            f.set_error(None);
        }
    }

    pub fn install_source(&self) -> InstallSource {
        match self.source.selected() {
            1 => InstallSource::ImportDisk {
                path: self.disk.text().trim().to_string(),
            },
            2 => InstallSource::Kernel {
                kernel: self.kernel.text().trim().to_string(),
                initrd: self.initrd.text().trim().to_string(),
                cmdline: self.cmdline.text(),
            },
            _ => InstallSource::Iso {
                path: self.iso.text().trim().to_string(),
            },
        }
    }

    fn source_field(&self) -> &Field {
        match self.source.selected() {
            1 => &self.disk,
            2 => &self.kernel,
            _ => &self.iso,
        }
    }

    pub fn show_errors(&self, errors: &[FieldError<VmField>]) -> bool {
        let mut any = false;
        for e in errors {
            let field = match e.field {
                VmField::Name => &self.name,
                VmField::Source => self.source_field(),
                VmField::Initrd => &self.initrd,
                _ => continue,
            };
            field.set_error(Some(&e.message));
            any = true;
        }
        any
    }
}

pub struct ResourcesPage {
    pub root: gtk::Box,
    pub memory_row: adw::ActionRow,
    pub memory: gtk::SpinButton,
    pub vcpus_row: adw::ActionRow,
    pub vcpus: gtk::SpinButton,
    pub error: gtk::Label,
    pub acceleration: adw::ComboRow,
    /// The domain type the plan will use, and why.
    pub decision: gtk::Label,
    pub acceleration_error: gtk::Label,
}

impl ResourcesPage {
    pub fn build() -> ResourcesPage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Resources"))
            .build();
        let (memory_row, memory) =
            spin_row(&group, &gettext("Memory (MiB)"), (64.0, 4194304.0), 2048.0);
        memory.set_increments(256.0, 1024.0);
        let (vcpus_row, vcpus) = spin_row(&group, &gettext("Virtual CPUs"), (1.0, 4096.0), 2.0);
        let error = error_line(&group, "resources-error");
        let accel = adw::PreferencesGroup::builder()
            .title(gettext("Acceleration"))
            .build();
        let acceleration = combo_row(
            &accel,
            &gettext("Hypervisor"),
            &[
                gettext("Automatic"),
                gettext("KVM"),
                gettext("Emulation (QEMU TCG)"),
            ],
        );
        let acceleration_error = error_line(&accel, "acceleration-error");
        let decision = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .margin_start(12)
            .margin_end(12)
            .build();
        decision.set_widget_name("domain-type");
        let root = page_box();
        root.append(&group);
        root.append(&accel);
        root.append(&decision);
        ResourcesPage {
            root,
            memory_row,
            memory,
            vcpus_row,
            vcpus,
            error,
            acceleration,
            decision,
            acceleration_error,
        }
    }

    pub fn choice(&self) -> Acceleration {
        ACCELERATIONS[(self.acceleration.selected() as usize).min(ACCELERATIONS.len() - 1)]
    }

    pub fn show_errors(&self, errors: &[FieldError<VmField>]) -> bool {
        let pick = |fields: &[VmField]| {
            let m: Vec<&str> = errors
                .iter()
                .filter(|e| fields.contains(&e.field))
                .map(|e| e.message.as_str())
                .collect();
            (!m.is_empty()).then(|| m.join("\n"))
        };
        let res = pick(&[VmField::Memory, VmField::Vcpus]);
        let acc = pick(&[VmField::Acceleration]);
        set_error(&self.error, res.as_deref());
        set_error(&self.acceleration_error, acc.as_deref());
        res.is_some() || acc.is_some()
    }
}

pub struct StoragePage {
    pub root: gtk::Box,
    pub add_disk: gtk::Switch,
    pub size: Field,
    pub format: adw::ComboRow,
    pub pool: adw::ComboRow,
    pub pools: std::cell::RefCell<Vec<String>>,
    pub pool_error: gtk::Label,
    pub network: adw::ComboRow,
    pub networks: std::cell::RefCell<Vec<NetworkChoice>>,
    pub network_error: gtk::Label,
}

impl StoragePage {
    pub fn build() -> StoragePage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("New Disk"))
            .build();
        let add_disk = switch_row(&group, &gettext("Add a new disk"), "", true);
        let size =
            Field::new(&group, &gettext("Size (for example 20G)"), "vm-size").with_text("20G");
        let format = combo_row(
            &group,
            &gettext("Format"),
            &[gettext("qcow2 (thin, snapshots)"), gettext("raw")],
        );
        let pool = combo_row(&group, &gettext("Pool"), &[]);
        let pool_error = error_line(&group, "pool-error");
        let net_group = adw::PreferencesGroup::builder()
            .title(gettext("Network"))
            .build();
        let network = combo_row(&net_group, &gettext("Connect to"), &[]);
        let network_error = error_line(&net_group, "network-error");
        let root = page_box();
        root.append(&group);
        root.append(&net_group);
        StoragePage {
            root,
            add_disk,
            size,
            format,
            pool,
            pools: Default::default(),
            pool_error,
            network,
            networks: Default::default(),
            network_error,
        }
    }

    pub fn set_choices(&self, pools: Vec<String>, networks: Vec<(NetworkChoice, String)>) {
        let refs: Vec<&str> = pools.iter().map(String::as_str).collect();
        self.pool.set_model(Some(&gtk::StringList::new(&refs)));
        self.pools.replace(pools);
        let labels: Vec<&str> = networks.iter().map(|(_, l)| l.as_str()).collect();
        self.network.set_model(Some(&gtk::StringList::new(&labels)));
        self.networks
            .replace(networks.into_iter().map(|(n, _)| n).collect());
    }

    pub fn show_disk(&self) {
        let on = self.add_disk.is_active();
        for w in [
            self.size.row.upcast_ref::<gtk::Widget>(),
            self.format.upcast_ref(),
            self.pool.upcast_ref(),
        ] {
            w.set_sensitive(on);
        }
    }

    pub fn show_errors(&self, errors: &[FieldError<VmField>]) -> bool {
        let mut any = false;
        let mut pool = Vec::new();
        let mut net = Vec::new();
        for e in errors {
            match e.field {
                VmField::DiskSize => self.size.set_error(Some(&e.message)),
                VmField::DiskPool => pool.push(e.message.as_str()),
                VmField::Network => net.push(e.message.as_str()),
                _ => continue,
            }
            any = true;
        }
        let join = |v: Vec<&str>| (!v.is_empty()).then(|| v.join("\n"));
        set_error(&self.pool_error, join(pool).as_deref());
        set_error(&self.network_error, join(net).as_deref());
        any
    }
}

pub struct OptionsPage {
    pub root: gtk::Box,
    pub open_details: gtk::Switch,
}

impl OptionsPage {
    pub fn build() -> OptionsPage {
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Options"))
            .build();
        let open_details = switch_row(
            &group,
            &gettext("Open the details before the first start"),
            &gettext(
                "The machine is created but not started, so its settings can be changed first",
            ),
            false,
        );
        let root = page_box();
        root.append(&group);
        OptionsPage { root, open_details }
    }
}
