//! The machines list and its power actions, in the real window.

use std::time::Duration;

use adw::prelude::*;
use hangar::core::domain_action::DomainAction;
use hangar::core::node_file::NodeSpec;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::AppMsg;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, drawn_rows, label_texts, launch, pump_until};

const T: Duration = Duration::from_secs(10);

fn launch_loaded(domains: usize, tag: &str) -> Controller<hangar::ui::App> {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(domains), tag);
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "the host is listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    // Let GTK lay out and draw the rows.
    pump_until(T, "rows drawn", || {
        !drawn_rows(&c.model().list().view).is_empty()
    });
    c
}

/// The drawn row whose first cell is `name`.
fn row_of(c: &Controller<hangar::ui::App>, name: &str) -> Option<Vec<String>> {
    drawn_rows(&c.model().list().view)
        .into_iter()
        .find(|r| r.first().map(String::as_str) == Some(name))
}

pub fn the_list_shows_every_machine_of_the_host() {
    let c = launch_loaded(12, "ui-list");
    let m = c.model();
    assert_eq!(m.hosts[0].domains.len(), 12);
    assert_eq!(m.list().selection.n_items(), 12);
    // Sorted by name; vm-10 is shut off, vm-9 paused, vm-1 running with 2 vCPUs, 512 MiB.
    assert_eq!(
        row_of(&c, "vm-1").unwrap(),
        vec!["vm-1", "Running", "2", "512 MiB"]
    );
    assert_eq!(row_of(&c, "vm-10").unwrap()[1], "Shut off");
    assert_eq!(row_of(&c, "vm-9").unwrap()[1], "Paused");
    let sidebar = label_texts(&m.hosts[0].row.row);
    assert!(
        sidebar.iter().any(|t| t == "12 machines, 8 running"),
        "sidebar says {sidebar:?}"
    );
    drop(m);
    close(c);
}

pub fn start_button_starts_the_selected_machine() {
    let c = launch_loaded(10, "ui-start");
    {
        let m = c.model();
        assert!(m.list().select_by_name("vm-10"));
    }
    pump_until(T, "actions follow the selection", || {
        c.model()
            .power
            .button(DomainAction::Start)
            .unwrap()
            .is_sensitive()
    });
    {
        let m = c.model();
        assert!(!m
            .power
            .button(DomainAction::Shutdown)
            .unwrap()
            .is_sensitive());
        assert!(!m.power.button(DomainAction::Resume).unwrap().is_sensitive());
        // A real click on the real button.
        m.power.button(DomainAction::Start).unwrap().emit_clicked();
    }
    pump_until(T, "vm-10 shows Running", || {
        row_of(&c, "vm-10").is_some_and(|r| r[1] == "Running")
    });
    pump_until(T, "Start greys out, Shut Down lights up", || {
        let m = c.model();
        !m.power.button(DomainAction::Start).unwrap().is_sensitive()
            && m.power
                .button(DomainAction::Shutdown)
                .unwrap()
                .is_sensitive()
    });
    close(c);
}

pub fn a_change_by_another_client_updates_its_row() {
    let c = launch_loaded(5, "ui-foreign");
    let handle = c.model().hosts[0].handle.clone();
    let before_vm2 = row_of(&c, "vm-2").unwrap();
    // The window's own worker connection is the only way into this private test
    // hypervisor, so the "other client" borrows it for a raw libvirt call.
    handle
        .call(|conn| Ok(conn.lookup_domain_by_name("vm-1")?.destroy()?))
        .unwrap();
    pump_until(T, "vm-1 shows Shut off", || {
        row_of(&c, "vm-1").is_some_and(|r| r[1] == "Shut off")
    });
    assert_eq!(
        row_of(&c, "vm-2").unwrap(),
        before_vm2,
        "other rows are untouched"
    );

    let xml = "<domain type='test'><name>newcomer</name><memory unit='MiB'>256</memory>\
               <vcpu>3</vcpu><os><type>hvm</type></os></domain>";
    handle
        .call(move |conn| Ok(conn.define_domain_xml(xml).map(|_| ())?))
        .unwrap();
    pump_until(T, "a defined machine appears", || {
        row_of(&c, "newcomer").is_some()
    });
    assert_eq!(
        row_of(&c, "newcomer").unwrap(),
        vec!["newcomer", "Shut off", "3", "256 MiB"]
    );
    handle
        .call(|conn| Ok(conn.lookup_domain_by_name("newcomer")?.undefine()?))
        .unwrap();
    pump_until(T, "an undefined machine disappears", || {
        row_of(&c, "newcomer").is_none()
    });
    assert_eq!(c.model().list().selection.n_items(), 5);
    close(c);
}

