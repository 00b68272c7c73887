#!/usr/bin/env python3
"""Regenerates the golden files of equalis-stats from the published formulas.

This is the independent computation the golden tests compare against: it uses scipy/numpy
directly (chi-squared, normal and t quantiles) and re-derives every method from METHODS.md
sections 1 and 2, never from the Rust code. Run it from anywhere:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy numpy
    /tmp/venv/bin/python crates/equalis-stats/tests/golden/generate.py

Each CSV has one case per row: inputs, expected outputs, `outcome` (ok / missing / error),
a `reason` fragment that a missing value's reason must contain, a `tolerance` ("rel:1e-8" unless
a published value is only given to a few decimals) and the `source` of the expected value.
Lists inside a field are separated by `;`; an empty list entry is a missing value.
"""

import csv
import math
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000,
           6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]
REL = "rel:1e-8"
SCIPY = "scipy recomputation of the published formula"


def z_of(c):
    return stats.norm.ppf(c + (1 - c) / 2)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return repr(float(v))


def join(values):
    return ";".join(fmt(v) for v in values)


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(x) if not isinstance(x, str) else x for x in r])


# ---------------------------------------------------------------- building blocks

def wilson(x, n, z):
    # Wilson (1927) score interval, written from the textbook form p̂ ± … rather than the
    # package's rearrangement, so that the two agree only if the algebra is right.
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def exact(x, c):
    lo = 0.0 if x == 0 else stats.chi2.ppf((1 - c) / 2, 2 * x) / 2
    hi = stats.chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2
    return lo, hi


def byars(x, c):
    z = z_of(c)
    lo = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lo, hi


def poisson(x, c):
    return exact(x, c) if x < 10 else byars(x, c)


# ---------------------------------------------------------------- proportion

def proportions():
    rows = []
    cases = [
        ("typical", 65, 100, 0.95, 1), ("percentage", 65, 100, 0.95, 100),
        ("zero_numerator", 0, 50, 0.95, 1), ("all", 50, 50, 0.95, 1),
        ("tiny_population", 1, 2, 0.95, 1), ("level_998", 30, 1000, 0.998, 100),
        ("level_90_percent_notation", 30, 1000, 90, 100), ("level_999", 3, 9, 0.999, 1),
        ("large", 123456, 9876543, 0.95, 100), ("fractional", 2.5, 7.5, 0.95, 1),
    ]
    for case, x, n, conf, mult in cases:
        c = conf / 100 if conf > 1 else conf
        lo, hi = wilson(x, n, z_of(c))
        rows.append([case, x, n, conf, mult, x / n * mult, lo * mult, hi * mult, "ok", "", REL, SCIPY])
    # Newcombe (1998) Stat Med 17:857, Table I: 81/263 gives 0.2553 to 0.3662 (method 3, Wilson).
    rows.append(["newcombe_1998_table1", 81, 263, 0.95, 1, 81 / 263, 0.2553, 0.3662, "ok", "",
                 "abs:5e-5", "Newcombe 1998 Stat Med 17:857 Table I"])
    rows.append(["empty_group", 0, 0, 0.95, 1, None, None, None, "missing", "denominator is 0", REL, "definition"])
    rows.append(["numerator_above_denominator", 11, 10, 0.95, 1, None, None, None, "error", "", REL, "definition"])
    rows.append(["negative", -1, 10, 0.95, 1, None, None, None, "error", "", REL, "definition"])
    rows.append(["confidence_too_low", 1, 10, 0.8, 1, None, None, None, "error", "", REL, "definition"])
    rows.append(["confidence_too_high", 1, 10, 99.95, 1, None, None, None, "error", "", REL, "definition"])
    write("proportion.csv", ["case", "x", "n", "confidence", "multiplier", "value", "lowercl",
                             "uppercl", "outcome", "reason", "tolerance", "source"], rows)


# ---------------------------------------------------------------- crude rate

def rates():
    rows = []
    cases = [
        ("zero_events", 0, 1000, 0.95, 100000), ("one_event", 1, 1000, 0.95, 100000),
        ("nine_events_exact", 9, 2000, 0.95, 100000), ("ten_events_byars", 10, 2000, 0.95, 100000),
        ("many", 5678, 1234567, 0.95, 100000), ("level_998_exact", 3, 500, 0.998, 1000),
        ("level_998_byars", 300, 5000, 0.998, 1000),
        ("numerator_above_denominator", 150, 100, 0.95, 100), ("tiny_population", 2, 3, 0.95, 1),
    ]
    for case, x, n, conf, mult in cases:
        lo, hi = poisson(x, conf)
        method = "Exact" if x < 10 else "Byars"
        rows.append([case, x, n, conf, mult, x / n * mult, lo / n * mult, hi / n * mult, method, "ok", "", REL, SCIPY])
    # Exact Poisson limits for 0 and 1 events (Garwood 1936), widely tabulated to 4 decimals.
    rows.append(["garwood_zero", 0, 1, 0.95, 1, 0, 0, 3.6889, "Exact", "ok", "", "abs:5e-5", "Garwood 1936 table"])
    rows.append(["garwood_one", 1, 1, 0.95, 1, 1, 0.0253, 5.5716, "Exact", "ok", "", "abs:5e-5", "Garwood 1936 table"])
    rows.append(["empty_group", 0, 0, 0.95, 100000, None, None, None, "Exact", "missing", "denominator is 0", REL, "definition"])
    rows.append(["negative_count", -2, 10, 0.95, 100000, None, None, None, "", "error", "", REL, "definition"])
    write("rate.csv", ["case", "x", "n", "confidence", "multiplier", "value", "lowercl", "uppercl",
                       "method", "outcome", "reason", "tolerance", "source"], rows)


