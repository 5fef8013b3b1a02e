#!/usr/bin/env bash
# Benchmark, in one run and against the same upstream (a release-mode emulator on
# loopback, seeded with 150 profiles):
#   1. the emulator's list call:          GET /v1/user_profiles?limit=100
#   2. the console's server-rendered list: GET /profiles?limit=100 as a signed-in user
#      (loads and renews the session in SQLite, makes call 1 through the upstream client,
#      then renders 100 rows)
#   3. the same page behind an SSO proxy (PROFILES_AUTH=proxy): no session, so 2 − 3 is
#      what local sessions cost
#   4. one sign-in (an argon2id verification)
#   5. saves (server function `profiles/update`), one after another: each writes its audit
#      entry, reads the profile, updates it, and completes the entry
#   6. the Audit log page and its CSV download over 100,000 entries (seeded straight into
#      the SQLite file), unfiltered and filtered by a rare actor
# plus peak memory of both processes and the release WASM/JS sizes (raw and gzip -9).
# Load comes from wrk on the same 2-core machine, so absolute numbers are conservative.
# Settings: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" # rustup's default; CI shells may not have it
bash scripts/setup.sh bench
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-8}
emulator=127.0.0.1:3210
console=127.0.0.1:3200
proxied=127.0.0.1:3201
beta="anthropic-beta: user-profiles-2026-03-24"

echo "building release…" >&2
bash scripts/release.sh >/dev/null 2>&1

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

env -u ANTHROPIC_API_KEY RUST_LOG=warn target/release/profiles-admin emulator \
  --listen "$emulator" --data-dir "$work/emulator" &
pids+=($!); emulator_pid=$!
# A placeholder key makes the console use ANTHROPIC_BASE_URL instead of its own emulator,
# and requires sign-in: one account, signed in once; its session cookie goes with every request.
password="bench password, not a secret"
printf '%s\n' "$password" | env -u ANTHROPIC_API_KEY PROFILES_DATA_DIR="$work/console" \
  target/release/profiles-admin user add bench --role admin >/dev/null
