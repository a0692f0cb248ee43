//! Whether a disk's volume may be deleted when the disk goes: with its machine, with a
//! selection of machines, or removed from its machine alone. Worker only.
//!
//! A volume is kept when a machine that stays uses it or an overlay that stays is
//! built on it (a template's base): deleting it would break them. A file outside every
//! pool is left alone: libvirt does not manage it, and Hangar does not guess.
//!
//! The facts are read once per plan or execution (every domain's XML and every
//! volume's XML: reading them per disk would make deleting 50 machines read the host
//! 100 times). The decisions are pure functions of these facts, so they are tested
//! without libvirt.

use std::collections::{HashMap, HashSet};

use gettextrs::gettext;
use virt::connect::Connect;

use super::volumes::{known_volumes, Known, Usage};
use crate::core::error::UserError;
use crate::core::words::join_list;

/// The host's volumes by path, with the machines that use each.
#[derive(Debug, Clone, Default)]
pub struct StorageFacts {
    pub volumes: HashMap<String, Known>,
    /// Machines whose disks (or backing chains) are the volume at this path.
    pub users: HashMap<String, Vec<String>>,
}

impl StorageFacts {
    pub fn read(conn: &Connect) -> Result<StorageFacts, UserError> {
        let usage = Usage::read(conn, false)?;
        let volumes = known_volumes(conn);
        let users = volumes
            .iter()
            .map(|(path, k)| (path.clone(), usage.users(&k.pool, &k.name, path)))
            .collect();
        Ok(StorageFacts { volumes, users })
    }

    /// The volume's path as the pools know it: a disk may name it another way (a
    /// symlink, `//`), which libvirt's lookup by path resolves.
    pub fn resolve(&self, conn: &Connect, path: &str) -> Option<String> {
        if self.volumes.contains_key(path) {
            return Some(path.to_string());
        }
        let vol = conn.lookup_storage_vol_by_path(path).ok()?;
        let real = vol.path().ok()?;
        self.volumes.contains_key(&real).then_some(real)
    }

    /// Volumes that are overlays of the image at `path`, as (path, label).
    pub fn overlays_of(&self, path: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .volumes
            .iter()
            .filter(|(_, k)| k.backing.as_deref() == Some(path))
            .map(|(p, k)| (p.clone(), k.label.clone()))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }

    /// Forgets a deleted volume: what it was an overlay of may now be free.
    pub fn remove(&mut self, path: &str) {
        self.volumes.remove(path);
        self.users.remove(path);
    }
}

/// Whether a volume may go, for the plan shown before anything happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not a volume of any active pool: Hangar never deletes plain files.
    NotInPool,
    /// Something outside this deletion needs it.
    Keep(String),
    /// Nothing needs it.
    Free,
    /// Only other machines of this deletion, or overlays that are their disks, need
    /// it: it may go once they have. `names` says who, `overlays` are the paths that
    /// must be deleted first.
    After {
        names: Vec<String>,
        overlays: Vec<String>,
    },
}

/// The verdict on the volume at `path` (already resolved) of machine `owner`, when
/// the machines named in `batch`, whose disk paths are `batch_paths`, go too.
pub fn verdict(
    facts: &StorageFacts,
    owner: &str,
    path: &str,
    batch: &HashSet<String>,
    batch_paths: &HashSet<String>,
) -> Verdict {
    if !facts.volumes.contains_key(path) {
        return Verdict::NotInPool;
    }
    let others: Vec<String> = facts
        .users
        .get(path)
        .into_iter()
        .flatten()
        .filter(|u| u.as_str() != owner)
        .cloned()
        .collect();
    let outside: Vec<String> = others
        .iter()
        .filter(|u| !batch.contains(*u))
        .cloned()
        .collect();
    if !outside.is_empty() {
        return Verdict::Keep(used_by_reason(&outside));
    }
    let overlays = facts.overlays_of(path);
    let foreign: Vec<String> = overlays
        .iter()
        .filter(|(p, _)| !batch_paths.contains(p))
        .map(|(_, label)| label.clone())
        .collect();
    if !foreign.is_empty() {
        return Verdict::Keep(base_of_reason(&foreign));
    }
    if others.is_empty() && overlays.is_empty() {
        return Verdict::Free;
    }
    let mut names = others;
    names.extend(overlays.iter().map(|(_, label)| label.clone()));
    Verdict::After {
        names,
        overlays: overlays.into_iter().map(|(p, _)| p).collect(),
    }
}

/// Why the volume at `path` must stay now, when nothing else is being deleted: the
/// check right before a deletion.
pub fn blocker(facts: &StorageFacts, path: &str) -> Option<String> {
    if !facts.volumes.contains_key(path) {
        return Some(not_in_pool_reason());
    }
    let users = facts.users.get(path).cloned().unwrap_or_default();
    if !users.is_empty() {
        return Some(used_by_reason(&users));
    }
    let overlays: Vec<String> = facts
        .overlays_of(path)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    if !overlays.is_empty() {
        return Some(base_of_reason(&overlays));
    }
    None
}

