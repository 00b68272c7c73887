#!/usr/bin/env bash
# The web application's latency benchmark (issue 12): p50/p99 latency and requests per second of
# the dashboard pages and the API at 100 concurrent connections, on loopback, with wrk (Debian's
# package `wrk`). Not a test: its figures go into docs/BENCHMARKS.md.
#
#   scripts/bench-serve.sh WORKSPACE       # a workspace with results, e.g. equalis-demo/workspace
#
# The server is the `bench_server` example of equalis-web in a release build (the same
# `equalis_web` code as `equalis serve`, without the query engine the binary also links). It
# serves a copy of WORKSPACE's settings, key and results, with one account made for the run by
# `equalis user add` ($EQUALIS, default: the built binary or `equalis` on the PATH), so the
# workspace itself is left as it was. Each route is measured twice: signed in (the session is
# checked in the store on every request) and anonymous with `public_pages = true`.
# DURATION (default 20s), CONNECTIONS (100) and THREADS (2) override the load.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=${1:?usage: scripts/bench-serve.sh WORKSPACE}
duration=${DURATION:-20s}
connections=${CONNECTIONS:-100}
threads=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
target=${CARGO_TARGET_DIR:-target}
equalis=${EQUALIS:-}
if [ -z "$equalis" ]; then
    for b in "$target/release/equalis" "$target/debug/equalis" "$(command -v equalis || true)"; do
        if [ -n "$b" ] && [ -x "$b" ]; then equalis=$b; break; fi
    done
fi
[ -n "$equalis" ] || { echo "no equalis binary: build it or set EQUALIS" >&2; exit 2; }

cargo build --release -q -p equalis-web --example bench_server
server_bin="$target/release/examples/bench_server"

tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/ws"
cp -a "$ws/equalis.toml" "$ws/key" "$ws/results" "$tmp/ws/"
# The datasets' manifests only (the server reads results, and the workspace's dataset list).
if [ -d "$ws/data" ]; then
    (cd "$ws" && find data -name '*.json' -o -name CURRENT) | while read -r f; do
        mkdir -p "$tmp/ws/$(dirname "$f")"
        cp -a "$ws/$f" "$tmp/ws/$f"
    done
fi
password="bench-$(date +%s)-Password-1"
"$equalis" user add --workspace "$tmp/ws" --email bench@example.nhs.uk --name "Benchmark" --role viewer \
    --password-stdin <<<"$password" >/dev/null

addr=127.0.0.1:${PORT:-8090}
base="http://$addr"
start_server() {
    "$server_bin" "$tmp/ws" "$addr" 2>"$tmp/server.log" &
    pid=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$base/login" && return 0
        sleep 0.1
    done
    cat "$tmp/server.log" >&2
    exit 1
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# The routes: the home page, the list of indicators, an indicator by deprivation quintile (a
# table and two charts), its CSV, and the API's list and one indicator.
routes() {
    local indicator=$1
    echo "/"
    echo "/indicators"
    echo "/indicators/$indicator?breakdown=imd_quintile"
    echo "/indicators/$indicator.csv?breakdown=imd_quintile"
    echo "/api/v1/indicators"
    echo "/api/v1/indicators/$indicator?breakdown=imd_quintile"
}
indicator=${INDICATOR:-smi_health_check}

measure() {
    local label=$1 header=$2
    echo "## $label: $connections connections, $threads wrk threads, $duration per route"
    printf '%-58s %10s %10s %10s %8s\n' route req/s p50 p99 errors
    for r in $(routes "$indicator"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$base$r")
        if [ "$code" != 200 ]; then echo "$r answered $code" >&2; exit 1; fi
        out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "$header" "$base$r")
        rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        errors=$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? "0" : e)}' <<<"$out")
        printf '%-58s %10s %10s %10s %8s\n' "$r" "$rps" "$p50" "$p99" "$errors"
    done
}

# Signed in: the session cookie from the sign-in form (its CSRF token is double-submitted).
start_server
jar="$tmp/cookies"
page=$(curl -s -c "$jar" "$base/login")
csrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=bench@example.nhs.uk" \
    --data-urlencode "password=$password" --data-urlencode "csrf_token=$csrf" \
    --data-urlencode "next=/" "$base/login"
session=$(awk '$6 == "equalis-session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
measure "signed in" "Cookie: equalis-session=$session"
stop_server

# Anonymous, with the published pages public.
sed -i '1i public_pages = true' "$tmp/ws/equalis.toml"
start_server
measure "anonymous (public_pages = true)" "Accept: text/html"
stop_server
