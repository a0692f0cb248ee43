//! What a person sees when there is nothing to show: a status page that says so (no
//! connection, a host without machines) and gives way as soon as there is something,
//! and the About window.

use adw::prelude::*;
use hangar::core::node_file::NodeSpec;
use hangar::core::worker::ConnectionSpec;
use hangar::ui::AppMsg;
use relm4::prelude::*;

use crate::common::node_uri;
use crate::harness::{close, find_widget, launch, pump_until};

const T: std::time::Duration = std::time::Duration::from_secs(10);

/// The status page on screen with this title, if one is.
fn status_shown(c: &Controller<hangar::ui::App>, title: &str) -> bool {
    find_widget::<adw::StatusPage>(c.widget(), &|s| s.is_mapped() && s.title() == title).is_some()
}

pub fn without_connections_the_window_says_how_to_add_one() {
    let c = launch(vec![]);
    pump_until(T, "the No Connections page", || {
        status_shown(&c, "No Connections")
    });
    let page =
        find_widget::<adw::StatusPage>(c.widget(), &|s| s.title() == "No Connections").unwrap();
    assert!(
        page.description()
            .is_some_and(|d| d.contains("Add a connection")),
        "{:?}",
        page.description()
    );
    close(c);

    // Removing the last connection brings the same page back.
    let c = launch(vec![ConnectionSpec::new("test:///default")]);
    pump_until(T, "the machines listed", || {
        status_shown(&c, "No Virtual Machines") || c.model().hosts[0].domains.len() == 1
    });
    assert!(!status_shown(&c, "No Connections"));
    c.emit(AppMsg::RemoveSelectedConnection);
    pump_until(T, "the No Connections page again", || {
        status_shown(&c, "No Connections")
    });
    close(c);
}

pub fn a_host_without_machines_says_so_until_one_is_defined() {
    let (uri, _dir) = node_uri(&NodeSpec::with_domains(0), "ui-empty");
    let c = launch(vec![ConnectionSpec::new(uri)]);
    pump_until(T, "the No Virtual Machines page", || {
        status_shown(&c, "No Virtual Machines")
    });
    // A machine defined on the host arrives by libvirt's event and replaces the page.
    let xml = "<domain type='test'><name>first-one</name><memory>65536</memory>\
               <os><type>hvm</type></os></domain>";
    c.model().hosts[0]
        .handle
        .call(move |conn| Ok(conn.define_domain_xml(xml).map(|_| ())?))
        .unwrap();
    pump_until(T, "the machine listed", || {
        !status_shown(&c, "No Virtual Machines")
            && crate::harness::label_texts(&c.model().machines.root)
                .iter()
                .any(|t| t == "first-one")
    });
    close(c);
}

pub fn the_about_window_names_the_application_and_its_version() {
    let c = launch(vec![]);
    c.emit(AppMsg::ShowAbout);
    pump_until(T, "the About window", || {
        gtk::Window::list_toplevels()
            .iter()
            .any(|w| w.is::<adw::AboutWindow>() && w.is_visible())
    });
    let about = gtk::Window::list_toplevels()
        .into_iter()
        .find_map(|w| w.downcast::<adw::AboutWindow>().ok())
        .unwrap();
    assert_eq!(about.application_name(), "Hangar");
    assert_eq!(about.version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(about.license_type(), gtk::License::Gpl30);
    about.close();
    close(c);
}
