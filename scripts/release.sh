#!/usr/bin/env bash
# Builds the release as it is served and measured, in two steps:
# 1. the browser bundle: WASM split per lazy route (`--split`), brotli and gzip copies
#    written next to each asset (`--precompress`), then the gzip copies redone at level 9,
#    because cargo-leptos writes them at a weaker level (for the main WASM: ~377 KB
#    instead of ~322 KB) and clients without brotli get those;
# 2. the server, carrying that bundle (feature `embed-site`): the one file
#    target/release/profiles-admin serves the whole console from an empty directory
#    (docs/operations.md, "One binary").
# Expects the toolchain on PATH (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --split --precompress --frontend-only
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  gzip -9 -n -c "$file" >"$file.gz"
done
cargo leptos build --release --split --precompress --server-only --bin-features embed-site
