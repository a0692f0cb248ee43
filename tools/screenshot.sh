#!/usr/bin/env bash
# Takes the README screenshot from the real app: the demo hypervisor under Xvfb, one
# machine selected, the window cropped out. Usage:
#   tools/screenshot.sh OUT.png [MACHINE-TO-SELECT] [extra hangar args…]
# Set LANGUAGE=zh_CN (with hangar.mo installed, and a CJK font such as
# fonts-wqy-microhei) for the translated window.
set -euo pipefail
out=$(realpath -m "$1"); select=${2:-web-01}; shift $(( $# >= 2 ? 2 : 1 ))
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${HANGAR_BIN:-$top/target/debug/hangar}
export OUT=$out SELECT=$select BIN=$bin EXTRA="$*" TOP=$top
xvfb-run -a -s '-screen 0 1100x720x24' dbus-run-session -- bash -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately &
  "$BIN" --demo $EXTRA &
  app=$!
  PYTHONPATH="$TOP/tests/e2e" /usr/bin/python3 - <<PY
import time
from atspi_helpers import find, find_app, wait, click_at
app = find_app("hangar")
label = wait("row", lambda: find(app, lambda n: n.getRoleName() == "label" and n.name == "$SELECT"))
click_at(label)
time.sleep(float(__import__("os").environ.get("SHOT_WAIT", "1.0")))
PY
  import -window root "$OUT"
  kill $app
' 2>/dev/null
echo "wrote $out"
