//! Edits of a domain's XML, as the clone wizard and settings pages need them.
//!
//! Each helper changes only what it is named for, on the lossless tree, so
//! devices and options Hangar does not understand survive. Device edits live
//! in `device_edit.rs` and are re-exported here, so this is the one module
//! the clone wizard needs.

pub use super::device_edit::{
    add_disk, disk_element, remove_disk, remove_interface_macs, rename_log_files,
    set_disk_driver_type, set_disk_source_file, set_graphics_autoport, set_interface_mac, NewDisk,
};
use super::document::Document;
use super::metadata;
use super::tree::Element;

pub fn set_name(doc: &mut Document, name: &str) {
    doc.root_mut()
        .ensure_child_before(
            "name",
            &["uuid", "title", "description", "metadata", "memory"],
        )
        .set_text(name);
}

/// Sets the short title, or removes it with `None`.
pub fn set_title(doc: &mut Document, title: Option<&str>) {
    match title {
        Some(t) => doc
            .root_mut()
            .ensure_child_before("title", &["description", "metadata", "memory"])
            .set_text(t),
        None => {
            doc.root_mut().remove_children_named("title");
        }
    }
}

/// Removes `<uuid>` so libvirt generates a fresh one on define.
pub fn remove_uuid(doc: &mut Document) {
    doc.root_mut().remove_children_named("uuid");
}

/// Marks or unmarks the domain as a Hangar template (see `metadata`).
pub fn set_template(doc: &mut Document, template: bool) {
    metadata::set_template(doc.root_mut(), template);
}

/// Sets the maximum memory and, as most VMs do not balloon, the boot memory
/// too. Call [`set_current_memory_kib`] afterwards for a smaller boot size.
pub fn set_memory_kib(doc: &mut Document, kib: u64) {
    for tag in ["memory", "currentMemory"] {
        let el = doc
            .root_mut()
            .ensure_child_before(tag, &["vcpu", "os", "devices"]);
        el.set_attr("unit", "KiB");
        el.set_text(kib.to_string());
    }
}

pub fn set_current_memory_kib(doc: &mut Document, kib: u64) {
    let el = doc
        .root_mut()
        .ensure_child_before("currentMemory", &["vcpu", "os", "devices"]);
    el.set_attr("unit", "KiB");
    el.set_text(kib.to_string());
}

/// Sets the vCPU count and keeps what libvirt checks against it consistent:
/// a larger `current`, a CPU topology whose product differs, pins and
/// per-vCPU entries for vCPUs that no longer exist.
pub fn set_vcpus(doc: &mut Document, count: u32) {
    let root = doc.root_mut();
    let old: Option<u32> = root
        .child("vcpu")
        .and_then(|v| v.text().trim().parse().ok());
    let vcpu = root.ensure_child_before("vcpu", &["iothreads", "cputune", "os", "devices"]);
    vcpu.set_text(count.to_string());
    if vcpu
        .attr("current")
        .and_then(|c| c.parse::<u32>().ok())
        .is_some_and(|c| c > count)
    {
        vcpu.remove_attr("current");
    }
    if old != Some(count) {
        root.remove_children_named("vcpus");
    }
    if let Some(cputune) = root.child_mut("cputune") {
        cputune.remove_children_where(|p| {
            p.name == "vcpupin"
                && p.attr("vcpu")
                    .and_then(|v| v.parse::<u32>().ok())
                    .is_some_and(|v| v >= count)
        });
    }
    if let Some(topology) = root.find_mut(&["cpu", "topology"]) {
        fit_topology(topology, count);
    }
}

