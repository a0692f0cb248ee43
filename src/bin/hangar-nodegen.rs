//! Writes a libvirt test-driver node file for the benchmark and the tests:
//! `hangar-nodegen --domains N [--networks N] [--pools N] [--volumes-per-pool N]
//! [--prefix NAME] [--state mixed|running|paused|shutoff] OUT.xml`.
//! Open the result with `test:///ABSOLUTE/PATH/OUT.xml`. Each domain has a qcow2 disk
//! and a NIC; by default the states are mixed (running, paused, shut off), see
//! `hangar::core::node_file`.

use std::process::ExitCode;

use hangar::core::node_file::{generate, generate_with_states, NodeSpec};

const USAGE: &str = "Usage: hangar-nodegen --domains N [--networks N] [--pools N] \
                     [--volumes-per-pool N] [--prefix NAME] \
                     [--state mixed|running|paused|shutoff] OUT.xml  (OUT - writes to stdout)";

fn main() -> ExitCode {
    let mut spec = NodeSpec::with_domains(0);
    let mut domains = None;
    // None: the mixed states of node_file::state_of. Else one virDomainState for all.
    let mut state: Option<u32> = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            let v = args
                .next()
                .ok_or_else(|| format!("{what} needs a number"))?;
            v.parse()
                .map_err(|_| format!("{what}: not a non-negative number: {v}"))
        };
        let r = match arg.as_str() {
            "--domains" => number("--domains").map(|n| domains = Some(n)),
            "--networks" => number("--networks").map(|n| spec.networks = n),
            "--pools" => number("--pools").map(|n| spec.pools = n),
            "--volumes-per-pool" => number("--volumes-per-pool").map(|n| spec.volumes_per_pool = n),
            "--state" => match args.next().as_deref() {
                Some("mixed") => {
                    state = None;
                    Ok(())
                }
                Some("running") => {
                    state = Some(1);
                    Ok(())
                }
                Some("paused") => {
                    state = Some(3);
                    Ok(())
                }
                Some("shutoff") => {
                    state = Some(5);
                    Ok(())
                }
                _ => Err("--state needs mixed, running, paused or shutoff".into()),
            },
            "--prefix" => match args.next() {
                Some(p) if !p.is_empty() => {
                    spec.name_prefix = p;
                    Ok(())
                }
                _ => Err("--prefix needs a name".into()),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with("--") => Err(format!("unknown option {s}")),
            path if out.is_none() => {
                out = Some(path.to_string());
                Ok(())
            }
            extra => Err(format!("unexpected argument {extra}")),
        };
        if let Err(e) = r {
            eprintln!("hangar-nodegen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some(domains), Some(out)) = (domains, out) else {
        eprintln!("hangar-nodegen: --domains and OUT are required\n{USAGE}");
        return ExitCode::from(2);
    };
    if spec.networks == 0 && domains > 0 {
        // Every domain's NIC uses network net-1.
        eprintln!("hangar-nodegen: domains need at least one network (net-1)");
        return ExitCode::from(2);
    }
    spec.domains = domains;
    let xml = match state {
        None => generate(&spec),
        Some(s) => generate_with_states(&spec, |_| s),
    };
    let written = if out == "-" {
        use std::io::Write;
        std::io::stdout().lock().write_all(xml.as_bytes())
    } else {
        std::fs::write(&out, xml)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hangar-nodegen: cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
