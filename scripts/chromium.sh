#!/bin/sh
# Makes sure Debian's headless-capable Chromium and NSS's tools are installed: the console's browser tests drive
# /usr/bin/chromium (through playwright-core) and give it a private NSS database (certutil, pk12util from
# libnss3-tools) that trusts the test CA and holds the test client certificate. Installs with apt-get when missing
# (as root, like scripts/samba-dc.sh); a machine without apt-get gets a clear message naming the packages.
set -eu
if [ -x /usr/bin/chromium ] && command -v certutil >/dev/null 2>&1 && command -v pk12util >/dev/null 2>&1; then
  exit 0
fi
pkgs="chromium libnss3-tools fonts-dejavu-core"
command -v apt-get >/dev/null 2>&1 || { echo "chromium.sh: install $pkgs by hand (no apt-get)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "chromium.sh: installing $pkgs needs root; try: sudo $0" >&2; exit 1; }
log=$(mktemp)
if ! { apt-get -o DPkg::Lock::Timeout=300 update -q &&
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $pkgs; } >"$log" 2>&1; then
  echo "chromium.sh: apt-get install of $pkgs failed (log: $log)" >&2
  exit 1
fi
rm -f "$log"
[ -x /usr/bin/chromium ] || { echo "chromium.sh: /usr/bin/chromium still missing" >&2; exit 1; }