def rates_non_independent():
    # Rate for non-independent events: Dobson-style scaling of the count limits by
    # sqrt(var/O), var = sum f^2 persons / n^2 (PHEindicatormethods issue #94 workaround).
    rows = []
    cases = [
        ("all_single_events_equals_rate", [(1, 25)], 10000, 0.95, 100000),
        ("repeat_events", [(1, 20), (2, 5), (3, 2)], 10000, 0.95, 100000),
        ("few_events_exact", [(1, 2), (3, 1)], 400, 0.95, 1000),
        ("no_events", [(1, 0)], 400, 0.95, 1000),
    ]
    for case, freqs, n, c, mult in cases:
        o = sum(f * p for f, p in freqs)
        var = sum(f * f * p for f, p in freqs) / n ** 2
        r = o / n
        lo_c, hi_c = poisson(o, c)
        if o == 0:
            lo, hi = 0.0, hi_c / n
        else:
            s = math.sqrt(var / o)
            lo, hi = r + s * (lo_c - o), r + s * (hi_c - o)
        rows.append([case, ";".join(f"{f}:{p}" for f, p in freqs), n, c, mult, r * mult, lo * mult, hi * mult, "ok", "", REL, SCIPY])
    write("rate_non_independent.csv", ["case", "frequencies", "n", "confidence", "multiplier", "value",
                                       "lowercl", "uppercl", "outcome", "reason", "tolerance", "source"], rows)


# ---------------------------------------------------------------- mean

def means():
    rows = []
    cases = [
        ("typical", [20, 30, 40, 35, 25], 0.95), ("with_missing", [20, None, 40, None, 25], 0.95),
        ("level_998", [1.5, 2.5, 3.5, 10], 0.998), ("two_values", [1, 2], 0.90),
        ("large_offset", [1e9 + 1, 1e9 + 2, 1e9 + 4], 0.95),
    ]
    for case, values, c in cases:
        v = np.array([x for x in values if x is not None], dtype=float)
        m = v.mean()
        sd = v.std(ddof=1)
        t = stats.t.ppf(c + (1 - c) / 2, len(v) - 1)
        half = t * sd / math.sqrt(len(v))
        rows.append([case, join(values), c, m, m - half, m + half, sd, v.sum(), len(v), "ok", "", REL, SCIPY])
    rows.append(["one_value", "7", 0.95, 7, None, None, None, 7, 1, "missing", "1 values < 2", REL, "definition"])
    rows.append(["no_values", ";", 0.95, None, None, None, None, 0, 0, "missing", "0 values < 2", REL, "definition"])
    write("mean.csv", ["case", "values", "confidence", "value", "lowercl", "uppercl", "stdev",
                       "value_sum", "value_count", "outcome", "reason", "tolerance", "source"], rows)


# ---------------------------------------------------------------- DSR

def dsr_value(x, n, w, c, mult, var_override=None):
    x, n, w = (np.array(a, dtype=float) for a in (x, n, w))
    o = x.sum()
    value = (x * w / n).sum() / w.sum()
    var = (x * w ** 2 / n ** 2).sum() / w.sum() ** 2 if var_override is None else var_override
    lo_b, hi_b = byars(o, c)
    lo = value + math.sqrt(var / o) * (lo_b - o)
    hi = value + math.sqrt(var / o) * (hi_b - o)
    return value * mult, lo * mult, hi * mult


