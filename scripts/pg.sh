#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the test suite.
#
#   scripts/pg.sh start          initdb + start on 127.0.0.1:<free port>, create the
#                                database, print its URL
#   scripts/pg.sh url [DB]       print the URL of the running cluster (default DB: tracker_test)
#   scripts/pg.sh stop           stop the cluster (pg_ctl -m fast) and delete it
#   scripts/pg.sh run CMD ARGS…  start a private cluster, run CMD with TEST_DATABASE_URL set,
#                                stop it afterwards whatever CMD did; exit with CMD's status
#
# initdb and postgres refuse to run as root, so as root the cluster belongs to the
# `postgres` user (runuser) and lives in a temp dir owned by it; otherwise it runs as the
# current user. Trust authentication, TCP on 127.0.0.1 only, plus a socket in the temp
# dir. fsync is off: the data is thrown away anyway.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=${PG_TEST_DB:-tracker_test}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# One cluster per checkout for start/url/stop; `run` makes its own private one.
DEFAULT_DIR="${TMPDIR:-/tmp}/tracker-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
DIR=${PG_TEST_DIR:-$DEFAULT_DIR}

die() { echo "pg.sh: $*" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local py
    py=$(command -v python3 || command -v python3.11 || echo "$ROOT/.venv/bin/python")
    "$py" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

running() {
    [ -f "$DIR/port" ] && [ -f "$DIR/data/postmaster.pid" ] \
        && as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

url() {
    local db=${1:-$DB_NAME}
    [ -f "$DIR/port" ] || die "no cluster in $DIR (run: scripts/pg.sh start)"
    echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$DIR/port")/$db"
}

start() {
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb missing; apt-get install postgresql-15)"
    if running; then
        stop
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user"
        chown postgres: "$DIR"
    fi
    as_owner "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }

    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
            -o "-h 127.0.0.1 -p $port -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            echo "$port" >"$DIR/port"
            break
        fi
        echo "pg.sh: start on port $port failed (attempt $attempt), retrying" >&2
        tail -n 5 "$DIR/log" >&2 || true
    done
    [ -f "$DIR/port" ] || die "could not start PostgreSQL (see $DIR/log)"
    "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE DATABASE $DB_NAME" >/dev/null
    url
}

stop() {
    if [ -d "$DIR/data" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

run() {
    [ $# -gt 0 ] || die "usage: scripts/pg.sh run CMD [ARGS…]"
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/tracker-pg-run.XXXXXX")
    trap stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    TEST_DATABASE_URL=$(start)
    export TEST_DATABASE_URL
    echo "pg.sh: PostgreSQL 15 at $TEST_DATABASE_URL" >&2
    local status=0
    "$@" || status=$?
    return "$status"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) shift; url "$@" ;;
    run) shift; run "$@" ;;
    *) die "usage: scripts/pg.sh start|stop|url [DB]|run CMD [ARGS…]" ;;
esac
