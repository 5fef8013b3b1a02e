#!/usr/bin/env bash
# The soak at length (docs/reliability.md, "Soak"): the test `tests/soak` — 64 clients
# against the console binary on PostgreSQL, under the emulator's faults, the emulator
# killed and started again, the database cut once — for SECONDS (default 1800; the test
# command runs it for 120), then its checks. The figures are printed and written to
# target/soak-report.md (docs/performance.md, "Soak").
#   bash scripts/soak.sh [SECONDS] [SEEDED_PROFILES]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh test
export CARGO_TERM_COLOR=never
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
bash scripts/postgres.sh status || trap 'bash scripts/postgres.sh stop' EXIT
PROFILES_TEST_DATABASE_URL=$(bash scripts/postgres.sh start)
export PROFILES_TEST_DATABASE_URL
export PROFILES_SOAK_SECONDS="${1:-1800}"
export PROFILES_SOAK_SEED="${2:-2000}"
export PROFILES_SOAK_REPORT="$PWD/target/soak-report.md"
# The harness starts the binary cargo builds for the test (the dev profile, as in CI).
cargo test --features ssr --test soak -- --nocapture
echo "report: $PROFILES_SOAK_REPORT"