def dsrs():
    rows = []
    rng = np.random.default_rng(20261123)
    pops = [int(p) for p in rng.integers(2000, 9000, 19)]
    counts = [int(x) for x in rng.integers(0, 60, 19)]
    cases = [
        ("esp2013_19_bands", counts, pops, "esp2013", 0.95, 100000),
        ("esp2013_level_998", counts, pops, "esp2013", 0.998, 100000),
        ("zero_counts_in_some_bands", [0] * 10 + [5] * 9, pops, "esp2013", 0.95, 100000),
        ("exactly_ten_events", [0] * 18 + [10], pops, "esp2013", 0.95, 100000),
        ("custom_standard_three_bands", [12, 30, 55], [1500, 3000, 900], "100;200;50", 0.95, 1000),
        ("count_above_population", [40, 120], [30, 100], "1;1", 0.95, 100),
    ]
    for case, x, n, std, c, mult in cases:
        w = ESP2013 if std == "esp2013" else [float(s) for s in std.split(";")]
        v, lo, hi = dsr_value(x, n, w, c, mult)
        rows.append([case, join(x), join(n), std, c, mult, v, lo, hi, "ok", "", REL, SCIPY])
    # A NaN count is missing and read as 0, as PHEindicatormethods reads NA.
    xm = [None] + counts[1:]
    v, lo, hi = dsr_value([0] + counts[1:], pops, ESP2013, 0.95, 100000)
    rows.append(["missing_count_is_zero", join(xm), join(pops), "esp2013", 0.95, 100000, v, lo, hi, "ok", "", REL, SCIPY])
    rows.append(["nine_events", join([0] * 18 + [9]), join(pops), "esp2013", 0.95, 100000, None, None, None,
                 "missing", "DSR not calculated: total count 9 < 10", REL, "Fingertips rule"])
    rows.append(["zero_population_band", "5;6", "0;10", "1;1", 0.95, 100000, None, None, None, "error", "", REL, "definition"])
    rows.append(["negative_count", "-5;20", "10;10", "1;1", 0.95, 100000, None, None, None, "error", "", REL, "definition"])
    rows.append(["zero_standard_population", "5;20", "10;10", "0;0", 0.95, 100000, None, None, None, "error", "", REL, "definition"])
    rows.append(["length_mismatch", "5;20", "10", "1;1", 0.95, 100000, None, None, None, "error", "", REL, "definition"])
    write("dsr.csv", ["case", "counts", "populations", "standard", "confidence", "multiplier", "value",
                      "lowercl", "uppercl", "outcome", "reason", "tolerance", "source"], rows)

    # Non-independent events: rows are band:frequency:persons.
    nrows = []
    ncases = [
        ("two_bands_repeats", [(0, 1, 20), (0, 2, 5), (1, 1, 30), (1, 3, 4)], [5000, 4000], "60;40", 0.95, 100000),
        ("esp_like_single_events", [(i, 1, counts[i]) for i in range(19)], pops, "esp2013", 0.95, 100000),
        ("level_998", [(0, 1, 8), (0, 4, 2), (1, 2, 6)], [900, 1200], "1;1", 0.998, 1000),
    ]
    for case, data, n, std, c, mult in ncases:
        w = np.array(ESP2013 if std == "esp2013" else [float(s) for s in std.split(";")])
        n_arr = np.array(n, dtype=float)
        events = np.zeros(len(n))
        var_by_f = {}
        for band, f, p in data:
            events[band] += f * p
            var_by_f[f] = var_by_f.get(f, 0.0) + p * w[band] ** 2 / n_arr[band] ** 2 / w.sum() ** 2
        var = sum(f * f * v for f, v in var_by_f.items())
        v, lo, hi = dsr_value(events, n, w, c, mult, var_override=var)
        nrows.append([case, ";".join(f"{b}:{f}:{p}" for b, f, p in data), join(n), std, c, mult, v, lo, hi, "ok", "", REL, SCIPY])
    nrows.append(["few_events", "0:1:3;1:2:3", "100;100", "1;1", 0.95, 1000, None, None, None,
                  "missing", "total count 9 < 10", REL, "Fingertips rule"])
    write("dsr_non_independent.csv", ["case", "rows", "populations", "standard", "confidence", "multiplier",
                                      "value", "lowercl", "uppercl", "outcome", "reason", "tolerance", "source"], nrows)


# ---------------------------------------------------------------- ISR

def isrs():
    rows = []
    pops = [1200, 3400, 2500, 800]
    ref_x = [300, 900, 1500, 2100]
    ref_n = [100000, 150000, 80000, 20000]
    for case, kind, o, c, scale in [
        ("ratio_byars", "ratio", 140, 0.95, 1), ("smr_100", "ratio", 140, 0.95, 100),
        ("ratio_exact", "ratio", 7, 0.95, 1), ("ratio_zero_observed", "ratio", 0, 0.95, 1),
        ("ratio_level_998", "ratio", 55, 0.998, 1), ("rate_byars", "rate", 140, 0.95, 100000),
        ("rate_exact", "rate", 4, 0.95, 100000),
    ]:
        e = sum(n * x / r for n, x, r in zip(pops, ref_x, ref_n))
        factor = scale if kind == "ratio" else sum(ref_x) / sum(ref_n) * scale
        lo, hi = poisson(o, c)
        rows.append([case, kind, o, join(pops), join(ref_x), join(ref_n), c, scale,
                     o / e * factor, lo / e * factor, hi / e * factor, "ok", "", REL, SCIPY])
    rows.append(["zero_expected", "ratio", 3, "0;0", "1;1", "10;10", 0.95, 1, None, None, None,
                 "missing", "expected count is 0", REL, "definition"])
    rows.append(["zero_reference_population", "ratio", 3, "5;5", "1;1", "0;10", 0.95, 1, None, None, None,
                 "error", "", REL, "definition"])
    write("isr.csv", ["case", "kind", "observed", "populations", "ref_counts", "ref_populations", "confidence",
                      "scale", "value", "lowercl", "uppercl", "outcome", "reason", "tolerance", "source"], rows)


# ---------------------------------------------------------------- comparisons

