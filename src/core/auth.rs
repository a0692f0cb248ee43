//! Credentials libvirt asks for while it opens a connection (a SASL login, a realm…).
//!
//! libvirt calls an auth callback on the thread that opens the connection — here, the
//! connection's worker — and waits for its answers. The worker turns each call into a
//! [`CredentialsRequest`] for the window and blocks until the person answers or
//! cancels; the window never blocks. `virt::Connect::open_auth` takes a plain `fn`
//! that cannot reach a worker nor refuse, so the call goes through `virt::sys` here.

use std::ffi::{c_int, c_uint, c_void, CStr, CString};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use virt::connect::Connect;
use virt::sys;

/// What libvirt asks for, as its `VIR_CRED_*` types. Not `VIR_CRED_USERNAME`: offered
/// it, SASL also asks for an "authorization name" nobody knows what to answer; like
/// virsh, Hangar leaves it out and SASL uses the user name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// The user name to log in with.
    AuthName,
    Passphrase,
    /// A question whose answer may be shown as it is typed.
    EchoPrompt,
    /// A question whose answer is hidden like a password.
    NoEchoPrompt,
    Realm,
}

impl CredentialKind {
    const ALL: [CredentialKind; 5] = [
        CredentialKind::AuthName,
        CredentialKind::Passphrase,
        CredentialKind::EchoPrompt,
        CredentialKind::NoEchoPrompt,
        CredentialKind::Realm,
    ];

    fn raw(self) -> c_int {
        (match self {
            CredentialKind::AuthName => sys::VIR_CRED_AUTHNAME,
            CredentialKind::Passphrase => sys::VIR_CRED_PASSPHRASE,
            CredentialKind::EchoPrompt => sys::VIR_CRED_ECHOPROMPT,
            CredentialKind::NoEchoPrompt => sys::VIR_CRED_NOECHOPROMPT,
            CredentialKind::Realm => sys::VIR_CRED_REALM,
        }) as c_int
    }

    fn from_raw(raw: c_int) -> Option<CredentialKind> {
        Self::ALL.into_iter().find(|k| k.raw() == raw)
    }

    /// Answers that must be hidden while typed and never shown again.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            CredentialKind::Passphrase | CredentialKind::NoEchoPrompt
        )
    }

    /// A stable name, for the keyring's attributes.
    pub fn key(self) -> &'static str {
        match self {
            CredentialKind::AuthName => "authname",
            CredentialKind::Passphrase => "passphrase",
            CredentialKind::EchoPrompt => "echoprompt",
            CredentialKind::NoEchoPrompt => "noechoprompt",
            CredentialKind::Realm => "realm",
        }
    }
}

/// One question, with libvirt's own prompt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub kind: CredentialKind,
    pub prompt: String,
    /// Extra text some mechanisms send along (often empty).
    pub challenge: String,
    /// What libvirt would use if nothing is typed (often empty).
    pub default: String,
}

/// An answer. Its `Debug` never prints it, and its memory is wiped when dropped.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // SAFETY: zero bytes are valid UTF-8, and the string is dropped right after.
        unsafe { self.0.as_mut_vec().fill(0) };
    }
}

/// The person's answers, one per credential in the order asked; `None` is Cancel.
pub type Answers = Option<Vec<Secret>>;

/// A question from a worker to the window. Answer it once (`answer` or `cancel`);
/// dropping every copy unanswered counts as Cancel, so a worker never waits forever.
#[derive(Clone)]
pub struct CredentialsRequest {
    /// The connection's URI and, when it has one, its host name.
    pub uri: String,
    pub host: Option<String>,
    pub credentials: Vec<Credential>,
    /// The answers given before were refused by the host.
    pub refused_before: bool,
    reply: Arc<Mutex<Option<Sender<Answers>>>>,
}

impl CredentialsRequest {
    /// A request and the receiver its answer arrives on.
    pub fn new(
        uri: &str,
        credentials: Vec<Credential>,
        refused_before: bool,
    ) -> (Self, Receiver<Answers>) {
        let (tx, rx) = mpsc::channel();
        let request = CredentialsRequest {
            uri: uri.to_string(),
            host: host_of(uri),
            credentials,
            refused_before,
            reply: Arc::new(Mutex::new(Some(tx))),
        };
        (request, rx)
    }

    pub fn answer(&self, answers: Vec<Secret>) {
        self.send(Some(answers));
    }

    pub fn cancel(&self) {
        self.send(None);
    }

    /// True once answered or cancelled.
    pub fn is_answered(&self) -> bool {
        self.reply.lock().map_or(true, |r| r.is_none())
    }

    fn send(&self, answers: Answers) {
        if let Some(tx) = self.reply.lock().ok().and_then(|mut r| r.take()) {
            let _ = tx.send(answers);
        }
    }
}

