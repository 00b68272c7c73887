#!/usr/bin/env bash
# The directory of services' benchmark (issue 15): requests per second and p50/p99 latency of the
# Open Referral UK API (`/directory/api/`) and the public search page at 100 concurrent
# connections, on loopback, with wrk (Debian's package `wrk`). Not a test: its figures go into
# docs/BENCHMARKS.md.
#
#   scripts/bench-directory.sh WORKSPACE [DIRECTORY.json]
#
# WORKSPACE is a workspace (e.g. equalis-demo/workspace); DIRECTORY.json an ORUK file to serve
# (default: the synthetic directory `equalis demo` wrote beside it, ../synthetic/directory.json).
# The server is the `bench_server` example of equalis-web in a release build (the same
# `equalis_web` code as `equalis serve`). It serves a copy of WORKSPACE's settings and key with a
# new store into which the file is imported by `equalis directory import` ($EQUALIS, default:
# the built binary or `equalis` on the PATH), so the workspace itself is left as it was.
# Requests are anonymous: the directory is public.
# DURATION (default 20s), CONNECTIONS (100), THREADS (2) and PORT (8091) override the load.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=${1:?usage: scripts/bench-directory.sh WORKSPACE [DIRECTORY.json]}
file=${2:-$ws/../synthetic/directory.json}
duration=${DURATION:-20s}
connections=${CONNECTIONS:-100}
threads=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
[ -f "$file" ] || { echo "no directory file $file: run equalis demo, or give one" >&2; exit 2; }
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
cp -a "$ws/equalis.toml" "$ws/key" "$tmp/ws/"
[ -d "$ws/results" ] && cp -a "$ws/results" "$tmp/ws/"
"$equalis" directory import --workspace "$tmp/ws" "$file" | tail -n 2

addr=127.0.0.1:${PORT:-8091}
base="http://$addr"
"$server_bin" "$tmp/ws" "$addr" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null "$base/directory/api/" && break
    sleep 0.1
done

# A service and a term of the file, to ask for by identifier: the first `id` of a page of one
# (the envelope has none, and the keys come in any order).
first_id() { curl -s "$1" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d '"' -f 4; }
service=$(first_id "$base/directory/api/services?per_page=1")
term=$(first_id "$base/directory/api/taxonomy_terms?per_page=1")
[ -n "$service" ] && [ -n "$term" ] || { echo "the directory is empty" >&2; exit 1; }

routes() {
    echo "/directory/api/services?per_page=50"
    echo "/directory/api/services?search=support&per_page=20"
    echo "/directory/api/services?taxonomy_term_id=$term&per_page=20"
    # Proximity: 5 miles around Leicester's Clock Tower, nearest first.
    echo "/directory/api/services?lat=52.6365&long=-1.1341&proximity=8047&per_page=20"
    # The same by postcode, as ORUK defines it: within 8,047 m of LE1 1AA's centroid.
    echo "/directory/api/services?postcode=LE1+1AA&proximity=8047&per_page=20"
    echo "/directory/api/services/$service"
    # The public search page by postcode (the ONS lookup, then the same proximity search).
    echo "/directory?postcode=LE1+1AA&miles=5"
}

echo "## anonymous: $connections connections, $threads wrk threads, $duration per route"
printf '%-78s %10s %10s %10s %8s\n' route req/s p50 p99 errors
for r in $(routes); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base$r")
    if [ "$code" != 200 ]; then echo "$r answered $code" >&2; exit 1; fi
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$base$r")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? "0" : e)}' <<<"$out")
    printf '%-78s %10s %10s %10s %8s\n' "$r" "$rps" "$p50" "$p99" "$errors"
done
