//! A saved URI back into the Add Connection form's fields, for editing it.

use super::{build, Hypervisor, Transport, UriForm};

/// The form's choice and fields for `uri`. Anything the form cannot make exactly
/// (another driver, extra query parameters, an unusual path) comes back as
/// `Hypervisor::Custom` with the URI whole, so editing never loses a detail.
pub fn parse(uri: &str) -> (Hypervisor, Transport, UriForm) {
    fields(uri)
        // Only what builds back to the very same text counts as understood.
        .filter(|(hv, t, f)| build(*hv, *t, f).as_deref() == Ok(uri))
        .unwrap_or_else(|| {
            (
                Hypervisor::Custom,
                Transport::Local,
                UriForm {
                    custom: uri.to_string(),
                    ..UriForm::default()
                },
            )
        })
}

fn fields(uri: &str) -> Option<(Hypervisor, Transport, UriForm)> {
    let (scheme, rest) = uri.split_once("://")?;
    let (driver, transport) = match scheme.split_once('+') {
        None => (scheme, Transport::Local),
        Some((d, "ssh")) => (d, Transport::Ssh),
        Some((d, "tls")) => (d, Transport::Tls),
        Some((d, "tcp")) => (d, Transport::Tcp),
        Some((d, "unix")) => (d, Transport::Unix),
        Some(_) => return None,
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let slash = rest.find('/')?;
    let (authority, path) = rest.split_at(slash);
    let mut form = UriForm::default();

    let (user, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (u, h),
        None => ("", authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':').unwrap_or(after))
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, p),
            None => (hostport, ""),
        }
    };
    form.user = user.to_string();
    form.host = host.to_string();
    form.port = port.to_string();

    match (transport, query) {
        (Transport::Unix, Some(q)) => form.path = q.strip_prefix("socket=")?.to_string(),
        (_, Some(_)) => return None,
        _ => {}
    }
    let hv = match (driver, path) {
        ("qemu", "/system") => Hypervisor::QemuSystem,
        ("qemu", "/session") => Hypervisor::QemuSession,
        ("test", "/default") => Hypervisor::Test,
        ("test", file) if transport == Transport::Local => {
            form.path = file.to_string();
            Hypervisor::Test
        }
        _ => return None,
    };
    Some((hv, transport, form))
}

#[cfg(test)]
mod tests {
    use super::super::tests::form;
    use super::*;

    #[test]
    fn the_usual_uris_come_back_as_their_fields_and_build_again() {
        let cases = [
            (
                "qemu:///system",
                Hypervisor::QemuSystem,
                Transport::Local,
                form("", "", "", ""),
            ),
            (
                "qemu:///session",
                Hypervisor::QemuSession,
                Transport::Local,
                form("", "", "", ""),
            ),
            (
                "qemu+ssh://user@host:2222/system",
                Hypervisor::QemuSystem,
                Transport::Ssh,
                form("user", "host", "2222", ""),
            ),
            (
                "qemu+tls://host/system",
                Hypervisor::QemuSystem,
                Transport::Tls,
                form("", "host", "", ""),
            ),
            (
                "qemu+tcp://10.0.0.7:16509/session",
                Hypervisor::QemuSession,
                Transport::Tcp,
                form("", "10.0.0.7", "16509", ""),
            ),
            (
                "qemu+unix:///system?socket=/tmp/s/libvirt-sock",
                Hypervisor::QemuSystem,
                Transport::Unix,
                form("", "", "", "/tmp/s/libvirt-sock"),
            ),
            (
                "test:///srv/node.xml",
                Hypervisor::Test,
                Transport::Local,
                form("", "", "", "/srv/node.xml"),
            ),
            (
                "test:///default",
                Hypervisor::Test,
                Transport::Local,
                form("", "", "", ""),
            ),
            (
                "qemu+ssh://root@[fe80::1]:22/system",
                Hypervisor::QemuSystem,
                Transport::Ssh,
                form("root", "fe80::1", "22", ""),
            ),
        ];
        for (uri, hv, t, f) in cases {
            assert_eq!(parse(uri), (hv, t, f.clone()), "{uri}");
            assert_eq!(build(hv, t, &f).as_deref(), Ok(uri), "{uri} builds back");
        }
    }

    #[test]
    fn what_the_form_cannot_make_is_kept_whole_as_custom() {
        for uri in [
            "xen:///system",
            "qemu+ssh://root@host/system?keyfile=/root/.ssh/k",
            "qemu+libssh2://host/system",
            "qemu:///embed?root=/tmp/x",
            "lxc:///",
            "qemu://host/system",
        ] {
            let (hv, _, f) = parse(uri);
            assert_eq!(hv, Hypervisor::Custom, "{uri}");
            assert_eq!(f.custom, uri);
            assert_eq!(
                build(hv, Transport::Local, &f).as_deref(),
                Ok(uri),
                "a custom URI builds as itself"
            );
        }
    }
}
