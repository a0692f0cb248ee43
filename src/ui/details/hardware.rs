//! Disks and network cards: what `virsh domblklist --details`, `domblkinfo` and
//! `domiflist` show, plus each disk's backing chain and each card's addresses.

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use crate::core::details::DomainDetails;

/// Asks to resize disk `target`, whose size is `current` bytes when known.
pub type ResizeRequest = std::rc::Rc<dyn Fn(String, Option<u64>)>;

pub struct HardwarePage {
    pub root: adw::PreferencesPage,
    on_resize: ResizeRequest,
    disks: adw::PreferencesGroup,
    nics: adw::PreferencesGroup,
    rows: Vec<gtk::Widget>,
}

impl HardwarePage {
    pub fn new(on_resize: ResizeRequest) -> Self {
        let root = adw::PreferencesPage::new();
        let disks = adw::PreferencesGroup::builder()
            .title(gettext("Disks"))
            .build();
        let nics = adw::PreferencesGroup::builder()
            .title(gettext("Network Interfaces"))
            .build();
        root.add(&disks);
        root.add(&nics);
        HardwarePage {
            root,
            on_resize,
            disks,
            nics,
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
                    .unwrap_or_else(|| gettext("(empty)"));
            let row = adw::ExpanderRow::builder()
                .title(glib::markup_escape_text(&format!("{target} — {source}")))
                .subtitle(glib::markup_escape_text(&facts.join(" · ")))
                .build();
            row.set_enable_expansion(!disk.backing_chain.is_empty());
            if disk.device == "disk" {
                let resize = gtk::Button::builder()
                    .label(gettext("Resize…"))
                    .valign(gtk::Align::Center)
                    .build();
                resize.update_property(&[gtk::accessible::Property::Label(
                    &gettext("Resize {target}").replace("{target}", &target),
                )]);
                let (on_resize, t, size) = (
                    self.on_resize.clone(),
                    target.clone(),
                    d.disk_usage.get(&target).map(|u| u.capacity),
                );
                resize.connect_clicked(move |_| on_resize(t.clone(), size));
                row.add_action(&resize);
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
                facts.push(addrs.join(", "));
            }
            facts.retain(|f| !f.is_empty());
            let row = adw::ActionRow::builder()
                .title(glib::markup_escape_text(&source))
                .subtitle(glib::markup_escape_text(&facts.join(" · ")))
                .build();
            self.nics.add(&row);
            self.rows.push(row.upcast());
        }
    }
}
