#!/usr/bin/env bash
# scripts/samba-dc.sh - a throw-away Samba Active Directory domain controller
# for the integration tests (realm CERTEXIT.TEST, NetBIOS domain CERTEXIT).
#
# Usage: scripts/samba-dc.sh <command>
#   install  install the Debian packages if samba-tool & co. are missing
#   start    install if needed, provision $SAMBA_DIR if not provisioned yet,
#            start samba if not running, wait until an LDAPS search works,
#            then write $SAMBA_DIR/env (mode 600)
#   stop     stop the samba started from $SAMBA_DIR (by the PID in its pid file)
#   status   print whether it runs and answers; exit 0 if healthy, 3 if not
#   env      print $SAMBA_DIR/env (contains the bind password!)
#   reset    stop, then delete $SAMBA_DIR
#
# Environment:
#   SAMBA_DIR            state directory (default: <repo root>/.tmp/samba,
#                        .tmp/ is git-ignored)
#   SAMBA_START_TIMEOUT  seconds to wait for health (default 60)
#   SAMBA_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 20)
#
# Must run as root (Debian 12): samba refuses to run as another user, and the
# packages / the /etc/hosts entry need root.
#
# Notes:
# - The DC is provisioned with the fixed host name "dc1" (NetBIOS name DC1),
#   not the machine's host name, so that the TLS certificate samba generates on
#   its first start always names "DC1.certexit.test" whatever the machine is
#   called (and long CI host names cannot break provisioning). The script reads
#   the name from DIR/private/tls/cert.pem anyway and, ONLY if that name does not
#   resolve yet, appends "127.0.0.1 <name>" to /etc/hosts so clients can verify
#   the certificate by host name. It refuses to go on if the name resolves to a
#   non-loopback address.
# - Everything samba writes (databases, pid files, logs, TLS keys) stays in
#   SAMBA_DIR; samba only listens on the loopback interface.
# - System samba daemons (smbd, nmbd, winbind, samba-ad-dc) that the Debian
#   package install may have started are stopped through systemctl / their init
#   script / their pid file in /run/samba, never by process name.
# - The admin password is random, kept in DIR/admin-password (mode 600), and
#   only ever written to DIR/env (mode 600). It is briefly visible in the
#   process list as an argument of "samba-tool domain provision" (samba-tool
#   has no other non-interactive way to take it); ldapsearch reads it from the
#   file (-y).
# - stop removes DIR/env (so its absence means "not running"); the password
#   and the provisioned database stay until reset. A start that fails its health
#   check leaves samba running for inspection: run stop (or reset) afterwards.

# Invoked as "sh scripts/samba-dc.sh" (see package.json): re-run under bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -eu -o pipefail

REALM=CERTEXIT.TEST
DOMAIN=CERTEXIT
DNS_DOMAIN=certexit.test
HOST_NAME=dc1
BASE_DN=DC=certexit,DC=test
CONFIG_DN=CN=Configuration,$BASE_DN
BIND_DN=CN=Administrator,CN=Users,$BASE_DN
BIND_UPN=Administrator@$DNS_DOMAIN
PKS_DN="CN=Public Key Services,CN=Services,$CONFIG_DN"
APT_PACKAGES="samba samba-ad-dc samba-ad-provision ldap-utils"
# TCP ports samba binds on lo; anything else holding them makes samba fail.
PORTS="88 135 139 389 445 464 636 3268 3269"
MARKER=.certexit-samba-dc

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
DIR=${SAMBA_DIR:-$REPO_ROOT/.tmp/samba}
case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
DIR=${DIR%/}
START_TIMEOUT=${SAMBA_START_TIMEOUT:-60}
STOP_TIMEOUT=${SAMBA_STOP_TIMEOUT:-20}

PIDFILE=$DIR/samba.pid
PWFILE=$DIR/admin-password
ENVFILE=$DIR/env
LOGFILE=$DIR/samba.log
SMBCONF=$DIR/etc/smb.conf
CA=$DIR/private/tls/ca.pem
CERT=$DIR/private/tls/cert.pem
PROVISIONED=$DIR/.provisioned

