#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than package-lock.json, then builds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci" >&2
  npm ci --no-audit --no-fund
fi
echo "[build] tsc -b, then the console and chat pages (vite)" >&2
npm run -s build
