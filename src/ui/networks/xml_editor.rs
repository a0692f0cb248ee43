//! `virsh net-edit` (and its kin) in a window: the object's XML as libvirt has it,
//! edited as text and saved back exactly as typed. libvirt's refusal is shown above
//! the text and nothing changes; the window stays open to fix it.

use adw::prelude::*;
use gettextrs::gettext;
use virt::connect::Connect;

use super::form::{text_of, xml_view, Dialog};
use crate::core::error::UserError;
use crate::core::worker::ConnectionHandle;
use crate::ui::reply::on_main;
use crate::ui::toaster::Toaster;

/// Reads the XML on the worker, then opens the editor. `save` runs on the worker
/// with the edited text and returns what to tell the person on success.
pub fn open<L, S>(
    parent: &impl IsA<gtk::Widget>,
    title: &str,
    handle: &ConnectionHandle,
    toaster: &Toaster,
    load: L,
    save: S,
) where
    L: FnOnce(&Connect) -> Result<String, UserError> + Send + 'static,
    S: Fn(&Connect, &str) -> Result<String, UserError> + Send + Sync + Clone + 'static,
{
    let parent: gtk::Widget = parent.as_ref().clone();
    let title = title.to_string();
    let handle2 = handle.clone();
    let toaster = toaster.clone();
    handle.run(
        load,
        on_main(move |xml: Result<String, UserError>| match xml {
            Err(e) => toaster.show(e.message),
            Ok(xml) => show(&parent, &title, &xml, handle2, toaster, save),
        }),
    );
}

fn show<S>(
    parent: &gtk::Widget,
    title: &str,
    xml: &str,
    handle: ConnectionHandle,
    toaster: Toaster,
    save: S,
) where
    S: Fn(&Connect, &str) -> Result<String, UserError> + Send + Sync + Clone + 'static,
{
    let dialog = std::rc::Rc::new(Dialog::new(parent, title, &gettext("_Save")));
    dialog.window.set_default_size(720, 640);
    dialog.window.set_widget_name("xml-editor");
    let view = xml_view(xml);
    let frame = gtk::Frame::builder()
        .child(
            &gtk::ScrolledWindow::builder()
                .child(&view)
                .min_content_height(420)
                .build(),
        )
        .build();
    dialog.content.append(&frame);
    let d = dialog.clone();
    dialog.ok.connect_clicked(move |_| {
        let text = text_of(&view);
        let save = save.clone();
        d.busy(true);
        let d2 = d.clone();
        let toaster = toaster.clone();
        handle.run(
            move |conn| save(conn, &text),
            on_main(move |r: Result<String, UserError>| {
                d2.busy(false);
                match r {
                    Ok(msg) => {
                        toaster.show(msg);
                        d2.close();
                    }
                    Err(e) => d2.show_error(Some(&e.message)),
                }
            }),
        );
    });
    dialog.present();
}
