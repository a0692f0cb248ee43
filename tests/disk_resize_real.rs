//! Growing a disk like `virsh blockresize` (running) and `vol-resize` (off), on a real
//! libvirtd and QEMU. Needs root and libvirtd (HANGAR_REAL_LIBVIRT=1).

mod common;

use common::real_libvirt;
use hangar::core::details::disk_resize;

fn virtual_size(path: &str) -> u64 {
    let out = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--output=json", path])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("\"virtual-size\":").expect("virtual-size") + 15;
    text[at..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_disk_grows_live_and_offline_and_never_shrinks_unasked() {
    if !real_libvirt() {
        return;
    }
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let tag = std::process::id();
    let dir = format!("/var/lib/libvirt/images/hangar-test/resize-{tag}");
    std::fs::create_dir_all(&dir).unwrap();
    let disk = format!("{dir}/disk.qcow2");
    assert!(std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", &disk, "64M"])
        .status()
        .unwrap()
        .success());
    let conn = virt::connect::Connect::open(Some("qemu:///system")).unwrap();
    let pool = conn
        .define_storage_pool_xml(
            &format!("<pool type='dir'><name>hangar-resize-{tag}</name><target><path>{dir}</path></target></pool>"),
            0,
        )
        .unwrap();
    pool.create(0).unwrap();
    let dom = conn
        .define_domain_xml(&format!(
            "<domain type='qemu'><name>hangar-resize-{tag}</name><memory unit='MiB'>48</memory>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>\
             <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{disk}'/>\
             <target dev='vda' bus='virtio'/></disk></devices></domain>"
        ))
        .unwrap();
    let uuid = dom.uuid_string().unwrap();
    let outcome = std::panic::catch_unwind(|| {
        dom.create().unwrap();
        let plan = disk_resize::plan(&conn, &uuid, "vda", "128M").unwrap();
        assert!(
            plan.live && !plan.shrinks() && plan.current_bytes == 64 << 20,
            "{plan:?}"
        );
        disk_resize::apply(&conn, &uuid, &plan, false).unwrap();
        assert_eq!(virtual_size(&disk), 128 << 20, "grown while running");

        let shrink = disk_resize::plan(&conn, &uuid, "vda", "96M").unwrap();
        let err =
            disk_resize::apply(&conn, &uuid, &shrink, false).expect_err("shrinking needs a yes");
        assert!(err.message.contains("cut off data"), "{}", err.message);
        assert_eq!(virtual_size(&disk), 128 << 20, "nothing changed");

        dom.destroy().unwrap();
        pool.refresh(0).unwrap();
        let off = disk_resize::plan(&conn, &uuid, "vda", "160M").unwrap();
        assert!(!off.live);
        disk_resize::apply(&conn, &uuid, &off, false).unwrap();
        assert_eq!(
            virtual_size(&disk),
            160 << 20,
            "grown through the volume while off"
        );
    });
    let _ = dom.destroy();
    let _ = dom.undefine();
    let _ = pool.destroy();
    let _ = pool.undefine();
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap();
}
