# shellcheck shell=bash
# Helpers shared by the scripts in scripts/ (sourced, not run). Set LOG_TAG first.

log() { printf '[%s] %s\n' "${LOG_TAG:-script}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-script}" "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }

# Installs the Debian packages that are missing; `apt-get update` runs at most once per run
# (exported, so scripts started from this one skip it too).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} with apt"
  if [ -z "${CG_APT_UPDATED:-}" ]; then as_root apt-get update -qq && export CG_APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Postal channel OCR (apps/worker ocr job, `npm run cli -- postal:ocr`): tesseract with the
# Vietnamese models (the language model `vie` and the script model, named `Vietnamese` on Debian) and
# poppler (pdfinfo, pdftotext, pdftoppm). .ci/run keeps the same list.
OCR_DEBIAN_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils)
install_ocr() { apt_install "${OCR_DEBIAN_PACKAGES[@]}"; }
