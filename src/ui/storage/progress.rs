//! Transfer events (uploads, downloads, volume copies) brought to the GTK thread for
//! the shared progress window (`crate::ui::progress`).

use gtk::glib;

use crate::core::storage::transfer::TransferEvent;

/// A `Report` for the transfer thread whose events arrive on the GTK thread, in
/// order, at `on_event`.
pub fn report_to_main(
    on_event: impl Fn(TransferEvent) + 'static,
) -> crate::core::storage::transfer::Report {
    let (tx, rx) = async_channel::unbounded::<TransferEvent>();
    glib::spawn_future_local(async move {
        while let Ok(ev) = rx.recv().await {
            let last = !matches!(ev, TransferEvent::Progress { .. });
            on_event(ev);
            if last {
                break;
            }
        }
    });
    Box::new(move |ev| {
        let _ = tx.send_blocking(ev);
    })
}
