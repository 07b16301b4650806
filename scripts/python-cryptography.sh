#!/bin/sh
# Makes sure Debian's python3-cryptography (and openssl) is installed: the policy tests parse every certificate the
# CA issues with /usr/bin/python3 and `cryptography`, which parses strictly. Installs with apt-get when missing.
set -eu
. "$(dirname "$0")/lib/apt-install.sh"
if /usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
  exit 0
fi
apt_install python-cryptography.sh python3-cryptography openssl
/usr/bin/python3 -c 'import cryptography' || { echo "python-cryptography.sh: cryptography still missing" >&2; exit 1; }
