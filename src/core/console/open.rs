//! Opening a domain's console, with every failure sorted into something the window
//! can explain and act on. Runs on the connection worker: each call here blocks for
//! a round trip to the host.

use std::ffi::CString;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::error::{Error as VirtError, ErrorNumber};
use virt::sys;

use super::stream::{ConsoleOutput, ConsoleStream};
use crate::core::error::{from_virt, ErrorKind, UserError};
use crate::core::xml::{CharDevice, DomainXml};

/// A character device that can be opened as a console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleDevice {
    /// The name `virDomainOpenConsole` takes (`serial0`, `console1`). `None` only
    /// when libvirt gave no alias: then libvirt picks its default console.
    pub alias: Option<String>,
    /// What the person sees in the device menu, translated.
    pub label: String,
}

/// Why no console is open.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleProblem {
    /// The machine is not running; its console exists only while it does.
    NotRunning,
    /// No serial or console device, or none on a pty; the text says which.
    NoDevice(String),
    /// Another client holds the console; opening with `force` takes it over.
    Busy(String),
    /// The driver has no consoles (libvirt's test driver, for one).
    Unsupported(String),
    /// The machine no longer exists.
    Gone,
    /// The host is unreachable; the worker reconnects by itself.
    ConnectionLost(UserError),
    Failed(UserError),
}

/// What one attempt found: the devices (also on failure, so the person can pick
/// another one) and the console or why there is none.
pub struct Attempt {
    pub devices: Vec<ConsoleDevice>,
    /// The device that was tried.
    pub device: Option<String>,
    pub result: Result<(ConsoleStream, ConsoleOutput), ConsoleProblem>,
}

impl ConsoleProblem {
    pub fn from_error(e: UserError) -> ConsoleProblem {
        match e.kind {
            ErrorKind::NotFound => ConsoleProblem::Gone,
            ErrorKind::ConnectionLost => ConsoleProblem::ConnectionLost(e),
            ErrorKind::Unsupported => ConsoleProblem::Unsupported(e.message),
            _ => ConsoleProblem::Failed(e),
        }
    }

    fn from_open_error(e: &VirtError) -> ConsoleProblem {
        let user = from_virt(e);
        match e.code() {
            // qemuDomainOpenConsole raises OPERATION_FAILED only for "Active console
            // session exists for this domain"; the text may be translated, the code
            // is not.
            virt::enumutil::Enum::Known(ErrorNumber::OperationFailed) => {
                ConsoleProblem::Busy(user.message)
            }
            // "domain is not running": it stopped between our check and the open.
            virt::enumutil::Enum::Known(ErrorNumber::OperationInvalid) => {
                ConsoleProblem::NotRunning
            }
            _ => ConsoleProblem::from_error(user),
        }
    }
}

/// The devices of a running domain's live XML, serial ports first. A `<console>`
/// of target type serial is the same device as the serial port with its alias, so
/// it is listed once.
pub fn console_devices(xml: &DomainXml) -> Vec<ConsoleDevice> {
    let mut out: Vec<ConsoleDevice> = Vec::new();
    let mut push = |dev: &CharDevice, label: String| {
        if dev.alias.is_some() && out.iter().any(|d| d.alias == dev.alias) {
            return;
        }
        out.push(ConsoleDevice {
            alias: dev.alias.clone(),
            label,
        });
    };
    for (i, dev) in xml
        .serials
        .iter()
        .filter(|d| d.dev_type == "pty")
        .enumerate()
    {
        let port = dev.target_port.unwrap_or(i as u32);
        push(
            dev,
            gettext("Serial port {n}").replace("{n}", &port.to_string()),
        );
    }
    for (i, dev) in xml
        .consoles
        .iter()
        .filter(|d| d.dev_type == "pty")
        .enumerate()
    {
        if dev.alias.is_none() && dev.target_type.as_deref() == Some("serial") {
            // Without aliases we cannot tell it from the serial port it mirrors.
            if !xml.serials.is_empty() {
                continue;
            }
        }
        let kind = match dev.target_type.as_deref() {
            Some("virtio") => gettext("Virtio console {n}"),
            Some("serial") => gettext("Serial console {n}"),
            _ => gettext("Console {n}"),
        };
        push(dev, kind.replace("{n}", &i.to_string()));
    }
    out
}

