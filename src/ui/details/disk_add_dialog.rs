//! "Add Disk": a new volume (pool, name, size with its unit, format) or an existing
//! one (pool, then volume), on a bus, with the next free target filled in. Checked
//! on the worker: each message appears under its field, libvirt's answer above the
//! form, and the dialog says whether the change applies now, at the next start, or
//! both.

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware_actions::{append_scope_note, read_then_show, Done};
use crate::core::details::disk_add::{
    self, AddDiskError, AddedDisk, DiskChoices, DiskField, DiskImage, DiskRequest, BUSES,
};
use crate::core::error::UserError;
use crate::core::storage::size::format_bytes;
use crate::core::words::join_list;
use crate::core::worker::ConnectionHandle;
use crate::core::xml::VolumeFormat;
use crate::ui::networks::form::{combo_row, Dialog, ErrorLine, Field};
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

const UNITS: [&str; 3] = ["MiB", "GiB", "TiB"];
const FORMATS: [VolumeFormat; 2] = [VolumeFormat::Qcow2, VolumeFormat::Raw];

struct Form {
    dialog: Dialog,
    choices: DiskChoices,
    /// 0: a new volume, 1: an existing one.
    kind: adw::ComboRow,
    pool: adw::ComboRow,
    pool_error: ErrorLine,
    volume: adw::ComboRow,
    volume_error: ErrorLine,
    name: Field,
    size: Field,
    unit: gtk::DropDown,
    format: adw::ComboRow,
    bus: adw::ComboRow,
    target: Field,
    /// The name and target follow the other fields until the person types in them.
    name_typed: Cell<bool>,
    target_typed: Cell<bool>,
    /// Set while the form itself fills a field, so that does not count as typing.
    filling: Cell<bool>,
}

impl Form {
    fn bus(&self) -> &'static str {
        BUSES[self.bus.selected() as usize]
    }

    fn format(&self) -> VolumeFormat {
        FORMATS[self.format.selected() as usize]
    }

    fn pool_name(&self) -> String {
        self.choices
            .pools
            .get(self.pool.selected() as usize)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    fn fill(&self, field: &Field, text: &str) {
        self.filling.set(true);
        field.row.set_text(text);
        self.filling.set(false);
    }

    /// Follows bus and format into target and name, unless the person typed them.
    fn follow(&self) {
        if !self.target_typed.get() {
            self.fill(&self.target, &self.choices.next_target(self.bus()));
        }
        if !self.name_typed.get() {
            let name = format!(
                "{}-{}.{}",
                self.choices.machine,
                self.target.text().trim(),
                self.format().as_str()
            );
            self.fill(&self.name, &name);
        }
    }

    fn show_kind(&self) {
        let new = self.kind.selected() == 0;
        self.volume.set_visible(!new);
        self.volume_error.set(None);
        for field in [&self.name, &self.size] {
            field.set_error(None);
            field.row.set_visible(new);
        }
        self.format.set_visible(new);
    }

    /// The pool's volumes, each with its format, size and users.
    fn list_volumes(&self) {
        let labels: Vec<String> = self
            .choices
            .pools
            .get(self.pool.selected() as usize)
            .map(|p| {
                p.volumes
                    .iter()
                    .map(|v| {
                        let mut label = format!(
                            "{} · {} · {}",
                            v.name,
                            v.format.as_deref().unwrap_or("raw"),
                            format_bytes(v.capacity)
                        );
                        if !v.used_by.is_empty() {
                            label.push_str(" · ");
                            label.push_str(
                                &gettext("used by {machines}")
                                    .replace("{machines}", &join_list(&v.used_by)),
                            );
                        }
                        label
                    })
                    .collect()
            })
            .unwrap_or_default();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        self.volume.set_model(Some(&gtk::StringList::new(&refs)));
    }

    fn size_text(&self) -> String {
        let text = self.size.text();
        // "20G" typed whole wins over the unit next to it.
        if text.chars().any(char::is_alphabetic) {
            text
        } else {
            format!("{} {}", text.trim(), UNITS[self.unit.selected() as usize])
        }
    }

    fn read(&self) -> DiskRequest {
        let pool = self.pool_name();
        let image = if self.kind.selected() == 0 {
            DiskImage::New {
                pool,
                name: self.name.text(),
                size: self.size_text(),
                format: self.format(),
            }
        } else {
            let volume = self
                .choices
                .pools
                .get(self.pool.selected() as usize)
                .and_then(|p| p.volumes.get(self.volume.selected() as usize))
                .map(|v| v.name.clone())
                .unwrap_or_default();
            DiskImage::Existing { pool, volume }
        };
        DiskRequest {
            image,
            bus: self.bus().into(),
            target: self.target.text(),
        }
    }

    fn show_errors(&self, errors: &[(DiskField, String)]) {
        for (field, message) in errors {
            let m = Some(message.as_str());
            match field {
                DiskField::Pool => self.pool_error.set(m),
                DiskField::Volume => self.volume_error.set(m),
                DiskField::Name => self.name.set_error(m),
                DiskField::Size => self.size.set_error(m),
                DiskField::Target => self.target.set_error(m),
            }
        }
    }

    fn clear(&self) {
        for f in [&self.name, &self.size, &self.target] {
            f.set_error(None);
        }
        self.pool_error.set(None);
        self.volume_error.set(None);
        self.dialog.show_error(None);
    }
}

