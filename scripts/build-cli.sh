#!/bin/sh
# Installs the workspace with the pinned pnpm and builds the `certexit` command and the packages it needs; then
# bin/certexit runs it (link that onto your PATH; see the README).
set -eu
cd "$(dirname "$0")/.."
. scripts/lib/pnpm.sh
pnpm_cmd install
pnpm_cmd exec turbo run build --filter=certexit... --output-logs=errors-only
echo "certexit is built: link $PWD/bin/certexit onto your PATH, e.g. ln -s \"$PWD/bin/certexit\" ~/.local/bin/certexit"
