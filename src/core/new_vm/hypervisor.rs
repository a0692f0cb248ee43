//! Which `<domain type>` a new machine gets: `kvm` (hardware acceleration) or
//! `qemu` (TCG emulation, slow but works everywhere).
//!
//! Whether KVM *really* works can only be proven by booting a guest under it:
//! `/dev/kvm` can exist and open and libvirt can offer KVM while guests hang
//! (as on hosts with a software-only KVM stub). Hangar therefore checks what
//! can be checked — libvirt's domain capabilities for `kvm`, and on a local
//! URI that a `kvm_*` module is loaded and `/dev/kvm` opens read-write — and
//! still uses `qemu` unless the person opts in to KVM. The plan says which
//! type it chose and why ([`TypeDecision::reason`]).

use std::path::Path;

use gettextrs::gettext;
use virt::connect::Connect;

use crate::core::clone::fields::Availability;
use crate::core::host::is_local_uri;

/// The person's choice of acceleration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Acceleration {
    /// Emulation unless the person opts in (see the module docs).
    #[default]
    Default,
    /// Use KVM; refused when the checks say it cannot work.
    Kvm,
    /// Always emulate.
    Emulate,
}

/// What could be checked about KVM on the host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KvmProbe {
    /// `virConnectGetDomainCapabilities(virttype=kvm)` succeeded.
    pub libvirt_offers_kvm: bool,
    /// A `kvm_*` module is in `/sys/module` (local URIs only).
    pub module_loaded: Option<bool>,
    /// `/dev/kvm` opens read-write for this process (local URIs only).
    pub device_opens: Option<bool>,
}

impl KvmProbe {
    /// Runs the checks. Blocks on libvirt: worker only.
    pub fn read(conn: &Connect, uri: &str, arch: &str) -> KvmProbe {
        let libvirt_offers_kvm = conn
            .domain_capabilities(None, Some(arch), None, Some("kvm"), 0)
            .is_ok();
        let local = is_local_uri(uri) && !uri.starts_with("test:");
        KvmProbe {
            libvirt_offers_kvm,
            module_loaded: local.then(module_loaded),
            device_opens: local.then(|| {
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open("/dev/kvm")
                    .is_ok()
            }),
        }
    }

    /// Whether KVM may be chosen, and if not, why.
    pub fn availability(&self) -> Availability {
        if !self.libvirt_offers_kvm {
            return Availability::no(gettext("libvirt does not offer KVM on this host"));
        }
        if self.module_loaded == Some(false) {
            return Availability::no(gettext(
                "No KVM kernel module (kvm_intel, kvm_amd…) is loaded",
            ));
        }
        if self.device_opens == Some(false) {
            return Availability::no(gettext("/dev/kvm does not exist or cannot be opened"));
        }
        Availability::yes()
    }
}

fn module_loaded() -> bool {
    let Ok(entries) = std::fs::read_dir("/sys/module") else {
        return false;
    };
    Path::new("/sys/module/kvm").exists()
        && entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("kvm_"))
}

/// The chosen `<domain type>` and the sentence explaining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDecision {
    pub domain_type: String,
    pub reason: String,
}

/// Decides the domain type. `driver` is libvirt's driver name ("QEMU",
/// "Test"). An error is the reason KVM cannot be used when it was asked for.
pub fn decide(
    driver: &str,
    probe: &KvmProbe,
    choice: Acceleration,
) -> Result<TypeDecision, String> {
    let decision = |t: &str, reason: String| TypeDecision {
        domain_type: t.to_string(),
        reason,
    };
    if driver.eq_ignore_ascii_case("test") {
        return Ok(decision(
            "test",
            gettext("libvirt's test driver only simulates machines"),
        ));
    }
    let kvm = probe.availability();
    match choice {
        Acceleration::Emulate => Ok(decision(
            "qemu",
            gettext("Emulation (QEMU TCG), as chosen: works on every host, but guests run several times slower"),
        )),
        Acceleration::Kvm if kvm.available => Ok(decision(
            "kvm",
            gettext("KVM, as chosen: libvirt offers it and the checks passed"),
        )),
        Acceleration::Kvm => Err(gettext("KVM cannot be used: {reason}").replace("{reason}", &kvm.reason)),
        Acceleration::Default if kvm.available => Ok(decision(
            "qemu",
            gettext(
                "Emulation (QEMU TCG): KVM looks available, but that can only be proven by booting a guest (on some hosts /dev/kvm exists and guests still hang). Choose KVM to use it",
            ),
        )),
        Acceleration::Default => Ok(decision(
            "qemu",
            gettext("Emulation (QEMU TCG), because KVM is not available: {reason}")
                .replace("{reason}", &kvm.reason),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(offers: bool, module: Option<bool>, dev: Option<bool>) -> KvmProbe {
        KvmProbe {
            libvirt_offers_kvm: offers,
            module_loaded: module,
            device_opens: dev,
        }
    }

    #[test]
    fn emulation_unless_chosen() {
        let ok = probe(true, Some(true), Some(true));
        let d = decide("QEMU", &ok, Acceleration::Default).unwrap();
        assert_eq!(d.domain_type, "qemu");
        assert!(d.reason.contains("Choose KVM"));
        assert_eq!(
            decide("QEMU", &ok, Acceleration::Kvm).unwrap().domain_type,
            "kvm"
        );
        // A remote host: only libvirt's word, which is enough to let the person opt in.
        let remote = probe(true, None, None);
        assert_eq!(
            decide("QEMU", &remote, Acceleration::Kvm)
                .unwrap()
                .domain_type,
            "kvm"
        );
        let no_dev = probe(true, Some(true), Some(false));
        assert_eq!(
            decide("QEMU", &no_dev, Acceleration::Kvm).unwrap_err(),
            "KVM cannot be used: /dev/kvm does not exist or cannot be opened"
        );
        let d = decide("QEMU", &probe(false, None, None), Acceleration::Default).unwrap();
        assert_eq!(
            d.reason,
            "Emulation (QEMU TCG), because KVM is not available: libvirt does not offer KVM on this host"
        );
        assert_eq!(
            decide("Test", &ok, Acceleration::Kvm).unwrap().domain_type,
            "test"
        );
    }
}