/// Reads the pools and the machine's disks on the worker, then opens the dialog.
pub fn open(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    toaster: Toaster,
    done: Done,
) {
    let (parent, h, u, t) = (
        parent.clone(),
        handle.clone(),
        uuid.clone(),
        toaster.clone(),
    );
    read_then_show(
        &h,
        t,
        move |conn| disk_add::choices(conn, &u),
        move |choices| show(&parent, handle, uuid, choices, toaster, done),
    );
}

fn show(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    choices: DiskChoices,
    toaster: Toaster,
    done: Done,
) {
    let dialog = Dialog::new(
        parent,
        &gettext("Add a Disk to {machine}").replace("{machine}", &choices.machine),
        &gettext("_Add"),
    );
    dialog.window.set_widget_name("add-disk");
    dialog.window.set_default_size(560, 720);
    append_scope_note(&dialog, choices.scope);

    let image = dialog.group(&gettext("Image"));
    let kind = combo_row(
        &image,
        &gettext("Source"),
        &[gettext("A new volume"), gettext("An existing volume")],
    );
    kind.set_widget_name("kind");
    let pool_labels: Vec<String> = choices
        .pools
        .iter()
        .map(|p| {
            gettext("{pool} ({free} free)")
                .replace("{pool}", &p.name)
                .replace("{free}", &format_bytes(p.available))
        })
        .collect();
    let pool = combo_row(&image, &gettext("Pool"), &pool_labels);
    pool.set_widget_name("pool");
    let pool_error = ErrorLine::new(&image, "pool-error");
    let volume = combo_row(&image, &gettext("Volume"), &[]);
    volume.set_widget_name("volume");
    // Volume names are long: the choice reads in full under the title.
    volume.set_use_subtitle(true);
    let volume_error = ErrorLine::new(&image, "volume-error");
    let name = Field::new(&image, &gettext("Name of the new volume"), "name");
    let size = Field::new(&image, &gettext("Size"), "size").with_text("10");
    let unit = gtk::DropDown::from_strings(&UNITS);
    unit.set_selected(1);
    unit.set_valign(gtk::Align::Center);
    unit.set_widget_name("unit");
    unit.update_property(&[gtk::accessible::Property::Label(&gettext("Size unit"))]);
    size.row.add_suffix(&unit);
    let format = combo_row(
        &image,
        &gettext("Format"),
        &FORMATS.map(|f| f.as_str().to_string()),
    );
    format.set_widget_name("format");
    format.set_subtitle(&gettext(
        "qcow2 grows as the guest writes and allows snapshots; raw is plain and a little faster",
    ));

    let connection = dialog.group(&gettext("Connection"));
    let bus = combo_row(&connection, &gettext("Bus"), &BUSES.map(str::to_string));
    bus.set_widget_name("bus");
    let target = Field::new(&connection, &gettext("Target device"), "target");

    let form = Rc::new(Form {
        dialog,
        choices,
        kind,
        pool,
        pool_error,
        volume,
        volume_error,
        name,
        size,
        unit,
        format,
        bus,
        target,
        name_typed: Cell::new(false),
        target_typed: Cell::new(false),
        filling: Cell::new(false),
    });
    form.follow();
    form.list_volumes();
    form.show_kind();
    wire(&form);
    let f = form.clone();
    form.dialog
        .ok
        .connect_clicked(move |_| submit(&f, &handle, &uuid, &toaster, &done));
    form.dialog.present();
}

/// Keeps the form consistent as the person changes it.
fn wire(form: &Rc<Form>) {
    let f = form.clone();
    form.kind.connect_selected_notify(move |_| f.show_kind());
    let f = form.clone();
    form.pool.connect_selected_notify(move |_| f.list_volumes());
    for combo in [&form.bus, &form.format] {
        let f = form.clone();
        combo.connect_selected_notify(move |_| f.follow());
    }
    let f = form.clone();
    form.target.row.connect_changed(move |_| {
        if !f.filling.get() {
            f.target_typed.set(true);
            f.follow();
        }
    });
    let f = form.clone();
    form.name.row.connect_changed(move |_| {
        if !f.filling.get() {
            f.name_typed.set(true);
        }
    });
}

fn submit(form: &Rc<Form>, handle: &ConnectionHandle, uuid: &str, toaster: &Toaster, done: &Done) {
    form.clear();
    form.dialog.busy(true);
    let request = form.read();
    let (f, toaster, done, uuid) = (
        form.clone(),
        toaster.clone(),
        done.clone(),
        uuid.to_string(),
    );
    handle.run(
        move |conn| Ok(disk_add::add(conn, &uuid, &request)),
        on_main(
            move |r: Result<Result<AddedDisk, AddDiskError>, UserError>| {
                f.dialog.busy(false);
                match r.unwrap_or_else(|e| Err(AddDiskError::Libvirt(e))) {
                    Ok(added) => {
                        let text = if added.created {
                            gettext("Added {target} on the new volume {volume}")
                        } else {
                            gettext("Added {target} on {volume}")
                        };
                        toaster.show(
                            text.replace("{target}", &added.target)
                                .replace("{volume}", &added.volume),
                        );
                        f.dialog.close();
                        done();
                    }
                    Err(AddDiskError::Fields(errors)) => f.show_errors(&errors),
                    Err(AddDiskError::Libvirt(e)) => f.dialog.show_error(Some(&e.message)),
                }
            },
        ),
    );
}
