#!/usr/bin/env python3
"""Write flatpak-builder sources that vendor every crate in Cargo.lock.

flatpak-builder builds without network, so cargo must find all crates on disk. For each
crates.io package this emits:
  * an archive source: the .crate file from static.crates.io, checked against the
    checksum Cargo.lock already records, unpacked to cargo/vendor/NAME-VERSION;
  * an inline .cargo-checksum.json beside it. Cargo insists on one in directory
    sources; "files" stays empty because flatpak-builder already verified the archive.
and finally a cargo config.toml that replaces crates.io with that vendor directory.
The manifest sets CARGO_HOME=/run/build/hangar/cargo so cargo reads that config.

Usage: flatpak-cargo-sources.py [Cargo.lock] [-o OUTPUT]   (default: stdout)
"""
import argparse
import json
import sys
import tomllib

CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
VENDOR_DIR = "cargo/vendor"
# Relative paths in a cargo config resolve against the parent of the directory holding
# it, i.e. against the module's build directory when the config is cargo/config.toml.
CARGO_CONFIG = f"""[source.vendored-sources]
directory = "{VENDOR_DIR}"

[source.crates-io]
replace-with = "vendored-sources"

[net]
offline = true
"""


def crate_sources(lock):
    sources = []
    packages = sorted(lock.get("package", []), key=lambda p: (p["name"], p["version"]))
    for pkg in packages:
        source = pkg.get("source")
        if source is None:
            continue  # a workspace member: built from the local checkout
        if source != CRATES_IO:
            # Git or other registries would need their own source types; refuse rather
            # than emit a manifest that fails later inside the sandbox.
            sys.exit(f"{pkg['name']} {pkg['version']}: unsupported source {source}")
        if "checksum" not in pkg:
            sys.exit(f"{pkg['name']} {pkg['version']}: no checksum in Cargo.lock")
        name, version, checksum = pkg["name"], pkg["version"], pkg["checksum"]
        dest = f"{VENDOR_DIR}/{name}-{version}"
        sources.append({
            "type": "archive",
            # .crate is not an extension flatpak-builder recognises
            "archive-type": "tar-gzip",
            "url": f"https://static.crates.io/crates/{name}/{name}-{version}.crate",
            "sha256": checksum,
            "dest": dest,
        })
        sources.append({
            "type": "inline",
            "contents": json.dumps({"package": checksum, "files": {}}),
            "dest": dest,
            "dest-filename": ".cargo-checksum.json",
        })
    sources.append({
        "type": "inline",
        "contents": CARGO_CONFIG,
        "dest": "cargo",
        "dest-filename": "config.toml",
    })
    return sources


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lockfile", nargs="?", default="Cargo.lock")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args()
    with open(args.lockfile, "rb") as f:
        lock = tomllib.load(f)
    text = json.dumps(crate_sources(lock), indent=4) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
