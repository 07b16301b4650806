#!/usr/bin/env bash
# scripts/openldap.sh - a throw-away OpenLDAP slapd for the integration tests
# (suffix dc=certexit,dc=org, admin cn=admin,dc=certexit,dc=org), modelled on
# scripts/samba-dc.sh.
#
# Usage: scripts/openldap.sh <command>
#   start    install slapd + ldap-utils if missing, create $OPENLDAP_DIR (CA,
#            server certificate, slapd.conf, database with the suffix and
#            ou=people) if needed, start slapd on free loopback ports (LDAP
#            and LDAPS) if not running, wait until an LDAPS ldapsearch bound
#            as the admin works, then write $OPENLDAP_DIR/env (mode 600)
#   stop     stop the slapd started from $OPENLDAP_DIR (by its pid file only)
#   status   exit 0 if it runs and answers an LDAPS search, 3 if not
#   env      print $OPENLDAP_DIR/env (contains the admin password!)
#
# Environment:
#   OPENLDAP_DIR            state directory (default <repo>/.tmp/openldap)
#   OPENLDAP_START_TIMEOUT  seconds to wait for health (default 30)
#
# Notes:
# - slapd listens on 127.0.0.1 only; the server certificate names 127.0.0.1
#   (IP SAN) and localhost, signed by a CA this script makes (DIR/tls/ca.pem).
# - The schemas core, cosine and inetorgperson are loaded (slapd.conf, no
#   cn=config), so inetOrgPerson entries with uid and userCertificate;binary
#   work as the tests need.
# - Debian's own slapd service is never started (policy-rc.d) or touched.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu -o pipefail

SUFFIX=dc=certexit,dc=org
ADMIN_DN=cn=admin,$SUFFIX
SCHEMA_DIR=/etc/ldap/schema
MODULE_DIR=/usr/lib/ldap

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
DIR=${OPENLDAP_DIR:-$REPO_ROOT/.tmp/openldap}
case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
DIR=${DIR%/}
START_TIMEOUT=${OPENLDAP_START_TIMEOUT:-30}
PIDFILE=$DIR/slapd.pid
PWFILE=$DIR/admin-password
ENVFILE=$DIR/env
CONF=$DIR/slapd.conf
PORTS=$DIR/ports
LOGFILE=$DIR/slapd.log
MARKER=.certexit-openldap

say() { printf 'openldap: %s\n' "$*"; }
die() {
  printf 'openldap: error: %s\n' "$*" >&2
  exit 1
}

install_packages() {
  if command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ]; then
    command -v ldapsearch >/dev/null 2>&1 && return 0
  fi
  [ "$(id -u)" = 0 ] || die "slapd/ldap-utils are missing and installing them needs root"
  local log
  log=$(mktemp /tmp/openldap-apt.XXXXXX)
  # Debian's slapd postinst would configure and start a system slapd: preseed it
  # to skip configuration; policy-rc.d (when present) keeps it from starting.
  if ! {
    echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections &&
      apt-get -o DPkg::Lock::Timeout=300 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q slapd ldap-utils openssl
  } >"$log" 2>&1; then
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    die "apt-get install of slapd ldap-utils failed (full log: $log)"
  fi
  rm -f "$log"
  say "installed slapd ldap-utils"
}

