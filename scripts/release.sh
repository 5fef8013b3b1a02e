#!/usr/bin/env bash
# Builds the release bundle as it is served and measured: WASM split per lazy route
# (`--split`), brotli and gzip copies written next to each asset (`--precompress`), then the
# gzip copies redone at level 9, because cargo-leptos writes them at a weaker level
# (for the main WASM: ~377 KB instead of ~322 KB) and clients without brotli get those.
# Expects the toolchain on PATH (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --split --precompress
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  gzip -9 -n -c "$file" >"$file.gz"
done
