//! A tiny runner for GTK tests: one thread, one GTK, cases in sequence, and a closing
//! line in cargo's own format so CI can count what ran.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use adw::prelude::BinExt;
use gtk::glib;
use gtk::prelude::*;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::{App, AppInit};
use relm4::prelude::*;

pub fn run(cases: &[(&str, fn())]) {
    use_test_settings();
    gtk::init().expect("GTK needs a display: run under xvfb-run");
    adw::init().expect("libadwaita");
    hangar::core::event_loop::register().expect("libvirt event implementation");
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut failed = Vec::new();
    let mut passed = 0;
    println!("\nrunning {} tests", cases.len());
    for (name, case) in cases {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(case));
        match result {
            Ok(()) => {
                passed += 1;
                println!("test {name} ... ok");
            }
            Err(_) => {
                failed.push(*name);
                println!("test {name} ... FAILED");
            }
        }
    }
    println!();
    if failed.is_empty() {
        println!(
            "test result: ok. {passed} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
        );
    } else {
        println!("failures:\n    {}", failed.join("\n    "));
        println!(
            "test result: FAILED. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out",
            failed.len()
        );
        std::process::exit(101);
    }
}

/// The real GSettings schema, compiled into a temporary directory, on GLib's memory
/// backend: settings work as installed, and nothing touches the person's own.
fn use_test_settings() {
    let dir = std::env::temp_dir().join(format!("hangar-ui-schemas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let status = std::process::Command::new("glib-compile-schemas")
        .args(["--strict", "--targetdir"])
        .arg(&dir)
        .arg(data)
        .status()
        .expect("glib-compile-schemas (libglib2.0-bin) is installed");
    assert!(status.success(), "the schema compiles");
    std::env::set_var("GSETTINGS_SCHEMA_DIR", &dir);
    std::env::set_var("GSETTINGS_BACKEND", "memory");
}

/// Runs the GTK main context until `done()` holds, or panics after `timeout`.
pub fn pump_until(timeout: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        // Non-blocking, with a short sleep, so a timeout is noticed even when idle.
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Runs the main loop for `d`, for checks that something does *not* happen.
pub fn pump_for(d: Duration) {
    let end = Instant::now() + d;
    pump_until(d + Duration::from_secs(1), "time to pass", || {
        Instant::now() >= end
    });
}

/// Launches the real root component on the given connections.
pub fn launch(specs: Vec<ConnectionSpec>) -> Controller<App> {
    let (connector, hosts, updates) = hangar::ui::start_workers(specs);
    let controller = App::builder()
        .launch(AppInit {
            connector,
            hosts,
            updates,
            settings: hangar::settings::AppSettings::load(),
            quit_after_load: false,
        })
        .detach();
    controller.widget().present();
    controller
}

/// Switches the host's pages to `name` as the page switcher does, and waits until the
/// window has built that page (Networks, Storage and Host are built when first shown).
pub fn show_page(c: &Controller<App>, name: &str) {
    let pages = find_widget::<adw::ViewStack>(c.widget(), &|_| true).expect("the pages");
    pages.set_visible_child_name(name);
    pump_until(
        Duration::from_secs(5),
        &format!("the {name} page built"),
        || {
            // The lazy pages sit in a slot (a bin) until they are built.
            pages.child_by_name(name).is_some_and(|page| {
                page.downcast_ref::<adw::Bin>()
                    .map_or(true, |slot| slot.child().is_some())
            })
        },
    );
}

/// A page that `show_page` built.
pub fn shown<T>(page: &hangar::ui::lazy_page::LazyPage<T>) -> &T {
    page.get().expect("the page was shown first (show_page)")
}

/// Closes the window and lets the workers deregister before the next case.
pub fn close(controller: Controller<App>) {
    controller.widget().close();
    let ctx = glib::MainContext::default();
    for _ in 0..50 {
        ctx.iteration(false);
    }
    drop(controller);
}

/// The texts of every label inside `root`, in widget order.
pub fn label_texts(root: &impl IsA<gtk::Widget>) -> Vec<String> {
    let mut out = Vec::new();
    collect_labels(root.upcast_ref(), &mut out);
    out
}

fn collect_labels(w: &gtk::Widget, out: &mut Vec<String>) {
    if let Some(label) = w.downcast_ref::<gtk::Label>() {
        out.push(label.label().to_string());
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        collect_labels(&c, out);
        child = c.next_sibling();
    }
}

/// The rows the column view has drawn, each as the texts of its cells.
pub fn drawn_rows(view: &gtk::ColumnView) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    find_rows(view.upcast_ref(), &mut rows);
    rows
}

fn find_rows(w: &gtk::Widget, rows: &mut Vec<Vec<String>>) {
    if w.css_name() == "row" && w.is_visible() {
        rows.push(label_texts(w));
        return;
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        find_rows(&c, rows);
        child = c.next_sibling();
    }
}

/// The first descendant of `root` of type `T` for which `pred` holds.
pub fn find_widget<T: IsA<gtk::Widget>>(
    root: &impl IsA<gtk::Widget>,
    pred: &dyn Fn(&T) -> bool,
) -> Option<T> {
    let w: &gtk::Widget = root.upcast_ref();
    if let Some(t) = w.downcast_ref::<T>() {
        if pred(t) {
            return Some(t.clone());
        }
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        if let Some(found) = find_widget(&c, pred) {
            return Some(found);
        }
        child = c.next_sibling();
    }
    None
}
