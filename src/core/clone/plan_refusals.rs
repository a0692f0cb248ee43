//! Each way the clone plan refuses bad input: the field the error belongs to
//! and the exact sentence the person reads.

use super::disks::DiskMode;
use super::fields::CloneField;
use super::names::NameChoice;
use super::plan_tests::{
    disk, host, plan, plan_with, refused, refused_with, req, template, template_from, TEMPLATE,
};
use crate::core::model::DomainState;

#[test]
fn empty_name() {
    refused(
        &req(NameChoice::one("  ")),
        CloneField::Names,
        "Enter a name",
    );
}

#[test]
fn name_with_slash() {
    refused(
        &req(NameChoice::one("a/b")),
        CloneField::Names,
        "A name cannot contain “/”",
    );
}

#[test]
fn name_with_control_character() {
    refused(
        &req(NameChoice::one("a\tb")),
        CloneField::Names,
        "A name cannot contain control characters",
    );
}

#[test]
fn name_too_long() {
    let long = "网".repeat(22);
    refused(
        &req(NameChoice::one(long.clone())),
        CloneField::Names,
        &format!("“{long}” is too long: names have at most 64 bytes (about 21 Chinese characters), this one has 66"),
    );
}

#[test]
fn name_taken_on_the_host() {
    refused(
        &req(NameChoice::one("existing")),
        CloneField::Names,
        "A machine called “existing” already exists",
    );
}

#[test]
fn name_twice_in_the_batch() {
    refused(
        &req(NameChoice::List(vec!["x".into(), "y".into(), "x".into()])),
        CloneField::Names,
        "“x” is listed more than once",
    );
}

#[test]
fn pattern_without_placeholder() {
    refused(
        &req(NameChoice::pattern("web", 3)),
        CloneField::Pattern,
        "The pattern needs {n} where the number goes, for example web-{n}",
    );
}

#[test]
fn pattern_empty() {
    refused(
        &req(NameChoice::pattern(" ", 1)),
        CloneField::Pattern,
        "Enter a pattern such as web-{n}",
    );
}

#[test]
fn pattern_with_bad_placeholder() {
    refused(
        &req(NameChoice::pattern("web-{n:z}", 2)),
        CloneField::Pattern,
        "Write the number as {n} or, zero-padded, as {n:2}",
    );
}

#[test]
fn pattern_makes_a_taken_name() {
    refused(
        &req(NameChoice::pattern("db-{n}", 3)),
        CloneField::Pattern,
        "A machine called “db-2” already exists",
    );
    let r = req(NameChoice::Pattern {
        pattern: "db-{n}".into(),
        count: 2,
        first: 3,
    });
    assert!(plan(&r).is_ok());
}

#[test]
fn count_zero() {
    refused(
        &req(NameChoice::pattern("web-{n}", 0)),
        CloneField::Count,
        "Make at least one clone",
    );
}

#[test]
fn count_over_100() {
    refused(
        &req(NameChoice::pattern("web-{n}", 101)),
        CloneField::Count,
        "At most 100 clones can be made at a time",
    );
}

#[test]
fn numbers_overflow() {
    refused(
        &req(NameChoice::Pattern {
            pattern: "web-{n}".into(),
            count: 2,
            first: u32::MAX,
        }),
        CloneField::FirstNumber,
        "The numbers would overflow: start lower",
    );
}

#[test]
fn raw_disk_linked() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vdb", DiskMode::Linked, None)];
    let errors = plan(&r).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, CloneField::Disk("vdb".into()));
    assert!(errors[0]
        .1
        .starts_with("A raw image cannot be linked: Hangar links clones only to qcow2 images"));
    assert!(errors[0].1.ends_with("Make a full copy instead"));
}

#[test]
fn missing_pool() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vda", DiskMode::Linked, Some("nowhere"))];
    refused(
        &r,
        CloneField::Disk("vda".into()),
        "There is no pool called “nowhere”",
    );
}

