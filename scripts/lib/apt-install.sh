# apt_install <script name> <package>...: installs Debian packages the tests need, as root, with apt-get; on a machine
# without apt-get or without root, one clear line naming the packages. Sourced by the scripts that check a tool.
apt_install() {
  who=$1
  shift
  command -v apt-get >/dev/null 2>&1 || { echo "$who: install $* by hand (no apt-get)" >&2; return 1; }
  [ "$(id -u)" = 0 ] || { echo "$who: installing $* needs root; try: sudo $0" >&2; return 1; }
  log=$(mktemp)
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@"; } >"$log" 2>&1; then
    echo "$who: apt-get install of $* failed (log: $log)" >&2
    return 1
  fi
  rm -f "$log"
}
