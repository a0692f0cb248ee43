//! A private test-driver host with a marked template, for the clone engine's
//! tests (the plan, the executor and its rollback).

use std::collections::HashSet;

use hangar::core::clone::mac::random_bytes;
use hangar::core::clone::template::mark_template;
use hangar::core::clone::{
    plan_clones, ClonePlan, CloneRequest, DiskChoice, DiskMode, HostFacts, TemplateFacts,
};
use hangar::core::event_loop;
use hangar::core::node_file::NodeSpec;
use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::sys;

pub const GIB: u64 = 1 << 30;

/// A private test-driver host with a template "tmpl": vda a qcow2 volume in
/// pool-1, vdb a raw volume in pool-1, a CD-ROM, two NICs, a serial log.
pub fn host(tag: &str) -> (Connect, String) {
    event_loop::run_on_own_thread().unwrap();
    let spec = NodeSpec {
        domains: 2,
        networks: 1,
        pools: 2,
        volumes_per_pool: 1,
        name_prefix: "vm".into(),
    };
    let (uri, _dir) = super::node_uri(&spec, tag);
    let conn = Connect::open(Some(&uri)).unwrap();
    let pool = conn.lookup_storage_pool_by_name("pool-1").unwrap();
    for (name, format) in [("base.qcow2", "qcow2"), ("data.img", "raw")] {
        let xml = format!(
            "<volume><name>{name}</name><capacity unit='bytes'>{}</capacity>\
             <target><format type='{format}'/></target></volume>",
            4 * GIB
        );
        StorageVol::create_xml(&pool, &xml, 0).unwrap();
    }
    let dir = "/var/lib/libvirt/pool-1";
    let xml = format!(
        "<domain type='test'>\n  <name>tmpl</name>\n  <memory unit='KiB'>262144</memory>\n  <vcpu>1</vcpu>\n  \
         <os><type arch='i686'>hvm</type></os>\n  <devices>\n    \
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{dir}/base.qcow2'/><target dev='vda' bus='virtio'/></disk>\n    \
         <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{dir}/data.img'/><target dev='vdb' bus='virtio'/></disk>\n    \
         <disk type='file' device='cdrom'><source file='/iso/install.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>\n    \
         <interface type='network'><mac address='52:54:00:aa:00:01'/><source network='net-1'/></interface>\n    \
         <interface type='network'><mac address='52:54:00:aa:00:02'/><source network='net-1'/></interface>\n    \
         <graphics type='vnc' port='5910' autoport='no'/>\n  </devices>\n</domain>\n"
    );
    let dom = conn.define_domain_xml(&xml).unwrap();
    let uuid = dom.uuid_string().unwrap();
    mark_template(&conn, &uuid).unwrap();
    (conn, uuid)
}

pub fn plan(conn: &Connect, uuid: &str, req: &CloneRequest) -> ClonePlan {
    let template = TemplateFacts::read(conn, uuid).unwrap();
    let facts = HostFacts::read(conn).unwrap();
    plan_clones(&template, &facts, req, &mut random_bytes).unwrap()
}

pub fn inactive_xml(conn: &Connect, uuid: &str) -> String {
    conn.lookup_domain_by_uuid_string(uuid)
        .unwrap()
        .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
        .unwrap()
}

pub fn domain_names(conn: &Connect) -> HashSet<String> {
    conn.list_all_domains(0)
        .unwrap()
        .iter()
        .map(|d| d.name().unwrap())
        .collect()
}

/// (pool, volume) names of every active pool.
pub fn volume_names(conn: &Connect) -> HashSet<String> {
    let mut out = HashSet::new();
    for pool in conn
        .list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)
        .unwrap()
    {
        let p = pool.name().unwrap();
        for v in pool.list_all_volumes(0).unwrap() {
            out.insert(format!("{p}/{}", v.name().unwrap()));
        }
    }
    out
}

/// vda linked into pool-2, vdb fully copied next to its source in pool-1.
/// (The test driver looks a copy's source up in the destination pool, so it
/// can only copy within one pool; real libvirt copies across pools.)
pub fn layout() -> Vec<DiskChoice> {
    vec![DiskChoice {
        target: "vda".into(),
        mode: DiskMode::Linked,
        pool: Some("pool-2".into()),
    }]
}
