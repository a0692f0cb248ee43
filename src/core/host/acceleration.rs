//! Does KVM really work on this host? A `/dev/kvm` that exists is not enough: some
//! machines (this project's CI among them) have a software stand-in that opens and
//! even creates VMs, yet guests never run. So we look at every layer and say which one
//! fails, the way a person would check by hand (`grep vmx /proc/cpuinfo`, `lsmod`,
//! `ls -l /dev/kvm`, `virsh domcapabilities --virttype kvm`).

use gettextrs::gettext;

/// One thing checked, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceleration {
    /// True when every check passed: new machines may use `<domain type='kvm'>`.
    pub usable: bool,
    pub checks: Vec<Check>,
}

impl Acceleration {
    /// The domain type a new machine should use, and a sentence saying why.
    pub fn recommended_domain_type(&self) -> (&'static str, String) {
        if self.usable {
            (
                "kvm",
                gettext("KVM hardware acceleration works on this host."),
            )
        } else {
            let failed: Vec<&str> = self
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.detail.as_str())
                .collect();
            (
                "qemu",
                gettext(
                    "Emulation (QEMU/TCG), because hardware acceleration is not available: {why}",
                )
                .replace("{why}", &failed.join("; ")),
            )
        }
    }
}

/// What can only be looked at on the host itself (a local connection).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalProbe {
    /// /proc/cpuinfo's flags line.
    pub cpu_flags: String,
    /// Loaded module names (/sys/module).
    pub modules: Vec<String>,
    /// /dev/kvm could be opened read-write.
    pub dev_kvm_opens: bool,
    pub dev_kvm_exists: bool,
}

impl LocalProbe {
    pub fn read() -> LocalProbe {
        let cpu_flags = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("flags"))
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let modules = std::fs::read_dir("/sys/module")
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let dev = std::path::Path::new("/dev/kvm");
        LocalProbe {
            cpu_flags,
            modules,
            dev_kvm_exists: dev.exists(),
            dev_kvm_opens: std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(dev)
                .is_ok(),
        }
    }
}

/// Judges acceleration from libvirt's answers (`kvm_domcaps`: whether
/// `domcapabilities --virttype kvm` succeeded; the capabilities XML) and, for a
/// local host, from the probe.
pub fn assess(
    capabilities_xml: &str,
    kvm_domcaps: bool,
    local: Option<&LocalProbe>,
) -> Acceleration {
    let mut checks = Vec::new();
    match local {
        Some(p) => {
            let words: Vec<&str> = p.cpu_flags.split_whitespace().collect();
            let cpu = words.contains(&"vmx") || words.contains(&"svm");
            checks.push(Check {
                name: gettext("CPU virtualization extensions"),
                ok: cpu,
                detail: if cpu {
                    gettext("the CPU has VT-x or AMD-V (vmx/svm)")
                } else {
                    gettext("the CPU flags have neither vmx nor svm")
                },
            });
            let module = p
                .modules
                .iter()
                .find(|m| *m == "kvm_intel" || *m == "kvm_amd");
            checks.push(Check {
                name: gettext("KVM kernel module"),
                ok: module.is_some(),
                detail: match module {
                    Some(m) => gettext("{module} is loaded").replace("{module}", m),
                    None => gettext("neither kvm_intel nor kvm_amd is loaded"),
                },
            });
            checks.push(Check {
                name: "/dev/kvm".into(),
                ok: p.dev_kvm_opens,
                detail: if p.dev_kvm_opens {
                    gettext("/dev/kvm opens")
                } else if p.dev_kvm_exists {
                    gettext("/dev/kvm exists but cannot be opened (permissions?)")
                } else {
                    gettext("/dev/kvm does not exist")
                },
            });
        }
        None => {
            // Remotely, the host CPU's features in the capabilities are what we have.
            let cpu = capabilities_xml.contains("name='vmx'")
                || capabilities_xml.contains("name='svm'")
                || capabilities_xml.contains("name=\"vmx\"")
                || capabilities_xml.contains("name=\"svm\"");
            checks.push(Check {
                name: gettext("CPU virtualization extensions"),
                ok: cpu,
                detail: if cpu {
                    gettext("the host CPU reports vmx/svm")
                } else {
                    gettext("the host CPU does not report vmx or svm")
                },
            });
        }
    }
    checks.push(Check {
        name: gettext("libvirt KVM support"),
        ok: kvm_domcaps,
        detail: if kvm_domcaps {
            gettext("libvirt offers the kvm domain type")
        } else {
            gettext("libvirt does not offer the kvm domain type")
        },
    });
    Acceleration {
        usable: checks.iter().all(|c| c.ok),
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(flags: &str, modules: &[&str], opens: bool) -> LocalProbe {
        LocalProbe {
            cpu_flags: format!("flags\t\t: fpu {flags} sse2"),
            modules: modules.iter().map(|s| s.to_string()).collect(),
            dev_kvm_opens: opens,
            dev_kvm_exists: true,
        }
    }

    #[test]
    fn a_real_kvm_host_passes() {
        let a = assess("", true, Some(&probe("vmx", &["kvm", "kvm_intel"], true)));
        assert!(a.usable);
        assert_eq!(a.recommended_domain_type().0, "kvm");
    }

    #[test]
    fn a_software_dev_kvm_without_cpu_support_is_refused_and_explained() {
        // What this project's CI machine looks like: /dev/kvm opens, libvirt offers
        // kvm, but the CPU has no vmx/svm and the module is a software stand-in.
        let a = assess("", true, Some(&probe("", &["kvm", "kvm_pvm"], true)));
        assert!(!a.usable);
        let (ty, why) = a.recommended_domain_type();
        assert_eq!(ty, "qemu");
        assert!(why.contains("vmx") && why.contains("kvm_intel"), "{why}");
    }

    #[test]
    fn remote_hosts_are_judged_from_capabilities() {
        let caps = "<capabilities><host><cpu><feature name='svm'/></cpu></host></capabilities>";
        assert!(assess(caps, true, None).usable);
        assert!(!assess(caps, false, None).usable);
        assert!(!assess("<capabilities/>", true, None).usable);
    }
}
