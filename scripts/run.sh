#!/usr/bin/env bash
# Sets up what is missing, builds, and serves the console at http://127.0.0.1:3000.
# With no ANTHROPIC_API_KEY it runs on the built-in emulator with sample data (kept in
# ./data). Extra arguments go to `cargo leptos serve`, e.g. `--release`. `--split` is
# always on: the islands (the interactive parts of the pages) load only from split WASM.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" # rustup's default; CI shells may not have it
bash scripts/setup.sh run
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # npm's wasm-opt before any other
exec cargo leptos serve --split "$@"
