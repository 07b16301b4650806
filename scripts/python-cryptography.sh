#!/bin/sh
# Makes sure Debian's python3-cryptography (and openssl) is installed: the policy tests parse every certificate the
# CA issues with /usr/bin/python3 and `cryptography`, which parses strictly. Installs with apt-get when missing (as
# root, like scripts/samba-dc.sh); a machine without apt-get gets a clear message naming the package.
set -eu
if /usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
  exit 0
fi
pkgs="python3-cryptography openssl"
command -v apt-get >/dev/null 2>&1 || { echo "python-cryptography.sh: install $pkgs by hand (no apt-get)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "python-cryptography.sh: installing $pkgs needs root; try: sudo $0" >&2; exit 1; }
log=$(mktemp)
if ! { apt-get -o DPkg::Lock::Timeout=300 update -q &&
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q $pkgs; } >"$log" 2>&1; then
  echo "python-cryptography.sh: apt-get install of $pkgs failed (log: $log)" >&2
  exit 1
fi
rm -f "$log"
/usr/bin/python3 -c 'import cryptography' || { echo "python-cryptography.sh: cryptography still missing" >&2; exit 1; }
