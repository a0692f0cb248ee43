//! Templates: marking a shut-off machine as one (in its `<metadata>`, under
//! Hangar's namespace, so the mark travels with the XML and other tools leave
//! it alone), unmarking it, counting the linked clones that depend on it, and
//! the guard the window asks before starting a template or writing its disks.
//!
//! Dependants are counted as the volumes, in every active pool, whose backing
//! image is one of the template's disk images. Overlays made outside libvirt's
//! pools are invisible to this count; Hangar only makes overlays through pools.

use gettextrs::gettext;
use virt::connect::Connect;
use virt::sys;

use super::facts::{read_storage, template_disk_paths, HostFacts, VolumeFacts};
use crate::core::error::{ErrorKind, UserError};
use crate::core::inventory;
use crate::core::model::DomainState;
use crate::core::xml::{Document, DomainXml, Element, HANGAR_NS, HANGAR_PREFIX};

/// A template in the wizard's first step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSummary {
    pub uuid: String,
    pub name: String,
    pub state: DomainState,
    pub disk_paths: Vec<String>,
    /// Linked clones (overlay volumes) that read from its disks.
    pub dependants: usize,
}

/// What the window is about to do to a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardedAction {
    Start,
    /// Attach, detach, resize or re-point a disk, or anything else that writes one.
    WriteDisks,
}

/// Why `action` must not happen to this domain, or `None` when it may.
/// Pure: `dependants` is the number of overlays on its disks.
pub fn guard_reason(
    domain: &DomainXml,
    dependants: usize,
    action: GuardedAction,
) -> Option<String> {
    if !domain.is_template || dependants == 0 {
        return None;
    }
    let text = match action {
        GuardedAction::Start => gettext(
            "“{name}” is a template with {count} linked clones: starting it would change the disk they read from and corrupt them. Clone it instead, or convert it back to a machine first",
        ),
        GuardedAction::WriteDisks => gettext(
            "“{name}” is a template with {count} linked clones: its disks must stay unchanged. Convert it back to a machine first",
        ),
    };
    Some(
        text.replace("{name}", &domain.name)
            .replace("{count}", &dependants.to_string()),
    )
}

/// Reads what [`guard_reason`] needs and answers it. Worker only.
pub fn check_guard(
    conn: &Connect,
    uuid: &str,
    action: GuardedAction,
) -> Result<Option<String>, UserError> {
    let domain = read_domain(conn, uuid)?;
    if !domain.is_template {
        return Ok(None);
    }
    let dependants = dependants_on_host(conn, &domain)?;
    Ok(guard_reason(&domain, dependants.len(), action))
}

fn read_domain(conn: &Connect, uuid: &str) -> Result<DomainXml, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let xml = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?;
    DomainXml::parse(&xml).map_err(|e| UserError::invalid(e.to_string()))
}

/// The overlays on `domain`'s disks, read from the host's pools. Worker only.
pub fn dependants_on_host(
    conn: &Connect,
    domain: &DomainXml,
) -> Result<Vec<VolumeFacts>, UserError> {
    let (pools, volumes) = read_storage(conn);
    let host = HostFacts {
        pools,
        volumes,
        ..HostFacts::default()
    };
    Ok(dependants(&host, domain))
}

/// The overlays on `domain`'s disks among `host`'s volumes. Pure.
pub fn dependants(host: &HostFacts, domain: &DomainXml) -> Vec<VolumeFacts> {
    let paths = template_disk_paths(domain, host);
    host.overlays_of(&paths).cloned().collect()
}

/// Every template on the host, with its dependants counted. Worker only.
pub fn list_templates(conn: &Connect) -> Result<Vec<TemplateSummary>, UserError> {
    let (pools, volumes) = read_storage(conn);
    let host = HostFacts {
        pools,
        volumes,
        ..HostFacts::default()
    };
    let mut out = Vec::new();
    for dom in conn.list_all_domains(0)? {
        let Ok(Ok(domain)) = dom
            .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
            .map(|x| DomainXml::parse(&x))
        else {
            continue;
        };
        if !domain.is_template {
            continue;
        }
        out.push(TemplateSummary {
            uuid: dom.uuid_string()?,
            state: inventory::domain_summary(&dom)?.state,
            disk_paths: template_disk_paths(&domain, &host),
            dependants: dependants(&host, &domain).len(),
            name: domain.name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Hangar's metadata element as libvirt hands it out (`<hangar>…</hangar>`,
/// no namespace), with the template mark set or cleared. `None` when
/// nothing but the mark was in it and the mark is cleared.
fn edit_fragment(current: Option<&str>, template: bool) -> Result<Option<String>, UserError> {
    let mut doc = match current {
        Some(xml) => Document::parse(xml).map_err(|e| UserError::invalid(e.to_string()))?,
        None => Document::new(Element::new(HANGAR_PREFIX)),
    };
    let root = doc.root_mut();
    let marked = root.elements().any(|e| e.local_name() == "template");
    if template && !marked {
        root.push_child(Element::new("template"));
    } else if !template {
        root.remove_children_where(|e| e.local_name() == "template");
        if root.elements().next().is_none() {
            return Ok(None);
        }
    }
    Ok(Some(doc.root().to_string()))
}

fn set_mark(conn: &Connect, uuid: &str, template: bool) -> Result<(), UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let kind = sys::VIR_DOMAIN_METADATA_ELEMENT as i32;
    let config = sys::VIR_DOMAIN_AFFECT_CONFIG;
    // No Hangar metadata yet is reported as an error; treat it as empty.
    let current = dom.metadata(kind, Some(HANGAR_NS), config).ok();
    let fragment = edit_fragment(current.as_deref(), template)?;
    dom.set_metadata(
        kind,
        fragment.as_deref(),
        Some(HANGAR_PREFIX),
        Some(HANGAR_NS),
        config,
    )?;
    Ok(())
}

/// Marks a shut-off machine as a template.
pub fn mark_template(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let state = inventory::domain_summary(&dom)?.state;
    if state != DomainState::Shutoff {
        return Err(UserError::invalid(
            gettext("Shut “{name}” off before making it a template: its disks must not change afterwards")
                .replace("{name}", &dom.name()?),
        ));
    }
    set_mark(conn, uuid, true)
}

/// Turns a template back into an ordinary machine. Refused while linked
/// clones depend on it: flatten them first (`flatten::convert_back`).
pub fn unmark_template(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    let domain = read_domain(conn, uuid)?;
    let deps = dependants_on_host(conn, &domain)?;
    if !deps.is_empty() {
        return Err(UserError::new(
            ErrorKind::Invalid,
            gettext("{count} linked clones depend on “{name}”: make full copies of them first")
                .replace("{count}", &deps.len().to_string())
                .replace("{name}", &domain.name),
        ));
    }
    set_mark(conn, uuid, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fragment_keeps_other_settings() {
        assert_eq!(
            edit_fragment(None, true).unwrap().as_deref(),
            Some("<hangar>\n  <template/>\n</hangar>")
        );
        let other = "<hangar>\n  <template/>\n  <other a=\"1\"/>\n</hangar>";
        let cleared = edit_fragment(Some(other), false).unwrap().unwrap();
        assert_eq!(cleared, "<hangar>\n  <other a=\"1\"/>\n</hangar>");
        assert_eq!(
            edit_fragment(Some("<hangar><template/></hangar>"), false).unwrap(),
            None
        );
        assert_eq!(
            edit_fragment(Some(&cleared), true).unwrap().unwrap(),
            "<hangar>\n  <other a=\"1\"/>\n  <template/>\n</hangar>"
        );
    }
}
