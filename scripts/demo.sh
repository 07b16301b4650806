#!/bin/sh
# The main job on embedded defaults: install, build, then run the reference server's demo in ./demo-ca
# (a demo CA issuing certificates from CSRs, with every exit-module notification shown).
set -eu
cd "$(dirname "$0")/.."
sh scripts/build-cli.sh
bin/certexit --dir ./demo-ca demo
