//! What a failure to connect means, in words. libvirt passes ssh's own stderr through
//! ("Cannot recv data: ssh: connect to host … Connection refused: Connection reset by
//! peer") and the resolver's or TLS's words for tcp/tls; a person needs to know what to
//! do about it.

use gettextrs::gettext;

use super::libvirt_text::{names_errno, says};

/// A sentence explaining `message` when it is a failure Hangar recognises.
///
/// libvirt's own words may be translated (see `core::libvirt_text`): they are matched
/// through libvirt's catalogue. ssh's stderr, which libvirt passes through, is
/// always English, and the C library's error texts are matched in both languages.
pub fn explain(uri: &str, message: &str) -> Option<String> {
    let m = message.to_lowercase();
    if uri.contains("+ssh") || message.contains("ssh") {
        if let Some(hint) = ssh(&m) {
            return Some(hint);
        }
    }
    direct(&m)
}

fn unreachable(m: &str) -> bool {
    names_errno(m, libc::EHOSTUNREACH, "No route to host")
        || names_errno(m, libc::ETIMEDOUT, "Connection timed out")
        || names_errno(m, libc::ENETUNREACH, "Network is unreachable")
        || m.contains("timed out")
}

/// True when `message` says the host is not there right now (daemon not running,
/// connection refused, no route, timed out): a passing outage worth retrying by
/// itself. A wrong URI, an unknown host name or a refused login are not: retrying
/// would only repeat them. Like [`explain`], this holds in any locale.
pub fn is_passing(message: &str) -> bool {
    let m = message.to_lowercase();
    let needs_the_person = m.contains("askpass")
        || m.contains("read_passphrase")
        || m.contains("host key verification failed")
        || names_errno(&m, libc::EACCES, "Permission denied")
        || m.contains("could not resolve hostname")
        || says(&m, "Unable to resolve address '%s' service '%s': %s")
        || says(&m, "Unable to parse URI %s")
        || m.contains("certificate");
    let passing = names_errno(&m, libc::ECONNREFUSED, "Connection refused")
        || unreachable(&m)
        || says(&m, "Failed to connect socket to '%s'")
        || m.contains("nc: unix connect failed");
    !needs_the_person && passing
}

/// Failures of libvirt's own transports (tcp, tls) and of the URI itself.
fn direct(m: &str) -> Option<String> {
    let to_server = says(m, "unable to connect to server at '%s:%s'");
    let hint = if says(m, "Unable to resolve address '%s' service '%s': %s") {
        gettext("The host name is unknown: check its spelling, or use its IP address.")
    } else if to_server && names_errno(m, libc::ECONNREFUSED, "Connection refused") {
        gettext("No libvirt daemon listens on that host and port: check the port, and that libvirtd accepts TCP or TLS connections there.")
    } else if to_server && unreachable(m) {
        gettext("The host cannot be reached over the network.")
    } else if says(m, "Cannot read %s '%s'") && m.contains("ca certificate") {
        // libvirt passes "CA certificate" untranslated into its "Cannot read %s '%s'".
        gettext("TLS needs the certificate authority's certificate on this computer (/etc/pki/CA/cacert.pem), as libvirt's TLS setup describes.")
    } else if says(m, "Unable to parse URI %s") {
        gettext("This is not a connection URI: one looks like qemu:///system or qemu+ssh://user@host/system.")
    } else {
        return None;
    };
    Some(hint)
}

