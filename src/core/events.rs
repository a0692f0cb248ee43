//! Safe registrations for the libvirt events the `virt` crate does not wrap.
//!
//! Each callback runs on the libvirt event-loop thread. It copies what it needs out of
//! the borrowed libvirt object (a name or a UUID) into a plain [`RawEvent`] and hands it
//! to a `Send` sink; the connection worker does the (possibly slow) follow-up calls.
//! libvirt refuses two identical registrations on one connection, so the worker
//! registers each kind exactly once and fans the events out itself.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use virt::connect::Connect;
use virt::error::Error;
use virt::sys;

/// What libvirt reported, with nothing borrowed from libvirt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawEvent {
    /// A domain was defined, started, stopped, undefined, … (`event` and `detail` are
    /// libvirt's `VIR_DOMAIN_EVENT_*` numbers).
    Domain {
        uuid: String,
        name: String,
        event: i32,
        detail: i32,
    },
    /// A domain changed in a way that does not change its lifecycle state: a reboot, a
    /// device hot-plug, or a metadata edit.
    DomainOther {
        uuid: String,
        name: String,
    },
    Network {
        uuid: String,
        name: String,
        event: i32,
    },
    Pool {
        uuid: String,
        name: String,
        event: i32,
    },
    PoolRefresh {
        uuid: String,
        name: String,
    },
    /// The connection to the hypervisor was closed (`reason` is `VIR_CONNECT_CLOSE_REASON_*`).
    ConnectionClosed {
        reason: i32,
    },
}

type Sink = Box<dyn Fn(RawEvent) + Send + Sync + 'static>;

/// Every registration made on one connection; dropping it deregisters them all.
/// It must be dropped before the last `Connect` it was made on (it holds a clone).
pub struct Registrations {
    conn: Connect,
    domain_ids: Vec<c_int>,
    network_ids: Vec<c_int>,
    pool_ids: Vec<c_int>,
    close_registered: bool,
}

impl Registrations {
    /// Registers domain lifecycle/reboot/device/metadata events, network lifecycle,
    /// pool lifecycle and refresh, and the close callback, all feeding `sink`.
    ///
    /// A driver may lack some event kinds; those are skipped. The registration only
    /// fails when not even domain lifecycle events can be had.
    pub fn register<F>(conn: &Connect, sink: F) -> Result<Registrations, Error>
    where
        F: Fn(RawEvent) + Send + Sync + Clone + 'static,
    {
        let mut regs = Registrations {
            conn: conn.clone(),
            domain_ids: Vec::new(),
            network_ids: Vec::new(),
            pool_ids: Vec::new(),
            close_registered: false,
        };
        regs.domain_ids.push(register_domain(
            conn,
            sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            sink.clone(),
        )?);
        for id in [
            sys::VIR_DOMAIN_EVENT_ID_REBOOT,
            sys::VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
            sys::VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
            sys::VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
        ] {
            if let Ok(reg) = register_domain(conn, id, sink.clone()) {
                regs.domain_ids.push(reg);
            }
        }
        if let Ok(id) = register_network(conn, sink.clone()) {
            regs.network_ids.push(id);
        }
        for (event_id, cb) in [
            (
                sys::VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                pool_lifecycle_callback(),
            ),
            (
                sys::VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                pool_refresh_callback(),
            ),
        ] {
            if let Ok(id) = register_pool(conn, event_id as c_int, cb, sink.clone()) {
                regs.pool_ids.push(id);
            }
        }
        regs.close_registered = register_close(conn, sink).is_ok();
        Ok(regs)
    }
}

impl Drop for Registrations {
    fn drop(&mut self) {
        let conn = unsafe { self.conn.as_ptr() };
        // libvirt calls each freecb here, on this thread, which drops the sinks.
        unsafe {
            for id in self.domain_ids.drain(..) {
                sys::virConnectDomainEventDeregisterAny(conn, id);
            }
            for id in self.network_ids.drain(..) {
                sys::virConnectNetworkEventDeregisterAny(conn, id);
            }
            for id in self.pool_ids.drain(..) {
                sys::virConnectStoragePoolEventDeregisterAny(conn, id);
            }
            if self.close_registered {
                sys::virConnectUnregisterCloseCallback(conn, Some(close_cb));
            }
        }
    }
}

