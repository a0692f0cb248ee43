//! Writes libvirt test-driver node files: `<node>` documents that `test:///ABS/PATH`
//! loads into a private in-process hypervisor. Tests and the benchmark use them to get
//! a real libvirt with any number of domains, networks and pools, and no daemon.

use std::fmt::Write;

/// What to put in the file.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub domains: usize,
    pub networks: usize,
    pub pools: usize,
    pub volumes_per_pool: usize,
    /// Prefix of the domain names: `{prefix}-{n}` with n from 1.
    pub name_prefix: String,
}

impl NodeSpec {
    pub fn with_domains(domains: usize) -> Self {
        NodeSpec {
            domains,
            networks: 2,
            pools: 2,
            volumes_per_pool: 3,
            name_prefix: "vm".into(),
        }
    }
}

/// The state domain `n` (from 1) gets: mostly running or shut off, some paused, so
/// that lists and actions meet every common state. Numbers are libvirt's
/// virDomainState (1 running, 3 paused, 5 shut off).
pub fn state_of(n: usize) -> u32 {
    match n % 10 {
        0 | 3 | 6 => 5,
        9 => 3,
        _ => 1,
    }
}

pub fn domain_name(spec: &NodeSpec, n: usize) -> String {
    format!("{}-{}", spec.name_prefix, n)
}

/// A stable UUID per (kind, index), so repeated runs name the same objects.
fn uuid(kind: u32, n: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

pub fn generate(spec: &NodeSpec) -> String {
    generate_with_states(spec, state_of)
}

/// Like [`generate`], but domain `n` (from 1) gets the virDomainState `state(n)`
/// (1 running, 3 paused, 5 shut off) instead of [`state_of`]'s mix. The benchmark uses
/// it to measure a host where no machine runs.
pub fn generate_with_states(spec: &NodeSpec, state: impl Fn(usize) -> u32) -> String {
    let mut s = String::with_capacity(1_200 * spec.domains + 4_096);
    s.push_str("<node>\n  <cpu><mhz>2400</mhz><model>i686</model><active>8</active>");
    s.push_str("<nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>2</threads></cpu>\n");
    s.push_str("  <memory>33554432</memory>\n");
    for n in 1..=spec.domains {
        let mem = 262_144 * (1 + (n % 8) as u64);
        let vcpus = 1 + n % 4;
        let _ = write!(
            s,
            "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n    \
             <name>{name}</name>\n    <uuid>{uuid}</uuid>\n    \
             <memory unit='KiB'>{mem}</memory>\n    <currentMemory unit='KiB'>{mem}</currentMemory>\n    \
             <vcpu>{vcpus}</vcpu>\n    <os><type arch='i686'>hvm</type></os>\n    <devices>\n      \
             <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
             <source file='/var/lib/libvirt/images/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>\n      \
             <interface type='network'><mac address='52:54:00:{m1:02x}:{m2:02x}:{m3:02x}'/>\
             <source network='net-1'/><model type='virtio'/></interface>\n    </devices>\n    \
             <test:runstate>{state}</test:runstate>\n  </domain>\n",
            name = domain_name(spec, n),
            uuid = uuid(1, n),
            m1 = (n >> 16) & 0xff,
            m2 = (n >> 8) & 0xff,
            m3 = n & 0xff,
            state = state(n),
        );
    }
    for n in 1..=spec.networks {
        let _ = write!(
            s,
            "  <network>\n    <name>net-{n}</name>\n    <uuid>{uuid}</uuid>\n    \
             <forward mode='nat'/>\n    <bridge name='virbr{n}'/>\n    \
             <ip address='10.{n}.0.1' netmask='255.255.255.0'>\
             <dhcp><range start='10.{n}.0.100' end='10.{n}.0.200'/></dhcp></ip>\n  </network>\n",
            uuid = uuid(2, n),
        );
    }
    for n in 1..=spec.pools {
        let _ = write!(
            s,
            "  <pool type='dir'>\n    <name>pool-{n}</name>\n    <uuid>{uuid}</uuid>\n    \
             <capacity unit='GiB'>500</capacity>\n    <allocation unit='GiB'>{alloc}</allocation>\n    \
             <available unit='GiB'>{avail}</available>\n    \
             <target><path>/var/lib/libvirt/pool-{n}</path></target>\n",
            uuid = uuid(3, n),
            alloc = 100 * n,
            avail = 500 - 100 * n,
        );
        for v in 1..=spec.volumes_per_pool {
            let _ = writeln!(
                s,
                "    <volume type='file'><name>disk-{v}.qcow2</name>\
                 <capacity unit='GiB'>{cap}</capacity><allocation unit='GiB'>1</allocation>\
                 <target><format type='qcow2'/></target></volume>",
                cap = 10 * v,
            );
        }
        s.push_str("  </pool>\n");
    }
    s.push_str("</node>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_mixed() {
        let states: Vec<u32> = (1..=10).map(state_of).collect();
        assert!(states.contains(&1) && states.contains(&3) && states.contains(&5));
    }

    #[test]
    fn states_can_be_chosen() {
        let spec = NodeSpec::with_domains(4);
        let xml = generate_with_states(&spec, |_| 5);
        assert_eq!(xml.matches("<test:runstate>5</test:runstate>").count(), 4);
        assert_eq!(generate_with_states(&spec, state_of), generate(&spec));
    }

    #[test]
    fn every_domain_is_written_once() {
        let xml = generate(&NodeSpec::with_domains(25));
        assert_eq!(xml.matches("<domain ").count(), 25);
        assert_eq!(xml.matches("<network>").count(), 2);
        assert!(xml.contains("<name>vm-25</name>"));
    }
}