pub fn a_refused_action_is_reported_to_the_person() {
    let c = launch_loaded(3, "ui-refused");
    let handle = c.model().hosts[0].handle.clone();
    assert!(c.model().list().select_by_name("vm-2"));
    // Someone else stops vm-2; before its event is processed the person presses
    // Shut Down, which libvirt refuses.
    handle
        .call(|conn| Ok(conn.lookup_domain_by_name("vm-2")?.destroy()?))
        .unwrap();
    c.emit(AppMsg::Power(DomainAction::Shutdown));
    pump_until(T, "a toast with libvirt's reason", || {
        c.model().toaster.last().is_some()
    });
    let toast = c.model().toaster.last().unwrap();
    assert!(
        toast.contains("vm-2") && toast.contains("not running"),
        "toast: {toast}"
    );
    pump_until(T, "vm-2 shows Shut off", || {
        row_of(&c, "vm-2").is_some_and(|r| r[1] == "Shut off")
    });
    close(c);
}

pub fn an_unreachable_host_shows_why() {
    let c = launch(vec![ConnectionSpec::new("test:///no/such/node-file.xml")]);
    pump_until(T, "the host fails", || {
        matches!(c.model().hosts[0].store.status, ConnectionStatus::Failed(_))
    });
    let texts = label_texts(c.widget());
    assert!(
        texts.iter().any(|t| t == "Could Not Connect"),
        "labels: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("/no/such/node-file.xml")),
        "the reason names the file: {texts:?}"
    );
    close(c);
}

pub fn search_filters_by_name_title_state_and_template_in_any_script() {
    let c = launch_loaded(10, "ui-search");
    let handle = c.model().hosts[0].handle.clone();
    let xml = "<domain type='test'><name>数据库-主</name><title>主库 PostgreSQL</title>\
               <memory>65536</memory><os><type>hvm</type></os></domain>";
    handle
        .call(move |conn| Ok(conn.define_domain_xml(xml).map(|_| ())?))
        .unwrap();
    handle
        .call(|conn| {
            let uuid = conn.lookup_domain_by_name("vm-3")?.uuid_string()?;
            hangar::core::clone::template::mark_template(conn, &uuid)
        })
        .unwrap();
    pump_until(
        T,
        "the Chinese-named machine is listed, vm-3 as a template",
        || {
            c.model().list().visible_count() == 11
                && c.model().list().select_by_name("vm-3")
                && c.model().list().selected()[0].display_name() == "vm-3 (template)"
        },
    );

    c.emit(AppMsg::Search);
    pump_until(T, "the search bar opens", || {
        c.model().machines.search_bar.is_search_mode()
    });
    let search = c.model().machines.search.clone();
    let names = |c: &Controller<hangar::ui::App>| -> Vec<String> {
        let m = c.model();
        let sel = &m.list().selection;
        (0..sel.n_items())
            .filter_map(|i| {
                sel.item(i)
                    .and_downcast::<hangar::ui::machines::domain_object::DomainObject>()
            })
            .map(|o| o.name())
            .collect()
    };
    let everyone: Vec<String> = (1..=10)
        .map(|n| format!("vm-{n}"))
        .chain(["数据库-主".to_string()])
        .collect();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("VM-1", vec!["vm-1".into(), "vm-10".into()]),
        ("paused", vec!["vm-9".into()]),
        ("数据库", vec!["数据库-主".into()]),
        ("postgresql 主库", vec!["数据库-主".into()]),
        ("TEMPLATE", vec!["vm-3".into()]),
        ("shut vm-1", vec!["vm-10".into()]),
        ("", everyone),
    ];
    for (query, mut want) in cases {
        search.set_text(query);
        want.sort();
        pump_until(T, &format!("search {query:?}"), || {
            let mut got = names(&c);
            got.sort();
            got == want
        });
    }
    close(c);
}

