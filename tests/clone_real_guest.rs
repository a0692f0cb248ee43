//! Linked clones on a real libvirtd with real (tiny) QEMU guests: a template
//! made from the tiny guest with a small qcow2 base disk in a dir pool, three
//! linked clones (one with a Chinese name) started at once; each boots, writes
//! to its own disk, and the template's image stays byte-for-byte the same.
//! Then the template is converted back, which flattens the clones' overlays.
//! Also: a full copy's progress, and the one-off overlay timings of a
//! 100 MiB and a 10 GiB template disk (printed, never asserted).
//!
//! Needs root and HANGAR_REAL_LIBVIRT=1 (tests/run-all.sh sets it); without it
//! each test prints why it is skipped and passes. With it, failures fail.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hangar::core::clone::executor::{execute, Phase, Progress};
use hangar::core::clone::flatten::convert_back;
use hangar::core::clone::mac::random_bytes;
use hangar::core::clone::template::{check_guard, mark_template, GuardedAction};
use hangar::core::clone::{plan_clones, CloneRequest, HostFacts, NameChoice, Step, TemplateFacts};
use hangar::core::event_loop;
use hangar::core::xml::{new_volume_xml, BackingImage, DomainXml, NewVolume, VolumeFormat};
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::sys;

const URI: &str = "qemu:///system";
const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
const BANNER: &str = "HANGAR-TINY-GUEST READY";
const WRITTEN: &str = "HANGAR-DISK-WRITTEN";
const MIB: u64 = 1 << 20;

fn enabled(test: &str) -> bool {
    let on = std::env::var("HANGAR_REAL_LIBVIRT").is_ok_and(|v| v == "1");
    if !on {
        println!("{test}: skipped: set HANGAR_REAL_LIBVIRT=1 to run it (needs root and libvirtd)");
    }
    on
}

fn support(script: &str, args: &[&str]) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(script);
    let out = Command::new("bash").arg(path).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{script} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn sha256(path: &str) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    assert!(out.status.success(), "sha256sum {path}");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// `qemu-img info -U --output=json` field `key` (a string), if present.
