//! "Change Media" of a CD-ROM drive: eject, or insert a disc image from a pool or
//! from a path on the host (`virsh change-media`). A running machine sees the new
//! disc at once.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::hardware_actions::{append_scope_note, read_then_show, Done};
use crate::core::details::cdrom::{self, Media};
use crate::core::details::device_apply::DeviceScope;
use crate::core::details::disk_add::{self, DiskChoices};
use crate::core::error::UserError;
use crate::core::storage::size::format_bytes;
use crate::core::worker::ConnectionHandle;
use crate::ui::networks::form::{combo_row, Dialog, Field};
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

struct Form {
    dialog: Dialog,
    choices: DiskChoices,
    /// 0: eject, 1: a pool's volume, 2: a file.
    source: adw::ComboRow,
    pool: adw::ComboRow,
    volume: adw::ComboRow,
    path: Field,
}

impl Form {
    fn show_source(&self) {
        let which = self.source.selected();
        self.pool.set_visible(which == 1);
        self.volume.set_visible(which == 1);
        self.path.set_error(None);
        self.path.row.set_visible(which == 2);
        self.dialog.ok.set_label(&if which == 0 {
            gettext("_Eject")
        } else {
            gettext("_Insert")
        });
    }

    fn list_volumes(&self) {
        let labels: Vec<String> = self
            .choices
            .pools
            .get(self.pool.selected() as usize)
            .map(|p| {
                p.volumes
                    .iter()
                    .map(|v| format!("{} · {}", v.name, format_bytes(v.capacity)))
                    .collect()
            })
            .unwrap_or_default();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        self.volume.set_model(Some(&gtk::StringList::new(&refs)));
    }

    /// Starts on the first disc image of the pools, not on some machine's disk.
    fn preselect_disc(&self) {
        let is_disc = |v: &crate::core::storage::volumes::VolumeInfo| {
            v.format.as_deref() == Some("iso") || v.name.to_lowercase().ends_with(".iso")
        };
        let found = self
            .choices
            .pools
            .iter()
            .enumerate()
            .find_map(|(p, pool)| pool.volumes.iter().position(is_disc).map(|v| (p, v)));
        let (pool, volume) = found.unwrap_or((0, 0));
        self.pool.set_selected(pool as u32);
        self.list_volumes();
        self.volume.set_selected(volume as u32);
    }

    fn read(&self) -> Result<Media, String> {
        match self.source.selected() {
            0 => Ok(Media::Eject),
            1 => {
                let pool = self.choices.pools.get(self.pool.selected() as usize);
                let volume = pool.and_then(|p| p.volumes.get(self.volume.selected() as usize));
                match (pool, volume) {
                    (Some(p), Some(v)) => Ok(Media::Volume {
                        pool: p.name.clone(),
                        volume: v.name.clone(),
                    }),
                    _ => Err(gettext("Choose a volume")),
                }
            }
            _ => Ok(Media::Path(self.path.text())),
        }
    }
}

/// Reads the pools on the worker, then opens the dialog for drive `target`.
pub fn open(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    target: String,
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
        move |choices| show(&parent, handle, uuid, target, choices, toaster, done),
    );
}

fn show(
    parent: &gtk::Window,
    handle: ConnectionHandle,
    uuid: String,
    target: String,
    choices: DiskChoices,
    toaster: Toaster,
    done: Done,
) {
    let dialog = Dialog::new(
        parent,
        &gettext("Change the Media in {target}").replace("{target}", &target),
        &gettext("_Insert"),
    );
    dialog.window.set_widget_name("change-media");
    dialog.window.set_default_size(560, 380);
    append_scope_note(&dialog, choices.scope);
    let group = dialog.group("");
    let source = combo_row(
        &group,
        &gettext("Media"),
        &[
            gettext("None (eject)"),
            gettext("A volume from a pool"),
            gettext("An image file on the host"),
        ],
    );
    source.set_widget_name("source");
    source.set_selected(1);
    let pool_names: Vec<String> = choices.pools.iter().map(|p| p.name.clone()).collect();
    let pool = combo_row(&group, &gettext("Pool"), &pool_names);
    pool.set_widget_name("pool");
    let volume = combo_row(&group, &gettext("Volume"), &[]);
    volume.set_widget_name("volume");
    // Volume names are long: the choice reads in full under the title.
    volume.set_use_subtitle(true);
    let path = Field::new(
        &group,
        &gettext("Path of the image, e.g. /srv/iso/debian.iso"),
        "path",
    );
    let form = Rc::new(Form {
        dialog,
        choices,
        source,
        pool,
        volume,
        path,
    });
    form.preselect_disc();
    form.show_source();
    let f = form.clone();
    form.source
        .connect_selected_notify(move |_| f.show_source());
    let f = form.clone();
    form.pool.connect_selected_notify(move |_| f.list_volumes());
    let f = form.clone();
    form.dialog.ok.connect_clicked(move |_| {
        f.dialog.show_error(None);
        let media = match f.read() {
            Ok(m) => m,
            Err(message) => return f.dialog.show_error(Some(&message)),
        };
        f.dialog.busy(true);
        let (f2, toaster, done, uuid, target) = (
            f.clone(),
            toaster.clone(),
            done.clone(),
            uuid.clone(),
            target.clone(),
        );
        let ejecting = media == Media::Eject;
        let t = target.clone();
        handle.run(
            move |conn| cdrom::change_media(conn, &uuid, &t, &media),
            on_main(move |r: Result<DeviceScope, UserError>| {
                f2.dialog.busy(false);
                match r {
                    Ok(_) => {
                        toaster.show(
                            if ejecting {
                                gettext("Ejected the media from {target}")
                            } else {
                                gettext("Inserted the media in {target}")
                            }
                            .replace("{target}", &target),
                        );
                        f2.dialog.close();
                        done();
                    }
                    Err(e) if f2.source.selected() == 2 => f2.path.set_error(Some(&e.message)),
                    Err(e) => f2.dialog.show_error(Some(&e.message)),
                }
            }),
        );
    });
    form.dialog.present();
}
