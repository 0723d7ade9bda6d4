#!/usr/bin/env bash
# Starts the real backend, serving the built app, on a throwaway SQLite database with the demo
# data: what the browser tests run against (the Vite dev server sends no CSP, so it can't be).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${E2E_PORT:?E2E_PORT is set by playwright.config.ts}
data=$(mktemp -d -t circles-e2e-XXXXXX)
trap 'rm -rf "$data"' EXIT
export CIRCLES_ENV=development
export CIRCLES_VAR_DIR="$data"
export CIRCLES_DATABASE_URL="sqlite:///$data/e2e.db"
export CIRCLES_FRONTEND_DIR="$root/frontend/dist"
export CIRCLES_PUBLIC_URL="http://127.0.0.1:$port"
export CIRCLES_OUTBOX_INTERVAL_SECONDS=1
export CIRCLES_LOG_LEVEL=WARNING
"$root/.venv/bin/circles" seed demo >"$data/seed.log"
"$root/.venv/bin/circles" serve --host 127.0.0.1 --port "$port"