def comparisons():
    rows = []
    for case, x1, n1, x2, n2, c in [
        ("typical", 45, 10000, 30, 12000, 0.95), ("level_998", 200, 50000, 150, 60000, 0.998),
        ("above_denominator_allowed", 150, 100, 90, 100, 0.95),
    ]:
        rr = (x1 / n1) / (x2 / n2)
        se = math.sqrt(1 / x1 + 1 / x2)
        z = z_of(c)
        rows.append([case + "_rate_ratio", "rate_ratio", x1, n1, x2, n2, c, 1, rr, rr * math.exp(-z * se), rr * math.exp(z * se), "ok", "", REL, SCIPY])
        rows.append([case + "_rate_gap_relative", "rate_gap_relative", x1, n1, x2, n2, c, 1, rr - 1,
                     rr * math.exp(-z * se) - 1, rr * math.exp(z * se) - 1, "ok", "", REL, SCIPY])
        d = x1 / n1 - x2 / n2
        sd = math.sqrt(x1 / n1 ** 2 + x2 / n2 ** 2)
        rows.append([case + "_rate_gap_absolute", "rate_gap_absolute", x1, n1, x2, n2, c, 100000, d * 1e5,
                     (d - z * sd) * 1e5, (d + z * sd) * 1e5, "ok", "", REL, SCIPY])
    for case, x1, n1, x2, n2, c in [
        ("typical", 56, 70, 48, 80, 0.95), ("level_998", 300, 1000, 250, 1000, 0.998),
        ("small", 3, 9, 2, 11, 0.95),
    ]:
        p1, p2 = x1 / n1, x2 / n2
        z = z_of(c)
        rr = p1 / p2
        se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        rows.append([case + "_risk_ratio", "risk_ratio", x1, n1, x2, n2, c, 1, rr, rr * math.exp(-z * se), rr * math.exp(z * se), "ok", "", REL, SCIPY])
        rows.append([case + "_proportion_gap_relative", "proportion_gap_relative", x1, n1, x2, n2, c, 1, rr - 1,
                     rr * math.exp(-z * se) - 1, rr * math.exp(z * se) - 1, "ok", "", REL, SCIPY])
        l1, u1 = wilson(x1, n1, z)
        l2, u2 = wilson(x2, n2, z)
        d = p1 - p2
        lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        rows.append([case + "_proportion_gap_absolute", "proportion_gap_absolute", x1, n1, x2, n2, c, 100, d * 100, lo * 100, hi * 100, "ok", "", REL, SCIPY])
    # Newcombe (1998) Table II example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
    rows.append(["newcombe_1998_table2", "proportion_gap_absolute", 56, 70, 48, 80, 0.95, 1, 0.2, 0.0524, 0.3339,
                 "ok", "", "abs:5e-5", "Newcombe 1998 Stat Med 17:873 Table II (a) method 10"])
    rows.append(["zero_count_rate_ratio", "rate_ratio", 0, 1000, 5, 1000, 0.95, 1, 0, None, None, "missing", "a count is 0", REL, "definition"])
    rows.append(["zero_comparator_rate_ratio", "rate_ratio", 4, 1000, 0, 1000, 0.95, 1, None, None, None, "missing", "a count is 0", REL, "definition"])
    rows.append(["risk_ratio_numerator_above", "risk_ratio", 11, 10, 5, 10, 0.95, 1, None, None, None, "error", "", REL, "definition"])
    rows.append(["empty_group_gap", "proportion_gap_absolute", 0, 0, 5, 10, 0.95, 1, None, None, None, "missing", "denominator is 0", REL, "definition"])
    write("compare.csv", ["case", "kind", "x1", "n1", "x2", "n2", "confidence", "multiplier", "value", "lowercl",
                          "uppercl", "outcome", "reason", "tolerance", "source"], rows)


# ---------------------------------------------------------------- quantiles

def quantiles():
    rows = []

    def assign(values, nq, invert):
        present = [v for v in values if v is not None]
        n = len(present)
        if n < nq:
            return [None] * len(values)
        keys = np.array([-v if invert else v for v in present])
        ranks = stats.rankdata(keys, method="min")
        out, k = [], 0
        for v in values:
            if v is None:
                out.append(None)
                continue
            q = math.floor((nq + 1) - math.ceil(((n + 1) - ranks[k]) / (n / nq)))
            out.append(max(q, 1))
            k += 1
        return out

    rng = np.random.default_rng(7)
    random20 = [float(round(v, 2)) for v in rng.uniform(5, 60, 20)]
    cases = [
        ("ten_into_five", [float(v) for v in range(1, 11)], 5, False),
        ("ten_into_five_invert", [float(v) for v in range(1, 11)], 5, True),
        ("twenty_deciles_invert", random20, 10, True),
        ("twenty_deciles", random20, 10, False),
        ("ties", [1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0], 4, False),
        ("ties_invert", [1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0], 4, True),
        ("missing_values", [3.0, None, 1.0, 4.0, None, 1.5, 9.0, 2.6, 5.0], 3, True),
        ("uneven", [float(v) for v in range(1, 14)], 5, False),
        ("fewer_areas_than_quantiles", [1.0, 2.0, None], 5, True),
    ]
    for case, values, nq, invert in cases:
        rows.append([case, join(values), nq, "true" if invert else "false", join(assign(values, nq, invert)), SCIPY])
    write("quantile.csv", ["case", "values", "quantiles", "invert", "expected", "source"], rows)


# ---------------------------------------------------------------- SII

