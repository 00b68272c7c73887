"""Independent reference computation for `tests/pay_gap_ties.rs` and the binary's end-to-end
test `pay_gap_measures_are_exact_and_match_the_reference` (issue 19 item 1).

Run once by hand (`python3 pay_gap_ties_reference.py` from this directory) to write the staff
extract `fixtures/pay_gap_ties.csv` (the data contract's `staff` columns) and print the
expected figures pasted into those tests. Python is a reference only, not a dependency of
equalis: the tests do not run this script.

The workforce is built to be hard on the six measures of SI 2017/353 Schedule 1:
- about 480 relevant employees of trust RX1 on a pay spine of a few hourly rates, so that many
  employees share a rate and most quartile boundaries fall inside a tie; the same rate is
  reached through different weekly hours (pay = rate x hours x 4 over a 28-day period, exact in
  pence), so ties are ties of the hourly rate, not of the pay;
- few bonus recipients (about a dozen men and nine women), so that counts rounded to 5 would
  give visibly different bonus proportions;
- employees on reduced pay for leave (out of the hourly measures, in the bonus measures),
  employees without pay data, bank staff (relevant employees), a voting non-executive (not an
  employee), and stated genders other than male and female (out of the gender pay gap, in the
  ethnicity and disability pay gaps).
Trust RX2 (40 staff, three women paid a bonus) is where a bonus gap must be withheld.

Everything is computed with exact fractions, written out from the regulations rather than from
the Rust engine: hourly rate = ordinary pay x 7 / days in the pay period / weekly hours;
quartile sections of sizes ceil((n - q) / 4), q = 0..3; an employee of a tie occupying ranks
[start, end) contributes |[start, end) & section| / (end - start) to each section it spans
(Schedule 1: the proportions at a rate are the same in every band the tie spans). The figures
published to one decimal place are rounded half away from zero, and the script refuses a seed
whose figure lies within 1e-6 of a rounding boundary (where floating-point arithmetic could
honestly round either way).
"""

from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction
import math
import os
import statistics

state = 20260331


def rnd(n):
    """A deterministic 64-bit LCG, so the data never depend on Python's random module."""
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return (state >> 33) % n


# Hourly rates in pence, few of them, so that ties are everywhere.
SPINE = ["11.45", "12.21", "12.21", "13.90", "13.90", "16.72", "19.80", "24.35", "31.10", "43.55"]
HOURS = ["37.5", "30", "22.5", "15"]
ETHNIC = ["A"] * 12 + ["B", "C", "H", "J", "M", "N", "R", "S", "D", "K"] * 1 + ["A"] * 6
SNAPSHOT = "2025-03-31"

rows = []  # dicts in contract column names


def person(org, i, sex, eth, dis, rate, hours, days, bonus, full_pay, bank, board, pay=None):
    if pay is None:
        if days == 28:
            pay = Fraction(rate) * Fraction(hours) * 4
        else:
            pay = (Fraction(rate) * Fraction(hours) * days / 7).limit_denominator(100)
            pay = Fraction(round(pay * 100), 100)
    rows.append(
        {
            "staff_id": f"{org}-{i:04d}",
            "org_code": org,
            "snapshot_date": SNAPSHOT,
            "staff_group": "Admin and clerical",
            "clinical": "N",
            "pay_band": "5",
            "ethnic_category": eth,
            "disability": dis,
            "sex": sex,
            "bank": "Y" if bank else "N",
            "ordinary_pay": "" if pay == "" else f"{float(pay):.2f}",
            "pay_period_days": "" if pay == "" else str(days),
            "weekly_hours": "" if pay == "" else hours,
            "bonus_pay_12m": str(bonus),
            "full_pay_relevant": "Y" if full_pay else "N",
            "board_member": board,
        }
    )


