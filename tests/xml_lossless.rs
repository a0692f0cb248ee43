//! Every edit Hangar makes to a domain's XML is lossless: on each many-device domain
//! of the test data (Chinese names and CDATA, four-space indents and double quotes, a
//! UEFI template with pins and vendor metadata, a running domain with backing chains),
//! Hangar's own edits — a card's link, CD-ROM eject and media change, a disk or card
//! added and removed, vCPUs, memory, title, the template mark — change only the lines
//! they are named for. Every other line, so every element and attribute Hangar does not
//! know, comes back byte for byte.

use hangar::core::xml::device_element::{
    append_device, device_copy, eject_media, interface_element, point_disk_at_file, remove_device,
    replace_device, set_driver_format, set_link_state,
};
use hangar::core::xml::domain_edit::{
    disk_element, set_current_memory_kib, set_memory_kib, set_template, set_title, set_vcpus,
    NewDisk,
};
use hangar::core::xml::{DeviceKey, Document, DomainXml, Element, NewInterface, NicSource};

const FIXTURES: [(&str, &str); 4] = [
    (
        "q35-workstation",
        include_str!("../src/core/xml/testdata/domain-q35-workstation.xml"),
    ),
    (
        "windows-4space",
        include_str!("../src/core/xml/testdata/domain-windows-4space.xml"),
    ),
    (
        "uefi-template",
        include_str!("../src/core/xml/testdata/domain-uefi-template.xml"),
    ),
    (
        "live-backing-chain",
        include_str!("../src/core/xml/testdata/domain-live-backing-chain.xml"),
    ),
];

/// Lines only in `before` and lines only in `after` (trimmed), from a longest common
/// subsequence of the two: what `diff` would print as - and +.
fn diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut lost, mut added) = (0, 0, Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j].trim().to_string());
            j += 1;
        } else {
            lost.push(a[i].trim().to_string());
            i += 1;
        }
    }
    (lost, added)
}

/// The fixture after `edit`, checked to still read as a domain.
fn edited(xml: &str, edit: impl FnOnce(&mut Document)) -> String {
    let mut doc = Document::parse(xml).unwrap();
    edit(&mut doc);
    let out = doc.to_string();
    DomainXml::parse(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
    out
}

/// The element's own lines, trimmed, as they appear in the document.
fn lines_of(el: &Element) -> Vec<String> {
    el.to_string()
        .lines()
        .map(|l| l.trim().to_string())
        .collect()
}

fn domain(xml: &str) -> DomainXml {
    DomainXml::parse(xml).unwrap()
}

#[test]
fn unedited_fixtures_come_back_byte_for_byte() {
    for (name, xml) in FIXTURES {
        assert_eq!(Document::parse(xml).unwrap().to_string(), xml, "{name}");
    }
}

#[test]
fn a_link_change_touches_only_the_link_line() {
    for (name, xml) in FIXTURES {
        let macs: Vec<(String, Option<String>)> = domain(xml)
            .interfaces
            .iter()
            .filter_map(|i| Some((i.mac.clone()?, i.link_state.clone())))
            .collect();
        assert!(!macs.is_empty(), "{name} has cards with MACs");
        for (mac, link) in macs {
            let key = DeviceKey::Interface(mac.clone());
            let after = edited(xml, |doc| {
                let mut nic = device_copy(doc, &key).unwrap();
                set_link_state(&mut nic, false);
                replace_device(doc, &key, nic).unwrap();
            });
            let (lost, added) = diff(xml, &after);
            let (lost, added) = (unquote(&lost), unquote(&added));
            match link.as_deref() {
                Some("down") => assert_eq!(after, xml, "{name} {mac}: already down"),
                Some(_) => assert_eq!(
                    (lost, added),
                    (
                        vec!["<link state='up'/>".to_string()],
                        vec!["<link state='down'/>".to_string()]
                    ),
                    "{name} {mac}"
                ),
                None => assert_eq!(
                    (lost, added),
                    (vec![], vec!["<link state='down'/>".to_string()]),
                    "{name} {mac}"
                ),
            }
            let card = domain(&after);
            let card = card
                .interfaces
                .iter()
                .find(|i| i.mac.as_deref() == Some(&mac));
            assert_eq!(card.unwrap().link_state.as_deref(), Some("down"));
        }
    }
}

/// Lines with double quotes written as single ones, for fixtures in either style.
fn unquote(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| l.replace('"', "'")).collect()
}

fn cdroms(xml: &str) -> Vec<String> {
    domain(xml)
        .disks
        .iter()
        .filter(|d| d.device == "cdrom")
        .filter_map(|d| d.target_dev.clone())
        .collect()
}

