#!/usr/bin/env bash
# Installs what is missing, and nothing else, for running (`run`) or testing (`test`) the
# console. Safe to run any number of times. Versions follow docs/toolchain.md:
# cargo-leptos 0.3.10 (0.3.11 needs a newer rustc), the wasm-bindgen CLI at exactly the
# crate's version from Cargo.lock, npm's binaryen for wasm-opt (Debian's breaks hydration),
# Debian's Chromium for the browser tests, and Debian's PostgreSQL for the tests that run
# against both of the console's databases.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" # rustup's default; CI shells may not have it
purpose=${1:-run}
case "$purpose" in run | test | bench) ;; *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;; esac

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)

say() { echo "setup: $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  say "installing $* from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required but not installed" >&2; exit 1; }
done

rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10-20 minutes, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  # Not --locked: its lockfile wants a webpki-roots release the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end npm packages (Playwright, binaryen, the Anthropic SDK)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$purpose" = test ] && ! command -v "${CHROMIUM_PATH:-chromium}" >/dev/null; then
  apt_install chromium
fi

if [ "$purpose" = test ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt_install postgresql
fi

# Debian's nginx, in front of two consoles in tests/deploy.rs (deploy/nginx).
# Debian starts its own on port 80 at install; the test starts one of its own instead.
if [ "$purpose" = test ] && [ ! -x /usr/sbin/nginx ]; then
  apt_install nginx
  as_root /usr/sbin/nginx -s quit >/dev/null 2>&1 || true
fi

if [ "$purpose" = bench ] && ! command -v wrk >/dev/null; then
  apt_install wrk
fi
# GNU time: the peak memory of a command (the import dry run).
if [ "$purpose" = bench ] && [ ! -x /usr/bin/time ]; then
  apt_install time
fi