for i in range(480):
    r = rnd(100)
    sex = "1" if r < 44 else "2" if r < 98 else ("9" if r == 98 else "X")
    step = rnd(len(SPINE))
    if sex == "1" and rnd(3) == 0:
        step = min(len(SPINE) - 1, step + 2)
    rate = SPINE[step]
    hours = HOURS[rnd(len(HOURS))]
    days = 28 if rnd(6) else 30
    eth = ETHNIC[rnd(len(ETHNIC))]
    if i % 80 == 7:
        eth = "Z"
    if i % 97 == 11:
        eth = "99"
    dr = rnd(20)
    dis = "Y" if dr < 3 else "U" if dr < 5 else "N"
    # Few bonuses: about one in twenty, more often higher up the spine.
    bonus = 0
    if rnd(40) < 1 + step // 3:
        bonus = [250, 500, 1200, 3000, 7500][rnd(5)]
    full_pay = rnd(25) != 0
    bank = rnd(30) == 0
    pay = "" if rnd(90) == 0 else None
    person("RX1", i, sex, eth, dis, rate, hours, days, bonus, full_pay, bank, "", pay)
# A voting non-executive director holds office, not employment: not a relevant employee.
person("RX1", 900, "1", "A", "N", "43.55", "15", 28, 0, True, False, "voting_non_exec")

# RX2: 40 staff, three women and eleven men paid a bonus.
for i in range(40):
    sex = "2" if i < 20 else "1"
    rate = SPINE[i % len(SPINE)]
    bonus = 400 + 50 * i if (i < 3 or 20 <= i < 31) else 0
    person("RX2", i, sex, "A", "N", rate, "37.5", 28, bonus, True, False, "")


# ---------------------------------------------------------------- the engine, independently


def relevant(org):
    return [r for r in rows if r["org_code"] == org and r["board_member"] != "voting_non_exec"]


def hourly(r):
    """Exact hourly rate of a full-pay relevant employee with pay data, else None."""
    if r["full_pay_relevant"] == "N" or r["ordinary_pay"] == "":
        return None
    return Fraction(r["ordinary_pay"]) * 7 / int(r["pay_period_days"]) / Fraction(r["weekly_hours"])


def analyse(people, group_of, groups, reference):
    """Every figure of the engine for the listed groups (others ignored)."""
    members = [(group_of(r), r) for r in people if group_of(r) in groups]
    out = {"groups": {}, "gaps": {}, "quartiles": []}
    for g in groups:
        rs = [r for gg, r in members if gg == g]
        rates = sorted(h for h in (hourly(r) for r in rs) if h is not None)
        bonuses = sorted(Fraction(r["bonus_pay_12m"]) for r in rs if Fraction(r["bonus_pay_12m"]) > 0)
        out["groups"][g] = {
            "relevant": len(rs),
            "full_pay": len(rates),
            "paid_bonus": len(bonuses),
            "mean": sum(rates) / len(rates) if rates else None,
            "median": statistics.median(rates) if rates else None,
            "mean_bonus": sum(bonuses) / len(bonuses) if bonuses else None,
            "median_bonus": statistics.median(bonuses) if bonuses else None,
            "bonus_pct": Fraction(len(bonuses) * 100, len(rs)) if rs else None,
        }

    def gap(a, b):
        return None if a is None or b is None else (a - b) / a * 100

    ref = out["groups"][reference]
    for g in groups:
        if g == reference:
            continue
        x = out["groups"][g]
        out["gaps"][g] = {
            "mean": gap(ref["mean"], x["mean"]),
            "median": gap(ref["median"], x["median"]),
            "mean_bonus": gap(ref["mean_bonus"], x["mean_bonus"]),
            "median_bonus": gap(ref["median_bonus"], x["median_bonus"]),
        }
    ranked = sorted((hourly(r), g) for g, r in members if hourly(r) is not None)
    n = len(ranked)
    sizes = [math.ceil((n - q) / 4) for q in range(4)]
    bounds = [0]
    for s in sizes:
        bounds.append(bounds[-1] + s)
    held = [{g: Fraction(0) for g in groups} for _ in range(4)]
    i = 0
    straddling = 0
    while i < n:
        j = i
        while j < n and ranked[j][0] == ranked[i][0]:
            j += 1
        spans = [q for q in range(4) if min(j, bounds[q + 1]) > max(i, bounds[q])]
        straddling += len(spans) > 1
        for k in range(i, j):
            for q in spans:
                overlap = min(j, bounds[q + 1]) - max(i, bounds[q])
                held[q][ranked[k][1]] += Fraction(overlap, j - i)
        i = j
    out["sizes"] = sizes
    out["straddling_ties"] = straddling
    out["quartiles"] = [{g: held[q][g] * 100 / sizes[q] for g in groups} for q in range(4)]
    return out