/// The lines of the drive's `<source>` and `<backingStore>`: what describes the medium.
fn medium_lines(xml: &str, target: &str) -> Vec<String> {
    let doc = Document::parse(xml).unwrap();
    let drive = device_copy(&doc, &DeviceKey::Disk(target.into())).unwrap();
    drive
        .elements()
        .filter(|e| e.name == "source" || e.name == "backingStore")
        .flat_map(lines_of)
        .collect()
}

#[test]
fn ejecting_a_cdrom_removes_only_its_medium() {
    let mut drives = 0;
    for (name, xml) in FIXTURES {
        for target in cdroms(xml) {
            drives += 1;
            let key = DeviceKey::Disk(target.clone());
            let after = edited(xml, |doc| {
                let mut drive = device_copy(doc, &key).unwrap();
                eject_media(&mut drive);
                replace_device(doc, &key, drive).unwrap();
            });
            let (lost, added) = diff(xml, &after);
            assert_eq!(added, Vec::<String>::new(), "{name} {target}");
            assert_eq!(lost, medium_lines(xml, &target), "{name} {target}");
            assert!(domain(&after).disk(&target).unwrap().source.is_empty());
        }
    }
    assert!(drives >= 4, "the fixtures have CD-ROM drives: {drives}");
}

#[test]
fn changing_the_media_rewrites_only_the_source_line() {
    let iso = "/srv/iso/R&D <new> 光盘.iso";
    for (name, xml) in FIXTURES {
        for target in cdroms(xml) {
            let key = DeviceKey::Disk(target.clone());
            let old = Document::parse(xml).unwrap();
            let old_drive = device_copy(&old, &key).unwrap();
            let after = edited(xml, |doc| {
                let mut drive = device_copy(doc, &key).unwrap();
                point_disk_at_file(&mut drive, iso);
                set_driver_format(&mut drive, "raw");
                replace_device(doc, &key, drive).unwrap();
            });
            let (lost, added) = diff(xml, &after);
            let new_drive = device_copy(&Document::parse(&after).unwrap(), &key).unwrap();
            let source = new_drive.child("source").unwrap();
            // Everything the old <source> said but its file and index is still said.
            if let Some(old_source) = old_drive.child("source") {
                for a in &old_source.attrs {
                    if a.name() != "file" && a.name() != "index" {
                        assert_eq!(
                            source.attr(a.name()),
                            old_source.attr(a.name()),
                            "{name} {target}"
                        );
                    }
                }
            }
            let mut expected_added = lines_of(source);
            if old_drive.child("driver").and_then(|d| d.attr("type")) != Some("raw") {
                expected_added.insert(0, lines_of(new_drive.child("driver").unwrap())[0].clone());
            }
            assert_eq!(added, expected_added, "{name} {target}");
            let mut medium = medium_lines(xml, &target);
            if old_drive.child("driver").and_then(|d| d.attr("type")) != Some("raw") {
                medium.insert(0, lines_of(old_drive.child("driver").unwrap())[0].clone());
            }
            // A <source> with children keeps them (a <seclabel>, say): not lost.
            lost.iter()
                .for_each(|l| assert!(medium.contains(l), "{name} {target}: lost {l}"));
            assert_eq!(
                domain(&after).disk(&target).unwrap().source.path(),
                Some(iso)
            );
        }
    }
}

#[test]
fn a_disk_or_card_added_or_removed_is_the_only_change() {
    for (name, xml) in FIXTURES {
        let disk = disk_element(&NewDisk {
            source_file: Some("/var/lib/libvirt/images/新 & data.qcow2".into()),
            format: "qcow2".into(),
            device: "disk".into(),
            target_dev: "vdz".into(),
            target_bus: "virtio".into(),
            readonly: false,
        });
        let card = interface_element(&NewInterface {
            source: NicSource::Network("lab & test".into()),
            model: "virtio".into(),
            mac: "52:54:00:de:ad:01".into(),
        });
        for new in [disk, card] {
            let key = if new.name == "disk" {
                DeviceKey::Disk("vdz".into())
            } else {
                DeviceKey::Interface("52:54:00:de:ad:01".into())
            };
            let after = edited(xml, |doc| append_device(doc, new.clone()));
            let (lost, added) = diff(xml, &after);
            assert_eq!(lost, Vec::<String>::new(), "{name}");
            // One block of added lines: the new device, indented like its neighbours.
            let placed = device_copy(&Document::parse(&after).unwrap(), &key).unwrap();
            assert_eq!(added, lines_of(&placed), "{name}");
            assert_eq!(added.concat(), new.to_string(), "{name}");
            // Removing it again gives back the fixture exactly.
            let back = edited(&after, |doc| remove_device(doc, &key).unwrap());
            assert_eq!(back, xml, "{name}: add then remove");
        }
        // Removing each existing disk loses its lines and nothing else.
        let doc = Document::parse(xml).unwrap();
        for target in domain(xml)
            .disks
            .iter()
            .filter_map(|d| d.target_dev.clone())
        {
            let key = DeviceKey::Disk(target.clone());
            let old = device_copy(&doc, &key).unwrap();
            let after = edited(xml, |doc| remove_device(doc, &key).unwrap());
            let (mut lost, added) = diff(xml, &after);
            // Two alike drives side by side diff in either order: compare as sets.
            let mut expected = lines_of(&old);
            lost.sort();
            expected.sort();
            assert_eq!((lost, added), (expected, vec![]), "{name} {target}");
        }
    }
}