def sii_cases():
    rows = []

    def fit(a, b, y):
        w = np.diag(a)
        x = np.column_stack([np.ones_like(b), b])
        # Weighted least squares through the normal equations, (X'WX)^-1 X'W y.
        return np.linalg.solve(x.T @ w @ x, x.T @ w @ y)

    def run(case, pops, values, se=None, lower=None, upper=None, value_type=0, transform=False,
            mult=1, c=0.95, analytic=False):
        pops, values = np.array(pops, float), np.array(values, float)
        a = pops / pops.sum()
        b = np.cumsum(a) - a / 2
        # Rates and proportions are simulated on the log/logit scale whatever `transform` says;
        # `transform` decides only whether the line is fitted on that scale.
        fwd = {0: lambda v: v, 1: np.log, 2: lambda v: np.log(v / (1 - v))}[value_type]
        draw_back = {0: lambda v: v, 1: np.exp, 2: lambda v: 1 / (1 + np.exp(-v))}[value_type]
        back = draw_back if transform else (lambda v: v)
        to_fit = (lambda v: v) if transform else draw_back
        y = fwd(values)
        if se is not None:
            # As in phe_sii: a given standard error is already on the simulation (log or
            # logit) scale and is used unchanged.
            s = np.array(se, float)
        else:
            s = (fwd(np.array(upper, float)) - fwd(np.array(lower, float))) / (2 * stats.norm.ppf(0.975))
        b0, b1 = fit(a, b, to_fit(y))
        sii = (back(b0 + b1) - back(b0)) * mult
        rii = back(b0 + b1) / back(b0)
        if mult < 0:
            rii = 1 / rii
        intercept = back(b0) * mult
        z = z_of(c)
        x = np.column_stack([np.ones_like(b), b])
        coef = np.linalg.solve(x.T @ np.diag(a) @ x, x.T @ np.diag(a))
        if analytic:
            # Untransformed: the simulated SII is normal, mean SII, sd from the fixed weights.
            sd = math.sqrt(((coef[1] * mult) ** 2 * s ** 2).sum())
            lo, hi = sii - z * sd, sii + z * sd
            rlo = rhi = None
        else:
            # Transformed: a large simulation (4 million draws) with numpy's own generator.
            gen = np.random.default_rng(12345)
            reps = 4_000_000
            draws = to_fit(gen.standard_normal((reps, len(y))) * s + y)
            d0 = draws @ coef[0]
            d1 = draws @ coef[1]
            sims = (back(d0 + d1) - back(d0)) * mult
            rsims = back(d0 + d1) / back(d0)
            if mult < 0:
                rsims = 1 / rsims
            lo, hi = np.quantile(sims, [(1 - c) / 2, (1 + c) / 2])
            rlo, rhi = np.quantile(rsims, [(1 - c) / 2, (1 + c) / 2])
        rows.append([case, join(pops), join(values), join(se) if se is not None else "",
                     join(lower) if lower is not None else "", join(upper) if upper is not None else "",
                     value_type, "true" if transform else "false", mult, c, sii, lo, hi, rii,
                     "" if rlo is None else rlo, "" if rhi is None else rhi, intercept, SCIPY])

    deciles_pop = [5200, 6100, 5800, 6400, 7000, 6900, 7200, 6600, 7100, 7300]
    rates = [92.0, 85.0, 80.5, 74.0, 70.2, 66.0, 60.1, 57.5, 52.0, 48.3]
    rate_se = [6.0, 5.5, 5.2, 5.0, 4.6, 4.4, 4.1, 4.0, 3.8, 3.6]
    run("plain_se_analytic", deciles_pop, rates, se=rate_se, analytic=True)
    run("plain_se_analytic_negative_multiplier", deciles_pop, rates, se=rate_se, mult=-1, analytic=True)
    run("plain_limits_analytic", deciles_pop, rates, lower=[r - 1.96 * s for r, s in zip(rates, rate_se)],
        upper=[r + 1.96 * s for r, s in zip(rates, rate_se)], analytic=True)
    run("plain_level_998_analytic", deciles_pop, rates, se=rate_se, c=0.998, analytic=True)
    rate_log_se = [s / r for s, r in zip(rate_se, rates)]
    run("rate_log_transform", deciles_pop, rates, se=rate_log_se, value_type=1, transform=True)
    props = [0.42, 0.40, 0.37, 0.35, 0.33, 0.30, 0.29, 0.26, 0.24, 0.22]
    run("proportion_logit_transform", deciles_pop, props,
        lower=[p - 0.03 for p in props], upper=[p + 0.03 for p in props], value_type=2, transform=True)
    run("rate_simulated_on_log_scale_fit_natural", deciles_pop, rates, se=rate_log_se, value_type=1)
    run("proportion_simulated_on_logit_scale_fit_natural", deciles_pop, props,
        lower=[p - 0.03 for p in props], upper=[p + 0.03 for p in props], value_type=2, mult=-100)
    run("quintiles_plain", [10000, 11000, 12000, 9000, 8000], [30.0, 27.0, 26.0, 22.0, 18.0],
        se=[1.5, 1.4, 1.3, 1.2, 1.0], analytic=True)
    write("sii.csv", ["case", "populations", "values", "se", "lower", "upper", "value_type", "transform", "multiplier",
                      "confidence", "sii", "sii_lowercl", "sii_uppercl", "rii", "rii_lowercl", "rii_uppercl",
                      "intercept", "source"], rows)


# ---------------------------------------------------------------- funnels

