//! How a device change reaches libvirt: one element attached, detached or updated,
//! with the flags that say where it applies. A running machine changes now
//! (`VIR_DOMAIN_AFFECT_LIVE`); a persistent one keeps the change in its stored
//! definition (`VIR_DOMAIN_AFFECT_CONFIG`); a running persistent machine gets both.
//!
//! An update is made twice when both apply, each from its own XML: the live element
//! carries run-time details (aliases, host tap names, port IDs) that must not end up
//! in the stored definition, and the stored one may differ from what runs.
//!
//! Drivers without the device calls (libvirt's test driver, which the demo uses)
//! still change a shut-off machine: its stored XML is edited and defined again,
//! which is all `VIR_DOMAIN_AFFECT_CONFIG` does there.

use gettextrs::gettext;
use virt::domain::Domain;
use virt::enumutil::Enum;
use virt::error::ErrorNumber;
use virt::sys;

use crate::core::error::UserError;
use crate::core::xml::device_element::{
    append_device, device_copy, find_device, remove_device, replace_device,
};
use crate::core::xml::{DeviceKey, Document, Element, XmlError};

pub(super) fn xml_error(e: XmlError) -> UserError {
    UserError::invalid(e.to_string())
}

/// The machine no longer has the device (someone removed it meanwhile).
pub(super) fn missing(key: &DeviceKey) -> UserError {
    let message = match key {
        DeviceKey::Disk(target) => {
            gettext("The machine has no disk {target}").replace("{target}", target)
        }
        DeviceKey::Interface(mac) => {
            gettext("The machine has no network interface with MAC address {mac}")
                .replace("{mac}", mac)
        }
    };
    UserError::new(crate::core::error::ErrorKind::NotFound, message)
}

/// Where a device change applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceScope {
    /// The running machine, now.
    pub live: bool,
    /// The stored definition, from the next start.
    pub config: bool,
}

impl DeviceScope {
    /// Now if it runs, and at the next start if it has a stored definition.
    pub fn of(dom: &Domain) -> Result<DeviceScope, UserError> {
        Ok(DeviceScope {
            live: dom.is_active()?,
            config: dom.is_persistent()?,
        })
    }

    pub fn flags(self) -> u32 {
        let mut flags = 0;
        if self.live {
            flags |= sys::VIR_DOMAIN_AFFECT_LIVE;
        }
        if self.config {
            flags |= sys::VIR_DOMAIN_AFFECT_CONFIG;
        }
        flags
    }
}

/// The machine's XML where a change applies: what runs, and what is stored.
pub struct Current {
    pub live: Option<Document>,
    pub config: Option<Document>,
}

impl Current {
    pub fn read(dom: &Domain, scope: DeviceScope) -> Result<Current, UserError> {
        let parse = |xml: String| Document::parse(&xml).map_err(xml_error);
        Ok(Current {
            live: scope
                .live
                .then(|| dom.xml_desc(0))
                .transpose()?
                .map(parse)
                .transpose()?,
            config: scope
                .config
                .then(|| dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE))
                .transpose()?
                .map(parse)
                .transpose()?,
        })
    }

    /// The scope narrowed to where the device `key` names exists (a disk plugged in
    /// only for this run is not in the stored definition).
    pub fn scope_of(&self, key: &DeviceKey) -> DeviceScope {
        let has =
            |doc: &Option<Document>| doc.as_ref().is_some_and(|d| find_device(d, key).is_some());
        DeviceScope {
            live: has(&self.live),
            config: has(&self.config),
        }
    }

    /// The device as the machine has it: the running element when it runs.
    pub fn device(&self, key: &DeviceKey) -> Result<Element, UserError> {
        let doc = self
            .live
            .as_ref()
            .filter(|d| find_device(d, key).is_some())
            .or(self.config.as_ref())
            .ok_or_else(|| missing(key))?;
        device_copy(doc, key).map_err(|_| missing(key))
    }
}

fn unsupported(e: &virt::error::Error) -> bool {
    e.code() == Enum::Known(ErrorNumber::NoSupport)
}