say() { printf 'samba-dc: %s\n' "$*"; }
die() {
  printf 'samba-dc: error: %s\n' "$*" >&2
  exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
elapsed() { # start_ms -> "1.2s"
  local d=$(($(now_ms) - $1))
  printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100))
}
need_root() {
  [ "$(id -u)" = 0 ] || die "'$1' must run as root (samba, apt-get and /etc/hosts need it); try: sudo $0 $1"
}
log_tail() {
  if [ -s "$LOGFILE" ]; then
    printf 'samba-dc: last lines of %s:\n' "$LOGFILE" >&2
    tail -n "${1:-40}" "$LOGFILE" | sed 's/^/  | /' >&2
  fi
}

# ---------------------------------------------------------------- directory

# Create DIR (mode 700) with a marker, or adopt an empty one; refuse to use or
# delete a non-empty directory this script did not create.
ensure_dir() {
  if [ -d "$DIR" ] && [ ! -e "$DIR/$MARKER" ]; then
    [ -z "$(ls -A "$DIR")" ] || die "$DIR exists, is not empty and was not created by this script; set SAMBA_DIR to another path or remove it"
  fi
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  : >"$DIR/$MARKER"
}

# ---------------------------------------------------------------- install

missing_packages() {
  local missing="" p
  command -v samba-tool >/dev/null 2>&1 || missing=$APT_PACKAGES
  if [ -z "$missing" ]; then
    # samba-tool alone (samba-common-bin) is not enough to provision and run a DC.
    command -v samba >/dev/null 2>&1 || [ -x /usr/sbin/samba ] || missing=$APT_PACKAGES
    command -v ldapsearch >/dev/null 2>&1 || missing=$APT_PACKAGES
    for p in samba-ad-dc samba-ad-provision; do
      [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing=$APT_PACKAGES
    done
  fi
  command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
  command -v ss >/dev/null 2>&1 || missing="$missing iproute2"
  command -v setsid >/dev/null 2>&1 || missing="$missing util-linux"
  echo "$missing" | sed 's/^ *//'
}

cmd_install() {
  need_root install
  local pkgs t apt_log
  pkgs=$(missing_packages)
  if [ -z "$pkgs" ]; then
    say "packages already installed (samba $(samba --version 2>/dev/null | sed 's/^Version //'))"
  else
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these packages by hand: $pkgs"
    t=$(now_ms)
    apt_log=$(mktemp /tmp/samba-dc-apt.XXXXXX)
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! { apt-get -o DPkg::Lock::Timeout=300 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q $pkgs; } >"$apt_log" 2>&1; then
      tail -n 30 "$apt_log" | sed 's/^/  | /' >&2
      die "apt-get install of '$pkgs' failed (full log: $apt_log)"
    fi
    rm -f "$apt_log"
    say "installed $pkgs in $(elapsed "$t")"
  fi
  stop_system_daemons
  [ -x /usr/sbin/samba ] || command -v samba >/dev/null 2>&1 || die "the samba binary is missing after the install"
}

# ------------------------------------------------ system daemons / ports

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Is $1 a live process running the executable named $2? (Uses /proc/PID/exe:
# samba rewrites its argv to "samba: root process".)
pid_is() {
  pid_alive "$1" || return 1
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [ "$(basename -- "$exe")" = "$2" ]
}

wait_gone() { # pid seconds -> 0 when gone
  local i=0
  while pid_alive "$1"; do
    [ "$i" -lt $(($2 * 10)) ] || return 1
    sleep 0.1
    i=$((i + 1))
  done
}

# Stop samba daemons started by the Debian packages (smbd and nmbd start on
# install when systemd runs; samba-ad-dc is masked by default). They would hold
# 445/139 (and 137/138 udp, 389/636 for samba-ad-dc) and make our samba fail.
stop_system_daemons() {
  local entry svc daemon pidf pid how systemd=0
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && systemd=1
  for entry in samba-ad-dc:samba smbd:smbd nmbd:nmbd winbind:winbindd; do
    svc=${entry%%:*}
    daemon=${entry#*:}
    if [ "$systemd" = 1 ] && systemctl is-active --quiet "$svc.service" 2>/dev/null; then
      systemctl stop "$svc.service" || die "could not stop the system service $svc (systemctl stop $svc)"
      say "stopped system service $svc (systemctl)"
    fi
    pidf=/run/samba/$daemon.pid
    [ -f "$pidf" ] || continue
    pid=$(head -n 1 "$pidf" 2>/dev/null | tr -dc 0-9)
    pid_is "$pid" "$daemon" || continue
    how="/etc/init.d/$svc stop"
    if [ -x "/etc/init.d/$svc" ]; then
      "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      wait_gone "$pid" 5 || true
    fi
    if pid_alive "$pid"; then
      how="kill by pid file"
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || die "could not stop system $daemon (pid $pid from $pidf)"
    fi
    say "stopped system $daemon (pid $pid from $pidf; $how)"
  done
}

# Fail with the holder if any port samba needs is already listened on.
check_ports_free() {
  local p filter="" busy
  command -v ss >/dev/null 2>&1 || {
    say "warning: ss not found, cannot check that ports $PORTS are free"
    return 0
  }
  for p in $PORTS; do
    filter="$filter${filter:+ or }sport = :$p"
  done
  busy=$(ss -Hltnp "( $filter )" 2>/dev/null || true)
  if [ -n "$busy" ]; then
    printf '%s\n' "$busy" | sed 's/^/  | /' >&2
    die "ports needed by samba are already in use (see above; ports checked: $PORTS); stop that service first"
  fi
}

# ---------------------------------------------------------------- provision

gen_password() {
  local pw i
  for i in $(seq 1 50); do
    # 20 characters from a shell-, URL- and dotenv-safe alphabet.
    pw=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9_.+-' | head -c 20)
    case $pw in *[A-Z]*) ;; *) continue ;; esac
    case $pw in *[a-z]*) ;; *) continue ;; esac
    case $pw in *[0-9]*) ;; *) continue ;; esac
    case $pw in *[_.+-]*) ;; *) continue ;; esac
    [ "${#pw}" -ge 12 ] || continue
    printf '%s' "$pw"
    return 0
  done
  die "could not generate a password"
}

