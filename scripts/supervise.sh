# shellcheck shell=bash
# A small process supervisor for `npm start` (sourced by scripts/start.sh, not run).
#
#   supervise NAME COMMAND...   run COMMAND in the background and restart it whenever it exits
#   stop_supervised             stop every supervised process (SIGTERM, then wait for it)
#
# A process that exits for any reason while we are not stopping is restarted after a delay of
# 1 s, doubling up to 30 s on each exit in a row; a process that ran for a minute before it
# exited counts as stable and starts over at 1 s. Every exit and restart is logged with its
# status. The other processes are not touched. Each process runs in its own session, so a Ctrl-C
# in the terminal reaches start.sh only, which stops them all in order (SIGTERM: the processes
# shut down gracefully; a second Ctrl-C sends SIGTERM again, which they take as "exit now").
#
# Why not pm2 or similar: pm2 runs a daemon of its own that outlives the terminal, keeps state
# in ~/.pm2 and its backoff stops at 15 s; concurrently restarts only non-zero exits, after 2^N s
# with no cap and no reset. This loop is what we need, in plain bash, with no dependency.
# Production uses the container runtime instead (docker-compose.yml: restart: unless-stopped).

SUPERVISE_FIRST_DELAY=1     # seconds before the first restart
SUPERVISE_MAX_DELAY=30      # the delay doubles up to this
SUPERVISE_STABLE_AFTER=60   # a run this long resets the delay
SUPERVISED=()               # pids of the supervisor loops

_supervise_log() { printf '[supervise] %s %s\n' "$(date -u +%H:%M:%SZ)" "$*" >&2; }

_supervise_status() { # exit status → words
  if [ "$1" -gt 128 ]; then echo "killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"; else echo "exit status $1"; fi
}

_supervise_loop() { # runs in a subshell; $$ is still start.sh's pid there
  local name=$1; shift
  local delay=$SUPERVISE_FIRST_DELAY restarts=0 child='' sleeper='' stopping=0 started rc ran
  # Ctrl-C is start.sh's to handle (it stops everything in order), not ours.
  trap '' INT
  # SIGTERM from stop_supervised, SIGHUP when the terminal goes away: stop the process, then us.
  trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; true' TERM HUP
  while :; do
    started=$SECONDS
    setsid -w "$@" </dev/null &
    child=$!
    [ "$restarts" -gt 0 ] && _supervise_log "$name restarted (pid $child, restart $restarts)"
    # (2>/dev/null: bash's own "Killed" notice; the log line below says it with the name.)
    rc=0
    wait "$child" 2>/dev/null || rc=$?
    # A signal to this loop interrupts `wait`: keep waiting while the process shuts down.
    while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" 2>/dev/null || rc=$?; done
    child=''
    [ "$stopping" = 1 ] && exit 0
    kill -0 $$ 2>/dev/null || exit 0 # start.sh is gone: nothing to keep running for
    ran=$((SECONDS - started))
    [ "$ran" -ge "$SUPERVISE_STABLE_AFTER" ] && delay=$SUPERVISE_FIRST_DELAY
    restarts=$((restarts + 1))
    _supervise_log "$name exited unexpectedly ($(_supervise_status "$rc")) after ${ran} s; restarting in ${delay} s"
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper" 2>/dev/null || true
    sleeper=''
    [ "$stopping" = 1 ] && exit 0
    delay=$((delay * 2 > SUPERVISE_MAX_DELAY ? SUPERVISE_MAX_DELAY : delay * 2))
  done
}

supervise() {
  _supervise_loop "$@" &
  SUPERVISED+=($!)
}

stop_supervised() {
  [ ${#SUPERVISED[@]} -gt 0 ] || return 0
  local pid
  kill -TERM "${SUPERVISED[@]}" 2>/dev/null || true
  # A second signal to start.sh interrupts `wait`: keep waiting until every loop is gone.
  for pid in "${SUPERVISED[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" 2>/dev/null || true; done
  done
}
