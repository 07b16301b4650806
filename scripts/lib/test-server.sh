# Sourced by the scripts that run a throw-away server for the tests (scripts/openldap.sh, scripts/rsyslog.sh,
# scripts/postgres.sh): what they do the same way whatever the server. Set SERVER_NAME (the prefix of every message)
# and MARKER (the file that marks a state directory as this script's) after sourcing. The script defines
# `running_pid` (the server's pid, or status 1), `healthy`, `address` (where it answers, for messages), `write_env`
# and `cmd_start`, `cmd_stop`, `cmd_status`; `server_main "$@"` runs the command line.
TEST_SERVER_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

say() { printf '%s: %s\n' "$SERVER_NAME" "$*"; }
die() {
  printf '%s: error: %s\n' "$SERVER_NAME" "$*" >&2
  exit 1
}

# state_dir <value of the *_DIR variable> <name>: that folder as an absolute path without a trailing slash, or
# <repo>/.tmp/<name> when the variable is empty.
state_dir() {
  local dir=${1:-$TEST_SERVER_REPO_ROOT/.tmp/$2}
  case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
  echo "${dir%/}"
}

# claim_dir <dir>: creates the folder with the marker, or adopts an empty one; refuses a non-empty folder this script
# did not create.
claim_dir() {
  local d=$1
  if [ -d "$d" ] && [ ! -e "$d/$MARKER" ]; then
    [ -z "$(ls -A "$d")" ] || die "$d exists, is not empty and was not created by this script"
  fi
  mkdir -p "$d"
  : >"$d/$MARKER"
}

# apt_get_logged <package>...: apt-get update and install, output to a log; on failure the log's last lines and one
# error line, status 1 (the caller may undo what it set up for the install, then exit).
apt_get_logged() {
  local log
  log=$(mktemp "/tmp/$SERVER_NAME-apt.XXXXXX")
  if ! {
    apt-get -o DPkg::Lock::Timeout=300 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$@"
  } >"$log" 2>&1; then
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    printf '%s: error: apt-get install of %s failed (full log: %s)\n' "$SERVER_NAME" "$*" "$log" >&2
    return 1
  fi
  rm -f "$log"
}

# free_port: a port the kernel hands out for 127.0.0.1, released at once.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# make_test_tls <dir> <CA name> <certificate file> <key file>: unless there already, a CA (<dir>/ca.pem, ca.key) and
# a server certificate for localhost and 127.0.0.1 it signs (files named in <dir>); keys mode 600.
make_test_tls() {
  local t=$1 cert=$1/$3 key=$1/$4
  [ -s "$cert" ] && [ -s "$t/ca.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" \
    -subj "/CN=$2" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$t/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$key" \
    -subj "/CN=localhost" -out "${cert%.pem}.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"${cert%.pem}.ext"
  openssl x509 -req -in "${cert%.pem}.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
    -CAserial "$t/ca.srl" -days 3650 -extfile "${cert%.pem}.ext" -out "$cert" 2>/dev/null
  rm -f "${cert%.pem}.csr" "${cert%.pem}.ext"
  chmod 600 "$t/ca.key" "$key"
}

# ensure_password_file <file> <length>: a random alphanumeric password of that length, unless there already; mode 600.
ensure_password_file() {
  if [ ! -s "$1" ]; then
    (umask 077 && head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c "$2" >"$1")
  fi
  chmod 600 "$1"
}

# pid_from_file <pid file> <executable name>...: the pid the file names when it is a live process running one of
# those executables (by /proc/PID/exe: a stale file or a reused pid is not ours).
pid_from_file() {
  local file=$1 pid exe name
  shift
  [ -f "$file" ] || return 1
  pid=$(head -n 1 "$file" | tr -dc 0-9)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=$(basename -- "${exe% (deleted)}")
  for name; do
    if [ "$exe" = "$name" ]; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# already_running: when the server runs and is healthy, writes the env file, says so and returns 0.
already_running() {
  running_pid >/dev/null && healthy || return 1
  write_env
  say "already running (pid $(running_pid)) on $(address)"
}

# wait_until <tries> <seconds between> <log file> <what did not happen> <command>...: runs the command until it
# succeeds; after that many tries, the log's last lines and the error.
wait_until() {
  local tries=$1 pause=$2 log=$3 failure=$4 i=0
  shift 4
  until "$@"; do
    i=$((i + 1))
    if [ "$i" -gt "$tries" ]; then
      tail -n 30 "$log" 2>/dev/null | sed 's/^/  | /' >&2
      die "$failure"
    fi
    sleep "$pause"
  done
}

# stop_server <process name> <signal> <tenths of a second> <last signal>: removes the env file, sends the signal to
# the server's pid and waits for it to end, sending the last signal after that long.
stop_server() {
  local pid i=0
  rm -f "$ENVFILE"
  if ! pid=$(running_pid); then
    say "not running"
    return 0
  fi
  kill "-$2" "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt "$3" ] || {
      kill "-$4" "$pid" 2>/dev/null || true
      break
    }
    sleep 0.1
  done
  say "stopped $1 (pid $pid)"
}

# server_status <what it does when healthy> <state folder>: exit status 0 when it runs and is healthy, 3 if not.
server_status() {
  if running_pid >/dev/null && healthy; then
    say "running (pid $(running_pid)) and $1 $(address)"
    return 0
  fi
  say "not running or not answering ($2)"
  return 3
}

# write_private_file <file>: standard input to the file, mode 600, whole or not at all.
write_private_file() {
  (umask 077 && cat >"$1.tmp" && mv -f "$1.tmp" "$1")
}

cmd_env() {
  [ -f "$ENVFILE" ] || die "$ENVFILE does not exist; run: $0 start"
  cat "$ENVFILE"
}

server_main() {
  case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
  esac
}