#[test]
fn inactive_pool() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vda", DiskMode::Linked, Some("off"))];
    refused(
        &r,
        CloneField::Disk("vda".into()),
        "The pool “off” is not active: start it first",
    );
}

#[test]
fn overlay_in_a_logical_pool() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vda", DiskMode::Linked, Some("vg"))];
    refused(
        &r,
        CloneField::Disk("vda".into()),
        "“vg” is a logical pool, which cannot hold qcow2 images: choose a directory pool",
    );
}

#[test]
fn template_not_shut_off() {
    let mut t = template();
    t.state = DomainState::Running;
    refused_with(
        &t,
        &host(),
        &req(NameChoice::one("c")),
        CloneField::Template,
        "“tmpl” is running: shut it off first, its disks must not change under the clones",
    );
}

#[test]
fn template_not_marked() {
    let xml = TEMPLATE.replace("<hangar:template/>", "");
    refused_with(
        &template_from(&xml),
        &host(),
        &req(NameChoice::one("c")),
        CloneField::Template,
        "“tmpl” is not a template: mark it as a template first",
    );
}

#[test]
fn sharing_a_writable_disk() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vda", DiskMode::Share, None)];
    refused(
        &r,
        CloneField::Disk("vda".into()),
        "Two machines writing the same image corrupt it: mark the disk read-only or shareable in the template to share it",
    );
}

#[test]
fn copying_an_installation_medium() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("sda", DiskMode::FullCopy, None)];
    refused(
        &r,
        CloneField::Disk("sda".into()),
        "Installation media are only read: clones share them",
    );
}

#[test]
fn disk_outside_any_pool() {
    let xml = TEMPLATE.replace("/pool/base.qcow2", "/home/me/base.qcow2");
    refused_with(
        &template_from(&xml),
        &host(),
        &req(NameChoice::one("c")),
        CloneField::Disk("vda".into()),
        "/home/me/base.qcow2 is not a volume of an active storage pool, so libvirt cannot copy or link it; start or refresh the pool that holds it",
    );
}

#[test]
fn unknown_disk_target() {
    let mut r = req(NameChoice::one("c"));
    r.disks = vec![disk("vdz", DiskMode::Skip, None)];
    refused(
        &r,
        CloneField::Disk("vdz".into()),
        "The template has no disk “vdz”",
    );
}

#[test]
fn copies_larger_than_the_pool() {
    let mut r = req(NameChoice::pattern("c{n}", 2));
    r.disks = vec![disk("vdb", DiskMode::FullCopy, Some("small"))];
    refused(
        &r,
        CloneField::Disk("vdb".into()),
        "The clones need about 8 GiB in the pool “small”, but only 1 GiB is free",
    );
}

#[test]
fn volume_name_already_in_the_pool() {
    refused(
        &req(NameChoice::one("web-3")),
        CloneField::Disk("vda".into()),
        "The pool “pool” already has a volume called “web-3.qcow2”: choose another machine name or pool",
    );
}

#[test]
fn sysprep_unavailable() {
    let mut r = req(NameChoice::one("c"));
    r.sysprep = true;
    refused(&r, CloneField::Sysprep, "virt-sysprep is not installed");
}

#[test]
fn linked_image_without_size() {
    let mut h = host();
    h.volumes[0].capacity = 0;
    refused_with(
        &template(),
        &h,
        &req(NameChoice::one("c")),
        CloneField::Disk("vda".into()),
        "libvirt reports no size for the template's image, so no overlay can be made",
    );
}

#[test]
fn several_problems_are_reported_together() {
    let mut r = req(NameChoice::one(""));
    r.disks = vec![disk("vda", DiskMode::Linked, Some("off"))];
    let mut t = template();
    t.state = DomainState::Paused;
    let fields: Vec<CloneField> = plan_with(&t, &host(), &r)
        .unwrap_err()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        fields,
        [
            CloneField::Template,
            CloneField::Names,
            CloneField::Disk("vda".into())
        ]
    );
}
