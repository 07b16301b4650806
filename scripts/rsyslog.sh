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

. "$(dirname "$0")/lib/test-server.sh"
SERVER_NAME=rsyslog
MARKER=.certexit-rsyslog
DIR=$(state_dir "${RSYSLOG_DIR:-}" rsyslog)
START_TIMEOUT=${RSYSLOG_START_TIMEOUT:-30}
PIDFILE=$DIR/rsyslogd.pid
ENVFILE=$DIR/env
CONF=$DIR/rsyslog.conf
PORTFILE=$DIR/port
LOGFILE=$DIR/rsyslogd.log
MESSAGES=$DIR/messages.jsonl
GTLS_MODULE=lmnsd_gtls.so

have_packages() {
  command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || return 1
  [ -n "$(find /usr/lib -name "$GTLS_MODULE" -path '*rsyslog*' -print -quit 2>/dev/null)" ]
}

install_packages() {
  have_packages && return 0
  [ "$(id -u)" = 0 ] || die "rsyslog/rsyslog-gnutls are missing and installing them needs root"
  local policy=/usr/sbin/policy-rc.d temporary_policy=
  # Debian's postinst would start the system rsyslog service: refuse service starts while installing.
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# certexit scripts/rsyslog.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    temporary_policy=$policy
  fi
  local status=0
  apt_get_logged rsyslog rsyslog-gnutls openssl || status=$?
  [ -z "$temporary_policy" ] || rm -f "$temporary_policy"
  [ "$status" = 0 ] || exit 1
  say "installed rsyslog rsyslog-gnutls"
}

ensure_dir() {
  claim_dir "$DIR"
  mkdir -p "$DIR/tls" "$DIR/work"
  chmod 700 "$DIR"
}

make_tls() { make_test_tls "$DIR/tls" "certexit rsyslog test CA" cert.pem key.pem; }

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

running_pid() { pid_from_file "$PIDFILE" rsyslogd; }

port() { cat "$PORTFILE"; }
address() { echo "127.0.0.1:$(port)"; }

# A verified TLS handshake with the server (the CA is trusted, the name 127.0.0.1 must match).
healthy() {
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
  {
    echo "CERTEXIT_RSYSLOG_HOST=127.0.0.1"
    echo "CERTEXIT_RSYSLOG_PORT=$(port)"
    echo "CERTEXIT_RSYSLOG_CA=$DIR/tls/ca.pem"
    echo "CERTEXIT_RSYSLOG_MESSAGES=$MESSAGES"
    echo "CERTEXIT_RSYSLOG_PID=$(running_pid)"
  } | write_private_file "$ENVFILE"
}

# Started: the server runs, takes a verified TLS connection and writes a probe sent over one.
started() { running_pid >/dev/null && healthy && probe; }

cmd_start() {
  install_packages
  ensure_dir
  make_tls
  already_running && return 0
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
  wait_until $((START_TIMEOUT * 5)) 0.2 "$LOGFILE" "rsyslogd did not write a probe sent over TLS within ${START_TIMEOUT}s" started
  write_env
  say "healthy: a probe sent over verified TLS to 127.0.0.1:$(port) was written to $MESSAGES (pid $(running_pid))"
}

cmd_stop() {
  stop_server rsyslogd TERM 100 KILL
  rm -f "$PIDFILE"
}

cmd_status() { server_status 'accepting TLS on' "$DIR"; }

server_main "$@"
