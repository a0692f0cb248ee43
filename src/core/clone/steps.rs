//! The steps an executor performs, shared by clones and new machines: a plan
//! becomes a list of these, the summary lists their labels, and the executor
//! runs them in order and undoes them in reverse when one fails.

use gettextrs::gettext;

use crate::core::storage::size::format_bytes;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `virStorageVolCreateXML`: a new (empty or overlay) volume.
    CreateVolume {
        pool: String,
        name: String,
        xml: String,
        /// The path the domain XMLs use for it.
        planned_path: String,
    },
    /// `virStorageVolCreateXMLFrom`: a full copy of `source_path`.
    CopyVolume {
        pool: String,
        name: String,
        xml: String,
        planned_path: String,
        source_path: String,
        /// Data expected to be copied, for progress.
        bytes: u64,
    },
    /// `virDomainDefineXML`.
    DefineDomain { name: String, xml: String },
    /// virt-sysprep on the given disks (planned paths) of a defined, shut-off domain.
    Sysprep { domain: String, disks: Vec<String> },
    /// `virDomainCreate`.
    StartDomain { name: String },
}

/// Which kind of step failed, for code that reacts to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    CreateVolume,
    CopyVolume,
    DefineDomain,
    Sysprep,
    StartDomain,
    /// The person cancelled before this step.
    Cancelled,
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::CreateVolume { .. } => StepKind::CreateVolume,
            Step::CopyVolume { .. } => StepKind::CopyVolume,
            Step::DefineDomain { .. } => StepKind::DefineDomain,
            Step::Sysprep { .. } => StepKind::Sysprep,
            Step::StartDomain { .. } => StepKind::StartDomain,
        }
    }

    /// What the progress page and error messages call the step.
    pub fn label(&self) -> String {
        match self {
            Step::CreateVolume {
                pool, name, xml, ..
            } if xml.contains("<backingStore>") => {
                gettext("Create linked disk “{name}” in pool “{pool}”")
                    .replace("{name}", name)
                    .replace("{pool}", pool)
            }
            Step::CreateVolume { pool, name, .. } => {
                gettext("Create disk “{name}” in pool “{pool}”")
                    .replace("{name}", name)
                    .replace("{pool}", pool)
            }
            Step::CopyVolume {
                pool,
                name,
                source_path,
                bytes,
                ..
            } => gettext("Copy {source} ({size}) to “{name}” in pool “{pool}”")
                .replace("{source}", source_path)
                .replace("{size}", &format_bytes(*bytes))
                .replace("{name}", name)
                .replace("{pool}", pool),
            Step::DefineDomain { name, .. } => {
                gettext("Define machine “{name}”").replace("{name}", name)
            }
            Step::Sysprep { domain, .. } => {
                gettext("Prepare the disks of “{name}” with virt-sysprep").replace("{name}", domain)
            }
            Step::StartDomain { name } => gettext("Start “{name}”").replace("{name}", name),
        }
    }
}
