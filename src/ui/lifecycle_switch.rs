//! An "Active" switch for an object that starts and stops (a network, a pool).
//!
//! The switch moves at once when clicked, but its state — the filled-in look that
//! says what is true — changes only when the host's event reports the new state, so
//! the switch never claims something libvirt has not done. A refusal puts it back and
//! tells the person why.

use gtk::glib;
use gtk::prelude::*;

use super::reply::on_main;
use super::toaster::Toaster;
use crate::core::error::UserError;

/// Asks the host to start (`true`) or stop (`false`) the object; calls the reply from
/// the worker thread.
pub type Toggle = dyn Fn(bool, Box<dyn FnOnce(Result<(), UserError>) + Send>);

pub fn lifecycle_switch(
    toaster: Toaster,
    accessible_label: &str,
    toggle: Box<Toggle>,
) -> gtk::Switch {
    let switch = gtk::Switch::builder().valign(gtk::Align::Center).build();
    switch.update_property(&[gtk::accessible::Property::Label(accessible_label)]);
    switch.connect_state_set(move |sw, on| {
        if on == sw.state() {
            // Programmatic `show_state` (or a click back to what is true): nothing to ask.
            return glib::Propagation::Proceed;
        }
        let sw = sw.clone();
        let toaster = toaster.clone();
        toggle(
            on,
            Box::new(on_main(move |result: Result<(), UserError>| {
                if let Err(e) = result {
                    sw.set_active(sw.state());
                    toaster.show(e.message);
                }
            })),
        );
        glib::Propagation::Stop
    });
    switch
}

/// Shows what the host reported. The state is set first, so the `state-set` that
/// `set_active` emits matches it and asks the host for nothing.
pub fn show_state(switch: &gtk::Switch, active: bool) {
    switch.set_state(active);
    switch.set_active(active);
}
