#!/usr/bin/env bash
# A private, throwaway PostgreSQL for the tests (Debian's packages; setup.sh installs them):
# its own cluster in a temporary directory, listening on 127.0.0.1 only, trusting local
# connections, owned by an unprivileged user (PostgreSQL refuses to run as root).
#   start:  starts it unless it runs; prints the URL to export as PROFILES_TEST_DATABASE_URL
#   status: succeeds if it runs
#   stop:   stops it and deletes its files
set -euo pipefail
PORT=${PROFILES_TEST_PG_PORT:-55432}
DIR=${TMPDIR:-/tmp}/profiles-admin-postgres-$PORT
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$BIN/pg_ctl" ] || { echo "postgres.sh: PostgreSQL is not installed (scripts/setup.sh test installs it)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  OWNER=postgres
  as_owner() { runuser -u "$OWNER" -- "$@"; }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

case "${1:-}" in
  status)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
    ;;
  start)
    if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      rm -rf "$DIR"
      mkdir -p "$DIR"
      chown "$OWNER" "$DIR"
      as_owner "$BIN/initdb" -D "$DIR/data" -U profiles --auth=trust --no-sync -E UTF8 >/dev/null
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    fi
    echo "postgres://profiles@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
