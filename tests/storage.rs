//! Pools and volumes on libvirt's test driver, through the connection worker: every
//! check refuses bad input before anything changes, every action shows up as an
//! event, and failures leave nothing behind.

mod common;

use std::time::Duration;

use common::{open_host_with_extras, open_small_host, Host};
use hangar::core::storage::pool_plan::{PoolField, PoolForm, PoolFormKind};
use hangar::core::storage::pools::{self, CreateSteps};
use hangar::core::storage::volume_ops::{self, CreateError};
use hangar::core::storage::volume_plan::{BackingChoice, VolField, VolumeForm};
use hangar::core::storage::{chain, volumes};
use hangar::core::worker::Update;
use hangar::core::xml::VolumeFormat;

const T: Duration = Duration::from_secs(10);
const GIB: u64 = 1 << 30;

fn dir_pool(name: &str, target: &str) -> PoolForm {
    PoolForm {
        name: name.into(),
        kind: PoolFormKind::Dir {
            target: target.into(),
        },
    }
}

const ALL_STEPS: CreateSteps = CreateSteps {
    build: true,
    start: true,
    autostart: false,
};

#[test]
fn pools_are_defined_built_started_refreshed_and_deleted() {
    let (mut host, _dir) = open_small_host("pool-life");
    let handle = host.handle.clone();
    let count = move || {
        handle
            .call(|c| Ok(c.list_all_storage_pools(0)?.len()))
            .unwrap()
    };
    let before = count();
    for (form, field) in [
        (dir_pool("pool-1", "/srv/a"), PoolField::Name),
        (dir_pool("a/b", "/srv/a"), PoolField::Name),
        (dir_pool("new", "srv/a"), PoolField::Target),
        (
            dir_pool("new", "/var/lib/libvirt/pool-2"),
            PoolField::Target,
        ),
    ] {
        let r = host
            .handle
            .call(move |c| Ok(pools::create(c, &form, ALL_STEPS)))
            .unwrap();
        match r {
            Err(pools::CreateError::Fields(f)) => assert_eq!(f[0].field, field),
            other => panic!("expected a field error, got {other:?}"),
        }
    }
    let hand_written = PoolForm {
        name: String::new(),
        kind: PoolFormKind::Xml {
            xml:
                "<pool type='dir'><name>x</name><bogus/><target><path>/srv/x</path></target></pool>"
                    .into(),
        },
    };
    let r = host
        .handle
        .call(move |c| Ok(pools::create(c, &hand_written, ALL_STEPS)))
        .unwrap();
    assert!(matches!(r, Err(pools::CreateError::Libvirt(_))), "{r:?}");
    assert_eq!(count(), before, "nothing was defined");

    let form = dir_pool("scratch", "/srv/hangar-scratch");
    let uuid = host
        .handle
        .call(move |c| Ok(pools::create(c, &form, ALL_STEPS)))
        .unwrap()
        .expect("created");
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| p.active));
    let u = uuid.clone();
    let d = host.handle.call(move |c| pools::fetch(c, &u)).unwrap();
    assert_eq!(
        (d.pool_type.as_str(), d.target_path.as_deref()),
        ("dir", Some("/srv/hangar-scratch"))
    );

    let u = uuid.clone();
    host.handle.call(move |c| pools::refresh(c, &u)).unwrap();
    let u = uuid.clone();
    host.handle
        .call(move |c| pools::set_autostart(c, &u, true))
        .unwrap();
    let u = uuid.clone();
    assert!(
        host.handle
            .call(move |c| pools::fetch(c, &u))
            .unwrap()
            .summary
            .autostart
    );
    let u = uuid.clone();
    host.handle.call(move |c| pools::stop(c, &u)).unwrap();
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| !p.active));
    let u = uuid.clone();
    host.handle.call(move |c| pools::build(c, &u)).unwrap();
    let u = uuid.clone();
    host.handle.call(move |c| pools::start(c, &u)).unwrap();
    host.until(T, |_, s| s.pools.get(&uuid).is_some_and(|p| p.active));
    let u = uuid.clone();
    host.handle
        .call(move |c| pools::delete(c, &u, false))
        .unwrap();
    host.until(
        T,
        |u, _| matches!(u, Update::PoolGone { uuid: g } if *g == uuid),
    );
    assert_eq!(count(), before);
    host.handle.close();
}

