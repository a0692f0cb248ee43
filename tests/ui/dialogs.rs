//! Finding and driving Hangar's dialogs and windows in UI tests, and screenshots of
//! what a case shows (with HANGAR_SCREENSHOTS=DIR set).

use std::path::PathBuf;
use std::time::Duration;

use adw::prelude::*;

use crate::harness::{find_widget, pump_until};

const T: Duration = Duration::from_secs(10);

/// Lets GTK lay out and draw what changed.
pub fn settle() {
    let ctx = gtk::glib::MainContext::default();
    let end = std::time::Instant::now() + Duration::from_millis(300);
    while std::time::Instant::now() < end {
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Saves a PNG of `widget` to $HANGAR_SCREENSHOTS/NAME.png when that is set.
pub fn screenshot(widget: &impl IsA<gtk::Widget>, name: &str) {
    let Ok(dir) = std::env::var("HANGAR_SCREENSHOTS") else {
        return;
    };
    // Row expansions animate; let them finish before drawing.
    for _ in 0..3 {
        settle();
    }
    let widget = widget.as_ref();
    let (w, h) = (widget.width(), widget.height());
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, w as f64, h as f64);
    let Some(node) = snapshot.to_node() else {
        return;
    };
    let Some(native) = widget.native() else {
        return;
    };
    let Some(renderer) = native.renderer() else {
        return;
    };
    let texture = renderer.render_texture(
        &node,
        Some(&gtk::graphene::Rect::new(0.0, 0.0, w as f32, h as f32)),
    );
    std::fs::create_dir_all(&dir).unwrap();
    texture
        .save_to_png(PathBuf::from(dir).join(format!("{name}.png")))
        .unwrap();
}

/// A visible top-level window of type `T` whose widget name is `name`.
fn toplevel<T: IsA<gtk::Widget>>(name: &str) -> Option<T> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter(|w| w.is_visible())
        .find_map(|w| {
            let t = w.downcast::<T>().ok()?;
            (name.is_empty() || t.widget_name() == name).then_some(t)
        })
}

pub fn wait_window<T: IsA<gtk::Widget>>(name: &str) -> T {
    pump_until(T, &format!("the window {name}"), || {
        toplevel::<T>(name).is_some()
    });
    toplevel(name).unwrap()
}

pub fn entry(window: &impl IsA<gtk::Widget>, name: &str) -> adw::EntryRow {
    find_widget::<adw::EntryRow>(window, &|r| r.widget_name() == name)
        .unwrap_or_else(|| panic!("an entry named {name}"))
}

pub fn label(window: &impl IsA<gtk::Widget>, name: &str) -> gtk::Label {
    find_widget::<gtk::Label>(window, &|l| l.widget_name() == name)
        .unwrap_or_else(|| panic!("a label named {name}"))
}

pub fn shown_error(window: &impl IsA<gtk::Widget>, name: &str) -> Option<String> {
    let l = label(window, name);
    let row = l.parent().unwrap();
    row.is_visible().then(|| l.text().to_string())
}

/// The note under the clone dialog's drop-down.
pub fn note_of(dialog: &impl IsA<gtk::Widget>) -> String {
    label(dialog, "choice-note").label().to_string()
}

pub fn ok_button(window: &impl IsA<gtk::Widget>) -> gtk::Button {
    find_widget::<gtk::Button>(window, &|b| b.widget_name() == "ok").expect("the OK button")
}
