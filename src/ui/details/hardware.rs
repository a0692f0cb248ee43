//! Disks and network cards: what `virsh domblklist --details`, `domblkinfo` and
//! `domiflist` show, plus each disk's backing chain and each card's addresses, with
//! the buttons that change them (the dialogs are in this folder's `*_dialog.rs`).

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::details::DomainDetails;
use crate::core::words::join_list;

/// What the person asked the Hardware page for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HardwareRequest {
    /// Resize disk `target`, whose size is known in bytes when given.
    Resize(String, Option<u64>),
    AddDisk,
    RemoveDisk(String),
    /// Eject or insert media in CD-ROM drive `target`.
    ChangeMedia(String),
    AddCdrom,
    AddNic,
    /// Remove the card with this MAC.
    RemoveNic(String),
    /// Plug the card's cable in (`true`) or pull it out.
    SetLink(String, bool),
}

pub type RequestFn = Rc<dyn Fn(HardwareRequest)>;

/// A button with text that sends `request`.
fn request_button(
    request: &RequestFn,
    label: &str,
    accessible: &str,
    r: HardwareRequest,
) -> gtk::Button {
    let button = gtk::Button::builder()
        .label(label)
        .valign(gtk::Align::Center)
        .build();
    button.update_property(&[gtk::accessible::Property::Label(accessible)]);
    let request = request.clone();
    button.connect_clicked(move |_| request(r.clone()));
    button
}

/// A flat trash button that sends `request`.
fn remove_button(request: &RequestFn, accessible: &str, r: HardwareRequest) -> gtk::Button {
    let button = gtk::Button::from_icon_name("user-trash-symbolic");
    button.set_valign(gtk::Align::Center);
    button.add_css_class("flat");
    button.set_tooltip_text(Some(accessible));
    button.update_property(&[gtk::accessible::Property::Label(accessible)]);
    let request = request.clone();
    button.connect_clicked(move |_| request(r.clone()));
    button
}

pub struct HardwarePage {
    pub root: adw::PreferencesPage,
    request: RequestFn,
    disks: adw::PreferencesGroup,
    nics: adw::PreferencesGroup,
    /// Offered only to a machine without any CD-ROM drive.
    pub add_cdrom: gtk::Button,
    rows: Vec<gtk::Widget>,
}

impl HardwarePage {
    pub fn new(request: RequestFn) -> Self {
        let root = adw::PreferencesPage::new();
        let disks = adw::PreferencesGroup::builder()
            .title(gettext("Disks"))
            .build();
        let nics = adw::PreferencesGroup::builder()
            .title(gettext("Network Interfaces"))
            .build();
        let add_disk = request_button(
            &request,
            &gettext("Add Disk…"),
            &gettext("Add Disk"),
            HardwareRequest::AddDisk,
        );
        let add_cdrom = request_button(
            &request,
            &gettext("Add CD-ROM Drive"),
            &gettext("Add CD-ROM Drive"),
            HardwareRequest::AddCdrom,
        );
        let disk_buttons = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        disk_buttons.append(&add_cdrom);
        disk_buttons.append(&add_disk);
        disks.set_header_suffix(Some(&disk_buttons));
        nics.set_header_suffix(Some(&request_button(
            &request,
            &gettext("Add Network Interface…"),
            &gettext("Add Network Interface"),
            HardwareRequest::AddNic,
        )));
        root.add(&disks);
        root.add(&nics);
        HardwarePage {
            root,
            request,
            disks,
            nics,
            add_cdrom,
            rows: Vec::new(),
        }
    }

