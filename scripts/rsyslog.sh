#!/usr/bin/env bash
# scripts/rsyslog.sh - a throw-away rsyslog receiving RFC 5425 syslog over TLS, for the SIEM feed's integration
# tests (@certexit/exit-syslog), modelled on scripts/openldap.sh.
#
# Usage: scripts/rsyslog.sh <command>
#   start    install rsyslog + rsyslog-gnutls if missing, create $RSYSLOG_DIR (a CA and a server certificate made
#            by OpenSSL, rsyslog.conf) if needed, start rsyslogd on a free loopback port if not running, wait until
#            a probe message sent over TLS (certificate verified against the CA) is written, then write
#            $RSYSLOG_DIR/env
#   stop     stop the rsyslogd started from $RSYSLOG_DIR (by its pid file only)
#   status   exit 0 if it runs and accepts a verified TLS connection, 3 if not
#   env      print $RSYSLOG_DIR/env
#
# Environment:
#   RSYSLOG_DIR            state directory (default <repo>/.tmp/rsyslog)
#   RSYSLOG_START_TIMEOUT  seconds to wait for health (default 30)
#
# What it receives is written one JSON object per line to $RSYSLOG_DIR/messages.jsonl: rsyslog's own parse of each
# message (%jsonmesg%: app-name, procid, msgid, structured-data, msg, ...), with mmpstrucdata's parse of the
# RFC 5424 structured data under "$!" -> "rfc5424-sd". Tests read that file.
#
# Notes:
# - rsyslogd listens on 127.0.0.1 only, with imtcp and the gtls stream driver (StreamDriver.Mode=1, TLS only);
#   the server certificate names 127.0.0.1 (IP SAN) and localhost.
# - Its own configuration file only (no imuxsock, no imklog): it never takes /dev/log or the kernel log, and the
#   system's rsyslog service is never started (Debian's policy-rc.d is honoured, or a temporary one is used while
#   installing) or touched.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu -o pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
DIR=${RSYSLOG_DIR:-$REPO_ROOT/.tmp/rsyslog}
case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
DIR=${DIR%/}
START_TIMEOUT=${RSYSLOG_START_TIMEOUT:-30}
PIDFILE=$DIR/rsyslogd.pid
ENVFILE=$DIR/env
CONF=$DIR/rsyslog.conf
PORTFILE=$DIR/port
LOGFILE=$DIR/rsyslogd.log
MESSAGES=$DIR/messages.jsonl
MARKER=.certexit-rsyslog
GTLS_MODULE=lmnsd_gtls.so

say() { printf 'rsyslog: %s\n' "$*"; }
die() {
  printf 'rsyslog: error: %s\n' "$*" >&2
  exit 1
}

have_packages() {
  command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || return 1
  [ -n "$(find /usr/lib -name "$GTLS_MODULE" -path '*rsyslog*' -print -quit 2>/dev/null)" ]
}

