//! "New Storage Pool": forms for a directory, a filesystem on a block device, a
//! network filesystem (NFS) and an LVM volume group; any other type (iSCSI, RBD,
//! Gluster, …) as XML. Checked on the worker, then defined, built and started; a
//! step that fails undoes the ones before it.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::error::UserError;
use crate::core::storage::pool_plan::{FieldError, PoolField, PoolForm, PoolFormKind};
use crate::core::storage::pools::{self, CreateError, CreateSteps};
use crate::core::storage::transfer::CancelFlag;
use crate::ui::networks::form::{
    combo_row, switch_row, text_of, xml_view, Dialog, ErrorLine, Field,
};
use crate::ui::panel::PageCtx;

const XML_TEMPLATE: &str = "<pool type='iscsi'>\n  <name>san</name>\n  <source>\n    <host name='iscsi.example.lan'/>\n    <device path='iqn.2024-01.lan.example:storage'/>\n  </source>\n  <target>\n    <path>/dev/disk/by-path</path>\n  </target>\n</pool>\n";

struct Form {
    dialog: Dialog,
    name: Field,
    kind: adw::ComboRow,
    groups: Vec<adw::PreferencesGroup>,
    dir_target: Field,
    fs_device: Field,
    fs_target: Field,
    nfs_host: Field,
    nfs_dir: Field,
    nfs_target: Field,
    vg_name: Field,
    vg_devices: Field,
    xml: gtk::TextView,
    xml_error: ErrorLine,
    build: gtk::Switch,
    start: gtk::Switch,
    autostart: gtk::Switch,
}

impl Form {
    fn read(&self) -> PoolForm {
        let kind = match self.kind.selected() {
            0 => PoolFormKind::Dir {
                target: self.dir_target.text(),
            },
            1 => PoolFormKind::Fs {
                device: self.fs_device.text(),
                target: self.fs_target.text(),
            },
            2 => PoolFormKind::Netfs {
                host: self.nfs_host.text(),
                source_dir: self.nfs_dir.text(),
                target: self.nfs_target.text(),
            },
            3 => PoolFormKind::Logical {
                volume_group: self.vg_name.text(),
                devices: self.vg_devices.text(),
            },
            _ => PoolFormKind::Xml {
                xml: text_of(&self.xml),
            },
        };
        PoolForm {
            name: self.name.text(),
            kind,
        }
    }

    fn fields(&self) -> [&Field; 9] {
        [
            &self.name,
            &self.dir_target,
            &self.fs_device,
            &self.fs_target,
            &self.nfs_host,
            &self.nfs_dir,
            &self.nfs_target,
            &self.vg_name,
            &self.vg_devices,
        ]
    }

    fn clear(&self) {
        for f in self.fields() {
            f.set_error(None);
        }
        self.xml_error.set(None);
        self.dialog.show_error(None);
    }

    fn show_error(&self, e: &FieldError) {
        let kind = self.kind.selected();
        let field = match (e.field, kind) {
            (PoolField::Xml, _) => {
                self.xml_error.set(Some(&e.message));
                return;
            }
            (PoolField::Name, _) => &self.name,
            (PoolField::Target, 0) => &self.dir_target,
            (PoolField::Target, 1) => &self.fs_target,
            (PoolField::Target, _) => &self.nfs_target,
            (PoolField::Device, 1) => &self.fs_device,
            (PoolField::Device, _) => &self.vg_devices,
            (PoolField::Host, _) => &self.nfs_host,
            (PoolField::SourceDir, _) => &self.nfs_dir,
            (PoolField::VolumeGroup, _) => &self.vg_name,
        };
        field.set_error(Some(&e.message));
    }

    /// Shows the group of the chosen type and sensible defaults for "Build".
    fn kind_changed(&self) {
        let kind = self.kind.selected() as usize;
        for (i, g) in self.groups.iter().enumerate() {
            g.set_visible(i == kind);
        }
        self.name.row.set_visible(kind != 4);
        // Building a filesystem or volume group formats the devices: never by default.
        self.build.set_active(matches!(kind, 0 | 2));
    }
}

