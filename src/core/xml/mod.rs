//! Reading and editing libvirt XML — the only place in Hangar that does.
//!
//! Hangar edits XML that libvirt (and people with `virsh edit`) own, so the
//! [`Document`] tree is lossless: an unmodified document serializes to the
//! exact text it was parsed from, and edits touch only what they change.
//! The typed readers ([`DomainXml`], [`NetworkXml`], [`PoolXml`],
//! [`VolumeXml`]) extract what windows show; [`domain_edit`] turns a
//! template's XML into a clone's; the builders ([`new_network_xml`],
//! [`new_volume_xml`], [`new_pool_xml`]) write new objects' XML.
//! Nothing here knows about GTK.
//!
//! Files: `node.rs` (text, attributes), `tree.rs` (elements and accessors), `layout.rs` (indented inserts
//! and removals), `document.rs` (parse/serialize), `error.rs` + `syntax_message.rs`, `units.rs`,
//! `metadata.rs` (Hangar's namespace), `domain.rs` + `devices.rs`
//! (reading domains), `domain_edit.rs` + `device_edit.rs` (editing them),
//! `device_element.rs` (one device, for libvirt's attach/detach/update calls),
//! `network.rs`, `storage.rs`, `storage_build.rs`. Test fixtures are in
//! `testdata/`.

mod device_edit;
pub mod device_element;
mod devices;
mod document;
mod domain;
pub mod domain_edit;
mod error;
mod layout;
pub mod metadata;
mod network;
mod node;
mod storage;
mod storage_build;
mod syntax_message;
mod tree;
pub mod units;

pub use device_element::{DeviceKey, NewInterface, NicSource};
pub use devices::{BackingStore, CharDevice, Disk, DiskSource, Graphics, Interface};
pub use document::Document;
pub use domain::{DomainXml, OsInfo};
pub use error::XmlError;
pub use metadata::{HANGAR_NS, HANGAR_PREFIX};
pub use network::{
    netmask_to_prefix, new_network_xml, DhcpRange, ForwardMode, NetworkIp, NetworkXml, NewIpv4,
    NewNetwork,
};
pub use storage::{PoolSource, PoolXml, VolumeXml};
pub use storage_build::{
    new_pool_xml, new_volume_xml, BackingImage, NewPool, NewPoolKind, NewVolume, VolumeFormat,
};
pub use tree::{Attr, Element, Node, Text};