/// What may happen to one disk's volume, for the Remove Disk dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeVerdict {
    /// `pool/volume` when libvirt manages the file.
    pub volume: Option<String>,
    /// Why the volume must stay, if it must.
    pub keep_reason: Option<String>,
}

impl VolumeVerdict {
    /// A pool volume nothing else needs.
    pub fn deletable(&self) -> bool {
        self.volume.is_some() && self.keep_reason.is_none()
    }
}

/// The verdict on `path` once machine `machine` alone no longer uses it: the
/// selection case with a selection of one.
pub fn verdict_alone(
    conn: &Connect,
    machine: &str,
    path: &str,
) -> Result<VolumeVerdict, UserError> {
    let facts = StorageFacts::read(conn)?;
    let Some(path) = facts.resolve(conn, path) else {
        return Ok(VolumeVerdict {
            volume: None,
            keep_reason: Some(not_in_pool_reason()),
        });
    };
    let alone = HashSet::from([machine.to_string()]);
    let keep_reason = match verdict(&facts, machine, &path, &alone, &HashSet::new()) {
        Verdict::NotInPool => Some(not_in_pool_reason()),
        Verdict::Keep(reason) => Some(reason),
        Verdict::Free => None,
        // Only machines or overlays of the selection could allow this, and the
        // selection is this machine alone: whoever is named stays.
        Verdict::After { names, .. } => Some(used_by_reason(&names)),
    };
    Ok(VolumeVerdict {
        volume: facts.volumes.get(&path).map(|k| k.label.clone()),
        keep_reason,
    })
}

/// The reasons a volume stays, in the words both Delete and Remove Disk use.
pub fn not_in_pool_reason() -> String {
    gettext("not in a storage pool, so Hangar leaves the file alone")
}

pub fn used_by_reason(machines: &[String]) -> String {
    gettext("also used by {machines}").replace("{machines}", &join_list(machines))
}

pub fn base_of_reason(volumes: &[String]) -> String {
    gettext("the base of {volumes}").replace("{volumes}", &join_list(volumes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(label: &str, backing: Option<&str>) -> Known {
        let (pool, name) = label.split_once('/').unwrap();
        Known {
            pool: pool.into(),
            name: name.into(),
            label: label.into(),
            backing: backing.map(str::to_string),
        }
    }

    /// A template `tpl` on /p/base, its linked clone `c1` on /p/c1 (an overlay of
    /// base), and /p/shared used by `a` and `b`.
    fn facts() -> StorageFacts {
        let mut f = StorageFacts::default();
        f.volumes.insert("/p/base".into(), vol("p/base", None));
        f.volumes
            .insert("/p/c1".into(), vol("p/c1", Some("/p/base")));
        f.volumes.insert("/p/shared".into(), vol("p/shared", None));
        f.users.insert("/p/base".into(), vec!["tpl".into()]);
        f.users.insert("/p/c1".into(), vec!["c1".into()]);
        f.users
            .insert("/p/shared".into(), vec!["a".into(), "b".into()]);
        f
    }

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_template_base_stays_unless_its_clones_go_in_the_same_deletion() {
        let f = facts();
        let alone = verdict(&f, "tpl", "/p/base", &set(&["tpl"]), &set(&["/p/base"]));
        assert_eq!(alone, Verdict::Keep("the base of p/c1".into()));
        let with_clone = verdict(
            &f,
            "tpl",
            "/p/base",
            &set(&["tpl", "c1"]),
            &set(&["/p/base", "/p/c1"]),
        );
        assert_eq!(
            with_clone,
            Verdict::After {
                names: vec!["p/c1".into()],
                overlays: vec!["/p/c1".into()],
            }
        );
        // At execution, the base goes only once the overlay is gone.
        let mut f = f;
        f.users.remove("/p/base");
        assert_eq!(blocker(&f, "/p/base"), Some("the base of p/c1".into()));
        f.remove("/p/c1");
        assert_eq!(blocker(&f, "/p/base"), None);
    }

    #[test]
    fn a_shared_volume_goes_only_with_every_machine_using_it() {
        let f = facts();
        assert_eq!(
            verdict(&f, "a", "/p/shared", &set(&["a"]), &set(&[])),
            Verdict::Keep("also used by b".into())
        );
        assert_eq!(
            verdict(&f, "a", "/p/shared", &set(&["a", "b"]), &set(&[])),
            Verdict::After {
                names: vec!["b".into()],
                overlays: vec![],
            }
        );
        assert_eq!(
            verdict(&f, "c1", "/p/c1", &set(&["c1"]), &set(&[])),
            Verdict::Free
        );
        assert_eq!(
            verdict(&f, "a", "/elsewhere", &set(&["a"]), &set(&[])),
            Verdict::NotInPool
        );
    }
}
