#!/usr/bin/env bash
# scripts/postgres.sh - a throw-away PostgreSQL cluster for the tests and benchmarks of the PostgreSQL store
# (@certexit/store-postgres), modelled on scripts/openldap.sh.
#
# Usage: scripts/postgres.sh <command>
#   start    install PostgreSQL from Debian's packages if missing, create a cluster under $POSTGRES_DIR (TLS with a
#            CA this script makes, a superuser `certexit` with a generated password, scram-sha-256 only) if needed,
#            start it on a free loopback port if not running, wait until a TLS login that verifies the server
#            certificate works, then write $POSTGRES_DIR/env (mode 600)
#   stop     stop the cluster started from $POSTGRES_DIR (by the postmaster's pid file only)
#   status   exit 0 if it runs and answers a verified TLS login, 3 if not
#   env      print $POSTGRES_DIR/env (it names the password file, not the password)
#
# Environment:
#   POSTGRES_DIR            state directory (default <repo>/.tmp/postgres); run as root with a parent folder closed
#                           to the server's user (a checkout under /root), the cluster's files go to
#                           /var/tmp/certexit-postgres-<hash of POSTGRES_DIR>, named in POSTGRES_DIR/state
#   POSTGRES_START_TIMEOUT  seconds to wait for health (default 60)
#   POSTGRES_USER_NAME      the system user the server runs as when this script runs as root (default postgres;
#                           created if missing). PostgreSQL refuses to run as root.
#
# Notes:
# - Run as root on Linux, start gives the cluster huge pages for its shared memory, as PostgreSQL's documentation
#   recommends (postgres -C shared_memory_size_in_huge_pages, then vm.nr_hugepages), when fewer are free; stop gives
#   back what start added. Without them (not root, or the kernel cannot find the memory) the server runs on ordinary
#   pages (huge_pages = try). See docs/postgresql.md.
# - The server listens on 127.0.0.1 only; its certificate names localhost and 127.0.0.1, signed by DIR/tls/ca.pem.
# - Clients must log in with a password (scram-sha-256), over TCP with or without TLS (the tests check that the
#   store verifies the certificate when told to); there is no trust or peer login, not even on the socket.
# - Debian's own clusters and service are never created, started or touched.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu -o pipefail

. "$(dirname "$0")/lib/test-server.sh"
SERVER_NAME=postgres
MARKER=.certexit-postgres
DIR=$(state_dir "${POSTGRES_DIR:-}" postgres)
START_TIMEOUT=${POSTGRES_START_TIMEOUT:-60}
ENVFILE=$DIR/env

# The cluster's own files (data, TLS, password, port, log, socket) live in STATE: $DIR itself, unless the server's
# unprivileged user cannot reach $DIR (a checkout under root's closed home folder): then a folder of its own under
# /var/tmp that $DIR/state names. The env file stays in $DIR either way.
set_state() {
  STATE=$1
  DATA=$STATE/data
  PWFILE=$STATE/password
  PORTFILE=$STATE/port
  LOGFILE=$STATE/postgres.log
}
if [ -s "$DIR/state" ]; then set_state "$(cat "$DIR/state")"; else set_state "$DIR"; fi
SUPERUSER=certexit

bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

install_packages() {
  if bin_dir >/dev/null && command -v openssl >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || die "PostgreSQL is missing and installing it needs root"
  # Debian's postgresql-common would create and start a "main" cluster: tell it not to.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/certexit.conf
  apt_get_logged postgresql openssl || exit 1
  bin_dir >/dev/null || die "postgresql was installed but no /usr/lib/postgresql/*/bin/initdb was found"
  say "installed postgresql ($(bin_dir))"
}

# The user the server runs as: this one, or (as root) an unprivileged system user.
run_user() {
  if [ "$(id -u)" != 0 ]; then
    id -un
    return 0
  fi
  local user=${POSTGRES_USER_NAME:-postgres}
  if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user" ||
      die "cannot create the system user $user"
  fi
  echo "$user"
}

