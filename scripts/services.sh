#!/usr/bin/env bash
# Installs (when missing) and starts the local services the project needs, on loopback only:
#   Redis (Debian redis-server, AOF on, noeviction) and FerretDB v1.24.2 (SQLite backend,
#   built from the Go module proxy through tools/ferretdb).
# A service whose URL is set in the environment (REDIS_URL, MONGODB_URI) is left alone.
# Idempotent: a service that already answers is not started twice.
#   scripts/services.sh          start what is missing
#   scripts/services.sh stop     stop what this script started
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
REDIS_PORT="${LOCAL_REDIS_PORT:-6390}"
FERRET_PORT="${LOCAL_FERRETDB_PORT:-27018}"
FERRET_VERSION="v1.24.2"
FERRET_BIN="$DATA/bin/ferretdb-$FERRET_VERSION"

LOG_TAG=services
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}

redis_ping() { [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "REDIS_URL is set: using $REDIS_URL, not starting Redis"; return; fi
  apt_install redis-server
  if redis_ping; then log "Redis already answers on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$DATA/redis"
  # AOF on (every write is on disk within a second) and noeviction: BullMQ must never lose keys.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DATA/redis" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --save "" --daemonize yes --pidfile "$DATA/redis/redis.pid" --logfile "$DATA/redis/redis.log" \
    || die "redis-server did not start; see $DATA/redis/redis.log"
  wait_for redis 20 redis_ping || die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT within 20 s; see $DATA/redis/redis.log"
  log "Redis ready on 127.0.0.1:$REDIS_PORT (AOF on, noeviction)"
}

build_ferretdb() {
  [ -x "$FERRET_BIN" ] && return
  command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"; }
  command -v go >/dev/null || die "Go is needed to build FerretDB $FERRET_VERSION (tools/ferretdb); install Go >= 1.24 or set MONGODB_URI"
  log "building FerretDB $FERRET_VERSION with Go (once; cached in $FERRET_BIN)"
  mkdir -p "$DATA/bin"
  (cd "$ROOT/tools/ferretdb" && CGO_ENABLED=0 go build -trimpath -o "$FERRET_BIN.tmp" .) \
    || die "building FerretDB failed (Go module proxy reachable? see the output above)"
  mv "$FERRET_BIN.tmp" "$FERRET_BIN"
}

start_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then log "MONGODB_URI is set: using it, not starting FerretDB"; return; fi
  if port_open "$FERRET_PORT"; then log "FerretDB already answers on 127.0.0.1:$FERRET_PORT"; return; fi
  build_ferretdb
  mkdir -p "$DATA/ferretdb/sqlite"
  nohup "$FERRET_BIN" --listen-addr "127.0.0.1:$FERRET_PORT" --sqlite-url "file:$DATA/ferretdb/sqlite/" \
    >"$DATA/ferretdb/ferretdb.log" 2>&1 &
  echo $! >"$DATA/ferretdb/ferretdb.pid"
  wait_for ferretdb 30 port_open "$FERRET_PORT" \
    || die "FerretDB did not listen on 127.0.0.1:$FERRET_PORT within 30 s; see $DATA/ferretdb/ferretdb.log"
  log "FerretDB $FERRET_VERSION ready on 127.0.0.1:$FERRET_PORT (SQLite in $DATA/ferretdb/sqlite)"
}

# The demo mailbox for `npm start` (Dovecot on loopback, scripts/dovecot.sh), unless a real IMAP
# server is configured (IMAP_HOST). Tests start Dovecot instances of their own.
start_dovecot() {
  if [ -n "${IMAP_HOST:-}" ]; then log "IMAP_HOST is set: using $IMAP_HOST, not starting the demo mailbox"; return; fi
  bash "$ROOT/scripts/dovecot.sh" start >/dev/null || log "warning: the demo IMAP mailbox did not start (see scripts/dovecot.sh); the email channel is idle"
}

stop_all() {
  bash "$ROOT/scripts/dovecot.sh" stop 2>/dev/null || true
  if [ -f "$DATA/redis/redis.pid" ]; then redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; rm -f "$DATA/redis/redis.pid"; log "Redis stopped"; fi
  if [ -f "$DATA/ferretdb/ferretdb.pid" ]; then kill "$(cat "$DATA/ferretdb/ferretdb.pid")" 2>/dev/null || true; rm -f "$DATA/ferretdb/ferretdb.pid"; log "FerretDB stopped"; fi
}

case "${1:-start}" in
  start) mkdir -p "$DATA"; start_redis; start_ferretdb; start_dovecot ;;
  stop) stop_all ;;
  *) die "usage: $0 [start|stop]" ;;
esac
