#!/bin/sh
# The whole test suite, from a fresh machine: install, build, type-check, lint (Biome, publint, attw), start the
# real servers the integration tests use (Samba AD DC, OpenLDAP slapd, rsyslog over TLS; the SMTP and HTTPS
# servers start inside their tests), run every test, stop the servers, and end with one line
# of totals: "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
. scripts/lib/pnpm.sh
mkdir -p .tmp

if [ "${CI:-}" = "true" ]; then pnpm_cmd install --frozen-lockfile; else pnpm_cmd install; fi
pnpm_cmd exec turbo run build typecheck --output-logs=errors-only
pnpm_cmd run lint

stop_servers() {
  bash scripts/samba-dc.sh stop >/dev/null 2>&1 || true
  bash scripts/openldap.sh stop >/dev/null 2>&1 || true
  bash scripts/rsyslog.sh stop >/dev/null 2>&1 || true
}
trap stop_servers INT TERM
# The console's browser tests drive Debian's Chromium; installed here when missing.
sh scripts/chromium.sh
bash scripts/samba-dc.sh start
bash scripts/openldap.sh start
# The policy tests parse every issued certificate with Python's cryptography (Debian's python3-cryptography).
sh scripts/python-cryptography.sh
# The completion tests load the zsh script in a real zsh (Debian's zsh).
sh scripts/zsh.sh
bash scripts/rsyslog.sh start

status=0
pnpm_cmd exec vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest-results.json || status=$?
stop_servers
node scripts/test-totals.mjs .tmp/vitest-results.json || status=1
exit "$status"
