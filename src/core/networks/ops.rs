//! `virsh net-start`, `net-destroy`, `net-autostart`, `net-undefine`, `net-define`
//! and `net-edit`, with the checks a person expects first. Every function blocks on
//! libvirt: run them on the connection's worker.

use std::ffi::CString;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::network::Network;
use virt::sys;

use super::plan::{plan_network, FieldError, NetworkForm};
use super::taken;
use crate::core::error::{from_virt, UserError};
use crate::core::words::join_list;
use crate::core::xml::{new_network_xml, DomainXml, NetworkXml};

pub fn start(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    Ok(conn.lookup_network_by_uuid_string(uuid)?.create()?)
}

pub fn stop(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    Ok(conn.lookup_network_by_uuid_string(uuid)?.destroy()?)
}

pub fn set_autostart(conn: &Connect, uuid: &str, on: bool) -> Result<(), UserError> {
    conn.lookup_network_by_uuid_string(uuid)?
        .set_autostart(on)?;
    Ok(())
}

/// Names of the running domains with an interface on the network (by network name,
/// or on its bridge).
pub fn running_users(conn: &Connect, net: &Network) -> Result<Vec<String>, UserError> {
    let name = net.name()?;
    let bridge = net.bridge_name().ok().filter(|b| !b.is_empty());
    let mut users = Vec::new();
    for dom in conn.list_all_domains(sys::VIR_CONNECT_LIST_DOMAINS_ACTIVE)? {
        let Ok(xml) = dom.xml_desc(0) else {
            continue;
        };
        let Ok(parsed) = DomainXml::parse(&xml) else {
            continue;
        };
        let uses = parsed.interfaces.iter().any(|i| {
            i.source_network.as_deref() == Some(name.as_str())
                || (bridge.is_some() && i.source_bridge == bridge)
        });
        if uses {
            users.push(parsed.name);
        }
    }
    users.sort();
    Ok(users)
}

/// Stops and undefines the network, unless running machines use it.
pub fn delete(conn: &Connect, uuid: &str) -> Result<(), UserError> {
    let net = conn.lookup_network_by_uuid_string(uuid)?;
    let users = running_users(conn, &net)?;
    if !users.is_empty() {
        return Err(UserError::invalid(
            gettext("“{name}” is in use by running machines: {machines}. Shut them down or move them to another network first.")
                .replace("{name}", &net.name()?)
                .replace("{machines}", &join_list(&users)),
        ));
    }
    if net.is_active()? {
        net.destroy()?;
    }
    if net.is_persistent()? {
        net.undefine()?;
    }
    Ok(())
}

/// `virNetworkDefineXMLFlags` with schema validation, where the driver has it.
pub fn define_validated(conn: &Connect, xml: &str) -> Result<Network, UserError> {
    let c_xml = CString::new(xml)
        .map_err(|_| UserError::invalid(gettext("The XML contains a NUL character")))?;
    let ptr = unsafe {
        sys::virNetworkDefineXMLFlags(
            conn.as_ptr(),
            c_xml.as_ptr(),
            sys::VIR_NETWORK_DEFINE_VALIDATE,
        )
    };
    if ptr.is_null() {
        return Err(from_virt(&virt::error::Error::last_error()));
    }
    Ok(unsafe { Network::from_ptr(ptr) })
}

/// Why creating a network did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    /// Nothing was changed: these fields need fixing.
    Fields(Vec<FieldError>),
    /// libvirt refused; nothing was left behind.
    Libvirt(UserError),
}

impl From<UserError> for CreateError {
    fn from(e: UserError) -> Self {
        CreateError::Libvirt(e)
    }
}

impl From<virt::error::Error> for CreateError {
    fn from(e: virt::error::Error) -> Self {
        CreateError::Libvirt(UserError::from(e))
    }
}

/// What was created, and anything the person should know about the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub uuid: String,
    pub name: String,
    pub note: Option<String>,
}

/// Checks the form against the host, then defines, starts and (if asked) marks the
/// network to start with the host. When a step after the definition fails, the
/// definition is removed again, so a failed creation leaves nothing behind.
pub fn create(conn: &Connect, form: &NetworkForm, autostart: bool) -> Result<Created, CreateError> {
    let (taken, note) = taken::gather(conn)?;
    let planned = plan_network(form, &taken).map_err(CreateError::Fields)?;
    let xml = new_network_xml(&planned)
        .map_err(|e| CreateError::Libvirt(UserError::invalid(e.to_string())))?;
    let net = define_validated(conn, &xml)?;
    let finish = || -> Result<(), UserError> {
        net.create()?;
        if autostart {
            net.set_autostart(true)?;
        }
        Ok(())
    };
    if let Err(e) = finish() {
        if net.is_active().unwrap_or(false) {
            let _ = net.destroy();
        }
        let _ = net.undefine();
        return Err(CreateError::Libvirt(e));
    }
    Ok(Created {
        uuid: net.uuid_string()?,
        name: planned.name,
        note,
    })
}

/// Replaces the network's definition with `xml`, as `virsh net-edit` does. The text
/// must describe the same network (same name and UUID); anything libvirt refuses
/// leaves the definition unchanged. Returns whether the network is running (its
/// live state changes at the next restart).
pub fn redefine(conn: &Connect, uuid: &str, xml: &str) -> Result<bool, UserError> {
    let net = conn.lookup_network_by_uuid_string(uuid)?;
    let parsed = NetworkXml::parse(xml).map_err(|e| UserError::invalid(e.to_string()))?;
    let name = net.name()?;
    if parsed.name != name {
        return Err(UserError::invalid(
            gettext("The name cannot be changed here (it is “{name}”)").replace("{name}", &name),
        ));
    }
    if let Some(u) = &parsed.uuid {
        if !u.eq_ignore_ascii_case(uuid) {
            return Err(UserError::invalid(gettext("The UUID cannot be changed")));
        }
    }
    if !net.is_persistent()? {
        return Err(UserError::invalid(gettext(
            "A transient network has no definition to edit",
        )));
    }
    define_validated(conn, xml)?;
    Ok(net.is_active()?)
}