/// ssh's own words (English whatever the locale), and the C library's.
fn ssh(m: &str) -> Option<String> {
    let hint = if m.contains("askpass") || m.contains("read_passphrase") {
        gettext("SSH needs a password but cannot ask for one here: set up key login (ssh-copy-id user@host) or install an ssh-askpass program.")
    } else if m.contains("host key verification failed") {
        gettext("The host's SSH key is not known yet: connect once with “ssh user@host” in a terminal to check and accept it.")
    } else if m.contains("permission denied (") {
        // ssh lists the methods it tried: "Permission denied (publickey,password)."
        gettext("The host refused the login: check the user name, and that your public key is in ~/.ssh/authorized_keys on the host.")
    } else if m.contains("could not resolve hostname") {
        gettext("The host name is unknown: check its spelling, or use its IP address.")
    } else if m.contains("ssh: connect to host")
        && names_errno(m, libc::ECONNREFUSED, "Connection refused")
    {
        gettext("No SSH server answers on that host and port: check the port, and that sshd runs there.")
    } else if m.contains("ssh: connect to host") && unreachable(m) {
        gettext("The host cannot be reached over the network.")
    } else if m.contains("nc:") || m.contains("libvirt-sock") || m.contains("virt-ssh-helper") {
        gettext("SSH worked, but libvirt does not answer on the host: check that libvirtd runs there and that the user may use it.")
    } else {
        return None;
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::explain;

    const URI: &str = "qemu+ssh://root@host/system";

    #[test]
    fn common_ssh_failures_are_explained() {
        let cases = [
            ("Cannot recv data: ssh: connect to host 127.0.0.1 port 1: Connection refused: Connection reset by peer", "sshd"),
            ("Cannot recv data: Host key verification failed.: Connection reset by peer", "accept"),
            ("Cannot recv data: root@host: Permission denied (publickey,password).: Connection reset by peer", "authorized_keys"),
            ("Cannot recv data: ssh_askpass: exec(/usr/bin/ssh-askpass): No such file or directory", "ssh-askpass"),
            ("Cannot recv data: ssh: Could not resolve hostname nohost: Name or service not known", "spelling"),
            ("Cannot recv data: nc: unix connect failed: No such file or directory", "libvirtd"),
            // The remote socket's EACCES is not ssh refusing the login.
            ("Cannot recv data: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied: Connection reset by peer", "the user may use it"),
        ];
        for (message, expect) in cases {
            let hint = explain(URI, message).unwrap_or_else(|| panic!("no hint for {message}"));
            assert!(hint.contains(expect), "{message} → {hint}");
        }
    }

    #[test]
    fn tcp_tls_and_uri_failures_are_explained() {
        let cases = [
            (
                "qemu+tcp://nohost/system",
                "Unable to resolve address 'nohost' service '16509': Name or service not known",
                "spelling",
            ),
            (
                "qemu+tcp://127.0.0.1:1/system",
                "unable to connect to server at '127.0.0.1:1': Connection refused",
                "libvirtd accepts",
            ),
            (
                "qemu+tls://h/system",
                "Cannot read CA certificate '/etc/pki/CA/cacert.pem': No such file or directory",
                "cacert.pem",
            ),
            (
                "not a uri",
                "internal error: Unable to parse URI not a uri",
                "qemu:///system",
            ),
        ];
        for (uri, message, expect) in cases {
            let hint = explain(uri, message).unwrap_or_else(|| panic!("no hint for {message}"));
            assert!(hint.contains(expect), "{message} → {hint}");
        }
    }

    #[test]
    fn an_absent_host_is_passing_and_a_wrong_address_is_not() {
        use super::is_passing;
        for passing in [
            "Failed to connect socket to '/tmp/x/libvirt-sock': No such file or directory",
            "Failed to connect socket to '/tmp/x/libvirt-sock': Connection refused",
            "unable to connect to server at '10.0.0.9:16509': No route to host",
            "Cannot recv data: ssh: connect to host 127.0.0.1 port 1: Connection refused: Connection reset by peer",
        ] {
            assert!(is_passing(passing), "{passing}");
        }
        for lasting in [
            "Unable to resolve address 'nohost' service '16509': Name or service not known",
            "internal error: Unable to parse URI not a uri",
            "Cannot recv data: root@h: Permission denied (publickey).: Connection reset by peer",
            "authentication failed: authentication failed",
            "Cannot access storage file '/no/such/node.xml': No such file or directory",
        ] {
            assert!(!is_passing(lasting), "{lasting}");
        }
    }

    #[test]
    fn other_errors_are_left_alone() {
        assert_eq!(
            explain(
                "qemu:///system",
                "Failed to connect socket to '/run/libvirt/libvirt-sock'"
            ),
            None
        );
        assert_eq!(explain(URI, "internal error: something else"), None);
    }
}