impl std::fmt::Debug for CredentialsRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsRequest")
            .field("uri", &self.uri)
            .field("credentials", &self.credentials)
            .field("refused_before", &self.refused_before)
            .finish()
    }
}

impl PartialEq for CredentialsRequest {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.reply, &other.reply)
    }
}

/// The host part of a URI ("kvm1" in qemu+ssh://root@kvm1:22/system), if any.
pub fn host_of(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// What the callback needs: the question asker, behind a thin pointer for C.
type Ask<'a> = &'a mut dyn FnMut(&[Credential]) -> Answers;

/// `virConnectOpenAuth(uri)`, calling `ask` (on this thread) whenever libvirt needs
/// credentials. `ask` returning `None` makes the open fail.
pub fn open(uri: &str, mut ask: Ask<'_>) -> Result<Connect, virt::error::Error> {
    let c_uri = CString::new(uri)?;
    let mut kinds: Vec<c_int> = CredentialKind::ALL.iter().map(|k| k.raw()).collect();
    let mut auth = sys::virConnectAuth {
        credtype: kinds.as_mut_ptr(),
        ncredtype: kinds.len() as c_uint,
        cb: Some(callback),
        cbdata: &mut ask as *mut Ask<'_> as *mut c_void,
    };
    // SAFETY: `auth`, `kinds` and `ask` outlive the call; libvirt calls `callback`
    // only during it, on this thread.
    let ptr = unsafe { sys::virConnectOpenAuth(c_uri.as_ptr(), &mut auth, 0) };
    if ptr.is_null() {
        return Err(virt::error::Error::last_error());
    }
    // SAFETY: a connection libvirt just opened for us; `Connect` closes it on drop.
    Ok(unsafe { Connect::from_ptr(ptr) })
}

extern "C" fn callback(creds: sys::virConnectCredentialPtr, n: c_uint, data: *mut c_void) -> c_int {
    // A panic must not unwind into libvirt's C frames: it refuses instead.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: `data` is the `Ask` that `open` passed, alive for the whole call.
        let ask = unsafe { &mut *(data as *mut Ask<'_>) };
        // SAFETY: libvirt passes `n` valid credentials.
        let slots = unsafe { std::slice::from_raw_parts_mut(creds, n as usize) };
        let mut questions = Vec::with_capacity(slots.len());
        for slot in slots.iter() {
            let Some(kind) = CredentialKind::from_raw(slot.type_) else {
                return -1;
            };
            questions.push(Credential {
                kind,
                prompt: text(slot.prompt),
                challenge: text(slot.challenge),
                default: text(slot.defresult),
            });
        }
        let Some(answers) = ask(&questions) else {
            return -1;
        };
        if answers.len() != slots.len() {
            return -1;
        }
        for (slot, answer) in slots.iter_mut().zip(&answers) {
            let bytes = answer.expose().as_bytes();
            // libvirt frees `result` with free(): it must come from malloc.
            // SAFETY: a fresh buffer of len + 1 bytes, filled and NUL-terminated.
            unsafe {
                let buf = libc::malloc(bytes.len() + 1) as *mut u8;
                if buf.is_null() {
                    return -1;
                }
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len());
                *buf.add(bytes.len()) = 0;
                slot.result = buf as *mut std::ffi::c_char;
                slot.resultlen = bytes.len() as c_uint;
            }
        }
        0
    }))
    .unwrap_or(-1)
}

fn text(p: *const std::ffi::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: libvirt's strings are NUL-terminated and live for the callback.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_read_from_the_uri() {
        assert_eq!(
            host_of("qemu+ssh://root@kvm1:2222/system").as_deref(),
            Some("kvm1")
        );
        assert_eq!(
            host_of("qemu+tls://[fe80::1]/system").as_deref(),
            Some("fe80::1")
        );
        assert_eq!(host_of("qemu:///system"), None);
        assert_eq!(host_of("qemu+unix:///system?socket=/tmp/s"), None);
    }

    #[test]
    fn a_request_answers_once_and_dropping_it_cancels() {
        let (req, rx) = CredentialsRequest::new("qemu:///system", Vec::new(), false);
        let copy = req.clone();
        req.answer(vec![Secret::new("pw")]);
        copy.cancel();
        assert!(copy.is_answered());
        assert_eq!(rx.recv().unwrap(), Some(vec![Secret::new("pw")]));
        assert!(rx.try_recv().is_err(), "the second answer is ignored");

        let (req, rx) = CredentialsRequest::new("qemu:///system", Vec::new(), false);
        drop(req);
        assert!(
            rx.recv().is_err(),
            "nobody will answer: the worker stops waiting"
        );
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
