//! XML for new storage volumes and pools (`virStorageVolCreateXML`,
//! `virStoragePoolDefineXML`). Built on the element tree so every name is
//! escaped; obvious mistakes are reported in words before libvirt sees them.

use super::document::Document;
use super::error::XmlError;
use super::tree::Element;
use gettextrs::gettext;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeFormat {
    Raw,
    Qcow2,
}

impl VolumeFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeFormat::Raw => "raw",
            VolumeFormat::Qcow2 => "qcow2",
        }
    }
}

/// The image a new copy-on-write volume reads unchanged data from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackingImage {
    pub path: String,
    /// The backing image's own format (`qcow2` for a template's disk).
    pub format: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVolume {
    /// File name inside the pool, e.g. `web-01.qcow2`.
    pub name: String,
    pub capacity_bytes: u64,
    /// Space to reserve now. libvirt fully allocates when this is absent,
    /// so pass `Some(0)` for a thin (sparse) volume.
    pub allocation_bytes: Option<u64>,
    pub format: VolumeFormat,
    /// Only for qcow2: raw images cannot have a backing store.
    pub backing: Option<BackingImage>,
}

/// What a name belongs to, for the sentences that refuse it.
#[derive(Clone, Copy)]
enum Named {
    Volume,
    Pool,
    VolumeGroup,
}

fn check_name(what: Named, name: &str) -> Result<(), XmlError> {
    if name.trim().is_empty() {
        return Err(XmlError::Missing(match what {
            Named::Volume => gettext("The volume needs a name"),
            Named::Pool => gettext("The pool needs a name"),
            Named::VolumeGroup => gettext("The volume group needs a name"),
        }));
    }
    if name.contains('/') {
        return Err(XmlError::Invalid(match what {
            Named::Volume => gettext("A volume name cannot contain “/”"),
            Named::Pool => gettext("A pool name cannot contain “/”"),
            Named::VolumeGroup => gettext("A volume group name cannot contain “/”"),
        }));
    }
    Ok(())
}

fn sized(tag: &str, bytes: u64) -> Element {
    Element::new(tag)
        .with_attr("unit", "bytes")
        .with_text(bytes.to_string())
}

/// XML for a new volume.
pub fn new_volume_xml(vol: &NewVolume) -> Result<String, XmlError> {
    check_name(Named::Volume, &vol.name)?;
    let mut root = Element::new("volume")
        .with_child(Element::new("name").with_text(vol.name.clone()))
        .with_child(sized("capacity", vol.capacity_bytes));
    if let Some(allocation) = vol.allocation_bytes {
        root.push_child(sized("allocation", allocation));
    }
    root.push_child(
        Element::new("target")
            .with_child(Element::new("format").with_attr("type", vol.format.as_str())),
    );
    if let Some(backing) = &vol.backing {
        if vol.format == VolumeFormat::Raw {
            return Err(XmlError::Invalid(gettext(
                "Only qcow2 volumes can have a backing image, not raw ones",
            )));
        }
        root.push_child(
            Element::new("backingStore")
                .with_child(Element::new("path").with_text(backing.path.clone()))
                .with_child(Element::new("format").with_attr("type", backing.format.clone())),
        );
    }
    Ok(Document::new(root).to_string())
}

