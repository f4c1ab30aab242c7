#!/usr/bin/env bash
# Installs (when missing) and starts the local services the project needs, on loopback only:
#   Redis (Debian redis-server, AOF on, noeviction), PostgreSQL 15 (Debian postgresql-15, a
#   cluster of our own on its own port) and FerretDB v1.24.2 on it (built from the Go module
#   proxy through tools/ferretdb), and the demo IMAP mailbox (scripts/dovecot.sh).
# A service whose URL is set in the environment (REDIS_URL, MONGODB_URI, IMAP_HOST) is left alone.
# Idempotent: a service that already answers is not started twice.
#   scripts/services.sh          start what is missing
#   scripts/services.sh stop     stop what this script started
#
#   LOCAL_FERRETDB_BACKEND  postgresql (default) or sqlite: FerretDB's storage (README: why)
#   LOCAL_REDIS_PORT, LOCAL_FERRETDB_PORT, LOCAL_POSTGRES_PORT   6390, 27018, 5433
#   LOCAL_POSTGRES_FSYNC    on (default) or off: off trades crash safety for speed (tests only)
#   CG_DATA_DIR             where everything lives (default .data in the repository)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${CG_DATA_DIR:-$ROOT/.data}"
mkdir -p "$DATA" && DATA="$(cd "$DATA" && pwd)"
REDIS_PORT="${LOCAL_REDIS_PORT:-6390}"
FERRET_PORT="${LOCAL_FERRETDB_PORT:-27018}"
PG_PORT="${LOCAL_POSTGRES_PORT:-5433}"
PG_FSYNC="${LOCAL_POSTGRES_FSYNC:-on}"
BACKEND="${LOCAL_FERRETDB_BACKEND:-postgresql}"
FERRET_VERSION="v1.24.2"
PG_BIN=/usr/lib/postgresql/15/bin

LOG_TAG=services
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

case "$BACKEND" in postgresql | sqlite) ;; *) die "LOCAL_FERRETDB_BACKEND must be postgresql or sqlite, not '$BACKEND'" ;; esac
case "$PG_FSYNC" in on | off) ;; *) die "LOCAL_POSTGRES_FSYNC must be on or off, not '$PG_FSYNC'" ;; esac

# The binary is cached per version of tools/ferretdb, so a change there rebuilds it.
FERRET_BIN="$DATA/bin/ferretdb-$FERRET_VERSION-$(cat "$ROOT"/tools/ferretdb/{*.go,*.sql,go.mod,go.sum} | sha256sum | cut -c1-12)"

