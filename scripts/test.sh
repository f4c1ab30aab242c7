#!/usr/bin/env bash
# `npm test`: the whole suite against real services, which it starts itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-deps.sh
bash scripts/services.sh
npx jest --ci "$@"