/// `(lost, added)` where each line starts with one of `tags` (quotes made single).
fn only_tags(name: &str, xml: &str, after: &str, tags: &[&str]) -> (Vec<String>, Vec<String>) {
    let (lost, added) = diff(xml, after);
    for l in lost.iter().chain(&added) {
        assert!(
            tags.iter().any(|t| l.starts_with(t)),
            "{name}: an unintended line changed: {l}\n{after}"
        );
    }
    (unquote(&lost), unquote(&added))
}

#[test]
fn vcpus_and_memory_change_only_their_lines() {
    for (name, xml) in FIXTURES {
        let before = domain(xml);
        let after = edited(xml, |doc| set_vcpus(doc, 12));
        let (_, added) = only_tags(name, xml, &after, &["<vcpu", "<topology"]);
        assert!(
            added
                .iter()
                .any(|l| l.starts_with("<vcpu") && l.ends_with(">12</vcpu>")),
            "{name}: {added:?}"
        );
        assert_eq!(domain(&after).vcpus, 12);
        assert_eq!(domain(&after).disks, before.disks, "{name}");

        let after = edited(xml, |doc| {
            set_memory_kib(doc, 4 * 1024 * 1024);
            set_current_memory_kib(doc, 3 * 1024 * 1024);
        });
        let (lost, added) = only_tags(name, xml, &after, &["<memory", "<currentMemory"]);
        // A line that already said so stays as it was.
        for l in &added {
            assert!(
                [
                    "<memory unit='KiB'>4194304</memory>",
                    "<currentMemory unit='KiB'>3145728</currentMemory>"
                ]
                .contains(&l.as_str()),
                "{name}: {l}"
            );
        }
        assert_eq!(lost.len(), added.len(), "{name}: {lost:?}");
        let d = domain(&after);
        assert_eq!(
            (d.memory_kib, d.current_memory_kib),
            (Some(4 * 1024 * 1024), Some(3 * 1024 * 1024))
        );
    }
}

#[test]
fn the_title_and_the_template_mark_change_only_their_lines() {
    for (name, xml) in FIXTURES {
        let had_title = domain(xml).title.is_some();
        let after = edited(xml, |doc| set_title(doc, Some("R&D <box> “新”")));
        let (lost, added) = only_tags(name, xml, &after, &["<title>"]);
        assert_eq!(added, ["<title>R&amp;D &lt;box&gt; “新”</title>"], "{name}");
        assert_eq!(lost.len(), usize::from(had_title), "{name}");
        assert_eq!(domain(&after).title.as_deref(), Some("R&D <box> “新”"));
        let untitled = edited(xml, |doc| set_title(doc, None));
        let (lost, added) = only_tags(name, xml, &untitled, &["<title>"]);
        assert_eq!((lost.len(), added.len()), (usize::from(had_title), 0));

        // The mark goes into Hangar's own metadata element; other metadata stays.
        if domain(xml).is_template {
            let unmarked = edited(xml, |doc| set_template(doc, false));
            let (lost, added) = diff(xml, &unmarked);
            assert_eq!(
                (lost, added),
                (vec!["<hangar:template/>".to_string()], vec![])
            );
            assert!(!domain(&unmarked).is_template);
            assert_eq!(edited(xml, |doc| set_template(doc, true)), xml, "{name}");
            continue;
        }
        let marked = edited(xml, |doc| set_template(doc, true));
        let (lost, _) = only_tags(
            name,
            xml,
            &marked,
            &["<metadata", "</metadata>", "<hangar:", "</hangar:"],
        );
        assert_eq!(lost, Vec::<String>::new(), "{name}");
        assert!(domain(&marked).is_template, "{name}");
        let unmarked = edited(&marked, |doc| set_template(doc, false));
        assert_eq!(unmarked, xml, "{name}: marked then unmarked");
    }
}