/// Why a domain with char devices still has nothing we can open.
fn no_device_reason(xml: &DomainXml) -> String {
    if xml.serials.is_empty() && xml.consoles.is_empty() {
        gettext("This machine has no serial port or console device.")
    } else {
        gettext(
            "This machine’s serial ports are not connected to a pseudo-terminal (pty), so they cannot be shown here.",
        )
    }
}

/// Looks the domain up, lists its console devices and opens `device` (or the first
/// one). `force` takes the console over from another client.
pub fn open_console(conn: &Connect, uuid: &str, device: Option<&str>, force: bool) -> Attempt {
    let failed = |problem| Attempt {
        devices: Vec::new(),
        device: None,
        result: Err(problem),
    };
    let dom = match conn.lookup_domain_by_uuid_string(uuid) {
        Ok(d) => d,
        Err(e) => return failed(ConsoleProblem::from_error(from_virt(&e))),
    };
    match dom.is_active() {
        Ok(true) => {}
        Ok(false) => return failed(ConsoleProblem::NotRunning),
        Err(e) => return failed(ConsoleProblem::from_error(from_virt(&e))),
    }
    let xml = match dom.xml_desc(0) {
        Ok(text) => match DomainXml::parse(&text) {
            Ok(x) => x,
            Err(e) => return failed(ConsoleProblem::Failed(UserError::invalid(e.to_string()))),
        },
        Err(e) => return failed(ConsoleProblem::from_error(from_virt(&e))),
    };
    let devices = console_devices(&xml);
    let chosen = match device {
        Some(want) if devices.iter().any(|d| d.alias.as_deref() == Some(want)) => {
            Some(want.to_string())
        }
        _ => devices.first().and_then(|d| d.alias.clone()),
    };
    let result = match open_stream(conn, &dom, chosen.as_deref(), force) {
        // With no device in the XML we still ask libvirt, which knows best: a driver
        // without consoles says "unsupported", and that is the clearer message.
        Err(ConsoleProblem::Unsupported(m)) => Err(ConsoleProblem::Unsupported(m)),
        Err(_) if devices.is_empty() => Err(ConsoleProblem::NoDevice(no_device_reason(&xml))),
        other => other,
    };
    Attempt {
        devices,
        device: chosen,
        result,
    }
}

fn open_stream(
    conn: &Connect,
    dom: &Domain,
    device: Option<&str>,
    force: bool,
) -> Result<(ConsoleStream, ConsoleOutput), ConsoleProblem> {
    let flags = if force {
        sys::VIR_DOMAIN_CONSOLE_FORCE
    } else {
        0
    };
    let name = device
        .map(|d| {
            CString::new(d).map_err(|e| ConsoleProblem::Failed(UserError::invalid(e.to_string())))
        })
        .transpose()?;
    let name_ptr = name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
    unsafe {
        // Raw calls: the stream reference passes to ConsoleStream, which frees it.
        let raw = sys::virStreamNew(conn.as_ptr(), sys::VIR_STREAM_NONBLOCK);
        if raw.is_null() {
            return Err(ConsoleProblem::from_error(from_virt(
                &VirtError::last_error(),
            )));
        }
        if sys::virDomainOpenConsole(dom.as_ptr(), name_ptr, raw, flags) < 0 {
            let err = VirtError::last_error();
            sys::virStreamFree(raw);
            return Err(ConsoleProblem::from_open_error(&err));
        }
        ConsoleStream::start(raw).map_err(|e| ConsoleProblem::from_error(from_virt(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_console_is_listed_once_with_the_serial_port() {
        let xml = DomainXml::parse(
            "<domain type='qemu'><name>a</name><devices>\
             <serial type='pty'><target type='isa-serial' port='0'/><alias name='serial0'/></serial>\
             <console type='pty'><target type='serial' port='0'/><alias name='serial0'/></console>\
             <console type='pty'><target type='virtio' port='1'/><alias name='console1'/></console>\
             </devices></domain>",
        )
        .unwrap();
        let aliases: Vec<_> = console_devices(&xml)
            .into_iter()
            .map(|d| d.alias.unwrap())
            .collect();
        assert_eq!(aliases, ["serial0", "console1"]);
    }

    #[test]
    fn file_backed_serial_ports_are_not_consoles() {
        let xml = DomainXml::parse(
            "<domain type='qemu'><name>a</name><devices>\
             <serial type='file'><source path='/tmp/x'/><alias name='serial0'/></serial>\
             </devices></domain>",
        )
        .unwrap();
        assert!(console_devices(&xml).is_empty());
        assert!(no_device_reason(&xml).contains("pty"));
    }
}