def funnels():
    rows = []
    for n, avg in [(50, 0.3), (500, 0.3), (5000, 0.05), (20, 0.9), (1000, 0.5), (3, 0.02), (4, 0.97)]:
        out = []
        for p in (0.975, 0.999):
            z = stats.norm.ppf(p)
            # The proportions whose Wilson interval at n just touches the average: solve
            # wilson(x, n, z) == avg for x (a quadratic in x), independently of the package form.
            # Wilson bound = avg  <=>  (x/n - avg)^2 = z^2 (avg (1 - avg)) / n  rearranged in p̂:
            # (p̂ + z²/2n - avg(1 + z²/n))² = z² (p̂(1-p̂)/n + z²/4n²)
            k = z * z / n
            # Expand to A p̂² + B p̂ + C = 0.
            A = 1 + k
            B = 2 * (k / 2 - avg * (1 + k)) - k
            C = (k / 2 - avg * (1 + k)) ** 2 - k * k / 4
            disc = math.sqrt(B * B - 4 * A * C)
            clamp = lambda v: min(max(v, 0.0), 1.0)
            out += [clamp((-B - disc) / (2 * A)) * 100, clamp((-B + disc) / (2 * A)) * 100]
        rows.append([f"proportion_n{n}_avg{avg}", "proportion", n, avg, 100, out[0], out[1], out[2], out[3], "", REL, SCIPY])
    from scipy.optimize import brentq
    from scipy.special import gammainc

    def count_limit(e, p, side):
        # Continuous Poisson tail: P(X >= O | e) = gammainc(O, e). Upper: P(X >= O) = p.
        # Lower: P(X <= O) = 1 - gammainc(O + 1, e) = p, floored at 0 events.
        if side == "high":
            return brentq(lambda o: gammainc(o, e) - p, 1e-12, e + 50 * math.sqrt(e) + 100, xtol=1e-14, rtol=1e-15)
        g = lambda o: 1 - gammainc(o + 1, e) - p
        if g(0.0) >= 0:
            return 0.0
        return brentq(g, 0.0, e + 50 * math.sqrt(e) + 100, xtol=1e-14, rtol=1e-15)

    for e in [0.5, 4, 25.5, 300, 1000]:
        lims = [count_limit(e, 0.025, "low"), count_limit(e, 0.025, "high"),
                count_limit(e, 0.001, "low"), count_limit(e, 0.001, "high")]
        rows.append([f"ratio_e{e}", "ratio", e, 1, 100] + [v / e * 100 for v in lims] + ["", REL, SCIPY])
    # PHEindicatormethods' own test values for poisson_funnel (tests in the package's Python
    # port): the expected count at which 200 observed is the upper 0.025 limit, and at which 500
    # observed is the lower 0.001 limit. The package bisects to about 1e-7, hence the tolerance.
    rows.append(["phe_poisson_funnel_200_low", "ratio", 173.24086241121654, 1, 1, "", 200 / 173.24086241121654,
                 "", "", "", "rel:1e-6", "PHEindicatormethods poisson_funnel test (200 0.025 low)"])
    rows.append(["phe_poisson_funnel_500_high", "ratio", 573.0274767209943, 1, 1, "", "", 500 / 573.0274767209943,
                 "", "", "rel:1e-6", "PHEindicatormethods poisson_funnel test (500 0.001 high)"])
    for n, avg in [(20000, 0.0012), (300000, 0.0004)]:
        e = n * avg
        lims = [count_limit(e, 0.025, "low"), count_limit(e, 0.025, "high"),
                count_limit(e, 0.001, "low"), count_limit(e, 0.001, "high")]
        rows.append([f"rate_n{n}", "rate", n, avg, 100000] + [v / n * 1e5 for v in lims] + ["", REL, SCIPY])

    def classify(avg, l95, u95, l998, u998):
        if l998 > avg:
            return "High (0.001)"
        if l95 > avg:
            return "High (0.025)"
        if u998 < avg:
            return "Low (0.001)"
        if u95 < avg:
            return "Low (0.025)"
        return "Not significant"

    for x, n, avg in [(40, 100, 0.3), (45, 100, 0.3), (15, 100, 0.3), (10, 100, 0.3), (31, 100, 0.3)]:
        l95, u95 = wilson(x, n, stats.norm.ppf(0.975))
        l998, u998 = wilson(x, n, stats.norm.ppf(0.999))
        # The multiplier column carries the average for significance rows.
        rows.append([f"significance_proportion_{x}_{n}", "proportion_significance", x, n, avg, "", "", "", "",
                     classify(avg, l95, u95, l998, u998), REL, SCIPY])
    for o, e in [(5, 1.2), (30, 18), (12, 20), (3, 10), (100, 100)]:
        l95, u95 = poisson(o, 0.95)
        l998, u998 = poisson(o, 0.998)
        rows.append([f"significance_ratio_{o}_{e}", "ratio_significance", o, e, 1, "", "", "", "",
                     classify(1, l95 / e, u95 / e, l998 / e, u998 / e), REL, SCIPY])
    write("funnel.csv", ["case", "kind", "a", "b", "multiplier", "lower_2s", "upper_2s", "lower_3s", "upper_3s",
                         "significance", "tolerance", "source"], rows)


# ---------------------------------------------------------------- SPC

