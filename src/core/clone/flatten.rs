//! "Convert back to a machine" for a template that still has linked clones:
//! each dependant overlay is flattened into a standalone volume, then the
//! template is unmarked.
//!
//! libvirt cannot rename a volume, so each overlay `web-1.qcow2` becomes a new
//! volume `web-1-full.qcow2` in the same pool, made with
//! `virStorageVolCreateXMLFrom` (qemu-img convert, which merges the backing
//! chain into one image); the machines whose persistent XML uses the overlay
//! are redefined to use the copy; then the overlay is deleted. Machines using
//! an overlay must be shut off (their running disk cannot be swapped), which is
//! checked before anything changes. Each overlay is done completely or not at
//! all: if a step fails, its copy is deleted and the machines redefined as
//! they were; overlays finished before stay flattened (they are consistent).

use gettextrs::gettext;
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::executor::{Phase, Progress, ProgressFn};
use super::facts::{HostFacts, TemplateFacts, VolumeFacts};
use super::template::{dependants, unmark_template};
use crate::core::error::UserError;
use crate::core::xml::domain_edit::set_disk_source_file;
use crate::core::xml::{new_volume_xml, Document, DomainXml, NewVolume, VolumeFormat};

/// One overlay made standalone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flattened {
    pub old_path: String,
    pub new_path: String,
    /// Machines now using `new_path`.
    pub machines: Vec<String>,
}

/// A free name in the pool for the flattened copy of `name`.
fn full_name(name: &str, taken: &[String]) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "qcow2"));
    (0..)
        .map(|i| match i {
            0 => format!("{stem}-full.{ext}"),
            n => format!("{stem}-full{n}.{ext}"),
        })
        .find(|n| !taken.contains(n))
        .expect("an unbounded range always yields a free name")
}

fn is_running(conn: &Connect, name: &str) -> bool {
    conn.lookup_domain_by_name(name)
        .and_then(|d| d.is_active())
        .unwrap_or(false)
}

/// Flattens every linked clone of the template with `uuid`, then unmarks it.
/// `confirmed` must be true when there are dependants: the person agreed to
/// the full copies (which take time and space). Worker-free: run it on its
/// own thread, copies take as long as the data.
pub fn convert_back(
    conn: &Connect,
    uuid: &str,
    confirmed: bool,
    progress: ProgressFn,
) -> Result<Vec<Flattened>, UserError> {
    let template = TemplateFacts::read(conn, uuid)?;
    let host = HostFacts::read(conn)?;
    let deps = dependants(&host, &template.domain);
    if !deps.is_empty() && !confirmed {
        return Err(UserError::invalid(
            gettext("{count} linked clones depend on “{name}”: confirm full copies of them first")
                .replace("{count}", &deps.len().to_string())
                .replace("{name}", &template.domain.name),
        ));
    }
    for d in &deps {
        for user in host.disk_users.get(&d.path).into_iter().flatten() {
            if is_running(conn, user) {
                return Err(UserError::invalid(
                    gettext("“{machine}” is running on {path}: shut it off first")
                        .replace("{machine}", user)
                        .replace("{path}", &d.path),
                ));
            }
        }
    }
    let mut done = Vec::new();
    for (i, d) in deps.iter().enumerate() {
        progress(&Progress {
            step: i,
            steps: deps.len(),
            label: gettext("Copying {path} into a standalone image").replace("{path}", &d.path),
            fraction: None,
            phase: Phase::Running,
        });
        let users = host.disk_users.get(&d.path).cloned().unwrap_or_default();
        done.push(flatten_one(conn, &host, d, &users)?);
    }
    unmark_template(conn, uuid)?;
    Ok(done)
}

fn flatten_one(
    conn: &Connect,
    host: &HostFacts,
    overlay: &VolumeFacts,
    users: &[String],
) -> Result<Flattened, UserError> {
    let pool = conn.lookup_storage_pool_by_name(&overlay.pool)?;
    let taken = host
        .pool(&overlay.pool)
        .map(|p| p.volumes.clone())
        .unwrap_or_default();
    let name = full_name(&overlay.name, &taken);
    let xml = new_volume_xml(&NewVolume {
        name,
        capacity_bytes: overlay.capacity,
        allocation_bytes: Some(0),
        format: VolumeFormat::Qcow2,
        backing: None,
    })
    .map_err(|e| UserError::invalid(e.to_string()))?;
    let source = conn.lookup_storage_vol_by_path(&overlay.path)?;
    let copy = StorageVol::create_xml_from(&pool, &xml, &source, 0)?;
    let new_path = copy.path()?;
    let mut redefined: Vec<String> = Vec::new();
    let result = (|| -> Result<(), UserError> {
        for user in users {
            let dom = conn.lookup_domain_by_name(user)?;
            let old = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)?;
            let new = repoint(&old, &overlay.path, &new_path)?;
            conn.define_domain_xml(&new)?;
            redefined.push(old);
        }
        source.delete(0)?;
        Ok(())
    })();
    if let Err(e) = result {
        for old in redefined {
            let _ = conn.define_domain_xml(&old);
        }
        let _ = copy.delete(0);
        return Err(e);
    }
    Ok(Flattened {
        old_path: overlay.path.clone(),
        new_path,
        machines: users.to_vec(),
    })
}

/// `xml` with every disk on `old` pointed at `new`.
fn repoint(xml: &str, old: &str, new: &str) -> Result<String, UserError> {
    let bad = |e: crate::core::xml::XmlError| UserError::invalid(e.to_string());
    let parsed = DomainXml::parse(xml).map_err(bad)?;
    let mut doc = Document::parse(xml).map_err(bad)?;
    for disk in parsed.disks.iter().filter(|d| d.source.path() == Some(old)) {
        if let Some(dev) = &disk.target_dev {
            set_disk_source_file(&mut doc, dev, new).map_err(bad)?;
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_get_a_free_name() {
        let taken = vec!["web-1-full.qcow2".to_string()];
        assert_eq!(full_name("web-1.qcow2", &taken), "web-1-full1.qcow2");
        assert_eq!(full_name("网站", &[]), "网站-full.qcow2");
    }
}
