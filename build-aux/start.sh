#!/usr/bin/env bash
# Sets up and starts Hangar from this checkout: installs the Debian packages that are
# missing, builds a release binary, and runs it. With no local libvirtd answering,
# Hangar opens its bundled demo hypervisor. Extra arguments go to hangar
# (e.g. --connect qemu+ssh://user@host/system).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
bash build-aux/install-deps.sh run
cargo build --release --locked
exec target/release/hangar "$@"
