#!/bin/sh
# Makes sure Debian's zsh is installed: the completion tests load `certexit completion zsh` in a real zsh.
set -eu
. "$(dirname "$0")/lib/apt-install.sh"
command -v zsh >/dev/null 2>&1 && exit 0
apt_install zsh.sh zsh
command -v zsh >/dev/null 2>&1 || { echo "zsh.sh: zsh still missing" >&2; exit 1; }
