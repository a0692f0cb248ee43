#!/usr/bin/env bash
# Runs the end-to-end tests: the real hangar binary, a real libvirtd, real QEMU guests,
# driven over AT-SPI inside a private Xvfb display and D-Bus session.
# Usage: tests/e2e/run.sh [path/to/hangar]   (needs root to run the system libvirtd)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export HANGAR_BIN=${1:-$top/target/debug/hangar}
[ -x "$HANGAR_BIN" ] || { echo "e2e: no hangar binary at $HANGAR_BIN (build first)"; exit 1; }
bash "$top/tests/support/libvirtd.sh" start
cd "$here"
# xvfb-run gives a display; dbus-run-session a session bus; the AT-SPI bus launcher
# makes the accessibility tree visible to the test (GTK 4 talks AT-SPI over D-Bus).
exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately &
  launcher=$!
  status=0
  for t in test_*.py; do
    echo "== $t"
    /usr/bin/python3 "$t" || status=1
  done
  kill $launcher 2>/dev/null || true
  exit $status
'
