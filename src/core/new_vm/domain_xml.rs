//! The domain XML of a new machine, built with the xml module's element
//! builders (so every value is escaped) — what virt-install writes for a
//! plain Linux or Windows guest: q35 on x86_64, virtio disks and NIC, a SATA
//! CD-ROM, a serial console, a VNC display on localhost and a virtio RNG.

use super::form::NetworkChoice;
use crate::core::xml::domain_edit::{disk_element, NewDisk};
use crate::core::xml::{Document, Element};

/// Everything the XML depends on, decided by the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSpec {
    pub name: String,
    /// kvm, qemu or test.
    pub domain_type: String,
    pub arch: String,
    pub memory_kib: u64,
    pub vcpus: u32,
    /// (kernel, initrd, cmdline) for direct kernel boot; empty initrd/cmdline are left out.
    pub kernel: Option<(String, String, String)>,
    /// `<boot dev>` order: cdrom, hd.
    pub boot: Vec<String>,
    pub disks: Vec<NewDisk>,
    pub network: NetworkChoice,
    pub mac: Option<String>,
}

fn text(tag: &str, value: impl Into<String>) -> Element {
    Element::new(tag).with_text(value)
}

fn os(spec: &DomainSpec) -> Element {
    let mut os_type = Element::new("type").with_attr("arch", spec.arch.clone());
    if spec.arch == "x86_64" && spec.domain_type != "test" {
        os_type.set_attr("machine", "q35");
    }
    let mut os = Element::new("os").with_child(os_type.with_text("hvm"));
    if let Some((kernel, initrd, cmdline)) = &spec.kernel {
        os.push_child(text("kernel", kernel.clone()));
        if !initrd.is_empty() {
            os.push_child(text("initrd", initrd.clone()));
        }
        if !cmdline.is_empty() {
            os.push_child(text("cmdline", cmdline.clone()));
        }
    }
    for dev in &spec.boot {
        os.push_child(Element::new("boot").with_attr("dev", dev.clone()));
    }
    os
}

fn interface(spec: &DomainSpec) -> Option<Element> {
    let (kind, source) = match &spec.network {
        NetworkChoice::None => return None,
        NetworkChoice::Network(n) => ("network", Some(("network", n))),
        NetworkChoice::Bridge(b) => ("bridge", Some(("bridge", b))),
        NetworkChoice::User => ("user", None),
    };
    let mut el = Element::new("interface").with_attr("type", kind);
    if let Some(mac) = &spec.mac {
        el.push_child(Element::new("mac").with_attr("address", mac.clone()));
    }
    if let Some((attr, value)) = source {
        el.push_child(Element::new("source").with_attr(attr, value.clone()));
    }
    el.push_child(Element::new("model").with_attr("type", "virtio"));
    Some(el)
}

/// The XML to define.
pub fn build(spec: &DomainSpec) -> String {
    let kib = |tag: &str| {
        Element::new(tag)
            .with_attr("unit", "KiB")
            .with_text(spec.memory_kib.to_string())
    };
    let mut root = Element::new("domain")
        .with_attr("type", spec.domain_type.clone())
        .with_child(text("name", spec.name.clone()))
        .with_child(kib("memory"))
        .with_child(kib("currentMemory"))
        .with_child(text("vcpu", spec.vcpus.to_string()))
        .with_child(os(spec))
        .with_child(
            Element::new("features")
                .with_child(Element::new("acpi"))
                .with_child(Element::new("apic")),
        );
    if spec.domain_type == "kvm" {
        root.push_child(Element::new("cpu").with_attr("mode", "host-passthrough"));
    }
    root.push_child(Element::new("clock").with_attr("offset", "utc"));
    root.push_child(text("on_poweroff", "destroy"));
    root.push_child(text("on_reboot", "restart"));
    root.push_child(text("on_crash", "destroy"));
    let mut devices = Element::new("devices");
    for d in &spec.disks {
        devices.push_child(disk_element(d));
    }
    if let Some(i) = interface(spec) {
        devices.push_child(i);
    }
    devices.push_child(
        Element::new("serial")
            .with_attr("type", "pty")
            .with_child(Element::new("target").with_attr("port", "0")),
    );
    devices.push_child(
        Element::new("console").with_attr("type", "pty").with_child(
            Element::new("target")
                .with_attr("type", "serial")
                .with_attr("port", "0"),
        ),
    );
    devices.push_child(
        Element::new("graphics")
            .with_attr("type", "vnc")
            .with_attr("autoport", "yes")
            .with_attr("listen", "127.0.0.1"),
    );
    if spec.domain_type != "test" {
        devices.push_child(
            Element::new("rng").with_attr("model", "virtio").with_child(
                Element::new("backend")
                    .with_attr("model", "random")
                    .with_text("/dev/urandom"),
            ),
        );
    }
    root.push_child(devices);
    Document::new(root).to_string()
}
