//! Raw counters for running machines, read in one call where the driver can.

use std::ffi::CStr;
use std::ptr;
use std::time::Instant;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::sys;

use crate::core::error::{ErrorKind, UserError};

/// Cumulative counters of one machine at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSample {
    pub uuid: String,
    pub at: Instant,
    pub cpu_time_ns: u64,
    pub vcpus: u32,
    /// The balloon's current size (what the guest may use), in KiB.
    pub memory_kib: u64,
    pub disk_read_bytes: u64,
    pub disk_write_bytes: u64,
    pub net_rx_bytes: u64,
    pub net_tx_bytes: u64,
}

impl DomainSample {
    fn empty(uuid: String, at: Instant) -> Self {
        DomainSample {
            uuid,
            at,
            cpu_time_ns: 0,
            vcpus: 1,
            memory_kib: 0,
            disk_read_bytes: 0,
            disk_write_bytes: 0,
            net_rx_bytes: 0,
            net_tx_bytes: 0,
        }
    }
}

/// What one tick samples.
#[derive(Debug, Clone, Default)]
pub struct SamplePlan {
    /// Every running machine, with one `virConnectGetAllDomainStats` call; otherwise
    /// only `on_screen` (see [`super::WholeHostPace`] for when a tick asks for all).
    pub whole_host: bool,
    /// Running machines whose rows are on screen: they are sampled on every tick.
    pub on_screen: Vec<String>,
    /// The machine whose details are open: its disk and network counters too.
    pub detailed: Option<String>,
}

/// Samples what `plan` asks for. The whole host takes one `virConnectGetAllDomainStats`
/// call; rows on screen take one `virDomainListGetStats` call. Where the driver has
/// neither, one `virDomainGetInfo` per row on screen, never more, so a big host stays
/// cheap.
///
/// The list needs only CPU time (and vCPU count, to make it a percentage); disk and
/// network counters, a dozen fields per device, are read for `detailed` alone, so an
/// idle window with thousands of running machines asks libvirt for a fraction of it.
pub fn sample(conn: &Connect, plan: &SamplePlan) -> Result<Vec<DomainSample>, UserError> {
    let mut wanted = plan.on_screen.clone();
    if let Some(uuid) = &plan.detailed {
        if !wanted.contains(uuid) {
            wanted.push(uuid.clone());
        }
    }
    let read = if plan.whole_host {
        bulk(conn)
    } else {
        listed(conn, &wanted)
    };
    let mut samples = match read {
        Ok(samples) => samples,
        Err(e) if e.kind == ErrorKind::Unsupported => return fallback(conn, &wanted),
        Err(e) => return Err(e),
    };
    if let Some(uuid) = &plan.detailed {
        // A machine that stopped meanwhile simply has no device counters this tick.
        if let (Ok(devices), Some(s)) = (
            devices_of(conn, uuid),
            samples.iter_mut().find(|s| &s.uuid == uuid),
        ) {
            s.disk_read_bytes = devices.disk_read_bytes;
            s.disk_write_bytes = devices.disk_write_bytes;
            s.net_rx_bytes = devices.net_rx_bytes;
            s.net_tx_bytes = devices.net_tx_bytes;
        }
    }
    Ok(samples)
}

const LIST_STATS: u32 =
    sys::VIR_DOMAIN_STATS_CPU_TOTAL | sys::VIR_DOMAIN_STATS_BALLOON | sys::VIR_DOMAIN_STATS_VCPU;

fn bulk(conn: &Connect) -> Result<Vec<DomainSample>, UserError> {
    let mut records: *mut sys::virDomainStatsRecordPtr = ptr::null_mut();
    let n = unsafe {
        sys::virConnectGetAllDomainStats(
            conn.as_ptr(),
            LIST_STATS,
            &mut records,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE,
        )
    };
    if n < 0 {
        return Err(UserError::from(virt::error::Error::last_error()));
    }
    // SAFETY: libvirt returned `n` valid records.
    Ok(unsafe { take_records(records, n as usize) })
}

/// The list's counters of the machines `uuids` (those still defined), in one call.
fn listed(conn: &Connect, uuids: &[String]) -> Result<Vec<DomainSample>, UserError> {
    let domains: Vec<_> = uuids
        .iter()
        .filter_map(|u| conn.lookup_domain_by_uuid_string(u).ok())
        .collect();
    list_stats(&domains, LIST_STATS)
}

/// Disk and network counters of one machine.
fn devices_of(conn: &Connect, uuid: &str) -> Result<DomainSample, UserError> {
    let dom = conn.lookup_domain_by_uuid_string(uuid)?;
    let stats = sys::VIR_DOMAIN_STATS_BLOCK | sys::VIR_DOMAIN_STATS_INTERFACE;
    list_stats(std::slice::from_ref(&dom), stats)?
        .pop()
        .ok_or_else(|| {
            UserError::new(
                ErrorKind::NotFound,
                gettext("libvirt returned no statistics for the machine"),
            )
        })
}