pub fn open_message_dialog() -> Option<adw::MessageDialog> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .find(|d| d.is_visible())
}

pub fn click_dialog_button(dialog: &adw::MessageDialog, label: &str) {
    crate::harness::find_widget::<gtk::Button>(dialog, &|b| b.label().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("a {label:?} button"))
        .emit_clicked();
}

pub fn force_off_asks_first_and_cancel_changes_nothing() {
    let c = launch_loaded(3, "ui-forceoff");
    assert!(c.model().list().select_by_name("vm-2"));
    c.emit(AppMsg::Power(DomainAction::ForceOff));
    pump_until(T, "a confirmation", || open_message_dialog().is_some());
    let dialog = open_message_dialog().unwrap();
    assert!(
        dialog.heading().unwrap().contains("vm-2"),
        "it names the machine"
    );
    click_dialog_button(&dialog, "Cancel");
    pump_until(T, "the dialog closes", || open_message_dialog().is_none());
    // Let a wrongly sent request arrive, if there were one: the machine must still run.
    crate::harness::pump_for(Duration::from_millis(300));
    assert_eq!(row_of(&c, "vm-2").unwrap()[1], "Running");

    c.emit(AppMsg::Power(DomainAction::ForceOff));
    pump_until(T, "a confirmation again", || {
        open_message_dialog().is_some()
    });
    click_dialog_button(&open_message_dialog().unwrap(), "Force Off");
    pump_until(T, "vm-2 is off", || {
        row_of(&c, "vm-2").is_some_and(|r| r[1] == "Shut off")
    });
    close(c);
}

pub fn a_bulk_start_reports_once_and_names_the_failure() {
    let c = launch_loaded(10, "ui-bulk");
    {
        let m = c.model();
        let sel = &m.list().selection;
        sel.unselect_all();
        for i in 0..sel.n_items() {
            let name = sel
                .item(i)
                .and_downcast::<hangar::ui::machines::domain_object::DomainObject>()
                .unwrap()
                .name();
            if ["vm-3", "vm-6", "vm-10"].contains(&name.as_str()) {
                sel.select_item(i, false);
            }
        }
        assert_eq!(m.list().selected().len(), 3);
    }
    // Someone else starts vm-6 first; the window has not heard yet.
    let handle = c.model().hosts[0].handle.clone();
    handle
        .call(|conn| Ok(conn.lookup_domain_by_name("vm-6")?.create()?))
        .unwrap();
    c.emit(AppMsg::Power(DomainAction::Start));
    pump_until(T, "one summary", || c.model().toaster.last().is_some());
    let text = c.model().toaster.last().unwrap();
    assert!(
        text.starts_with("Start: 2 of 3 done. Failed: vm-6 ("),
        "{text}"
    );
    pump_until(T, "all three run", || {
        ["vm-3", "vm-6", "vm-10"]
            .iter()
            .all(|n| row_of(&c, n).is_some_and(|r| r[1] == "Running"))
    });
    close(c);
}

