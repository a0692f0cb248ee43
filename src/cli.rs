//! Command-line arguments. Parsed by hand: three options do not justify a parser crate.

use gettextrs::gettext;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--connect URI`, in order, possibly repeated.
    pub connect: Vec<String>,
    /// `--demo`: open the bundled demo hypervisor (in addition to `--connect` URIs).
    pub demo: bool,
    pub quit_after_load: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Args),
    /// Print this and exit 0 (--help, --version).
    Print(String),
    /// Print this to stderr and exit 2.
    Error(String),
}

pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Parsed {
    let mut out = Args::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-c" | "--connect" => match it.next() {
                Some(uri) if !uri.trim().is_empty() => out.connect.push(uri),
                _ => {
                    return Parsed::Error(gettext(
                        "--connect needs a libvirt URI, for example qemu:///system",
                    ))
                }
            },
            s if s.starts_with("--connect=") => {
                out.connect.push(s["--connect=".len()..].to_string())
            }
            "--demo" => out.demo = true,
            "--quit-after-load" => out.quit_after_load = true,
            "-h" | "--help" => return Parsed::Print(help()),
            "--version" => return Parsed::Print(format!("hangar {}", crate::config::VERSION)),
            other => {
                return Parsed::Error(
                    gettext("Unknown option “{option}”. Try --help.").replace("{option}", other),
                )
            }
        }
    }
    Parsed::Run(out)
}

fn help() -> String {
    [
        gettext("Usage: hangar [--connect URI]… [--demo] [--quit-after-load]"),
        String::new(),
        gettext("Manage libvirt virtual machines, networks and storage."),
        String::new(),
        gettext("  -c, --connect URI    open this libvirt connection (repeatable), e.g."),
        "                       qemu:///system, qemu+ssh://user@host/system, test:///default"
            .into(),
        gettext("      --demo           also open the bundled demo hypervisor"),
        gettext(
            "      --quit-after-load  print load statistics once everything is shown, then quit",
        ),
        String::new(),
        gettext("Without --connect, Hangar opens qemu:///system, else qemu:///session,"),
        gettext("else the bundled demo hypervisor."),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Parsed {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn connect_is_repeatable_and_keeps_order() {
        let Parsed::Run(a) = p(&[
            "--connect",
            "qemu:///system",
            "-c",
            "test:///default",
            "--quit-after-load",
        ]) else {
            panic!()
        };
        assert_eq!(a.connect, vec!["qemu:///system", "test:///default"]);
        assert!(a.quit_after_load);
    }

    #[test]
    fn missing_uri_and_unknown_options_are_errors() {
        assert!(matches!(p(&["--connect"]), Parsed::Error(_)));
        assert!(matches!(p(&["--connect", " "]), Parsed::Error(_)));
        assert!(matches!(p(&["--bogus"]), Parsed::Error(e) if e.contains("--bogus")));
    }

    #[test]
    fn equals_form_works() {
        let Parsed::Run(a) = p(&["--connect=qemu:///session"]) else {
            panic!()
        };
        assert_eq!(a.connect, vec!["qemu:///session"]);
    }
}
