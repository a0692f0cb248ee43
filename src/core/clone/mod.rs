//! Templates and linked clones — Hangar's reason to exist — without any GUI.
//!
//! A template is a shut-off machine marked in its `<metadata>`
//! ([`template`]). Cloning is a pure [`plan`] (template XML + host facts +
//! choices → volume and domain XMLs, or errors per wizard field) and an
//! [`executor`] that applies it through libvirt and removes everything it made
//! when a step fails. The new-machine wizard (`core::new_vm`) produces the
//! same [`steps::Step`]s and shares the executor.
//!
//! The wizard's steps map to: template → [`template::list_templates`];
//! names → [`names::NameChoice`]; disks → [`disks::disk_options`]; options →
//! [`plan::CloneRequest`] (start, virt-sysprep with
//! [`facts::HostFacts::sysprep`]); summary → [`plan::ClonePlan::summary`];
//! progress → [`executor::spawn_execute`].
//!
//! UEFI: a clone's `<nvram>` path is removed (the `template=` attribute kept),
//! so libvirt creates a fresh variable store from the firmware's template at
//! its first start. This works on remote hosts, where Hangar cannot copy the
//! template's file; the template's own variables (boot entries, enrolled
//! keys) are not carried over, and guests boot through the removable-media
//! fallback path (`\EFI\BOOT\BOOTX64.EFI`) as on first install.
//!
//! Files: `fields.rs` (per-field errors, availability), `names.rs`,
//! `facts.rs` (what is read from the host), `disks.rs` (per-disk options),
//! `mac.rs`, `plan.rs`, `summary.rs` (summary and steps), `steps.rs`,
//! `executor.rs`, `template.rs`, `flatten.rs` (convert back), `sysprep.rs`.

pub mod disks;
pub mod executor;
pub mod facts;
pub mod fields;
pub mod flatten;
pub mod mac;
pub mod names;
pub mod plan;
#[cfg(test)]
mod plan_refusals;
#[cfg(test)]
mod plan_tests;
pub mod steps;
pub mod summary;
pub mod sysprep;
pub mod template;

pub use disks::{disk_options, DiskChoice, DiskMode, DiskOption};
pub use executor::{execute, spawn_execute, Applied, Phase, Progress, StepFailure};
pub use facts::{HostFacts, PoolFacts, TemplateFacts, VolumeFacts};
pub use fields::{Availability, CloneField, FieldError};
pub use names::{resolve_names, NameChoice};
pub use plan::{plan_clones, ClonePlan, CloneRequest, PlannedVm, PlannedVolume};
pub use steps::{Step, StepKind};
pub use summary::SummaryLine;
