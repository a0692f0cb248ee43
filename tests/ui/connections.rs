//! Adding and removing connections in the real window, through the real dialog.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::AppMsg;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, find_widget, launch, pump_until};

const T: Duration = Duration::from_secs(10);

fn dialog() -> Option<gtk::Window> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| {
            w.is_visible() && find_widget::<adw::EntryRow>(w, &|r| r.title() == "Host").is_some()
        })
}

fn entry(win: &gtk::Window, title: &str) -> adw::EntryRow {
    find_widget::<adw::EntryRow>(win, &|r| r.title().starts_with(title)).unwrap()
}

fn combo(win: &gtk::Window, title: &str) -> adw::ComboRow {
    find_widget::<adw::ComboRow>(win, &|r| r.title() == title).unwrap()
}

fn connect_button(win: &gtk::Window) -> gtk::Button {
    find_widget::<gtk::Button>(win, &|b| b.label().as_deref() == Some("Connect")).unwrap()
}

pub fn a_connection_added_in_the_dialog_opens_and_is_remembered() {
    let (first, _d1) = node_uri(&NodeSpec::with_domains(2), "ui-conn-a");
    let mut second_spec = NodeSpec::with_domains(4);
    second_spec.name_prefix = "second".into();
    let (second, _d2) = node_uri(&second_spec, "ui-conn-b");
    let second_file = second.trim_start_matches("test://").to_string();
    let c = launch(vec![ConnectionSpec::new(first)]);
    pump_until(T, "first host listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });

    c.emit(AppMsg::ShowAddConnection);
    pump_until(T, "the dialog opens", || dialog().is_some());
    let win = dialog().unwrap();
    // A remote transport without a host is refused at the field, before anything opens.
    combo(&win, "Transport").set_selected(1);
    pump_until(T, "host marked wrong", || {
        entry(&win, "Host").has_css_class("error")
    });
    assert!(!connect_button(&win).is_sensitive());
    // The test driver on a local file: the URI is shown as it is built.
    combo(&win, "Hypervisor").set_selected(2);
    combo(&win, "Transport").set_selected(0);
    entry(&win, "Node file").set_text(&second_file);
    let preview = find_widget::<gtk::Label>(&win, &|l| l.label().starts_with("test://")).unwrap();
    assert_eq!(preview.label(), format!("test://{second_file}"));
    connect_button(&win).emit_clicked();

    pump_until(T, "the new host is listed", || {
        c.model().hosts.len() == 2 && c.model().hosts[1].store.status == ConnectionStatus::Live
    });
    assert_eq!(c.model().selected_host, 1, "the new host is shown");
    assert_eq!(c.model().hosts[1].domains.len(), 4);
    let uri = format!("test://{second_file}");
    assert!(c.model().settings.saved_connections().contains(&uri));
    assert!(c.model().settings.autoconnect().contains(&uri));

    c.emit(AppMsg::RemoveSelectedConnection);
    pump_until(T, "the host is gone", || c.model().hosts.len() == 1);
    assert!(!c.model().settings.saved_connections().contains(&uri));
    assert_eq!(c.model().selected_host, 0);
    close(c);
}

pub fn preferences_change_the_settings_at_once() {
    let (uri, _d) = node_uri(&NodeSpec::with_domains(1), "ui-prefs");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    c.emit(AppMsg::ShowPreferences);
    pump_until(T, "the preferences window", || {
        gtk::Window::list_toplevels()
            .into_iter()
            .any(|w| w.is::<adw::PreferencesWindow>() && w.is_visible())
    });
    let prefs = gtk::Window::list_toplevels()
        .into_iter()
        .find_map(|w| w.downcast::<adw::PreferencesWindow>().ok())
        .unwrap();
    assert!(c.model().settings.confirm_force_off());
    let switch = find_widget::<gtk::Switch>(&prefs, &|_| true).expect("the Force Off switch");
    switch.set_active(false);
    assert!(!c.model().settings.confirm_force_off(), "saved at once");
    switch.set_active(true);
    let interval =
        find_widget::<gtk::SpinButton>(&prefs, &|s| s.adjustment().upper() == 60.0).unwrap();
    interval.set_value(5.0);
    assert_eq!(c.model().settings.stats_interval(), 5);
    interval.set_value(2.0);
    // Keepalive: 5 s and 3 checks by default, for the connections opened after.
    assert_eq!(
        c.model().settings.keepalive(),
        hangar::core::worker::Keepalive::default()
    );
    let keepalive =
        find_widget::<gtk::SpinButton>(&prefs, &|s| s.adjustment().upper() == 300.0).unwrap();
    keepalive.set_value(7.0);
    let checks =
        find_widget::<gtk::SpinButton>(&prefs, &|s| s.adjustment().upper() == 20.0).unwrap();
    checks.set_value(4.0);
    assert_eq!(
        (
            c.model().settings.keepalive().interval_s,
            c.model().settings.keepalive().count
        ),
        (7, 4)
    );
    keepalive.set_value(5.0);
    checks.set_value(3.0);
    prefs.close();
    close(c);
}

fn edit_dialog() -> Option<gtk::Window> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| {
            w.is_visible()
                && find_widget::<adw::WindowTitle>(w, &|t| t.title() == "Edit Connection").is_some()
        })
}

