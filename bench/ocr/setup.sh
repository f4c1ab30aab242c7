#!/usr/bin/env bash
# bench:ocr needs tesseract with the Vietnamese models, poppler, and the fonts the evaluation set
# is rendered with (Debian: DejaVu, Noto, Liberation). Installs whatever is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOG_TAG=bench-ocr
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
install_ocr
apt_install fonts-dejavu-core fonts-noto-core fonts-liberation
