#!/usr/bin/env bash
# Load test of the app, on this machine, against a ceiling measured in the
# same run: a minimal Go server answering with the bytes of our /lettings/
# page from memory. Prints, each figure beside the ceiling's:
#  - the public pages under wrk: requests/s, p50, p99 and errors per page,
#    the ratio to the ceiling, the time from start to first 200 and
#    /lettings/ with 100,000 lettings; the resident memory of that server
#    (6 lettings) right after the public pages' load;
#  - the public pages with request lines logged, without Sentry and with a
#    DSN set to a local fake Sentry, tracing at 0 and at 0.1;
#  - the admin's lettings changelist signed in, with 6 and 100,000 lettings;
#  - operations no cache answers, at 100,000 lettings and at 6: before each
#    request `tool uncached` commits a change through its own connection
#    (another process, as the app sees it), so each one is rendered afresh;
#    median and p99 of UNCACHED_N requests, the ratio 100k/6, the change
#    form's size;
#  - the peak resident memory (VmHWM) of a fresh server on 100,000 lettings
#    while 256 signed-in connections load the changelist;
#  - a summary table of every target with its verdict. The script exits 0
#    when a target is missed: it is a report. It exits 1 only when it cannot
#    measure (no build, no server).
#
# Usage: bench/load.sh            (DURATION=10s CONNECTIONS=32 THREADS=2 UNCACHED_N=50 by
#                                  default, under 10 minutes; DURATION=3s for a quick look)
#        DATABASE=postgres bench/load.sh   the same on PostgreSQL (127.0.0.1:5432,
#        PGUSER=postgres by default): two databases created for the run, vacuumed
#        once filled (as autovacuum would have them), and dropped
# Needs wrk (apt-get install wrk); installs it when missing and run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SYNTHETIC=${SYNTHETIC:-100000}
UNCACHED_N=${UNCACHED_N:-50}
APP_PORT=${APP_PORT:-18080}
BIG_PORT=${BIG_PORT:-18081}
CEILING_PORT=${CEILING_PORT:-18082}
OBS_PORT=${OBS_PORT:-18083}
SENTRY_PORT=${SENTRY_PORT:-18084}
MEM_PORT=${MEM_PORT:-18085}

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
if [ "${DATABASE:-sqlite}" = postgres ]; then
  # What autovacuum does on a server in use after a bulk insert, now rather
  # than at some moment of the run: the statistics the planner chooses
  # indexes by, and the visibility map that lets a count or a deep page be
  # read from an index alone. SQLite plans without either, as the site runs it.
  for url in "$REF_URL" "$BIG_URL"; do psql -X -q "$url" -c "VACUUM ANALYZE"; done
fi
admin_password=Load-Test-Password-42
DATABASE_URL="$REF_URL" SUPERUSER_PASSWORD=$admin_password "$work/app" createsuperuser --noinput --username loadtest >/dev/null
DATABASE_URL="$BIG_URL" SUPERUSER_PASSWORD=$admin_password "$work/app" createsuperuser --noinput --username loadtest >/dev/null
echo "reference: 6 lettings; big: $((SYNTHETIC + 6)) lettings and $((SYNTHETIC + 4)) profiles"

