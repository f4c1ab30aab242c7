#!/usr/bin/env bash
# npm run bench:queries: the case-query benchmark (bench/queries/run.ts). With MONGODB_URI it runs
# against that server; without, on a FerretDB + PostgreSQL of its own (the embedded default) on
# other ports and in a scratch data directory, stopped at the end, so the running services and
# their data are left alone. BENCH_QUERY_SIZES, BENCH_QUERY_RUNS, BENCH_KEEP: see run.ts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${MONGODB_URI:-}" ]; then exec node "$ROOT/bench/dist/queries/run.js"; fi
export CG_DATA_DIR="${BENCH_DATA_DIR:-${TMPDIR:-/tmp}/cg-bench-queries}"
export LOCAL_FERRETDB_PORT="${BENCH_FERRETDB_PORT:-27038}" LOCAL_POSTGRES_PORT="${BENCH_POSTGRES_PORT:-5453}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6390}" IMAP_HOST="${IMAP_HOST:-127.0.0.1}" # neither is used: start neither
bash "$ROOT/scripts/services.sh"
trap 'bash "$ROOT/scripts/services.sh" stop' EXIT
MONGODB_URI="mongodb://127.0.0.1:$LOCAL_FERRETDB_PORT/complaints" node "$ROOT/bench/dist/queries/run.js"
