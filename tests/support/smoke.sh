#!/usr/bin/env bash
# smoke.sh — end-to-end check of Hangar's test support scripts, for humans and CI.
#
# WHY: the integration tests depend on a running libvirtd, a bootable tiny guest, qcow2
# overlays and a second "remote" daemon. When one of those breaks (new kernel, packages,
# container quirks), this script says which, in about 30 s, before any Rust test is blamed.
#
# Usage (as root):  tests/support/smoke.sh [BOOTS]
#   BOOTS (default 1): how many times to boot the guest; the median boot time is printed.
# Steps: start libvirtd (libvirtd.sh), build the guest (tiny-guest.sh, cached in
# /var/lib/libvirt/images/hangar-test/guest), define a domain on a qcow2 overlay of a 16 MiB
# qcow2 base, boot it and wait (60 s) for HANGAR-DISK-WRITTEN and HANGAR-TINY-GUEST READY in
# its serial log, run `echo hangar-$((6*7))` on its console through `virsh console`, check the
# guest's marker landed in the overlay and not in the base, destroy and undefine it; then start
# a private libvirtd (private-libvirtd.sh), check both daemons answer at once and do not share
# domains, kill/restart it 3 times, freeze/thaw it, stop it. Prints PASS or FAIL (exit 1).
# Leaves the main libvirtd running; removes every domain, daemon and file it created
# (except the cached guest build).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOOTS=${1:-1}
URI=qemu:///system
GUEST_DIR=/var/lib/libvirt/images/hangar-test/guest
WORK=/var/lib/libvirt/images/hangar-test/smoke-$$
NAME=hangar-smoke-$$
PRIV_DIR=/tmp/hangar-smoke-priv-$$
SERIAL=$("$HERE/tiny-guest.sh" serial-log "$NAME")
FAILED=""

log() { echo "smoke: $*"; }
fail() { echo "smoke: FAIL: $*" >&2; FAILED="$FAILED $1"; }

cleanup() {
  set +e
  if virsh -c "$URI" dominfo "$NAME" >/dev/null 2>&1; then
    virsh -c "$URI" destroy "$NAME" >/dev/null 2>&1
    virsh -c "$URI" undefine "$NAME" >/dev/null 2>&1
  fi
  if [ -e "$PRIV_DIR/libvirtd.conf" ]; then "$HERE/private-libvirtd.sh" stop "$PRIV_DIR" >/dev/null 2>&1; fi
  rm -rf "$WORK" "$PRIV_DIR"
  rm -f "$SERIAL" "/var/log/libvirt/qemu/$NAME.log"
}
trap cleanup EXIT
trap 'echo "smoke: FAIL (error at line $LINENO)"' ERR

