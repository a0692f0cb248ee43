#!/usr/bin/python3
"""Hangar's benchmark (issue 9). Python 3 standard library only.

    python3 tools/bench/bench.py [--sizes 10,100,1000,5000] [--runs 3]
    python3 tools/bench/bench.py --report-from tools/bench/last-results.json [OUT.md]

Measures, against `virsh` on the same data:
  1. time until the machine list is drawn (`hangar --quit-after-load`) vs the wall time
     of `virsh -c test:///FILE list --all`, on libvirt test-driver node files with N
     domains written by `hangar-nodegen`;
  2. peak RSS of both processes (ru_maxrss from os.wait4);
  3. hangar's CPU use while idle after the load;
  4. the latency from a libvirt lifecycle event to the machine row showing it
     (real libvirtd, qemu:///system, a diskless 32 MiB guest);
  5. creating a linked clone (qcow2 overlay) of a small and a large base, and a full
     copy (`virsh vol-clone`) of the small one.
One Xvfb and one D-Bus session bus serve the whole run. Before each block it waits for
a quiet machine (no compiler running, < --quiet-threshold % CPU busy), and a load run
during which other work used more than --noise-limit % of the CPUs is measured again.
The Markdown report goes to stdout and to tools/bench/last-results.md, the raw figures
to tools/bench/last-results.json (--report-from re-renders them); progress goes
to stderr. Targets are printed as PASS/MISS; a miss never makes the command fail.
Sections 4 and 5 need root and a running qemu:///system (started with
tests/support/libvirtd.sh if it does not answer); they are skipped otherwise.
Benchmark the release build: `cargo build --release` first.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(REPO, "tools", "bench")
CLK_TCK = os.sysconf("SC_CLK_TCK")
MB = 1_000_000  # RSS figures are in MB (10^6 bytes), as the targets are

LOAD_RE = re.compile(
    r"loaded connections=(\d+) domains=(\d+) networks=(\d+) pools=(\d+) ms=(\d+)")
ROW_RE = re.compile(r"row name=(\S+) state=(\S+) painted_us=(\d+)")
EVENT_RE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4}): event 'lifecycle' for domain "
    r"'([^']+)': (\S+)")
# Which row state a lifecycle event leads to.
EVENT_STATE = {"Started": "running", "Resumed": "running", "Stopped": "shutoff"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def run_quiet(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


# ---------------------------------------------------------------- machine, builds

def busy_builds():
    """Compilers running on the machine (other engineers' builds skew every figure)."""
    out = []
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            with open(comm) as f:
                name = f.read().strip()
        except OSError:
            continue
        if name in ("rustc", "cc1", "cc1plus", "ld", "ld.lld", "lld", "mold"):
            out.append(f"{comm.split('/')[2]} {name}")
    return out


def cpu_busy(seconds=2.0):
    """Share of all CPUs busy over `seconds`, from /proc/stat, in %."""
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + v[4]  # idle + iowait
        return sum(v[:8]) - idle, sum(v[:8])
    b0, t0 = read()
    time.sleep(seconds)
    b1, t1 = read()
    return 100.0 * (b1 - b0) / max(1, t1 - t0)


class Quiet:
    """Waits for a quiet machine before each section and remembers what it saw."""

    def __init__(self, max_wait, threshold):
        self.max_wait, self.threshold = max_wait, threshold
        self.notes = []  # (section, busy %, compilers)

    def wait(self, section):
        deadline = time.time() + self.max_wait
        said = False
        while True:
            builds = busy_builds()
            busy = cpu_busy(3.0)
            if (not builds and busy < self.threshold) or time.time() > deadline:
                break
            if not said:
                log(f"! machine busy ({busy:.0f} % of all CPUs"
                    + (f"; compilers: {', '.join(builds[:3])}" if builds else "")
                    + f"): waiting up to {self.max_wait} s")
                said = True
            time.sleep(5)
        self.notes.append((section, busy, builds))
        if builds or busy >= self.threshold:
            log(f"! measuring {section} on a busy machine ({busy:.0f} %)")
        return busy


def machine_info():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    commit = run_quiet(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = run_quiet(["git", "-C", REPO, "status", "--porcelain",
                       "--untracked-files=no"]).stdout.strip()
    render_nodes = sorted(glob.glob("/dev/dri/renderD*"))
    lib = run_quiet(["virsh", "--version"]).stdout.strip()
    daemon = run_quiet(["virsh", "-c", "qemu:///system", "version", "--daemon"],
                       timeout=10).stdout if os.geteuid() == 0 else ""
    m = re.search(r"Running against daemon: (\S+)", daemon)
    gtk = run_quiet(["dpkg-query", "-W", "-f=${Version}", "libgtk-4-1"]).stdout.strip()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "commit": commit + (" (tracked files modified)" if dirty else ""),
        "libvirt": f"library {lib}" + (f", daemon {m.group(1)}" if m else ""),
        "gtk": gtk or "?",
        "loadavg": load,
        "gpu": (f"GPU render node(s) {', '.join(render_nodes)}" if render_nodes else
                "no GPU render node (/dev/dri): Hangar draws with cairo and leaves OpenGL "
                "unloaded (src/ui/renderer.rs); the floor program is run the same way"),
    }


# ---------------------------------------------------------------- display and bus

class Session:
    """One Xvfb and one D-Bus session bus for the whole run, so that neither's start-up
    is counted in any figure."""

    def __init__(self, a11y, renderer, animations, tmp):
        self.procs = []
        r, w = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        self.procs.append(xvfb)
        self.xvfb_pid = xvfb.pid
        display = b""
        while not display.endswith(b"\n"):
            chunk = os.read(r, 16)
            if not chunk:
                raise RuntimeError("Xvfb did not start")
            display += chunk
        os.close(r)
        self.display = ":" + display.decode().strip()
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(bus)
        self.bus = bus.stdout.readline().strip()
        if not self.bus:
            raise RuntimeError("dbus-daemon did not start")
        env = dict(os.environ)
        for k in ("WAYLAND_DISPLAY", "HANGAR_TRACE_ROWS", "GTK_A11Y", "NO_AT_BRIDGE",
                  "GSK_RENDERER", "GDK_BACKEND"):
            env.pop(k, None)
        env.update(DISPLAY=self.display, DBUS_SESSION_BUS_ADDRESS=self.bus, GDK_BACKEND="x11",
                   LANG=env.get("LANG", "C.UTF-8"))
        if a11y == "off":
            env.update(GTK_A11Y="none", NO_AT_BRIDGE="1")
        if renderer:
            env["GSK_RENDERER"] = renderer
        if not animations:
            # GtkSettings read from $XDG_CONFIG_HOME/gtk-4.0/settings.ini: stops CSS
            # animations such as the sidebar's spinner (an experiment, not the default).
            conf = os.path.join(tmp, "xdg-config")
            os.makedirs(os.path.join(conf, "gtk-4.0"), exist_ok=True)
            with open(os.path.join(conf, "gtk-4.0", "settings.ini"), "w") as f:
                f.write("[Settings]\ngtk-enable-animations=false\n")
            env["XDG_CONFIG_HOME"] = conf
        self.env = env

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


# ---------------------------------------------------------------- process helpers

def stat_busy():
    """(busy, total) CPU ticks of the whole machine, all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


class Foreign:
    """Measures how much CPU *other* work used while we measured: the machine's busy
    time minus our own process(es) and our Xvfb, in % of all CPUs."""

    def __init__(self, xvfb_pid):
        self.xvfb_pid = xvfb_pid
        self.b0, self.t0 = stat_busy()
        self.x0 = cpu_seconds(xvfb_pid)

    def pct(self, own_cpu_s):
        b1, t1 = stat_busy()
        xvfb = cpu_seconds(self.xvfb_pid) - self.x0
        foreign = (b1 - self.b0) / CLK_TCK - own_cpu_s - xvfb
        return max(0.0, 100.0 * foreign / max(1e-9, (t1 - self.t0) / CLK_TCK))


def timed(cmd, env, stdout_path=None, stderr_path=None, timeout=600, xvfb_pid=None):
    """Runs cmd; returns wall seconds, peak RSS bytes, exit code and the CPU other
    work used meanwhile. The wall time is time.perf_counter() around start and
    reaping, for hangar and virsh alike."""
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "w") if stderr_path else subprocess.DEVNULL
    try:
        meter = Foreign(xvfb_pid) if xvfb_pid else None
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.0005)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu = ru.ru_utime + ru.ru_stime
        return {"wall": wall, "rss": ru.ru_maxrss * 1024, "rc": p.returncode, "cpu": cpu,
                "foreign": meter.pct(cpu) if meter else None}
    finally:
        for f in (out, err):
            if f is not subprocess.DEVNULL:
                f.close()


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_settled(pid, min_wait, window=2.0, threshold=0.03, timeout=120.0):
    """Waits until the process used < threshold of a core over the last `window` s, and
    at least min_wait s have passed. Returns (seconds waited, settled?)."""
    t0 = time.monotonic()
    samples = []
    while True:
        now = time.monotonic()
        samples.append((now, cpu_seconds(pid)))
        while samples and samples[0][0] < now - window - 0.01:
            samples.pop(0)
        old_t, old_c = samples[0]
        if now - t0 >= min_wait and now - old_t >= window * 0.95:
            if (samples[-1][1] - old_c) / (now - old_t) < threshold:
                return now - t0, True
        if now - t0 > timeout:
            return now - t0, False
        time.sleep(0.1)


def stop(p, sig=signal.SIGTERM, wait=10):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# ---------------------------------------------------------------- 1 + 2: load, RSS

def gen_node(nodegen, n, path, spec, state="mixed"):
    cmd = [nodegen, "--domains", str(n), "--networks", str(spec.networks),
           "--pools", str(spec.pools), "--volumes-per-pool", str(spec.volumes),
           "--state", state, path]
    subprocess.run(cmd, check=True)


def build_floor(tmp):
    """Compiles tools/bench/floor.c (an empty libadwaita window that reports when it is
    drawn); None when no C compiler or libadwaita headers are at hand."""
    exe = os.path.join(tmp, "floor")
    flags = run_quiet(["pkg-config", "--cflags", "--libs", "libadwaita-1"])
    if flags.returncode != 0 or not shutil.which("cc"):
        log("  (no cc or libadwaita-1 headers: the floor reference is skipped)")
        return None
    r = run_quiet(["cc", "-O2", "-o", exe, os.path.join(HERE, "floor.c"),
                   *flags.stdout.split()])
    if r.returncode != 0:
        log(f"  (floor.c did not compile, skipped: {r.stderr.strip()[:300]})")
        return None
    return exe


def measure_load(args, sess, files, tmp, quiet):
    res = {n: {"h_ms": [], "h_wall": [], "h_rss": [], "v_wall": [], "v_rss": [],
               "noisy": [], "foreign": []} for n in args.sizes}

    def one_hangar(n):
        out, err = os.path.join(tmp, "hangar.out"), os.path.join(tmp, "hangar.err")
        t = timed([args.hangar, "--connect", "test://" + files[n], "--quit-after-load"],
                  sess.env, out, err, xvfb_pid=sess.xvfb_pid)
        text = open(out).read()
        m = LOAD_RE.search(text)
        if t["rc"] != 0 or not m:
            raise RuntimeError(f"hangar failed at N={n} (rc {t['rc']}): {text.strip()} "
                               f"{open(err).read()[-2000:]}")
        if int(m.group(2)) != n:
            raise RuntimeError(f"hangar listed {m.group(2)} domains, expected {n}")
        t["ms"] = int(m.group(5))
        return t

    def one_virsh(n):
        out = os.path.join(tmp, "virsh.out")
        t = timed(["virsh", "-c", "test://" + files[n], "list", "--all"],
                  sess.env, out, None, xvfb_pid=sess.xvfb_pid)
        rows = sum(1 for line in open(out) if re.match(r"^\s*(\d+|-)\s+\S", line))
        if t["rc"] != 0 or rows != n:
            raise RuntimeError(f"virsh list failed at N={n} (rc {t['rc']}, {rows} rows)")
        return t

    floor = build_floor(tmp)
    res["floor"] = {"ms": [], "wall": [], "rss": [], "skipped": floor is None}

    # The floor draws the way Hangar would on this machine (see src/ui/renderer.rs).
    floor_env = dict(sess.env)
    if not args.renderer and not glob.glob("/dev/dri/renderD*"):
        floor_env.update(GSK_RENDERER="cairo", GDK_DEBUG="gl-disable")

    def one_floor():
        out = os.path.join(tmp, "floor.out")
        t = timed([floor], floor_env, out, None, xvfb_pid=sess.xvfb_pid)
        m = re.search(r"drawn ms=(\d+)", open(out).read())
        if t["rc"] != 0 or not m:
            raise RuntimeError(f"the floor program failed (rc {t['rc']})")
        t["ms"] = int(m.group(1))
        return t

    quiet.wait("1+2 warm-up")
    for w in range(args.warmup):
        if floor:
            one_floor()
        for n in args.sizes:
            log(f"  warm-up {w + 1}: N={n}")
            one_hangar(n)
            one_virsh(n)
    for i in range(args.runs):
        quiet.wait(f"1+2 run {i + 1}")
        if floor:
            f = one_floor()
            res["floor"]["ms"].append(f["ms"])
            res["floor"]["wall"].append(f["wall"] * 1000)
            res["floor"]["rss"].append(f["rss"])
            log(f"  run {i + 1} floor (empty libadwaita window): {f['ms']} ms own / "
                f"{f['wall'] * 1000:.0f} ms wall, {f['rss'] / MB:.1f} MB")
        for n in args.sizes:
            # A pair measured while other work took more than --noise-limit % of the
            # CPUs is measured again (up to --retries times), after waiting for quiet.
            for attempt in range(args.retries + 1):
                if i % 2 == 0:  # alternate who goes first: neither always meets a warmer cache
                    h = one_hangar(n)
                    v = one_virsh(n)
                else:
                    v = one_virsh(n)
                    h = one_hangar(n)
                foreign = max(h["foreign"], v["foreign"])
                if foreign <= args.noise_limit:
                    break
                log(f"  run {i + 1} N={n}: other work used {foreign:.0f} % of the CPUs "
                    f"meanwhile" + (": again" if attempt < args.retries else ": kept, marked *"))
                if attempt < args.retries:
                    quiet.wait(f"1+2 run {i + 1} N={n} retry")
            r = res[n]
            r["h_ms"].append(h["ms"])
            r["h_wall"].append(h["wall"] * 1000)
            r["h_rss"].append(h["rss"])
            r["v_wall"].append(v["wall"] * 1000)
            r["v_rss"].append(v["rss"])
            r["foreign"].append(foreign)
            r["noisy"].append(foreign > args.noise_limit)
            log(f"  run {i + 1} N={n}: hangar {h['ms']} ms own / {h['wall'] * 1000:.0f} ms "
                f"wall, {h['rss'] / MB:.1f} MB, {h['cpu'] * 1000:.0f} ms CPU; virsh "
                f"{v['wall'] * 1000:.0f} ms, {v['rss'] / MB:.1f} MB, {v['cpu'] * 1000:.0f} ms "
                f"CPU; other work {foreign:.0f} %")
    return res


# ---------------------------------------------------------------- 3: idle CPU

def measure_idle(args, sess, files, tmp, load_res, quiet):
    """Keys of the result: N (mixed states, 60 % running) or (N, "shutoff") for the
    same host with every machine shut off (nothing for the statistics tick to do)."""
    res = {}
    keys = list(args.idle_sizes) + [(n, "shutoff") for n in args.idle_shutoff_sizes]
    for key in keys:
        n = key if isinstance(key, int) else key[0]
        label = f"N={n}" if isinstance(key, int) else f"N={n} all shut off"
        res[key] = []
        for i in range(args.idle_runs):
            # No wait for a quiet machine here: the figure is hangar's own CPU time,
            # which other work hardly changes; the other work is recorded alongside.
            err = open(os.path.join(tmp, "idle.err"), "w")
            p = subprocess.Popen([args.hangar, "--connect", "test://" + files[key]],
                                 env=sess.env, stdout=subprocess.DEVNULL, stderr=err,
                                 stdin=subprocess.DEVNULL)
            try:
                lr = load_res.get(n)
                min_wait = 1.0 + (median(lr["h_wall"]) / 1000 if lr and lr["h_wall"] else 2.0)
                waited, settled = wait_settled(p.pid, min_wait, timeout=args.settle_timeout)
                time.sleep(args.grace)
                if p.poll() is not None:
                    raise RuntimeError(f"hangar exited during the idle test at {label}")
                meter = Foreign(sess.xvfb_pid)
                c0, x0, t0 = cpu_seconds(p.pid), cpu_seconds(sess.xvfb_pid), time.monotonic()
                time.sleep(args.idle_seconds)
                c1, x1, t1 = cpu_seconds(p.pid), cpu_seconds(sess.xvfb_pid), time.monotonic()
                foreign = meter.pct(c1 - c0)
                with open(f"/proc/{p.pid}/status") as f:
                    hwm = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) * 1024
            finally:
                stop(p)
                err.close()
            pct = 100 * (c1 - c0) / (t1 - t0)
            xpct = 100 * (x1 - x0) / (t1 - t0)
            res[key].append({"pct": pct, "xvfb": xpct, "settle": waited, "settled": settled,
                             "hwm": hwm, "foreign": foreign})
            log(f"  idle {label} run {i + 1}: {pct:.2f} % of a core "
                f"(Xvfb {xpct:.2f} %), settled after {waited:.1f} s"
                + ("" if settled else " (did NOT settle)") + f", VmHWM {hwm / MB:.1f} MB, "
                f"other work {foreign:.0f} %")
    return res


# ---------------------------------------------------------------- 4: event to row

def qemu_system_ok():
    return run_quiet(["virsh", "-c", "qemu:///system", "version"], timeout=15).returncode == 0


def ensure_libvirtd():
    if os.geteuid() != 0:
        return "needs root (qemu:///system, pools in /var/tmp)"
    if qemu_system_ok():
        return None
    log("  qemu:///system does not answer: tests/support/libvirtd.sh start")
    r = run_quiet(["bash", os.path.join(REPO, "tests/support/libvirtd.sh"), "start"], timeout=90)
    if r.returncode != 0 or not qemu_system_ok():
        return "qemu:///system unavailable: " + (r.stderr.strip() or r.stdout.strip())[-300:]
    return None


def virsh_sys(*a, check=True, timeout=120, uri="qemu:///system"):
    r = run_quiet(["virsh", "-c", uri, *a], timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"virsh {' '.join(a)}: {r.stderr.strip()}")
    return r


def rows_in(path, name, state, after_us):
    try:
        text = open(path).read()
    except OSError:
        return None
    for m in ROW_RE.finditer(text):
        if m.group(1) == name and m.group(2) == state and int(m.group(3)) >= after_us:
            return int(m.group(3))
    return None


def measure_events(args, sess, tmp, uri):
    """Event-to-row latency on `uri`: qemu:///system with a real (diskless) QEMU guest,
    or test+unix:///default, the daemon's own test driver, where start and destroy
    are instant: the same path through libvirtd and hangar without QEMU's work."""
    name = f"hangar-bench-evt-{os.getpid()}"
    xml = os.path.join(tmp, "evt.xml")
    if uri.startswith("test"):
        dom = f"""<domain type='test'>
  <name>{name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='i686'>hvm</type></os>
</domain>
"""
    else:
        # Diskless and tiny: it idles in SeaBIOS ("no bootable device"), so starting it
        # costs little CPU and the machine stays quiet while hangar is measured.
        dom = f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices><memballoon model='none'/></devices>
</domain>
"""
    with open(xml, "w") as f:
        f.write(dom)
    cycles = []
    hangar = listener = None
    ev_out = os.path.join(tmp, "events.out")
    rows_err = os.path.join(tmp, "rows.err")
    try:
        listener = subprocess.Popen(
            ["stdbuf", "-oL", "virsh", "-c", uri, "event", "--loop",
             "--timestamp", "--event", "lifecycle"],
            stdout=open(ev_out, "w"), stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        env = dict(sess.env, HANGAR_TRACE_ROWS="1")
        hangar = subprocess.Popen([args.hangar, "--connect", uri], env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(rows_err, "w"),
                                  stdin=subprocess.DEVNULL)
        waited, _ = wait_settled(hangar.pid, 2.0, timeout=60)
        # Defined only now: the daemon's test:///default exists only while a connection
        # to it is open (here the listener's and hangar's).
        virsh_sys("define", xml, uri=uri)
        time.sleep(1)
        for i in range(args.events):
            for action, state in (("start", "running"), ("destroy", "shutoff")):
                t_before = time.time_ns() // 1000
                virsh_sys(action, name, uri=uri)
                deadline = time.time() + 10
                painted = None
                while painted is None and time.time() < deadline:
                    painted = rows_in(rows_err, name, state, t_before)
                    time.sleep(0.02)
                cycles.append({"action": action, "state": state, "t_before": t_before,
                               "painted": painted})
                time.sleep(args.event_pause)
        time.sleep(0.5)
    finally:
        virsh_sys("destroy", name, check=False, uri=uri)
        virsh_sys("undefine", name, check=False, uri=uri)
        if listener:
            stop(listener, signal.SIGINT)
        if hangar:
            stop(hangar)
    # virsh prints the event's reception time in ms (UTC); parse it to µs since epoch.
    events = []
    for line in open(ev_out):
        m = EVENT_RE.match(line.strip())
        if m and m.group(2) == name:
            ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f%z")
            events.append((round(ts.timestamp() * 1_000_000), m.group(3)))
    lat = {"running": [], "shutoff": []}
    missing = 0
    for c in cycles:
        # The first event of this step that leads to the state the row must show.
        evs = [t for t, kind in events
               if t >= c["t_before"] - 1000 and EVENT_STATE.get(kind) == c["state"]]
        if c["painted"] is None or not evs:
            missing += 1
            continue
        lat[c["state"]].append((c["painted"] - min(evs)) / 1000)
    log(f"  events: {len(events)} lifecycle events, {len(cycles)} steps, {missing} unpaired")
    for st, xs in lat.items():
        log(f"  {st}: " + ", ".join(f"{x:.1f}" for x in xs) + " ms")
    return {"lat": lat, "missing": missing, "settle": waited}


# ---------------------------------------------------------------- 5: linked clones

def measure_clones(args, tmp):
    pool = f"hangar-bench-pool-{os.getpid()}"
    d = tempfile.mkdtemp(prefix="hangar-bench-pool-", dir=args.clone_dir)
    os.chmod(d, 0o755)
    res = {}
    created_pool = False
    try:
        bases = {"small": (100 * 2**20, "base-small.qcow2"),
                 "large": (10 * 2**30, "base-large.qcow2")}
        for cap, fname in bases.values():
            raw = os.path.join(d, fname + ".raw")
            with open(raw, "wb") as f:
                f.truncate(cap)
                # A few MB of real data, as a template's disk would have.
                f.write(os.urandom(8 * 2**20))
            subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw,
                            os.path.join(d, fname)], check=True)
            os.unlink(raw)
        virsh_sys("pool-create-as", pool, "dir", "--target", d)
        created_pool = True
        baseline = []
        for i in range(args.clones):
            t0 = time.perf_counter()
            virsh_sys("vol-info", "--pool", pool, "base-small.qcow2")
            baseline.append((time.perf_counter() - t0) * 1000)
        res["virsh vol-info (round-trip baseline)"] = baseline
        for label, (cap, fname) in bases.items():
            times = []
            for i in range(args.clones):
                vname = f"overlay-{label}-{i}.qcow2"
                xml = os.path.join(tmp, "vol.xml")
                # What hangar's core::xml::storage_build::new_volume_xml writes for a
                # thin linked clone.
                with open(xml, "w") as f:
                    f.write(f"""<volume>
  <name>{vname}</name>
  <capacity unit='bytes'>{cap}</capacity>
  <allocation unit='bytes'>0</allocation>
  <target><format type='qcow2'/></target>
  <backingStore><path>{os.path.join(d, fname)}</path><format type='qcow2'/></backingStore>
</volume>
""")
                t0 = time.perf_counter()
                virsh_sys("vol-create", pool, xml)
                times.append((time.perf_counter() - t0) * 1000)
                if i == 0:
                    info = run_quiet(["qemu-img", "info", "-U", os.path.join(d, vname)]).stdout
                    if fname not in info:
                        raise RuntimeError(f"overlay has no backing file: {info}")
                virsh_sys("vol-delete", "--pool", pool, vname)
            res[f"linked clone (vol-create overlay), {label} base "
                f"({cap // 2**20:,} MiB virtual)"] = times
        times = []
        for i in range(args.clones):
            vname = f"copy-{i}.qcow2"
            t0 = time.perf_counter()
            virsh_sys("vol-clone", "--pool", pool, "base-small.qcow2", vname)
            times.append((time.perf_counter() - t0) * 1000)
            virsh_sys("vol-delete", "--pool", pool, vname)
        res["full copy (vol-clone), small base (100 MiB virtual)"] = times
    finally:
        if created_pool:
            virsh_sys("pool-destroy", pool, check=False)
        shutil.rmtree(d, ignore_errors=True)
    for k, v in res.items():
        log(f"  {k}: " + ", ".join(f"{x:.0f}" for x in v) + " ms")
    return res


# ---------------------------------------------------------------- report

def report(args, info, quiet, load, idle, events, clones, skipped):
    L = []
    add = L.append
    add(f"## Benchmark results ({info['date']})")
    add("")
    add(f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['mem']} RAM, "
        f"kernel {info['kernel']}; {info.get('gpu', '?')}; load average at start "
        f"{info['loadavg']}")
    add(f"- Hangar: {args.label or 'commit ' + info['commit']} (binary {args.hangar}, "
        f"built {info['built']}); libvirt {info['libvirt']}; GTK {info['gtk']}")
    add(f"- Command: `{shlex.join(['python3', 'tools/bench/bench.py'] + args.argv)}`")
    add(f"- {args.runs} measured runs per figure after {args.warmup} warm-up run(s); "
        f"one Xvfb and one D-Bus session bus for the whole run; accessibility "
        + ("on (AT-SPI bus activated on the session bus)" if args.a11y == "atspi"
           else "off (GTK_A11Y=none, NO_AT_BRIDGE=1)")
        + (f"; GSK_RENDERER={args.renderer}" if args.renderer
           else "; the renderer Hangar chooses (GL with a GPU, else cairo without GL)")
        + ("; GTK animations off" if args.animations == "off" else ""))
    busy = [b for _, b, _ in quiet.notes]
    if busy:
        add(f"- Whole-machine CPU busy before each measured block (3 s sample, all "
            f"CPUs): {min(busy):.0f}–{max(busy):.0f} %")
    noisy = [(sec, b, c) for sec, b, c in quiet.notes if c or b >= quiet.threshold]
    if noisy:
        add("- **Measured on a busy machine** (other work running): " + "; ".join(
            f"{sec}: {b:.0f} %" + (f", {', '.join(c[:2])}" if c else "")
            for sec, b, c in noisy) + ". Those figures are noisy.")
    add("")
    targets = []
    if load:
        add("### 1. Time until the machine list is drawn")
        add("")
        add("hangar own = `ms=` of `--quit-after-load` (from process start to the painted "
            "frame); wall = `time.perf_counter()` around the whole process, start to exit, "
            "for both programs. Medians; all runs in the last column. Other work = CPU used "
            "by other processes on the machine during the pair of runs, in % of all CPUs "
            f"(a pair above {args.noise_limit:g} % is measured again, up to {args.retries} "
            "times; `*` marks one kept anyway).")
        add("")
        add("| N domains | hangar own ms | hangar wall ms | virsh list --all wall ms | "
            "ratio wall/wall | ratio own/virsh | runs: hangar own / hangar wall / virsh wall "
            "| other work % |")
        add("|---:|---:|---:|---:|---:|---:|---|---|")
        for n in args.sizes:
            r = load[n]
            ho, hw, vw = median(r["h_ms"]), median(r["h_wall"]), median(r["v_wall"])
            mark = ["*" if x else "" for x in r["noisy"]]
            add(f"| {n:,} | {fmt(ho)} | {fmt(hw)} | {fmt(vw)} | {hw / vw:.2f}× | "
                f"{ho / vw:.2f}× | {' '.join(f'{x}{m}' for x, m in zip(r['h_ms'], mark))} / "
                f"{' '.join(f'{x:.0f}{m}' for x, m in zip(r['h_wall'], mark))} / "
                f"{' '.join(f'{x:.0f}{m}' for x, m in zip(r['v_wall'], mark))} | "
                f"{' '.join(f'{x:.0f}' for x in r['foreign'])} |")
            if n in (1000, 5000):
                targets.append((f"list drawn ≤ 1.3× virsh at N={n:,} (wall/wall)",
                                f"{hw / vw:.2f}× ({hw:.0f} vs {vw:.0f} ms; own ms "
                                f"{ho / vw:.2f}×)", hw / vw <= 1.3))
            if n in (10, 100):
                targets.append((f"list drawn ≤ 350 ms at N={n:,} (own ms)",
                                f"{ho:.0f} ms (wall {hw:.0f} ms)", ho <= 350))
        fl = load.get("floor")
        if fl and fl["ms"]:
            add("")
            add(f"For scale, the floor: an empty libadwaita window with a header bar "
                f"(tools/bench/floor.c, same display, bus and settings) is drawn "
                f"{median(fl['ms']):.0f} ms after its process starts (runs: "
                f"{' '.join(str(x) for x in fl['ms'])}; wall {median(fl['wall']):.0f} ms, "
                f"peak RSS {median(fl['rss']) / MB:.1f} MB).")
        add("")
        add("### 2. Peak RSS (ru_maxrss), MB = 10⁶ bytes")
        add("")
        add("| N domains | hangar MB | virsh MB | hangar − virsh MB | ratio hangar/virsh | "
            "growth of the difference since smallest N | virsh list --all wall ms | "
            "runs: hangar / virsh MB |")
        add("|---:|---:|---:|---:|---:|---:|---:|---|")
        first = None
        for n in args.sizes:
            r = load[n]
            h, v = median(r["h_rss"]) / MB, median(r["v_rss"]) / MB
            if first is None:
                first = h - v
            add(f"| {n:,} | {h:.1f} | {v:.1f} | {h - v:.1f} | {h / v:.1f}× | "
                f"{h - v - first:+.1f} | "
                f"{median(r['v_wall']):.0f} | "
                f"{' '.join(f'{x / MB:.1f}' for x in r['h_rss'])} / "
                f"{' '.join(f'{x / MB:.1f}' for x in r['v_rss'])} |")
        if 10 in load and 5000 in load:
            d10 = (median(load[10]["h_rss"]) - median(load[10]["v_rss"])) / MB
            d5k = (median(load[5000]["h_rss"]) - median(load[5000]["v_rss"])) / MB
            targets.append(("RSS difference (hangar − virsh) grows ≤ 40 MB from N=10 to 5,000",
                            f"{d5k - d10:+.1f} MB ({d10:.1f} → {d5k:.1f} MB)",
                            d5k - d10 <= 40))
        add("")
    if idle:
        add(f"### 3. CPU while idle ({args.idle_seconds:g} s after the load settled + "
            f"{args.grace:g} s)")
        add("")
        add("utime+stime of the hangar process (all threads) over the idle period, in % of "
            "one core; Xvfb's share over the same period alongside (it does the X side of "
            "any redraw). Node files have 60 % of machines running; the \"all shut off\" "
            "row is the same host with none running, so the statistics tick has nothing "
            "to sample.")
        add("")
        add("| N domains | hangar idle CPU % | Xvfb % | runs (hangar %) | settled after s | "
            "other work % of all CPUs | virsh list --all wall ms (same file) |")
        add("|---:|---:|---:|---|---|---|---:|")
        for key, rs in idle.items():
            n = key if isinstance(key, int) else key[0]
            pct = median([r["pct"] for r in rs])
            vw = median(load[n]["v_wall"]) if load and n in load else None
            pcts = " ".join(f"{r['pct']:.2f}" for r in rs)
            foreign = " ".join(f"{r['foreign']:.0f}" for r in rs)
            settles = " ".join(f"{r['settle']:.1f}" + ("" if r["settled"] else "!")
                               for r in rs)
            label = f"{n:,}" if isinstance(key, int) else f"{n:,}, all shut off"
            add(f"| {label} | {pct:.2f} | {median([r['xvfb'] for r in rs]):.2f} | "
                f"{pcts} | {settles} | {foreign} | {fmt(vw)} |")
            if key == 5000:
                targets.append(("idle CPU ≤ 1 % of a core at N=5,000", f"{pct:.2f} %",
                                pct <= 1.0))
        add("")
    if events:
        add("### 4. Lifecycle event → row painted")
        add("")
        add("Latency = hangar's `painted_us` (HANGAR_TRACE_ROWS) − the time `virsh event "
            "--timestamp`, on its own connection to the same daemon, received the first "
            "event that leads to that state (Resumed/Started for running, Stopped for "
            "shutoff). virsh truncates its timestamps to the ms, so figures may read up to "
            "1 ms high. qemu:///system: a diskless 32 MiB QEMU guest; test+unix:///default: "
            "the daemon's test driver (instant start/destroy, no QEMU), for comparison.")
        add("")
        add("| connection | transition | n | median ms | max ms | all ms |")
        add("|---|---|---:|---:|---:|---|")
        for uri, ev in events.items():
            alls = []
            for st, label in (("running", "start → running"),
                              ("shutoff", "destroy → shutoff")):
                xs = ev["lat"][st]
                alls += xs
                add(f"| {uri} | {label} | {len(xs)} | {fmt(median(xs), 1)} | "
                    f"{fmt(max(xs) if xs else None, 1)} | "
                    f"{' '.join(f'{x:.1f}' for x in xs)} |")
            add(f"| {uri} | all | {len(alls)} | {fmt(median(alls), 1)} | "
                f"{fmt(max(alls) if alls else None, 1)} | |")
            if ev["missing"]:
                add(f"| {uri} | unpaired steps (no row or no event within 10 s) | "
                    f"{ev['missing']} | | | |")
            if alls and uri == "qemu:///system":
                ok = max(alls) <= 50 and not ev["missing"]
                targets.append(("event to row ≤ 50 ms, every event (qemu:///system)",
                                f"median {median(alls):.1f} ms, max {max(alls):.1f} ms", ok))
        add("")
    if clones:
        add("### 5. Creating volumes on qemu:///system (dir pool, wall time of the virsh "
            "command)")
        add("")
        add("| operation | median ms | all ms |")
        add("|---|---:|---|")
        for k, v in clones.items():
            add(f"| {k} | {median(v):.0f} | {' '.join(f'{x:.0f}' for x in v)} |")
        add("")
    for what, why in skipped:
        add(f"- Skipped {what}: {why}")
    if skipped:
        add("")
    add("### Targets")
    add("")
    add("| target | measured | result |")
    add("|---|---|---|")
    for name, measured, ok in targets:
        add(f"| {name} | {measured} | {'PASS' if ok else 'MISS'} |")
    add("")
    return "\n".join(L)


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda s: [int(x) for x in s.split(",") if x.strip()]
    p.add_argument("--sizes", type=ints, default=[10, 100, 1000, 5000],
                   help="domain counts (default 10,100,1000,5000)")
    p.add_argument("--runs", type=int, default=3, help="measured runs per figure (≥ 3)")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    p.add_argument("--idle-seconds", type=float, default=30, help="idle period (default 30)")
    p.add_argument("--idle-sizes", type=ints, default=None,
                   help="sizes for the idle test (default: all sizes)")
    p.add_argument("--idle-shutoff-sizes", type=ints, default=None,
                   help="also measure idle CPU on these sizes with every machine shut off, "
                        "to tell the statistics tick from the rest (default: the largest "
                        "idle size; an empty value skips it)")
    p.add_argument("--idle-runs", type=int, default=None, help="default: --runs")
    p.add_argument("--grace", type=float, default=5,
                   help="seconds to wait after hangar's CPU settled before sampling (default 5)")
    p.add_argument("--settle-timeout", type=float, default=120)
    p.add_argument("--events", type=int, default=10, help="start/destroy cycles (default 10)")
    p.add_argument("--event-uris", type=lambda s: [u for u in s.split(",") if u],
                   default=["qemu:///system", "test+unix:///default"],
                   help="daemons for the event test (default qemu:///system,"
                        "test+unix:///default; the target applies to qemu:///system)")
    p.add_argument("--event-pause", type=float, default=0.5,
                   help="pause after each start/destroy (default 0.5 s)")
    p.add_argument("--clones", type=int, default=5, help="runs per clone figure (default 5)")
    p.add_argument("--clone-dir", default="/var/tmp",
                   help="parent of the temporary dir pool (default /var/tmp)")
    p.add_argument("--skip", type=lambda s: set(s.split(",")), default=set(),
                   help="comma-separated sections to skip: load,idle,events,clones")
    p.add_argument("--a11y", choices=("atspi", "off"), default="atspi",
                   help="atspi: GTK's accessibility over the session bus, as on a desktop "
                        "(default); off: GTK_A11Y=none NO_AT_BRIDGE=1")
    p.add_argument("--renderer", default=None,
                   help="GSK_RENDERER for hangar (default: GTK's choice)")
    p.add_argument("--animations", choices=("on", "off"), default="on",
                   help="off: gtk-enable-animations=false in a private settings.ini "
                        "(an experiment; default on)")
    p.add_argument("--hangar", default=os.path.join(REPO, "target/release/hangar"))
    p.add_argument("--nodegen", default=os.path.join(REPO, "target/release/hangar-nodegen"))
    p.add_argument("--networks", type=int, default=2)
    p.add_argument("--pools", type=int, default=2)
    p.add_argument("--volumes", type=int, default=3, help="volumes per pool")
    p.add_argument("--label", default=None,
                   help="what the hangar binary was built from, for the report (default: "
                        "the checkout's git commit)")
    p.add_argument("--out", default=os.path.join(HERE, "last-results.md"))
    p.add_argument("--quiet-wait", type=int, default=900,
                   help="before each block, wait up to this many s for compilers to finish "
                        "and the machine to be quiet (default 900)")
    p.add_argument("--noise-limit", type=float, default=15,
                   help="re-measure a load run when other work used more than this %% of "
                        "all CPUs meanwhile (default 15)")
    p.add_argument("--retries", type=int, default=3, help="for --noise-limit (default 3)")
    p.add_argument("--quiet-threshold", type=float, default=25,
                   help="quiet = less than this %% of all CPUs busy (default 25)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    a = p.parse_args(argv)
    a.argv = argv
    if a.runs < 1:
        p.error("--runs must be at least 1")
    a.idle_sizes = a.idle_sizes if a.idle_sizes is not None else a.sizes
    if a.idle_shutoff_sizes is None:
        a.idle_shutoff_sizes = [max(a.idle_sizes)] if a.idle_sizes else []
    a.idle_runs = a.idle_runs or a.runs
    return a


def main(argv):
    if argv[:1] == ["--report-from"] and len(argv) >= 2:
        # bench.py --report-from RAW.json [OUT.md]
        return report_from(argv[1], argv[2] if len(argv) > 2 else None)
    args = parse_args(argv)
    for b in (args.hangar, args.nodegen):
        if not os.access(b, os.X_OK):
            sys.exit(f"bench: {b} missing: run `cargo build --release` first")
    newest_src = max(os.path.getmtime(f) for f in glob.glob(os.path.join(REPO, "src/**/*.rs"),
                                                             recursive=True))
    if os.path.getmtime(args.hangar) < newest_src:
        log("! target/release/hangar is older than src/: rebuild for current figures")
    if args.runs < 3:
        log("! fewer than 3 runs: medians are not meaningful")
    quiet = Quiet(args.quiet_wait, args.quiet_threshold)
    info = machine_info()
    info["built"] = datetime.datetime.fromtimestamp(os.path.getmtime(args.hangar)).astimezone() \
        .strftime("%Y-%m-%d %H:%M %Z")
    tmp = tempfile.mkdtemp(prefix="hangar-bench-", dir="/var/tmp")
    sess = None
    load = idle = events = clones = None
    skipped = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        sess = Session(args.a11y, args.renderer, args.animations == "on", tmp)
        log(f"Xvfb on {sess.display}, session bus {sess.bus}")
        files = {}
        need = set(args.sizes if "load" not in args.skip else []) | \
            set(args.idle_sizes if "idle" not in args.skip else [])
        for n in sorted(need):
            files[n] = os.path.join(tmp, f"node-{n}.xml")
            gen_node(args.nodegen, n, files[n], args)
        if "idle" not in args.skip:
            for n in args.idle_shutoff_sizes:
                files[(n, "shutoff")] = os.path.join(tmp, f"node-{n}-shutoff.xml")
                gen_node(args.nodegen, n, files[(n, "shutoff")], args, "shutoff")
        if "load" not in args.skip:
            log("1+2. load time and peak RSS")
            load = measure_load(args, sess, files, tmp, quiet)
        if "idle" not in args.skip:
            log("3. idle CPU")
            idle = measure_idle(args, sess, files, tmp, load or {}, quiet)
        why = None
        if not {"events", "clones"} <= args.skip:
            why = ensure_libvirtd()
        if "events" not in args.skip:
            if why:
                skipped.append(("4 (event to row)", why))
            else:
                events = {}
                for uri in args.event_uris:
                    log(f"4. event to row on {uri}")
                    quiet.wait(f"4 (events, {uri})")
                    events[uri] = measure_events(args, sess, tmp, uri)
        if "clones" not in args.skip:
            if why:
                skipped.append(("5 (linked clones)", why))
            else:
                log("5. linked clones")
                quiet.wait("5 (clones)")
                clones = measure_clones(args, tmp)
    finally:
        if sess:
            sess.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"work directory kept: {tmp}")
    text = report(args, info, quiet, load, idle, events, clones, skipped)
    print(text)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    raw = os.path.splitext(args.out)[0] + ".json"
    with open(raw, "w") as f:
        json.dump(to_json(args, info, quiet, load, idle, events, clones, skipped), f,
                  indent=1)
    log(f"written to {args.out} (raw figures in {raw})")
    return 0


def idle_key(k):
    return str(k) if isinstance(k, int) else f"{k[0]}/{k[1]}"


def to_json(args, info, quiet, load, idle, events, clones, skipped):
    a = {k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(args).items()}
    return {
        "args": a, "info": info, "quiet": {"threshold": quiet.threshold,
                                           "notes": quiet.notes},
        "load": {str(k): v for k, v in load.items()} if load else None,
        "idle": {idle_key(k): v for k, v in idle.items()} if idle else None,
        "events": events, "clones": clones, "skipped": skipped,
    }


def report_from(path, out):
    """Re-renders the Markdown report from a saved .json (e.g. after changing report())."""
    with open(path) as f:
        d = json.load(f)
    args = argparse.Namespace(**d["args"])
    args.skip = set(args.skip)
    quiet = Quiet(0, d["quiet"]["threshold"])
    quiet.notes = [tuple(n) for n in d["quiet"]["notes"]]
    load = {(k if k == "floor" else int(k)): v for k, v in d["load"].items()} \
        if d["load"] else None
    idle = None
    if d["idle"]:
        idle = {}
        for k, v in d["idle"].items():
            n, _, state = k.partition("/")
            idle[int(n) if not state else (int(n), state)] = v
    text = report(args, d["info"], quiet, load, idle, d["events"], d["clones"],
                  [tuple(x) for x in d["skipped"]])
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
