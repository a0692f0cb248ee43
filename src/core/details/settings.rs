//! Changing a machine's settings with the libvirt flags that say when the change
//! takes effect. A running machine can often change now *and* at its next boot; a
//! shut-off one only at its next boot; some changes (more vCPUs or memory than its
//! configured maximum) only at the next boot even while it runs.

use gettextrs::gettext;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::enumutil::Enum;
use virt::error::ErrorNumber;
use virt::sys;

use crate::core::error::UserError;
use crate::core::xml::DomainXml;

/// When a change applies. The person picks; the window offers only what the state allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The running machine and its stored configuration (LIVE | CONFIG).
    NowAndNextBoot,
    /// Only the stored configuration (CONFIG): seen at the next boot.
    NextBoot,
}

/// libvirt's `VIR_DOMAIN_AFFECT_*` flags for `when`. A transient machine has no stored
/// configuration, so only its live state can change.
pub fn apply_flags(when: When, persistent: bool) -> u32 {
    match (when, persistent) {
        (When::NowAndNextBoot, true) => sys::VIR_DOMAIN_AFFECT_LIVE | sys::VIR_DOMAIN_AFFECT_CONFIG,
        (When::NowAndNextBoot, false) => sys::VIR_DOMAIN_AFFECT_LIVE,
        (When::NextBoot, _) => sys::VIR_DOMAIN_AFFECT_CONFIG,
    }
}

pub fn set_autostart(dom: &Domain, on: bool) -> Result<(), UserError> {
    Ok(dom.set_autostart(on)?)
}

/// Sets the number of vCPUs. Above the configured maximum the maximum is raised first,
/// which only the stored configuration can do.
pub fn set_vcpus(dom: &Domain, count: u32, when: When) -> Result<(), UserError> {
    if count == 0 {
        return Err(UserError::invalid(gettext(
            "A machine needs at least one vCPU",
        )));
    }
    let persistent = dom.is_persistent()?;
    let max = dom.vcpus_flags(sys::VIR_DOMAIN_AFFECT_CONFIG | sys::VIR_DOMAIN_VCPU_MAXIMUM)?;
    if count > max {
        if when == When::NowAndNextBoot && dom.is_active()? {
            return Err(UserError::invalid(
                gettext("This machine can have at most {max} vCPUs while it runs; choose “At next boot only” to raise the maximum")
                    .replace("{max}", &max.to_string()),
            ));
        }
        dom.set_vcpus_flags(
            count,
            sys::VIR_DOMAIN_AFFECT_CONFIG | sys::VIR_DOMAIN_VCPU_MAXIMUM,
        )?;
    }
    let flags = if dom.is_active()? {
        apply_flags(when, persistent)
    } else {
        sys::VIR_DOMAIN_AFFECT_CONFIG
    };
    one_or_each(flags, |f| dom.set_vcpus_flags(count, f))
}

/// Sets the memory (KiB). Above the maximum, the maximum is raised in the stored
/// configuration, so it applies at the next boot.
pub fn set_memory(dom: &Domain, kib: u64, when: When) -> Result<(), UserError> {
    if kib < 1024 {
        return Err(UserError::invalid(gettext(
            "A machine needs at least 1 MiB of memory",
        )));
    }
    let persistent = dom.is_persistent()?;
    let active = dom.is_active()?;
    let max = dom.max_memory()?;
    if kib > max {
        if when == When::NowAndNextBoot && active {
            return Err(UserError::invalid(
                gettext("This machine can have at most {max} while it runs; choose “At next boot only” to raise the maximum")
                    .replace("{max}", &crate::core::model::format_kib(max)),
            ));
        }
        dom.set_memory_flags(
            kib,
            sys::VIR_DOMAIN_AFFECT_CONFIG | sys::VIR_DOMAIN_MEM_MAXIMUM,
        )?;
    }
    let flags = if active {
        apply_flags(when, persistent)
    } else {
        sys::VIR_DOMAIN_AFFECT_CONFIG
    };
    one_or_each(flags, |f| dom.set_memory_flags(kib, f))
}

/// Runs `set` with `flags`. A driver that takes LIVE and CONFIG only one at a time
/// (the test driver's memory call says they are "mutually exclusive") gets the stored
/// configuration first, then the running machine.
fn one_or_each(
    flags: u32,
    set: impl Fn(u32) -> Result<(), virt::error::Error>,
) -> Result<(), UserError> {
    let both = sys::VIR_DOMAIN_AFFECT_LIVE | sys::VIR_DOMAIN_AFFECT_CONFIG;
    match set(flags) {
        Err(e) if flags & both == both && e.code() == Enum::Known(ErrorNumber::InvalidArg) => {
            set(flags & !sys::VIR_DOMAIN_AFFECT_LIVE)?;
            Ok(set(flags & !sys::VIR_DOMAIN_AFFECT_CONFIG)?)
        }
        other => Ok(other?),
    }
}

/// Saves XML a person edited (`virsh edit`): re-defines the machine with libvirt's
/// schema validation. Refuses XML that would define a *different* machine (another
/// UUID or name), which `define` would otherwise silently create beside this one.
pub fn define_edited_xml(
    conn: &Connect,
    uuid: &str,
    name: &str,
    xml: &str,
) -> Result<(), UserError> {
    let parsed = DomainXml::parse(xml).map_err(|e| UserError::invalid(e.to_string()))?;
    match parsed.uuid.as_deref() {
        Some(u) if u.eq_ignore_ascii_case(uuid) => {}
        Some(_) => {
            return Err(UserError::invalid(gettext(
                "The UUID was changed. Saving would create another machine; change it back.",
            )))
        }
        None => {
            return Err(UserError::invalid(gettext(
                "The <uuid> element is missing. Saving would create another machine; put it back.",
            )))
        }
    }
    if parsed.name != name {
        return Err(UserError::invalid(gettext(
            "Renaming through the XML is not possible; change the <name> back.",
        )));
    }
    conn.define_domain_xml_flags(xml, sys::VIR_DOMAIN_DEFINE_VALIDATE)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_match_when_the_change_applies() {
        assert_eq!(
            apply_flags(When::NextBoot, true),
            sys::VIR_DOMAIN_AFFECT_CONFIG
        );
        assert_eq!(
            apply_flags(When::NowAndNextBoot, true),
            sys::VIR_DOMAIN_AFFECT_LIVE | sys::VIR_DOMAIN_AFFECT_CONFIG
        );
        assert_eq!(
            apply_flags(When::NowAndNextBoot, false),
            sys::VIR_DOMAIN_AFFECT_LIVE
        );
    }
}