def spc_cases():
    rows = []

    def chart(y, rebase=(), fix=None, improvement="increase", target=None, screen=True, rule="package", run=7):
        y = list(y)
        n = len(y)
        starts = sorted({0, *[r for r in rebase if 0 < r < n]})
        out = []
        for s_i, s in enumerate(starts):
            e = starts[s_i + 1] if s_i + 1 < len(starts) else n
            seg = y[s:e]
            base = seg[: (fix if fix else len(seg))]
            mean = sum(base) / len(base)
            mr = [abs(base[i] - base[i - 1]) for i in range(1, len(base))]
            amr = sum(mr) / len(mr)
            if screen and amr > 0:
                kept = [r for r in mr if r < 3.267 * amr]
                amr = sum(kept) / len(kept)
            upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
            nupl, nlpl = mean + 2 / 3 * 2.66 * amr, mean - 2 / 3 * 2.66 * amr
            m = len(seg)
            labels = [None] * m

            def put(i, label, side):
                if labels[i] is None:
                    labels[i] = (label, side)

            # Rule flags computed independently, each as a list of +1/-1/0.
            astro = [1 if v > upl else -1 if v < lpl else 0 for v in seg]
            trend = [0] * m
            for i in range(m):
                for d in (1, -1):
                    # Window of 7 points ending anywhere containing i, all steps strictly in d.
                    for start in range(max(0, i - 6), min(i, m - 7) + 1):
                        w = seg[start:start + 7]
                        if len(w) == 7 and all((w[k + 1] - w[k]) * d > 0 for k in range(6)):
                            trend[i] = d
            side = [1 if v > mean else -1 if v < mean else 0 for v in seg]

            def close(v):
                if v > nupl and (rule == "mdc2023" or v <= upl):
                    return 1
                if v < nlpl and (rule == "mdc2023" or v >= lpl):
                    return -1
                return 0

            two3 = [0] * m
            for st in range(m - 2):
                for d in (1, -1):
                    idx = range(st, st + 3)
                    if all(side[i] == d for i in idx) and sum(close(seg[i]) == d for i in idx) >= 2:
                        for i in idx:
                            if close(seg[i]) == d:
                                two3[i] = d
            shift = [0] * m
            for i in range(m):
                for d in (1, -1):
                    for start in range(max(0, i - run + 1), min(i, m - run) + 1):
                        if all(side[k] == d for k in range(start, start + run)):
                            shift[i] = d
            for i in range(m):
                if astro[i]:
                    put(i, "Above UCL" if astro[i] > 0 else "Below LCL", astro[i])
                if trend[i]:
                    put(i, "7 Point Trend (Increasing)" if trend[i] > 0 else "7 Point Trend (Decreasing)", trend[i])
                if two3[i]:
                    put(i, "2 in 3 Above CL" if two3[i] > 0 else "2 in 3 Below CL", two3[i])
                if shift[i]:
                    put(i, f"{run} Points Above CL" if shift[i] > 0 else f"{run} Points Below CL", shift[i])
            for i in range(m):
                lab = labels[i]
                if lab is None:
                    pt = "common_cause"
                elif improvement == "neutral":
                    pt = "special_cause_neutral_high" if lab[1] > 0 else "special_cause_neutral_low"
                elif (lab[1] > 0) == (improvement == "increase"):
                    pt = "special_cause_improvement"
                else:
                    pt = "special_cause_concern"
                out.append((mean, lpl, upl, nlpl, nupl, pt, lab[0] if lab else ""))
        assurance = ""
        if target is not None and improvement != "neutral":
            _, lpl, upl, *_ = out[-1]
            if target > upl:
                assurance = "consistent_fail" if improvement == "increase" else "consistent_pass"
            elif target < lpl:
                assurance = "consistent_pass" if improvement == "increase" else "consistent_fail"
            else:
                assurance = "inconsistent"
        return out, assurance

    stable = [50, 52, 49, 51, 53, 48, 50, 52, 51, 49, 50, 48, 52, 51, 50]
    cases = [
        ("stable", stable, {}),
        ("astronomical_high", stable[:10] + [75] + stable[10:], {}),
        ("trend_up", [10, 11, 9, 10, 12, 13, 14, 15, 16, 17, 18, 12, 11, 10, 11], {}),
        ("trend_tie_breaks", [10, 11, 12, 13, 13, 14, 15, 16, 10, 11, 9, 10], {}),
        ("shift_below_decrease", [60, 62, 61, 63, 59, 60, 55, 54, 56, 55, 54, 53, 55, 54, 62, 61], {"improvement": "decrease"}),
        ("shift_six", [60, 62, 61, 63, 59, 60, 55, 54, 56, 55, 54, 53, 62, 61, 63, 60], {"run": 6}),
        ("two_of_three_package", [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 24.5, 20.5, 24.6, 20, 19, 21], {}),
        ("two_of_three_mdc2023", [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 24.5, 20.5, 40, 20, 19, 21], {"rule": "mdc2023"}),
        ("two_of_three_package_beyond_3s", [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 24.5, 20.5, 40, 20, 19, 21], {}),
        ("no_screening", [20, 21, 19, 20, 45, 20, 21, 19, 20, 22, 18, 20], {"screen": False}),
        ("screening", [20, 21, 19, 20, 45, 20, 21, 19, 20, 22, 18, 20], {}),
        ("rebase", stable[:8] + [70, 72, 69, 71, 73, 70, 71], {"rebase": [8]}),
        ("fix_after", stable[:12] + [60, 61, 59, 62], {"fix": 12}),
        ("neutral", stable[:10] + [75] + stable[10:], {"improvement": "neutral"}),
        ("target_pass", stable, {"target": 30}),
        ("target_fail", stable, {"target": 70}),
        ("target_inconsistent_decrease", stable, {"target": 50.5, "improvement": "decrease"}),
    ]
    for case, y, o in cases:
        pts, assurance = chart(y, **o)
        rows.append([
            case, join(y), join(o.get("rebase", [])), o.get("fix") or "", o.get("improvement", "increase"),
            "" if o.get("target") is None else o["target"], "true" if o.get("screen", True) else "false",
            o.get("rule", "package"), o.get("run", 7),
            join(p[0] for p in pts), join(p[1] for p in pts), join(p[2] for p in pts),
            join(p[3] for p in pts), join(p[4] for p in pts), ";".join(p[5] for p in pts),
            ";".join(p[6] for p in pts), assurance, "independent Python transcription of METHODS.md section 2",
        ])
    write("spc.csv", ["case", "values", "rebase", "fix_after", "improvement", "target", "screen_outliers", "rule_2of3",
                      "run_length", "mean", "lpl", "upl", "near_lpl", "near_upl", "point_type", "special_cause_rule",
                      "assurance", "source"], rows)


