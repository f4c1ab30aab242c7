#!/usr/bin/env bash
# `npm start`: dependencies, local services (unless REDIS_URL / MONGODB_URI point elsewhere),
# build, demo accounts on an empty database, then the gateway and the workers in the foreground.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/ensure-deps.sh
bash scripts/services.sh
# Postal letters are read by the worker: tesseract with the Vietnamese models and poppler.
LOG_TAG=start
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
install_ocr

# A stable development secret, kept out of the repository, so tokens survive restarts.
if [ -z "${AUTH_TOKEN_SECRET:-}" ] && [ "${NODE_ENV:-development}" != production ]; then
  mkdir -p .data
  [ -s .data/auth-token-secret ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > .data/auth-token-secret
  AUTH_TOKEN_SECRET="$(cat .data/auth-token-secret)"
  export AUTH_TOKEN_SECRET
fi
export PORT="${PORT:-3000}"
# A demo: secrets left unset are random ones kept in .data (never a public default); production
# refuses to start without them.
if [ "${NODE_ENV:-development}" != production ]; then export CG_DEMO="${CG_DEMO:-1}"; fi
# The demo's chat may be framed by pages served from this machine (a test site embedding the
# widget); without this only the gateway's own pages may frame it.
if [ "${NODE_ENV:-development}" != production ]; then export LIVECHAT_EMBED_ORIGINS="${LIVECHAT_EMBED_ORIGINS-http://localhost:* http://127.0.0.1:*}"; fi

# Email channel. Without IMAP_HOST the poller watches the local demo mailbox that
# scripts/services.sh started (Dovecot on 127.0.0.1:1143, user support); without SMTP_URL the
# receipts and answers go to a local capture sink that writes .data/mail-sink/*.eml.
if [ -z "${IMAP_HOST:-}" ]; then
  export IMAP_HOST=127.0.0.1 IMAP_PORT="${LOCAL_IMAP_PORT:-1143}" IMAP_SECURE=false IMAP_USER=support IMAP_PASSWORD="${LOCAL_IMAP_PASSWORD:-support-demo}"
fi
start_mail_sink=false
if [ -z "${SMTP_URL:-}" ]; then export SMTP_URL="smtp://127.0.0.1:${LOCAL_SMTP_PORT:-2525}"; start_mail_sink=true; fi
if [ -z "${MAIL_MESSAGE_ID_SECRET:-}" ] && [ "${NODE_ENV:-development}" != production ]; then
  [ -s .data/mail-message-id-secret ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > .data/mail-message-id-secret
  MAIL_MESSAGE_ID_SECRET="$(cat .data/mail-message-id-secret)"
  export MAIL_MESSAGE_ID_SECRET
fi

if [ "${NODE_ENV:-development}" != production ]; then
  node apps/cli/dist/main.js demo:seed | tee .data/demo-accounts.txt.new
  # Keep the first printout: passwords are shown only when the accounts are created.
  if grep -q '@demo.local' .data/demo-accounts.txt.new; then mv .data/demo-accounts.txt.new .data/demo-accounts.txt; else rm -f .data/demo-accounts.txt.new; fi
fi

# Each process runs under a restart loop (scripts/supervise.sh): one that exits is logged and
# restarted with backoff while the others keep serving. Ctrl-C (or SIGTERM) stops them all;
# a second Ctrl-C makes them exit without waiting for in-flight work.
# shellcheck source=scripts/supervise.sh
source scripts/supervise.sh
stopping=false
cleanup() {
  stopping=true
  printf '\n[start] stopping the gateway and the workers\n' >&2
  stop_supervised
  trap - INT TERM HUP EXIT
  printf '[start] stopped (the services keep running: npm run services:stop)\n' >&2
  exit 0
}
# (Inline, not in cleanup: a `return` from a trap that interrupted a function confuses bash.)
trap 'if [ "$stopping" = true ]; then kill -TERM "${SUPERVISED[@]}" 2>/dev/null || true; else cleanup; fi' INT TERM HUP EXIT

supervise worker node apps/worker/dist/main.js
supervise gateway node apps/gateway/dist/main.js
if [ "$start_mail_sink" = true ]; then supervise smtp-sink node packages/testing/dist/dev-smtp-sink.js "${LOCAL_SMTP_PORT:-2525}" .data/mail-sink; fi
supervise mail-poller node apps/mail-poller/dist/main.js

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
cat <<MSG

  Complaint gateway is running: http://localhost:$PORT
    staff console: http://localhost:$PORT/  (sign in with a demo account below)
    customer chat: http://localhost:$PORT/chat   livechat agents: http://localhost:$PORT/console/livechat
    health:   http://localhost:$PORT/readyz
    sign in:  curl -s http://localhost:$PORT/api/v1/auth/login -H 'content-type: application/json' \\
                -d '{"email":"hotline.operator@demo.local","password":"<from the list>"}'
    demo accounts: $( [ -f .data/demo-accounts.txt ] && echo ".data/demo-accounts.txt (printed above on first start)" || echo "create one: npm run cli -- user:add --email you@example.com --password '...' --role admin")
    email:    mail to the demo mailbox: IMAP 127.0.0.1:${IMAP_PORT:-1143} user ${IMAP_USER:-support} (when IMAP_HOST was unset);
              poller health http://127.0.0.1:${MAIL_POLLER_PORT:-3100}/readyz; outgoing mail in .data/mail-sink/ (when SMTP_URL was unset)
  A process that exits is restarted (after 1 s, doubling to 30 s). Ctrl-C stops the gateway and
  the workers (the services keep running: npm run services:stop).

MSG
# The supervisors run until cleanup stops them: a signal interrupts this wait and runs cleanup.
wait "${SUPERVISED[@]}" || true
