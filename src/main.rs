use std::process::ExitCode;

use hangar::cli::{self, Parsed};
use hangar::core::{event_loop, startup};
use hangar::settings::AppSettings;
use hangar::{config, i18n, ui};

fn main() -> ExitCode {
    // Before any thread starts: it sets an environment variable GTK reads.
    ui::renderer::choose();
    i18n::init();
    let args = match cli::parse(std::env::args().skip(1)) {
        Parsed::Run(args) => args,
        Parsed::Print(text) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Parsed::Error(text) => {
            eprintln!("hangar: {text}");
            return ExitCode::from(2);
        }
    };
    // libvirt's event implementation must exist before the first connection opens;
    // GTK's main loop runs it (see core::event_loop).
    if let Err(e) = event_loop::register() {
        let text = gettextrs::gettext("Cannot start the libvirt event loop: {error}");
        eprintln!("hangar: {}", text.replace("{error}", &e.to_string()));
        return ExitCode::FAILURE;
    }
    let demo = startup::demo_file(config::PKGDATADIR);
    let settings = AppSettings::load();
    // Named hosts win; else every saved host (those marked autoconnect are opened,
    // the others listed as not connected); else the first local hypervisor that
    // answers, or the demo. `--demo` alone opens just the demo.
    let saved = settings.saved_specs();
    let mut specs = if !args.connect.is_empty() {
        startup::choose_connections(&args.connect, &demo)
    } else if args.demo {
        Vec::new()
    } else if !saved.is_empty() {
        saved
    } else {
        startup::choose_connections(&[], &demo)
    };
    if args.demo {
        specs.push(startup::demo_spec(&demo));
    }
    let keepalive = settings.keepalive();
    let specs = specs
        .into_iter()
        .map(|spec| spec.with_keepalive(keepalive))
        .collect();
    // Connect while GTK starts: the workers run from here on.
    let (connector, hosts, updates) = ui::start_workers(specs);
    ui::run(ui::AppInit {
        connector,
        hosts,
        updates,
        settings,
        quit_after_load: args.quit_after_load,
    });
    ExitCode::SUCCESS
}
