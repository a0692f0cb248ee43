//! Keeping the window's copy current after an event: one object re-read, or reported
//! gone; and why a connection closed, in words.

use gettextrs::gettext;
use virt::connect::Connect;

use super::{Update, Worker};
use crate::core::error::{from_virt, ErrorKind, UserError};
use crate::core::events::RawEvent;
use crate::core::inventory;

impl Worker {
    /// Titles and template marks, after the listing has been drawn. A failure here
    /// (the host went away) is left to the close callback, like any other.
    pub(super) fn emit_labels(&self, conn: &Connect) {
        if let Ok(labels) = inventory::all_domain_labels(conn) {
            self.emit(Update::DomainLabels(labels));
        }
    }

    /// Re-reads one object after an event and reports it, or reports it gone.
    pub(super) fn refresh(&self, conn: &Connect, (kind, uuid): (u8, String)) {
        let update = match kind {
            KIND_DOMAIN => conn
                .lookup_domain_by_uuid_string(&uuid)
                .and_then(|d| inventory::domain_summary_with_labels(&d))
                .map(Update::Domain),
            KIND_NETWORK => conn
                .lookup_network_by_uuid_string(&uuid)
                .and_then(|n| inventory::network_summary(&n))
                .map(Update::Network),
            _ => conn
                .lookup_storage_pool_by_uuid_string(&uuid)
                .and_then(|p| inventory::pool_summary(&p))
                .map(Update::Pool),
        };
        match update {
            Ok(u) => self.emit(u),
            Err(e) if from_virt(&e).kind == ErrorKind::NotFound => self.emit(match kind {
                KIND_DOMAIN => Update::DomainGone { uuid },
                KIND_NETWORK => Update::NetworkGone { uuid },
                _ => Update::PoolGone { uuid },
            }),
            // Anything else (the host went away mid-call) is followed by the close
            // callback, which triggers a full reload on reconnect.
            Err(_) => {}
        }
    }
}

const KIND_DOMAIN: u8 = 0;
const KIND_NETWORK: u8 = 1;
const KIND_POOL: u8 = 2;

pub(super) fn object_key(ev: &RawEvent) -> Option<(u8, String)> {
    match ev {
        RawEvent::Domain { uuid, .. } | RawEvent::DomainOther { uuid, .. } => {
            Some((KIND_DOMAIN, uuid.clone()))
        }
        RawEvent::Network { uuid, .. } => Some((KIND_NETWORK, uuid.clone())),
        RawEvent::Pool { uuid, .. } | RawEvent::PoolRefresh { uuid, .. } => {
            Some((KIND_POOL, uuid.clone()))
        }
        RawEvent::ConnectionClosed { .. } => None,
    }
}

pub(super) fn close_reason(reason: i32) -> UserError {
    let msg = match reason as u32 {
        virt::sys::VIR_CONNECT_CLOSE_REASON_EOF => gettext("The host closed the connection"),
        virt::sys::VIR_CONNECT_CLOSE_REASON_KEEPALIVE => {
            gettext("The host stopped answering (keepalive timeout)")
        }
        virt::sys::VIR_CONNECT_CLOSE_REASON_CLIENT => gettext("The connection was closed"),
        _ => gettext("The connection failed"),
    };
    UserError::new(ErrorKind::ConnectionLost, msg)
}
