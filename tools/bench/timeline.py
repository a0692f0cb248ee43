#!/usr/bin/python3
"""Where hangar's start-up time goes, per thread, without perf. Python 3 stdlib only.

    python3 tools/bench/timeline.py [--domains 1000] [--bucket-ms 50] [--env K=V ...]

Generates a node file with hangar-nodegen, starts one Xvfb and one session bus, runs
`hangar --connect test:///FILE --quit-after-load` once and samples every thread's CPU
time (/proc/PID/task/TID/schedstat, ns) every 2 ms. Prints, per time bucket since the
process started, how many ms of CPU each thread (by name: the GTK main thread
"hangar", the connection worker "libvirt-conn-1", llvmpipe render threads, …) used,
and when each thread last ran. The connection worker does the listing (in-process test
driver: parsing the node file too); the main thread does GTK's start-up, applies the
listing and draws; llvmpipe-N threads rasterise when GTK renders with GL in software.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (same folder)


def threads(pid):
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except (OSError, ValueError, IndexError):
            continue
        out[tid] = (name, ns)
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--domains", type=int, default=1000)
    p.add_argument("--bucket-ms", type=int, default=50)
    p.add_argument("--a11y", choices=("atspi", "off"), default="atspi")
    p.add_argument("--renderer", default=None)
    p.add_argument("--animations", choices=("on", "off"), default="on")
    p.add_argument("--warmup", type=int, default=1, help="unsampled runs first (default 1)")
    p.add_argument("--hangar", default=os.path.join(bench.REPO, "target/release/hangar"))
    p.add_argument("--nodegen", default=os.path.join(bench.REPO,
                                                     "target/release/hangar-nodegen"))
    a = p.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="hangar-timeline-", dir="/var/tmp")
    sess = None
    try:
        sess = bench.Session(a.a11y, a.renderer, a.animations == "on", tmp)
        node = os.path.join(tmp, "node.xml")
        subprocess.run([a.nodegen, "--domains", str(a.domains), node], check=True)
        cmd = [a.hangar, "--connect", "test://" + node, "--quit-after-load"]
        for _ in range(a.warmup):
            subprocess.run(cmd, env=sess.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
        out = os.path.join(tmp, "out")
        proc = subprocess.Popen(cmd, env=sess.env, stdout=open(out, "w"),
                                stderr=subprocess.DEVNULL)
        t0 = time.perf_counter()
        samples = []  # (t, {tid: (name, ns)})
        while proc.poll() is None:
            samples.append((time.perf_counter() - t0, threads(proc.pid)))
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        line = open(out).read().strip()
    finally:
        if sess:
            sess.close()
    # CPU per thread name per bucket.
    b = a.bucket_ms / 1000
    names, last_seen, per = {}, {}, {}
    prev = {}
    for t, ths in samples:
        for tid, (name, ns) in ths.items():
            names[tid] = name
            d = ns - prev.get(tid, 0)
            prev[tid] = ns
            if d > 0:
                key = (int(t / b), tid)
                per[key] = per.get(key, 0) + d
                last_seen[tid] = t
    print(f"{line}  (wall {wall * 1000:.0f} ms, N={a.domains}, renderer "
          f"{a.renderer or 'default'}, a11y {a.a11y}, animations {a.animations})")
    tids = sorted({tid for (_, tid) in per}, key=lambda x: int(x))
    groups = {}
    for tid in tids:
        n = names[tid]
        g = "llvmpipe-*" if n.startswith("llvmpipe") else n
        groups.setdefault(g, []).append(tid)
    cols = list(groups)
    print("ms since start | " + " | ".join(cols))
    nb = int(wall / b) + 1
    totals = {g: 0 for g in cols}
    for i in range(nb):
        row = []
        for g in cols:
            v = sum(per.get((i, tid), 0) for tid in groups[g]) / 1e6
            totals[g] += v
            row.append(f"{v:6.1f}" if v else "     .")
        print(f"{i * a.bucket_ms:6d}–{(i + 1) * a.bucket_ms:<6d} | " + " | ".join(row))
    print("total CPU ms    | " + " | ".join(f"{totals[g]:6.0f}" for g in cols))
    print("last ran at ms  | " + " | ".join(
        f"{max(last_seen.get(t, 0) for t in groups[g]) * 1000:6.0f}" for g in cols))
    print("(the first sample is taken a few ms after the process started; CPU used "
          "before it is counted in the first bucket)")
    # When did the listing end, and what did the main thread spend after it until the
    # list was drawn? (The worker's tid is the one named libvirt-conn-1.)
    m = bench.LOAD_RE.search(line)
    drawn = int(m.group(5)) / 1000 if m else wall
    worker = [tid for tid, n in names.items() if n == "libvirt-conn-1"]
    main_tid = str(proc.pid)
    if worker:
        w_prev, w_end = None, 0.0
        m_at = []
        for t, ths in samples:
            if t > drawn:
                break
            ns = ths.get(worker[0], (None, None))[1]
            if ns is not None and w_prev is not None and ns > w_prev:
                w_end = t
            if ns is not None:
                w_prev = ns
            m_at.append((t, ths.get(main_tid, (None, 0))[1]))
        before = [ns for t, ns in m_at if t <= w_end]
        after = [ns for t, ns in m_at]
        if before and after:
            print(f"listing finished at ≈{w_end * 1000:.0f} ms; the main thread then used "
                  f"{(after[-1] - before[-1]) / 1e6:.0f} ms of CPU until the list was drawn "
                  f"at {drawn * 1000:.0f} ms (process start → drawn)")
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
