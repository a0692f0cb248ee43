#!/usr/bin/env bash
# meson setup + compile + install into a temporary prefix, then checks what a person
# gets: the binary, a valid launcher, metainfo, the compiled schema, icons, the demo
# hypervisor and the zh_CN catalogue — and that the installed binary starts on its
# installed data. Uses the development profile and the tree's target/ so the debug
# build the tests made is reused. Run it last: it rebuilds hangar with install paths.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install-check: FAILED: $*"; exit 1; }

meson setup "$work/build" -Dprofile=development -Dcargo-target-dir="$PWD/target" --prefix="$prefix" >/dev/null
meson compile -C "$work/build" >/dev/null
meson install -C "$work/build" >/dev/null

id=io.github.hangarapp.Hangar.Devel
for f in bin/hangar \
         share/applications/$id.desktop \
         share/metainfo/$id.metainfo.xml \
         share/glib-2.0/schemas/$id.gschema.xml \
         share/glib-2.0/schemas/gschemas.compiled \
         share/icons/hicolor/scalable/apps/$id.svg \
         share/hangar/demo.xml \
         share/locale/zh_CN/LC_MESSAGES/hangar.mo; do
  [ -e "$prefix/$f" ] || fail "$f was not installed"
  echo "installed $f"
done
desktop-file-validate "$prefix/share/applications/$id.desktop" || fail "the installed launcher does not validate"
grep -q '^Exec=hangar' "$prefix/share/applications/$id.desktop" || fail "the launcher does not start hangar"

# The installed binary, on its installed schema and demo file.
line=$(GSETTINGS_SCHEMA_DIR="$prefix/share/glib-2.0/schemas" NO_AT_BRIDGE=1 \
  xvfb-run -a "$prefix/bin/hangar" --demo --quit-after-load)
echo "$line"
case "$line" in
  "loaded connections=1 domains=6 networks=2 pools=2 "*) ;;
  *) fail "the installed binary did not load the installed demo: $line" ;;
esac
echo "install-check: ok"
