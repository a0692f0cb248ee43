//! Uploads and downloads between local files and volumes, with progress and cancel,
//! and the progress window and report every transfer (volume copies too) shares.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::entry_dialog;
use super::progress::report_to_main;
use crate::core::storage::transfer::{self, CancelFlag, TransferEvent};
use crate::core::storage::volumes::VolumeInfo;
use crate::ui::panel::PageCtx;
use crate::ui::progress::Progress;

use super::page::PoolRow;
use super::volume_rows::*;

/// What a transfer's window shows, whichever arrives first: the window (once the
/// transfer started) or the end (a tiny file may finish before the window opens).
#[derive(Default)]
pub(super) struct TransferUi {
    progress: Option<Rc<Progress>>,
    ended: bool,
}

/// What the person is told at the end: `done_text`, or `cancelled_text` (which
/// must say that nothing was left behind), or libvirt's reason.
pub(super) fn transfer_report(
    ctx: &PageCtx,
    pool: &PoolRow,
    state: Rc<RefCell<TransferUi>>,
    done_text: String,
    cancelled_text: String,
) -> transfer::Report {
    let (ctx, pool) = (ctx.clone(), pool.clone());
    report_to_main(move |ev| {
        if let TransferEvent::Progress {
            done,
            total,
            estimated,
        } = ev
        {
            if let Some(p) = &state.borrow().progress {
                if estimated {
                    p.update_estimate(done, total);
                } else {
                    p.update(done, total);
                }
            }
            return;
        }
        let mut s = state.borrow_mut();
        s.ended = true;
        if let Some(p) = s.progress.take() {
            p.finish();
        }
        match ev {
            TransferEvent::Done => ctx.toaster.show(done_text.clone()),
            TransferEvent::Cancelled => ctx.toaster.show(cancelled_text.clone()),
            TransferEvent::Failed(e) => ctx.toaster.show(e.message),
            TransferEvent::Progress { .. } => {}
        }
        load_volumes(&ctx, pool.clone());
    })
}

/// Opens the progress window, unless the transfer already ended. `cancelling`:
/// what the bar says after Cancel when stopping takes a while.
pub(super) fn start_progress(
    w: &impl IsA<gtk::Widget>,
    state: &Rc<RefCell<TransferUi>>,
    title: &str,
    what: &str,
    cancel: CancelFlag,
    cancelling: Option<&str>,
) {
    if state.borrow().ended {
        return;
    }
    let p = Progress::open(w, title, what, Some(cancel));
    if let Some(text) = cancelling {
        p.set_cancelling_text(text);
    }
    state.borrow_mut().progress = Some(p);
}

pub(super) fn choose_file(
    w: &impl IsA<gtk::Widget>,
    title: &str,
    action: gtk::FileChooserAction,
    suggested: Option<&str>,
    chosen: impl Fn(PathBuf) + 'static,
) {
    let window = w.as_ref().root().and_downcast::<gtk::Window>();
    let accept = if action == gtk::FileChooserAction::Save {
        gettext("_Save")
    } else {
        gettext("_Open")
    };
    let chooser = gtk::FileChooserNative::new(
        Some(title),
        window.as_ref(),
        action,
        Some(&accept),
        Some(&gettext("_Cancel")),
    );
    chooser.set_modal(true);
    if let Some(name) = suggested {
        chooser.set_current_name(name);
    }
    let keep = RefCell::new(Some(chooser.clone()));
    chooser.connect_response(move |c, response| {
        if response == gtk::ResponseType::Accept {
            if let Some(path) = c.file().and_then(|f| f.path()) {
                chosen(path);
            }
        }
        keep.borrow_mut().take();
    });
    chooser.show();
}

pub(super) fn upload(ctx: &PageCtx, pool: &PoolRow) {
    let (ctx, pool) = (ctx.clone(), pool.clone());
    let w = pool.row.clone();
    choose_file(
        &w,
        &gettext("Upload a File into “{pool}”").replace("{pool}", &pool.name()),
        gtk::FileChooserAction::Open,
        None,
        move |path| upload_file(&ctx, &pool, path),
    );
}

