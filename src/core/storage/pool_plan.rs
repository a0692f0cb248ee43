//! Checking a new pool's form (dir, fs, netfs, logical) or its hand-written XML
//! (iscsi, rbd, gluster, …) before libvirt is asked. Pure.

use gettextrs::gettext;

use crate::core::networks::plan::check_object_name;
use crate::core::xml::{new_pool_xml, NewPool, NewPoolKind, PoolXml};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolField {
    Name,
    /// Where the pool is mounted or lives (`<target><path>`).
    Target,
    /// fs: the block device; logical: the physical volumes.
    Device,
    /// netfs: the server.
    Host,
    /// netfs: the exported directory.
    SourceDir,
    /// logical: the volume group.
    VolumeGroup,
    Xml,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: PoolField,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolFormKind {
    Dir {
        target: String,
    },
    Fs {
        device: String,
        target: String,
    },
    Netfs {
        host: String,
        source_dir: String,
        target: String,
    },
    Logical {
        volume_group: String,
        /// Physical volumes, separated by spaces or commas; may be empty for an
        /// existing volume group.
        devices: String,
    },
    /// Any other type, written by hand.
    Xml {
        xml: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolForm {
    pub name: String,
    pub kind: PoolFormKind,
}

/// Pools that exist: their names and target paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingPools {
    pub names: Vec<String>,
    /// (pool name, target path)
    pub targets: Vec<(String, String)>,
}

fn err(field: PoolField, message: String) -> FieldError {
    FieldError { field, message }
}

fn absolute(field: PoolField, path: &str, errors: &mut Vec<FieldError>) {
    if path.trim().is_empty() {
        errors.push(err(field, gettext("Enter a path")));
    } else if !path.trim().starts_with('/') {
        errors.push(err(field, gettext("The path must start with “/”")));
    }
}

fn required(field: PoolField, value: &str, errors: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        errors.push(err(field, gettext("This is required")));
    }
}

fn check_name(name: &str, existing: &ExistingPools) -> Option<String> {
    if let Err(m) = check_object_name(name) {
        return Some(m);
    }
    existing
        .names
        .iter()
        .any(|n| n == name.trim())
        .then(|| gettext("A pool called “{name}” already exists").replace("{name}", name.trim()))
}

fn check_target(target: &str, existing: &ExistingPools) -> Option<String> {
    let target = target.trim().trim_end_matches('/');
    existing
        .targets
        .iter()
        .find(|(_, t)| t.trim_end_matches('/') == target && !target.is_empty())
        .map(|(n, _)| gettext("The pool “{name}” already uses this path").replace("{name}", n))
}

/// The XML to define, or what is wrong, field by field.
pub fn plan_pool(form: &PoolForm, existing: &ExistingPools) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let PoolFormKind::Xml { xml } = &form.kind {
        return match PoolXml::parse(xml) {
            Err(e) => Err(vec![err(PoolField::Xml, e.to_string())]),
            Ok(p) if p.pool_type.is_empty() => Err(vec![err(
                PoolField::Xml,
                gettext("The <pool> element needs a type, for example type='iscsi'"),
            )]),
            Ok(p) => match check_name(&p.name, existing) {
                Some(m) => Err(vec![err(PoolField::Xml, m)]),
                None => Ok(xml.clone()),
            },
        };
    }
    if let Some(m) = check_name(&form.name, existing) {
        errors.push(err(PoolField::Name, m));
    }
    let kind = match &form.kind {
        PoolFormKind::Dir { target } => {
            absolute(PoolField::Target, target, &mut errors);
            NewPoolKind::Dir {
                path: target.trim().into(),
            }
        }
        PoolFormKind::Fs { device, target } => {
            absolute(PoolField::Device, device, &mut errors);
            absolute(PoolField::Target, target, &mut errors);
            NewPoolKind::Fs {
                device: device.trim().into(),
                path: target.trim().into(),
                format: None,
            }
        }
        PoolFormKind::Netfs {
            host,
            source_dir,
            target,
        } => {
            required(PoolField::Host, host, &mut errors);
            if host.contains(char::is_whitespace) || host.contains('/') {
                errors.push(err(
                    PoolField::Host,
                    gettext("Enter a host name or address only"),
                ));
            }
            absolute(PoolField::SourceDir, source_dir, &mut errors);
            absolute(PoolField::Target, target, &mut errors);
            NewPoolKind::Netfs {
                host: host.trim().into(),
                dir: source_dir.trim().into(),
                path: target.trim().into(),
                format: None,
            }
        }
        PoolFormKind::Logical {
            volume_group,
            devices,
        } => {
            match check_object_name(volume_group) {
                Err(m) => errors.push(err(PoolField::VolumeGroup, m)),
                Ok(()) if volume_group.contains(char::is_whitespace) => errors.push(err(
                    PoolField::VolumeGroup,
                    gettext("A volume group name cannot contain spaces"),
                )),
                Ok(()) => {}
            }
            let devices: Vec<String> = devices
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect();
            if devices.iter().any(|d| !d.starts_with('/')) {
                errors.push(err(
                    PoolField::Device,
                    gettext("Each device is a path starting with “/”, like /dev/sdb"),
                ));
            }
            NewPoolKind::Logical {
                vg_name: volume_group.trim().into(),
                devices,
                path: None,
            }
        }
        PoolFormKind::Xml { .. } => unreachable!("handled above"),
    };
    let target = match &kind {
        NewPoolKind::Dir { path }
        | NewPoolKind::Fs { path, .. }
        | NewPoolKind::Netfs { path, .. } => path.clone(),
        NewPoolKind::Logical { vg_name, .. } => format!("/dev/{vg_name}"),
    };
    if let Some(m) = check_target(&target, existing) {
        let field = match kind {
            NewPoolKind::Logical { .. } => PoolField::VolumeGroup,
            _ => PoolField::Target,
        };
        errors.push(err(field, m));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    new_pool_xml(&NewPool {
        name: form.name.trim().into(),
        kind,
    })
    .map_err(|e| vec![err(PoolField::Name, e.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing() -> ExistingPools {
        ExistingPools {
            names: vec!["default".into()],
            targets: vec![("default".into(), "/var/lib/libvirt/images".into())],
        }
    }

    fn fields(form: &PoolForm) -> Vec<PoolField> {
        plan_pool(form, &existing())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn each_form_kind_becomes_xml() {
        let dir = PoolForm {
            name: "isos".into(),
            kind: PoolFormKind::Dir {
                target: "/srv/isos".into(),
            },
        };
        let p = PoolXml::parse(&plan_pool(&dir, &existing()).unwrap()).unwrap();
        assert_eq!(
            (p.pool_type.as_str(), p.target_path.as_deref()),
            ("dir", Some("/srv/isos"))
        );
        let nfs = PoolForm {
            name: "nas".into(),
            kind: PoolFormKind::Netfs {
                host: "nas.lan".into(),
                source_dir: "/export/vms".into(),
                target: "/mnt/nas".into(),
            },
        };
        let p = PoolXml::parse(&plan_pool(&nfs, &existing()).unwrap()).unwrap();
        assert_eq!(p.source.hosts, ["nas.lan"]);
        let lvm = PoolForm {
            name: "lvm".into(),
            kind: PoolFormKind::Logical {
                volume_group: "vg0".into(),
                devices: "/dev/sdb, /dev/sdc".into(),
            },
        };
        let p = PoolXml::parse(&plan_pool(&lvm, &existing()).unwrap()).unwrap();
        assert_eq!(p.source.devices, ["/dev/sdb", "/dev/sdc"]);
        let fs = PoolForm {
            name: "usb".into(),
            kind: PoolFormKind::Fs {
                device: "/dev/sdd1".into(),
                target: "/mnt/usb".into(),
            },
        };
        assert!(plan_pool(&fs, &existing()).is_ok());
    }

    #[test]
    fn mistakes_are_reported_on_their_fields() {
        let f = PoolForm {
            name: "default".into(),
            kind: PoolFormKind::Dir {
                target: "relative".into(),
            },
        };
        assert_eq!(fields(&f), [PoolField::Name, PoolField::Target]);
        let f = PoolForm {
            name: "images".into(),
            kind: PoolFormKind::Dir {
                target: "/var/lib/libvirt/images/".into(),
            },
        };
        assert_eq!(fields(&f), [PoolField::Target]);
        let f = PoolForm {
            name: "n/s".into(),
            kind: PoolFormKind::Netfs {
                host: "".into(),
                source_dir: "export".into(),
                target: "/mnt".into(),
            },
        };
        assert_eq!(
            fields(&f),
            [PoolField::Name, PoolField::Host, PoolField::SourceDir]
        );
    }

    #[test]
    fn hand_written_xml_is_kept_as_typed_but_checked() {
        let xml = "<pool type='iscsi'>\n  <name>san</name>\n  <source><host name='t'/><device path='iqn.x'/></source>\n  <target><path>/dev/disk/by-path</path></target>\n</pool>\n";
        let f = PoolForm {
            name: String::new(),
            kind: PoolFormKind::Xml { xml: xml.into() },
        };
        assert_eq!(plan_pool(&f, &existing()).unwrap(), xml);
        let broken = PoolForm {
            name: String::new(),
            kind: PoolFormKind::Xml {
                xml: "<pool type='rbd'><name>x</name>".into(),
            },
        };
        assert_eq!(fields(&broken), [PoolField::Xml]);
        let dup = PoolForm {
            name: String::new(),
            kind: PoolFormKind::Xml {
                xml: "<pool type='rbd'><name>default</name></pool>".into(),
            },
        };
        assert_eq!(fields(&dup), [PoolField::Xml]);
    }
}
