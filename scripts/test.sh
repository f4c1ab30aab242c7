#!/usr/bin/env bash
# `npm test`: the whole suite against real services, which it starts itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-deps.sh
# Type-check and lint (sources, tests, benches, console) first: a mistake fails here in a minute or two.
npm run -s lint
bash scripts/services.sh
# Browser tests drive Debian's chromium through playwright-core (which downloads no browser).
LOG_TAG=test
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
[ -n "${CHROMIUM_PATH:-}" ] || apt_install chromium
# PDF letters: poppler (pdfsig, pdftotext, pdftoppm) checks them, openssl makes the test certificate.
apt_install poppler-utils openssl
# Postal OCR (tesseract + Vietnamese models); qpdf makes the encrypted PDF of the bad-upload tests,
# and the generated test scans are rendered with DejaVu.
install_ocr
apt_install qpdf fonts-dejavu-core
# No --forceExit: every test closes what it opens, so jest ends by itself. If it hangs after the
# last test, something leaked: `npx jest --detectOpenHandles <file>` names it.
npx jest --ci "$@"