fn into_opaque<F: Fn(RawEvent) + Send + Sync + 'static>(sink: F) -> *mut c_void {
    Box::into_raw(Box::new(Box::new(sink) as Sink)) as *mut c_void
}

unsafe extern "C" fn free_sink(opaque: *mut c_void) {
    drop(Box::from_raw(opaque as *mut Sink));
}

/// Hands an event to the sink. A panic must never unwind into libvirt's C frames.
fn emit(opaque: *mut c_void, event: impl FnOnce() -> RawEvent) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let sink = unsafe { &*(opaque as *const Sink) };
        sink(event())
    }));
}

fn check_registration(ret: c_int, opaque: *mut c_void) -> Result<c_int, Error> {
    if ret < 0 {
        let err = Error::last_error();
        // libvirt does not call freecb when the registration fails.
        unsafe { free_sink(opaque) };
        return Err(err);
    }
    Ok(ret)
}

unsafe fn owned_str(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

unsafe fn uuid_string(get: impl FnOnce(*mut c_char) -> c_int) -> String {
    let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    if get(buf.as_mut_ptr()) < 0 {
        return String::new();
    }
    owned_str(buf.as_ptr())
}

unsafe fn domain_ids(dom: sys::virDomainPtr) -> (String, String) {
    (
        uuid_string(|b| sys::virDomainGetUUIDString(dom, b)),
        owned_str(sys::virDomainGetName(dom)),
    )
}

unsafe extern "C" fn domain_lifecycle_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    event: c_int,
    detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    emit(opaque, || {
        let (uuid, name) = domain_ids(dom);
        RawEvent::Domain {
            uuid,
            name,
            event,
            detail,
        }
    });
    0
}

unsafe extern "C" fn domain_other_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    opaque: *mut c_void,
) {
    emit(opaque, || {
        let (uuid, name) = domain_ids(dom);
        RawEvent::DomainOther { uuid, name }
    });
}

fn domain_lifecycle_callback() -> sys::virConnectDomainEventGenericCallback {
    type Lifecycle = unsafe extern "C" fn(
        sys::virConnectPtr,
        sys::virDomainPtr,
        c_int,
        c_int,
        *mut c_void,
    ) -> c_int;
    // libvirt's C API takes every domain callback as the generic type and calls it
    // with the signature that belongs to the event ID (VIR_DOMAIN_EVENT_CALLBACK()).
    Some(unsafe {
        std::mem::transmute::<Lifecycle, unsafe extern "C" fn(_, _, _)>(domain_lifecycle_cb)
    })
}

/// Each domain event ID has its own C signature; `opaque` is always the last argument,
/// so every ID needs a trampoline of its own.
fn register_domain<F: Fn(RawEvent) + Send + Sync + 'static>(
    conn: &Connect,
    event_id: u32,
    sink: F,
) -> Result<c_int, Error> {
    let cb = match event_id {
        sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE => domain_lifecycle_callback(),
        sys::VIR_DOMAIN_EVENT_ID_DEVICE_ADDED | sys::VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED => {
            device_callback()
        }
        sys::VIR_DOMAIN_EVENT_ID_METADATA_CHANGE => metadata_callback(),
        // Reboot and the other argument-less events have the generic signature.
        _ => Some(domain_other_cb as unsafe extern "C" fn(_, _, _)),
    };
    let opaque = into_opaque(sink);
    let ret = unsafe {
        sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            ptr::null_mut(),
            event_id as c_int,
            cb,
            opaque,
            Some(free_sink),
        )
    };
    check_registration(ret, opaque)
}

unsafe extern "C" fn device_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _alias: *const c_char,
    opaque: *mut c_void,
) {
    emit(opaque, || {
        let (uuid, name) = domain_ids(dom);
        RawEvent::DomainOther { uuid, name }
    });
}

fn device_callback() -> sys::virConnectDomainEventGenericCallback {
    type Device =
        unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *const c_char, *mut c_void);
    Some(unsafe { std::mem::transmute::<Device, unsafe extern "C" fn(_, _, _)>(device_cb) })
}

unsafe extern "C" fn metadata_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _kind: c_int,
    _nsuri: *const c_char,
    opaque: *mut c_void,
) {
    emit(opaque, || {
        let (uuid, name) = domain_ids(dom);
        RawEvent::DomainOther { uuid, name }
    });
}

