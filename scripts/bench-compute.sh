#!/usr/bin/env bash
# Benchmark: `equalis compute` on the synthetic ICS, and the waiting-list part side by side
# with DuckDB running the same aggregation on the same Parquet files.
#
#   scripts/bench-compute.sh [SCALE] [WORKDIR]      (defaults: 10, /tmp/equalis-bench-compute)
#
# Steps: synthesise at SCALE, ingest population, events, admissions and waiting_list with the
# release binary, run `equalis compute` (wall time and peak RSS), then DuckDB (installed from
# PyPI into WORKDIR/venv, not a dependency of equalis) computes, in one run, what the
# dashboard computes: for every snapshot and every single breakdown, and by provider × Core20,
# IMD quintile and ethnic group, the pathway count, the median and 92nd percentile of weeks
# waited and the counts over 18, 52, 65 and 78 weeks; for the latest snapshot, every pair of
# breakdowns as well. Both join the waiting list to the population for the person attributes.
#
# Needs GNU time (/usr/bin/time) and python3-venv; installs them from Debian if missing.
set -euo pipefail
scale=${1:-10}
work=${2:-/tmp/equalis-bench-compute}
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c "import venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
cargo build --release -q
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/equalis
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

[ -x "$work/venv/bin/python" ] || { python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q duckdb; }
"$work/venv/bin/python" - "$work/ws" <<'PY'
import glob, itertools, os, sys, time
import duckdb

ws = sys.argv[1]
def files(ds):
    cur = open(f"{ws}/data/{ds}/CURRENT").read().strip() if os.path.exists(f"{ws}/data/{ds}/CURRENT") else None
    found = sorted(glob.glob(f"{ws}/data/{ds}/{cur}/*.parquet" if cur else f"{ws}/data/{ds}/**/*.parquet", recursive=True))
    return found

flags = ["learning_disability", "autism", "smi", "copd", "hypertension", "diabetes", "homeless",
         "carer", "armed_forces", "refugee_or_asylum_seeker", "gypsy_roma_traveller"]
dims = {
    "ethnic_group": "coalesce(ethnic_group, 'Not known')",
    "ethnic_category": "coalesce(ethnic_category, '99')",
    "sex": "CASE sex WHEN '1' THEN 'Male' WHEN '2' THEN 'Female' WHEN '9' THEN 'Indeterminate' ELSE 'Not known' END",
    "age_band": "coalesce(age_band, 'Not known')",
    **{f: f"CASE WHEN {f} THEN 'Yes' WHEN NOT {f} THEN 'No' ELSE 'Not recorded' END" for f in flags},
    "local_authority": "coalesce(local_authority, 'Not known')",
    "pcn": "coalesce(pcn, 'Not recorded')",
    "provider": "provider_code",
    "treatment_function": "coalesce(treatment_function_code || ' ' || treatment_function, 'Not known')",
    "imd_decile": "coalesce(CAST(imd_decile AS VARCHAR), 'Not known')",
    "imd_quintile": "coalesce(CAST(imd_quintile AS VARCHAR), 'Not known')",
    "core20": "coalesce(core20, 'Not known')",
}
nested = {("ethnic_group", "ethnic_category"), ("imd_decile", "imd_quintile"), ("imd_decile", "core20"), ("imd_quintile", "core20")}
names = list(dims)
pairs = [(a, b) for a, b in itertools.combinations(names, 2) if (a, b) not in nested]

con = duckdb.connect()
con.sql("SET threads = 2")
wl, pop = files("waiting_list"), files("population")
own = ["age_band", "sex", "ethnic_category", "ethnic_group", "imd_decile", "imd_quintile", "core20", "local_authority", "learning_disability"]
cols = ", ".join(f"coalesce(w.{c}, p.{c}) AS {c}" for c in own)
other = ", ".join(f"p.{f}" for f in flags if f != "learning_disability")
con.sql(f"""CREATE VIEW wl AS SELECT w.snapshot_date, w.provider_code, w.treatment_function_code,
  w.treatment_function, w.days_waited, {cols}, {other}, p.pcn_code AS pcn
  FROM read_parquet({wl}) w LEFT JOIN read_parquet({pop}) p ON w.person_id = p.person_id""")
measures = """count(*) AS n, quantile_cont(days_waited / 7.0, 0.5) AS median_weeks,
  quantile_cont(days_waited / 7.0, 0.92) AS p92_weeks,
  count(*) FILTER (days_waited > 126) AS over18, count(*) FILTER (days_waited > 364) AS over52,
  count(*) FILTER (days_waited > 455) AS over65, count(*) FILTER (days_waited > 546) AS over78"""
select = ", ".join(f"{sql} AS {n}" for n, sql in dims.items())
every = ["(snapshot_date)"] + [f"(snapshot_date, {n})" for n in names] + [
    "(snapshot_date, provider, core20)", "(snapshot_date, provider, imd_quintile)", "(snapshot_date, ethnic_group, provider)"]
latest_sets = ", ".join(f"({a}, {b})" for a, b in pairs)
t = time.time()
r1 = con.sql(f"SELECT snapshot_date, {', '.join(names)}, {measures} FROM (SELECT snapshot_date, days_waited, {select} FROM wl) GROUP BY GROUPING SETS ({', '.join(every)})").fetchall()
r2 = con.sql(f"SELECT {', '.join(names)}, {measures} FROM (SELECT days_waited, {select} FROM wl WHERE snapshot_date = (SELECT max(snapshot_date) FROM wl)) GROUP BY GROUPING SETS ({latest_sets})").fetchall()
secs = time.time() - t
rows = con.sql(f"SELECT count(*) FROM read_parquet({wl})").fetchall()[0][0]
print(f"duckdb {duckdb.__version__}: waiting-list aggregation of {rows:,} pathways, {len(r1) + len(r2):,} groups: {secs:.1f} s")
PY
