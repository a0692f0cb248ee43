//! "New Volume": raw or qcow2, a size as people type it, optionally an overlay on a
//! backing store picked from the pools (`qemu-img create -b … -F …`). Checked on the
//! worker against the pool before libvirt is asked.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::error::UserError;
use crate::core::storage::size::format_bytes;
use crate::core::storage::volume_ops::{self, CreateError};
use crate::core::storage::volume_plan::{BackingChoice, VolField, VolumeForm};
use crate::core::xml::VolumeFormat;
use crate::ui::networks::form::{combo_row, switch_row, Dialog, ErrorLine, Field};
use crate::ui::panel::PageCtx;

struct Form {
    dialog: Dialog,
    name: Field,
    format: adw::ComboRow,
    size: Field,
    backing: adw::ComboRow,
    backing_error: ErrorLine,
    preallocate: gtk::Switch,
    choices: Vec<BackingChoice>,
}

impl Form {
    fn read(&self) -> VolumeForm {
        let backing = match self.backing.selected() {
            0 => None,
            i => self.choices.get(i as usize - 1).cloned(),
        };
        VolumeForm {
            name: self.name.text(),
            format: if self.format.selected() == 0 {
                VolumeFormat::Qcow2
            } else {
                VolumeFormat::Raw
            },
            size: self.size.text(),
            backing,
            preallocate: self.preallocate.is_active(),
        }
    }

    fn show_errors(&self, errors: &[crate::core::storage::volume_plan::FieldError]) {
        for e in errors {
            match e.field {
                VolField::Name => self.name.set_error(Some(&e.message)),
                VolField::Size => self.size.set_error(Some(&e.message)),
                VolField::Backing => self.backing_error.set(Some(&e.message)),
            }
        }
    }

    fn clear(&self) {
        self.name.set_error(None);
        self.size.set_error(None);
        self.backing_error.set(None);
        self.dialog.show_error(None);
    }
}

/// Reads the backing choices on the worker, then opens the dialog. `created` runs
/// after a volume was made (to list the pool again).
pub fn open(
    parent: &impl IsA<gtk::Widget>,
    ctx: &PageCtx,
    pool_uuid: String,
    pool_name: String,
    created: impl Fn() + 'static,
) {
    let parent: gtk::Widget = parent.as_ref().clone();
    let ctx2 = ctx.clone();
    ctx.run(volume_ops::backing_choices, move |r| match r {
        Err(e) => ctx2.toaster.show(e.message),
        Ok(choices) => show(&parent, &ctx2, pool_uuid, &pool_name, choices, created),
    });
}

fn show(
    parent: &gtk::Widget,
    ctx: &PageCtx,
    pool_uuid: String,
    pool_name: &str,
    choices: Vec<(String, BackingChoice)>,
    created: impl Fn() + 'static,
) {
    let dialog = Dialog::new(
        parent,
        &gettext("New Volume in “{pool}”").replace("{pool}", pool_name),
        &gettext("C_reate"),
    );
    dialog.window.set_widget_name("new-volume");
    let group = dialog.group("");
    let name = Field::new(&group, &gettext("Name"), "name");
    let format = combo_row(
        &group,
        &gettext("Format"),
        &["qcow2".to_string(), "raw".to_string()],
    );
    format.set_widget_name("format");
    let size = Field::new(&group, &gettext("Size, e.g. 20G or 500 MiB"), "size");
    let base = dialog.group(&gettext("Copy-on-write"));
    let mut labels = vec![gettext("None: a new, empty volume")];
    labels.extend(
        choices
            .iter()
            .map(|(l, c)| format!("{l} ({}, {})", c.format, format_bytes(c.capacity))),
    );
    let backing = combo_row(&base, &gettext("Backing store"), &labels);
    backing.set_widget_name("backing");
    backing.set_subtitle(&gettext("The new qcow2 volume only stores what differs from it; its size defaults to the backing store's"));
    let backing_error = ErrorLine::new(&base, "backing-error");
    let options = dialog.group("");
    let preallocate = switch_row(
        &options,
        &gettext("Allocate all space now"),
        &gettext("Otherwise the volume is thin and grows as it is written"),
        false,
    );
    {
        // An overlay is always thin: nothing to allocate.
        let preallocate = preallocate.clone();
        backing.connect_selected_notify(move |b| {
            preallocate.set_sensitive(b.selected() == 0);
            if b.selected() != 0 {
                preallocate.set_active(false);
            }
        });
    }
    let form = Rc::new(Form {
        dialog,
        name,
        format,
        size,
        backing,
        backing_error,
        preallocate,
        choices: choices.into_iter().map(|(_, c)| c).collect(),
    });
    let f = form.clone();
    let ctx = ctx.clone();
    let created = Rc::new(created);
    form.dialog.ok.connect_clicked(move |_| {
        f.clear();
        f.dialog.busy(true);
        let request = f.read();
        let uuid = pool_uuid.clone();
        let (f2, toaster, created) = (f.clone(), ctx.toaster.clone(), created.clone());
        ctx.run(
            move |conn| Ok(volume_ops::create(conn, &uuid, &request)),
            move |r: Result<Result<String, CreateError>, UserError>| {
                f2.dialog.busy(false);
                match r.unwrap_or_else(|e| Err(CreateError::Libvirt(e))) {
                    Ok(name) => {
                        toaster.show(gettext("Volume “{name}” created").replace("{name}", &name));
                        f2.dialog.close();
                        created();
                    }
                    Err(CreateError::Fields(errors)) => f2.show_errors(&errors),
                    Err(CreateError::Libvirt(e)) => f2.dialog.show_error(Some(&e.message)),
                }
            },
        );
    });
    form.dialog.present();
}
