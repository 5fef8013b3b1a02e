#!/usr/bin/env bash
# Sets up what is missing and runs every check and test: formatting, clippy on both
# targets, unit and integration tests, a release build, and the browser and SDK tests
# against that release build (only a browser catches a wasm-opt that breaks hydration).
# A private PostgreSQL runs for the duration (scripts/postgres.sh), so that everything
# that touches the console's database is tested on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" # rustup's default; CI shells may not have it
bash scripts/setup.sh test
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # npm's wasm-opt before any other
export CARGO_TERM_COLOR=never NO_COLOR=1
# Test binaries with line tables only: a panic's backtrace still names file and line, and
# each of the twenty test binaries links in a fraction of the time and disk full debug
# information takes (several GB each). Set it to override.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
# Stopped at the end only if this run started it (another run may be using it).
bash scripts/postgres.sh status || trap 'bash scripts/postgres.sh stop' EXIT
PROFILES_TEST_DATABASE_URL=$(bash scripts/postgres.sh start)
export PROFILES_TEST_DATABASE_URL

step() { echo; echo "==> $1"; shift; "$@"; }

step "format" cargo fmt --all -- --check
step "clippy (server)" cargo clippy --features ssr --all-targets -- -D warnings
step "clippy (browser)" cargo clippy --lib --target wasm32-unknown-unknown --target-dir target/front \
  --no-default-features --features hydrate -- -D warnings
step "unit and integration tests" cargo leptos test
step "release build" bash scripts/release.sh
# The site the one binary carries exists only now.
step "clippy (server carrying the site)" cargo clippy --lib --no-default-features --features embed-site -- -D warnings

echo; echo "==> browser and SDK tests (Playwright, Debian's Chromium)"
status=0
(cd end2end && npx playwright test) || status=$?
node -e '
  const r = require("./end2end/playwright-report/results.json");
  console.log(`e2e: ${r.stats.expected} passed, ${r.stats.unexpected + r.stats.flaky} failed`);
' || status=1
exit "$status"
