#!/bin/sh
# Regenerates po/POTFILES.in: the translatable data files plus every Rust source that
# calls gettext (also matches ngettext/pgettext/npgettext). Run from anywhere; with
# --check it only reports whether the committed list is current (used by
# tests/packaging/check.sh).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

generate() {
    echo "# Files with translatable strings. Regenerate with build-aux/update-potfiles.sh."
    ls data/*.desktop.in data/*.metainfo.xml.in
    grep -rl --include='*.rs' 'gettext(' src | LC_ALL=C sort
}

if [ "${1:-}" = --check ]; then
    if generate | cmp -s - po/POTFILES.in; then
        echo "po/POTFILES.in is up to date"
    else
        echo "po/POTFILES.in is stale; run build-aux/update-potfiles.sh" >&2
        generate | diff -u po/POTFILES.in - >&2 || true
        exit 1
    fi
else
    generate > po/POTFILES.in
fi
