"""DuckDB side of scripts/bench-compute.sh: the same aggregations as `equalis compute` on the
same Parquet files, timed, then a parity check of the catalogue's counts against equalis's.

    python bench_duckdb.py WORKSPACE INDICATORS_DIR EQUALIS_BINARY

1. Catalogue (timed): for every indicator definition in INDICATORS_DIR (the shipped
   `crates/equalis-engine/indicators/*.toml`, read with tomllib), the numerator and
   denominator counts for every period equalis computes (the complete financial years of the
   activity, or the latest waiting-list snapshot, and the whole months of the SPC trend), by
   every breakdown equalis makes (everyone, each single dimension both tables have, each pair
   that is not nested) and, for a DSR, by ESP 2013 age band. The person attributes come from
   `population` with the same joins as `crates/equalis-engine/src/tables.rs`; `events` and
   `admissions` are joined once into tables, as equalis does.

   Plan: one query per indicator side (numerator or denominator) and kind of period, with
   every period of the kind at once: the table is joined to a VALUES list of the periods
   (`date BETWEEN _start AND _end`, and `{start}`/`{end}` in a condition become the list's
   columns, so a subquery naming the period is correlated and DuckDB decorrelates it), and
   `GROUP BY GROUPING SETS` makes every breakdown and pair in the same query. The sides that
   depend on no period (a register on `population`, the registered population) are counted
   once for every period, in one scan of their table with a filtered count each.
2. Waiting-list dashboard (timed separately): what `equalis compute`'s dashboard computes.
3. Parity (not timed): every (indicator, period, breakdown, group) row of
   `equalis results --unsuppressed --format csv` is compared with DuckDB's numerator and
   denominator, both ways (a row one side has and the other lacks is a difference); a DSR's
   value is recomputed from DuckDB's age-band counts (OHID method, ESP 2013) and compared; and
   every point of the catalogue's SPC trends (`results/CURRENT/spc.parquet`, which no command
   prints) is compared with DuckDB's monthly counts. Exits 1 and prints the first differences
   if there is any.
"""

import csv
import datetime as dt
import glob
import io
import itertools
import json
import os
import subprocess
import sys
import time
import tomllib

import duckdb

# As `DIMS` in crates/equalis-engine/src/breakdown.rs (order matters: pairs are named in it):
# (name, column that must exist, SQL of the label, label of the unknown group, nested in).
FLAGS = ["learning_disability", "autism", "smi", "copd", "hypertension", "diabetes", "homeless",
         "carer", "armed_forces", "refugee_or_asylum_seeker", "gypsy_roma_traveller"]
DIMS = [
    ("ethnic_group", "ethnic_group", "coalesce(ethnic_group, 'Not known')", "Not known", {"ethnic_category"}),
    ("ethnic_category", "ethnic_category", "coalesce(ethnic_category, '99')", "99", {"ethnic_group"}),
    ("sex", "sex", "CASE sex WHEN '1' THEN 'Male' WHEN '2' THEN 'Female' WHEN '9' THEN 'Indeterminate' ELSE 'Not known' END", "Not known", set()),
    ("age_band", "age_band", "coalesce(age_band, 'Not known')", "Not known", set()),
    *[(f, f, f"CASE WHEN {f} THEN 'Yes' WHEN NOT {f} THEN 'No' ELSE 'Not recorded' END", "Not recorded", set()) for f in FLAGS],
    ("local_authority", "local_authority", "coalesce(local_authority, 'Not known')", "Not known", set()),
    ("pcn", "pcn", "coalesce(pcn, 'Not recorded')", "Not recorded", set()),
    ("provider", "provider", "coalesce(provider, 'Not known')", "Not known", set()),
    ("treatment_function", "treatment_function_code", "coalesce(treatment_function_code || ' ' || treatment_function, 'Not known')", "Not known", set()),
    ("imd_decile", "imd_decile", "coalesce(CAST(imd_decile AS VARCHAR), 'Not known')", "Not known", {"imd_quintile", "core20"}),
    ("imd_quintile", "imd_quintile", "coalesce(CAST(imd_quintile AS VARCHAR), 'Not known')", "Not known", {"imd_decile", "core20"}),
    ("core20", "core20", "coalesce(core20, 'Not known')", "Not known", {"imd_decile", "imd_quintile"}),
]
TREND_DIMS = {"core20", "imd_quintile", "ethnic_group"}  # indicator.rs TREND_DIMS
# ESP 2013 bands 0-4 … 85-89, 90+, and a slot for unknown age (indicator.rs BANDS).
BANDS, UNKNOWN_AGE = 20, 19
BAND_SQL = "CASE WHEN age IS NULL THEN 19 WHEN age >= 90 THEN 18 ELSE age // 5 END"
ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500,
           6000, 5500, 5000, 4000, 2500, 1500, 1000]
