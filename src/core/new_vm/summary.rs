//! The new-machine plan as executor steps and as the summary a person
//! confirms; both from the same plan, as for clones.

use gettextrs::gettext;

use super::plan::NewVmPlan;
use crate::core::clone::steps::Step;
use crate::core::clone::summary::SummaryLine;
use crate::core::model::format_kib;
use crate::core::storage::size::format_bytes;

impl NewVmPlan {
    /// Create the disk, define the machine, start it if asked.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        if let Some(d) = &self.disk {
            steps.push(Step::CreateVolume {
                pool: d.pool.clone(),
                name: d.name.clone(),
                xml: d.xml.clone(),
                planned_path: d.path.clone(),
            });
        }
        steps.push(Step::DefineDomain {
            name: self.name.clone(),
            xml: self.domain_xml.clone(),
        });
        if self.start {
            steps.push(Step::StartDomain {
                name: self.name.clone(),
            });
        }
        steps
    }

    pub fn summary(&self) -> Vec<SummaryLine> {
        let line = |h: String, t: String| SummaryLine {
            heading: h,
            text: t,
        };
        let mut out = vec![
            line(
                gettext("Machine"),
                gettext("“{name}” with {memory} of memory and {vcpus} vCPUs")
                    .replace("{name}", &self.name)
                    .replace("{memory}", &format_kib(self.memory_mib * 1024))
                    .replace("{vcpus}", &self.vcpus.to_string()),
            ),
            line(gettext("Hypervisor"), self.domain_type_reason.clone()),
            line(gettext("Boots from"), self.source.clone()),
        ];
        if let Some(d) = &self.disk {
            out.push(line(
                gettext("New disk"),
                gettext("{size} {format} volume “{name}” in the pool “{pool}” (thin: space is used as the guest writes)")
                    .replace("{size}", &format_bytes(d.capacity))
                    .replace("{format}", d.format.as_str())
                    .replace("{name}", &d.name)
                    .replace("{pool}", &d.pool),
            ));
        }
        let net = match &self.mac {
            Some(mac) => gettext("{network} ({mac})")
                .replace("{network}", &self.network)
                .replace("{mac}", mac),
            None => self.network.clone(),
        };
        out.push(line(gettext("Network"), net));
        out.push(line(
            gettext("Afterwards"),
            if self.start {
                gettext("The machine is started")
            } else {
                gettext("The machine stays shut off")
            },
        ));
        out
    }
}
