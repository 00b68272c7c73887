#!/usr/bin/env bash
# Benchmark: synthesise the ICS at a scale, then ingest its waiting list from CSV with the
# release binary, reporting wall time, rows per second and peak memory (RSS).
#
#   scripts/bench-ingest.sh [SCALE] [WORKDIR]      (defaults: 10, /tmp/equalis-bench)
#
# Exits non-zero when the rate is below GOAL million rows/s (default 1.0, issue 2's goal).
#
# Needs GNU time (/usr/bin/time); installs it from Debian if missing.
set -euo pipefail
scale=${1:-10}
work=${2:-/tmp/equalis-bench}
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release -q
bin=${CARGO_TARGET_DIR:-target}/release/equalis
rm -rf "$work" && mkdir -p "$work"

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb user sys < "$work/time"
  echo "$label: ${secs} s wall, ${user} s user + ${sys} s system CPU, peak RSS $((kb / 1024)) MiB"
}

measure "synth --scale $scale" $bin synth --ics QK1 --scale "$scale" --seed 42 --out "$work/synthetic"
rows=$(( $(wc -l < "$work/synthetic/waiting_list.csv") - 1 ))
size=$(du -m "$work/synthetic/waiting_list.csv" | cut -f1)
echo "waiting_list.csv: $rows rows, $size MiB"
$bin init "$work/ws" 2>/dev/null
measure "ingest waiting_list" $bin ingest --workspace "$work/ws" --dataset waiting_list "$work/synthetic/waiting_list.csv" --format json
read -r secs _ < "$work/time"
cat "$work/out"
# Issue 2's goal: at least 1 million rows per second (GOAL overrides it); the script fails
# when the rate falls short, so a regression shows as an error, not just a smaller number.
python3 -c "
r, s, goal = $rows, $secs, float('${GOAL:-1.0}')
rate = r / s / 1e6
print(f'ingest rate: {rate:.2f} million rows/s (goal: at least {goal:.2f})')
raise SystemExit(0 if rate >= goal else 'ingest rate below the goal')
"