/// The kinds of pool Hangar can create, with what each needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewPoolKind {
    /// A directory on the host.
    Dir { path: String },
    /// A local block device with a filesystem, mounted at `path`.
    Fs {
        device: String,
        path: String,
        format: Option<String>,
    },
    /// An NFS (or other network filesystem) export mounted at `path`.
    Netfs {
        host: String,
        dir: String,
        path: String,
        format: Option<String>,
    },
    /// An LVM volume group; `devices` are its physical volumes (may be empty
    /// for an existing group); `path` defaults to `/dev/<vg>`.
    Logical {
        vg_name: String,
        devices: Vec<String>,
        path: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPool {
    pub name: String,
    pub kind: NewPoolKind,
}

fn path_el(path: &str) -> Result<Element, XmlError> {
    if !path.starts_with('/') {
        return Err(XmlError::invalid(
            gettext("The path “{value}” must be absolute"),
            path,
        ));
    }
    Ok(Element::new("target").with_child(Element::new("path").with_text(path)))
}

/// XML for a new pool.
pub fn new_pool_xml(pool: &NewPool) -> Result<String, XmlError> {
    check_name(Named::Pool, &pool.name)?;
    let (pool_type, source, target) = match &pool.kind {
        NewPoolKind::Dir { path } => ("dir", None, path_el(path)?),
        NewPoolKind::Fs {
            device,
            path,
            format,
        } => {
            let source = Element::new("source")
                .with_child(Element::new("device").with_attr("path", device.clone()))
                .with_child(
                    Element::new("format").with_attr("type", format.as_deref().unwrap_or("auto")),
                );
            ("fs", Some(source), path_el(path)?)
        }
        NewPoolKind::Netfs {
            host,
            dir,
            path,
            format,
        } => {
            let source = Element::new("source")
                .with_child(Element::new("host").with_attr("name", host.clone()))
                .with_child(Element::new("dir").with_attr("path", dir.clone()))
                .with_child(
                    Element::new("format").with_attr("type", format.as_deref().unwrap_or("nfs")),
                );
            ("netfs", Some(source), path_el(path)?)
        }
        NewPoolKind::Logical {
            vg_name,
            devices,
            path,
        } => {
            check_name(Named::VolumeGroup, vg_name)?;
            let mut source = Element::new("source");
            for dev in devices {
                source.push_child(Element::new("device").with_attr("path", dev.clone()));
            }
            source.push_child(Element::new("name").with_text(vg_name.clone()));
            source.push_child(Element::new("format").with_attr("type", "lvm2"));
            let path = path.clone().unwrap_or_else(|| format!("/dev/{vg_name}"));
            ("logical", Some(source), path_el(&path)?)
        }
    };
    let mut root = Element::new("pool")
        .with_attr("type", pool_type)
        .with_child(Element::new("name").with_text(pool.name.clone()));
    if let Some(source) = source {
        root.push_child(source);
    }
    root.push_child(target);
    Ok(Document::new(root).to_string())
}

#[cfg(test)]
mod tests {
    use super::super::{PoolXml, VolumeXml};
    use super::*;

    #[test]
    fn builds_a_thin_backed_qcow2_volume() {
        let vol = NewVolume {
            name: "克隆 & 'web'.qcow2".into(),
            capacity_bytes: 20 << 30,
            allocation_bytes: Some(0),
            format: VolumeFormat::Qcow2,
            backing: Some(BackingImage {
                path: "/images/base \"v1\".qcow2".into(),
                format: "qcow2".into(),
            }),
        };
        let xml = new_volume_xml(&vol).unwrap();
        assert_eq!(
            xml,
            "<volume>\n  <name>克隆 &amp; 'web'.qcow2</name>\n  <capacity unit='bytes'>21474836480</capacity>\n  \
             <allocation unit='bytes'>0</allocation>\n  <target>\n    <format type='qcow2'/>\n  </target>\n  \
             <backingStore>\n    <path>/images/base \"v1\".qcow2</path>\n    <format type='qcow2'/>\n  </backingStore>\n</volume>\n"
        );
        let back = VolumeXml::parse(&xml).unwrap();
        assert_eq!(back.name, vol.name);
        assert_eq!(
            (back.capacity, back.allocation, back.format.as_deref()),
            (Some(20 << 30), Some(0), Some("qcow2"))
        );
        assert_eq!(
            back.backing_path.as_deref(),
            Some("/images/base \"v1\".qcow2")
        );
        assert_eq!(back.backing_format.as_deref(), Some("qcow2"));
    }

    #[test]
    fn rejects_impossible_volumes() {
        let raw = NewVolume {
            name: "r.img".into(),
            capacity_bytes: 1,
            allocation_bytes: None,
            format: VolumeFormat::Raw,
            backing: None,
        };
        let xml = new_volume_xml(&raw).unwrap();
        assert_eq!(
            VolumeXml::parse(&xml).unwrap().format.as_deref(),
            Some("raw")
        );
        assert!(!xml.contains("allocation"));
        let backed = NewVolume {
            backing: Some(BackingImage {
                path: "/b".into(),
                format: "raw".into(),
            }),
            ..raw.clone()
        };
        assert_eq!(
            new_volume_xml(&backed).unwrap_err().to_string(),
            "Only qcow2 volumes can have a backing image, not raw ones"
        );
        let slash = NewVolume {
            name: "../etc/passwd".into(),
            ..raw
        };
        assert_eq!(
            new_volume_xml(&slash).unwrap_err().to_string(),
            "A volume name cannot contain “/”"
        );
    }

    #[test]
    fn builds_each_pool_kind() {
        let dir = NewPool {
            name: "镜像 & ISOs".into(),
            kind: NewPoolKind::Dir {
                path: "/srv/vm images".into(),
            },
        };
        let xml = new_pool_xml(&dir).unwrap();
        assert_eq!(
            xml,
            "<pool type='dir'>\n  <name>镜像 &amp; ISOs</name>\n  <target>\n    <path>/srv/vm images</path>\n  </target>\n</pool>\n"
        );
        assert_eq!(PoolXml::parse(&xml).unwrap().name, "镜像 & ISOs");

        let fs = NewPool {
            name: "usb".into(),
            kind: NewPoolKind::Fs {
                device: "/dev/sdd1".into(),
                path: "/mnt/usb".into(),
                format: None,
            },
        };
        let p = PoolXml::parse(&new_pool_xml(&fs).unwrap()).unwrap();
        assert_eq!(
            (
                p.pool_type.as_str(),
                p.source.devices.as_slice(),
                p.source.format.as_deref()
            ),
            ("fs", &["/dev/sdd1".to_string()][..], Some("auto"))
        );

        let kind = NewPoolKind::Netfs {
            host: "nas".into(),
            dir: "/export/it's".into(),
            path: "/mnt/nas".into(),
            format: None,
        };
        let xml = new_pool_xml(&NewPool {
            name: "nas".into(),
            kind,
        })
        .unwrap();
        assert!(xml.contains("<dir path='/export/it&apos;s'/>"), "{xml}");
        let p = PoolXml::parse(&xml).unwrap();
        assert_eq!(
            (p.source.hosts.as_slice(), p.source.dir.as_deref()),
            (&["nas".to_string()][..], Some("/export/it's"))
        );
        assert_eq!(p.target_path.as_deref(), Some("/mnt/nas"));

        let kind = NewPoolKind::Logical {
            vg_name: "vg0".into(),
            devices: vec!["/dev/sdb".into(), "/dev/sdc".into()],
            path: None,
        };
        let p = PoolXml::parse(
            &new_pool_xml(&NewPool {
                name: "lvm".into(),
                kind,
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (
                p.source.name.as_deref(),
                p.source.devices.len(),
                p.target_path.as_deref()
            ),
            (Some("vg0"), 2, Some("/dev/vg0"))
        );

        let bad = NewPool {
            name: "x".into(),
            kind: NewPoolKind::Dir {
                path: "relative".into(),
            },
        };
        assert_eq!(
            new_pool_xml(&bad).unwrap_err().to_string(),
            "The path “relative” must be absolute"
        );
        assert!(new_pool_xml(&NewPool {
            name: " ".into(),
            ..bad
        })
        .is_err());
    }
}