DATE_COLUMN = {"events": "event_date", "admissions": "admission_date", "waiting_list": "snapshot_date"}
# tables.rs PERSON, then the person flags, then extract_date.
PERSON = ["household_id", "age", "age_band", "sex", "ethnic_category", "ethnic_group", "lsoa_code",
          "lsoa21_code", "imd_decile", "imd_quintile", "imd_edition", "core20", "la_code",
          "local_authority", "sub_icb_code", "place", "gp_practice_code", "pcn_code",
          "registration_date", *FLAGS, "extract_date"]
WL_OWN = ["age", "age_band", "sex", "ethnic_category", "ethnic_group", "lsoa_code", "lsoa21_code",
          "imd_decile", "imd_quintile", "imd_edition", "core20", "la_code", "local_authority",
          "sub_icb_code", "place", "learning_disability"]


def parts(ws, dataset):
    """The Parquet parts of a dataset's current version, as its manifest lists them."""
    current = os.path.join(ws, "data", dataset, "CURRENT")
    if not os.path.exists(current):
        return None
    version = open(current).read().strip()
    manifest = json.load(open(os.path.join(ws, "data", dataset, version, "manifest.json")))
    return [os.path.join(ws, "data", dataset, p) for p in manifest["parts"]]


def register(con, ws):
    """The tables indicator SQL sees, as tables.rs makes them. Returns the loaded datasets."""
    loaded = {}
    for d in ["population", "events", "admissions", "waiting_list"]:
        files = parts(ws, d)
        if files:
            loaded[d] = files
            con.execute(f"CREATE VIEW {d}_raw AS SELECT * FROM read_parquet({files})")
    if "population" not in loaded:
        sys.exit("the workspace has no population: the benchmark needs it")
    person = ", ".join(f"p.{c}" for c in PERSON)
    con.execute("CREATE VIEW population AS SELECT *, pcn_code AS pcn FROM population_raw")
    if "events" in loaded:
        con.execute(f"""CREATE TABLE events AS SELECT e.person_id, e.event_date, e.event_type, e.value,
          {person}, p.pcn_code AS pcn FROM events_raw e LEFT JOIN population_raw p ON e.person_id = p.person_id""")
    if "admissions" in loaded:
        # Date minus date is days in DuckDB (DataFusion: CAST(date AS INT)).
        con.execute(f"""CREATE TABLE admissions AS SELECT a.spell_id, a.person_id, a.admission_date,
          a.admission_method, a.admission_method_kind, a.primary_diagnosis, a.primary_procedure,
          a.provider_code, a.provider_code AS provider, {person}, p.pcn_code AS pcn,
          p.age - CAST(floor((p.extract_date - a.admission_date) / 365.25) AS INT) AS age_at_admission
          FROM admissions_raw a LEFT JOIN population_raw p ON a.person_id = p.person_id""")
    if "waiting_list" in loaded:
        own = ", ".join(f"coalesce(w.{c}, p.{c}) AS {c}" for c in WL_OWN)
        rest = ", ".join(f"p.{c}" for c in PERSON if c not in WL_OWN)
        con.execute(f"""CREATE VIEW waiting_list AS SELECT w.pathway_id, w.person_id, w.snapshot_date,
          w.provider_code, w.provider_code AS provider, w.treatment_function_code,
          w.treatment_function, w.priority, w.rtt_start_date, w.days_waited, w.weeks_waited,
          {own}, {rest}, p.pcn_code AS pcn
          FROM waiting_list_raw w LEFT JOIN population_raw p ON w.person_id = p.person_id""")
    return loaded


