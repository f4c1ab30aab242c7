#!/usr/bin/env bash
# `npm test`: the whole suite against real services, which it starts itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-deps.sh
bash scripts/services.sh
# Browser tests drive Debian's chromium through playwright-core (which downloads no browser).
if [ -z "${CHROMIUM_PATH:-}" ] && ! dpkg -s chromium >/dev/null 2>&1; then
  echo "[test] installing chromium with apt" >&2
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "[test] need root to run: $*" >&2; exit 1; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    || { echo "[test] apt-get install chromium failed" >&2; exit 1; }
fi
# --forceExit: a leaked handle must not hang CI after every test has finished.
npx jest --ci --forceExit "$@"
