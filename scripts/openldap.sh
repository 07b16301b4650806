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

. "$(dirname "$0")/lib/test-server.sh"
SERVER_NAME=openldap
MARKER=.certexit-openldap
DIR=$(state_dir "${OPENLDAP_DIR:-}" openldap)
START_TIMEOUT=${OPENLDAP_START_TIMEOUT:-30}
PIDFILE=$DIR/slapd.pid
PWFILE=$DIR/admin-password
ENVFILE=$DIR/env
CONF=$DIR/slapd.conf
PORTS=$DIR/ports
LOGFILE=$DIR/slapd.log

install_packages() {
  if command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ]; then
    command -v ldapsearch >/dev/null 2>&1 && return 0
  fi
  [ "$(id -u)" = 0 ] || die "slapd/ldap-utils are missing and installing them needs root"
  # Debian's slapd postinst would configure and start a system slapd: preseed it
  # to skip configuration; policy-rc.d (when present) keeps it from starting.
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections >/dev/null 2>&1 ||
    die "debconf-set-selections failed"
  apt_get_logged slapd ldap-utils openssl || exit 1
  say "installed slapd ldap-utils"
}

ensure_dir() {
  claim_dir "$DIR"
  mkdir -p "$DIR/tls" "$DIR/db"
  chmod 700 "$DIR"
}

make_tls() { make_test_tls "$DIR/tls" "certexit OpenLDAP test CA" cert.pem key.pem; }

ensure_password() { ensure_password_file "$PWFILE" 24; }

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

running_pid() { pid_from_file "$PIDFILE" slapd; }

ldaps_url() { echo "ldaps://127.0.0.1:$(sed -n 2p "$PORTS")"; }
ldap_url() { echo "ldap://127.0.0.1:$(sed -n 1p "$PORTS")"; }
address() { ldaps_url; }

healthy() {
  [ -f "$PORTS" ] || return 1
  LDAPTLS_CACERT=$DIR/tls/ca.pem LDAPTLS_REQCERT=demand ldapsearch -LLL -x -H "$(ldaps_url)" \
    -D "$ADMIN_DN" -y "$PWFILE" -b "$SUFFIX" -s base dn >/dev/null 2>&1
}

write_env() {
  {
    echo "CERTEXIT_OPENLDAP_URL=$(ldaps_url)"
    echo "CERTEXIT_OPENLDAP_LDAP_URL=$(ldap_url)"
    echo "CERTEXIT_OPENLDAP_CA=$DIR/tls/ca.pem"
    echo "CERTEXIT_OPENLDAP_BIND_DN=$ADMIN_DN"
    echo "CERTEXIT_OPENLDAP_BIND_PASSWORD=$(cat "$PWFILE")"
    echo "CERTEXIT_OPENLDAP_BASE_DN=$SUFFIX"
  } | write_private_file "$ENVFILE"
}

cmd_start() {
  install_packages
  ensure_dir
  make_tls
  ensure_password
  write_conf
  load_base
  already_running && return 0
  printf '%s\n%s\n' "$(free_port)" "$(free_port)" >"$PORTS"
  # -d 0: stay in the foreground (logs to LOGFILE); setsid: not in the caller's process group.
  setsid slapd -f "$CONF" -h "$(ldap_url)/ $(ldaps_url)/" -d 0 </dev/null >"$LOGFILE" 2>&1 &
  wait_until $((START_TIMEOUT * 10)) 0.1 "$LOGFILE" "slapd did not answer an LDAPS search within ${START_TIMEOUT}s" healthy
  write_env
  say "healthy: LDAPS bind + search on $(ldaps_url) OK (pid $(running_pid))"
  say "wrote $ENVFILE (it holds the admin password)"
}

cmd_stop() {
  stop_server slapd TERM 100 KILL
  rm -f "$PIDFILE"
}

cmd_status() { server_status 'answering on' "$DIR"; }

server_main "$@"
