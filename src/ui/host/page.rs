//! `virsh nodeinfo` and `virsh version` as a page, with live CPU and memory graphs, the
//! acceleration verdict and the reason for it, and the host's network interfaces.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::error::UserError;
use crate::core::host::{self, HostReport};
use crate::core::model::format_kib;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;

pub struct HostPage {
    pub root: adw::PreferencesPage,
    pub usage: super::usage::HostUsage,
    groups: RefCell<Vec<adw::PreferencesGroup>>,
    /// The last report shown, for tests.
    pub last: Rc<RefCell<Option<HostReport>>>,
    shown_uri: RefCell<String>,
}

impl HostPage {
    pub fn new() -> Rc<Self> {
        let root = adw::PreferencesPage::new();
        let usage = super::usage::HostUsage::new();
        root.add(&usage.group);
        Rc::new(HostPage {
            root,
            usage,
            groups: RefCell::default(),
            last: Rc::default(),
            shown_uri: RefCell::default(),
        })
    }

    /// Reads the host's report on its worker and shows it.
    pub fn show(self: &Rc<Self>, handle: Option<&ConnectionHandle>) {
        let Some(handle) = handle else {
            self.clear();
            self.usage.clear();
            return;
        };
        let uri = handle.spec.uri.clone();
        if *self.shown_uri.borrow() != uri {
            // Another host's facts must not stand under this host's name while its
            // report is read.
            self.clear();
            self.usage.clear();
            self.last.replace(None);
        }
        self.shown_uri.replace(uri.clone());
        let weak = Rc::downgrade(self);
        let asked = uri.clone();
        handle.run(
            move |conn| host::report(conn, &uri),
            on_main(move |result: Result<HostReport, UserError>| {
                let Some(me) = weak.upgrade() else { return };
                if *me.shown_uri.borrow() != asked {
                    return;
                }
                match result {
                    Ok(report) => me.fill(report),
                    Err(e) => {
                        me.clear();
                        let g = adw::PreferencesGroup::builder()
                            .title(gettext("Host"))
                            .build();
                        g.add(&row(&gettext("Could not read the host"), &e.message));
                        me.add_group(g);
                    }
                }
            }),
        );
    }

    fn clear(&self) {
        for g in self.groups.borrow_mut().drain(..) {
            self.root.remove(&g);
        }
    }

    fn add_group(&self, g: adw::PreferencesGroup) {
        self.root.add(&g);
        self.groups.borrow_mut().push(g);
    }

    fn fill(&self, r: HostReport) {
        self.clear();
        let i = &r.info;
        let general = adw::PreferencesGroup::builder()
            .title(gettext("Host"))
            .build();
        general.add(&row(&gettext("Host name"), &i.hostname));
        general.add(&row(
            &gettext("Hypervisor"),
            &format!("{} {}", i.driver, i.hypervisor_version),
        ));
        general.add(&row(&gettext("libvirt"), &i.libvirt_version));
        self.add_group(general);

        let hw = adw::PreferencesGroup::builder()
            .title(gettext("Processor and Memory"))
            .build();
        let not_reported = gettext("Not reported by the hypervisor");
        hw.add(&row(
            &gettext("CPU model"),
            i.cpu_model.as_deref().unwrap_or(&not_reported),
        ));
        hw.add(&row(&gettext("Architecture"), &i.arch));
        hw.add(&row(
            &gettext("CPUs"),
            &gettext("{cpus} ({sockets} sockets × {cores} cores × {threads} threads, {nodes} NUMA nodes)")
                .replace("{cpus}", &i.cpus.to_string())
                .replace("{sockets}", &i.sockets.to_string())
                .replace("{cores}", &i.cores.to_string())
                .replace("{threads}", &i.threads.to_string())
                .replace("{nodes}", &i.numa_nodes.to_string()),
        ));
        hw.add(&row(
            &gettext("Frequency"),
            &gettext("{mhz} MHz").replace("{mhz}", &i.mhz.to_string()),
        ));
        hw.add(&row(&gettext("Memory"), &format_kib(i.memory_kib)));
        self.add_group(hw);

        let (domain_type, why) = r.acceleration.recommended_domain_type();
        let accel = adw::PreferencesGroup::builder()
            .title(gettext("Hardware Acceleration"))
            .description(why)
            .build();
        for check in &r.acceleration.checks {
            let line = row(&check.name, &check.detail);
            let icon = gtk::Image::from_icon_name(if check.ok {
                "emblem-ok-symbolic"
            } else {
                "dialog-warning-symbolic"
            });
            icon.update_property(&[gtk::accessible::Property::Label(&if check.ok {
                gettext("passed")
            } else {
                gettext("failed")
            })]);
            line.add_prefix(&icon);
            accel.add(&line);
        }
        accel.add(&row(&gettext("New machines use"), domain_type));
        self.add_group(accel);

        if !r.interfaces.is_empty() {
            let nets = adw::PreferencesGroup::builder()
                .title(gettext("Network Interfaces"))
                .build();
            for n in &r.interfaces {
                let mut facts = vec![n.mac.clone()];
                facts.push(if n.active {
                    gettext("up")
                } else {
                    gettext("down")
                });
                if n.is_bridge {
                    facts.push(gettext("bridge"));
                }
                facts.retain(|f| !f.is_empty());
                nets.add(&row(&n.name, &facts.join(" · ")));
            }
            self.add_group(nets);
        }
        self.last.replace(Some(r));
    }
}

fn row(title: &str, value: &str) -> adw::ActionRow {
    adw::ActionRow::builder()
        .title(glib::markup_escape_text(title))
        .subtitle(glib::markup_escape_text(value))
        .build()
}
