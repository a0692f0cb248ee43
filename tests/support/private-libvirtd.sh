#!/usr/bin/env bash
# private-libvirtd.sh — a second, independent system-mode libvirtd that plays a "remote host".
#
# WHY: Hangar must cope with several connections and with a remote daemon that dies, hangs or
# restarts, but CI has no ssh and no second machine. We run another root libvirtd reachable
# only through its own unix socket, as
#     qemu+unix:///system?socket=DIR/libvirt-sock
# (the test driver is served too: test+unix:///default?socket=DIR/libvirt-sock).
#
# Two system-mode libvirtds cannot share one machine's paths: the second dies at start with
# "Failed to acquire pid file '/run/libvirt/network/driver.pid'" (each driver locks a pid file
# under /run/libvirt; domains live in /etc/libvirt/qemu and /var/lib/libvirt/qemu, and those
# paths are compiled in). So this daemon runs in its own mount, network and UTS namespaces
# (unshare, util-linux), where these are bind-mounted from DIR/state/:
#     /run/libvirt  /var/cache/libvirt  /var/lib/libvirt/{qemu,dnsmasq}
#     /etc/libvirt/{qemu,storage,secrets,nwfilter}
# Everything else is the host's: /etc/libvirt/*.conf, /var/lib/libvirt/images (so guests can
# use files built by tiny-guest.sh) and /var/log/libvirt (serial logs stay at
# /var/log/libvirt/qemu/NAME-serial.log: do not run same-named domains on both daemons at
# once). Its networks live in a private network namespace (only lo), its hostname is
# "hangar-private". The namespaces are held by an anchor process ("sleep", DIR/ns.pid), so a
# killed libvirtd restarted by "start" finds its running guests and networks again.
# It has its own virtlogd (DIR/virtlogd.pid). Logs: DIR/libvirtd.log, DIR/virtlogd.log.
#
# SASL variant: with PRIVATE_LIBVIRTD_SASL_USER and PRIVATE_LIBVIRTD_SASL_PASSWORD set at
# "start", the read-write socket asks for a user name and password (auth_unix_rw = "sasl",
# mechanism SCRAM-SHA-256) checked against the daemon's own sasldb in DIR/sasl2/ (made with
# saslpasswd2 -f; libvirtd gets SASL_CONF_PATH, so the host's /etc/sasl2 is not used). A client
# must answer libvirt's credential callback, as Hangar does. The script's own virsh calls read
# the credentials from DIR/auth.conf (LIBVIRT_AUTH_FILE, root only). The mode sticks to DIR
# across stop/start. Needs sasl2-bin and libsasl2-modules.
#
# Usage (as root; DIR must be short: unix socket paths are limited to 107 bytes):
#   private-libvirtd.sh start DIR   # start (or thaw) it; prints the URI on stdout
#   private-libvirtd.sh stop DIR    # destroy its running guests, stop libvirtd, virtlogd, anchor
#   private-libvirtd.sh kill DIR    # SIGKILL libvirtd only (a crash); "start DIR" brings it back
#   private-libvirtd.sh freeze DIR  # SIGSTOP libvirtd: connections hang (a hung remote host)
#   private-libvirtd.sh thaw DIR    # SIGCONT libvirtd
#   private-libvirtd.sh status DIR  # exit 0 if it answers, 3 if not
#   private-libvirtd.sh uri DIR     # print the URI
# DIR keeps its state (domain definitions...) across stop/start; rm -rf DIR after stop to reset.
set -euo pipefail

TIMEOUT=${PRIVATE_LIBVIRTD_START_TIMEOUT:-30}
ANCHOR_TAG=hangar-private-libvirtd-ns

die() { echo "private-libvirtd.sh: $*" >&2; exit 1; }
note() { echo "private-libvirtd.sh: $*" >&2; }

