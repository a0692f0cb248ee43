//! Storage pools and volumes: reading `virStoragePoolGetXMLDesc` and
//! `virStorageVolGetXMLDesc` output. Sizes are normalized to bytes.
//! Builders for new pools and volumes are in `storage_build.rs`.

use super::document::Document;
use super::error::XmlError;
use super::tree::Element;
use super::units::parse_bytes;
use gettextrs::gettext;

/// `<capacity unit='…'>` and friends, in bytes (libvirt's default unit here).
fn size(root: &Element, tag: &str) -> Result<Option<u64>, XmlError> {
    root.child(tag)
        .map(|e| parse_bytes(&e.text(), e.attr("unit"), "bytes"))
        .transpose()
}

fn attr_of(el: Option<&Element>, name: &str) -> Option<String> {
    el?.attr(name).map(str::to_string)
}

/// Where a pool's storage lives, for the pool types that have a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolSource {
    /// NFS/iSCSI/Gluster servers.
    pub hosts: Vec<String>,
    /// Exported directory of a netfs pool.
    pub dir: Option<String>,
    /// Block devices (fs, logical, disk pools).
    pub devices: Vec<String>,
    /// Volume group, RBD pool, …
    pub name: Option<String>,
    /// Filesystem or partition format: ext4, nfs, lvm2, gpt, …
    pub format: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolXml {
    pub name: String,
    pub uuid: Option<String>,
    /// dir, fs, netfs, logical, disk, iscsi, rbd, …
    pub pool_type: String,
    pub target_path: Option<String>,
    pub source: PoolSource,
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
    pub available: Option<u64>,
}

impl PoolXml {
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let doc = Document::parse(xml)?;
        let root = doc.expect_root("pool")?;
        let source = root.child("source");
        let all = |tag: &str, attr: &str| -> Vec<String> {
            source.map_or_else(Vec::new, |s| {
                s.children_named(tag)
                    .filter_map(|e| e.attr(attr))
                    .map(str::to_string)
                    .collect()
            })
        };
        Ok(PoolXml {
            name: root
                .child_text("name")
                .ok_or_else(|| XmlError::Missing(gettext("The pool's XML has no <name>")))?,
            uuid: root.child_text("uuid"),
            pool_type: root.attr("type").unwrap_or_default().to_string(),
            target_path: root.child("target").and_then(|t| t.child_text("path")),
            source: PoolSource {
                hosts: all("host", "name"),
                dir: attr_of(source.and_then(|s| s.child("dir")), "path"),
                devices: all("device", "path"),
                name: source.and_then(|s| s.child_text("name")),
                format: attr_of(source.and_then(|s| s.child("format")), "type"),
            },
            capacity: size(root, "capacity")?,
            allocation: size(root, "allocation")?,
            available: size(root, "available")?,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeXml {
    pub name: String,
    pub key: Option<String>,
    /// file, block, dir, network, …
    pub volume_type: Option<String>,
    /// `<target><path>`: where the guest's disk XML should point.
    pub path: Option<String>,
    /// raw, qcow2, iso, …
    pub format: Option<String>,
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
    pub backing_path: Option<String>,
    pub backing_format: Option<String>,
}

impl VolumeXml {
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let doc = Document::parse(xml)?;
        let root = doc.expect_root("volume")?;
        let target = root.child("target");
        let backing = root.child("backingStore");
        Ok(VolumeXml {
            name: root
                .child_text("name")
                .ok_or_else(|| XmlError::Missing(gettext("The volume's XML has no <name>")))?,
            key: root.child_text("key"),
            volume_type: root.attr("type").map(str::to_string),
            path: target.and_then(|t| t.child_text("path")),
            format: attr_of(target.and_then(|t| t.child("format")), "type"),
            capacity: size(root, "capacity")?,
            allocation: size(root, "allocation")?,
            backing_path: backing.and_then(|b| b.child_text("path")),
            backing_format: attr_of(backing.and_then(|b| b.child("format")), "type"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn reads_pools_of_each_kind() {
        let p = PoolXml::parse(include_str!("testdata/pool-dir.xml")).unwrap();
        assert_eq!((p.name.as_str(), p.pool_type.as_str()), ("default", "dir"));
        assert_eq!(
            p.uuid.as_deref(),
            Some("4c5a4e63-2f1b-4a3e-9f51-1b2d3c4e5f60")
        );
        assert_eq!(p.target_path.as_deref(), Some("/var/lib/libvirt/images"));
        assert_eq!(
            (p.capacity, p.allocation, p.available),
            (
                Some(475_916_083_200),
                Some(120_259_084_288),
                Some(355_656_998_912)
            )
        );
        assert_eq!(p.source, PoolSource::default());

        let p = PoolXml::parse(include_str!("testdata/pool-netfs.xml")).unwrap();
        assert_eq!(p.source.hosts, ["nas.example.lan"]);
        assert_eq!(
            (p.source.dir.as_deref(), p.source.format.as_deref()),
            (Some("/export/vm & iso"), Some("nfs"))
        );
        assert_eq!(p.capacity, Some(2 * 1024 * GIB));

        let p = PoolXml::parse(include_str!("testdata/pool-logical.xml")).unwrap();
        assert_eq!(p.source.devices, ["/dev/sdb", "/dev/sdc"]);
        assert_eq!(
            (p.source.name.as_deref(), p.source.format.as_deref()),
            (Some("vg_vms"), Some("lvm2"))
        );
        assert_eq!(p.target_path.as_deref(), Some("/dev/vg_vms"));
        assert_eq!(p.available, Some(500_000_000_000));
    }

    #[test]
    fn reads_volumes_with_backing_store() {
        let v = VolumeXml::parse(include_str!("testdata/volume-qcow2-backed.xml")).unwrap();
        assert_eq!(v.name, "web-01.qcow2");
        assert_eq!(
            v.key.as_deref(),
            Some("/var/lib/libvirt/images/web-01.qcow2")
        );
        assert_eq!(v.volume_type.as_deref(), Some("file"));
        assert_eq!(
            v.path.as_deref(),
            Some("/var/lib/libvirt/images/web-01.qcow2")
        );
        assert_eq!(v.format.as_deref(), Some("qcow2"));
        assert_eq!((v.capacity, v.allocation), (Some(20 * GIB), Some(200_704)));
        assert_eq!(
            v.backing_path.as_deref(),
            Some("/var/lib/libvirt/images/debian-12-template.qcow2")
        );
        assert_eq!(v.backing_format.as_deref(), Some("qcow2"));

        let v = VolumeXml::parse("<volume><name>r</name><capacity unit='G'>1</capacity></volume>")
            .unwrap();
        assert_eq!(
            (v.capacity, v.path, v.backing_path),
            (Some(GIB), None, None)
        );
    }

    #[test]
    fn reports_bad_storage_xml() {
        assert_eq!(
            PoolXml::parse("<pool type='dir'/>")
                .unwrap_err()
                .to_string(),
            "The pool's XML has no <name>"
        );
        let e =
            VolumeXml::parse("<volume><name>x</name><capacity unit='parsec'>1</capacity></volume>")
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "libvirt does not know the size unit “parsec”"
        );
        assert!(matches!(
            VolumeXml::parse("<pool/>"),
            Err(XmlError::WrongRoot { .. })
        ));
    }
}