def one_dp(x):
    """The published figure: one decimal place, half away from zero, from the exact value."""
    d = Decimal(x.numerator) / Decimal(x.denominator)
    tenth = x * 10 - math.floor(x * 10)
    assert abs(tenth - Fraction(1, 2)) > Fraction(1, 10**6), f"{float(x)} is on a rounding boundary"
    return d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def show(name, x):
    if x is None:
        print(f"    // {name}: undefined")
    else:
        print(f"    ({name!r}, {float(x)!r}, \"{one_dp(x)}\"),")


def report(title, a, reference):
    print(f"// {title}: sizes {a['sizes']}, {a['straddling_ties']} ties straddle a boundary")
    for g, x in a["groups"].items():
        print(f"//   {g}: relevant {x['relevant']}, full pay {x['full_pay']}, paid a bonus {x['paid_bonus']}")
    for g, x in a["gaps"].items():
        for k in ["mean", "median", "mean_bonus", "median_bonus"]:
            show(f"{g} {k}_gap", x[k])
    for g, x in a["groups"].items():
        show(f"{g} bonus_pct", x["bonus_pct"])
    for q in range(4):
        for g in a["groups"]:
            show(f"q{q} {g}", a["quartiles"][q][g])


rx1 = relevant("RX1")
sex_names = {"1": "Male", "2": "Female"}
gender = analyse(rx1, lambda r: sex_names.get(r["sex"]), ["Male", "Female"], "Male")
report("gender, RX1", gender, "Male")
dis_names = {"N": "Non-disabled", "Y": "Disabled", "U": "Unknown"}
disability = analyse(rx1, lambda r: dis_names[r["disability"]], ["Non-disabled", "Disabled", "Unknown"], "Non-disabled")
report("disability, RX1", disability, "Non-disabled")


def binary(r):
    e = r["ethnic_category"]
    if e in ("A", "B", "C"):
        return "White"
    if e == "Z":
        return "Not stated"
    if e == "99":
        return "Not known"
    return "Ethnic minority"


ethnicity = analyse(rx1, binary, ["White", "Ethnic minority", "Not stated", "Not known"], "White")
report("ethnicity (binary), RX1", ethnicity, "White")

rx2 = analyse(relevant("RX2"), lambda r: sex_names.get(r["sex"]), ["Male", "Female"], "Male")
report("gender, RX2", rx2, "Male")

# Counts rounded to 5 first (the defect of issue 19 item 1) would publish these instead.
def r5(n):
    return 5 * math.floor(n / 5 + Fraction(1, 2))


for g in ["Male", "Female"]:
    x = gender["groups"][g]
    print(f"// rounded-count bonus proportion {g}: {100 * r5(x['paid_bonus']) / r5(x['relevant']):.1f}")

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "fixtures"), exist_ok=True)
with open(os.path.join(here, "fixtures", "pay_gap_ties.csv"), "w", newline="") as f:
    cols = list(rows[0].keys())
    f.write(",".join(cols) + "\n")
    for r in rows:
        f.write(",".join(r[c] for c in cols) + "\n")
print(f"// wrote fixtures/pay_gap_ties.csv: {len(rows)} rows")