ensure_password() {
  if [ ! -s "$PWFILE" ]; then
    (umask 077 && gen_password >"$PWFILE.tmp" && mv -f "$PWFILE.tmp" "$PWFILE")
  fi
  chmod 600 "$PWFILE"
}

provision() {
  if [ -f "$PROVISIONED" ] && [ -f "$SMBCONF" ] && [ -f "$DIR/private/sam.ldb" ]; then
    return 0
  fi
  # Leftovers of an interrupted provision would make samba-tool fail.
  rm -rf "$DIR/etc" "$DIR/private" "$DIR/state" "$DIR/cache" "$DIR/bind-dns" \
    "$DIR/run" "$DIR/log" "$DIR"/*.tdb "$PROVISIONED"
  ensure_password
  local t pw
  t=$(now_ms)
  pw=$(cat "$PWFILE")
  if ! samba-tool domain provision \
    --realm="$REALM" --domain="$DOMAIN" --server-role=dc --dns-backend=NONE \
    --adminpass="$pw" --use-rfc2307 --host-name="$HOST_NAME" \
    --targetdir="$DIR" \
    --option="netbios name=$(echo "$HOST_NAME" | tr a-z A-Z)" \
    --option="interfaces=lo" --option="bind interfaces only=yes" \
    --option="posix:eadb=$DIR/eadb.tdb" --option="xattr_tdb:file=$DIR/xattr.tdb" \
    --option="pid directory=$DIR/run" --option="log file=$DIR/log/%m.log" \
    >"$DIR/provision.log" 2>&1; then
    tail -n 30 "$DIR/provision.log" | sed 's/^/  | /' >&2
    die "samba-tool domain provision failed (full log: $DIR/provision.log)"
  fi
  : >"$PROVISIONED"
  say "provisioned $REALM in $DIR in $(elapsed "$t")"
}

# ---------------------------------------------------------------- run state

# PID from the pid file if that process is still our samba (the samba binary
# with its stdout on this DIR's samba.log); removes a stale pid file.
running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(head -n 1 "$PIDFILE" | tr -dc 0-9)
  if pid_is "$pid" samba && [ "$(readlink -f "/proc/$pid/fd/1" 2>/dev/null)" = "$(readlink -f "$LOGFILE")" ]; then
    echo "$pid"
    return 0
  fi
  rm -f "$PIDFILE"
  return 1
}

# Host name from the certificate (first DNS subjectAltName, else the subject
# CN), lower-cased.
tls_name() {
  local name
  name=$(openssl x509 -noout -ext subjectAltName -in "$CERT" 2>/dev/null |
    tr ',' '\n' | sed -n 's/^ *DNS:\(.*\)$/\1/p' | head -n 1)
  if [ -z "$name" ]; then
    name=$(openssl x509 -noout -subject -nameopt RFC2253 -in "$CERT" |
      sed 's/^subject= *//' | tr ',' '\n' | sed -n 's/^CN=//p' | head -n 1)
  fi
  echo "$name" | tr 'A-Z' 'a-z'
}

