#!/usr/bin/python3
"""Compares hangar's load time under different GTK settings, runs interleaved so that
other work on a shared machine hits every setting alike. Python 3 stdlib only.

    python3 tools/bench/compare.py [--sizes 10,1000] [--runs 7]

Settings compared (environment of the hangar process; one Xvfb and one session bus):
  default        GTK's own choices (GL renderer, AT-SPI accessibility)
  cairo          GSK_RENDERER=cairo
  a11y-off       GTK_A11Y=none NO_AT_BRIDGE=1
  cairo+a11y-off both
  no-animations  gtk-enable-animations=false (stops the sidebar spinner)
Prints, per size and setting, the median and the minimum of hangar's own `ms=` and of
its CPU time (user+system, all threads). For scale, under each setting it also runs
the floor (tools/bench/floor.c: an empty libadwaita window, size "floor") and hangar on
a URI that fails at once (size "failed": hangar's window with no host data), and it
times `hangar --version` (process start-up and dynamic linking only).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 1000])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--settings", default="default,cairo,a11y-off,cairo+a11y-off,no-animations")
    p.add_argument("--hangar", default=os.path.join(bench.REPO, "target/release/hangar"))
    p.add_argument("--nodegen", default=os.path.join(bench.REPO,
                                                     "target/release/hangar-nodegen"))
    a = p.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="hangar-compare-", dir="/var/tmp")
    sess = None
    try:
        sess = bench.Session("atspi", None, True, tmp)
        conf = os.path.join(tmp, "no-anim")
        os.makedirs(os.path.join(conf, "gtk-4.0"))
        with open(os.path.join(conf, "gtk-4.0", "settings.ini"), "w") as f:
            f.write("[Settings]\ngtk-enable-animations=false\n")
        envs = {
            "default": {},
            "cairo": {"GSK_RENDERER": "cairo"},
            "a11y-off": {"GTK_A11Y": "none", "NO_AT_BRIDGE": "1"},
            "cairo+a11y-off": {"GSK_RENDERER": "cairo", "GTK_A11Y": "none",
                               "NO_AT_BRIDGE": "1"},
            "no-animations": {"XDG_CONFIG_HOME": conf},
        }
        names = a.settings.split(",")
        files = {}
        for n in a.sizes:
            files[n] = os.path.join(tmp, f"node-{n}.xml")
            subprocess.run([a.nodegen, "--domains", str(n), files[n]], check=True)
        floor = bench.build_floor(tmp)
        cases = (["floor"] if floor else []) + ["failed"] + list(a.sizes)
        res = {(n, s): ([], []) for n in cases for s in names}
        version = []
        out = os.path.join(tmp, "out")
        for r in range(-1, a.runs):  # run -1 is a warm-up
            t = bench.timed([a.hangar, "--version"], sess.env, out)
            if r >= 0:
                version.append(t["wall"] * 1000)
            for n in cases:
                for s in names:
                    env = dict(sess.env, **envs[s])
                    if n == "floor":
                        cmd = [floor]
                    elif n == "failed":
                        # No such file: the connection fails at once; --quit-after-load
                        # still prints its line after the first frame (and exits 1).
                        cmd = [a.hangar, "--connect", "test:///nonexistent/hangar.xml",
                               "--quit-after-load"]
                    else:
                        cmd = [a.hangar, "--connect", "test://" + files[n],
                               "--quit-after-load"]
                    t = bench.timed(cmd, env, out)
                    m = re.search(r"ms=(\d+)", open(out).read())
                    if not m:
                        raise RuntimeError(f"no ms= line ({s}, {n})")
                    if r >= 0:
                        res[(n, s)][0].append(int(m.group(1)))
                        res[(n, s)][1].append(t["cpu"] * 1000)
            bench.log(f"  run {r + 1} of {a.runs} done" if r >= 0 else "  warm-up done")
    finally:
        if sess:
            sess.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"`hangar --version` (no GTK): median {statistics.median(version):.0f} ms wall, "
          f"min {min(version):.0f} ms")
    print()
    print("| N | setting | own ms median | own ms min | CPU ms median | CPU ms min | all own ms |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for n in cases:
        for s in names:
            ms, cpu = res[(n, s)]
            label = n if isinstance(n, str) else f"{n:,}"
            print(f"| {label} | {s} | {statistics.median(ms):.0f} | {min(ms)} | "
                  f"{statistics.median(cpu):.0f} | {min(cpu):.0f} | "
                  f"{' '.join(str(x) for x in ms)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
