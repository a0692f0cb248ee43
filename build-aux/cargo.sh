#!/bin/sh
# Meson's bridge to cargo (called from meson.build, never by hand).
#   cargo.sh build OUTPUT   build the `hangar` binary and copy it to OUTPUT
#   cargo.sh test           run `cargo test`
# Meson passes CARGO, CARGO_TARGET_DIR, HANGAR_CARGO_PROFILE (release|debug),
# HANGAR_SOURCE_ROOT and the HANGAR_* build variables in the environment; cargo hands
# the latter to rustc, where src/config.rs picks them up with option_env!.
# A script rather than an inline command because meson runs commands that carry an
# environment without a shell, so `cargo build && cp` would not work there.
set -eu

mode=$1
manifest="$HANGAR_SOURCE_ROOT/Cargo.toml"
if [ "$HANGAR_CARGO_PROFILE" = release ]; then
    set -- "$@" --release
fi

case $mode in
build)
    output=$2
    shift 2
    "$CARGO" build --manifest-path "$manifest" --bin hangar "$@"
    cp "$CARGO_TARGET_DIR/$HANGAR_CARGO_PROFILE/hangar" "$output"
    ;;
test)
    shift
    # The GTK tests need a display; headless (CI, meson test over SSH) use a virtual one.
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
        set -- xvfb-run -a "$CARGO" test --manifest-path "$manifest" "$@"
    else
        set -- "$CARGO" test --manifest-path "$manifest" "$@"
    fi
    "$@"
    ;;
*)
    echo "usage: $0 build OUTPUT | test" >&2
    exit 2
    ;;
esac
