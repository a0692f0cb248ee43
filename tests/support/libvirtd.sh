#!/usr/bin/env bash
# libvirtd.sh — start/stop the machine's system libvirtd (qemu:///system) without systemd.
#
# WHY: CI and dev containers have no systemd and no D-Bus system bus, so nothing starts
# libvirtd. Hangar's integration tests need a real daemon (with virtlogd, without which
# "virsh start" fails). This script is idempotent: "start" does nothing if the daemon
# already answers on /run/libvirt/libvirt-sock.
#
# Usage (as root):
#   tests/support/libvirtd.sh start    # start virtlogd + libvirtd if needed, wait <= 30 s
#   tests/support/libvirtd.sh stop     # stop libvirtd then virtlogd (running guests keep running)
#   tests/support/libvirtd.sh status   # exit 0 if qemu:///system answers, 3 if not
# Daemon warnings/errors go to /var/log/libvirt/libvirtd.log and /var/log/libvirt/virtlogd.log.
set -euo pipefail

URI=qemu:///system
LIBVIRTD_PID=/run/libvirtd.pid
VIRTLOGD_PID=/run/virtlogd.pid
VIRTLOGD_SOCK=/run/libvirt/virtlogd-sock
LIBVIRTD_LOG=/var/log/libvirt/libvirtd.log
VIRTLOGD_LOG=/var/log/libvirt/virtlogd.log
TIMEOUT=${LIBVIRTD_START_TIMEOUT:-30}

die() { echo "libvirtd.sh: $*" >&2; exit 1; }

answers() { timeout "${1:-5}" virsh -c "$URI" version >/dev/null 2>&1; }

# pid from PIDFILE if that process is alive and is NAME
# alive and not a zombie (a container's pid 1 may reap orphans late)
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

live_pid() { # pidfile name
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

stop_pid() { # pidfile name
  local pid
  pid=$(live_pid "$1" "$2") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    echo "libvirtd.sh: $2 ($pid) ignored SIGTERM for 15 s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$1"
}

prepare_dirs() {
  # A fresh container may lack runtime dirs; the package normally creates the others,
  # but recreating them is harmless. The qemu log dir must exist for serial <log file=…/>.
  mkdir -p /run/libvirt /var/log/libvirt/qemu /var/lib/libvirt/qemu /var/lib/libvirt/images \
    /var/cache/libvirt/qemu
  [ -r /etc/libvirt/libvirtd.conf ] || die "/etc/libvirt/libvirtd.conf missing (install libvirt-daemon-system)"
  [ -r /etc/libvirt/qemu.conf ] || die "/etc/libvirt/qemu.conf missing (install libvirt-daemon-system)"
  id libvirt-qemu >/dev/null 2>&1 || die "user libvirt-qemu missing (install libvirt-daemon-system)"
}

cmd_start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  command -v libvirtd >/dev/null || die "libvirtd not found (install libvirt-daemon-system)"
  command -v virsh >/dev/null || die "virsh not found (install libvirt-clients)"
  if answers && live_pid "$VIRTLOGD_PID" virtlogd >/dev/null; then
    echo "libvirtd.sh: already running ($URI answers)"; return 0
  fi
  prepare_dirs
  local t0; t0=$(date +%s%N)
  if ! live_pid "$VIRTLOGD_PID" virtlogd >/dev/null; then
    rm -f "$VIRTLOGD_SOCK"
    LIBVIRT_LOG_OUTPUTS="3:file:$VIRTLOGD_LOG" virtlogd -d -p "$VIRTLOGD_PID"
  fi
  if ! live_pid "$LIBVIRTD_PID" libvirtd >/dev/null; then
    LIBVIRT_LOG_OUTPUTS="3:file:$LIBVIRTD_LOG" libvirtd -d -p "$LIBVIRTD_PID"
  fi
  local deadline=$((SECONDS + TIMEOUT))
  until [ -S "$VIRTLOGD_SOCK" ] && answers 15; do
    if [ $SECONDS -ge $deadline ]; then
      echo "libvirtd.sh: ERROR: $URI did not answer within ${TIMEOUT} s" >&2
      live_pid "$VIRTLOGD_PID" virtlogd >/dev/null || echo "libvirtd.sh: virtlogd is not running" >&2
      [ -S "$VIRTLOGD_SOCK" ] || echo "libvirtd.sh: $VIRTLOGD_SOCK missing" >&2
      live_pid "$LIBVIRTD_PID" libvirtd >/dev/null || echo "libvirtd.sh: libvirtd is not running" >&2
      echo "--- tail $LIBVIRTD_LOG" >&2; tail -n 20 "$LIBVIRTD_LOG" >&2 2>/dev/null || true
      echo "--- tail $VIRTLOGD_LOG" >&2; tail -n 5 "$VIRTLOGD_LOG" >&2 2>/dev/null || true
      exit 1
    fi
    if ! live_pid "$LIBVIRTD_PID" libvirtd >/dev/null; then
      echo "libvirtd.sh: ERROR: libvirtd exited during start-up" >&2
      tail -n 20 "$LIBVIRTD_LOG" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  echo "libvirtd.sh: started, $URI answers after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

cmd_stop() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  if answers; then
    local n; n=$(timeout 5 virsh -c "$URI" list --name 2>/dev/null | grep -c . || true)
    [ "$n" -eq 0 ] || echo "libvirtd.sh: note: $n running domain(s) keep running without libvirtd" >&2
  fi
  stop_pid "$LIBVIRTD_PID" libvirtd
  stop_pid "$VIRTLOGD_PID" virtlogd
  echo "libvirtd.sh: stopped"
}

cmd_status() {
  local lp vp
  lp=$(live_pid "$LIBVIRTD_PID" libvirtd || echo -)
  vp=$(live_pid "$VIRTLOGD_PID" virtlogd || echo -)
  if answers; then
    echo "running: $URI answers (libvirtd pid $lp, virtlogd pid $vp)"
  else
    echo "not running: $URI does not answer (libvirtd pid $lp, virtlogd pid $vp)"; exit 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