/// libvirt's answer, or for a driver without device calls the same change made to
/// the stored definition (only when nothing runs: a live change has no such way).
fn or_redefine(
    dom: &Domain,
    scope: DeviceScope,
    result: Result<(), virt::error::Error>,
    edit: impl FnOnce(&mut Document) -> Result<(), XmlError>,
) -> Result<(), UserError> {
    let e = match result {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    if !unsupported(&e) {
        return Err(e.into());
    }
    if scope.live {
        return Err(UserError::new(
            crate::core::error::ErrorKind::Unsupported,
            gettext("This hypervisor cannot change the devices of a running machine; shut it down first"),
        ));
    }
    // SECURE: the definition goes back whole, passwords of displays included.
    let xml = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)?;
    let mut doc = Document::parse(&xml).map_err(xml_error)?;
    edit(&mut doc).map_err(xml_error)?;
    dom.connect()?
        .define_domain_xml_flags(&doc.to_string(), sys::VIR_DOMAIN_DEFINE_VALIDATE)?;
    Ok(())
}

/// Plugs in a new device (`virDomainAttachDeviceFlags`).
pub fn attach(dom: &Domain, scope: DeviceScope, device: &Element) -> Result<(), UserError> {
    let result = dom.attach_device_flags(&device.to_string(), scope.flags());
    or_redefine(dom, scope, result, |doc| {
        append_device(doc, device.clone());
        Ok(())
    })
}

/// What a detach achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detached {
    /// Gone everywhere it was asked to go.
    Done,
    /// The stored definition no longer has it, but the running guest has not
    /// released it yet: it stays until the guest does (or the machine stops).
    Pending,
}

/// Unplugs the device `key` names (`virDomainDetachDeviceFlags`) with the element
/// taken from the current XML, where the machine has it.
pub fn detach(dom: &Domain, current: &Current, key: &DeviceKey) -> Result<Detached, UserError> {
    let scope = current.scope_of(key);
    if !scope.live && !scope.config {
        return Err(missing(key));
    }
    let element = current.device(key)?;
    let result = dom.detach_device_flags(&element.to_string(), scope.flags());
    or_redefine(dom, scope, result, |doc| remove_device(doc, key))?;
    if !scope.live {
        return Ok(Detached::Done);
    }
    // libvirt waits a few seconds for the guest to let go, then returns either way.
    let after = Document::parse(&dom.xml_desc(0)?).map_err(xml_error)?;
    Ok(if find_device(&after, key).is_some() {
        Detached::Pending
    } else {
        Detached::Done
    })
}

/// Changes the device `key` names in place (`virDomainUpdateDeviceFlags`): `edit` runs
/// on a copy of the running element and on a copy of the stored one.
pub fn update(
    dom: &Domain,
    key: &DeviceKey,
    edit: impl Fn(&mut Element),
) -> Result<DeviceScope, UserError> {
    let current = Current::read(dom, DeviceScope::of(dom)?)?;
    let scope = current.scope_of(key);
    if !scope.live && !scope.config {
        return Err(missing(key));
    }
    if let Some(doc) = current.live.as_ref().filter(|_| scope.live) {
        let mut element = device_copy(doc, key).map_err(|_| missing(key))?;
        edit(&mut element);
        let live_only = DeviceScope {
            live: true,
            config: false,
        };
        let result = dom.update_device_flags(&element.to_string(), live_only.flags());
        or_redefine(dom, live_only, result, |_| Ok(()))?;
    }
    if let Some(doc) = current.config.as_ref().filter(|_| scope.config) {
        let mut element = device_copy(doc, key).map_err(|_| missing(key))?;
        edit(&mut element);
        let config_only = DeviceScope {
            live: false,
            config: true,
        };
        let result = dom.update_device_flags(&element.to_string(), config_only.flags());
        or_redefine(dom, config_only, result, |doc| {
            replace_device(doc, key, element.clone())
        })
        .map_err(|e| {
            if scope.live {
                UserError::new(
                    e.kind,
                    gettext("The running machine has the change, but its stored configuration could not take it: {reason}")
                        .replace("{reason}", &e.message),
                )
            } else {
                e
            }
        })?;
    }
    Ok(scope)
}
