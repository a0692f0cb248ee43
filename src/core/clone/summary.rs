//! The clone plan in words (the wizard's summary page) and as executor steps
//! (its progress page). Both come from the same plan, so what the person
//! confirms is what runs.

use gettextrs::gettext;

use super::disks::DiskMode;
use super::plan::ClonePlan;
use super::steps::Step;
use crate::core::storage::size::format_bytes;
use crate::core::words::join_list;

/// One row of a summary: a short heading and the sentence under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    pub heading: String,
    pub text: String,
}

fn line(heading: String, text: String) -> SummaryLine {
    SummaryLine { heading, text }
}

impl ClonePlan {
    /// Everything the executor will do, in order: per machine its volumes and
    /// its definition; then virt-sysprep; then the starts, so a machine is only
    /// started once every clone exists (a failure rolls all of them back).
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        for vm in &self.vms {
            for v in &vm.volumes {
                steps.push(match v.mode {
                    DiskMode::FullCopy => Step::CopyVolume {
                        pool: v.pool.clone(),
                        name: v.name.clone(),
                        xml: v.xml.clone(),
                        planned_path: v.path.clone(),
                        source_path: v.source_path.clone(),
                        bytes: v.copy_bytes,
                    },
                    _ => Step::CreateVolume {
                        pool: v.pool.clone(),
                        name: v.name.clone(),
                        xml: v.xml.clone(),
                        planned_path: v.path.clone(),
                    },
                });
            }
            steps.push(Step::DefineDomain {
                name: vm.name.clone(),
                xml: vm.domain_xml.clone(),
            });
        }
        if self.sysprep {
            // A clone with only shared disks has nothing of its own to prepare.
            for vm in self.vms.iter().filter(|v| !v.volumes.is_empty()) {
                steps.push(Step::Sysprep {
                    domain: vm.name.clone(),
                    disks: vm.volumes.iter().map(|v| v.path.clone()).collect(),
                });
            }
        }
        if self.start {
            for vm in &self.vms {
                steps.push(Step::StartDomain {
                    name: vm.name.clone(),
                });
            }
        }
        steps
    }

    /// The plan as a person reads it before confirming.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let names: Vec<&str> = self.vms.iter().map(|v| v.name.as_str()).collect();
        let mut out = vec![line(
            gettext("Machines"),
            gettext("{count} from the template “{template}”: {names}")
                .replace("{count}", &names.len().to_string())
                .replace("{template}", &self.template_name)
                .replace("{names}", &join_list(&names)),
        )];
        let first = self.vms.first();
        for choice in &self.disks {
            let vol = first.and_then(|vm| vm.volumes.iter().find(|v| v.target == choice.target));
            let text = match (choice.mode, vol) {
                (DiskMode::Linked, Some(v)) => gettext(
                    "Linked clone: a new qcow2 overlay per machine in the pool “{pool}” that reads unchanged data from {base}; about 1 MiB each at first, growing as the guest writes",
                )
                .replace("{pool}", &v.pool)
                .replace("{base}", &v.source_path),
                (DiskMode::FullCopy, Some(v)) => gettext(
                    "Full copy of {source} into the pool “{pool}”: {size} of data per machine",
                )
                .replace("{source}", &v.source_path)
                .replace("{pool}", &v.pool)
                .replace("{size}", &format_bytes(v.copy_bytes)),
                (DiskMode::Skip, _) => gettext("Left out: the clones have no such disk"),
                _ => gettext("Shared: the clones use the template's image or medium as it is"),
            };
            out.push(line(
                gettext("Disk {target}").replace("{target}", &choice.target),
                text,
            ));
        }
        let macs: Vec<String> = self
            .vms
            .iter()
            .filter(|v| !v.macs.is_empty())
            .map(|v| format!("{} {}", v.name, v.macs.join(" ")))
            .collect();
        if !macs.is_empty() {
            out.push(line(gettext("Network addresses"), macs.join("; ")));
        }
        out.push(line(
            gettext("Identity"),
            gettext(
                "New UUIDs chosen by libvirt; display ports chosen when each machine starts; serial and console log files named after each machine; the template's title is not copied",
            ),
        ));
        if self.fresh_nvram {
            out.push(line(
                gettext("UEFI variables"),
                gettext(
                    "Each clone gets a fresh variable store from the firmware's template when it first starts; the template's own variables (boot entries, enrolled keys) are not copied",
                ),
            ));
        }
        if self.sysprep {
            out.push(line(
                gettext("Preparation"),
                gettext("virt-sysprep sets each hostname to the machine's name and resets the machine-id and SSH host keys"),
            ));
        }
        out.push(line(
            gettext("Afterwards"),
            if self.start {
                gettext("The machines are started once all of them exist")
            } else {
                gettext("The machines stay shut off")
            },
        ));
        out
    }
}
