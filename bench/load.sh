#!/usr/bin/env bash
# Load test of the public pages, on this machine, against a ceiling measured
# in the same run: a minimal Go server answering with the bytes of our
# /lettings/ page from memory. Prints requests/s, p50, p99 and errors per
# page, the ratio to the ceiling, the app's resident memory after the load,
# the time from start to first 200, and /lettings/ with 100,000 lettings;
# then the public pages with request lines logged, without Sentry and with
# a DSN set to a local fake Sentry, tracing at 0 and at 0.1.
#
# Usage: bench/load.sh            (DURATION=10s CONNECTIONS=32 THREADS=2 by default)
#        DATABASE=postgres bench/load.sh   the same on PostgreSQL (127.0.0.1:5432,
#        PGUSER=postgres by default): two databases created for the run and dropped
# Needs wrk (apt-get install wrk); installs it when missing and run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SYNTHETIC=${SYNTHETIC:-100000}
APP_PORT=${APP_PORT:-18080}
BIG_PORT=${BIG_PORT:-18081}
CEILING_PORT=${CEILING_PORT:-18082}
OBS_PORT=${OBS_PORT:-18083}
SENTRY_PORT=${SENTRY_PORT:-18084}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== building"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/app" ./cmd/app
go build -o "$work/tool" ./bench/tool

echo "== preparing databases (${DATABASE:-sqlite})"
export DEBUG=false SECRET_KEY=load-test-secret-key-0123456789abcdef ALLOWED_HOSTS="127.0.0.1,localhost" LOG_LEVEL=warn
if [ "${DATABASE:-sqlite}" = postgres ]; then
  pg="postgres://${PGUSER:-postgres}@127.0.0.1:5432"
  for db in ref big; do
    psql -X -q "$pg/postgres" -c "CREATE DATABASE oclettings_load_${db}_$$"
  done
  trap 'cleanup; for db in ref big; do psql -X -q "$pg/postgres" -c "DROP DATABASE IF EXISTS oclettings_load_${db}_$$ WITH (FORCE)"; done' EXIT
  REF_URL="$pg/oclettings_load_ref_$$?sslmode=disable" BIG_URL="$pg/oclettings_load_big_$$?sslmode=disable"
else
  REF_URL="sqlite:$work/reference.sqlite3" BIG_URL="sqlite:$work/big.sqlite3"
fi
DATABASE_URL="$REF_URL" "$work/app" migrate >/dev/null
DATABASE_URL="$BIG_URL" "$work/app" migrate >/dev/null
"$work/tool" populate "$BIG_URL" "$SYNTHETIC"
echo "reference: 6 lettings; big: $((SYNTHETIC + 6)) lettings and $((SYNTHETIC + 4)) profiles"