pub fn editing_a_saved_connection_replaces_it_and_reconnects() {
    let (first, _d1) = node_uri(&NodeSpec::with_domains(2), "ui-edit-a");
    let mut other = NodeSpec::with_domains(3);
    other.name_prefix = "edited".into();
    let (second, _d2) = node_uri(&other, "ui-edit-b");
    let second_file = second.trim_start_matches("test://").to_string();
    let settings = hangar::settings::AppSettings::load();
    settings.remember_connection("qemu:///session", false);
    settings.remember_connection(&first, true);
    let c = launch(vec![ConnectionSpec::new(first.clone())]);
    pump_until(T, "first host listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });

    c.emit(AppMsg::ShowEditConnection);
    pump_until(T, "the edit dialog opens", || edit_dialog().is_some());
    let win = edit_dialog().unwrap();
    // Filled in from the saved URI.
    assert_eq!(combo(&win, "Hypervisor").selected(), 2, "the test driver");
    assert_eq!(combo(&win, "Transport").selected(), 0, "this computer");
    let node = entry(&win, "Node file");
    assert_eq!(node.text(), first.trim_start_matches("test://"));
    let autoconnect = find_widget::<gtk::Switch>(&win, &|_| true).unwrap();
    assert!(autoconnect.is_active());

    node.set_text(&second_file);
    autoconnect.set_active(false);
    find_widget::<gtk::Button>(&win, &|b| b.label().as_deref() == Some("Save"))
        .unwrap()
        .emit_clicked();
    pump_until(T, "the edited host is listed", || {
        let h = &c.model().hosts[0];
        h.handle.spec.uri == second && h.store.status == ConnectionStatus::Live
    });
    assert_eq!(c.model().hosts.len(), 1, "replaced, not added");
    assert_eq!(c.model().hosts[0].domains.len(), 3);
    assert_eq!(
        settings.saved_connections(),
        vec!["qemu:///session".to_string(), second.clone()],
        "the saved entry is replaced in place"
    );
    assert!(!settings.autoconnect().contains(&second));
    assert!(!settings.autoconnect().contains(&first));
    settings.forget_connection(&second);
    settings.forget_connection("qemu:///session");
    close(c);
}

fn sidebar_row(c: &Controller<hangar::ui::App>, index: i32) -> gtk::ListBoxRow {
    find_widget::<gtk::ListBox>(c.widget(), &|l| l.has_css_class("navigation-sidebar"))
        .expect("the sidebar")
        .row_at_index(index)
        .expect("a sidebar row")
}

fn visible_button(root: &impl IsA<gtk::Widget>, label: &str) -> Option<gtk::Button> {
    find_widget::<gtk::Button>(root, &|b| {
        b.label().as_deref() == Some(label) && b.is_visible() && b.is_mapped()
    })
}

/// A sidebar row's Connect button (an icon, named by its tooltip), while shown.
fn row_connect(row: &gtk::ListBoxRow) -> Option<gtk::Button> {
    find_widget::<gtk::Button>(row, &|b| {
        b.tooltip_text().as_deref() == Some("Connect to this host") && b.is_visible()
    })
}

/// What the person saved comes back at the next start: every connection in the
/// sidebar, those marked autoconnect opened, the others "Not connected" with a Connect
/// button on their row and on their page.
pub fn every_saved_connection_is_listed_and_only_autoconnect_ones_open() {
    let (auto, _d1) = node_uri(&NodeSpec::with_domains(2), "ui-saved-auto");
    let mut idle_spec = NodeSpec::with_domains(3);
    idle_spec.name_prefix = "idle".into();
    let (idle, _d2) = node_uri(&idle_spec, "ui-saved-idle");
    let settings = hangar::settings::AppSettings::load();
    settings.remember_connection(&auto, true);
    settings.remember_connection(&idle, false);
    // What main() opens when no --connect is given.
    let c = launch(settings.saved_specs());
    pump_until(T, "the autoconnect host listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    crate::harness::pump_for(Duration::from_millis(500));
    assert_eq!(
        c.model().hosts.len(),
        2,
        "both saved hosts are in the sidebar"
    );
    assert_eq!(
        c.model().hosts[1].store.status,
        ConnectionStatus::NotConnected,
        "a host without autoconnect is not opened"
    );
    let row = sidebar_row(&c, 1);
    let texts = crate::harness::label_texts(&row);
    assert!(texts.iter().any(|t| t == "Not connected"), "{texts:?}");
    assert!(row_connect(&sidebar_row(&c, 0)).is_none());

    // Its page says so and offers Connect.
    row.activate();
    c.emit(AppMsg::HostSelected(1));
    pump_until(T, "the Not Connected page", || {
        find_widget::<adw::StatusPage>(c.widget(), &|p| {
            p.is_mapped() && p.title() == "Not Connected"
        })
        .is_some_and(|p| visible_button(&p, "Connect").is_some())
    });

    // The row's own button connects it.
    row_connect(&row)
        .expect("a Connect button on the row")
        .emit_clicked();
    pump_until(T, "the idle host connects and lists", || {
        c.model().hosts[1].store.status == ConnectionStatus::Live
    });
    assert_eq!(c.model().hosts[1].domains.len(), 3);
    assert!(row_connect(&row).is_none(), "connected now");
    settings.forget_connection(&auto);
    settings.forget_connection(&idle);
    close(c);
}

/// A host whose worker is stuck (as behind a frozen daemon) keeps its statistics
/// sample waiting; switching to another host, that host's rows still get theirs.
pub fn a_stuck_hosts_statistics_do_not_stop_anothers() {
    let (stuck, _d1) = node_uri(&NodeSpec::with_domains(3), "ui-stuck-a");
    let (healthy, _d2) = node_uri(&NodeSpec::with_domains(3), "ui-stuck-b");
    let c = launch(vec![
        ConnectionSpec::new(stuck),
        ConnectionSpec::new(healthy),
    ]);
    pump_until(T, "both hosts listed", || {
        c.model()
            .hosts
            .iter()
            .all(|h| h.store.status == ConnectionStatus::Live)
    });
    // Hold the first host's worker, as a frozen host would.
    let (release, held) = std::sync::mpsc::channel::<()>();
    c.model().hosts[0].handle.run(
        move |_| {
            let _ = held.recv_timeout(Duration::from_secs(60));
            Ok(())
        },
        |_: Result<(), _>| {},
    );
    crate::harness::pump_for(Duration::from_millis(300));
    c.emit(AppMsg::StatsTick);
    crate::harness::pump_for(Duration::from_millis(300));

    sidebar_row(&c, 1).activate();
    c.emit(AppMsg::HostSelected(1));
    let row = {
        let host = &c.model().hosts[1];
        let uuid = host.store.domain_by_name("vm-1").unwrap().uuid.clone();
        host.domains.get(&uuid).unwrap().clone()
    };
    pump_until(T, "the healthy host's row sampled", || {
        c.emit(AppMsg::StatsTick);
        crate::harness::pump_for(Duration::from_millis(200));
        !row.cpu_history().is_empty()
    });
    let _ = release.send(());
    close(c);
}

/// A host whose daemon dies: its sidebar row says Disconnected, its machines stay
/// listed but greyed, the page offers Try Now and Disconnect; when the daemon is back
/// everything comes back by itself.
pub fn a_killed_host_greys_its_machines_and_comes_back_by_itself() {
    if !crate::common::real_libvirt() {
        return;
    }
    let daemon = crate::common::PrivateDaemon::start("uk");
    let conn = virt::connect::Connect::open(Some(&daemon.uri)).unwrap();
    for name in ["ui-conn-alpha", "ui-conn-beta"] {
        conn.define_domain_xml(&format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>"
        ))
        .unwrap();
    }
    drop(conn);
    let c = launch(vec![ConnectionSpec::new(&daemon.uri)]);
    let name_label = |name: &str| {
        find_widget::<gtk::Label>(&c.model().machines.list.view, &|l| l.label() == name)
    };
    pump_until(Duration::from_secs(20), "both machines drawn", || {
        name_label("ui-conn-alpha").is_some() && name_label("ui-conn-beta").is_some()
    });
    assert!(name_label("ui-conn-alpha").unwrap().is_sensitive());

    daemon.run("kill");
    pump_until(Duration::from_secs(20), "the row says Disconnected", || {
        crate::harness::label_texts(&sidebar_row(&c, 0))
            .iter()
            .any(|t| t == "Disconnected")
    });
    for name in ["ui-conn-alpha", "ui-conn-beta"] {
        let label = name_label(name).expect("still listed while away");
        assert!(!label.is_sensitive(), "{name} is greyed");
    }
    pump_until(Duration::from_secs(5), "the notice offers Try Now", || {
        visible_button(c.widget(), "Try Now").is_some()
            && visible_button(c.widget(), "Disconnect").is_some()
    });

    daemon.run("start");
    pump_until(Duration::from_secs(60), "back by itself", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
            && name_label("ui-conn-alpha").is_some_and(|l| l.is_sensitive())
    });
    assert!(name_label("ui-conn-beta").is_some_and(|l| l.is_sensitive()));
    assert!(
        visible_button(c.widget(), "Try Now").is_none(),
        "the notice is gone"
    );
    let handle = c.model().hosts[0].handle.clone();
    let _ = handle.call(|c| {
        for name in ["ui-conn-alpha", "ui-conn-beta"] {
            c.lookup_domain_by_name(name)?.undefine()?;
        }
        Ok(())
    });
    close(c);
}
