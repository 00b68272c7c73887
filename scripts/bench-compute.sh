#!/usr/bin/env bash
# Benchmark: `equalis compute` on the synthetic ICS, side by side with DuckDB computing the
# same catalogue counts and the same waiting-list aggregation on the same Parquet files, and a
# parity check of DuckDB's counts against equalis's results (exit 1 on any difference).
#
#   scripts/bench-compute.sh [SCALE] [WORKDIR]      (defaults: 10, /tmp/equalis-bench-compute)
#   EQUALIS_BIN=path/to/equalis scripts/bench-compute.sh 0.1   (that binary, no release build)
#
# Steps: synthesise at SCALE, ingest population, events, admissions and waiting_list with the
# release binary, run `equalis compute` (wall time and peak RSS), then DuckDB (installed from
# PyPI into WORKDIR/venv, not a dependency of equalis) runs scripts/bench_duckdb.py: (1) the
# catalogue: every shipped indicator's numerator and denominator for every period equalis
# computes (financial years, the SPC trend's months) by every breakdown, pair and (for a DSR)
# ESP age band; (2) what the waiting-list dashboard computes: for every snapshot and every
# single breakdown, and by provider × Core20, IMD quintile and ethnic group, the pathway count,
# the median and 92nd percentile of weeks waited and the counts over 18, 52, 65 and 78 weeks;
# for the latest snapshot, every pair of breakdowns as well; each part timed; (3) the parity
# check. Both join events, admissions and the waiting list to the population as equalis does.
#
# Needs GNU time (/usr/bin/time) and python3-venv; installs them from Debian if missing.
set -euo pipefail
scale=${1:-10}
work=${2:-/tmp/equalis-bench-compute}
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c "import venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
if [ -n "${EQUALIS_BIN:-}" ]; then
  bin=$(realpath "$EQUALIS_BIN")
else
  cargo build --release -q
  bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/equalis
fi
rm -rf "$work/ws" "$work/synthetic" && mkdir -p "$work"

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb < "$work/time"
  echo "$label: ${secs} s wall, peak RSS $((kb / 1024)) MiB"
}

measure "synth --scale $scale" "$bin" synth --ics QK1 --scale "$scale" --seed 42 --out "$work/synthetic" \
  --only population,events,admissions,waiting_list
"$bin" init "$work/ws" 2>/dev/null
for d in population events admissions waiting_list; do
  measure "ingest $d" "$bin" ingest --workspace "$work/ws" --dataset "$d" "$work/synthetic/$d.csv"
done
rm -rf "$work/synthetic"
measure "equalis compute" "$bin" compute --workspace "$work/ws"
cat "$work/out"

# equalis's own split: the catalogue (loading, the one-pass scans, roll-ups and statistics of
# every indicator) runs until the waiting-list dashboard starts; the dashboard's seconds are in
# the summary.
catalogue=$(sed -n 's/^\[ *\([0-9.]*\) s\] waiting list dashboard .*/\1/p' "$work/err")
dashboard=$(awk '$1 == "waiting" && $2 == "list" && $3 == "dashboard" {print $(NF-1)}' "$work/out")
echo "equalis: catalogue ${catalogue:-?} s (from the start of compute), waiting-list dashboard ${dashboard:-?} s"

[ -x "$work/venv/bin/python" ] || { python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q "duckdb==2.0.1"; }
# DuckDB computes the catalogue's counts and the dashboard's aggregation on the same Parquet
# files, timed apart, then checks its counts against equalis's results: exits non-zero on any
# difference (scripts/bench_duckdb.py says how).
"$work/venv/bin/python" scripts/bench_duckdb.py "$work/ws" crates/equalis-engine/indicators "$bin"
