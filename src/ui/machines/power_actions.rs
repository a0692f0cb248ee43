//! The power buttons of the header bar. Each is enabled only when at least one
//! selected machine is in a state where the action can succeed.

use gettextrs::gettext;
use gtk::prelude::*;

use super::domain_object::DomainObject;
use crate::core::domain_action::DomainAction;

pub struct PowerActions {
    pub container: gtk::Box,
    buttons: Vec<(DomainAction, gtk::Button)>,
}

impl PowerActions {
    pub fn new(on_click: impl Fn(DomainAction) + Clone + 'static) -> Self {
        let container = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        container.add_css_class("linked");
        let buttons = DomainAction::ALL
            .iter()
            .map(|&action| {
                let button = gtk::Button::from_icon_name(action.icon_name());
                let label = action.label();
                button.set_tooltip_text(Some(&label));
                // Icon-only buttons need a name for screen readers and UI tests.
                button.update_property(&[gtk::accessible::Property::Label(&label)]);
                button.set_sensitive(false);
                let on_click = on_click.clone();
                button.connect_clicked(move |_| on_click(action));
                container.append(&button);
                (action, button)
            })
            .collect();
        container.update_property(&[gtk::accessible::Property::Label(&gettext("Power actions"))]);
        PowerActions { container, buttons }
    }

    /// Recomputes which buttons can act on `selected`.
    pub fn refresh(&self, selected: &[DomainObject], online: bool) {
        for (action, button) in &self.buttons {
            let usable = online && selected.iter().any(|d| action.allowed_in(d.state()));
            button.set_sensitive(usable);
        }
    }

    pub fn button(&self, action: DomainAction) -> Option<&gtk::Button> {
        self.buttons
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, b)| b)
    }
}