fn qemu_img_field(path: &str, key: &str) -> Option<String> {
    let out = Command::new("qemu-img")
        .args(["info", "-U", "--output=json", path])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qemu-img info {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let needle = format!("\"{key}\": \"");
    let start = text.find(&needle)? + needle.len();
    Some(text[start..].split('"').next()?.to_string())
}

/// A dir pool of its own under /var/lib/libvirt/images/hangar-test, and every
/// domain and volume the test makes; all removed on drop, also after a panic.
struct Lab {
    conn: Connect,
    pool: String,
    dir: String,
    domains: Mutex<Vec<String>>,
}

impl Lab {
    fn new(tag: &str) -> Lab {
        support("libvirtd.sh", &["start"]);
        support("tiny-guest.sh", &["build", GUEST_DIR]);
        event_loop::run_on_own_thread().unwrap();
        let conn = Connect::open(Some(URI)).unwrap();
        let pool = format!("hangar-{tag}-{}", std::process::id());
        let dir = format!("/var/lib/libvirt/images/hangar-test/{pool}");
        std::fs::create_dir_all(&dir).unwrap();
        let lab = Lab {
            conn,
            pool: pool.clone(),
            dir: dir.clone(),
            domains: Mutex::new(Vec::new()),
        };
        let xml = format!(
            "<pool type='dir'><name>{pool}</name><target><path>{dir}</path></target></pool>"
        );
        let p = lab.conn.define_storage_pool_xml(&xml, 0).unwrap();
        p.create(0).unwrap();
        lab
    }

    fn pool(&self) -> virt::storage_pool::StoragePool {
        self.conn.lookup_storage_pool_by_name(&self.pool).unwrap()
    }

    /// A volume of `bytes` (virtual) in the lab's pool; returns its path.
    fn volume(&self, name: &str, bytes: u64, format: VolumeFormat) -> String {
        let xml = new_volume_xml(&NewVolume {
            name: name.into(),
            capacity_bytes: bytes,
            allocation_bytes: Some(0),
            format,
            backing: None,
        })
        .unwrap();
        StorageVol::create_xml(&self.pool(), &xml, 0)
            .unwrap()
            .path()
            .unwrap()
    }

    fn track(&self, name: &str) {
        self.domains.lock().unwrap().push(name.to_string());
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for name in self.domains.lock().unwrap().iter() {
            if let Ok(d) = self.conn.lookup_domain_by_name(name) {
                let _ = d.destroy();
                let _ = d.undefine_flags(sys::VIR_DOMAIN_UNDEFINE_NVRAM);
            }
            for log in [format!("{name}-serial.log"), format!("{name}.log")] {
                let _ = std::fs::remove_file(format!("/var/log/libvirt/qemu/{log}"));
            }
        }
        if let Ok(p) = self.conn.lookup_storage_pool_by_name(&self.pool) {
            let _ = p.refresh(0);
            // Overlays first, so no base is deleted under an overlay.
            let mut vols = p.list_all_volumes(0).unwrap_or_default();
            vols.sort_by_key(|v| v.name().map(|n| !n.starts_with("hangar-")).unwrap_or(true));
            for v in vols {
                let _ = v.delete(0);
            }
            let _ = p.destroy();
            let _ = p.undefine();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_for_log(name: &str, texts: &[&str], timeout: Duration) -> String {
    let path = format!("/var/log/libvirt/qemu/{name}-serial.log");
    let deadline = Instant::now() + timeout;
    loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if texts.iter().all(|t| log.contains(t)) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "{name}: no {texts:?} in {path} after {timeout:?}:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn three_linked_clones_boot_and_leave_the_template_untouched() {
    if !enabled("three_linked_clones_boot_and_leave_the_template_untouched") {
        return;
    }
    let lab = Lab::new("clone");
    let pid = std::process::id();
    let base = lab.volume("base.qcow2", 100 * MIB, VolumeFormat::Qcow2);
    let tmpl = format!("hangar-tmpl-{pid}");
    lab.track(&tmpl);
    let xml = support("tiny-guest.sh", &["domain-xml", &tmpl, GUEST_DIR, &base]);
    let uuid = lab
        .conn
        .define_domain_xml(&xml)
        .unwrap()
        .uuid_string()
        .unwrap();
    mark_template(&lab.conn, &uuid).unwrap();
    let before = sha256(&base);

    let names = vec![
        format!("hangar-clone-{pid}-1"),
        format!("hangar-克隆-{pid}-2"),
        format!("hangar-clone-{pid}-3"),
    ];
    for n in &names {
        lab.track(n);
    }
    let template = TemplateFacts::read(&lab.conn, &uuid).unwrap();
    let facts = HostFacts::read(&lab.conn).unwrap();
    let mut req = CloneRequest::new(NameChoice::List(names.clone()));
    req.start = true;
    let plan = plan_clones(&template, &facts, &req, &mut random_bytes).unwrap();
    for line in plan.summary() {
        println!("{}: {}", line.heading, line.text);
    }
    let started = Instant::now();
    let applied = execute(&lab.conn, &plan.steps(), &|_: &Progress| {}, None).unwrap();
    println!(
        "3 linked clones created, defined and started in {:?}",
        started.elapsed()
    );
    assert_eq!(applied.domains.len(), 3);

    for (i, name) in names.iter().enumerate() {
        let log = wait_for_log(name, &[WRITTEN, BANNER], Duration::from_secs(240));
        assert!(log.contains(WRITTEN), "{name}");
        let disk = format!("{}/{name}.qcow2", lab.dir);
        assert_eq!(applied.volumes[i], disk);
        assert_eq!(
            qemu_img_field(&disk, "backing-filename").as_deref(),
            Some(base.as_str())
        );
        assert_eq!(
            qemu_img_field(&disk, "backing-filename-format").as_deref(),
            Some("qcow2")
        );
    }
    assert_eq!(
        sha256(&base),
        before,
        "the clones' writes did not reach the template's image"
    );
    let reason = check_guard(&lab.conn, &uuid, GuardedAction::Start).unwrap();
    assert!(reason.is_some_and(|r| r.contains("3 linked clones")));

    // Convert back: the clones must be shut off, then their overlays become
    // standalone images and the template an ordinary machine.
    for n in &names {
        lab.conn
            .lookup_domain_by_name(n)
            .unwrap()
            .destroy()
            .unwrap();
    }
    let flattened = convert_back(&lab.conn, &uuid, true, &|_: &Progress| {}).unwrap();
    assert_eq!(flattened.len(), 3);
    for f in &flattened {
        assert_eq!(
            qemu_img_field(&f.new_path, "backing-filename"),
            None,
            "{}",
            f.new_path
        );
        assert!(!std::path::Path::new(&f.old_path).exists());
        let machine = &f.machines[0];
        let xml = lab
            .conn
            .lookup_domain_by_name(machine)
            .unwrap()
            .xml_desc(0)
            .unwrap();
        let d = DomainXml::parse(&xml).unwrap();
        assert_eq!(
            d.disk("vda").unwrap().source.file.as_deref(),
            Some(f.new_path.as_str())
        );
    }
    let d = DomainXml::parse(
        &lab.conn
            .lookup_domain_by_uuid_string(&uuid)
            .unwrap()
            .xml_desc(0)
            .unwrap(),
    );
    assert!(!d.unwrap().is_template);
    assert_eq!(
        check_guard(&lab.conn, &uuid, GuardedAction::Start).unwrap(),
        None
    );
    // A flattened clone still boots and finds its data.
    let first = &names[0];
    lab.conn
        .lookup_domain_by_name(first)
        .unwrap()
        .create()
        .unwrap();
    wait_for_log(first, &[WRITTEN, BANNER], Duration::from_secs(120));
}

#[test]
fn full_copy_progress_and_overlay_timings() {
    if !enabled("full_copy_progress_and_overlay_timings") {
        return;
    }
    let lab = Lab::new("copy");
    // 10 GiB virtual and 100 MiB bases: an overlay costs the same for both.
    for (name, bytes) in [("big.qcow2", 10 << 30), ("small.qcow2", 100 * MIB)] {
        let base = lab.volume(name, bytes, VolumeFormat::Qcow2);
        let xml = new_volume_xml(&NewVolume {
            name: format!("hangar-over-{name}"),
            capacity_bytes: bytes,
            allocation_bytes: Some(0),
            format: VolumeFormat::Qcow2,
            backing: Some(BackingImage {
                path: base.clone(),
                format: "qcow2".into(),
            }),
        })
        .unwrap();
        let step = Step::CreateVolume {
            pool: lab.pool.clone(),
            name: format!("hangar-over-{name}"),
            xml,
            planned_path: format!("{}/hangar-over-{name}", lab.dir),
        };
        let t = Instant::now();
        execute(&lab.conn, &[step], &|_: &Progress| {}, None).unwrap();
        println!(
            "linked clone (overlay) of a {} MiB-virtual base: {:?}",
            bytes / MIB,
            t.elapsed()
        );
    }

    // A raw image with 256 MiB of real data, copied with progress.
    let path = format!("{}/data.img", lab.dir);
    let status = Command::new("dd")
        .args([
            "if=/dev/urandom",
            &format!("of={path}"),
            "bs=1M",
            "count=256",
            "status=none",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    lab.pool().refresh(0).unwrap();
    let xml = new_volume_xml(&NewVolume {
        name: "hangar-copy.img".into(),
        capacity_bytes: 256 * MIB,
        allocation_bytes: Some(0),
        format: VolumeFormat::Raw,
        backing: None,
    })
    .unwrap();
    let step = Step::CopyVolume {
        pool: lab.pool.clone(),
        name: "hangar-copy.img".into(),
        xml,
        planned_path: format!("{}/hangar-copy.img", lab.dir),
        source_path: path.clone(),
        bytes: 256 * MIB,
    };
    let seen = Mutex::new(Vec::new());
    let t = Instant::now();
    let progress = |p: &Progress| seen.lock().unwrap().push((p.phase, p.fraction));
    execute(&lab.conn, &[step], &progress, None).unwrap();
    let seen = seen.into_inner().unwrap();
    println!(
        "full copy of 256 MiB in {:?}; progress reports: {seen:?}",
        t.elapsed()
    );
    assert_eq!(seen.last(), Some(&(Phase::Done, Some(1.0))));
    assert_eq!(
        sha256(&path),
        sha256(&format!("{}/hangar-copy.img", lab.dir))
    );
}

#[test]
fn a_new_machine_boots_a_kernel_and_writes_its_new_disk() {
    use hangar::core::new_vm::{plan_new_vm, InstallSource, NetworkChoice, NewVmFacts, NewVmForm};
    if !enabled("a_new_machine_boots_a_kernel_and_writes_its_new_disk") {
        return;
    }
    let lab = Lab::new("newvm");
    let name = format!("hangar-new-{}", std::process::id());
    lab.track(&name);
    let facts = NewVmFacts::read(&lab.conn).unwrap();
    let source = InstallSource::Kernel {
        kernel: format!("{GUEST_DIR}/vmlinux"),
        initrd: format!("{GUEST_DIR}/initramfs.gz"),
        cmdline: "console=ttyS0".into(),
    };
    let mut form = NewVmForm::new(&name, source, &lab.pool);
    form.memory_mib = 128;
    form.vcpus = 1;
    form.disk.as_mut().unwrap().size = "64M".into();
    form.network = NetworkChoice::None;
    let plan = plan_new_vm(&form, &facts, &mut random_bytes).unwrap();
    println!(
        "domain type {}: {}",
        plan.domain_type, plan.domain_type_reason
    );
    assert_eq!(
        plan.domain_type, "qemu",
        "emulation unless the person opts in to KVM"
    );
    execute(&lab.conn, &plan.steps(), &|_: &Progress| {}, None).unwrap();
    let disk = plan.disk.as_ref().unwrap().path.clone();
    // The guest writes "written-by-guest <time>" at 1 MiB of its disk: 16
    // bytes, exactly one line of qemu-io's dump (which shows "-" as ".").
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let out = Command::new("qemu-io")
            .args(["-r", "-U", "-f", "qcow2", "-c", "read -v 1M 16"])
            .arg(&disk)
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).contains("written.by.guest") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new machine never wrote to {disk}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
