//! Preferences, bound straight to GSettings: what the person changes is saved at once.

use adw::prelude::*;
use gettextrs::gettext;

use crate::settings::AppSettings;

pub fn show(parent: &impl IsA<gtk::Window>, settings: &AppSettings) {
    let window = adw::PreferencesWindow::builder()
        .transient_for(parent)
        .modal(true)
        .search_enabled(false)
        .build();
    let page = adw::PreferencesPage::new();
    let general = adw::PreferencesGroup::builder()
        .title(gettext("Machines"))
        .build();
    let console = adw::PreferencesGroup::builder()
        .title(gettext("Console"))
        .build();
    let connections = adw::PreferencesGroup::builder()
        .title(gettext("Connections"))
        .build();
    page.add(&general);
    page.add(&connections);
    page.add(&console);
    window.add(&page);

    let Some(gs) = settings.gsettings() else {
        general.set_description(Some(&gettext(
            "This build has no installed settings schema, so preferences cannot be saved. Install Hangar (meson install) to keep them.",
        )));
        window.present();
        return;
    };

    let interval = gtk::SpinButton::with_range(1.0, 60.0, 1.0);
    interval.set_valign(gtk::Align::Center);
    gs.bind("stats-interval-seconds", &interval.adjustment(), "value")
        .build();
    general.add(&row(
        &gettext("Statistics every (seconds)"),
        &gettext("How often CPU, memory, disk and network figures of running machines are sampled"),
        &interval,
    ));

    let force_off = gtk::Switch::builder().valign(gtk::Align::Center).build();
    gs.bind("confirm-force-off", &force_off, "active").build();
    general.add(&row(
        &gettext("Ask before Force Off"),
        &gettext("Forcing a machine off loses what its guest had not written"),
        &force_off,
    ));

    let keepalive = gtk::SpinButton::with_range(1.0, 300.0, 1.0);
    keepalive.set_valign(gtk::Align::Center);
    gs.bind("keepalive-interval", &keepalive.adjustment(), "value")
        .build();
    connections.add(&row(
        &gettext("Keepalive every (seconds)"),
        &gettext("How often Hangar checks that each connected host still answers; applies to connections opened from now on"),
        &keepalive,
    ));
    let pings = gtk::SpinButton::with_range(1.0, 20.0, 1.0);
    pings.set_valign(gtk::Align::Center);
    gs.bind("keepalive-count", &pings.adjustment(), "value")
        .build();
    connections.add(&row(
        &gettext("Unanswered checks before disconnecting"),
        &gettext("A host that misses this many checks in a row is shown disconnected, and Hangar reconnects by itself"),
        &pings,
    ));

    let font = gtk::FontButton::builder()
        .valign(gtk::Align::Center)
        .build();
    gs.bind("console-font", &font, "font").build();
    console.add(&row(
        &gettext("Font"),
        &gettext("Used by consoles opened from now on"),
        &font,
    ));

    let scrollback = gtk::SpinButton::with_range(10_000.0, 1_000_000.0, 1_000.0);
    scrollback.set_valign(gtk::Align::Center);
    gs.bind(
        "console-scrollback-lines",
        &scrollback.adjustment(),
        "value",
    )
    .mapping(|v, _| Some((v.get::<i32>()? as f64).into()))
    .set_mapping(|v, _| Some((v.get::<f64>().ok()? as i32).into()))
    .build();
    console.add(&row(
        &gettext("Scrollback lines"),
        &gettext("Lines a console keeps above the screen"),
        &scrollback,
    ));
    window.present();
}

fn row(title: &str, subtitle: &str, widget: &impl IsA<gtk::Widget>) -> adw::ActionRow {
    let row = adw::ActionRow::builder()
        .title(title)
        .subtitle(subtitle)
        .build();
    row.add_suffix(widget);
    widget
        .upcast_ref::<gtk::Widget>()
        .update_property(&[gtk::accessible::Property::Label(title)]);
    row
}
