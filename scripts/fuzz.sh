#!/usr/bin/env bash
# Fuzzing on stable Rust (docs/reliability.md, "Fuzzing"): builds the targets of fuzz/
# with libFuzzer (libfuzzer-sys) and LLVM's coverage instrumentation, which stable rustc
# offers through -C passes and -C llvm-args (what cargo-fuzz passes, less the sanitizers,
# which need nightly; Rust's own checks, overflow included, stay on). Each target then runs
# for SECONDS (default 60) from its corpus in fuzz/corpus/<target>/; inputs that reach
# new code are merged back into that folder, to be committed. A crash is written to
# fuzz/artifacts/<target>/ and fails the script: copy it into fuzz/regressions/<target>/
# (replayed by tests/fuzz_corpus.rs) and fix the code.
#   bash scripts/fuzz.sh [SECONDS] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(webhook search_query list_location csv_reader)

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps these flags off build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --manifest-path fuzz/Cargo.toml --target-dir target/fuzz --target "$host" --bins
bin=target/fuzz/$host/release

status=0
for target in "${targets[@]}"; do
  found=$(mktemp -d)
  mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
  echo "==> $target: ${seconds}s"
  code=0
  "$bin/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" "$found" "fuzz/corpus/$target" \
    > "$found.log" 2>&1 || code=$?
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|SUMMARY)|panicked' "$found.log" || true
  [ "$code" -eq 0 ] || { echo "$target: a finding in fuzz/artifacts/$target/"; tail -20 "$found.log"; status=1; }
  "$bin/$target" -merge=1 "fuzz/corpus/$target" "$found" >/dev/null 2>&1
  echo "$target: $(ls "fuzz/corpus/$target" | wc -l) inputs kept"
  rm -rf "$found" "$found.log"
done
exit "$status"
