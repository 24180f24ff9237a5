#!/usr/bin/env bash
# The reliability harness (docs/reliability.md): builds the binary as the
# release does, then runs it under 32 editors, kill -9 mid-write, a login
# storm and 256 connections, on SQLite and, when a server is given, on
# PostgreSQL. Prints a table of figures; exits 1 when one breaks its bound.
#
# Usage: bench/reliability.sh [--short] [--postgres URL] [--only editors,crash,storm,load] [--memory-bound MB]
#        POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bench/reliability.sh
# --short is the CI run (about a minute and a half): shorter runs, fewer
# rounds, the same bounds. Needs Linux (/proc) and Go; nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
postgres=${POSTGRES_URL:-}
while [ $# -gt 0 ]; do
  case $1 in
    --short) args+=(-short) ;;
    --postgres) postgres=$2; shift ;;
    --postgres=*) postgres=${1#*=} ;;
    --only) args+=(-only "$2"); shift ;;
    --only=*) args+=(-only "${1#*=}") ;;
    --memory-bound) args+=(-memory-bound "$2"); shift ;;
    --memory-bound=*) args+=(-memory-bound "${1#*=}") ;;
    *) echo "unknown option $1 (--short, --postgres URL, --only LIST, --memory-bound MB)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$postgres" ]; then args+=(-postgres "$postgres"); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== building (CGO_ENABLED=0) at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
CGO_ENABLED=0 go build -trimpath -o "$work/app" ./cmd/app
go build -o "$work/harness" ./bench/reliability/harness
"$work/harness" -bin "$work/app" "${args[@]}"
