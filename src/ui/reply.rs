//! Worker replies arrive on the worker's thread; widgets live on the GTK thread.
//! `on_main` turns a GTK-side closure into a `Send` callback a worker can call.

use gtk::glib;

/// Wraps `f` so that calling the returned callback from any thread runs `f` on the
/// GTK main loop. If the callback is dropped uncalled, `f` is dropped too.
pub fn on_main<T: Send + 'static>(f: impl FnOnce(T) + 'static) -> impl FnOnce(T) + Send + 'static {
    let (tx, rx) = async_channel::bounded::<T>(1);
    glib::spawn_future_local(async move {
        if let Ok(value) = rx.recv().await {
            f(value);
        }
    });
    move |value| {
        let _ = tx.send_blocking(value);
    }
}
