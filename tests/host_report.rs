//! What the Host page reports (`virsh nodeinfo`, `virsh version`, `virsh
//! iface-list`), read by Hangar on a connection's worker and compared with what
//! other tools say: virsh on libvirt's test driver, and on a real host (qemu:///system,
//! HANGAR_REAL_LIBVIRT=1) lscpu, uname and /sys.

mod common;

use std::process::Command;

use common::{real_libvirt, Host};
use hangar::core::host::{report, HostReport};

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The value after "key:" on the line that starts with `key`.
fn field(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| panic!("no {key} in {text}"))
}

fn read_report(uri: &str) -> HostReport {
    let mut host = Host::open(uri);
    host.until_loaded();
    let asked = uri.to_string();
    let r = host.handle.call(move |c| report(c, &asked)).unwrap();
    host.handle.close();
    r
}

#[test]
fn the_test_driver_host_reads_as_virsh_reads_it() {
    let r = read_report("test:///default");
    let version = output("virsh", &["-c", "test:///default", "version"]);
    let nodeinfo = output("virsh", &["-c", "test:///default", "nodeinfo"]);
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let i = &r.info;
    assert_eq!(i.hostname, hostname.trim());
    assert_eq!(
        format!("libvirt {}", i.libvirt_version),
        field(&version, "Using library")
    );
    assert_eq!(
        format!("{} {}", i.driver, i.hypervisor_version),
        field(&version, "Running hypervisor")
    );
    assert_eq!(i.arch, field(&nodeinfo, "CPU model"));
    assert_eq!(i.cpus.to_string(), field(&nodeinfo, "CPU(s)"));
    assert_eq!(format!("{} MHz", i.mhz), field(&nodeinfo, "CPU frequency"));
    assert_eq!(
        format!("{} KiB", i.memory_kib),
        field(&nodeinfo, "Memory size")
    );
    // The test driver's capabilities name no processor: none is made up.
    assert_eq!(i.cpu_model, None);
    let eth1 = r
        .interfaces
        .iter()
        .find(|n| n.name == "eth1")
        .unwrap_or_else(|| panic!("virsh iface-list shows eth1: {:?}", r.interfaces));
    assert_eq!(eth1.mac, "aa:bb:cc:dd:ee:ff");
    assert!(eth1.active);
}

#[test]
fn a_real_host_names_its_processor_as_lscpu_does() {
    if !real_libvirt() {
        return;
    }
    common::support("libvirtd.sh", &["start"]);
    let r = read_report("qemu:///system");
    let lscpu = output("lscpu", &[]);
    assert_eq!(
        r.info.cpu_model.as_deref(),
        Some(field(&lscpu, "Model name").as_str())
    );
    assert_eq!(r.info.arch, output("uname", &["-m"]).trim());
    // Every interface the kernel has is listed (from libvirt, or /sys when libvirt
    // has no interface backend).
    for entry in std::fs::read_dir("/sys/class/net").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            r.interfaces.iter().any(|n| n.name == name),
            "{name} missing from {:?}",
            r.interfaces
        );
    }
}
