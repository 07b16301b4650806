#!/bin/sh
# The main job on embedded defaults: install, build, then run the reference server's demo in ./demo-ca
# (a demo CA issuing certificates from CSRs, with every exit-module notification shown).
set -eu
cd "$(dirname "$0")/.."
. scripts/lib/pnpm.sh
pnpm_cmd install
pnpm_cmd exec turbo run build --filter=certexit... --output-logs=errors-only
pnpm_cmd --filter certexit exec node dist/cli.js --dir "$PWD/demo-ca" demo
