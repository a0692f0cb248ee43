#!/usr/bin/python3
"""End to end: the real `hangar` binary against a real libvirtd and a real QEMU guest.

A person selects a machine, presses Start, and sees it running; then another client
(`virsh`) stops and starts it, and the row follows by itself. Run by run.sh inside
an Xvfb display and a D-Bus session with the accessibility bus."""

import os
import subprocess
import sys
import tempfile
import time
import traceback

from atspi_helpers import (button, click_at, find, find_app, is_sensitive, machine_row,
                           press, wait)

HANGAR = os.environ.get("HANGAR_BIN", "target/debug/hangar")
URI = "qemu:///system"
NAME = f"hangar-e2e-{os.getpid()}"

# The smallest guest that really runs under TCG: no disk, so SeaBIOS finds nothing to
# boot and the machine idles, running, until stopped.
DOMAIN_XML = f"""<domain type='qemu'>
  <name>{NAME}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><serial type='pty'/><console type='pty'/></devices>
</domain>"""


def virsh(*args, check=True):
    return subprocess.run(["virsh", "-c", URI, *args], check=check, capture_output=True,
                          text=True).stdout.strip()


def state_of(app):
    row = machine_row(app, NAME)
    return row[1] if row and len(row) > 1 else None


def test_start_from_the_window_then_follow_virsh(app):
    row_label = wait("the test machine's row", lambda: find(
        app, lambda n: n.getRoleName() == "label" and n.name == NAME))
    assert state_of(app) == "Shut off", state_of(app)
    start = button(app, "Start")
    assert not is_sensitive(start), "nothing selected yet, Start must be grey"
    click_at(row_label)
    wait("Start to become available for the selected machine", lambda: is_sensitive(start))
    assert not is_sensitive(button(app, "Shut Down"))
    press(start)
    wait("the row to say Running", lambda: state_of(app) == "Running")
    assert virsh("domstate", NAME) == "running"
    wait("Force Off to become available", lambda: is_sensitive(button(app, "Force Off")))

    # Another client pulls the plug; the row follows the libvirt event.
    virsh("destroy", NAME)
    wait("the row to say Shut off after virsh destroy", lambda: state_of(app) == "Shut off")
    wait("Start to become available again", lambda: is_sensitive(start))
    virsh("start", NAME)
    wait("the row to say Running after virsh start", lambda: state_of(app) == "Running")
    virsh("suspend", NAME)
    wait("the row to say Paused after virsh suspend", lambda: state_of(app) == "Paused")
    wait("Resume to light up for the paused machine",
         lambda: is_sensitive(button(app, "Resume")))
    press(button(app, "Resume"))
    wait("the row to say Running after Resume", lambda: state_of(app) == "Running")


def test_define_and_undefine_elsewhere_adds_and_removes_the_row(app):
    other = NAME + "-other"
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(DOMAIN_XML.replace(NAME, other))
    try:
        virsh("define", f.name)
        wait("a row for the machine defined by virsh", lambda: machine_row(app, other))
        virsh("undefine", other)
        wait("the row to go after virsh undefine", lambda: machine_row(app, other) is None)
    finally:
        os.unlink(f.name)
        virsh("undefine", other, check=False)


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(DOMAIN_XML)
    virsh("define", f.name)
    os.unlink(f.name)
    proc = subprocess.Popen([HANGAR, "--connect", URI])
    passed, failed = 0, 0
    try:
        app = find_app("hangar")
        for test in (test_start_from_the_window_then_follow_virsh,
                     test_define_and_undefine_elsewhere_adds_and_removes_the_row):
            try:
                test(app)
                passed += 1
                print(f"test {test.__name__} ... ok", flush=True)
            except Exception:
                failed += 1
                print(f"test {test.__name__} ... FAILED", flush=True)
                traceback.print_exc()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        virsh("destroy", NAME, check=False)
        virsh("undefine", NAME, check=False)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
