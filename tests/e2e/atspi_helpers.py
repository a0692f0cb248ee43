"""Small helpers to drive Hangar's real window over AT-SPI, as a screen reader or a
person with a mouse would: find controls by their accessible names, click them, read
what the rows say."""

import time

import pyatspi
from gi.repository import Atspi


def wait(what, predicate, timeout=20.0, interval=0.05):
    """Polls until predicate() returns something truthy; returns it or raises."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except Exception:  # the tree changes under us while rows are recycled
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def find_app(name, timeout=30.0):
    def look():
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == name:
                return app
        return None

    return wait(f"application {name!r} on the accessibility bus", look, timeout)


def find(node, predicate):
    if predicate(node):
        return node
    for child in node:
        if child is None:
            continue
        found = find(child, predicate)
        if found is not None:
            return found
    return None


def find_all(node, predicate, out=None):
    out = [] if out is None else out
    if predicate(node):
        out.append(node)
    for child in node:
        if child is not None:
            find_all(child, predicate, out)
    return out


def labels(node):
    return [n.name for n in find_all(node, lambda n: n.getRoleName() == "label")]


def button(app, name):
    return find(app, lambda n: n.getRoleName() == "push button" and n.name == name)


def is_sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def machine_rows(app):
    """Each drawn machine row as the list of its cell texts."""
    table = find(app, lambda n: n.getRoleName() == "tree table" and n.name == "Virtual machines")
    if table is None:
        return []
    rows = find_all(table, lambda n: n.getRoleName() == "table row")
    return [labels(r) for r in rows if find(r, lambda n: n.getRoleName() == "table cell")]


def machine_row(app, name):
    for cells in machine_rows(app):
        if cells and cells[0] == name:
            return cells
    return None


def click_at(node):
    """A real pointer click in the middle of node. Without a window manager under
    Xvfb the window sits at (0, 0), so window coordinates are screen coordinates."""
    ext = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    Atspi.generate_mouse_event(ext.x + ext.width // 2, ext.y + ext.height // 2, "b1c")


def press(node):
    """Activates a button through its accessible action, as assistive tools do."""
    node.queryAction().doAction(0)
