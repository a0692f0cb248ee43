//! "Clone or Convert…" of a volume: the name and the kind of copy (each choice says
//! what it does), then the copy with a progress window and Cancel.

use std::cell::RefCell;
use std::rc::Rc;

use gettextrs::gettext;

use super::entry_dialog::{self, Choice};
use super::page::PoolRow;
use super::transfers::{start_progress, transfer_report, TransferUi};
use crate::core::storage::transfer::CancelFlag;
use crate::core::storage::volume_copy::{self, CopyKind};
use crate::core::storage::volumes::VolumeInfo;
use crate::core::xml::VolumeFormat;
use crate::ui::panel::PageCtx;

/// The suggested name of a copy: `web.qcow2` → `web-copy.qcow2`, or with the
/// extension of the format it is converted to (`web-copy.raw`).
pub(super) fn copy_name(name: &str, kind: CopyKind) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    };
    let ext = match kind {
        CopyKind::Exact => ext,
        CopyKind::Convert(VolumeFormat::Qcow2) => Some("qcow2"),
        CopyKind::Convert(VolumeFormat::Raw) => Some("raw"),
    };
    match ext {
        Some(ext) => format!("{stem}-copy.{ext}"),
        None => format!("{stem}-copy"),
    }
}

pub(super) fn open(ctx: &PageCtx, pool: &PoolRow, v: &VolumeInfo, w: &adw::ActionRow) {
    let choices =
        volume_copy::copy_choices(v.format.as_deref(), v.backing.as_ref().map(|b| b.label()));
    let labels: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
    let notes: Vec<String> = choices.iter().map(|c| c.note.clone()).collect();
    let kinds: Vec<CopyKind> = choices.iter().map(|c| c.kind).collect();
    let names: Vec<String> = kinds.iter().map(|k| copy_name(&v.name, *k)).collect();
    let state: Rc<RefCell<TransferUi>> = Rc::default();
    let cancel = CancelFlag::default();
    let (ctx2, pool2, state2, cancel2) = (ctx.clone(), pool.clone(), state.clone(), cancel.clone());
    let (pool_uuid, source) = (pool.uuid(), v.name.clone());
    let (w2, source2) = (w.clone(), v.name.clone());
    let kind_of = move |i: u32| kinds.get(i as usize).copied().unwrap_or(CopyKind::Exact);
    let chosen = Rc::new(std::cell::Cell::new(CopyKind::Exact));
    let chosen2 = chosen.clone();
    entry_dialog::open(
        w,
        ctx,
        "clone-volume",
        &gettext("Clone “{name}”").replace("{name}", &v.name),
        &gettext("_Clone"),
        &gettext("Name of the copy"),
        &names[0],
        Some(Choice {
            title: &gettext("Kind of copy"),
            items: &labels,
            notes: &notes,
            suggestions: &names,
        }),
        Rc::new(move |choice| {
            let kind = kind_of(choice);
            chosen2.set(kind);
            let (pool_uuid, source) = (pool_uuid.clone(), source.clone());
            let (cancel, state) = (cancel2.clone(), state2.clone());
            // Made here, on the GTK thread, and handed to the worker once.
            let report = std::sync::Mutex::new(Some(transfer_report(
                &ctx2,
                &pool2,
                state,
                gettext("Volume copied"),
                gettext("Cancelled: the unfinished copy was deleted, nothing of it is left"),
            )));
            Box::new(move |conn: &virt::connect::Connect, text: &str| {
                let report = report
                    .lock()
                    .unwrap()
                    .take()
                    .unwrap_or_else(|| Box::new(|_| {}));
                volume_copy::start_copy(
                    conn,
                    &pool_uuid,
                    &source,
                    text,
                    kind,
                    cancel.clone(),
                    report,
                )
            })
        }),
        move |name: String| {
            let converting = matches!(chosen.get(), CopyKind::Convert(_));
            let what = if converting {
                gettext("Converting “{source}” into “{name}”")
            } else {
                gettext("Copying “{source}” to “{name}”")
            };
            start_progress(
                &w2,
                &state,
                &if converting {
                    gettext("Converting")
                } else {
                    gettext("Cloning")
                },
                &what.replace("{source}", &source2).replace("{name}", &name),
                cancel.clone(),
                converting.then(|| gettext("Stopping: the host finishes the conversion it started, then the copy is deleted…")).as_deref(),
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_named_after_its_source_and_format() {
        assert_eq!(copy_name("web.qcow2", CopyKind::Exact), "web-copy.qcow2");
        assert_eq!(
            copy_name("web.qcow2", CopyKind::Convert(VolumeFormat::Raw)),
            "web-copy.raw"
        );
        assert_eq!(
            copy_name("disk", CopyKind::Convert(VolumeFormat::Qcow2)),
            "disk-copy.qcow2"
        );
        assert_eq!(copy_name(".hidden", CopyKind::Exact), ".hidden-copy");
    }
}