fn metadata_callback() -> sys::virConnectDomainEventGenericCallback {
    type Metadata = unsafe extern "C" fn(
        sys::virConnectPtr,
        sys::virDomainPtr,
        c_int,
        *const c_char,
        *mut c_void,
    );
    Some(unsafe { std::mem::transmute::<Metadata, unsafe extern "C" fn(_, _, _)>(metadata_cb) })
}

unsafe extern "C" fn network_lifecycle_cb(
    _conn: sys::virConnectPtr,
    net: sys::virNetworkPtr,
    event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) {
    emit(opaque, || RawEvent::Network {
        uuid: uuid_string(|b| sys::virNetworkGetUUIDString(net, b)),
        name: owned_str(sys::virNetworkGetName(net)),
        event,
    });
}

fn register_network<F: Fn(RawEvent) + Send + Sync + 'static>(
    conn: &Connect,
    sink: F,
) -> Result<c_int, Error> {
    type Lifecycle =
        unsafe extern "C" fn(sys::virConnectPtr, sys::virNetworkPtr, c_int, c_int, *mut c_void);
    let cb: sys::virConnectNetworkEventGenericCallback = Some(unsafe {
        std::mem::transmute::<Lifecycle, unsafe extern "C" fn(_, _, _)>(network_lifecycle_cb)
    });
    let opaque = into_opaque(sink);
    let ret = unsafe {
        sys::virConnectNetworkEventRegisterAny(
            conn.as_ptr(),
            ptr::null_mut(),
            sys::VIR_NETWORK_EVENT_ID_LIFECYCLE as c_int,
            cb,
            opaque,
            Some(free_sink),
        )
    };
    check_registration(ret, opaque)
}

unsafe fn pool_ids(pool: sys::virStoragePoolPtr) -> (String, String) {
    (
        uuid_string(|b| sys::virStoragePoolGetUUIDString(pool, b)),
        owned_str(sys::virStoragePoolGetName(pool)),
    )
}

unsafe extern "C" fn pool_lifecycle_cb(
    _conn: sys::virConnectPtr,
    pool: sys::virStoragePoolPtr,
    event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) {
    emit(opaque, || {
        let (uuid, name) = pool_ids(pool);
        RawEvent::Pool { uuid, name, event }
    });
}

unsafe extern "C" fn pool_refresh_cb(
    _conn: sys::virConnectPtr,
    pool: sys::virStoragePoolPtr,
    opaque: *mut c_void,
) {
    emit(opaque, || {
        let (uuid, name) = pool_ids(pool);
        RawEvent::PoolRefresh { uuid, name }
    });
}

fn pool_lifecycle_callback() -> sys::virConnectStoragePoolEventGenericCallback {
    type Lifecycle =
        unsafe extern "C" fn(sys::virConnectPtr, sys::virStoragePoolPtr, c_int, c_int, *mut c_void);
    Some(unsafe {
        std::mem::transmute::<Lifecycle, unsafe extern "C" fn(_, _, _)>(pool_lifecycle_cb)
    })
}

fn pool_refresh_callback() -> sys::virConnectStoragePoolEventGenericCallback {
    Some(pool_refresh_cb)
}

fn register_pool<F: Fn(RawEvent) + Send + Sync + 'static>(
    conn: &Connect,
    event_id: c_int,
    cb: sys::virConnectStoragePoolEventGenericCallback,
    sink: F,
) -> Result<c_int, Error> {
    let opaque = into_opaque(sink);
    let ret = unsafe {
        sys::virConnectStoragePoolEventRegisterAny(
            conn.as_ptr(),
            ptr::null_mut(),
            event_id,
            cb,
            opaque,
            Some(free_sink),
        )
    };
    check_registration(ret, opaque)
}

unsafe extern "C" fn close_cb(_conn: sys::virConnectPtr, reason: c_int, opaque: *mut c_void) {
    emit(opaque, || RawEvent::ConnectionClosed { reason });
}

fn register_close<F: Fn(RawEvent) + Send + Sync + 'static>(
    conn: &Connect,
    sink: F,
) -> Result<(), Error> {
    let opaque = into_opaque(sink);
    let ret = unsafe {
        sys::virConnectRegisterCloseCallback(conn.as_ptr(), Some(close_cb), opaque, Some(free_sink))
    };
    check_registration(ret, opaque).map(|_| ())
}
