#!/usr/bin/env bash
# Packaging checks: data files validate, the Flatpak manifest is consistent and
# pinned, the vendored crate list matches Cargo.lock, and the translations are
# complete. Runs from any directory (meson runs it as the `packaging` test) and
# exits non-zero if any check fails; every check runs so one report shows them all.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=()
check() {
    local name=$1
    shift
    echo "== $name"
    if "$@" >"$tmp/out" 2>&1; then
        sed 's/^/   /' "$tmp/out"
        echo "   ok"
    else
        sed 's/^/   /' "$tmp/out"
        echo "   FAILED"
        failed+=("$name")
    fi
}
need() { command -v "$1" >/dev/null || { echo "$1 not installed"; return 1; }; }

# The names meson uses; everything below is compared against them.
meson_var() { sed -n "s/^$1 = '\(.*\)'$/\1/p" meson.build; }
app_id=$(meson_var base_id)
binary=$(meson_var base_binary)
manifest=flatpak/$app_id.json
echo "app id: $app_id, binary: $binary"

# Desktop and metainfo go through the same steps as meson: @APP_ID@ and @BINARY@ filled in,
# translations merged with msgfmt, then validated.
merged() {  # merged KIND SOURCE OUTPUT
    # keep the source's name: msgfmt picks the ITS rules for XML by file name
    local src=$tmp/$(basename "$2")
    sed -e "s/@APP_ID@/$app_id/g" -e "s/@BINARY@/$binary/g" "$2" >"$src"
    msgfmt "--$1" -d po --template "$src" -o "$3"
}
check_desktop() {
    need desktop-file-validate || return 1
    merged desktop "data/$app_id.desktop.in" "$tmp/$app_id.desktop" &&
        desktop-file-validate "$tmp/$app_id.desktop" &&
        grep -E '^(Icon|Exec|Categories)=' "$tmp/$app_id.desktop" &&
        grep -q "^Icon=$app_id$" "$tmp/$app_id.desktop" &&
        grep -q "^Exec=$binary$" "$tmp/$app_id.desktop"
}
check_metainfo() {
    need appstream-util || return 1
    merged xml "data/$app_id.metainfo.xml.in" "$tmp/$app_id.metainfo.xml" &&
        appstream-util validate-relax --nonet "$tmp/$app_id.metainfo.xml" &&
        grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$tmp/$app_id.metainfo.xml" &&
        grep -q "<binary>$binary</binary>" "$tmp/$app_id.metainfo.xml"
}
# Both profiles: the release schema as shipped and the Devel one meson derives.
check_schemas() {
    mkdir -p "$tmp/schemas"
    cp "data/$app_id.gschema.xml" "$tmp/schemas/"
    sed -e "s|id=\"$app_id\"|id=\"$app_id.Devel\"|" \
        -e 's|path="/io/github/hangarapp/Hangar/"|path="/io/github/hangarapp/Hangar/Devel/"|' \
        "data/$app_id.gschema.xml" >"$tmp/schemas/$app_id.Devel.gschema.xml"
    grep -q "id=\"$app_id.Devel\"" "$tmp/schemas/$app_id.Devel.gschema.xml" &&
        glib-compile-schemas --strict --dry-run "$tmp/schemas" &&
        echo "schemas $app_id and $app_id.Devel compile"
}
# A key nobody reads is a setting that silently does nothing: each must be named in src/.
check_schema_keys_used() {
    local key unused=0
    for key in $(sed -n 's/.*<key name="\([^"]*\)".*/\1/p' "data/$app_id.gschema.xml"); do
        if grep -rqF "\"$key\"" src; then
            echo "$key"
        else
            echo "$key: never read in src/"
            unused=1
        fi
    done
    return $unused
}
check_gresource() {
    glib-compile-resources --sourcedir data --target "$tmp/hangar.gresource" \
        data/resources.gresource.xml && gresource list "$tmp/hangar.gresource"
}
# The demo must load in libvirt's test driver exactly as the app loads it.
check_demo() {
    if ! command -v virsh >/dev/null; then
        echo "virsh not installed, skipped"
        return 0
    fi
    virsh -q -c "test://$root/data/demo.xml" list --all &&
        [ "$(virsh -q -c "test://$root/data/demo.xml" list --all --name | grep -c .)" -eq 6 ]
}

check_manifest() {
    APP_ID=$app_id BINARY=$binary python3 - "$manifest" <<'EOF'
import json, os, sys

path = sys.argv[1]
with open(path) as f:
    m = json.load(f)  # also the "parses as JSON" check
print(f"{path} parses as JSON")
errors = []
if m.get("app-id") != os.environ["APP_ID"]:
    errors.append(f"app-id {m.get('app-id')!r} != meson's {os.environ['APP_ID']!r}")
if m.get("command") != os.environ["BINARY"]:
    errors.append(f"command {m.get('command')!r} != meson's binary {os.environ['BINARY']!r}")
required = {"--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
            "--share=network", "--filesystem=/run/libvirt", "--socket=ssh-auth",
            "--talk-name=org.freedesktop.secrets"}
missing = required - set(m.get("finish-args", []))
if missing:
    errors.append(f"finish-args lack {sorted(missing)}")

# Every remote source must be pinned; local ones (dir, inline, path=) are the checkout.
def sources(module, base):
    for s in module.get("sources", []):
        if isinstance(s, str):  # a JSON file of sources, relative to the manifest
            with open(os.path.join(base, s)) as f:
                included = json.load(f)
            yield from (included if isinstance(included, list) else [included])
        else:
            yield s
    for sub in module.get("modules", []):
        if isinstance(sub, dict):
            yield from sources(sub, base)

base = os.path.dirname(path)
counts = {}
for module in m["modules"]:
    n = 0
    for s in sources(module, base):
        n += 1
        kind = s.get("type")
        if kind in ("archive", "file") and "url" in s:
            if len(s.get("sha256", "")) != 64:
                errors.append(f"{module['name']}: {s['url']} has no sha256")
        elif kind == "git":
            if len(s.get("commit", "")) != 40:
                errors.append(f"{module['name']}: git {s.get('url')} has no commit")
        elif kind not in ("dir", "inline", "patch", "file", "shell", "script"):
            errors.append(f"{module['name']}: source type {kind!r} not checked")
    counts[module["name"]] = n
print("sources per module:", ", ".join(f"{k} {v}" for k, v in counts.items()))
hangar = [mod for mod in m["modules"] if mod["name"] == "hangar"]
if not hangar or "-Dprofile=default" not in hangar[0].get("config-opts", []):
    errors.append("the hangar module must build -Dprofile=default (release app id)")
for e in errors:
    print("error:", e)
sys.exit(1 if errors else 0)
EOF
}

check_cargo_sources() {
    python3 build-aux/flatpak-cargo-sources.py Cargo.lock -o "$tmp/cargo-sources.json" &&
        diff -u flatpak/cargo-sources.json "$tmp/cargo-sources.json" &&
        python3 - <<'EOF'
import json, tomllib
lock = tomllib.load(open("Cargo.lock", "rb"))
have = {(s["url"], s["sha256"]) for s in json.load(open("flatpak/cargo-sources.json"))
        if s["type"] == "archive"}
crates = [p for p in lock["package"] if "source" in p]
missing = [f"{p['name']} {p['version']}" for p in crates
           if (f"https://static.crates.io/crates/{p['name']}/{p['name']}-{p['version']}.crate",
               p.get("checksum")) not in have]
print(f"{len(crates)} crates in Cargo.lock, {len(have)} archives in cargo-sources.json")
for m in missing:
    print("missing:", m)
raise SystemExit(1 if missing else 0)
EOF
}

check_po_compiles() {
    msgfmt --check -c -o /dev/null po/zh_CN.po
}
check_po_complete() {
    local stats
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null po/zh_CN.po 2>&1)
    echo "$stats"
    ! grep -qE 'untranslated|fuzzy' <<<"$stats"
}
# Placeholders survive translation: {name} in a msgid is in its msgstr and vice versa.
check_po_placeholders() {
    python3 tests/packaging/po_placeholders.py po/zh_CN.po
}
# The check above must be able to fail: break one {placeholder} in a copy and see it caught.
check_po_placeholders_catch_breakage() {
    python3 - po/zh_CN.po "$tmp/broken.po" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
broken, n = re.subn(r'^(msgstr(?:\[0\])? ".*?)\{([a-z_]+)\}', r"\1{\2_typo}", text, count=1, flags=re.M)
assert n == 1, "no translated placeholder to break"
open(sys.argv[2], "w", encoding="utf-8").write(broken)
EOF
    if python3 tests/packaging/po_placeholders.py "$tmp/broken.po"; then
        echo "a broken placeholder was not caught"
        return 1
    fi
    echo "(the failure above is expected: it proves the check works)"
}
# Extract with the keywords po/meson.build gives xgettext, then every msgid must
# have a translation in zh_CN.po (msgcmp treats untranslated/fuzzy as missing).
check_po_covers_sources() {
    local keywords
    mapfile -t keywords < <(grep -o "'--keyword=[^']*'" po/meson.build | tr -d "'")
    # xgettext has no Rust parser and reads .rs as C (its warnings about the unknown
    # extension and about lifetimes looking like char literals are harmless).
    xgettext --from-code=UTF-8 --add-comments=Translators: "${keywords[@]}" -f po/POTFILES.in \
        -o "$tmp/hangar.pot" 2>"$tmp/xgettext.log" ||
        { grep -v 'warning:' "$tmp/xgettext.log"; return 1; }
    echo "$(grep -c '^msgid ' "$tmp/hangar.pot") msgids extracted (header included)"
    msgcmp po/zh_CN.po "$tmp/hangar.pot" 2>/dev/null && return 0
    # msgcmp only names lines of a temporary file; list the strings themselves.
    msgmerge -q --no-fuzzy-matching po/zh_CN.po "$tmp/hangar.pot" -o "$tmp/merged.po"
    echo "strings without a zh_CN translation:"
    msgattrib --untranslated --no-obsolete --no-location --no-wrap "$tmp/merged.po" |
        grep '^msgid ' | sed 1d
    echo "update with: meson compile -C BUILDDIR hangar-update-po, then translate"
    return 1
}

check "desktop file validates" check_desktop
check "metainfo validates (validate-relax --nonet)" check_metainfo
check "GSettings schemas compile (--strict)" check_schemas
check "every GSettings key is read by the code" check_schema_keys_used
check "gresource compiles" check_gresource
check "demo.xml loads in the libvirt test driver (6 domains)" check_demo
check "flatpak manifest: JSON, ids, finish-args, pinned sources" check_manifest
check "cargo-sources.json matches Cargo.lock" check_cargo_sources
check "po/POTFILES.in lists every file using gettext" build-aux/update-potfiles.sh --check
check "zh_CN.po compiles (msgfmt --check -c)" check_po_compiles
check "zh_CN.po has no untranslated or fuzzy entries" check_po_complete
check "zh_CN.po translates every extracted string" check_po_covers_sources
check "zh_CN.po keeps every {placeholder} of its msgids" check_po_placeholders
check "the placeholder check fails on a broken copy" check_po_placeholders_catch_breakage

echo
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all packaging checks passed"