fn pool_uuid(host: &Host, name: &'static str) -> String {
    host.handle
        .call(move |c| Ok(c.lookup_storage_pool_by_name(name)?.uuid_string()?))
        .unwrap()
}

fn list(host: &Host, uuid: &str) -> Vec<volumes::VolumeInfo> {
    let u = uuid.to_string();
    host.handle.call(move |c| volumes::list(c, &u)).unwrap()
}

fn create_vol(host: &Host, uuid: &str, form: VolumeForm) -> Result<String, CreateError> {
    let u = uuid.to_string();
    host.handle
        .call(move |c| Ok(volume_ops::create(c, &u, &form)))
        .unwrap()
}

fn qcow2(name: &str, size: &str) -> VolumeForm {
    VolumeForm {
        name: name.into(),
        format: VolumeFormat::Qcow2,
        size: size.into(),
        backing: None,
        preallocate: false,
    }
}

#[test]
fn bad_volume_forms_are_refused_and_change_nothing() {
    let (host, _dir) = open_small_host("vol-refuse");
    let uuid = pool_uuid(&host, "pool-1"); // 500 GiB, 400 GiB free
    let before = list(&host, &uuid);
    for (form, field, words) in [
        (qcow2("zero.qcow2", "0"), VolField::Size, "larger than 0"),
        (
            qcow2("huge.qcow2", "600G"),
            VolField::Size,
            "larger than the whole pool",
        ),
        (
            qcow2("disk-1.qcow2", "1G"),
            VolField::Name,
            "already has a volume",
        ),
        (qcow2("a/b.qcow2", "1G"), VolField::Name, "“/”"),
        (qcow2("x.qcow2", "ten"), VolField::Size, "not a size"),
    ] {
        match create_vol(&host, &uuid, form) {
            Err(CreateError::Fields(f)) => {
                assert_eq!(f[0].field, field);
                assert!(f[0].message.contains(words), "{}", f[0].message);
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }
    assert_eq!(list(&host, &uuid), before);
    host.handle.close();
}

#[test]
fn an_overlay_links_to_its_base_which_then_cannot_be_deleted() {
    let (host, _dir) = open_host_with_extras("vol-overlay");
    let uuid = pool_uuid(&host, "pool-1");
    let base = list(&host, &uuid)
        .into_iter()
        .find(|v| v.name == "disk-1.qcow2")
        .unwrap();
    let choices = host.handle.call(volume_ops::backing_choices).unwrap();
    let (_, choice) = choices
        .iter()
        .find(|(label, _)| label == "pool-1/disk-1.qcow2")
        .expect("the base is offered")
        .clone();
    assert_eq!(choice.path, base.path);
    let form = VolumeForm {
        size: String::new(),
        backing: Some(choice),
        ..qcow2("web.qcow2", "")
    };
    create_vol(&host, &uuid, form).expect("overlay created");
    let vols = list(&host, &uuid);
    let overlay = vols.iter().find(|v| v.name == "web.qcow2").unwrap();
    assert_eq!(overlay.capacity, 10 * GIB, "takes the base's size");
    assert_eq!(overlay.backing.as_ref().unwrap().path, base.path);
    assert_eq!(
        overlay.backing.as_ref().unwrap().volume.as_deref(),
        Some("pool-1/disk-1.qcow2")
    );
    assert_eq!(overlay.backing_format.as_deref(), Some("qcow2"));
    let base = vols.iter().find(|v| v.name == "disk-1.qcow2").unwrap();
    assert_eq!(base.backs[0].volume.as_deref(), Some("pool-1/web.qcow2"));

    let u = uuid.clone();
    let links = host
        .handle
        .call(move |c| chain::backing_chain(c, &u, "web.qcow2"))
        .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[1].volume.as_deref(), Some("pool-1/disk-1.qcow2"));

    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| volume_ops::delete(c, &u, "disk-1.qcow2"))
        .unwrap_err();
    assert!(
        err.message.contains("backing store of pool-1/web.qcow2"),
        "{}",
        err.message
    );
    let u = uuid.clone();
    host.handle
        .call(move |c| volume_ops::delete(c, &u, "web.qcow2"))
        .unwrap();
    let u = uuid.clone();
    host.handle
        .call(move |c| volume_ops::delete(c, &u, "disk-1.qcow2"))
        .unwrap();
    assert!(list(&host, &uuid).iter().all(|v| v.name != "disk-1.qcow2"));

    // A raw volume cannot have a backing store.
    let raw = VolumeForm {
        format: VolumeFormat::Raw,
        backing: Some(BackingChoice {
            path: "/x".into(),
            format: "raw".into(),
            capacity: GIB,
        }),
        ..qcow2("r.img", "1G")
    };
    assert!(
        matches!(create_vol(&host, &uuid, raw), Err(CreateError::Fields(f)) if f[0].field == VolField::Backing)
    );
    host.handle.close();
}

