#!/usr/bin/env bash
# Renders every page in light and dark into docs/screenshots/ (release build, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" # rustup's default; CI shells may not have it
bash scripts/setup.sh test
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # npm's wasm-opt before any other
bash scripts/release.sh
cd end2end && npx playwright test --config screenshots.config.ts