wait_up() { for _ in $(seq 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

echo "== start to first 200 (median of 5)"
startups=()
for _ in 1 2 3 4 5; do
  startups+=("$(DATABASE_URL="$REF_URL" PORT=$APP_PORT "$work/tool" startup "http://127.0.0.1:$APP_PORT/" "$work/app" serve)")
done
startup_ms=$(printf '%s\n' "${startups[@]}" | sort -n | sed -n 3p)
echo "start to first 200 on /: ${startup_ms} ms (runs: ${startups[*]})"

DATABASE_URL="$REF_URL" PORT=$APP_PORT "$work/app" serve >"$work/app.log" 2>&1 &
app_pid=$!; pids+=("$app_pid")
DATABASE_URL="$BIG_URL" PORT=$BIG_PORT "$work/app" serve >"$work/big.log" 2>&1 &
big_pid=$!; pids+=("$big_pid")
wait_up "http://127.0.0.1:$APP_PORT/healthz"
wait_up "http://127.0.0.1:$BIG_PORT/healthz"

# First requests, rendered from the database (nothing cached yet).
first_small=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$APP_PORT/lettings/")
first_big=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$BIG_PORT/lettings/")

curl -fs "http://127.0.0.1:$APP_PORT/lettings/" >"$work/lettings.html"
"$work/tool" ceiling "127.0.0.1:$CEILING_PORT" "$work/lettings.html" &
pids+=("$!")
wait_up "http://127.0.0.1:$CEILING_PORT/"

# load URL → "requests/s p50_ms p99_ms errors"
load() {
  local out rps p50 p99 errors
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $errors"
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

echo "== load: $THREADS threads, $CONNECTIONS connections, $DURATION per page"
read -r c_rps c_p50 c_p99 c_err <<<"$(load "http://127.0.0.1:$CEILING_PORT/")"
printf '%-28s %12s %9s %9s %7s %10s %10s\n' page "requests/s" "p50 ms" "p99 ms" errors "rps/ceil" "p99/ceil"
printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "ceiling (/lettings/ bytes)" "$c_rps" "$c_p50" "$c_p99" "$c_err" "1.00" "1.00"
verdict=pass
for page in / /lettings/ /lettings/1/ /profiles/ /profiles/AirWow/; do
  read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$APP_PORT$page")"
  ratio=$(awk -v a="$rps" -v b="$c_rps" 'BEGIN { printf "%.2f", a / b }')
  p99ratio=$(awk -v a="$p99" -v b="$c_p99" 'BEGIN { printf "%.2f", a / b }')
  printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "$page" "$rps" "$p50" "$p99" "$err" "$ratio" "$p99ratio"
  awk -v r="$ratio" -v p="$p99ratio" -v e="$err" 'BEGIN { exit !(r < 0.5 || p > 2 || e > 0) }' && verdict=fail
done
read -r b_rps b_p50 b_p99 b_err <<<"$(load "http://127.0.0.1:$BIG_PORT/lettings/")"
printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "/lettings/ (100k lettings)" "$b_rps" "$b_p50" "$b_p99" "$b_err" \
  "$(awk -v a="$b_rps" -v b="$c_rps" 'BEGIN { printf "%.2f", a / b }')" "$(awk -v a="$b_p99" -v b="$c_p99" 'BEGIN { printf "%.2f", a / b }')"

# The public pages again, as production runs them: request lines logged (to
# a file), first without Sentry, then with a DSN pointing to a local fake
# Sentry that accepts every envelope, tracing at 0 and at 0.1.
cat >"$work/fakesentry.go" <<'GO'
// Command fakesentry accepts Sentry envelopes on the address given and
// counts them; GET /count answers the count so far.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
)

func main() {
	var n atomic.Int64
	_ = http.ListenAndServe(os.Args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/count" {
			fmt.Fprint(w, n.Load())
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
		_, _ = io.WriteString(w, `{}`)
	}))
}
GO
(cd "$work" && go build -o fakesentry fakesentry.go)
"$work/fakesentry" "127.0.0.1:$SENTRY_PORT" &
sentry_pid=$!; pids+=("$sentry_pid")
dsn="http://publickey@127.0.0.1:$SENTRY_PORT/1"
echo "== public pages, observability on: $THREADS threads, $CONNECTIONS connections, $DURATION per page"
printf '%-44s %12s %9s %9s %7s %10s %10s\n' "page (configuration)" "requests/s" "p50 ms" "p99 ms" errors "rps/ceil" "p99/ceil"
printf '%-44s %12.0f %9s %9s %7s %10s %10s\n' "ceiling (/lettings/ bytes)" "$c_rps" "$c_p50" "$c_p99" "$c_err" "1.00" "1.00"
obs_verdict=pass
for setup in "logs, no Sentry||0" "logs, Sentry traces 0|$dsn|0" "logs, Sentry traces 0.1|$dsn|0.1"; do
  IFS='|' read -r label setup_dsn rate <<<"$setup"
  LOG_LEVEL=info SENTRY_DSN="$setup_dsn" SENTRY_TRACES_SAMPLE_RATE="$rate" DATABASE_URL="$REF_URL" PORT=$OBS_PORT \
    "$work/app" serve >"$work/obs.log" 2>&1 &
  obs_pid=$!
  wait_up "http://127.0.0.1:$OBS_PORT/healthz"
  wait_up "http://127.0.0.1:$SENTRY_PORT/count"
  envelopes_before=$(curl -fs "http://127.0.0.1:$SENTRY_PORT/count")
  for page in / /lettings/ /lettings/1/ /profiles/ /profiles/AirWow/; do
    read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$OBS_PORT$page")"
    ratio=$(awk -v a="$rps" -v b="$c_rps" 'BEGIN { printf "%.2f", a / b }')
    p99ratio=$(awk -v a="$p99" -v b="$c_p99" 'BEGIN { printf "%.2f", a / b }')
    printf '%-44s %12.0f %9s %9s %7s %10s %10s\n' "$page ($label)" "$rps" "$p50" "$p99" "$err" "$ratio" "$p99ratio"
    floor=0 # no target with tracing on
    if [ "$rate" = 0 ]; then if [ -n "$setup_dsn" ]; then floor=0.60; else floor=0.70; fi; fi
    awk -v r="$ratio" -v f="$floor" -v p="$p99ratio" -v d="$setup_dsn" -v e="$err" \
      'BEGIN { exit !(r < f || (d == "" && p > 1.5) || e > 0) }' && obs_verdict=fail
  done
  kill "$obs_pid"; wait "$obs_pid" 2>/dev/null || true # the app flushes what Sentry has queued
  echo "  request lines logged: $(grep -c '"msg":"request"' "$work/obs.log");" \
    "envelopes received by the fake Sentry: $(($(curl -fs "http://127.0.0.1:$SENTRY_PORT/count") - envelopes_before))"
done
kill "$sentry_pid"; wait "$sentry_pid" 2>/dev/null || true
echo "observability targets (logs, no DSN: >= 0.70 of the ceiling and p99 <= 1.5x; DSN, traces 0: >= 0.60; no errors): $obs_verdict"

# The admin's lettings changelist, signed in as a superuser.
admin_password=Load-Test-Password-42
DATABASE_URL="$REF_URL" SUPERUSER_PASSWORD=$admin_password "$work/app" createsuperuser --noinput --username loadtest >/dev/null
DATABASE_URL="$BIG_URL" SUPERUSER_PASSWORD=$admin_password "$work/app" createsuperuser --noinput --username loadtest >/dev/null
admin_cookie() { # base URL → "sessionid=…" of a signed-in session
  local jar token
  jar=$(mktemp -p "$work")
  token=$(curl -fs -c "$jar" "$1/admin/login/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "username=loadtest" --data-urlencode "password=$admin_password" "$1/admin/login/"
  awk '$6 == "sessionid" { print "sessionid=" $7 }' "$jar"
}
load_admin() { # URL cookie → like load
  local out rps p50 p99 errors
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $2" "$1")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $errors"
}
small_cookie=$(admin_cookie "http://127.0.0.1:$APP_PORT")
big_cookie=$(admin_cookie "http://127.0.0.1:$BIG_PORT")
echo "== admin, signed in: $THREADS threads, $CONNECTIONS connections, $DURATION per page"
printf '%-44s %12s %9s %9s %7s\n' page "requests/s" "p50 ms" "p99 ms" errors
admin_verdict=pass
for page in /admin/lettings/letting/ "/admin/lettings/letting/?q=retreat"; do
  read -r rps p50 p99 err <<<"$(load_admin "http://127.0.0.1:$APP_PORT$page" "$small_cookie")"
  printf '%-44s %12.0f %9s %9s %7s\n' "$page (6)" "$rps" "$p50" "$p99" "$err"
  [ "$page" = /admin/lettings/letting/ ] && awk -v r="$rps" -v e="$err" 'BEGIN { exit !(r < 4000 || e > 0) }' && admin_verdict=fail
done
for page in /admin/lettings/letting/ "/admin/lettings/letting/?q=retreat" "/admin/lettings/letting/?o=3" "/admin/lettings/letting/?address__state__exact=CA"; do
  read -r rps p50 p99 err <<<"$(load_admin "http://127.0.0.1:$BIG_PORT$page" "$big_cookie")"
  printf '%-44s %12.0f %9s %9s %7s\n' "$page (100k)" "$rps" "$p50" "$p99" "$err"
done
echo "admin target (6-row changelist >= 4000 requests/s, no errors): $admin_verdict"

rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$app_pid/status")
read -r _ s_p50 _ _ <<<"$(load "http://127.0.0.1:$APP_PORT/lettings/")"

echo "== summary"
echo "resident memory after load: $((rss_kb / 1024)) MB ($rss_kb kB)"
echo "start to first 200: ${startup_ms} ms"
echo "/lettings/ under load, p50: ${s_p50} ms with 6 lettings, ${b_p50} ms with 100,000 ($(awk -v a="$b_p50" -v b="$s_p50" 'BEGIN { printf "%.2f", a / b }')x)"
echo "/lettings/ first request, rendered from the database: $(awk -v v="$first_small" 'BEGIN { printf "%.2f", v * 1000 }') ms with 6 lettings, $(awk -v v="$first_big" 'BEGIN { printf "%.2f", v * 1000 }') ms with 100,000"
[ "$rss_kb" -lt $((40 * 1024)) ] || verdict=fail
awk -v s="$startup_ms" 'BEGIN { exit !(s > 50) }' && verdict=fail
echo "targets (>= 50% of the ceiling, p99 <= 2x, no errors, < 40 MB, first 200 < 50 ms): $verdict"