# ---------------------------------------------------------------- life expectancy

def life_expectancies():
    rows = []
    ages20 = [0, 1] + list(range(5, 95, 5))

    def table(ages, deaths, pops, c):
        ages, d, p = np.array(ages, float), np.array(deaths, float), np.array(pops, float)
        k = len(ages)
        m = d / p
        n = np.append(np.diff(ages), 2 / m[-1])
        a = np.where(ages == 0, 0.1, 0.5)
        q = n * m / (1 + n * m * (1 - a))
        q = np.where(d > p / n / a, 1.0, q)
        q[-1] = 1.0
        l = np.empty(k)
        l[0] = 100000.0
        for i in range(1, k):
            l[i] = l[i - 1] * (1 - q[i - 1])
        dd = np.append(l[:-1] - l[1:], l[-1])
        big_l = np.empty(k)
        big_l[:-1] = n[:-1] * (l[1:] + a[:-1] * dd[:-1])
        big_l[-1] = l[-1] / m[-1]
        t = np.cumsum(big_l[::-1])[::-1]
        with np.errstate(invalid="ignore"):
            e = t / l
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.where(d > 0, q ** 2 * (1 - q) / d, 0.0)
        w = np.empty(k)
        # Where q = 1 (var = 0) or nobody is left (l = 0) the weight is 0, whatever e beyond is.
        with np.errstate(invalid="ignore"):
            w[:-1] = np.where((var[:-1] == 0) | (l[:-1] == 0), 0.0,
                              l[:-1] ** 2 * ((1 - a[:-1]) * n[:-1] + e[1:]) ** 2 * var[:-1])
        w[-1] = (l[-1] / 2) ** 2 * 4 / (d[-1] * m[-1] ** 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.sqrt(np.cumsum(w[::-1])[::-1]) / l
        z = z_of(c)
        values, lows, highs = [], [], []
        for i in range(k):
            if p.sum() <= 5000 or l[i] == 0:
                values.append(None), lows.append(None), highs.append(None)
                continue
            width = 2 * stats.norm.ppf(0.975) * se[i]
            values.append(None if width > 20 else e[i])
            lows.append(e[i] - z * se[i])
            highs.append(e[i] + z * se[i])
        return values, lows, highs

    # A plausible English local authority (deaths and mid-year populations per band).
    pops20 = [1200, 4800, 6100, 5900, 5600, 6200, 6900, 7100, 6800, 6500, 7000, 7300, 6900, 6000, 5400, 4800, 3500, 2400, 1400, 600]
    deaths20 = [5, 1, 1, 1, 3, 4, 6, 8, 11, 16, 25, 40, 60, 85, 120, 160, 210, 260, 280, 250]
    for case, ages, d, p, c in [
        ("twenty_bands", ages20, deaths20, pops20, 0.95),
        ("twenty_bands_998", ages20, deaths20, pops20, 0.998),
        ("nineteen_bands_85_plus", ages20[:-1], deaths20[:-2] + [530], pops20[:-2] + [2000], 0.95),
        ("small_area_just_over_5000", ages20, [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 2, 3, 4, 5, 7, 9, 12, 14, 15, 12],
         [60, 240, 300, 290, 280, 310, 340, 350, 340, 330, 350, 360, 340, 300, 270, 240, 170, 120, 70, 30], 0.95),
        # 700 deaths > 1500/5/0.5 in the band 5-9 sets q = 1 there (PHEindicatormethods #47, #48).
        ("q_equals_one_rule", [0, 1, 5, 10], [2, 1, 700, 50], [300, 1500, 1500, 3000], 0.95),
        ("four_bands_first_five_years", [0, 5, 45, 85], [12, 40, 900, 700], [3000, 25000, 21000, 1500], 0.95),
        # One death in a final band of 10 people: a 95% interval about 39 years wide.
        ("wide_interval_value_suppressed", ages20, [0] * 19 + [1], [300] * 19 + [10], 0.95),
    ]:
        v, lo, hi = table(ages, d, p, c)
        rows.append([case, join(ages), join(d), join(p), c, join(v), join(lo), join(hi), "ok", "", SCIPY])
    rows.append(["zero_population", "0;1;5", "1;1;5", "100;0;6000", 0.95, "", "", "", "missing", "population 0", "definition"])
    rows.append(["deaths_exceed_population", "0;1;5", "1;30;5", "100;20;6000", 0.95, "", "", "", "missing", "deaths exceed population", "definition"])
    rows.append(["no_deaths_final_band", "0;1;5", "1;3;0", "100;2000;6000", 0.95, "", "", "", "missing", "no deaths in the final", "definition"])
    rows.append(["small_population", "0;1;5", "1;3;10", "100;2000;2900", 0.95, "", "", "", "missing", "5000", "Fingertips rule"])
    write("life_expectancy.csv", ["case", "start_ages", "deaths", "populations", "confidence", "value", "lowercl",
                                  "uppercl", "outcome", "reason", "source"], rows)


if __name__ == "__main__":
    proportions()
    rates()
    rates_non_independent()
    means()
    dsrs()
    isrs()
    comparisons()
    quantiles()
    sii_cases()
    funnels()
    spc_cases()
    life_expectancies()
    print("golden files written to", HERE)