pub fn open(parent: &impl IsA<gtk::Widget>, ctx: &PageCtx) -> adw::Window {
    let dialog = Dialog::new(parent, &gettext("New Storage Pool"), &gettext("C_reate"));
    dialog.window.set_widget_name("new-pool");
    let top = dialog.group("");
    let name = Field::new(&top, &gettext("Name"), "name");
    let kinds = [
        gettext("Directory"),
        gettext("Disk filesystem"),
        gettext("NFS share"),
        gettext("LVM volume group"),
        gettext("Other, as XML"),
    ];
    let kind = combo_row(&top, &gettext("Type"), &kinds);
    kind.set_subtitle(&gettext(
        "“Other” covers iSCSI, RBD, Gluster and every other type libvirt knows",
    ));
    kind.set_widget_name("type");

    let dir = dialog.group(&gettext("Directory"));
    let dir_target = Field::new(&dir, &gettext("Path, e.g. /srv/vm-images"), "dir-target");
    let fs = dialog.group(&gettext("Filesystem"));
    let fs_device = Field::new(&fs, &gettext("Block device, e.g. /dev/sdb1"), "fs-device");
    let fs_target = Field::new(&fs, &gettext("Mount point"), "fs-target");
    let nfs = dialog.group(&gettext("Network filesystem"));
    let nfs_host = Field::new(&nfs, &gettext("Server"), "nfs-host");
    let nfs_dir = Field::new(
        &nfs,
        &gettext("Exported directory, e.g. /export/vms"),
        "nfs-dir",
    );
    let nfs_target = Field::new(&nfs, &gettext("Mount point"), "nfs-target");
    let lvm = dialog.group(&gettext("LVM volume group"));
    let vg_name = Field::new(&lvm, &gettext("Volume group"), "vg-name");
    let vg_devices = Field::new(
        &lvm,
        &gettext("Physical volumes (optional), e.g. /dev/sdb /dev/sdc"),
        "vg-devices",
    );
    let xml_group = dialog.group(&gettext("Pool XML"));
    xml_group.set_description(Some(&gettext(
        "Any pool type libvirt knows; see libvirt's storage pool documentation",
    )));
    let xml = xml_view(XML_TEMPLATE);
    xml.set_widget_name("pool-xml");
    let frame = gtk::Frame::builder()
        .child(
            &gtk::ScrolledWindow::builder()
                .child(&xml)
                .min_content_height(220)
                .build(),
        )
        .build();
    xml_group.add(&frame);
    let xml_error = ErrorLine::new(&xml_group, "xml-error");
    let options = dialog.group("");
    let build = switch_row(
        &options,
        &gettext("Build"),
        &gettext("Create the directory, or format the devices (pool-build)"),
        true,
    );
    let start = switch_row(&options, &gettext("Start now"), "", true);
    let autostart = switch_row(&options, &gettext("Start with the host"), "", false);
    let form = Rc::new(Form {
        dialog,
        name,
        kind,
        groups: vec![dir, fs, nfs, lvm, xml_group],
        dir_target,
        fs_device,
        fs_target,
        nfs_host,
        nfs_dir,
        nfs_target,
        vg_name,
        vg_devices,
        xml,
        xml_error,
        build,
        start,
        autostart,
    });
    form.kind_changed();
    {
        let f = form.clone();
        form.kind.connect_selected_notify(move |_| f.kind_changed());
    }
    // Closed while the host works (Cancel, Escape): stop waiting, and have the
    // worker undo what it made (see `pools::create_cancellable`).
    let cancel: Rc<std::cell::RefCell<Option<CancelFlag>>> = Rc::default();
    {
        let (f, cancel) = (form.clone(), cancel.clone());
        form.dialog.window.connect_close_request(move |_| {
            if let (true, Some(flag)) = (f.dialog.is_busy(), cancel.borrow().as_ref()) {
                flag.cancel();
            }
            gtk::glib::Propagation::Proceed
        });
    }
    let (f, ctx) = (form.clone(), ctx.clone());
    form.dialog.ok.connect_clicked(move |_| {
        f.clear();
        f.dialog.busy(true);
        let flag = CancelFlag::default();
        cancel.replace(Some(flag.clone()));
        let request = f.read();
        let steps = CreateSteps {
            build: f.build.is_active(),
            start: f.start.is_active(),
            autostart: f.autostart.is_active(),
        };
        let (f2, toaster, ctx2) = (f.clone(), ctx.toaster.clone(), ctx.clone());
        let job_flag = flag.clone();
        ctx.run(
            move |conn| Ok(pools::create_cancellable(conn, &request, steps, &job_flag)),
            move |r: Result<Result<String, CreateError>, UserError>| {
                f2.dialog.busy(false);
                let r = r.unwrap_or_else(|e| Err(CreateError::Libvirt(e)));
                if flag.is_cancelled() {
                    return cancelled(&ctx2, r);
                }
                match r {
                    Ok(_) => {
                        toaster.show(gettext("Storage pool created"));
                        f2.dialog.close();
                    }
                    Err(CreateError::Fields(errors)) => {
                        for e in &errors {
                            f2.show_error(e);
                        }
                    }
                    Err(CreateError::Libvirt(e)) => f2.dialog.show_error(Some(&e.message)),
                }
            },
        );
    });
    form.dialog.present();
    form.dialog.window.clone()
}

/// The person closed the dialog while the pool was being made: say what became of
/// it. Finished before the cancel reached the worker, it is removed now.
fn cancelled(ctx: &PageCtx, r: Result<String, CreateError>) {
    match r {
        Ok(uuid) => ctx.act(
            move |conn| pools::delete(conn, &uuid, false),
            Some(gettext(
                "Creating the pool was cancelled; nothing of it was kept",
            )),
            || {},
        ),
        Err(CreateError::Libvirt(e)) => ctx.toaster.show(e.message),
        Err(CreateError::Fields(_)) => {}
    }
}