free_port() {
  # A port the kernel hands out for 127.0.0.1, released at once.
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

ensure_dir() {
  if [ -d "$DIR" ] && [ ! -e "$DIR/$MARKER" ]; then
    [ -z "$(ls -A "$DIR")" ] || die "$DIR exists, is not empty and was not created by this script"
  fi
  mkdir -p "$DIR/tls" "$DIR/db"
  chmod 700 "$DIR"
  : >"$DIR/$MARKER"
}

make_tls() {
  [ -s "$DIR/tls/cert.pem" ] && [ -s "$DIR/tls/ca.pem" ] && return 0
  local t=$DIR/tls
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" \
    -subj "/CN=certexit OpenLDAP test CA" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$t/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/key.pem" \
    -subj "/CN=localhost" -out "$t/cert.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$t/cert.ext"
  openssl x509 -req -in "$t/cert.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
    -CAserial "$t/ca.srl" -days 3650 -extfile "$t/cert.ext" -out "$t/cert.pem" 2>/dev/null
  chmod 600 "$t/ca.key" "$t/key.pem"
}

ensure_password() {
  if [ ! -s "$PWFILE" ]; then
    (umask 077 && head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c 24 >"$PWFILE")
  fi
  chmod 600 "$PWFILE"
}

write_conf() {
  local hash
  hash=$(slappasswd -T "$PWFILE")
  cat >"$CONF" <<CONF
include $SCHEMA_DIR/core.schema
include $SCHEMA_DIR/cosine.schema
include $SCHEMA_DIR/inetorgperson.schema
pidfile $PIDFILE
argsfile $DIR/slapd.args
modulepath $MODULE_DIR
moduleload back_mdb
TLSCACertificateFile $DIR/tls/ca.pem
TLSCertificateFile $DIR/tls/cert.pem
TLSCertificateKeyFile $DIR/tls/key.pem
database mdb
maxsize 104857600
suffix "$SUFFIX"
rootdn "$ADMIN_DN"
rootpw $hash
directory $DIR/db
index objectClass eq
index uid eq
CONF
  chmod 600 "$CONF"
}

load_base() {
  [ -e "$DIR/.loaded" ] && return 0
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: certexit\no: certexit\n\ndn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n' \
    "$SUFFIX" "$SUFFIX" >"$DIR/base.ldif"
  slapadd -f "$CONF" -l "$DIR/base.ldif" >/dev/null 2>&1 || die "slapadd of the base entries failed"
  : >"$DIR/.loaded"
}

running_pid() {
  local pid exe
  [ -f "$PIDFILE" ] || return 1
  pid=$(head -n 1 "$PIDFILE" | tr -dc 0-9)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$(basename -- "${exe% (deleted)}")" = slapd ] || return 1
  echo "$pid"
}

ldaps_url() { echo "ldaps://127.0.0.1:$(sed -n 2p "$PORTS")"; }
ldap_url() { echo "ldap://127.0.0.1:$(sed -n 1p "$PORTS")"; }

healthy() {
  [ -f "$PORTS" ] || return 1
  LDAPTLS_CACERT=$DIR/tls/ca.pem LDAPTLS_REQCERT=demand ldapsearch -LLL -x -H "$(ldaps_url)" \
    -D "$ADMIN_DN" -y "$PWFILE" -b "$SUFFIX" -s base dn >/dev/null 2>&1
}

write_env() {
  (
    umask 077
    {
      echo "CERTEXIT_OPENLDAP_URL=$(ldaps_url)"
      echo "CERTEXIT_OPENLDAP_LDAP_URL=$(ldap_url)"
      echo "CERTEXIT_OPENLDAP_CA=$DIR/tls/ca.pem"
      echo "CERTEXIT_OPENLDAP_BIND_DN=$ADMIN_DN"
      echo "CERTEXIT_OPENLDAP_BIND_PASSWORD=$(cat "$PWFILE")"
      echo "CERTEXIT_OPENLDAP_BASE_DN=$SUFFIX"
    } >"$ENVFILE.tmp"
    mv -f "$ENVFILE.tmp" "$ENVFILE"
  )
}

cmd_start() {
  install_packages
  ensure_dir
  make_tls
  ensure_password
  write_conf
  load_base
  if running_pid >/dev/null && healthy; then
    write_env
    say "already running (pid $(running_pid)) on $(ldaps_url)"
    return 0
  fi
  printf '%s\n%s\n' "$(free_port)" "$(free_port)" >"$PORTS"
  # -d 0: stay in the foreground (logs to LOGFILE); setsid: not in the caller's process group.
  setsid slapd -f "$CONF" -h "$(ldap_url)/ $(ldaps_url)/" -d 0 </dev/null >"$LOGFILE" 2>&1 &
  local i=0
  until healthy; do
    i=$((i + 1))
    if [ "$i" -gt $((START_TIMEOUT * 10)) ]; then
      tail -n 30 "$LOGFILE" | sed 's/^/  | /' >&2
      die "slapd did not answer an LDAPS search within ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  write_env
  say "healthy: LDAPS bind + search on $(ldaps_url) OK (pid $(running_pid))"
  say "wrote $ENVFILE (it holds the admin password)"
}

cmd_stop() {
  local pid i=0
  rm -f "$ENVFILE"
  if ! pid=$(running_pid); then
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || {
      kill -KILL "$pid" 2>/dev/null || true
      break
    }
    sleep 0.1
  done
  rm -f "$PIDFILE"
  say "stopped slapd (pid $pid)"
}

cmd_status() {
  if running_pid >/dev/null && healthy; then
    say "running (pid $(running_pid)) and answering on $(ldaps_url)"
    return 0
  fi
  say "not running or not answering ($DIR)"
  return 3
}

cmd_env() {
  [ -f "$ENVFILE" ] || die "$ENVFILE does not exist; run: $0 start"
  cat "$ENVFILE"
}

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
