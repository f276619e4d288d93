#!/usr/bin/env bash
# Lighthouse (mobile) on the pages issue 16 names: login, open tasks, 我的任务, 工作台, 月报.
#
# Serves the demo world (seed-demo) from a throw-away SQLite database on a free port,
# signs in through the real login form (curl, CSRF token and all) and hands Lighthouse
# the session cookie as an extra header. Node is needed for this script only — never by
# the app or by `make test`.
#
#   bench/lighthouse.sh                  # scores to stdout, reports in test-artifacts/lighthouse/
#   LIGHTHOUSE=/path/to/lighthouse bench/lighthouse.sh
#
# LIGHTHOUSE defaults to `npx --yes lighthouse@12`; CHROME_PATH to Debian's Chromium.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# A free port unless LH_PORT names one: a server someone else left on a fixed port would
# answer in place of this checkout's.
PORT=${LH_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
OUT=${LH_OUT:-$ROOT/test-artifacts/lighthouse}
read -r -a LIGHTHOUSE <<<"${LIGHTHOUSE:-npx --yes lighthouse@12}"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
FLASK="$ROOT/.venv/bin/flask --app $ROOT/wsgi.py"

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export TRACKER_ENV=development DATABASE_URL="sqlite:///$WORK/demo.sqlite3"
$FLASK db upgrade >/dev/null
$FLASK seed-demo >/dev/null
$FLASK run --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/healthz" >/dev/null || { cat "$WORK/server.log"; exit 1; }
kill -0 "$SERVER" 2>/dev/null || { echo "the server did not start (port $PORT taken?)"; cat "$WORK/server.log"; exit 1; }

# A Cookie header for one demo account, signed in through the login form.
cookie_for() {
  local jar="$WORK/jar-$1" token
  token=$(curl -fs -c "$jar" "$BASE/auth/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null \
    --data-urlencode "phone=$1" --data-urlencode "password=demo1234" \
    --data-urlencode "csrf_token=$token" "$BASE/auth/login"
  awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "} /^#HttpOnly_/ {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar"
}

mkdir -p "$OUT"
MEMBER=$(cookie_for 13800000002)
LIAISON=$(cookie_for 13800000001)

run() {  # name path cookie
  local headers="$WORK/headers-$1.json"
  if [ -n "$3" ]; then printf '{"Cookie": "%s"}' "$3" >"$headers"; else echo '{}' >"$headers"; fi
  "${LIGHTHOUSE[@]}" "$BASE$2" --quiet --output=json --output-path="$OUT/$1.json" \
    --only-categories=performance,accessibility,best-practices \
    --extra-headers="$headers" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null
  python3 - "$1" "$2" "$OUT/$1.json" <<'PY'
import json, sys
name, path, report = sys.argv[1:]
data = json.load(open(report))
scores = {k: data["categories"][k]["score"] for k in ("performance", "accessibility", "best-practices")}
final = data.get("finalDisplayedUrl") or data.get("finalUrl")
print(f"| {name} | {path} | {scores['performance']:.2f} | {scores['accessibility']:.2f} "
      f"| {scores['best-practices']:.2f} | {final} |", flush=True)
for audit in data["audits"].values():
    if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
        print(f"    flagged: {audit['id']} ({audit['score']}) {audit['title']}", file=sys.stderr)
PY
}

echo "Lighthouse $("${LIGHTHOUSE[@]}" --version), Chromium $($CHROME_PATH --version 2>/dev/null | awk '{print $2}')"
echo "| page | path | performance | accessibility | best practices | final URL |"
echo "|---|---|---|---|---|---|"
run login /auth/login ""
run open-tasks /tasks/ "$MEMBER"
run my-tasks /tasks/mine "$MEMBER"
run workbench /manage/ "$LIAISON"
run monthly /reports/ "$LIAISON"