def periods(con, loaded):
    """periods.rs: complete financial years of the activity, its whole months, the latest snapshot."""
    found = []
    for d, col in [("events", "event_date"), ("admissions", "admission_date")]:
        if d in loaded:
            found += [x for x in con.execute(f"SELECT min({col}), max({col}) FROM {d}_raw").fetchone() if x]
    years, months = [], []
    if found:
        first, last = min(found), max(found)
        fy = lambda d: d.year - 1 if d.month < 4 else d.year
        every = [(f"{y}/{(y + 1) % 100:02}", dt.date(y, 4, 1), dt.date(y + 1, 3, 31))
                 for y in range(fy(first), fy(last) + 1)]
        years = [p for p in every
                 if first <= p[1] + dt.timedelta(days=31) and last >= p[2] - dt.timedelta(days=7)]
        years = years or every[-1:]
        start = first if first.day == 1 else (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        while True:
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            if end > last:
                break
            months.append((f"{start.year:04}-{start.month:02}", start, end))
            start = end + dt.timedelta(days=1)
    latest = []
    if "waiting_list" in loaded:
        d = con.execute("SELECT max(snapshot_date) FROM waiting_list_raw").fetchone()[0]
        latest = [(d.isoformat(), d, d)] if d else []
    return {"financial_year": years, "latest_snapshot": latest}, months


def grouping_sets(dims, pairs):
    """breakdown.rs `sets`: everyone, each dimension, each pair that is not nested."""
    out = [()] + [(a,) for a in range(len(dims))]
    if pairs:
        out += [(a, b) for a, b in itertools.combinations(range(len(dims)), 2)
                if dims[b][0] not in dims[a][4]]
    return out


def side_sql(table, sides, dims, sets, plist):
    """The counts of `sides` (each a list of conditions on `table`) by period, age band and every
    set of `sets`: `_n0`, `_n1`, … (one side: its rows only; more: a filtered count each)."""
    select = [f"{BAND_SQL} AS _band"] + [f"{d[2]} AS d{k}" for k, d in enumerate(dims)]
    keys = ["_band"]
    source, wheres = table, []
    if plist is not None:
        values = ", ".join(f"({k}, DATE '{s}', DATE '{e}')" for k, (_, s, e) in enumerate(plist))
        source = f"{table}, (VALUES {values}) AS _p(_k, _start, _end)"
        select.insert(0, "_p._k AS _k")
        keys.insert(0, "_k")
        if table in DATE_COLUMN:
            wheres.append(f"{DATE_COLUMN[table]} BETWEEN _p._start AND _p._end")
    conds = [" AND ".join("(" + c.replace("{start}", "_p._start").replace("{end}", "_p._end") + ")"
                          for c in side) for side in sides]
    if len(conds) == 1:
        wheres.append(conds[0])
        ns = "count(*) AS _n0"
    else:
        wheres.append("(" + " OR ".join(f"({c})" for c in conds) + ")")
        select += [f"({c}) AS _c{j}" for j, c in enumerate(conds)]
        ns = ", ".join(f"count(*) FILTER (WHERE _c{j}) AS _n{j}" for j in range(len(conds)))
    gsets = ", ".join("(" + ", ".join(keys + [f"d{k}" for k in s]) + ")" for s in sets)
    return (f"SELECT {', '.join(keys)}, {', '.join(f'd{k}' for k in range(len(dims)))}, {ns} "
            f"FROM (SELECT {', '.join(select)} FROM {source} WHERE {' AND '.join(wheres) or 'true'}) "
            f"GROUP BY GROUPING SETS ({gsets})")


def plan(con, loaded, indicators, kinds, months):
    """Each indicator's sides and their queries; (plans, skipped)."""
    columns = {}
    for t in ["population", "events", "admissions", "waiting_list"]:
        if t == "population" or t in loaded:
            columns[t] = {r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()}
    plans, skipped = [], []
    # Sides that depend on no period, by table and dimensions: counted in one scan each.
    shared = {}
    for ind in indicators:
        iid, stat = ind["id"], ind["statistic"]
        den = ind["denominator"]
        num = ind.get("numerator", {})
        den_from = den["from"]
        num_from = den_from if stat == "proportion" else num.get("from", den_from)
        cond = lambda rows: (rows.get("where") or "").strip() or "true"
        if stat not in ("proportion", "rate", "dsr"):
            skipped.append((iid, f"a {stat} is grouped by its value, not counted: not part of this comparison"))
            continue
        missing = [t for t in (den_from, num_from) if t not in columns]
        if missing:
            skipped.append((iid, f"needs the `{missing[0]}` dataset"))
            continue
        plist = kinds.get(ind.get("period", "financial_year"))
        if ind.get("period") == "calendar_year":
            skipped.append((iid, "calendar years are not planned here (no shipped indicator uses them)"))
            continue
        if not plist:
            skipped.append((iid, "the data cover no complete period"))
            continue
        dims = [d for d in DIMS if d[1] in columns[den_from] and d[1] in columns[num_from]]
        trend = [d for d in dims if d[0] in TREND_DIMS]
        windows = months if ind.get("period") != "latest_snapshot" and len(months) >= 12 else []
        if stat == "proportion":
            sides = [("den", den_from, [cond(den)]), ("num", den_from, [cond(den), cond(num)])]
        else:
            sides = [("den", den_from, [cond(den)]), ("num", num_from, [cond(num)])]
        queries = []
        for which, table, conditions in sides:
            periodic = any("{start}" in c or "{end}" in c for c in conditions)
            if table not in DATE_COLUMN and not periodic:
                # The same for every period (a register): counted once, with every set (the
                # trend's sets are among them), in one scan with the table's other such sides.
                group = shared.setdefault((table, tuple(d[0] for d in dims)), [])
                if conditions not in group:
                    group.append(conditions)
                queries.append([which, "whole", (table, tuple(d[0] for d in dims), conditions), dims, None])
                continue
            queries.append([which, "main", side_sql(table, [conditions], dims, grouping_sets(dims, True), plist), dims, "_n0"])
            if windows:
                queries.append([which, "trend", side_sql(table, [conditions], trend, grouping_sets(trend, False), windows), trend, "_n0"])
        plans.append({"ind": ind, "stat": stat, "dims": dims, "trend": trend, "periods": plist,
                      "windows": windows, "queries": queries, "multiplier": float(ind.get("multiplier", 100 if stat == "proportion" else 100000))})
    for p in plans:
        for q in p["queries"]:
            if q[1] == "whole":
                table, names, conditions = q[2]
                group = shared[(table, names)]
                q[2] = side_sql(table, group, q[3], grouping_sets(q[3], True), None)
                q[4] = f"_n{group.index(conditions)}"
    return plans, skipped


def catalogue(con, plans, skipped):
    """Runs every query into a table (identical queries once). Returns query text → table."""
    tables = {}
    for p in plans:
        for _, _, sql, _, _ in p["queries"]:
            if sql in tables:
                continue
            name = f"_r{len(tables)}"
            try:
                con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
            except duckdb.Error as e:
                skipped.append((p["ind"]["id"], f"DuckDB could not run its SQL: {e}"))
                p["failed"] = True
                continue
            tables[sql] = name
    return tables


def waiting_list(con):
    """The waiting-list dashboard's aggregation (as before: every snapshot by every single
    breakdown and provider × Core20, IMD quintile and ethnic group; every pair at the latest)."""
    names = [d[0] for d in DIMS]
    nested = {(a[0], b[0]) for a, b in itertools.combinations(DIMS, 2) if b[0] in a[4]}
    pairs = [(a, b) for a, b in itertools.combinations(names, 2) if (a, b) not in nested]
    measures = """count(*) AS n, quantile_cont(days_waited / 7.0, 0.5) AS median_weeks,
      quantile_cont(days_waited / 7.0, 0.92) AS p92_weeks,
      count(*) FILTER (days_waited > 126) AS over18, count(*) FILTER (days_waited > 364) AS over52,
      count(*) FILTER (days_waited > 455) AS over65, count(*) FILTER (days_waited > 546) AS over78"""
    select = ", ".join(f"{d[2]} AS {d[0]}" for d in DIMS)
    every = ["(snapshot_date)"] + [f"(snapshot_date, {n})" for n in names] + [
        "(snapshot_date, provider, core20)", "(snapshot_date, provider, imd_quintile)", "(snapshot_date, ethnic_group, provider)"]
    latest = ", ".join(f"({a}, {b})" for a, b in pairs)
    r1 = con.execute(f"SELECT snapshot_date, {', '.join(names)}, {measures} FROM (SELECT snapshot_date, days_waited, {select} FROM waiting_list) GROUP BY GROUPING SETS ({', '.join(every)})").fetchall()
    r2 = con.execute(f"SELECT {', '.join(names)}, {measures} FROM (SELECT days_waited, {select} FROM waiting_list WHERE snapshot_date = (SELECT max(snapshot_date) FROM waiting_list_raw)) GROUP BY GROUPING SETS ({latest})").fetchall()
    return len(r1) + len(r2)


# ---- parity ---------------------------------------------------------------------------------

def counts(con, table, dims, keyed, column):
    """{(period index or None, breakdown, group): [count per band]} of one side in a query's table."""
    out = {}
    keys = (["_k"] if keyed else []) + ["_band"] + [f"d{k}" for k in range(len(dims))]
    for row in con.execute(f"SELECT {', '.join(keys)}, {column} FROM {table} WHERE {column} > 0").fetchall():
        k, row = (row[0], row[1:]) if keyed else (None, row)
        band, labels, n = row[0], row[1:-1], row[-1]
        present = [(dims[j][0], l) for j, l in enumerate(labels) if l is not None]
        b = " x ".join(x[0] for x in present) or "all"
        g = " x ".join(x[1] for x in present) or "All"
        cell = out.setdefault((k, b, g), [0] * BANDS)
        cell[min(band, UNKNOWN_AGE) if band >= 0 else UNKNOWN_AGE] += n
    return out


def expected(p, num, den, dims):
    """The rows equalis makes of one period's counts: {(breakdown, group): (num, den)} with the
    dimensions that recorded nothing but their unknown group left out (breakdown.rs `recorded`)."""
    seen = {}
    for (b, g) in set(num) | set(den):
        if " x " not in b and b != "all":
            seen.setdefault(b, set()).add(g)
    recorded = {d[0] for d in dims if any(g != d[3] for g in seen.get(d[0], ()))}
    rows = {}
    for key in set(num) | set(den):
        b = key[0]
        if b != "all" and not all(x in recorded for x in b.split(" x ")):
            continue
        rows[key] = (num.get(key, [0] * BANDS), den.get(key, [0] * BANDS))
    rows.setdefault(("all", "All"), ([0] * BANDS, [0] * BANDS))
    return rows


def value(stat, mult, x, n):
    """The figure equalis gives (None when it gives none), from the band counts."""
    if stat != "dsr":
        return sum(x) / sum(n) * mult if sum(n) > 0 else None
    if any(a > 0 and b == 0 for a, b in zip(x[:19], n[:19])) or sum(x[:19]) < 10:
        return None
    return sum(w * a / max(b, 1) for w, a, b in zip(ESP2013, x, n)) / sum(ESP2013) * mult


def parity(con, ws, binary, plans, tables):
    diffs, compared, points, values = [], 0, 0, 0
    version = open(os.path.join(ws, "results", "CURRENT")).read().strip()
    spc_path = os.path.join(ws, "results", version, "spc.parquet")
    spc = {}
    for r in con.execute(f"""SELECT indicator_id, period, breakdown, "group", numerator, denominator, value
                         FROM read_parquet('{spc_path}')""").fetchall():
        spc.setdefault(r[0], {})[(r[1], r[2], r[3])] = r[4:]
    for p in plans:
        if p.get("failed"):
            continue
        iid, stat, mult = p["ind"]["id"], p["stat"], p["multiplier"]
        got = {}
        main = {"num": {}, "den": {}}
        trend = {"num": {}, "den": {}}
        for which, kind, sql, dims, column in p["queries"]:
            c = counts(con, tables[sql], dims, kind != "whole", column)
            for (k, b, g), bands in c.items():
                if kind == "whole":
                    for q in range(len(p["periods"])):
                        main[which].setdefault(q, {})[(b, g)] = bands
                    trend_names = {d[0] for d in p["trend"]}
                    if b == "all" or b in trend_names:
                        for q in range(len(p["windows"])):
                            trend[which].setdefault(q, {})[(b, g)] = bands
                else:
                    (main if kind == "main" else trend)[which].setdefault(k, {})[(b, g)] = bands
        out = subprocess.run([binary, "results", "--workspace", ws, "--indicator", iid,
                              "--unsuppressed", "--format", "csv"], capture_output=True, text=True)
        if out.returncode != 0:
            diffs.append(f"{iid}: `equalis results` failed: {out.stderr.strip()}")
            continue
        for r in csv.DictReader(io.StringIO(out.stdout)):
            got[(r["period"], r["breakdown"], r["group"])] = r
        want = {}
        for q, (label, _, _) in enumerate(p["periods"]):
            for key, cell in expected(p, main["num"].get(q, {}), main["den"].get(q, {}), p["dims"]).items():
                want[(label,) + key] = cell
        for key in sorted(set(want) | set(got)):
            if key not in got:
                diffs.append(f"{iid} {key}: DuckDB has num {sum(want[key][0])}, den {sum(want[key][1])}; equalis has no row")
                continue
            if key not in want:
                diffs.append(f"{iid} {key}: equalis has num {got[key]['numerator']}, den {got[key]['denominator']}; DuckDB has no row")
                continue
            x, n = want[key]
            compared += 1
            ours = (float(sum(x)), float(sum(n)))
            theirs = (float(got[key]["numerator"] or "nan"), float(got[key]["denominator"] or "nan"))
            if ours != theirs:
                diffs.append(f"{iid} {key}: numerator/denominator DuckDB {ours}, equalis {theirs}")
            if stat == "dsr":
                v, e = value(stat, mult, x, n), got[key]["value"]
                values += 1
                if (v is None) != (e == "") or (v is not None and abs(v - float(e)) > 1e-6 + 1e-9 * abs(v)):
                    diffs.append(f"{iid} {key}: DSR from DuckDB's age bands {v}, equalis {e or 'none'}")
        # The SPC trend: every point equalis charts, and every complete series DuckDB finds.
        if p["windows"]:
            mine = {}
            for q, (label, _, _) in enumerate(p["windows"]):
                for key, cell in expected(p, trend["num"].get(q, {}), trend["den"].get(q, {}), p["trend"]).items():
                    mine.setdefault(key, {})[label] = cell
            theirs = spc.get(iid, {})
            for (b, g), series in sorted(mine.items()):
                full = len(series) == len(p["windows"]) and all(
                    value(stat, mult, *c) is not None for c in series.values())
                for label, (x, n) in sorted(series.items()):
                    key = (label, b, g)
                    if key not in theirs:
                        if full:
                            diffs.append(f"{iid} SPC {key}: DuckDB has a complete series; equalis has no point")
                        continue
                    points += 1
                    e = theirs[key]
                    if (float(sum(x)), float(sum(n))) != (e[0], e[1]):
                        diffs.append(f"{iid} SPC {key}: numerator/denominator DuckDB {(sum(x), sum(n))}, equalis {e[:2]}")
                    v = value(stat, mult, x, n)
                    values += 1
                    if v is None or abs(v - e[2]) > 1e-9 * max(1.0, abs(v)):
                        diffs.append(f"{iid} SPC {key}: value from DuckDB's counts {v}, equalis {e[2]}")
            for key in theirs:
                if key[0] not in mine.get((key[1], key[2]), {}):
                    diffs.append(f"{iid} SPC {key}: equalis has a point; DuckDB has no counts")
    return diffs, compared, points, values


def main():
    ws, indicators_dir, binary = sys.argv[1:4]
    indicators = [tomllib.load(open(f, "rb")) for f in sorted(glob.glob(os.path.join(indicators_dir, "*.toml")))]
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET temp_directory = '{os.path.join(os.path.dirname(os.path.abspath(ws)), 'duckdb-spill')}'")

    t = time.time()
    loaded = register(con, ws)
    kinds, months = periods(con, loaded)
    plans, skipped = plan(con, loaded, indicators, kinds, months)
    tables = catalogue(con, plans, skipped)
    secs = time.time() - t
    print(f"duckdb {duckdb.__version__}: catalogue, {len(plans)} of {len(indicators)} indicators, "
          f"{len(tables)} queries (years and {len(months)} months): {secs:.1f} s")
    for iid, why in skipped:
        print(f"  not computed by DuckDB: {iid}: {why}")

    if "waiting_list" in loaded:
        rows = con.execute("SELECT count(*) FROM waiting_list_raw").fetchone()[0]
        t = time.time()
        try:
            groups = waiting_list(con)
            print(f"duckdb {duckdb.__version__}: waiting-list aggregation of {rows:,} pathways, "
                  f"{groups:,} groups: {time.time() - t:.1f} s")
        except duckdb.Error as e:
            # At scale 10 its exact quantiles ran out of memory (docs/BENCHMARKS.md): say so and
            # still check the catalogue.
            print(f"duckdb {duckdb.__version__}: waiting-list aggregation of {rows:,} pathways "
                  f"failed after {time.time() - t:.1f} s: {str(e).splitlines()[0]}")

    t = time.time()
    diffs, compared, points, values = parity(con, ws, binary, plans, tables)
    print(f"parity: numerators and denominators of {compared:,} results rows and {points:,} SPC points, "
          f"and {values:,} values (DSRs and SPC points), compared with equalis's in {time.time() - t:.1f} s: "
          f"{len(diffs):,} differences")
    for d in diffs[:20]:
        print(f"  {d}")
    failed = [p["ind"]["id"] for p in plans if p.get("failed")]
    if diffs or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