# 100,000 audit entries over 100 days, 1 in 1,000 by "rare"; the table as the console's
# migrations made it (`user add` ran them).
python3 - "$work/console/console.sqlite" <<'PY'
import datetime, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
change = json.dumps([{"field": "metadata.plan", "old": "free", "new": "pro"}])
rows = []
for n in range(100_000):
    at = (start + datetime.timedelta(seconds=n * 86)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    actor = "rare" if n % 1000 == 0 else f"user{n % 40}"
    rows.append((f"{n:032x}", at, actor, "editor", "profile.update", f"uprof_seed{n % 500}",
                 "succeeded", None, change, None, f"req_{n}"))
db.executemany("INSERT INTO audit_events (id, at, actor, role, action, profile_id, outcome, "
               "detail, changes, request_id, upstream_request_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
PY
ANTHROPIC_API_KEY=bench-placeholder ANTHROPIC_BASE_URL="http://$emulator" PROFILES_DATA_DIR="$work/console" \
  RUST_LOG=warn target/release/profiles-admin --listen "$console" &
pids+=($!); console_pid=$!
ANTHROPIC_API_KEY=bench-placeholder ANTHROPIC_BASE_URL="http://$emulator" PROFILES_DATA_DIR="$work/proxied" \
  PROFILES_AUTH=proxy PROFILES_TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn target/release/profiles-admin --listen "$proxied" &
pids+=($!)
as_proxy=(-H "x-forwarded-user: bench" -H "x-forwarded-groups: profiles-viewer")

ready() {
  for _ in $(seq 1 200); do curl -sf -o /dev/null "$@" && return 0; sleep 0.05; done
  echo "not ready: $*" >&2; exit 1
}
ready -H "$beta" "http://$emulator/v1/user_profiles?limit=1"
ready "http://$console/healthz"
ready "http://$proxied/healthz"

sign_in=$(curl -s -o /dev/null -D "$work/headers" -w '%{time_total}' --data-urlencode name=bench \
  --data-urlencode "password=$password" "http://$console/sign-in")
cookie=$(awk 'tolower($1) == "set-cookie:" {sub(/;.*/, "", $2); print $2}' "$work/headers")
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
sign_in_ms=$(awk -v s="$sign_in" 'BEGIN {printf "%.0f ms", s * 1000}')

rows=$(curl -s -H 'accept: text/html' -H "cookie: $cookie" "http://$console/profiles?limit=100" | grep -o '<tr>' | wc -l)
[ "$rows" -eq 101 ] || { echo "expected 100 rows and a header, got $rows" >&2; exit 1; }

measure() {
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@")
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "errors during the run" >&2; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%s | %s | %s' "$rps" "$p50" "$p99"
}
body_size() { curl -s "$@" | wc -c; }

emulator_row=$(measure -H "$beta" "http://$emulator/v1/user_profiles?limit=100")
emulator_body=$(body_size -H "$beta" "http://$emulator/v1/user_profiles?limit=100")
console_row=$(measure -H "accept: text/html" -H "cookie: $cookie" "http://$console/profiles?limit=100")
console_body=$(body_size -H "accept: text/html" -H "cookie: $cookie" "http://$console/profiles?limit=100")
proxied_row=$(measure -H "accept: text/html" "${as_proxy[@]}" "http://$proxied/profiles?limit=100")
proxied_body=$(body_size -H "accept: text/html" "${as_proxy[@]}" "http://$proxied/profiles?limit=100")

# Saves one after another (fewer than the per-user burst of 40 calls, so none is held back).
profile=$(curl -s -H "$beta" "http://$emulator/v1/user_profiles?limit=1" | sed -n 's/.*"id":"\(uprof_[A-Za-z0-9]*\)".*/\1/p' | head -n 1)
for n in $(seq 1 30); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "cookie: $cookie" -H 'content-type: application/json' \
    --data "{\"id\":\"$profile\",\"update\":{\"metadata\":{\"bench\":\"$n\"}}}" "http://$console/api/profiles/update"
done >"$work/saves"
grep -qv '^200 ' "$work/saves" && { cat "$work/saves" >&2; echo "a save failed" >&2; exit 1; }
save_ms=$(awk '{print $2 * 1000}' "$work/saves" | sort -n | awk '{v[NR] = $1} END {printf "p50 %.1f ms, max %.1f ms", v[int(NR / 2) + 1], v[NR]}')
audit_row=$(measure -H "accept: text/html" -H "cookie: $cookie" "http://$console/audit")
rare_row=$(measure -H "accept: text/html" -H "cookie: $cookie" "http://$console/audit?actor=rare")
csv=$(curl -s -o "$work/audit.csv" -w '%{time_total}' -H "cookie: $cookie" "http://$console/audit.csv")
csv_rows=$(($(grep -c $'\r$' "$work/audit.csv") - 1))
csv_line="$csv_rows rows, $(stat -c %s "$work/audit.csv") bytes in $(awk -v s="$csv" 'BEGIN {printf "%.2f s", s}')"

peak() { awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$1/status"; }
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
pkg=target/site/pkg
# Bytes on the wire for one asset and encoding, or "identity" if the server did not compress.
served() {
  curl -s -o /dev/null -D - -H "accept-encoding: $2" "http://$console/pkg/$1" |
    awk -v enc="$2" 'tolower($1) == "content-length:" {len = $2 + 0}
      tolower($1) == "content-encoding:" {got = $2}
      END {gsub(/\r/, "", got); print (got ~ enc ? len : "identity")}'
}
# What each page loads: the main module, plus a lazy route's chunks (split manifest).
per_page() {
  node -e '
    const fs = require("fs"), pkg = process.argv[1];
    // The .gz files scripts/release.sh wrote with gzip -9: what non-brotli clients get.
    const gz = (f) => fs.statSync(`${pkg}/${f}.wasm.gz`).size;
    const main = gz("profiles-admin");
    console.log(`| list (main module only) | ${main} |`);
    const manifest = JSON.parse(fs.readFileSync(`${pkg}/__wasm_split_manifest.json`, "utf8"));
    for (const [route, chunks] of Object.entries(manifest)) {
      const name = route.replace(/^__(\w+?)_route_view_\d+$/, "$1");
      console.log(`| ${name} (main + ${chunks.length} chunks) | ${main + chunks.reduce((n, c) => n + gz(c), 0)} |`);
    }' "$pkg"
}

cat <<REPORT

## Benchmark — $(date -u +%Y-%m-%d) — wrk -t2 -c$connections -d$duration, $(nproc) cores

| target (limit=100, same upstream) | requests/s | p50 | p99 | body bytes |
|---|---|---|---|---|
| emulator \`GET /v1/user_profiles\` | $emulator_row | $emulator_body |
| console SSR \`GET /profiles\`, signed in | $console_row | $console_body |
| console SSR \`GET /profiles\`, behind an SSO proxy (no session) | $proxied_row | $proxied_body |

One sign-in (argon2id, m = 19 MiB, t = 2): $sign_in_ms.

Saves (\`profiles/update\`, audit entry written first and completed after; 30 in a row): $save_ms.

| Audit log over 100,000 entries (SQLite) | requests/s | p50 | p99 |
|---|---|---|---|
| \`GET /audit\` (newest 25) | $audit_row |
| \`GET /audit?actor=rare\` (100 matching) | $rare_row |

CSV download of every entry: $csv_line.

| process after load | peak RSS |
|---|---|
| emulator | $(peak "$emulator_pid") |
| console | $(peak "$console_pid") |

| release asset | raw bytes | gzip -9 bytes | served as br | served as gzip |
|---|---|---|---|---|
$(for a in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  f=$(basename "$a")
  echo "| $f | $(size "$a") | $(gz "$a") | $(served "$f" br) | $(served "$f" gzip) |"
done)

| page | WASM it loads, gzip -9 bytes |
|---|---|
$(per_page)
REPORT
