//! virt-sysprep on new clones' disks: the hostname becomes the machine's
//! name, and the machine-id and SSH host keys are reset so clones do not
//! share identities with their template or each other.
//!
//! virt-sysprep opens the image files itself (through libguestfs), so it can
//! only work where the files are: on a local connection. On an overlay it
//! writes only to the overlay; the template's image is opened read-only.

use std::process::Command;

use gettextrs::gettext;

use super::fields::Availability;
use crate::core::error::{ErrorKind, UserError};
use crate::core::host::is_local_uri;

/// The operations run: only what makes a clone a separate machine.
pub const OPERATIONS: &str = "hostname,machine-id,ssh-hostkeys";

fn program() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("virt-sysprep"))
        .find(|p| p.is_file())
}

/// Whether virt-sysprep can prepare disks of a host reached with `uri`.
pub fn availability(uri: &str) -> Availability {
    if uri.starts_with("test:") {
        return Availability::no(gettext(
            "virt-sysprep needs real disk images; this is libvirt's test driver",
        ));
    }
    if !is_local_uri(uri) {
        return Availability::no(gettext(
            "virt-sysprep edits disk image files directly, which is only possible on this computer, not on a remote host",
        ));
    }
    if program().is_none() {
        return Availability::no(gettext(
            "virt-sysprep is not installed (on Debian and Ubuntu it is in the package guestfs-tools)",
        ));
    }
    Availability::yes()
}

/// Runs virt-sysprep on `disks` of a shut-off machine. Blocks for as long as
/// the tool takes (tens of seconds: it boots a small appliance).
pub fn run(disks: &[String], hostname: &str) -> Result<(), UserError> {
    let program = program().ok_or_else(|| {
        UserError::new(
            ErrorKind::Unsupported,
            gettext("virt-sysprep is not installed"),
        )
    })?;
    let mut cmd = Command::new(program);
    cmd.args([
        "--quiet",
        "--operations",
        OPERATIONS,
        "--hostname",
        hostname,
    ]);
    for d in disks {
        cmd.arg("-a").arg(d);
    }
    let out = cmd
        .output()
        .map_err(|e| UserError::new(ErrorKind::Other, format!("virt-sysprep: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(UserError::new(
        ErrorKind::Other,
        gettext("virt-sysprep failed: {message}").replace("{message}", last.trim()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_real_hosts() {
        let remote = availability("qemu+ssh://root@far/system");
        assert!(!remote.available);
        assert!(remote.reason.contains("remote host"), "{}", remote.reason);
        assert!(!availability("test:///default").available);
        let local = availability("qemu:///system");
        assert_eq!(local.available, program().is_some(), "{}", local.reason);
    }
}
