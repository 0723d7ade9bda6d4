#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing: PostgreSQL's server
# (the suite starts a throwaway cluster of its own) and Debian's chromium (the browser tests
# drive it; no browser is ever downloaded). Only as root with apt-get; otherwise it says what is
# missing and leaves the decision to the suite (skip locally, fail in CI).
# With the argument "bench", also wrk, the load generator of `make bench`.
set -euo pipefail

have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

missing=()
have_postgres || missing+=(postgresql)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ "${1:-}" = "bench" ]; then
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Not installed: ${missing[*]}. Install them to run the whole suite." >&2
    exit 0
fi
echo "Installing ${missing[*]} with apt-get..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
