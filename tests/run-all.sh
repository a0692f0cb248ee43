#!/usr/bin/env bash
# Hangar's whole test suite, as CI runs it: installs what the tests need (Debian
# packages, a libvirtd, Xvfb), builds once, then runs
#   1. unit and core tests (libvirt's test driver, in process),
#   2. UI tests of the real root component under Xvfb,
#   3. packaging checks (desktop file, metainfo, schema, flatpak manifest, translations),
#   4. end-to-end tests of the real binary against a real libvirtd and QEMU guests,
#   5. a meson install into a temporary prefix, and the installed binary on its data.
# Usage: bash tests/run-all.sh        (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==== %s\n' "$*"; }

step "installing test dependencies"
bash build-aux/install-deps.sh test

step "building (once, for every test target)"
cargo build --locked --all-targets

step "starting a local libvirtd for the tests that need a real hypervisor"
bash tests/support/libvirtd.sh start
# Tests that need the real libvirtd (and root) run only when this is set; here it is,
# so they run and any failure fails the suite.
export HANGAR_REAL_LIBVIRT=1

step "unit, core and UI tests (UI under Xvfb)"
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- cargo test --locked --all-targets

if [ -f tests/packaging/check.sh ]; then
  step "packaging checks"
  bash tests/packaging/check.sh
fi

step "end-to-end tests against a real libvirtd"
bash tests/e2e/run.sh "$PWD/target/debug/hangar"

step "meson install into a temporary prefix, and the installed binary"
bash tests/packaging/install-check.sh

step "all tests passed"