# Make $1 resolve to loopback: leave it alone if it already resolves there,
# append "127.0.0.1 $1" to /etc/hosts if it does not resolve at all.
ensure_resolvable() {
  local name=$1 addrs
  case $name in
  '' | *[!a-z0-9.-]*) die "unexpected host name '$name' in $CERT" ;;
  esac
  addrs=$(getent ahosts "$name" 2>/dev/null | awk '{print $1}' | sort -u | tr '\n' ' ' || true)
  if [ -z "$addrs" ]; then
    printf '127.0.0.1\t%s\t# certexit scripts/samba-dc.sh (LDAPS certificate name)\n' "$name" >>/etc/hosts ||
      die "cannot append '127.0.0.1 $name' to /etc/hosts"
    say "added '127.0.0.1 $name' to /etc/hosts"
    return 0
  fi
  case " $addrs" in
  *" 127.0.0.1 "* | *" ::1 "*) ;;
  *) die "$name resolves to $addrs, not to the loopback address; samba only listens on lo. Fix /etc/hosts (127.0.0.1 $name)" ;;
  esac
}

# One real LDAPS operation: simple bind as Administrator, certificate verified
# against samba's CA and host name, search for the Administrator account.
LDAP_OUT=""
ldaps_ok() {
  local name=$1
  LDAP_OUT=$(LDAPCONF=/dev/null LDAPRC=/dev/null LDAPTLS_CACERT="$CA" LDAPTLS_REQCERT=demand \
    timeout 15 ldapsearch -LLL -o nettimeout=5 -o ldif-wrap=no -x \
    -H "ldaps://$name:636" -D "$BIND_UPN" -y "$PWFILE" \
    -b "$BASE_DN" '(sAMAccountName=Administrator)' dn 2>&1) || return 1
  printf '%s\n' "$LDAP_OUT" | grep -qixF "dn: $BIND_DN"
}

# The containers the tests rely on.
pks_ok() {
  local name=$1 out
  out=$(LDAPCONF=/dev/null LDAPRC=/dev/null LDAPTLS_CACERT="$CA" LDAPTLS_REQCERT=demand \
    timeout 15 ldapsearch -LLL -o nettimeout=5 -o ldif-wrap=no -x \
    -H "ldaps://$name:636" -D "$BIND_UPN" -y "$PWFILE" \
    -b "$PKS_DN" -s one '(|(cn=CDP)(cn=AIA))' dn 2>&1) || return 1
  printf '%s\n' "$out" | grep -qi '^dn: CN=CDP,' && printf '%s\n' "$out" | grep -qi '^dn: CN=AIA,'
}

# Poll until healthy; sets TLS_NAME.
wait_healthy() {
  local pid=$1 t deadline
  t=$(now_ms)
  deadline=$(($(date +%s) + START_TIMEOUT))
  TLS_NAME=""
  while :; do
    if ! pid_alive "$pid"; then
      log_tail
      die "samba (pid $pid) exited during start-up; see $LOGFILE"
    fi
    if [ -z "$TLS_NAME" ] && [ -s "$CERT" ] && [ -s "$CA" ]; then
      TLS_NAME=$(tls_name)
      ensure_resolvable "$TLS_NAME"
    fi
    if [ -n "$TLS_NAME" ] && ldaps_ok "$TLS_NAME"; then
      break
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log_tail
      if [ -z "$TLS_NAME" ]; then
        die "samba did not create its TLS certificate $CERT within ${START_TIMEOUT}s"
      fi
      printf 'samba-dc: last ldapsearch output:\n' >&2
      printf '%s\n' "$LDAP_OUT" | tail -n 5 | sed 's/^/  | /' >&2
      die "no successful LDAPS search on ldaps://$TLS_NAME:636 (CA $CA) within ${START_TIMEOUT}s"
    fi
    sleep 1
  done
  pks_ok "$TLS_NAME" || die "LDAPS works but '$PKS_DN' has no CDP/AIA containers"
  say "healthy: LDAPS bind + search on ldaps://$TLS_NAME:636 OK after $(elapsed "$t")"
}