wait_for() { # name, seconds, command...
  local secs=$2; shift 2
  for _ in $(seq $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

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

# --- PostgreSQL: a cluster of our own, for FerretDB only -------------------------------------
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user, who
# must be able to walk down to it. The cluster lives in $DATA/pg when that user can (a clone
# under /work, /srv, /home/<you> with the usual 755); when a parent directory is closed to
# others (a clone under /root, mode 700) it lives in /var/lib/postgresql/complaint-gateway/<hash
# of the data path> and $DATA/pg is a symlink to it. We never open up the permissions of a
# directory above the repository. Not root: the cluster runs as you, in $DATA/pg.
is_root() { [ "$(id -u)" = 0 ]; }
# (From /: the postgres user may not be allowed into the current directory.)
as_pg() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

pg_home() { # prints the cluster's directory (data/, postgres.log); creates it when create=1
  local create=${1:-0} alt
  if [ -L "$DATA/pg" ]; then readlink "$DATA/pg"; return; fi
  if [ -d "$DATA/pg" ] || ! is_root || runuser -u postgres -- test -x "$DATA" 2>/dev/null; then
    if [ "$create" = 1 ] && [ ! -d "$DATA/pg" ]; then
      if is_root; then install -d -o postgres -g postgres -m 700 "$DATA/pg"; else install -d -m 700 "$DATA/pg"; fi
    fi
    echo "$DATA/pg"; return
  fi
  alt="/var/lib/postgresql/complaint-gateway/$(printf %s "$DATA" | sha256sum | cut -c1-12)"
  if [ "$create" = 1 ]; then
    # A cluster there without the link is what deleting $DATA leaves behind: start afresh, as
    # with everything else in $DATA (unless it still runs: then it is reused).
    if [ -d "$alt/data" ] && ! pg_running "$alt"; then
      log "removing the PostgreSQL cluster left in $alt by a deleted $DATA"
      rm -rf "$alt"
    fi
    install -d -o postgres -g postgres -m 755 /var/lib/postgresql/complaint-gateway
    install -d -o postgres -g postgres -m 700 "$alt"
    ln -s "$alt" "$DATA/pg"
    log "the postgres user cannot enter $DATA (a parent directory is closed): the cluster lives in $alt ($DATA/pg links to it)"
  fi
  echo "$alt"
}

pg_running() { [ -f "$1/data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" status -D "$1/data" >/dev/null 2>&1; }
pg_sql() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"; }

start_postgres() {
  apt_install postgresql-15 postgresql-client-15
  local home t0 running_port
  home="$(pg_home 1)"
  is_root && { runuser -u postgres -- test -w "$home" 2>/dev/null || die "the postgres user cannot write $home; move the repository or set CG_DATA_DIR to a directory it can reach"; }
  if pg_running "$home"; then
    running_port="$(sed -n 4p "$home/data/postmaster.pid")"
    [ "$running_port" = "$PG_PORT" ] || die "our PostgreSQL already runs on port $running_port, not $PG_PORT; npm run services:stop first, or set LOCAL_POSTGRES_PORT=$running_port"
    log "PostgreSQL already runs on 127.0.0.1:$PG_PORT ($home)"
    [ "$(pg_sql -c 'SHOW fsync')" = "$PG_FSYNC" ] \
      || log "warning: it runs with fsync $( [ "$PG_FSYNC" = on ] && echo off || echo on ), not $PG_FSYNC; npm run services:stop to restart it"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another program; set LOCAL_POSTGRES_PORT"
    if [ ! -s "$home/data/PG_VERSION" ]; then
      t0=$(date +%s%N)
      # FerretDB wants UTF8 and a C, POSIX, C.UTF-8 or en_US.UTF-8 locale. Trust on loopback
      # only, like Redis and FerretDB themselves (no port of ours listens elsewhere).
      as_pg "$PG_BIN/initdb" -D "$home/data" -E UTF8 --locale=C.UTF-8 -U postgres -A trust --no-instructions >"$home/initdb.log" 2>&1 \
        || die "initdb failed; see $home/initdb.log"
      log "PostgreSQL cluster created in $home/data ($(ms_since "$t0") ms)"
    fi
    t0=$(date +%s%N)
    # No Unix socket: its path would be too long under deep checkouts, and we connect by TCP.
    local opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    [ "$PG_FSYNC" = off ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_pg "$PG_BIN/pg_ctl" -D "$home/data" -l "$home/postgres.log" -o "$opts" -w -t 60 start >/dev/null \
      || die "PostgreSQL did not start on 127.0.0.1:$PG_PORT; see $home/postgres.log"
    log "PostgreSQL 15 ready on 127.0.0.1:$PG_PORT in $(ms_since "$t0") ms (fsync $PG_FSYNC; cluster $home/data)"
  fi
  [ "$(pg_sql -c "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" = 1 ] \
    || pg_sql -c 'CREATE DATABASE ferretdb' || die "could not create the ferretdb database"
}

stop_postgres() {
  local home
  [ -e "$DATA/pg" ] || return 0
  home="$(pg_home 0)"
  pg_running "$home" || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >/dev/null && log "PostgreSQL stopped"
}

# --- FerretDB --------------------------------------------------------------------------------
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

ferretdb_pid() { # the pid of the FerretDB we started, if it still runs
  local pid
  [ -f "$DATA/ferretdb/ferretdb.pid" ] || return 1
  pid="$(cat "$DATA/ferretdb/ferretdb.pid")"
  case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */ferretdb-*) echo "$pid" ;; *) return 1 ;; esac
}

start_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then log "MONGODB_URI is set: using it, not starting FerretDB"; return; fi
  [ "$BACKEND" = postgresql ] && start_postgres
  if port_open "$FERRET_PORT"; then
    local running
    running="$(cat "$DATA/ferretdb/backend" 2>/dev/null || echo sqlite)"
    if [ "$running" != "$BACKEND" ]; then
      log "warning: FerretDB on 127.0.0.1:$FERRET_PORT runs the $running backend, not $BACKEND; to switch: npm run services:stop && npm run services"
    else
      log "FerretDB already answers on 127.0.0.1:$FERRET_PORT ($running backend)"
    fi
    return
  fi
  build_ferretdb
  mkdir -p "$DATA/ferretdb"
  local args=(--listen-addr "127.0.0.1:$FERRET_PORT" --handler "$BACKEND") where
  if [ "$BACKEND" = postgresql ]; then
    args+=(--postgresql-url "postgres://postgres@127.0.0.1:$PG_PORT/ferretdb")
    where="PostgreSQL 127.0.0.1:$PG_PORT/ferretdb"
  else
    mkdir -p "$DATA/ferretdb/sqlite"
    args+=(--sqlite-url "file:$DATA/ferretdb/sqlite/")
    where="SQLite in $DATA/ferretdb/sqlite"
  fi
  # Its own session: a Ctrl-C meant for `npm start` must not stop the database.
  nohup setsid "$FERRET_BIN" "${args[@]}" </dev/null >"$DATA/ferretdb/ferretdb.log" 2>&1 &
  echo $! >"$DATA/ferretdb/ferretdb.pid"
  echo "$BACKEND" >"$DATA/ferretdb/backend"
  wait_for ferretdb 30 port_open "$FERRET_PORT" \
    || die "FerretDB did not listen on 127.0.0.1:$FERRET_PORT within 30 s; see $DATA/ferretdb/ferretdb.log"
  log "FerretDB $FERRET_VERSION ready on 127.0.0.1:$FERRET_PORT ($where)"
}

stop_ferretdb() {
  local pid
  if pid="$(ferretdb_pid)"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "FerretDB stopped"
  fi
  rm -f "$DATA/ferretdb/ferretdb.pid"
}

# The demo mailbox for `npm start` (Dovecot on loopback, scripts/dovecot.sh), unless a real IMAP
# server is configured (IMAP_HOST). Tests start Dovecot instances of their own.
start_dovecot() {
  if [ -n "${IMAP_HOST:-}" ]; then log "IMAP_HOST is set: using $IMAP_HOST, not starting the demo mailbox"; return; fi
  bash "$ROOT/scripts/dovecot.sh" start --dir "$DATA/dovecot" >/dev/null || log "warning: the demo IMAP mailbox did not start (see scripts/dovecot.sh); the email channel is idle"
}

stop_all() {
  bash "$ROOT/scripts/dovecot.sh" stop --dir "$DATA/dovecot" 2>/dev/null || true
  if [ -f "$DATA/redis/redis.pid" ]; then redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; rm -f "$DATA/redis/redis.pid"; log "Redis stopped"; fi
  stop_ferretdb
  stop_postgres
}

case "${1:-start}" in
  start) start_redis; start_ferretdb; start_dovecot ;;
  stop) stop_all ;;
  *) die "usage: $0 [start|stop]" ;;
esac