wait_up() { for _ in $(seq 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# at_least FIGURE FLOOR (and at_most) succeed when the figure is a number on the right side.
at_least() { awk -v f="$1" -v t="$2" 'BEGIN { exit !(f ~ /^[0-9.]+$/ && f + 0 >= t + 0) }'; }
at_most() { awk -v f="$1" -v t="$2" 'BEGIN { exit !(f ~ /^[0-9.]+$/ && f + 0 <= t + 0) }'; }
below() { awk -v f="$1" -v t="$2" 'BEGIN { exit !(f ~ /^[0-9.]+$/ && f + 0 < t + 0) }'; }

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

# load URL [COOKIE [CONNECTIONS]] → "requests/s p50_ms p99_ms errors"
load() {
  local out rps p50 p99 errors
  local args=(-t"$THREADS" -c"${3:-$CONNECTIONS}" -d"$DURATION" --latency)
  if [ -n "${2:-}" ]; then args+=(-H "Cookie: $2"); fi
  out=$(wrk "${args[@]}" "$1")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $errors"
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

public_pages=(/ /lettings/ /lettings/1/ /profiles/ /profiles/AirWow/)
echo "== load: $THREADS threads, $CONNECTIONS connections, $DURATION per page"
read -r c_rps c_p50 c_p99 c_err <<<"$(load "http://127.0.0.1:$CEILING_PORT/")"
printf '%-28s %12s %9s %9s %7s %10s %10s\n' page "requests/s" "p50 ms" "p99 ms" errors "rps/ceil" "p99/ceil"
printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "ceiling (/lettings/ bytes)" "$c_rps" "$c_p50" "$c_p99" "$c_err" "1.00" "1.00"
# The worst page of each configuration, for the summary: the lowest share
# of the ceiling, the highest p99 against the ceiling's, the errors.
declare -A worst_ratio worst_ratio_page worst_p99 worst_p99_page errors_of
worst() { # configuration page ratio p99ratio errors
  if [ -z "${worst_ratio[$1]:-}" ] || awk -v a="$3" -v b="${worst_ratio[$1]}" 'BEGIN { exit !(a < b) }'; then
    worst_ratio[$1]=$3; worst_ratio_page[$1]=$2
  fi
  if [ -z "${worst_p99[$1]:-}" ] || awk -v a="$4" -v b="${worst_p99[$1]}" 'BEGIN { exit !(a > b) }'; then
    worst_p99[$1]=$4; worst_p99_page[$1]=$2
  fi
  errors_of[$1]=$((${errors_of[$1]:-0} + $5))
}
for page in "${public_pages[@]}"; do
  read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$APP_PORT$page")"
  ratio=$(ratio "$rps" "$c_rps") p99ratio=$(ratio "$p99" "$c_p99")
  printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "$page" "$rps" "$p50" "$p99" "$err" "$ratio" "$p99ratio"
  worst plain "$page" "$ratio" "$p99ratio" "$err"
done
# Read now, before this server answers anything but public pages.
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$app_pid/status")
echo "resident memory of this server (6 lettings) after the public pages' load: $((rss_kb / 1024)) MB ($rss_kb kB)"
read -r b_rps b_p50 b_p99 b_err <<<"$(load "http://127.0.0.1:$BIG_PORT/lettings/")"
printf '%-28s %12.0f %9s %9s %7s %10s %10s\n' "/lettings/ (100k lettings)" "$b_rps" "$b_p50" "$b_p99" "$b_err" \
  "$(ratio "$b_rps" "$c_rps")" "$(ratio "$b_p99" "$c_p99")"

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
for setup in "logs, no Sentry||0" "logs, Sentry traces 0|$dsn|0" "logs, Sentry traces 0.1|$dsn|0.1"; do
  IFS='|' read -r label setup_dsn rate <<<"$setup"
  LOG_LEVEL=info SENTRY_DSN="$setup_dsn" SENTRY_TRACES_SAMPLE_RATE="$rate" DATABASE_URL="$REF_URL" PORT=$OBS_PORT \
    "$work/app" serve >"$work/obs.log" 2>&1 &
  obs_pid=$!
  wait_up "http://127.0.0.1:$OBS_PORT/healthz"
  wait_up "http://127.0.0.1:$SENTRY_PORT/count"
  envelopes_before=$(curl -fs "http://127.0.0.1:$SENTRY_PORT/count")
  for page in "${public_pages[@]}"; do
    read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$OBS_PORT$page")"
    ratio=$(ratio "$rps" "$c_rps") p99ratio=$(ratio "$p99" "$c_p99")
    printf '%-44s %12.0f %9s %9s %7s %10s %10s\n' "$page ($label)" "$rps" "$p50" "$p99" "$err" "$ratio" "$p99ratio"
    worst "$label" "$page" "$ratio" "$p99ratio" "$err"
  done
  kill "$obs_pid"; wait "$obs_pid" 2>/dev/null || true # the app flushes what Sentry has queued
  echo "  request lines logged: $(grep -c '"msg":"request"' "$work/obs.log");" \
    "envelopes received by the fake Sentry: $(($(curl -fs "http://127.0.0.1:$SENTRY_PORT/count") - envelopes_before))"
done
kill "$sentry_pid"; wait "$sentry_pid" 2>/dev/null || true

# The admin's lettings changelist, signed in as a superuser.
admin_cookie() { # base URL → "sessionid=…" of a signed-in session
  local jar token
  jar=$(mktemp -p "$work")
  token=$(curl -fs -c "$jar" "$1/admin/login/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "username=loadtest" --data-urlencode "password=$admin_password" "$1/admin/login/"
  awk '$6 == "sessionid" { print "sessionid=" $7 }' "$jar"
}
small_cookie=$(admin_cookie "http://127.0.0.1:$APP_PORT")
big_cookie=$(admin_cookie "http://127.0.0.1:$BIG_PORT")
echo "== admin, signed in: $THREADS threads, $CONNECTIONS connections, $DURATION per page"
printf '%-48s %12s %9s %9s %7s %10s\n' page "requests/s" "p50 ms" "p99 ms" errors "rps/ceil"
printf '%-48s %12.0f %9s %9s %7s %10s\n' "ceiling (/lettings/ bytes)" "$c_rps" "$c_p50" "$c_p99" "$c_err" "1.00"
for page in /admin/lettings/letting/ "/admin/lettings/letting/?q=retreat"; do
  read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$APP_PORT$page" "$small_cookie")"
  printf '%-48s %12.0f %9s %9s %7s %10s\n' "$page (6)" "$rps" "$p50" "$p99" "$err" "$(ratio "$rps" "$c_rps")"
  if [ "$page" = /admin/lettings/letting/ ]; then changelist_ratio=$(ratio "$rps" "$c_rps") changelist_err=$err; fi
done
for page in /admin/lettings/letting/ "/admin/lettings/letting/?q=retreat" "/admin/lettings/letting/?o=3" "/admin/lettings/letting/?address__state__exact=CA"; do
  read -r rps p50 p99 err <<<"$(load "http://127.0.0.1:$BIG_PORT$page" "$big_cookie")"
  printf '%-48s %12.0f %9s %9s %7s %10s\n' "$page (100k)" "$rps" "$p50" "$p99" "$err" "$(ratio "$rps" "$c_rps")"
done

# Operations no cache answers. Page 500 does not exist with 6 lettings (the
# admin redirects to ?e=1), so there its figure is the last page's, ?p=1.
ops_keys=(search broad sort filter page500 last public form save)
declare -A ops_label=(
  [search]="admin search, selective (?q=4242)"
  [broad]="admin search, broad: 1/8 of rows (?q=retreat)"
  [sort]="admin sort by city (?o=3)"
  [filter]="admin filter (?address__state__exact=CA)"
  [page500]="admin page 500 (?p=500; 6 rows: ?p=1, the last)"
  [last]="admin last page (?p=last)"
  [public]="public search (/lettings/?q=4242)"
  [form]="letting change form (GET)"
  [save]="letting save (POST of the form, 302)"
)
changelist=/admin/lettings/letting
ops_common=("search:GET:$changelist/?q=4242" "broad:GET:$changelist/?q=retreat" "sort:GET:$changelist/?o=3"
  "filter:GET:$changelist/?address__state__exact=CA" "last:GET:$changelist/?p={last}" "public:GET:/lettings/?q=4242"
  "form:GET:$changelist/{letting}/change/" "save:SAVE:$changelist/{letting}/change/")
echo "== uncached: $UNCACHED_N requests per operation, each after a commit by another process"
uncached_ok=yes
"$work/tool" uncached -n "$UNCACHED_N" "$BIG_URL" "http://127.0.0.1:$BIG_PORT" "$big_cookie" \
  "page500:GET:$changelist/?p=500" "${ops_common[@]}" >"$work/uncached-big.tsv" || uncached_ok=no
"$work/tool" uncached -n "$UNCACHED_N" "$REF_URL" "http://127.0.0.1:$APP_PORT" "$small_cookie" \
  "page500:GET:$changelist/?p={last}" "${ops_common[@]}" >"$work/uncached-small.tsv" || uncached_ok=no
declare -A big_med big_p99 big_cached big_bytes big_path small_med small_bytes small_path
while IFS=$'\t' read -r key med p99 cached bytes path; do
  big_med[$key]=$med big_p99[$key]=$p99 big_cached[$key]=$cached big_bytes[$key]=$bytes big_path[$key]=$path
done <"$work/uncached-big.tsv"
while IFS=$'\t' read -r key med _ _ bytes path; do
  small_med[$key]=$med small_bytes[$key]=$bytes small_path[$key]=$path
done <"$work/uncached-small.tsv"
printf '%-50s %11s %11s %11s %7s %11s %8s\n' operation "median 100k" "p99 100k" "median 6" "100k/6" "cached 100k" verdict
declare -A ops_verdict
for key in "${ops_keys[@]}"; do
  med=${big_med[$key]:-error} small=${small_med[$key]:-error}
  if below "$med" 20 && at_most "$med" "$(awk -v s="$small" 'BEGIN { print 2 * s }')" && below "$small" 1e9; then
    ops_verdict[$key]=pass
  else
    ops_verdict[$key]=fail
  fi
  printf '%-50s %11s %11s %11s %7s %11s %8s\n' "${ops_label[$key]}" "$med" "${big_p99[$key]:-error}" "$small" \
    "$(ratio "$med" "$small")" "${big_cached[$key]:--}" "${ops_verdict[$key]}"
done
echo "(ms, from sending to the last byte; p99 is the slowest of fewer than 100; cached: the same request again without a commit)"
echo "last page: ${big_path[last]:-?} with 100k, ${small_path[last]:-?} with 6"
form_bytes=${big_bytes[form]:-error}
echo "letting change form: $form_bytes bytes with 100k (${big_path[form]:-?}), ${small_bytes[form]:-error} bytes with 6"
[ "$uncached_ok" = yes ] || echo "uncached: some operations failed, see the errors above" >&2

# Memory at its peak: a fresh server on 100,000 lettings, 256 signed-in
# connections on the changelist; nothing else has run in this process.
DATABASE_URL="$BIG_URL" PORT=$MEM_PORT "$work/app" serve >"$work/mem.log" 2>&1 &
mem_pid=$!; pids+=("$mem_pid")
wait_up "http://127.0.0.1:$MEM_PORT/healthz"
mem_cookie=$(admin_cookie "http://127.0.0.1:$MEM_PORT")
echo "== peak memory: fresh server on 100k lettings, $THREADS threads, 256 signed-in connections, $DURATION on the changelist"
read -r m_rps m_p50 m_p99 m_err <<<"$(load "http://127.0.0.1:$MEM_PORT/admin/lettings/letting/" "$mem_cookie" 256)"
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$mem_pid/status")
kill "$mem_pid"; wait "$mem_pid" 2>/dev/null || true
printf '%-48s %12s %9s %9s %7s %16s\n' page "requests/s" "p50 ms" "p99 ms" errors "peak RSS (VmHWM)"
printf '%-48s %12.0f %9s %9s %7s %13s MB\n' "/admin/lettings/letting/ (100k, 256 conns)" "$m_rps" "$m_p50" "$m_p99" "$m_err" "$((hwm_kb / 1024))"

read -r _ s_p50 _ _ <<<"$(load "http://127.0.0.1:$APP_PORT/lettings/")"

echo "== summary"
echo "start to first 200: ${startup_ms} ms"
echo "/lettings/ under load, p50: ${s_p50} ms with 6 lettings, ${b_p50} ms with 100,000 ($(ratio "$b_p50" "$s_p50")x)"
echo "/lettings/ first request, rendered from the database: $(awk -v v="$first_small" 'BEGIN { printf "%.2f", v * 1000 }') ms with 6 lettings, $(awk -v v="$first_big" 'BEGIN { printf "%.2f", v * 1000 }') ms with 100,000"
echo "ceiling: $(printf '%.0f' "$c_rps") requests/s, p99 $c_p99 ms ($THREADS threads, $CONNECTIONS connections, $DURATION)"
echo
passed=0 failed=0
row() { # what figure target verdict
  printf '| %-72s | %-40s | %-24s | %-7s |\n' "$1" "$2" "$3" "$4"
  if [ "$4" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
verdict() { if "$@"; then echo pass; else echo fail; fi; }
peak_ok() { [ "$hwm_kb" -lt $((100 * 1024)) ] && [ "$m_err" = 0 ]; }
printf '| %-72s | %-40s | %-24s | %-7s |\n' what figure target verdict
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 74))" "$(printf -- '-%.0s' $(seq 42))" "$(printf -- '-%.0s' $(seq 26))" "$(printf -- '-%.0s' $(seq 9))"
public_row() { # configuration what floor [p99 bound]
  local c=$1
  row "$2: requests/s (worst page)" "${worst_ratio[$c]} of ceiling (${worst_ratio_page[$c]})" ">= $3 of ceiling" \
    "$(verdict at_least "${worst_ratio[$c]}" "$3")"
  if [ -n "${4:-}" ]; then
    row "$2: p99 (worst page)" "${worst_p99[$c]}x ceiling's (${worst_p99_page[$c]})" "<= ${4}x ceiling's" \
      "$(verdict at_most "${worst_p99[$c]}" "$4")"
  fi
  row "$2: errors" "${errors_of[$c]}" "0" "$(verdict [ "${errors_of[$c]}" = 0 ])"
}
public_row "logs, no Sentry" "public cached pages, logs on, no DSN" 0.70 1.5
public_row "logs, Sentry traces 0" "public cached pages, logs on, DSN, traces 0" 0.60
public_row plain "public cached pages, logs at warn (earlier target)" 0.50 2
row "signed-in changelist, 6 rows: requests/s" "$changelist_ratio of ceiling" ">= 0.30 of ceiling" \
  "$(verdict at_least "$changelist_ratio" 0.30)"
row "signed-in changelist, 6 rows: errors" "$changelist_err" "0" "$(verdict [ "$changelist_err" = 0 ])"
for key in "${ops_keys[@]}"; do
  row "uncached: ${ops_label[$key]}" "${big_med[$key]:-error} ms (6 rows: ${small_med[$key]:-error} ms)" "< 20 ms, <= 2x 6 rows" "${ops_verdict[$key]}"
done
row "letting change form size, 100k" "$form_bytes bytes" "< 40 KB (40960 bytes)" "$(verdict below "$form_bytes" 40960)"
row "peak RSS (VmHWM), 256 signed-in connections, 100k" "$((hwm_kb / 1024)) MB ($hwm_kb kB; $m_err errors)" "< 100 MB, no errors" \
  "$(verdict peak_ok)"
row "RSS (VmRSS) after the public pages' load, 6 rows" "$((rss_kb / 1024)) MB ($rss_kb kB)" "< 40 MB" "$(verdict [ "$rss_kb" -lt $((40 * 1024)) ])"
row "start to first 200 (earlier target)" "$startup_ms ms" "< 50 ms" "$(verdict below "$startup_ms" 50)"
echo
echo "targets: $passed passed, $failed failed (${DATABASE:-sqlite}, DURATION=$DURATION, UNCACHED_N=$UNCACHED_N)"