write_env() {
  local name=$1 pw
  pw=$(cat "$PWFILE")
  (
    umask 077
    {
      echo "CERTEXIT_SAMBA_URL=ldaps://$name:636"
      echo "CERTEXIT_SAMBA_LDAP_URL=ldap://127.0.0.1:389"
      echo "CERTEXIT_SAMBA_CA=$(quote "$CA")"
      echo "CERTEXIT_SAMBA_BIND_DN=$BIND_DN"
      echo "CERTEXIT_SAMBA_BIND_PASSWORD=$pw"
      echo "CERTEXIT_SAMBA_BASE_DN=$BASE_DN"
      echo "CERTEXIT_SAMBA_CONFIG_DN=$CONFIG_DN"
      echo "CERTEXIT_SAMBA_DOMAIN=$DOMAIN"
      echo "CERTEXIT_SAMBA_REALM=$REALM"
    } >"$ENVFILE.tmp"
    mv -f "$ENVFILE.tmp" "$ENVFILE"
  )
  chmod 600 "$ENVFILE"
  say "wrote $ENVFILE (source it; it holds the bind password)"
}

# Single-quote a value for the env file only if it needs it.
quote() {
  case $1 in
  *[!A-Za-z0-9_./:@%+=,-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
  *) printf '%s' "$1" ;;
  esac
}

# ---------------------------------------------------------------- commands

cmd_start() {
  need_root start
  local pid t
  cmd_install
  ensure_dir
  provision
  if pid=$(running_pid); then
    say "already running (pid $pid)"
  else
    stop_system_daemons
    check_ports_free
    mkdir -p "$DIR/run" "$DIR/log"
    rm -f "$ENVFILE"
    printf '=== %s samba-dc.sh start\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$LOGFILE"
    t=$(now_ms)
    # setsid: samba leads its own process group, so stop can reach the
    # children (ldap, kdc, smbd, winbindd ...) by the recorded PID. No job
    # control here, so setsid does not fork and $! is the samba PID.
    set +m
    setsid nohup samba -s "$SMBCONF" --option="ldap server require strong auth = no" \
      --debug-stdout -F </dev/null >>"$LOGFILE" 2>&1 &
    pid=$!
    echo "$pid" >"$PIDFILE"
    say "started samba (pid $pid, log $LOGFILE)"
  fi
  wait_healthy "$pid"
  write_env "$TLS_NAME"
  [ -z "${t:-}" ] || say "up in $(elapsed "$t")"
}

cmd_stop() {
  need_root stop
  local pid pgid
  if ! pid=$(running_pid); then
    say "not running"
    return 0
  fi
  pgid=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $3}')
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
    say "samba (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM, sending SIGKILL"
    if [ "$pgid" = "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null || true; else kill -KILL "$pid" 2>/dev/null || true; fi
    wait_gone "$pid" 10 || die "samba (pid $pid) did not exit even after SIGKILL"
  fi
  # Children normally exit with the master; make sure none linger in its group.
  if [ "$pgid" = "$pid" ]; then
    local i=0
    while kill -0 -- "-$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$ENVFILE"
  say "stopped samba (pid $pid)"
}

cmd_status() {
  local pid name
  if [ ! -f "$PROVISIONED" ]; then
    say "not provisioned ($DIR)"
    return 3
  fi
  if ! pid=$(running_pid); then
    say "provisioned, not running ($DIR)"
    return 3
  fi
  [ -s "$CERT" ] || {
    say "running (pid $pid) but no TLS certificate yet"
    return 3
  }
  name=$(tls_name)
  if ldaps_ok "$name"; then
    say "running (pid $pid), healthy on ldaps://$name:636"
  else
    say "running (pid $pid) but the LDAPS check on ldaps://$name:636 fails"
    return 3
  fi
}

cmd_env() {
  [ -f "$ENVFILE" ] || die "no $ENVFILE: samba is not started (run: $0 start)"
  cat "$ENVFILE"
}

cmd_reset() {
  need_root reset
  if [ -d "$DIR" ] && [ ! -e "$DIR/$MARKER" ] && [ -n "$(ls -A "$DIR")" ]; then
    die "refusing to delete $DIR: it was not created by this script"
  fi
  if [ -e "$DIR/$MARKER" ]; then cmd_stop; fi
  rm -rf "$DIR"
  say "deleted $DIR"
}

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

case ${1:-} in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
reset) cmd_reset ;;
-h | --help | help) usage ;;
*)
  usage >&2
  exit 2
  ;;
esac
