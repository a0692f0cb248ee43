#!/usr/bin/env bash
# meson setup + install of BOTH profiles into one temporary prefix, then checks what a
# person gets: for each, the binary, a valid launcher, metainfo, the compiled schema,
# icons, the demo hypervisor and the zh_CN catalogue; that installing the Devel build
# changed none of the release build's files; and that each launcher starts its own
# binary, which loads its own demo and speaks Chinese from its own catalogue.
# Both are cargo debug builds in the tree's target/ (-Dcargo-profile=debug) so the
# build the tests made is reused. Run it last: it rebuilds hangar with install paths.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install-check: FAILED: $*"; exit 1; }

base=io.github.hangarapp.Hangar
install_profile() {  # install_profile PROFILE
  # setup + install one after the other: both builds share target/debug, and cargo
  # rebuilds the crate when the install paths it compiles in change.
  meson setup "$work/build-$1" -Dprofile="$1" -Dcargo-profile=debug \
    -Dcargo-target-dir="$PWD/target" --prefix="$prefix" >/dev/null
  meson install -C "$work/build-$1" >/dev/null
}
files_of() {  # files_of APP_ID BINARY: what that profile must install
  local id=$1 bin=$2
  printf '%s\n' bin/$bin \
    share/applications/$id.desktop \
    share/metainfo/$id.metainfo.xml \
    share/glib-2.0/schemas/$id.gschema.xml \
    share/icons/hicolor/scalable/apps/$id.svg \
    share/icons/hicolor/symbolic/apps/$id-symbolic.svg \
    share/$bin/demo.xml \
    share/locale/zh_CN/LC_MESSAGES/$bin.mo
}
check_installed() {  # check_installed APP_ID BINARY
  local f
  for f in $(files_of "$1" "$2") share/glib-2.0/schemas/gschemas.compiled; do
    [ -e "$prefix/$f" ] || fail "$f was not installed"
    echo "installed $f"
  done
  desktop-file-validate "$prefix/share/applications/$1.desktop" ||
    fail "the installed launcher $1.desktop does not validate"
}

install_profile default
check_installed $base hangar
# Fingerprint the release files: installing the Devel build must leave them alone.
(cd "$prefix" && sha256sum $(files_of $base hangar)) >"$work/release.sha256"

install_profile development
check_installed $base.Devel hangar-devel
(cd "$prefix" && sha256sum --quiet -c "$work/release.sha256") ||
  fail "installing the Devel build changed the release build's files"
echo "the release files are unchanged after installing the Devel build"

# Each launcher, as a desktop would start it: its Exec= line, on the installed schema.
# The other profile's data directory is moved away meanwhile, so a binary that looked
# in the wrong place would find no demo and fail.
run_launcher() {  # run_launcher APP_ID OTHER_BINARY
  local exec
  exec=$(sed -n 's/^Exec=//p' "$prefix/share/applications/$1.desktop")
  echo "$1.desktop: Exec=$exec"
  mv "$prefix/share/$2" "$work/hidden"
  local line zh
  line=$(PATH="$prefix/bin:$PATH" GSETTINGS_SCHEMA_DIR="$prefix/share/glib-2.0/schemas" \
    NO_AT_BRIDGE=1 xvfb-run -a "$exec" --demo --quit-after-load)
  # --help goes through gettext: Chinese here means the binary found its own .mo.
  zh=$(PATH="$prefix/bin:$PATH" LANG=zh_CN.UTF-8 LANGUAGE=zh_CN "$exec" --help)
  zh=${zh%%$'\n'*}
  mv "$work/hidden" "$prefix/share/$2"
  echo "  $line"
  echo "  $zh"
  [ "$(PATH="$prefix/bin:$PATH"; command -v "$exec")" = "$prefix/bin/$exec" ] ||
    fail "$1 does not start a binary from the prefix"
  case "$line" in
    "loaded connections=1 domains=6 networks=2 pools=2 "*) ;;
    *) fail "$exec did not load its installed demo: $line" ;;
  esac
  grep -q '用法' <<<"$zh" || fail "$exec --help is not in Chinese under zh_CN: $zh"
}
run_launcher $base hangar-devel
run_launcher $base.Devel hangar
[ "$(sed -n 's/^Exec=//p' "$prefix/share/applications/$base.desktop")" = hangar ] ||
  fail "the release launcher does not start hangar"
[ "$(sed -n 's/^Exec=//p' "$prefix/share/applications/$base.Devel.desktop")" = hangar-devel ] ||
  fail "the Devel launcher does not start hangar-devel"
grep -q '<binary>hangar-devel</binary>' "$prefix/share/metainfo/$base.Devel.metainfo.xml" ||
  fail "the Devel metainfo does not name hangar-devel"
echo "install-check: ok"
