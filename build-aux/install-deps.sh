#!/usr/bin/env bash
# Installs the Debian packages Hangar needs. Usage: install-deps.sh [run|test]
#   run  : build and run the app (GTK, VTE, libadwaita, libvirt client, test driver)
#   test : everything in "run" plus a local libvirtd + QEMU, Xvfb and AT-SPI for the test suite
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
set -euo pipefail
mode=${1:-run}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

build_pkgs=(build-essential pkg-config libgtk-4-dev libvte-2.91-gtk4-dev libadwaita-1-dev
  libvirt-dev libgtksourceview-5-dev libsecret-1-dev meson ninja-build gettext desktop-file-utils
  libglib2.0-bin curl ca-certificates)
# The libvirt test driver (the demo) lives in the client library: no daemon needed to run.
run_pkgs=(libvirt-clients libgl1-mesa-dri dbus)
test_pkgs=(libvirt-daemon-system xvfb xauth at-spi2-core python3-pyatspi gir1.2-atspi-2.0
  imagemagick appstream-util busybox-static cpio linux-image-amd64 util-linux dnsmasq-base
  sasl2-bin libsasl2-modules gnome-keyring
  # Chinese: libvirt's own translations and the zh_CN.UTF-8 locale (tests/libvirt_zh_CN.rs)
  libvirt-l10n locales)

missing=()
want=("${build_pkgs[@]}" "${run_pkgs[@]}")
[ "$mode" = test ] && want+=("${test_pkgs[@]}" qemu-system-x86)
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  extra=()
  # Some images ship a newer qemu-utils from a source apt no longer lists; qemu-system-x86
  # from the distribution then conflicts with it. Pin qemu-utils to the version that matches.
  if printf '%s\n' "${missing[@]}" | grep -qx qemu-system-x86; then
    want_ver=$(apt-cache policy qemu-system-x86 | awk '/Candidate:/ {print $2}')
    have_ver=$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null || true)
    if [ -n "$want_ver" ] && [ "$want_ver" != "(none)" ] && [ "$have_ver" != "$want_ver" ]; then
      extra=(--allow-downgrades "qemu-utils=$want_ver" "qemu-block-extra=$want_ver")
    fi
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${extra[@]}" "${missing[@]}" >/dev/null
fi

# The tests run libvirt and the window under zh_CN.UTF-8; Debian generates no locale
# until one is asked for.
if [ "$mode" = test ] && ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8'; then
  echo "install-deps: generating the zh_CN.UTF-8 locale"
  $SUDO sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  # Debian's own rustc is too old for gtk4-rs; rustup is the supported way.
  echo "install-deps: no cargo found. Install Rust 1.80 or newer with rustup (https://rustup.rs)," >&2
  echo "then run this again." >&2
  exit 1
fi
