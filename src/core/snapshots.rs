//! Snapshots of a machine (`virsh snapshot-*`): listed as a tree, created, reverted
//! to and deleted. Worker only.
//!
//! Deleting never removes a disk image another layer still needs: an internal
//! snapshot lives inside its qcow2 file, and libvirt refuses to delete an external
//! snapshot whose overlay is still in use (libvirt 9.0 also one that later external
//! snapshots build on): we say so, with libvirt's reason and what to do instead.

use gettextrs::gettext;
use virt::domain::Domain;
use virt::sys;

use crate::core::error::UserError;
use crate::core::xml::{Document, Element};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub name: String,
    pub parent: Option<String>,
    pub current: bool,
    /// Seconds since the Unix epoch.
    pub created: i64,
    /// The machine's state when it was taken (running, shutoff, disk-snapshot …).
    pub state: String,
    pub description: String,
    /// Disk-only and external: new overlay files took over the disks.
    pub external: bool,
    /// How deep in the tree (0 for a root), for indentation.
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKind {
    /// Disks and (if running) memory, inside the qcow2 images.
    Internal,
    /// Disks only, into new overlay files next to the current ones.
    ExternalDiskOnly,
}

/// Every snapshot, parents before children, siblings by creation time.
pub fn list(dom: &Domain) -> Result<Vec<SnapshotInfo>, UserError> {
    let mut flat = Vec::new();
    for snap in dom.list_all_snapshots(0)? {
        let xml = snap.xml_desc(0)?;
        let doc = Document::parse(&xml).map_err(|e| UserError::invalid(e.to_string()))?;
        let root = doc.root();
        let text = |name: &str| root.child_text(name).unwrap_or_default();
        flat.push(SnapshotInfo {
            name: snap.name()?,
            parent: root
                .find(&["parent", "name"])
                .map(|e| e.text().trim().to_string()),
            current: snap.is_current(0).unwrap_or(false),
            created: text("creationTime").parse().unwrap_or(0),
            state: text("state"),
            description: text("description"),
            external: root
                .find_all(&["disks", "disk"])
                .iter()
                .any(|d| d.attr("snapshot") == Some("external")),
            depth: 0,
        });
    }
    Ok(as_tree(flat))
}

/// Orders snapshots depth-first from the roots and sets each one's depth.
fn as_tree(mut flat: Vec<SnapshotInfo>) -> Vec<SnapshotInfo> {
    flat.sort_by_key(|s| s.created);
    let mut out = Vec::with_capacity(flat.len());
    fn visit(
        parent: Option<&str>,
        depth: usize,
        all: &[SnapshotInfo],
        out: &mut Vec<SnapshotInfo>,
    ) {
        for s in all.iter().filter(|s| s.parent.as_deref() == parent) {
            let mut s = s.clone();
            s.depth = depth;
            let name = s.name.clone();
            out.push(s);
            visit(Some(&name), depth + 1, all, out);
        }
    }
    visit(None, 0, &flat, &mut out);
    // Snapshots whose parent is gone (metadata removed elsewhere) still show, as roots.
    for s in &flat {
        if !out.iter().any(|o| o.name == s.name) {
            out.push(s.clone());
        }
    }
    out
}

/// Refuses names libvirt would refuse or that would clash, before asking it.
pub fn check_name(name: &str, existing: &[SnapshotInfo]) -> Result<(), UserError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(UserError::invalid(gettext("Give the snapshot a name")));
    }
    if name.contains('/') {
        return Err(UserError::invalid(gettext(
            "A snapshot name cannot contain “/”",
        )));
    }
    if existing.iter().any(|s| s.name == name) {
        return Err(UserError::invalid(
            gettext("A snapshot called “{name}” already exists").replace("{name}", name),
        ));
    }
    Ok(())
}

pub fn create(
    dom: &Domain,
    name: &str,
    description: &str,
    kind: SnapshotKind,
) -> Result<(), UserError> {
    check_name(name, &list(dom)?)?;
    let mut root =
        Element::new("domainsnapshot").with_child(Element::new("name").with_text(name.trim()));
    if !description.trim().is_empty() {
        root = root.with_child(Element::new("description").with_text(description.trim()));
    }
    let flags = match kind {
        SnapshotKind::Internal => 0,
        // All disks or none: a half-taken external snapshot is worse than none.
        SnapshotKind::ExternalDiskOnly => {
            sys::VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | sys::VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC
        }
    };
    let xml = Document::new(root).to_string();
    dom.create_snapshot_xml(&xml, flags)?;
    Ok(())
}

pub fn revert(dom: &Domain, name: &str) -> Result<(), UserError> {
    let snap = Domain::lookup_snapshot_by_name(dom, name, 0)?;
    snap.revert(0)?;
    Ok(())
}

pub fn delete(dom: &Domain, name: &str) -> Result<(), UserError> {
    let snap = Domain::lookup_snapshot_by_name(dom, name, 0)?;
    let Err(e) = snap.delete(0) else {
        return Ok(());
    };
    // libvirt checks before it merges anything: a refusal leaves every image in place.
    let mut refused = UserError::from(e);
    refused.message =
        gettext("The snapshot “{name}” was not deleted, and its images are all kept: {reason}.")
            .replace("{name}", name)
            .replace("{reason}", refused.message.trim_end_matches('.'));
    let all = list(dom).unwrap_or_default();
    let external = all.iter().any(|s| s.name == name && s.external);
    if external && all.iter().any(|s| s.parent.as_deref() == Some(name)) {
        refused.message.push(' ');
        refused.message.push_str(&gettext(
            "An external snapshot taken before others can be deleted once the later ones are: delete the newest first.",
        ));
    }
    Err(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(name: &str, parent: Option<&str>, created: i64) -> SnapshotInfo {
        SnapshotInfo {
            name: name.into(),
            parent: parent.map(Into::into),
            current: false,
            created,
            state: "running".into(),
            description: String::new(),
            external: false,
            depth: 0,
        }
    }

    #[test]
    fn the_tree_puts_children_under_their_parent() {
        let tree = as_tree(vec![
            snap("b", Some("a"), 2),
            snap("c", Some("a"), 3),
            snap("a", None, 1),
            snap("d", Some("b"), 4),
            snap("orphan", Some("gone"), 5),
        ]);
        let order: Vec<(&str, usize)> = tree.iter().map(|s| (s.name.as_str(), s.depth)).collect();
        assert_eq!(
            order,
            [("a", 0), ("b", 1), ("d", 2), ("c", 1), ("orphan", 0)]
        );
    }

    #[test]
    fn names_are_checked_first() {
        let existing = [snap("before-upgrade", None, 1)];
        assert!(check_name("", &existing).is_err());
        assert!(check_name("a/b", &existing).is_err());
        assert!(check_name("before-upgrade", &existing).is_err());
        assert!(check_name("升级前", &existing).is_ok());
    }
}