/// `virDomainListGetStats` on `domains`.
fn list_stats(
    domains: &[virt::domain::Domain],
    stats: u32,
) -> Result<Vec<DomainSample>, UserError> {
    if domains.is_empty() {
        return Ok(Vec::new());
    }
    // SAFETY: the pointers stay valid while `domains` lives, which is past the call.
    let mut list: Vec<sys::virDomainPtr> = domains.iter().map(|d| unsafe { d.as_ptr() }).collect();
    list.push(ptr::null_mut());
    let mut records: *mut sys::virDomainStatsRecordPtr = ptr::null_mut();
    let n = unsafe { sys::virDomainListGetStats(list.as_mut_ptr(), stats, &mut records, 0) };
    if n < 0 {
        return Err(UserError::from(virt::error::Error::last_error()));
    }
    // SAFETY: as in `bulk`.
    Ok(unsafe { take_records(records, n as usize) })
}

/// Copies `n` records out and frees the list exactly once (the virt crate's wrapper
/// leaks it).
///
/// # Safety
/// `records` must be a list of `n` records returned by libvirt, not yet freed.
unsafe fn take_records(records: *mut sys::virDomainStatsRecordPtr, n: usize) -> Vec<DomainSample> {
    let at = Instant::now();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let record = &**records.add(i);
        // The raw bytes, formatted here: libvirt's own UUID string goes through
        // printf, which cost a third of an idle tick on a host with 3,000 machines.
        let mut raw = [0u8; sys::VIR_UUID_BUFLEN as usize];
        if sys::virDomainGetUUID(record.dom, raw.as_mut_ptr()) < 0 {
            continue;
        }
        let uuid = uuid::Uuid::from_bytes(raw).hyphenated().to_string();
        let mut s = DomainSample::empty(uuid, at);
        for p in 0..record.nparams as usize {
            let param = &*record.params.add(p);
            let field = CStr::from_ptr(param.field.as_ptr()).to_string_lossy();
            let number = match param.type_ as u32 {
                sys::VIR_TYPED_PARAM_ULLONG => param.value.ul,
                sys::VIR_TYPED_PARAM_UINT => param.value.ui as u64,
                sys::VIR_TYPED_PARAM_LLONG => param.value.l.max(0) as u64,
                sys::VIR_TYPED_PARAM_INT => param.value.i.max(0) as u64,
                _ => continue,
            };
            apply_field(&mut s, &field, number);
        }
        out.push(s);
    }
    if !records.is_null() {
        sys::virDomainStatsRecordListFree(records);
    }
    out
}

/// Folds one typed parameter into the sample; per-device counters are summed.
fn apply_field(s: &mut DomainSample, field: &str, value: u64) {
    match field {
        "cpu.time" => s.cpu_time_ns = value,
        "vcpu.current" => s.vcpus = value.max(1) as u32,
        "balloon.current" => s.memory_kib = value,
        f if f.starts_with("block.") && f.ends_with(".rd.bytes") => s.disk_read_bytes += value,
        f if f.starts_with("block.") && f.ends_with(".wr.bytes") => s.disk_write_bytes += value,
        f if f.starts_with("net.") && f.ends_with(".rx.bytes") => s.net_rx_bytes += value,
        f if f.starts_with("net.") && f.ends_with(".tx.bytes") => s.net_tx_bytes += value,
        _ => {}
    }
}

fn fallback(conn: &Connect, visible: &[String]) -> Result<Vec<DomainSample>, UserError> {
    let mut out = Vec::new();
    for uuid in visible {
        let Ok(dom) = conn.lookup_domain_by_uuid_string(uuid) else {
            continue;
        };
        let Ok(info) = dom.info() else { continue };
        if !dom.is_active().unwrap_or(false) {
            continue;
        }
        let mut s = DomainSample::empty(uuid.clone(), Instant::now());
        s.cpu_time_ns = info.cpu_time;
        s.vcpus = info.nr_virt_cpu.max(1);
        s.memory_kib = info.memory;
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_counters_add_up() {
        let mut s = DomainSample::empty("u".into(), Instant::now());
        for (f, v) in [
            ("cpu.time", 5_000),
            ("vcpu.current", 2),
            ("block.0.rd.bytes", 100),
            ("block.1.rd.bytes", 50),
            ("block.0.wr.bytes", 7),
            ("net.0.rx.bytes", 10),
            ("net.1.tx.bytes", 3),
            ("block.count", 2),
        ] {
            apply_field(&mut s, f, v);
        }
        assert_eq!((s.cpu_time_ns, s.vcpus), (5_000, 2));
        assert_eq!((s.disk_read_bytes, s.disk_write_bytes), (150, 7));
        assert_eq!((s.net_rx_bytes, s.net_tx_bytes), (10, 3));
    }
}
