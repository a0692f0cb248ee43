//! The new-machine wizard's fields, and what it needs to know about the host.

use virt::connect::Connect;

use super::hypervisor::{Acceleration, KvmProbe};
use crate::core::clone::facts::HostFacts;
use crate::core::error::UserError;
use crate::core::xml::VolumeFormat;

/// The controls a [`FieldError`](crate::core::clone::FieldError) can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VmField {
    Name,
    Memory,
    Vcpus,
    /// The installer ISO, the disk to import, or the kernel.
    Source,
    Initrd,
    DiskSize,
    DiskPool,
    Network,
    Acceleration,
}

/// How the guest's operating system gets onto the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallSource {
    /// Boot an installer from an ISO volume (upload a local file to a pool first).
    Iso { path: String },
    /// Use an existing disk image volume as the machine's first disk.
    ImportDisk { path: String },
    /// Boot a kernel (and initrd) from files on the host.
    Kernel {
        kernel: String,
        initrd: String,
        cmdline: String,
    },
}

/// A new empty disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiskForm {
    /// As typed: `20G`, `500 MiB`.
    pub size: String,
    pub format: VolumeFormat,
    pub pool: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkChoice {
    None,
    /// A libvirt virtual network by name.
    Network(String),
    /// A host bridge by name.
    Bridge(String),
    /// QEMU's user-mode networking (no host set-up needed).
    User,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVmForm {
    pub name: String,
    pub memory_mib: u64,
    pub vcpus: u32,
    pub source: InstallSource,
    /// A new disk (in addition to an imported one, or to install onto).
    pub disk: Option<NewDiskForm>,
    pub network: NetworkChoice,
    pub acceleration: Acceleration,
    pub start: bool,
}

/// What the plan checks a new machine against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewVmFacts {
    pub host: HostFacts,
    /// libvirt's driver name: "QEMU", "Test", …
    pub driver: String,
    /// The host's CPU architecture (`x86_64`).
    pub arch: String,
    pub memory_kib: u64,
    pub cpus: u32,
    /// The hypervisor's vCPU limit per machine, when it says.
    pub max_vcpus: Option<u32>,
    /// Virtual networks by name, with whether each is active.
    pub networks: Vec<(String, bool)>,
    pub kvm: KvmProbe,
}

impl NewVmFacts {
    /// Reads the host. Blocks on libvirt: worker only.
    pub fn read(conn: &Connect) -> Result<NewVmFacts, UserError> {
        let host = HostFacts::read(conn)?;
        let node = conn.node_info()?;
        let driver = conn.driver_type().unwrap_or_default();
        let arch = node.model.clone();
        let kvm = KvmProbe::read(conn, &host.uri, &arch);
        let virt_type = if driver.eq_ignore_ascii_case("qemu") {
            Some("kvm")
        } else {
            None
        };
        let max_vcpus = conn.max_vcpus(virt_type).ok().filter(|n| *n > 0);
        let mut networks = Vec::new();
        for n in conn.list_all_networks(0).unwrap_or_default() {
            networks.push((n.name()?, n.is_active()?));
        }
        Ok(NewVmFacts {
            host,
            driver,
            arch,
            memory_kib: node.memory,
            cpus: node.cpus,
            max_vcpus,
            networks,
            kvm,
        })
    }
}

impl NewVmForm {
    /// A form as the wizard opens it: 2 GiB, 2 vCPUs, a 20 GiB qcow2 disk in
    /// `pool`, the "default" network.
    pub fn new(name: &str, source: InstallSource, pool: &str) -> Self {
        NewVmForm {
            name: name.to_string(),
            memory_mib: 2048,
            vcpus: 2,
            source,
            disk: Some(NewDiskForm {
                size: "20G".into(),
                format: VolumeFormat::Qcow2,
                pool: pool.to_string(),
            }),
            network: NetworkChoice::Network("default".into()),
            acceleration: Acceleration::Default,
            start: true,
        }
    }
}
