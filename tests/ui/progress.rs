//! Progress and cancel on work that takes a while, as a person sees it: a slow host is
//! played by a job that keeps the host's worker busy first, so the work waits behind
//! it exactly as it would behind a slow libvirt call.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::domain_action::DomainAction;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::{ConnectionHandle, ConnectionSpec};
use hangar::ui::{App, AppMsg};
use relm4::prelude::*;

use crate::common::node_uri;
use crate::dialogs::{entry, ok_button, screenshot, wait_window};
use crate::harness::{close, label_texts, launch, pump_until};

const T: Duration = Duration::from_secs(10);

fn launched(tag: &str) -> Controller<App> {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(4), tag);
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    c
}

/// Keeps the host's worker busy for `d`, as a slow host would.
fn slow_host(handle: &ConnectionHandle, d: Duration) {
    handle.run(
        move |_| {
            std::thread::sleep(d);
            Ok(())
        },
        |_: Result<(), _>| {},
    );
}

pub fn a_snapshot_shows_a_bar_and_locks_the_tab_until_it_is_done() {
    let c = launched("ui-prog-snap");
    crate::details::open(&c, "vm-1");
    let page = c
        .model()
        .machines
        .built_details()
        .expect("opened")
        .snapshots
        .clone();
    slow_host(&c.model().hosts[0].handle, Duration::from_millis(1500));
    page.name.set_text("before upgrade");
    page.take.emit_clicked();
    assert!(page.activity.root.is_visible(), "the strip shows at once");
    assert!(label_texts(&page.root)
        .iter()
        .any(|t| t == "Taking snapshot “before upgrade”…"));
    assert!(
        !page.take.is_sensitive() && !page.name.is_sensitive(),
        "nothing else can be asked meanwhile"
    );
    // Show the tab itself for the picture.
    if let Some(stack) = page
        .root
        .ancestor(adw::ViewStack::static_type())
        .and_downcast::<adw::ViewStack>()
    {
        stack.set_visible_child_name("snapshots");
    }
    screenshot(
        &c.model().machines.built_details().unwrap().root,
        "snapshot-progress",
    );
    pump_until(T, "the snapshot is listed", || {
        page.shown
            .borrow()
            .iter()
            .any(|s| s.name == "before upgrade")
    });
    pump_until(T, "the strip goes", || !page.activity.root.is_visible());
    assert!(page.take.is_sensitive() && page.name.is_sensitive());
    close(c);
}

pub fn stop_ends_a_bulk_start_after_the_current_machine() {
    let c = launched("ui-prog-power");
    // All four off, so all four can start.
    c.model().hosts[0]
        .handle
        .call(|conn| {
            for d in conn.list_all_domains(virt::sys::VIR_CONNECT_LIST_DOMAINS_ACTIVE)? {
                d.destroy()?;
            }
            Ok(())
        })
        .unwrap();
    pump_until(T, "all four shown off", || {
        c.model().hosts[0]
            .store
            .domains
            .values()
            .all(|d| !d.state.is_active())
    });
    {
        let m = c.model();
        let sel = &m.machines.list.selection;
        sel.select_all();
        assert_eq!(m.machines.list.selected().len(), 4);
    }
    slow_host(&c.model().hosts[0].handle, Duration::from_millis(1500));
    c.emit(AppMsg::Power(DomainAction::Start));
    let window = wait_window::<adw::Window>("progress");
    assert!(label_texts(&window)
        .iter()
        .any(|t| t == "Start: 4 machines"));
    screenshot(&window, "bulk-start-progress");
    let stop = crate::harness::find_widget::<gtk::Button>(&window, &|b| b.is_visible())
        .expect("a Cancel button");
    stop.emit_clicked();
    pump_until(T, "one summary", || c.model().toaster.last().is_some());
    let text = c.model().toaster.last().unwrap();
    assert!(text.starts_with("Start: 1 of 4 done."), "{text}");
    assert_eq!(text.matches("stopped before it was reached").count(), 3);
    let running = c.model().hosts[0]
        .handle
        .call(|conn| Ok(conn.list_domains()?.len()))
        .unwrap();
    assert_eq!(running, 1, "only the machine under way was started");
    pump_until(T, "the window closes", || !window.is_visible());
    close(c);
}

pub fn closing_the_new_pool_dialog_while_it_works_leaves_no_pool() {
    let (c, _dir) = crate::storage_pages::open("ui-prog-pool", "storage");
    crate::harness::shown(&c.model().storage)
        .create_button
        .emit_clicked();
    let dialog = wait_window::<adw::Window>("new-pool");
    entry(&dialog, "name").set_text("hp-cancelled");
    entry(&dialog, "dir-target").set_text("/srv/hp-cancelled");
    slow_host(&c.model().hosts[0].handle, Duration::from_millis(1500));
    ok_button(&dialog).emit_clicked();
    let bar = crate::harness::find_widget::<gtk::ProgressBar>(&dialog, &|b| {
        b.widget_name() == "dialog-progress"
    })
    .unwrap();
    assert!(bar.is_visible(), "the dialog shows it is working");
    assert!(!ok_button(&dialog).is_sensitive());
    screenshot(&dialog, "new-pool-working");
    dialog.close();
    pump_until(T, "told it was cancelled", || {
        c.model()
            .toaster
            .last()
            .is_some_and(|t| t.contains("cancelled"))
    });
    let pools = c.model().hosts[0]
        .handle
        .call(|conn| {
            Ok(conn
                .list_all_storage_pools(0)?
                .iter()
                .filter_map(|p| p.name().ok())
                .collect::<Vec<_>>())
        })
        .unwrap();
    assert!(
        !pools.iter().any(|p| p == "hp-cancelled"),
        "nothing half made: {pools:?}"
    );
    close(c);
}
