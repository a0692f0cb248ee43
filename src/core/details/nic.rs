//! Network cards: add one on a virtual network or a host bridge (`virsh
//! attach-interface`), remove one (`detach-interface`), and pull its cable out or
//! plug it back in (`domif-setlink`). Cards are known by their MAC address.
//! Worker only.

use std::collections::HashSet;

use gettextrs::gettext;
use virt::connect::Connect;

use super::device_apply::{attach, detach, update, Current, Detached, DeviceScope};
use super::mac_address::{check_free, parse_mac};
use crate::core::clone::mac::{random_bytes, unique_mac};
use crate::core::error::UserError;
use crate::core::xml::device_element::{interface_element, set_link_state};
use crate::core::xml::{DeviceKey, DomainXml, NewInterface, NicSource};

/// The card models offered: paravirtual first, then two every guest has drivers for.
pub const MODELS: [&str; 3] = ["virtio", "e1000e", "rtl8139"];

/// What the "Add network interface" dialog offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicChoices {
    /// Virtual networks of the host, by name.
    pub networks: Vec<String>,
    pub scope: DeviceScope,
}

pub fn choices(conn: &Connect, uuid: &str) -> Result<NicChoices, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let mut networks = Vec::new();
    for net in conn.list_all_networks(0)? {
        networks.push(net.name()?);
    }
    networks.sort();
    Ok(NicChoices {
        networks,
        scope: DeviceScope::of(&dom)?,
    })
}

/// Every MAC address on the host with the machine that has it, in lower case.
fn macs_in_use(conn: &Connect) -> Result<Vec<(String, String)>, UserError> {
    let mut out = Vec::new();
    for dom in conn.list_all_domains(0)? {
        let Ok(Ok(xml)) = dom.xml_desc(0).map(|x| DomainXml::parse(&x)) else {
            continue;
        };
        for mac in xml.interfaces.iter().filter_map(|i| i.mac.as_ref()) {
            out.push((mac.to_lowercase(), xml.name.clone()));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicRequest {
    pub source: NicSource,
    pub model: String,
    /// As typed; empty for one Hangar picks.
    pub mac: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NicField {
    Source,
    Mac,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddNicError {
    Fields(Vec<(NicField, String)>),
    Libvirt(UserError),
}

impl From<UserError> for AddNicError {
    fn from(e: UserError) -> Self {
        AddNicError::Libvirt(e)
    }
}

impl From<virt::error::Error> for AddNicError {
    fn from(e: virt::error::Error) -> Self {
        AddNicError::Libvirt(e.into())
    }
}

/// Checks the request against the host; returns the card to plug in.
fn plan(conn: &Connect, request: &NicRequest) -> Result<NewInterface, AddNicError> {
    let mut errors = Vec::new();
    match &request.source {
        NicSource::Network(name) => {
            if conn.lookup_network_by_name(name).is_err() {
                errors.push((
                    NicField::Source,
                    gettext("Choose one of the host's virtual networks"),
                ));
            }
        }
        NicSource::Bridge(name) => {
            let name = name.trim();
            if name.is_empty() || name.len() > 15 || name.contains(['/', ' ']) {
                errors.push((
                    NicField::Source,
                    gettext("Enter the name of a bridge on the host, such as br0"),
                ));
            }
        }
    }
    let taken = macs_in_use(conn)?;
    let mac = if request.mac.trim().is_empty() {
        let mut set: HashSet<String> = taken.iter().map(|(m, _)| m.clone()).collect();
        unique_mac(&mut set, &mut random_bytes)
    } else {
        match parse_mac(&request.mac).and_then(|m| check_free(&m, &taken).map(|()| m)) {
            Ok(m) => m,
            Err(message) => {
                errors.push((NicField::Mac, message));
                String::new()
            }
        }
    };
    if !MODELS.contains(&request.model.as_str()) {
        return Err(UserError::invalid(
            gettext("Unknown network card model “{model}”").replace("{model}", &request.model),
        )
        .into());
    }
    if !errors.is_empty() {
        return Err(AddNicError::Fields(errors));
    }
    let source = match &request.source {
        NicSource::Bridge(b) => NicSource::Bridge(b.trim().to_string()),
        other => other.clone(),
    };
    Ok(NewInterface {
        source,
        model: request.model.clone(),
        mac,
    })
}

/// Adds the card, live and/or to the stored definition; returns its MAC and where
/// it applied.
pub fn add(
    conn: &Connect,
    uuid: &str,
    request: &NicRequest,
) -> Result<(String, DeviceScope), AddNicError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let nic = plan(conn, request)?;
    let scope = DeviceScope::of(&dom)?;
    attach(&dom, scope, &interface_element(&nic))?;
    Ok((nic.mac, scope))
}

/// Removes the card with address `mac`.
pub fn remove(conn: &Connect, uuid: &str, mac: &str) -> Result<Detached, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let current = Current::read(&dom, DeviceScope::of(&dom)?)?;
    detach(&dom, &current, &DeviceKey::Interface(mac.into()))
}

/// Plugs the card's cable in (`up`) or pulls it out; returns where it applied.
pub fn set_link(conn: &Connect, uuid: &str, mac: &str, up: bool) -> Result<DeviceScope, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    update(&dom, &DeviceKey::Interface(mac.into()), |el| {
        set_link_state(el, up)
    })
}