as_user() {
  local user
  user=$(run_user)
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps no root privilege; HOME=/ keeps psql from looking for root's dotfiles.
    HOME=/ runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

ensure_dir() {
  local user
  user=$(run_user)
  claim_dir "$DIR"
  if [ "$STATE" = "$DIR" ]; then
    # The state directory is the server's user's: it owns the data, the key and the password file.
    chown -R "$user:" "$DIR"
    chmod 700 "$DIR"
    if ! as_user test -x "$DIR"; then
      [ "$(id -u)" = 0 ] || die "$user cannot reach $DIR (a parent folder is closed to it): choose POSTGRES_DIR elsewhere"
      # A parent folder is closed to the server's user (e.g. the repository under /root): its files go elsewhere.
      set_state "/var/tmp/certexit-postgres-$(printf '%s' "$DIR" | sha256sum | cut -c1-16)"
      echo "$STATE" >"$DIR/state"
      say "$user cannot reach $DIR: the cluster's files go to $STATE"
    fi
  fi
  if [ "$STATE" != "$DIR" ]; then
    claim_dir "$STATE"
    chown -R "$user:" "$STATE"
    chmod 700 "$STATE"
  fi
  mkdir -p "$STATE/tls"
  chown "$user:" "$STATE/tls"
  chmod 700 "$STATE/tls"
}

make_tls() {
  local t=$STATE/tls
  make_test_tls "$t" "certexit PostgreSQL test CA" server.pem server.key
  # The server's user reads them all.
  chmod 644 "$t/ca.pem" "$t/server.pem"
  chown -R "$(run_user):" "$t"
}

ensure_password() {
  ensure_password_file "$PWFILE" 32
  chown "$(run_user):" "$PWFILE"
}

init_cluster() {
  [ -s "$DATA/PG_VERSION" ] && return 0
  local bin
  bin=$(bin_dir)
  rm -rf "$DATA"
  as_user "$bin/initdb" -D "$DATA" -U "$SUPERUSER" --pwfile="$PWFILE" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 ||
    {
      tail -n 30 "$STATE/initdb.log" | sed 's/^/  | /' >&2
      die "initdb failed (full log: $STATE/initdb.log)"
    }
  cat >"$DATA/pg_hba.conf" <<HBA
# certexit test cluster: password logins only (scram-sha-256), TCP on loopback with or without TLS, and the socket.
local   all all                scram-sha-256
hostssl all all 127.0.0.1/32   scram-sha-256
host    all all 127.0.0.1/32   scram-sha-256
HBA
  chown "$(run_user):" "$DATA/pg_hba.conf"
}

write_conf() {
  local port=$1
  # Settings this script owns, included last so they win; the rest is initdb's.
  cat >"$DATA/certexit.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$STATE'
ssl = on
ssl_cert_file = '$STATE/tls/server.pem'
ssl_key_file = '$STATE/tls/server.key'
ssl_ca_file = '$STATE/tls/ca.pem'
password_encryption = 'scram-sha-256'
max_connections = 200
shared_buffers = 256MB
huge_pages = try
logging_collector = off
log_min_messages = warning
CONF
  grep -q "^include_if_exists = 'certexit.conf'" "$DATA/postgresql.conf" ||
    echo "include_if_exists = 'certexit.conf'" >>"$DATA/postgresql.conf"
  chown "$(run_user):" "$DATA/certexit.conf" "$DATA/postgresql.conf"
}

running_pid() { pid_from_file "$DATA/postmaster.pid" postgres postmaster; }

HUGEPAGES_SYSCTL=/proc/sys/vm/nr_hugepages
HUGEPAGES_ADDED=$STATE/hugepages-added

# Every backend maps the shared buffers page by page: on 4 KB pages each first touch of a buffer is a page fault, and
# a CA's inserts keep touching new buffers (measured in docs/postgresql.md).
reserve_huge_pages() {
  [ "$(id -u)" = 0 ] && [ -w "$HUGEPAGES_SYSCTL" ] || return 0
  local needed free total added
  needed=$(as_user "$(bin_dir)/postgres" -D "$DATA" -c "config_file=$DATA/postgresql.conf" \
    -C shared_memory_size_in_huge_pages 2>/dev/null) || return 0
  case "$needed" in '' | *[!0-9]*) return 0 ;; esac
  # Free counts pages another server has reserved but not touched yet (Rsvd): those are not free for this one.
  free=$(awk '/^HugePages_Free:/ {f = $2} /^HugePages_Rsvd:/ {r = $2} END {print f - r}' /proc/meminfo)
  [ "${free:-0}" -lt "$needed" ] || return 0
  total=$(cat "$HUGEPAGES_SYSCTL")
  echo $((total + needed - free)) >"$HUGEPAGES_SYSCTL" 2>/dev/null || true
  added=$(($(cat "$HUGEPAGES_SYSCTL") - total))
  [ "$added" -gt 0 ] || return 0
  echo $((added + $(cat "$HUGEPAGES_ADDED" 2>/dev/null || echo 0))) >"$HUGEPAGES_ADDED"
  say "reserved $added huge pages for the shared buffers (vm.nr_hugepages $total -> $((total + added)))"
}