    pub fn show(&mut self, d: &DomainDetails) {
        for row in self.rows.drain(..) {
            if let Some(group) = row.ancestor(adw::PreferencesGroup::static_type()) {
                group
                    .downcast_ref::<adw::PreferencesGroup>()
                    .unwrap()
                    .remove(&row);
            }
        }
        for disk in &d.live.disks {
            let target = disk.target_dev.clone().unwrap_or_else(|| "?".into());
            let device = disk.device.clone();
            let mut facts = vec![device, disk.target_bus.clone().unwrap_or_default()];
            if let Some(f) = &disk.format {
                facts.push(f.clone());
            }
            if let Some(u) = d.disk_usage.get(&target) {
                facts.push(
                    gettext("{alloc} used of {cap}")
                        .replace("{alloc}", &glib::format_size(u.allocation))
                        .replace("{cap}", &glib::format_size(u.capacity)),
                );
            }
            if disk.readonly {
                facts.push(gettext("read-only"));
            }
            if disk.shareable {
                facts.push(gettext("shareable"));
            }
            facts.retain(|f| !f.is_empty());
            let source =
                disk.source
                    .path()
                    .map(str::to_string)
                    .or_else(|| {
                        disk.source.volume.as_ref().map(|v| {
                            format!("{}/{}", disk.source.pool.clone().unwrap_or_default(), v)
                        })
                    })
                    .or_else(|| disk.source.network_url())
                    .unwrap_or_else(|| gettext("(empty)"));
            let row = adw::ExpanderRow::builder()
                .title(glib::markup_escape_text(&format!("{target} — {source}")))
                .subtitle(glib::markup_escape_text(&facts.join(" · ")))
                .build();
            row.set_widget_name(&target);
            row.set_enable_expansion(!disk.backing_chain.is_empty());
            // Actions are prepended: the last added shows first.
            row.add_action(&remove_button(
                &self.request,
                &gettext("Remove {target}").replace("{target}", &target),
                HardwareRequest::RemoveDisk(target.clone()),
            ));
            if disk.device == "disk" {
                row.add_action(&request_button(
                    &self.request,
                    &gettext("Resize…"),
                    &gettext("Resize {target}").replace("{target}", &target),
                    HardwareRequest::Resize(
                        target.clone(),
                        d.disk_usage.get(&target).map(|u| u.capacity),
                    ),
                ));
            }
            if disk.device == "cdrom" {
                row.add_action(&request_button(
                    &self.request,
                    &gettext("Change Media…"),
                    &gettext("Change the media in {target}").replace("{target}", &target),
                    HardwareRequest::ChangeMedia(target.clone()),
                ));
            }
            row.set_show_enable_switch(false);
            for (depth, layer) in disk.backing_chain.iter().enumerate() {
                let path = layer.source.path().unwrap_or("?").to_string();
                let fmt = layer.format.clone().unwrap_or_default();
                let child = adw::ActionRow::builder()
                    .title(glib::markup_escape_text(&path))
                    .subtitle(glib::markup_escape_text(
                        &gettext("backing layer {n} · {format}")
                            .replace("{n}", &(depth + 1).to_string())
                            .replace("{format}", &fmt),
                    ))
                    .build();
                row.add_row(&child);
            }
            self.disks.add(&row);
            self.rows.push(row.upcast());
        }
        for nic in &d.live.interfaces {
            let source = nic
                .source_network
                .as_ref()
                .map(|n| gettext("network {name}").replace("{name}", n))
                .or_else(|| {
                    nic.source_bridge
                        .as_ref()
                        .map(|b| gettext("bridge {name}").replace("{name}", b))
                })
                .or_else(|| nic.source_dev.clone())
                .unwrap_or_else(|| nic.iface_type.clone());
            let mac = nic.mac.clone().unwrap_or_default();
            let mut facts = vec![nic.model.clone().unwrap_or_default(), mac.clone()];
            facts.push(match nic.link_state.as_deref() {
                Some("down") => gettext("link down"),
                _ => gettext("link up"),
            });
            if let Some(addrs) = d.addresses.get(&mac.to_lowercase()) {
                facts.push(join_list(addrs));
            }
            facts.retain(|f| !f.is_empty());
            let row = adw::ActionRow::builder()
                .title(glib::markup_escape_text(&source))
                .subtitle(glib::markup_escape_text(&facts.join(" · ")))
                .build();
            row.set_widget_name(&mac);
            if !mac.is_empty() {
                row.add_suffix(&self.link_switch(&mac, nic.link_state.as_deref() != Some("down")));
                row.add_suffix(&remove_button(
                    &self.request,
                    &gettext("Remove the network interface {mac}").replace("{mac}", &mac),
                    HardwareRequest::RemoveNic(mac.clone()),
                ));
            }
            self.nics.add(&row);
            self.rows.push(row.upcast());
        }
        let has_cdrom = d
            .live
            .disks
            .iter()
            .chain(&d.config.disks)
            .any(|disk| disk.device == "cdrom");
        self.add_cdrom.set_visible(!has_cdrom);
        let running = d.summary.state.is_active();
        self.add_cdrom.set_sensitive(!running);
        self.add_cdrom.set_tooltip_text(Some(&if running {
            gettext("A CD-ROM drive can only be added while the machine is off")
        } else {
            gettext("Add an empty CD-ROM drive")
        }));
    }

    /// The card's cable: on is plugged in. Set before it is connected, so showing the
    /// state sends nothing; a change the host refuses is undone by the re-read.
    fn link_switch(&self, mac: &str, up: bool) -> gtk::Switch {
        let switch = gtk::Switch::builder()
            .active(up)
            .valign(gtk::Align::Center)
            .tooltip_text(gettext(
                "Link: a switched-off card behaves as if its cable were pulled out",
            ))
            .build();
        switch.update_property(&[gtk::accessible::Property::Label(
            &gettext("Link of {mac}").replace("{mac}", mac),
        )]);
        let (request, mac) = (self.request.clone(), mac.to_string());
        switch.connect_active_notify(move |s| {
            request(HardwareRequest::SetLink(mac.clone(), s.is_active()))
        });
        switch
    }
}
