//! The backing chain of a volume (`qemu-img info --backing-chain`), read on the
//! worker: the volume first, its base image last.

use adw::prelude::*;
use gettextrs::gettext;

use crate::core::storage::chain::{backing_chain, ChainLink};
use crate::core::storage::size::format_bytes;
use crate::ui::networks::form::Dialog;
use crate::ui::panel::PageCtx;

pub fn open(parent: &impl IsA<gtk::Widget>, ctx: &PageCtx, pool_uuid: String, name: String) {
    let parent: gtk::Widget = parent.as_ref().clone();
    let title = gettext("Backing Chain of “{name}”").replace("{name}", &name);
    let toaster = ctx.toaster.clone();
    ctx.run(
        move |conn| backing_chain(conn, &pool_uuid, &name),
        move |r| match r {
            Err(e) => toaster.show(e.message),
            Ok(links) => show(&parent, &title, &links),
        },
    );
}

fn show(parent: &gtk::Widget, title: &str, links: &[ChainLink]) {
    let dialog = Dialog::new(parent, title, &gettext("_Close"));
    dialog.window.set_widget_name("backing-chain");
    dialog.window.set_default_size(560, 360);
    dialog.cancel.set_visible(false);
    dialog.ok.remove_css_class("suggested-action");
    let window = dialog.window.clone();
    dialog.ok.connect_clicked(move |_| window.close());
    let group = dialog.group(&gettext("From this volume down to its base image"));
    for (i, link) in links.iter().enumerate() {
        let role = if i == 0 {
            gettext("This volume")
        } else if i + 1 == links.len() {
            gettext("Base image")
        } else {
            gettext("Backing image")
        };
        let mut parts = vec![role];
        parts.extend(link.format.clone());
        parts.extend(link.capacity.map(format_bytes));
        if link.volume.is_some() {
            parts.push(link.path.clone());
        }
        let row = adw::ActionRow::builder()
            .title(gtk::glib::markup_escape_text(
                link.volume.as_deref().unwrap_or(&link.path),
            ))
            .subtitle(gtk::glib::markup_escape_text(&parts.join(" · ")))
            .build();
        row.add_prefix(&gtk::Image::from_icon_name(if i == 0 {
            "drive-harddisk-symbolic"
        } else {
            "go-down-symbolic"
        }));
        group.add(&row);
    }
    dialog.present();
}
