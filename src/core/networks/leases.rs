//! `virsh net-dhcp-leases`: the `virt` crate lacks virNetworkGetDHCPLeases, so it is
//! called through `virt::sys` and every lease is copied out and freed here.

use std::ffi::{c_char, CStr};
use std::ptr;

use virt::connect::Connect;
use virt::sys;

use crate::core::error::{from_virt, UserError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The host-side interface (the network's bridge).
    pub iface: String,
    /// Seconds since the epoch when the lease expires.
    pub expiry: i64,
    pub ipv6: bool,
    pub mac: String,
    pub address: String,
    pub prefix: u32,
    pub hostname: Option<String>,
    pub client_id: Option<String>,
}

impl Lease {
    pub fn cidr(&self) -> String {
        format!("{}/{}", self.address, self.prefix)
    }
}

unsafe fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
}

/// The network's current leases, sorted by address. Blocks: worker only.
pub fn leases(conn: &Connect, uuid: &str) -> Result<Vec<Lease>, UserError> {
    let net = conn.lookup_network_by_uuid_string(uuid)?;
    let mut raw: *mut sys::virNetworkDHCPLeasePtr = ptr::null_mut();
    let n = unsafe { sys::virNetworkGetDHCPLeases(net.as_ptr(), ptr::null(), &mut raw, 0) };
    if n < 0 {
        return Err(from_virt(&virt::error::Error::last_error()));
    }
    let mut out = Vec::with_capacity(n as usize);
    unsafe {
        for i in 0..n as usize {
            let lease = *raw.add(i);
            if lease.is_null() {
                continue;
            }
            let l = &*lease;
            out.push(Lease {
                iface: text(l.iface).unwrap_or_default(),
                expiry: l.expirytime,
                ipv6: l.type_ == sys::VIR_IP_ADDR_TYPE_IPV6 as i32,
                mac: text(l.mac).unwrap_or_default(),
                address: text(l.ipaddr).unwrap_or_default(),
                prefix: l.prefix,
                hostname: text(l.hostname),
                client_id: text(l.clientid),
            });
            sys::virNetworkDHCPLeaseFree(lease);
        }
        if !raw.is_null() {
            libc_free(raw as *mut std::ffi::c_void);
        }
    }
    out.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(out)
}

extern "C" {
    #[link_name = "free"]
    fn libc_free(p: *mut std::ffi::c_void);
}