[ $# -eq 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
CMD=$1
mkdir -p "$2"
DIR=$(readlink -f "$2")
SOCK=$DIR/libvirt-sock
URI="qemu+unix:///system?socket=$SOCK"
[ ${#SOCK} -le 100 ] || die "socket path $SOCK is too long for a unix socket; use a shorter DIR"
[ "$(id -u)" -eq 0 ] || die "must run as root"

# In the SASL variant, virsh reads the script's own credentials from DIR/auth.conf.
sasl_mode() { [ -e "$DIR/sasl2/libvirt.conf" ]; }
if sasl_mode; then export LIBVIRT_AUTH_FILE="$DIR/auth.conf"; fi

answers() { timeout "${1:-5}" virsh -c "$URI" version >/dev/null 2>&1; }

# alive and not a zombie (killed daemons are reparented to pid 1, which may reap late)
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

live_pid() { # pidfile comm
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

anchor_pid() {
  local pid
  pid=$(live_pid "$DIR/ns.pid" sleep) || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$ANCHOR_TAG" && echo "$pid"
}

in_ns() { nsenter -t "$ANCHOR" -m -n -u -- "$@"; }

# host path -> state dir bound over it
BINDS=(/run/libvirt:run /var/cache/libvirt:cache /var/lib/libvirt/qemu:var-lib-qemu
  /var/lib/libvirt/dnsmasq:var-lib-dnsmasq /etc/libvirt/qemu:etc-qemu
  /etc/libvirt/storage:etc-storage /etc/libvirt/secrets:etc-secrets
  /etc/libvirt/nwfilter:etc-nwfilter)

prepare_state() {
  local b host st
  mkdir -p "$DIR/state"
  chmod 0711 "$DIR"
  for b in "${BINDS[@]}"; do
    host=${b%%:*}; st=$DIR/state/${b#*:}
    mkdir -p "$host"   # the mount point must exist on the host (an empty dir is harmless)
    if [ ! -d "$st" ]; then
      mkdir -p "$st"
      chown --reference="$host" "$st"; chmod --reference="$host" "$st"
    fi
  done
  # Look like a freshly installed host: shipped nwfilters and the (inactive) default network.
  if [ ! -e "$DIR/state/.seeded" ]; then
    cp -a /etc/libvirt/nwfilter/. "$DIR/state/etc-nwfilter/" 2>/dev/null || true
    mkdir -p "$DIR/state/etc-qemu/networks/autostart"
    if [ -r /usr/share/libvirt/networks/default.xml ]; then
      install -m 0600 /usr/share/libvirt/networks/default.xml "$DIR/state/etc-qemu/networks/default.xml"
    fi
    # Reuse the host's QEMU capabilities cache (same binaries): a cold probe takes ~8 s.
    if [ -d /var/cache/libvirt/qemu/capabilities ]; then
      mkdir -p "$DIR/state/cache/qemu"
      cp -a /var/cache/libvirt/qemu/capabilities "$DIR/state/cache/qemu/" 2>/dev/null || true
    fi
    touch "$DIR/state/.seeded"
  fi
  cat >"$DIR/libvirtd.conf" <<EOF
# generated by tests/support/private-libvirtd.sh
unix_sock_dir = "$DIR"
unix_sock_group = "root"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "$(sasl_mode && echo sasl || echo none)"
log_outputs = "3:file:$DIR/libvirtd.log"
EOF
  cat >"$DIR/virtlogd.conf" <<EOF
# generated by tests/support/private-libvirtd.sh
log_outputs = "3:file:$DIR/virtlogd.log"
EOF
}

# The SASL variant: its configuration, its user database and the script's own auth.conf.
prepare_sasl() {
  local user=${PRIVATE_LIBVIRTD_SASL_USER:-} pass=${PRIVATE_LIBVIRTD_SASL_PASSWORD:-}
  [ -n "$user" ] || return 0
  [ -n "$pass" ] || die "PRIVATE_LIBVIRTD_SASL_PASSWORD is empty"
  command -v saslpasswd2 >/dev/null || die "saslpasswd2 not found (install sasl2-bin)"
  compgen -G "/usr/lib/*/sasl2/libscram.so*" >/dev/null ||
    die "the SCRAM mechanism is missing (install libsasl2-modules)"
  mkdir -p "$DIR/sasl2"
  chmod 0700 "$DIR/sasl2"
  printf '# generated by tests/support/private-libvirtd.sh\nmech_list: scram-sha-256\nsasldb_path: %s\n' \
    "$DIR/sasl2/passwd.db" >"$DIR/sasl2/libvirt.conf"
  rm -f "$DIR/sasl2/passwd.db"
  # SASL's realm is the server's host name: the namespace's, "hangar-private".
  printf '%s' "$pass" | saslpasswd2 -p -c -a libvirt -u hangar-private -f "$DIR/sasl2/passwd.db" "$user"
  (umask 077
    printf '[credentials-private]\nauthname=%s\npassword=%s\n\n[auth-libvirt-default]\ncredentials=private\n' \
      "$user" "$pass" >"$DIR/auth.conf")
  export LIBVIRT_AUTH_FILE="$DIR/auth.conf"
}

start_anchor() {
  ANCHOR=$(anchor_pid) && return 0
  # unshare (no --fork) unshares then execs sleep in place: once the pid's mount namespace
  # differs from ours, it is inside. --propagation private (the default) keeps the binds in.
  setsid unshare --mount --net --uts --propagation private \
    bash -c "exec -a $ANCHOR_TAG sleep infinity" </dev/null >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do
    [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" != "$(readlink /proc/self/ns/mnt)" ] &&
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
    sleep 0.1
  done
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] || die "could not create namespaces (unshare failed)"
  echo "$pid" >"$DIR/ns.pid"
  ANCHOR=$pid
  local b host st
  for b in "${BINDS[@]}"; do
    host=${b%%:*}; st=$DIR/state/${b#*:}
    in_ns mount --bind "$st" "$host"
  done
  in_ns hostname hangar-private
  in_ns ip link set lo up
}

cmd_start() {
  command -v libvirtd >/dev/null || die "libvirtd not found (install libvirt-daemon-system)"
  command -v unshare >/dev/null || die "unshare missing (install util-linux)"
  command -v nsenter >/dev/null || die "nsenter missing (install util-linux)"
  local pid
  if pid=$(live_pid "$DIR/libvirtd.pid" libvirtd); then
    if grep -q '^State:.*\(T\|t\) (stopped' "/proc/$pid/status" 2>/dev/null; then
      note "libvirtd $pid was frozen, thawing it"; kill -CONT "$pid"
    fi
    if answers 10; then echo "$URI"; return 0; fi
    die "libvirtd $pid is running but does not answer on $SOCK"
  fi
  prepare_sasl
  prepare_state
  local t0; t0=$(date +%s%N)
  start_anchor
  if ! live_pid "$DIR/virtlogd.pid" virtlogd >/dev/null; then
    rm -f "$DIR/state/run/virtlogd-sock" "$DIR/state/run/virtlogd-admin-sock"
    in_ns virtlogd -d -f "$DIR/virtlogd.conf" -p "$DIR/virtlogd.pid"
  fi
  # SASL_CONF_PATH: in the SASL variant libvirtd reads DIR/sasl2/libvirt.conf, not the host's.
  in_ns env SASL_CONF_PATH="$DIR/sasl2" libvirtd -d -f "$DIR/libvirtd.conf" -p "$DIR/libvirtd.pid"
  local deadline=$((SECONDS + TIMEOUT))
  until [ -S "$DIR/state/run/virtlogd-sock" ] && answers 15; do
    if [ $SECONDS -ge $deadline ] || ! live_pid "$DIR/libvirtd.pid" libvirtd >/dev/null; then
      note "ERROR: $URI did not answer (timeout ${TIMEOUT} s or libvirtd exited)"
      tail -n 20 "$DIR/libvirtd.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  note "started in $(( ($(date +%s%N) - t0) / 1000000 )) ms (libvirtd pid $(cat "$DIR/libvirtd.pid"))"
  echo "$URI"
}

stop_pid() { # pidfile comm [signal]
  local pid
  pid=$(live_pid "$1" "$2") || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill "-${3:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    note "$2 ($pid) still running after 10 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true; sleep 0.2
  fi
  rm -f "$1"
}

cmd_stop() {
  local pid d f
  if pid=$(live_pid "$DIR/libvirtd.pid" libvirtd); then
    kill -CONT "$pid" 2>/dev/null || true
    if answers 10; then
      for d in $(timeout 10 virsh -c "$URI" list --name 2>/dev/null); do
        timeout 20 virsh -c "$URI" destroy "$d" >/dev/null 2>&1 || note "could not destroy $d"
      done
      # active networks own dnsmasq daemons: stop them like a host shutdown would
      for d in $(timeout 10 virsh -c "$URI" net-list --name 2>/dev/null); do
        timeout 20 virsh -c "$URI" net-destroy "$d" >/dev/null 2>&1 || note "could not stop network $d"
      done
    fi
  fi
  stop_pid "$DIR/libvirtd.pid" libvirtd
  # guests and dnsmasq left behind by a killed or hung daemon
  for f in "$DIR"/state/run/qemu/*.pid "$DIR"/state/run/network/*.pid; do
    [ -e "$f" ] || continue
    [ "$(basename "$f")" != driver.pid ] || continue
    pid=$(cat "$f" 2>/dev/null || true)
    if alive "$pid" && grep -Eq '^(qemu|dnsmasq)' "/proc/$pid/comm" 2>/dev/null; then
      note "killing leftover $(cat "/proc/$pid/comm") for $(basename "$f" .pid) (pid $pid)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  stop_pid "$DIR/virtlogd.pid" virtlogd
  if pid=$(anchor_pid); then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -f "$DIR/ns.pid" "$DIR"/libvirt-sock "$DIR"/libvirt-sock-ro "$DIR"/libvirt-admin-sock
  note "stopped"
}

signal_libvirtd() { # SIG
  local pid
  pid=$(live_pid "$DIR/libvirtd.pid" libvirtd) || die "libvirtd is not running for $DIR"
  kill "-$1" "$pid"
  if [ "$1" = KILL ]; then
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
  fi
  note "sent SIG$1 to libvirtd $pid"
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  kill) signal_libvirtd KILL ;;
  freeze) signal_libvirtd STOP ;;
  thaw) signal_libvirtd CONT ;;
  status)
    if answers; then echo "running: $URI"; else echo "not answering: $URI"; exit 3; fi ;;
  uri) echo "$URI" ;;
  *) die "unknown command $CMD (start|stop|kill|freeze|thaw|status|uri)" ;;
esac