pub(super) fn upload_file(ctx: &PageCtx, pool: &PoolRow, path: PathBuf) {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let state: Rc<RefCell<TransferUi>> = Rc::default();
    let cancel = CancelFlag::default();
    let (ctx2, pool2, path2, state2, cancel2) = (
        ctx.clone(),
        pool.clone(),
        path.clone(),
        state.clone(),
        cancel.clone(),
    );
    let w = pool.row.clone();
    let w2 = w.clone();
    let pool_uuid = pool.uuid();
    let title = gettext("Upload “{file}”").replace("{file}", &file_name);
    let initial = file_name.clone();
    entry_dialog::open(
        &w,
        ctx,
        "upload-volume",
        &title,
        &gettext("_Upload"),
        &gettext("Name of the new volume"),
        &initial,
        None,
        Rc::new(move |_| {
            let (pool_uuid, path) = (pool_uuid.clone(), path2.clone());
            let (cancel, state) = (cancel2.clone(), state2.clone());
            let report = RefCell::new(None);
            // The report is made here, on the GTK thread, and handed to the worker.
            let done_text = gettext("Uploaded");
            let cancelled = gettext("Cancelled; nothing was kept");
            report.replace(Some(transfer_report(
                &ctx2, &pool2, state, done_text, cancelled,
            )));
            let report = std::sync::Mutex::new(report.into_inner());
            Box::new(move |conn: &virt::connect::Connect, text: &str| {
                let report = report
                    .lock()
                    .unwrap()
                    .take()
                    .unwrap_or_else(|| Box::new(|_| {}));
                transfer::start_upload(conn, &pool_uuid, text, &path, cancel.clone(), report)
                    .map(|()| text.trim().to_string())
            })
        }),
        move |name: String| {
            start_progress(
                &w2,
                &state,
                &gettext("Uploading"),
                &gettext("Uploading “{file}” as “{name}”")
                    .replace("{file}", &file_name)
                    .replace("{name}", &name),
                cancel.clone(),
                None,
            )
        },
    );
}

pub(super) fn download(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let (ctx, pool, name, w2) = (ctx.clone(), pool.clone(), v.name.clone(), w.clone());
    choose_file(
        w,
        &gettext("Download “{name}”").replace("{name}", &v.name),
        gtk::FileChooserAction::Save,
        Some(&v.name),
        move |dest| download_to(&ctx, &pool, &name, dest, &w2),
    );
}

pub(super) fn download_to(
    ctx: &PageCtx,
    pool: &PoolRow,
    name: &str,
    dest: PathBuf,
    w: &adw::ActionRow,
) {
    // The chooser already asked before replacing an existing file.
    if dest.exists() {
        if let Err(e) = std::fs::remove_file(&dest) {
            ctx.toaster.show(e.to_string());
            return;
        }
    }
    let state: Rc<RefCell<TransferUi>> = Rc::default();
    let cancel = CancelFlag::default();
    let report = transfer_report(
        ctx,
        pool,
        state.clone(),
        gettext("Saved to {path}").replace("{path}", &dest.display().to_string()),
        gettext("Cancelled; nothing was kept"),
    );
    let (pool_uuid, vol, dest2, cancel2) =
        (pool.uuid(), name.to_string(), dest.clone(), cancel.clone());
    let (w, toaster) = (w.clone(), ctx.toaster.clone());
    let what = gettext("Downloading “{name}” to {path}")
        .replace("{name}", name)
        .replace("{path}", &dest.display().to_string());
    ctx.run(
        move |conn| transfer::start_download(conn, &pool_uuid, &vol, &dest2, cancel2, report),
        move |r| match r {
            Ok(()) => start_progress(&w, &state, &gettext("Downloading"), &what, cancel, None),
            Err(e) => toaster.show(e.message),
        },
    );
}
