//! Errors as a person should read them.
//!
//! libvirt's `Display` text carries codes and domains ("[code=nodomain (42) …]") that
//! mean nothing to the person at the desk; we keep libvirt's own message, which names
//! the object and the cause, and add a short headline where the code says more.

use gettextrs::gettext;
use virt::enumutil::Enum;
use virt::error::{Error as VirtError, ErrorDomain, ErrorNumber};

use super::libvirt_text;

/// Broad classes of failure the window treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The object is gone (someone else undefined it).
    NotFound,
    PermissionDenied,
    /// The hypervisor or driver cannot do this at all.
    Unsupported,
    /// The object is in the wrong state for the request, or the input is invalid.
    Invalid,
    /// The connection to the host is broken; a reconnect is needed.
    ConnectionLost,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub kind: ErrorKind,
    /// One sentence for a toast or a dialog, already translated.
    pub message: String,
}

impl UserError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        UserError {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl From<VirtError> for UserError {
    fn from(e: VirtError) -> Self {
        from_virt(&e)
    }
}

/// Maps a libvirt error to what the window shows.
pub fn from_virt(e: &VirtError) -> UserError {
    let raw = e.message().trim().to_string();
    let code = match e.code() {
        Enum::Known(c) => Some(c),
        Enum::Unknown(_) => None,
    };
    let domain = match e.domain() {
        Enum::Known(d) => Some(d),
        Enum::Unknown(_) => None,
    };
    let kind = match code {
        Some(ErrorNumber::NoDomain | ErrorNumber::NoNetwork | ErrorNumber::NoStoragePool)
        | Some(ErrorNumber::NoStorageVolume) => ErrorKind::NotFound,
        Some(
            ErrorNumber::AuthFailed
            | ErrorNumber::AuthCancelled
            | ErrorNumber::AuthUnavailable
            | ErrorNumber::AccessDenied
            | ErrorNumber::OperationDenied,
        ) => ErrorKind::PermissionDenied,
        Some(
            ErrorNumber::NoSupport
            | ErrorNumber::OperationUnsupported
            | ErrorNumber::ArgumentUnsupported
            | ErrorNumber::ConfigUnsupported,
        ) => ErrorKind::Unsupported,
        Some(
            ErrorNumber::OperationInvalid
            | ErrorNumber::InvalidArg
            | ErrorNumber::XmlError
            | ErrorNumber::XmlDetail
            | ErrorNumber::XmlInvalidSchema,
        ) => ErrorKind::Invalid,
        Some(ErrorNumber::InternalError | ErrorNumber::SystemError | ErrorNumber::Rpc)
            if matches!(domain, Some(ErrorDomain::Rpc | ErrorDomain::Remote)) =>
        {
            ErrorKind::ConnectionLost
        }
        _ => ErrorKind::Other,
    };
    let message = match kind {
        ErrorKind::NotFound if raw.is_empty() => gettext("The object no longer exists"),
        ErrorKind::Unsupported => gettext("Not supported by this hypervisor ({detail})")
            .replace("{detail}", strip_prefix(&raw)),
        ErrorKind::PermissionDenied => {
            gettext("Permission denied: {detail}").replace("{detail}", strip_prefix(&raw))
        }
        ErrorKind::ConnectionLost => gettext("The connection to the host was lost: {detail}")
            .replace("{detail}", strip_prefix(&raw)),
        _ if raw.is_empty() => gettext("libvirt reported an error without a message"),
        _ => strip_prefix(&raw).to_string(),
    };
    UserError { kind, message }
}

/// libvirt prefixes many messages with the error class ("Requested operation is not
/// valid: domain is already running"); the class is noise next to our own headline.
/// The classes come from libvirt's catalogue, so a Chinese "所需操作无效：" goes too.
fn strip_prefix(msg: &str) -> &str {
    const CLASSES: &[&str] = &[
        "Requested operation is not valid: %s",
        "this function is not supported by the connection driver: %s",
        "invalid argument: %s",
        "operation failed: %s",
        "internal error: %s",
    ];
    let mut prefixes: Vec<String> = CLASSES
        .iter()
        .flat_map(|c| libvirt_text::prefixes(c))
        .collect();
    // The name of the function that failed, with an ASCII or a full-width colon.
    prefixes.extend(["remote_open: ".to_string(), "remote_open：".to_string()]);
    // They nest ("internal error: remote_open: …"), so strip until none is left.
    let mut rest = msg;
    while let Some(stripped) = prefixes.iter().find_map(|p| rest.strip_prefix(p.as_str())) {
        rest = stripped;
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::strip_prefix;

    #[test]
    fn strips_only_the_class_prefix() {
        assert_eq!(
            strip_prefix("Requested operation is not valid: domain is already running"),
            "domain is already running"
        );
        assert_eq!(
            strip_prefix("Domain not found: no domain with matching name 'x'"),
            "Domain not found: no domain with matching name 'x'"
        );
    }
}
