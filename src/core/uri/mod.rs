//! Building libvirt connection URIs from what a person fills in, with a message per
//! field when something is wrong — before anything is opened.
//!
//! `driver[+transport]://[user@][host][:port]/path[?query]`, as `virsh -c` takes it.
//! [`parse`] goes back, so a saved connection can be edited in the same form.

use gettextrs::gettext;

mod parse;
pub use parse::parse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hypervisor {
    QemuSystem,
    QemuSession,
    /// libvirt's test driver: a node file, or its built-in default.
    Test,
    /// Any other URI, typed whole (`UriForm::custom`).
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Local,
    Ssh,
    Tls,
    Tcp,
    /// A libvirtd socket at a path of the person's choosing.
    Unix,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UriForm {
    pub user: String,
    pub host: String,
    pub port: String,
    /// The socket path (Unix) or the node file (Test); empty for the defaults.
    pub path: String,
    /// The whole URI, for `Hypervisor::Custom`.
    pub custom: String,
}

/// Which field a problem belongs to, so the form can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    User,
    Host,
    Port,
    Path,
    /// The custom URI.
    Uri,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

pub fn build(hv: Hypervisor, transport: Transport, f: &UriForm) -> Result<String, FieldError> {
    let err = |field, message: String| Err(FieldError { field, message });
    let (driver, path) = match hv {
        Hypervisor::Custom => return custom(&f.custom),
        Hypervisor::QemuSystem => ("qemu", "/system".to_string()),
        Hypervisor::QemuSession => ("qemu", "/session".to_string()),
        Hypervisor::Test => {
            let p = f.path.trim();
            if transport == Transport::Local && !p.is_empty() && !p.starts_with('/') {
                return err(
                    Field::Path,
                    gettext("The test driver needs an absolute file path"),
                );
            }
            (
                "test",
                if transport == Transport::Local && !p.is_empty() {
                    p.to_string()
                } else {
                    "/default".into()
                },
            )
        }
    };
    let user = f.user.trim();
    let host = f.host.trim();
    let port = f.port.trim();
    if user.contains(['@', '/', ':', ' ']) {
        return err(
            Field::User,
            gettext("A user name cannot contain “@”, “/”, “:” or spaces"),
        );
    }
    if host.contains(['@', '/', ' ', '?']) {
        return err(Field::Host, gettext("Enter only the host name or address"));
    }
    if !port.is_empty() && port.parse::<u16>().map_or(true, |p| p == 0) {
        return err(
            Field::Port,
            gettext("The port must be a number from 1 to 65535"),
        );
    }
    let scheme = match transport {
        Transport::Local => driver.to_string(),
        Transport::Ssh => format!("{driver}+ssh"),
        Transport::Tls => format!("{driver}+tls"),
        Transport::Tcp => format!("{driver}+tcp"),
        Transport::Unix => format!("{driver}+unix"),
    };
    let remote = matches!(transport, Transport::Ssh | Transport::Tls | Transport::Tcp);
    if remote && host.is_empty() {
        return err(Field::Host, gettext("A remote connection needs a host"));
    }
    let mut authority = String::new();
    if remote {
        if !user.is_empty() {
            authority.push_str(user);
            authority.push('@');
        }
        // An IPv6 literal needs brackets in a URI.
        if host.contains(':') && !host.starts_with('[') {
            authority.push_str(&format!("[{host}]"));
        } else {
            authority.push_str(host);
        }
        if !port.is_empty() {
            authority.push(':');
            authority.push_str(port);
        }
    }
    let mut uri = format!("{scheme}://{authority}{path}");
    if transport == Transport::Unix {
        let socket = f.path.trim();
        if !socket.is_empty() {
            if !socket.starts_with('/') {
                return err(Field::Path, gettext("The socket path must be absolute"));
            }
            uri.push_str("?socket=");
            uri.push_str(socket);
        }
    }
    Ok(uri)
}

/// A URI typed whole: libvirt judges it when connecting; here only its shape.
fn custom(uri: &str) -> Result<String, FieldError> {
    let uri = uri.trim();
    let scheme = uri.split_once(':').map(|(s, _)| s).unwrap_or("");
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if uri.is_empty() || !scheme_ok || uri.contains(char::is_whitespace) {
        return Err(FieldError {
            field: Field::Uri,
            message: gettext("Enter a URI such as qemu+ssh://user@host/system"),
        });
    }
    Ok(uri.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn form(user: &str, host: &str, port: &str, path: &str) -> UriForm {
        UriForm {
            user: user.into(),
            host: host.into(),
            port: port.into(),
            path: path.into(),
            custom: String::new(),
        }
    }

    #[test]
    fn the_seeds_uris_come_out_as_virsh_takes_them() {
        let f = UriForm::default();
        assert_eq!(
            build(Hypervisor::QemuSystem, Transport::Local, &f).unwrap(),
            "qemu:///system"
        );
        assert_eq!(
            build(Hypervisor::QemuSession, Transport::Local, &f).unwrap(),
            "qemu:///session"
        );
        assert_eq!(
            build(
                Hypervisor::QemuSystem,
                Transport::Ssh,
                &form("root", "10.0.0.5", "2222", "")
            )
            .unwrap(),
            "qemu+ssh://root@10.0.0.5:2222/system"
        );
        assert_eq!(
            build(
                Hypervisor::QemuSystem,
                Transport::Tls,
                &form("", "kvm1.example.org", "", "")
            )
            .unwrap(),
            "qemu+tls://kvm1.example.org/system"
        );
        assert_eq!(
            build(
                Hypervisor::QemuSystem,
                Transport::Unix,
                &form("", "", "", "/tmp/s/libvirt-sock")
            )
            .unwrap(),
            "qemu+unix:///system?socket=/tmp/s/libvirt-sock"
        );
        assert_eq!(
            build(
                Hypervisor::Test,
                Transport::Local,
                &form("", "", "", "/srv/node.xml")
            )
            .unwrap(),
            "test:///srv/node.xml"
        );
        assert_eq!(
            build(
                Hypervisor::QemuSystem,
                Transport::Ssh,
                &form("", "fe80::1", "", "")
            )
            .unwrap(),
            "qemu+ssh://[fe80::1]/system"
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (Transport::Ssh, form("", "", "", ""), Field::Host),
            (Transport::Ssh, form("a@b", "h", "", ""), Field::User),
            (Transport::Ssh, form("", "h", "99999", ""), Field::Port),
            (Transport::Ssh, form("", "h", "0", ""), Field::Port),
            (Transport::Ssh, form("", "h", "ssh", ""), Field::Port),
            (Transport::Ssh, form("", "user@h", "", ""), Field::Host),
            (
                Transport::Unix,
                form("", "", "", "relative/sock"),
                Field::Path,
            ),
        ];
        for (t, f, field) in cases {
            let e = build(Hypervisor::QemuSystem, t, &f).unwrap_err();
            assert_eq!(e.field, field, "{f:?}");
            assert!(!e.message.is_empty());
        }
        let e = build(
            Hypervisor::Test,
            Transport::Local,
            &form("", "", "", "node.xml"),
        )
        .unwrap_err();
        assert_eq!(e.field, Field::Path);
        for bad in ["", "system", "qemu ssh://h/system", "://h"] {
            let f = UriForm {
                custom: bad.into(),
                ..UriForm::default()
            };
            let e = build(Hypervisor::Custom, Transport::Local, &f).unwrap_err();
            assert_eq!(e.field, Field::Uri, "{bad}");
        }
    }
}
