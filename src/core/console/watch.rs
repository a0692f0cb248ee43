//! Lifecycle events of one domain, so a console view reopens the console when the
//! machine starts again instead of asking the host on a timer.
//!
//! The worker's own registration (core::events) is connection-wide and feeds the
//! window's store; a console needs only its domain, so it registers a filtered one of
//! its own. libvirt tells registrations apart by callback, event and filter, so this
//! never collides with the worker's.

use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use virt::connect::Connect;
use virt::domain::Domain;
use virt::error::Error as VirtError;
use virt::sys;

/// What happened to the watched domain, as far as its console cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainChange {
    /// Started or resumed: a console can be opened.
    Running,
    /// Stopped or crashed: its console is gone until the next start.
    Stopped,
    /// Its definition was removed.
    Undefined,
}

type Sink = Box<dyn Fn(DomainChange) + Send + Sync + 'static>;

/// One registration; dropping it deregisters (a round trip on remote hosts: drop it
/// on the connection worker).
pub struct DomainWatch {
    conn: Connect,
    id: c_int,
}

impl DomainWatch {
    pub fn register(
        conn: &Connect,
        dom: &Domain,
        sink: impl Fn(DomainChange) + Send + Sync + 'static,
    ) -> Result<DomainWatch, VirtError> {
        type Lifecycle = unsafe extern "C" fn(
            sys::virConnectPtr,
            sys::virDomainPtr,
            c_int,
            c_int,
            *mut c_void,
        ) -> c_int;
        // The C API takes every domain callback as the generic type and calls it with
        // the signature of the event ID.
        let cb: sys::virConnectDomainEventGenericCallback = Some(unsafe {
            std::mem::transmute::<Lifecycle, unsafe extern "C" fn(_, _, _)>(lifecycle_cb)
        });
        let opaque = Box::into_raw(Box::new(Box::new(sink) as Sink)) as *mut c_void;
        let id = unsafe {
            sys::virConnectDomainEventRegisterAny(
                conn.as_ptr(),
                dom.as_ptr(),
                sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE as c_int,
                cb,
                opaque,
                Some(free_sink),
            )
        };
        if id < 0 {
            let err = VirtError::last_error();
            // libvirt does not call the free callback when registration fails.
            unsafe { free_sink(opaque) };
            return Err(err);
        }
        Ok(DomainWatch {
            conn: conn.clone(),
            id,
        })
    }

    /// Whether this registration lives on `conn`. After the worker reconnects it has
    /// a new connection and this one is dead: register again. (Our clone keeps the
    /// old connection allocated, so its address cannot be reused meanwhile.)
    pub fn is_on(&self, conn: &Connect) -> bool {
        unsafe { self.conn.as_ptr() == conn.as_ptr() }
    }
}

impl Drop for DomainWatch {
    fn drop(&mut self) {
        unsafe {
            // Fails harmlessly on a dead connection; libvirt frees the sink either way.
            sys::virConnectDomainEventDeregisterAny(self.conn.as_ptr(), self.id);
            sys::virResetLastError();
        }
    }
}

unsafe extern "C" fn lifecycle_cb(
    _conn: sys::virConnectPtr,
    _dom: sys::virDomainPtr,
    event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    let change = match event as u32 {
        sys::VIR_DOMAIN_EVENT_STARTED | sys::VIR_DOMAIN_EVENT_RESUMED => {
            Some(DomainChange::Running)
        }
        sys::VIR_DOMAIN_EVENT_STOPPED | sys::VIR_DOMAIN_EVENT_CRASHED => {
            Some(DomainChange::Stopped)
        }
        sys::VIR_DOMAIN_EVENT_UNDEFINED => Some(DomainChange::Undefined),
        _ => None,
    };
    if let Some(change) = change {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let sink = &*(opaque as *const Sink);
            sink(change)
        }));
    }
    0
}

unsafe extern "C" fn free_sink(opaque: *mut c_void) {
    drop(Box::from_raw(opaque as *mut Sink));
}