has_domain() { # uri name
  local names; names=$(virsh -c "$1" list --all --name 2>/dev/null) || return 2
  grep -qx -- "$2" <<<"$names"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

wait_serial() { # pattern timeout_s
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  until grep -aq "$1" "$SERIAL" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Types LINE on the domain's serial console via `virsh console` in a pty; succeeds when
# EXPECT appears in the output.
console_check() { # uri name line expect
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
uri, name, line, expect = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.execvp('virsh', ['virsh', '-c', uri, 'console', name])
buf = b''
def read_until(pat, timeout):
    global buf
    end = time.time() + timeout
    while pat not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    return pat in buf
ok = read_until(b'Escape character', 10)
if ok:
    os.write(fd, b'\r')
    time.sleep(0.3)
    os.write(fd, line.encode() + b'\r')
    ok = read_until(expect.encode(), 10)
os.write(fd, b'\x1d')  # ^] detaches
time.sleep(0.3)
try:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
except OSError:
    pass
if not ok:
    sys.stderr.write(buf.decode(errors='replace') + '\n')
sys.exit(0 if ok else 1)
PY
}

# ---- 1. main libvirtd
t=$(now_ms)
"$HERE/libvirtd.sh" start
log "libvirtd answers ($(( $(now_ms) - t )) ms including the check)"

# ---- 2. guest build
t=$(now_ms)
"$HERE/tiny-guest.sh" build "$GUEST_DIR"
log "guest build step: $(( $(now_ms) - t )) ms"

# ---- 3. domain on a qcow2 overlay
mkdir -p "$WORK"; chmod 0755 "$WORK"
qemu-img create -q -f qcow2 "$WORK/base.qcow2" 16M
qemu-img create -q -f qcow2 -F qcow2 -b "$WORK/base.qcow2" "$WORK/overlay.qcow2"
"$HERE/tiny-guest.sh" domain-xml "$NAME" "$GUEST_DIR" "$WORK/overlay.qcow2" >"$WORK/domain.xml"
virsh -c "$URI" define "$WORK/domain.xml" >/dev/null

times=()
for i in $(seq 1 "$BOOTS"); do
  rm -f "$SERIAL"
  t=$(now_ms)
  virsh -c "$URI" start "$NAME" >/dev/null
  if wait_serial 'HANGAR-TINY-GUEST READY' 60; then
    times+=($(( $(now_ms) - t )))
    log "boot $i: banner after ${times[-1]} ms"
  else
    fail boot; log "serial log tail:"; tail -n 20 "$SERIAL" 2>/dev/null || true; break
  fi
  grep -aq 'HANGAR-DISK-WRITTEN' "$SERIAL" || fail disk-written
  if [ "$i" -eq 1 ]; then
    # shellcheck disable=SC2016  # $((6*7)) is for the guest's shell
    if console_check "$URI" "$NAME" 'echo hangar-$((6*7))' 'hangar-42'; then
      log "console: typed echo hangar-\$((6*7)), got hangar-42"
    else
      fail console
    fi
  fi
  virsh -c "$URI" destroy "$NAME" >/dev/null
done
virsh -c "$URI" domstate "$NAME" 2>/dev/null | grep -q '^shut off' ||
  virsh -c "$URI" destroy "$NAME" >/dev/null 2>&1 || true
if [ ${#times[@]} -gt 0 ]; then
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  log "boot time median of ${#times[@]}: ${median} ms (virsh start -> banner in serial log)"
fi

# the guest wrote its marker to the overlay, not to the base
marker_at_1m() { # image
  qemu-img convert -U -O raw "$1" "$WORK/probe.raw"
  dd if="$WORK/probe.raw" bs=1M skip=1 count=1 2>/dev/null | tr -d '\0' | head -c 64
  rm -f "$WORK/probe.raw"
}
m=$(marker_at_1m "$WORK/overlay.qcow2")
case "$m" in written-by-guest*) log "overlay holds: $(echo "$m" | head -n1)" ;; *) fail overlay-marker ;; esac
[ -z "$(marker_at_1m "$WORK/base.qcow2")" ] || fail base-modified
virsh -c "$URI" undefine "$NAME" >/dev/null
virsh -c "$URI" dominfo "$NAME" >/dev/null 2>&1 && fail undefine

# ---- 4. private ("remote") libvirtd
t=$(now_ms)
PURI=$("$HERE/private-libvirtd.sh" start "$PRIV_DIR")
log "private libvirtd: $PURI ($(( $(now_ms) - t )) ms)"
virsh -c "$URI" version >/dev/null || fail main-answer-while-private-runs
virsh -c "$PURI" version >/dev/null || fail private-answer
"$HERE/tiny-guest.sh" domain-xml "$NAME-priv" "$GUEST_DIR" >"$PRIV_DIR/p.xml"
virsh -c "$PURI" define "$PRIV_DIR/p.xml" >/dev/null
has_domain "$URI" "$NAME-priv" && fail shared-state
has_domain "$PURI" "$NAME-priv" || fail private-define
for i in 1 2 3; do
  "$HERE/private-libvirtd.sh" kill "$PRIV_DIR" 2>/dev/null
  if "$HERE/private-libvirtd.sh" status "$PRIV_DIR" >/dev/null; then fail "kill-$i"; fi
  t=$(now_ms)
  "$HERE/private-libvirtd.sh" start "$PRIV_DIR" >/dev/null 2>&1 || fail "restart-$i"
  has_domain "$PURI" "$NAME-priv" || fail "restart-$i-state"
  log "private libvirtd kill + restart $i: answers after $(( $(now_ms) - t )) ms"
done
"$HERE/private-libvirtd.sh" freeze "$PRIV_DIR" 2>/dev/null
if timeout 3 virsh -c "$PURI" list >/dev/null 2>&1; then fail freeze; else log "frozen daemon: virsh hangs (killed after 3 s)"; fi
"$HERE/private-libvirtd.sh" thaw "$PRIV_DIR" 2>/dev/null
timeout 10 virsh -c "$PURI" list >/dev/null 2>&1 || fail thaw
virsh -c "$PURI" undefine "$NAME-priv" >/dev/null
"$HERE/private-libvirtd.sh" stop "$PRIV_DIR" 2>/dev/null
"$HERE/private-libvirtd.sh" status "$PRIV_DIR" >/dev/null 2>&1 && fail private-stop

trap - ERR
if [ -z "$FAILED" ]; then
  echo "PASS"
else
  echo "FAIL:$FAILED"; exit 1
fi