pub fn delete_asks_with_the_disks_and_removes_the_machine() {
    let c = launch_loaded(3, "ui-delete");
    assert!(c.model().list().select_by_name("vm-3"));
    c.emit(AppMsg::DeleteSelected);
    pump_until(T, "the delete dialog", || open_message_dialog().is_some());
    let dialog = open_message_dialog().unwrap();
    assert_eq!(dialog.heading().unwrap(), "Delete vm-3?");
    // vm-3's disk is not a volume of any pool in this host: listed, kept, not tickable.
    let check =
        crate::harness::find_widget::<gtk::CheckButton>(&dialog, &|_| true).expect("a disk row");
    assert!(!check.is_sensitive() && !check.is_active());
    assert!(crate::harness::label_texts(&dialog)
        .iter()
        .any(|t| t.starts_with("Kept: not in a storage pool")));
    click_dialog_button(&dialog, "Delete");
    pump_until(T, "vm-3 is gone", || {
        row_of(&c, "vm-3").is_none() && c.model().list().visible_count() == 2
    });
    // Nothing was ticked, so only the machine is reported.
    assert_eq!(c.model().toaster.last().unwrap(), "Deleted vm-3");
    close(c);
}

pub fn the_console_button_opens_the_selected_machines_console() {
    let c = launch_loaded(3, "ui-console-button");
    assert!(!c.model().console_button.is_sensitive(), "nothing selected");
    assert!(c.model().list().select_by_name("vm-1"));
    pump_until(T, "the button lights up", || {
        c.model().console_button.is_sensitive()
    });
    c.model().console_button.emit_clicked();
    pump_until(T, "a console window", || {
        hangar::ui::console::ConsoleWindow::open_windows().len() == 1
    });
    let window = &hangar::ui::console::ConsoleWindow::open_windows()[0];
    // libvirt's test driver has no consoles: the window says so instead of hanging.
    pump_until(T, "it explains", || {
        crate::harness::label_texts(&window.window)
            .iter()
            .any(|t| t.to_lowercase().contains("not support"))
    });
    hangar::ui::console::ConsoleWindow::close_all();
    close(c);
}

pub fn a_template_with_linked_clones_refuses_to_start() {
    let c = launch_loaded(1, "ui-guard");
    let handle = c.model().hosts[0].handle.clone();
    handle
        .call(|conn| {
            let pool = conn.lookup_storage_pool_by_name("pool-1")?;
            let vol = |name: &str, backing: &str| {
                format!(
                    "<volume><name>{name}</name><capacity unit='MiB'>64</capacity><allocation>0</allocation>\
                     <target><format type='qcow2'/></target>{backing}</volume>"
                )
            };
            let base = "/var/lib/libvirt/pool-1/tpl.qcow2";
            virt::storage_vol::StorageVol::create_xml(&pool, &vol("tpl.qcow2", ""), 0)?;
            let backing = format!("<backingStore><path>{base}</path><format type='qcow2'/></backingStore>");
            virt::storage_vol::StorageVol::create_xml(&pool, &vol("clone-1.qcow2", &backing), 0)?;
            let tpl = conn.define_domain_xml(&format!(
                "<domain type='test'><name>tpl</name><memory>65536</memory><os><type>hvm</type></os>\
                 <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                 <source file='{base}'/><target dev='vda'/></disk></devices></domain>"
            ))?;
            hangar::core::clone::template::mark_template(conn, &tpl.uuid_string()?)?;
            Ok(())
        })
        .unwrap();
    pump_until(T, "the template is listed with its mark", || {
        row_of(&c, "tpl (template)").is_some()
    });
    assert!(c.model().list().select_by_name("tpl"));
    c.emit(AppMsg::Power(DomainAction::Start));
    pump_until(T, "the refusal", || c.model().toaster.last().is_some());
    let text = c.model().toaster.last().unwrap();
    assert!(
        text.contains("tpl") && text.contains("linked clone"),
        "{text}"
    );
    assert_eq!(row_of(&c, "tpl (template)").unwrap()[1], "Shut off");
    close(c);
}