#[test]
fn a_volume_a_machine_uses_names_it_and_is_not_deleted() {
    let (host, _dir) = open_host_with_extras("vol-used");
    let uuid = pool_uuid(&host, "images");
    let vols = list(&host, &uuid);
    assert_eq!(vols[0].used_by, ["vm-1"]);
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| volume_ops::delete(c, &u, "vm-1.qcow2"))
        .unwrap_err();
    assert!(err.message.contains("used by vm-1"), "{}", err.message);
    // The pool cannot be stopped or deleted under the running machine either.
    let u = uuid.clone();
    let err = host
        .handle
        .call(move |c| pools::delete(c, &u, false))
        .unwrap_err();
    assert!(err.message.contains("vm-1"), "{}", err.message);
    assert_eq!(list(&host, &uuid).len(), 1);
    host.handle.close();
}

#[test]
fn copies_are_made_where_the_host_cannot_stream_and_keep_or_merge_the_backing() {
    use hangar::core::storage::transfer::{CancelFlag, TransferEvent};
    use hangar::core::storage::volume_copy::CopyKind;
    use hangar::core::xml::VolumeFormat;
    let (host, _dir) = open_small_host("vol-clone");
    let uuid = pool_uuid(&host, "pool-1");
    let copy = |source: &str, name: &str, kind| {
        common::copy_volume(
            &host.handle,
            &uuid,
            source,
            name,
            kind,
            CancelFlag::default(),
            |_, _| {},
        )
    };
    let dup = copy("disk-2.qcow2", "disk-3.qcow2", CopyKind::Exact);
    assert!(matches!(dup, Err(CreateError::Fields(_))), "{dup:?}");
    // The test driver has no volume streams: libvirt copies it instead.
    let (end, _) = copy("disk-2.qcow2", "copy.qcow2", CopyKind::Exact).expect("started");
    assert_eq!(end, TransferEvent::Done);
    let vols = list(&host, &uuid);
    let c = vols.iter().find(|v| v.name == "copy.qcow2").unwrap();
    assert_eq!(c.capacity, 20 * GIB);
    assert_eq!(c.format.as_deref(), Some("qcow2"));
    assert!(c.backing.is_none());
    // An overlay's exact copy is an overlay on the same base; a conversion merges.
    let base = vols
        .iter()
        .find(|v| v.name == "disk-1.qcow2")
        .unwrap()
        .path
        .clone();
    let b = base.clone();
    host.handle
        .call(move |c| {
            let pool = c.lookup_storage_pool_by_name("pool-1")?;
            virt::storage_vol::StorageVol::create_xml(
                &pool,
                &format!(
                    "<volume><name>web.qcow2</name><capacity unit='GiB'>10</capacity>\
                     <target><format type='qcow2'/></target><backingStore><path>{b}</path>\
                     <format type='qcow2'/></backingStore></volume>"
                ),
                0,
            )?;
            Ok(())
        })
        .unwrap();
    copy("web.qcow2", "web-copy.qcow2", CopyKind::Exact).expect("started");
    copy("web.qcow2", "web.raw", CopyKind::Convert(VolumeFormat::Raw)).expect("started");
    let vols = list(&host, &uuid);
    let find = |n: &str| vols.iter().find(|v| v.name == n).unwrap();
    assert_eq!(find("web-copy.qcow2").backing.as_ref().unwrap().path, base);
    assert!(find("web.raw").backing.is_none());
    assert_eq!(find("web.raw").format.as_deref(), Some("raw"));
    host.handle.close();
}
