#!/usr/bin/env bash
# Browser test of `backlog site`: builds the demo site and drives Debian's headless
# Chromium over it with playwright-core (tests/browser/site.test.mjs).
#
#   scripts/browser-test.sh [--install]
#
# --install (what CI uses) installs what is missing first: Chromium with apt-get (needs
# root) and the npm packages from tests/browser/package-lock.json.
# The site goes to target/site-demo, screenshots to target/site-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--install" ]]; then
    if ! command -v chromium >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    if [[ ! -d tests/browser/node_modules/playwright-core ]]; then
        (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
command -v chromium >/dev/null 2>&1 || { echo "chromium is not installed (apt-get install chromium, or pass --install)" >&2; exit 2; }
[[ -d tests/browser/node_modules/playwright-core ]] || { echo "run (cd tests/browser && npm ci) first, or pass --install" >&2; exit 2; }

cargo build --locked --quiet
rm -rf target/site-demo target/site-screenshots
# The demo backlog with its history from this repository; figures as of a fixed day.
BACKLOG_TODAY=2026-11-25 target/debug/backlog -q -C examples/demo site "$PWD/target/site-demo"
node tests/browser/site.test.mjs target/site-demo target/site-screenshots