/// Makes sockets × dies × clusters × cores × threads equal `count`, keeping
/// cores and threads per socket when they divide it.
fn fit_topology(topology: &mut Element, count: u32) {
    let get = |t: &Element, n: &str| {
        t.attr(n)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let per_socket: u32 = ["dies", "clusters", "cores", "threads"]
        .iter()
        .map(|n| get(topology, n))
        .product();
    if count % per_socket == 0 {
        topology.set_attr("sockets", (count / per_socket).to_string());
        return;
    }
    topology.set_attr("sockets", count.to_string());
    for n in ["dies", "clusters", "cores", "threads"] {
        if topology.attr(n).is_some() || n == "cores" || n == "threads" {
            topology.set_attr(n, "1");
        }
    }
}

/// Sets the UEFI variable store path, or with `None` lets libvirt derive one
/// from the domain name (keeping a `template` attribute if there is one).
pub fn set_nvram_path(doc: &mut Document, path: Option<&str>) {
    let Some(os) = doc.root_mut().child_mut("os") else {
        return;
    };
    match path {
        Some(p) => os
            .ensure_child_before("nvram", &["boot", "bootmenu", "smbios"])
            .set_text(p),
        None => match os.child_mut("nvram") {
            Some(nvram) if !nvram.attrs.is_empty() => nvram.clear_children(),
            _ => {
                os.remove_children_named("nvram");
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DomainXml, Element};
    use super::*;

    const TEMPLATE: &str = include_str!("testdata/domain-uefi-template.xml");
    const WORKSTATION: &str = include_str!("testdata/domain-q35-workstation.xml");

    /// Every element, attribute and text as a line, to compare documents.
    fn facts(el: &Element, path: &str, out: &mut Vec<String>) {
        let here = format!("{path}/{}", el.name);
        out.push(here.clone());
        for a in &el.attrs {
            out.push(format!("{here}@{}={}", a.name(), a.value()));
        }
        let text = el.text();
        if !text.trim().is_empty() {
            out.push(format!("{here}#{}", text.trim()));
        }
        for child in el.elements() {
            facts(child, &here, out);
        }
    }

    /// (lines only in `a`, lines only in `b`), counting repeats.
    fn diff(a: &Document, b: &Document) -> (Vec<String>, Vec<String>) {
        let (mut fa, mut fb) = (Vec::new(), Vec::new());
        facts(a.root(), "", &mut fa);
        facts(b.root(), "", &mut fb);
        let mut only_b = fb.clone();
        let mut only_a = Vec::new();
        for f in fa {
            match only_b.iter().position(|x| *x == f) {
                Some(i) => {
                    only_b.remove(i);
                }
                None => only_a.push(f),
            }
        }
        only_a.sort();
        only_b.sort();
        (only_a, only_b)
    }

    fn clone_template(doc: &mut Document) {
        set_name(doc, "web-01");
        set_title(doc, Some("Web 01 & co"));
        remove_uuid(doc);
        set_template(doc, false);
        set_memory_kib(doc, 4_194_304);
        set_current_memory_kib(doc, 3_145_728);
        set_vcpus(doc, 2);
        assert_eq!(remove_interface_macs(doc), 2);
        set_interface_mac(doc, 1, "52:54:00:00:00:02").unwrap();
        set_disk_source_file(doc, "vda", "/var/lib/libvirt/images/web-01.qcow2").unwrap();
        set_disk_driver_type(doc, "vda", "qcow2").unwrap();
        remove_disk(doc, "vdb").unwrap();
        let data = NewDisk {
            source_file: Some("/var/lib/libvirt/images/web-01-data.qcow2".into()),
            format: "qcow2".into(),
            device: "disk".into(),
            target_dev: "vdc".into(),
            target_bus: "virtio".into(),
            readonly: false,
        };
        add_disk(doc, &data).unwrap();
        set_graphics_autoport(doc);
        assert_eq!(rename_log_files(doc, "debian-12-template", "web-01"), 3);
        set_nvram_path(doc, Some("/var/lib/libvirt/qemu/nvram/web-01_VARS.fd"));
    }

    #[test]
    fn cloning_a_template_changes_exactly_what_was_asked() {
        let before = Document::parse(TEMPLATE).unwrap();
        let mut after = before.clone();
        clone_template(&mut after);
        let (lost, gained) = diff(&before, &after);
        let lost: Vec<&str> = lost.iter().map(String::as_str).collect();
        let gained: Vec<&str> = gained.iter().map(String::as_str).collect();
        let d = "/domain/devices";
        assert_eq!(
            lost,
            [
                "/domain/cpu/topology@cores=2",
                "/domain/cpu/topology@sockets=1",
                "/domain/cpu/topology@threads=2",
                "/domain/cputune/vcpupin",
                "/domain/cputune/vcpupin",
                "/domain/cputune/vcpupin@cpuset=4",
                "/domain/cputune/vcpupin@cpuset=5",
                "/domain/cputune/vcpupin@vcpu=2",
                "/domain/cputune/vcpupin@vcpu=3",
                "/domain/currentMemory#1536",
                "/domain/currentMemory@unit=MiB",
                &format!(
                    "{d}/console/log@file=/var/log/libvirt/qemu/debian-12-template-serial0.log"
                ),
                // The removed vdb disk:
                &format!("{d}/disk/address"),
                &format!("{d}/disk/address@bus=0x05"),
                &format!("{d}/disk/address@domain=0x0000"),
                &format!("{d}/disk/address@function=0x0"),
                &format!("{d}/disk/address@slot=0x00"),
                &format!("{d}/disk/address@type=pci"),
                &format!("{d}/disk/driver@type=raw"),
                &format!(
                    "{d}/disk/source@file=/var/lib/libvirt/images/debian-12-template-swap.img"
                ),
                &format!("{d}/disk/source@file=/var/lib/libvirt/images/debian-12-template.qcow2"),
                &format!("{d}/disk/target@dev=vdb"),
                &format!("{d}/graphics@autoport=no"),
                &format!("{d}/graphics@autoport=no"),
                &format!("{d}/graphics@port=5930"),
                &format!("{d}/graphics@port=5940"),
                &format!("{d}/graphics@tlsPort=5931"),
                &format!("{d}/graphics@websocket=5941"),
                &format!("{d}/interface/mac"),
                &format!("{d}/interface/mac@address=52:54:00:aa:bb:01"),
                &format!("{d}/interface/mac@address=52:54:00:aa:bb:02"),
                &format!("{d}/serial/log@file=/var/log/guests/ttyS1.log"),
                &format!(
                    "{d}/serial/log@file=/var/log/libvirt/qemu/debian-12-template-serial0.log"
                ),
                "/domain/memory#2",
                "/domain/memory@unit=GiB",
                "/domain/metadata/hangar:hangar/hangar:template",
                "/domain/name#debian-12-template",
                "/domain/os/nvram#/var/lib/libvirt/qemu/nvram/debian-12-template_VARS.fd",
                "/domain/title#Debian 12 \"bookworm\" — golden image",
                "/domain/uuid",
                "/domain/uuid#a7e0c1d2-3b4f-4a5e-8c6d-7e8f9a0b1c2d",
                "/domain/vcpu#4",
            ]
        );
        assert_eq!(
            gained,
            [
                "/domain/cpu/topology@cores=1",
                "/domain/cpu/topology@sockets=2",
                "/domain/cpu/topology@threads=1",
                "/domain/currentMemory#3145728",
                "/domain/currentMemory@unit=KiB",
                &format!("{d}/console/log@file=/var/log/libvirt/qemu/web-01-serial0.log"),
                &format!("{d}/disk/driver@type=qcow2"),
                &format!("{d}/disk/source@file=/var/lib/libvirt/images/web-01-data.qcow2"),
                &format!("{d}/disk/source@file=/var/lib/libvirt/images/web-01.qcow2"),
                &format!("{d}/disk/target@dev=vdc"),
                &format!("{d}/graphics@autoport=yes"),
                &format!("{d}/graphics@autoport=yes"),
                &format!("{d}/interface/mac@address=52:54:00:00:00:02"),
                &format!("{d}/serial/log@file=/var/log/guests/ttyS1-web-01.log"),
                &format!("{d}/serial/log@file=/var/log/libvirt/qemu/web-01-serial0.log"),
                "/domain/memory#4194304",
                "/domain/memory@unit=KiB",
                "/domain/name#web-01",
                "/domain/os/nvram#/var/lib/libvirt/qemu/nvram/web-01_VARS.fd",
                "/domain/title#Web 01 & co",
                "/domain/vcpu#2",
            ]
        );
        let xml = after.to_string();
        for kept in [
            "  <description>Base image &lt;do not boot&gt;; clones get their own disk &amp; NVRAM.</description>\n",
            "      <hangar:future-setting level=\"3\">kept as-is</hangar:future-setting>\n",
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      \
             <source file='/var/lib/libvirt/images/web-01-data.qcow2'/>\n      <target dev='vdc' bus='virtio'/>\n    \
             </disk>\n    <filesystem",
            "    <interface type='network'>\n      <source network='default'/>\n",
            "    <graphics type='vnc' autoport='yes' listen='127.0.0.1'>\n",
        ] {
            assert!(xml.contains(kept), "missing {kept:?} in\n{xml}");
        }
        let d = DomainXml::parse(&xml).unwrap();
        assert_eq!(
            (d.name.as_str(), d.uuid.as_deref(), d.is_template),
            ("web-01", None, false)
        );
        assert_eq!(
            (d.memory_kib, d.current_memory_kib, d.vcpus),
            (Some(4_194_304), Some(3_145_728), 2)
        );
    }

    #[test]
    fn unknown_content_survives_every_helper() {
        let before = Document::parse(WORKSTATION).unwrap();
        let mut after = before.clone();
        let old = "开发工作站";
        set_name(&mut after, "克隆 & “copy”");
        set_title(&mut after, None);
        remove_uuid(&mut after);
        set_template(&mut after, true);
        set_memory_kib(&mut after, 1 << 20);
        set_vcpus(&mut after, 8);
        remove_interface_macs(&mut after);
        set_interface_mac(&mut after, 3, "52:54:00:00:00:09").unwrap();
        set_disk_source_file(&mut after, "vdc", "/images/vdc.qcow2").unwrap();
        set_disk_driver_type(&mut after, "sdb", "raw").unwrap();
        set_graphics_autoport(&mut after);
        rename_log_files(&mut after, old, "克隆");
        set_nvram_path(&mut after, None);
        remove_disk(&mut after, "vdb").unwrap();
        let (lost, _) = diff(&before, &after);
        let touched = [
            "/domain/name#",
            "/domain/title",
            "/domain/uuid",
            "/domain/memory#",
            "/domain/currentMemory#",
            "/domain/vcpu#",
            "/domain/cpu/topology@sockets",
            "/domain/devices/interface/mac",
            "/domain/devices/disk", // vdb removed, vdc re-sourced; the others are checked below
            "/domain/devices/graphics@port",
            "/domain/devices/graphics@autoport=no",
            "/domain/devices/serial/log@file",
            "/domain/devices/serial/source@path",
            "/domain/devices/console/log@file",
        ];
        for line in &lost {
            assert!(touched.iter().any(|t| line.starts_with(t)), "lost {line}");
        }
        let xml = after.to_string();
        for kept in [
            "<qemu:commandline>\n    <qemu:arg value='-fw_cfg'/>\n    <qemu:arg value='name=opt/com.example/note,string=a \"quoted\" &amp; odd value'/>",
            "<custom:ops xmlns:custom='urn:example:ops' owner='Zhang &amp; Li' note='say &quot;hi&quot;'>",
            "<description><![CDATA[Fedora workstation for R&D <team-b>.",
            "<!-- system disk: thin qcow2 on the default pool -->",
            "<tpm model='tpm-crb'>",
            "<graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='p&apos;ss&lt;&gt;'>",
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2' discard='unmap'/>\n      \
             <source file='/var/lib/libvirt/images/开发工作站.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n      \
             <boot order='1'/>\n      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n    </disk>\n    \
             <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/images/vdc.qcow2'/>\n      \
             <target dev='vdc' bus='virtio'/>\n      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n    \
             </disk>\n    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n      \
             <source file='/var/lib/libvirt/isos/Fedora-Workstation-Live-x86_64-40-1.14.iso'/>\n      <target dev='sda' bus='sata'/>\n      \
             <readonly/>\n      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n    </disk>\n    \
             <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n      <target dev='sdb' bus='sata'/>\n",
            "<log file='/var/log/libvirt/qemu/克隆-serial0.log' append='on'/>",
            "<name>克隆 &amp; “copy”</name>",
            "<topology sockets='2' dies='1' cores='2' threads='2'/>",
        ] {
            assert!(xml.contains(kept), "missing {kept:?} in\n{xml}");
        }
        let d = DomainXml::parse(&xml).unwrap();
        assert!(d.is_template);
        assert_eq!(d.disk("vdc").unwrap().disk_type, "file");
        assert_eq!(
            d.disk("vdc").unwrap().source.file.as_deref(),
            Some("/images/vdc.qcow2")
        );
        assert_eq!(
            d.serials[1].source_path.as_deref(),
            Some("/var/log/libvirt/qemu/克隆-serial1.txt")
        );
        assert!(d.disk("vdb").is_none());
    }

    #[test]
    fn small_helpers() {
        let mut doc = Document::parse(TEMPLATE).unwrap();
        set_nvram_path(&mut doc, None);
        assert!(doc
            .to_string()
            .contains("<nvram template='/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd'/>\n"));
        set_vcpus(&mut doc, 8);
        assert!(doc
            .to_string()
            .contains("<topology sockets='2' dies='1' clusters='1' cores='2' threads='2'/>"));
        assert!(doc
            .to_string()
            .contains("<vcpu placement='static' current='2'>8</vcpu>"));

        let mut bare = Document::parse("<domain>\n  <name>x</name>\n</domain>\n").unwrap();
        set_memory_kib(&mut bare, 1024);
        set_vcpus(&mut bare, 2);
        set_interface_mac(&mut bare, 0, "52:54:00:00:00:01").unwrap_err();
        assert_eq!(
            bare.to_string(),
            "<domain>\n  <name>x</name>\n  <memory unit='KiB'>1024</memory>\n  \
             <currentMemory unit='KiB'>1024</currentMemory>\n  <vcpu>2</vcpu>\n</domain>\n"
        );
    }
}
