//! Per-field errors and availability, shared by the clone and new-VM plans.
//!
//! A wizard shows each problem next to the control that caused it, so every
//! check returns the field it is about along with a sentence for the person.

/// What is wrong with one field of a form, already translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError<F> {
    pub field: F,
    pub message: String,
}

impl<F> FieldError<F> {
    pub fn new(field: F, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Whether an option can be offered, and if not, why (for a tooltip or a
/// subtitle next to the greyed-out control).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Availability {
    pub available: bool,
    /// Why it is unavailable; empty (or a note) when it is available.
    pub reason: String,
}

impl Availability {
    pub fn yes() -> Self {
        Availability {
            available: true,
            reason: String::new(),
        }
    }

    pub fn no(reason: impl Into<String>) -> Self {
        Availability {
            available: false,
            reason: reason.into(),
        }
    }
}

/// The controls of the clone wizard a [`FieldError`] can point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CloneField {
    /// The template step: the template itself is not usable.
    Template,
    /// The name entry (one name, or several typed as a list).
    Names,
    /// The `web-{n}` pattern entry.
    Pattern,
    /// How many clones to make from the pattern.
    Count,
    /// The first number of the pattern.
    FirstNumber,
    /// The choice for the template's disk with this target (`vda`).
    Disk(String),
    /// The "prepare the guest with virt-sysprep" switch.
    Sysprep,
}