release_huge_pages() {
  [ -s "$HUGEPAGES_ADDED" ] && [ -w "$HUGEPAGES_SYSCTL" ] || return 0
  local added total
  added=$(cat "$HUGEPAGES_ADDED")
  total=$(cat "$HUGEPAGES_SYSCTL")
  echo $((total > added ? total - added : 0)) >"$HUGEPAGES_SYSCTL" 2>/dev/null || true
  rm -f "$HUGEPAGES_ADDED"
  say "gave back $added huge pages (vm.nr_hugepages $total -> $(cat "$HUGEPAGES_SYSCTL"))"
}

port() { cat "$PORTFILE"; }
address() { echo "127.0.0.1:$(port)"; }

healthy() {
  [ -f "$PORTFILE" ] || return 1
  PGPASSFILE=/dev/null PGPASSWORD=$(cat "$PWFILE") "$(bin_dir)/psql" -X -q -t -A \
    "host=localhost hostaddr=127.0.0.1 port=$(port) user=$SUPERUSER dbname=postgres sslmode=verify-full sslrootcert=$STATE/tls/ca.pem connect_timeout=3" \
    -c 'SELECT 1' >/dev/null 2>&1
}

write_env() {
  {
    echo "CERTEXIT_POSTGRES_HOST=localhost"
    echo "CERTEXIT_POSTGRES_PORT=$(port)"
    echo "CERTEXIT_POSTGRES_USER=$SUPERUSER"
    echo "CERTEXIT_POSTGRES_DATABASE=postgres"
    echo "CERTEXIT_POSTGRES_URL=postgres://$SUPERUSER@localhost:$(port)/postgres"
    echo "CERTEXIT_POSTGRES_PASSWORD_FILE=$PWFILE"
    echo "CERTEXIT_POSTGRES_CA=$STATE/tls/ca.pem"
    echo "CERTEXIT_POSTGRES_BIN=$(bin_dir)"
  } | write_private_file "$ENVFILE"
}

cmd_start() {
  install_packages
  ensure_dir
  make_tls
  ensure_password
  init_cluster
  already_running && return 0
  # A postmaster.pid left by a killed server (its pid gone or reused) would stop pg_ctl: it is stale.
  running_pid >/dev/null || rm -f "$DATA/postmaster.pid"
  free_port >"$PORTFILE"
  write_conf "$(port)"
  reserve_huge_pages
  as_user "$(bin_dir)/pg_ctl" -D "$DATA" -l "$LOGFILE" -o "-c config_file=$DATA/postgresql.conf" start \
    >/dev/null 2>&1 || true
  wait_until $((START_TIMEOUT * 10)) 0.1 "$LOGFILE" "PostgreSQL did not accept a verified TLS login within ${START_TIMEOUT}s" healthy
  write_env
  say "healthy: verified TLS login on 127.0.0.1:$(port) OK (pid $(running_pid), as $(run_user))"
  say "wrote $ENVFILE"
}

# SIGINT: PostgreSQL's fast shutdown (sessions are ended, the cluster stops cleanly).
cmd_stop() {
  stop_server PostgreSQL INT 300 QUIT
  running_pid >/dev/null || release_huge_pages
}

cmd_status() { server_status 'answering on' "$STATE"; }

server_main "$@"