install_packages() {
  have_packages && return 0
  [ "$(id -u)" = 0 ] || die "rsyslog/rsyslog-gnutls are missing and installing them needs root"
  local log policy=/usr/sbin/policy-rc.d temporary_policy=
  log=$(mktemp /tmp/rsyslog-apt.XXXXXX)
  # Debian's postinst would start the system rsyslog service: refuse service starts while installing.
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# certexit scripts/rsyslog.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    temporary_policy=$policy
  fi
  local status=0
  {
    apt-get -o DPkg::Lock::Timeout=300 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q rsyslog rsyslog-gnutls openssl
  } >"$log" 2>&1 || status=$?
  [ -z "$temporary_policy" ] || rm -f "$temporary_policy"
  if [ "$status" != 0 ]; then
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    die "apt-get install of rsyslog rsyslog-gnutls failed (full log: $log)"
  fi
  rm -f "$log"
  say "installed rsyslog rsyslog-gnutls"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

ensure_dir() {
  if [ -d "$DIR" ] && [ ! -e "$DIR/$MARKER" ]; then
    [ -z "$(ls -A "$DIR")" ] || die "$DIR exists, is not empty and was not created by this script"
  fi
  mkdir -p "$DIR/tls" "$DIR/work"
  chmod 700 "$DIR"
  : >"$DIR/$MARKER"
}

make_tls() {
  [ -s "$DIR/tls/cert.pem" ] && [ -s "$DIR/tls/ca.pem" ] && return 0
  local t=$DIR/tls
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" \
    -subj "/CN=certexit rsyslog test CA" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$t/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/key.pem" \
    -subj "/CN=localhost" -out "$t/cert.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$t/cert.ext"
  openssl x509 -req -in "$t/cert.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
    -CAserial "$t/ca.srl" -days 3650 -extfile "$t/cert.ext" -out "$t/cert.pem" 2>/dev/null
  chmod 600 "$t/ca.key" "$t/key.pem"
}

write_conf() {
  cat >"$CONF" <<CONF
# Written by scripts/rsyslog.sh: a TLS syslog receiver for certexit's tests. Not the system's rsyslog.
global(
  workDirectory="$DIR/work"
  maxMessageSize="64k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="$DIR/tls/ca.pem"
  defaultNetstreamDriverCertFile="$DIR/tls/cert.pem"
  defaultNetstreamDriverKeyFile="$DIR/tls/key.pem"
)
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
module(load="mmpstrucdata")
template(name="certexit-json" type="string" string="%jsonmesg%\n")
ruleset(name="certexit") {
  action(type="mmpstrucdata")
  action(type="omfile" file="$MESSAGES" template="certexit-json" fileCreateMode="0600")
}
input(type="imtcp" address="127.0.0.1" port="$(cat "$PORTFILE")" ruleset="certexit")
CONF
  chmod 600 "$CONF"
}

running_pid() {
  local pid exe
  [ -f "$PIDFILE" ] || return 1
  pid=$(head -n 1 "$PIDFILE" | tr -dc 0-9)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$(basename -- "${exe% (deleted)}")" = rsyslogd ] || return 1
  echo "$pid"
}

port() { cat "$PORTFILE"; }

# A verified TLS handshake with the server (the CA is trusted, the name 127.0.0.1 must match).
tls_ok() {
  [ -f "$PORTFILE" ] || return 1
  openssl s_client -connect "127.0.0.1:$(port)" -CAfile "$DIR/tls/ca.pem" -verify_return_error \
    -verify_ip 127.0.0.1 </dev/null >/dev/null 2>&1
}

# Sends one octet-counted RFC 5424 message over a verified TLS connection and waits for rsyslog to write it.
probe() {
  local id msg
  id="probe-$$-$RANDOM"
  msg="<14>1 - localhost certexit-probe - PROBE - $id"
  printf '%s %s' "${#msg}" "$msg" |
    openssl s_client -quiet -no_ign_eof -connect "127.0.0.1:$(port)" -CAfile "$DIR/tls/ca.pem" -verify_return_error \
      -verify_ip 127.0.0.1 >/dev/null 2>&1 || return 1
  local i=0
  until grep -q "$id" "$MESSAGES" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -le 50 ] || return 1
    sleep 0.1
  done
}

write_env() {
  (
    umask 077
    {
      echo "CERTEXIT_RSYSLOG_HOST=127.0.0.1"
      echo "CERTEXIT_RSYSLOG_PORT=$(port)"
      echo "CERTEXIT_RSYSLOG_CA=$DIR/tls/ca.pem"
      echo "CERTEXIT_RSYSLOG_MESSAGES=$MESSAGES"
      echo "CERTEXIT_RSYSLOG_PID=$(running_pid)"
    } >"$ENVFILE.tmp"
    mv -f "$ENVFILE.tmp" "$ENVFILE"
  )
}

cmd_start() {
  install_packages
  ensure_dir
  make_tls
  if running_pid >/dev/null && tls_ok; then
    write_env
    say "already running (pid $(running_pid)) on 127.0.0.1:$(port)"
    return 0
  fi
  # Keep the port of an earlier run when it is still free (clients configured with it keep working).
  # (SO_REUSEADDR, as rsyslogd binds: a port in TIME_WAIT after a stop is still ours to take.)
  if [ ! -s "$PORTFILE" ] || ! python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$(port)" 2>/dev/null; then
    free_port >"$PORTFILE"
  fi
  write_conf
  rsyslogd -N1 -f "$CONF" >"$LOGFILE" 2>&1 || {
    sed 's/^/  | /' "$LOGFILE" >&2
    die "rsyslogd -N1 refused $CONF"
  }
  rm -f "$PIDFILE"
  # -n: stay in the foreground (logs to LOGFILE); setsid: not in the caller's process group.
  setsid rsyslogd -n -f "$CONF" -i "$PIDFILE" </dev/null >>"$LOGFILE" 2>&1 &
  local i=0
  until running_pid >/dev/null && tls_ok && probe; do
    i=$((i + 1))
    if [ "$i" -gt $((START_TIMEOUT * 5)) ]; then
      tail -n 30 "$LOGFILE" | sed 's/^/  | /' >&2
      die "rsyslogd did not write a probe sent over TLS within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  write_env
  say "healthy: a probe sent over verified TLS to 127.0.0.1:$(port) was written to $MESSAGES (pid $(running_pid))"
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
  say "stopped rsyslogd (pid $pid)"
}

cmd_status() {
  if running_pid >/dev/null && tls_ok; then
    say "running (pid $(running_pid)) and accepting TLS on 127.0.0.1:$(port)"
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
