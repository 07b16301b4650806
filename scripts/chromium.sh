#!/bin/sh
# Makes sure Debian's headless-capable Chromium and NSS's tools are installed: the console's browser tests drive
# /usr/bin/chromium (through playwright-core) and give it a private NSS database (certutil, pk12util from
# libnss3-tools) that trusts the test CA and holds the test client certificate. Installs with apt-get when missing.
set -eu
. "$(dirname "$0")/lib/apt-install.sh"
if [ -x /usr/bin/chromium ] && command -v certutil >/dev/null 2>&1 && command -v pk12util >/dev/null 2>&1; then
  exit 0
fi
apt_install chromium.sh chromium libnss3-tools fonts-dejavu-core
[ -x /usr/bin/chromium ] || { echo "chromium.sh: /usr/bin/chromium still missing" >&2; exit 1; }
