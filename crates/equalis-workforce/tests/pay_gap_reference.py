"""Independent reference computation for the gender pay gap cross-check test.

Run once by hand (`python3 pay_gap_reference.py`) to print the dataset and the expected
figures pasted into `tests/pay_gap_cross_check.rs`. Python is a reference only, not a
dependency of equalis: the test does not run this script.

It follows SI 2017/353 Schedule 1 written out independently of the Rust engine:
- hourly rate = ordinary pay * 7 / days in pay period / weekly hours;
- quartile section sizes from ceil((n - q) / 4), q = 0..3 (equal as far as possible,
  lower sections first), and exact rational arithmetic (fractions.Fraction) for ties:
  each employee of a tie occupying ranks [start, end) contributes
  |[start, end) & [section)| / (end - start) to each section it spans.
"""

from fractions import Fraction
import math
import statistics

# Deterministic 64-bit LCG so the dataset never depends on Python's random module.
state = 20250331


def rnd(n):
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return (state >> 33) % n


# A pay scale with few distinct points so that ties, including ties across quartile
# boundaries, are common; hours vary so equal hourly rates arise from different pay.
SPINE = [12.0, 13.5, 15.0, 18.0, 21.0, 25.0, 30.0, 42.0]
HOURS = [37.5, 30.0, 22.5, 18.75]
DAYS = 30

rows = []  # (sex, ordinary_pay, days, hours, bonus, full_pay)
for i in range(41):
    sex = "M" if rnd(5) < 2 else "F"
    rate = SPINE[rnd(len(SPINE))]
    if sex == "M" and rnd(3) == 0:
        rate = SPINE[min(len(SPINE) - 1, SPINE.index(rate) + 2)]
    hours = HOURS[rnd(len(HOURS))]
    pay = round(rate * hours * DAYS / 7, 2)
    bonus = [0, 0, 0, 250, 500, 1200, 3000][rnd(7)]
    full_pay = rnd(10) != 0
    rows.append((sex, pay, DAYS, hours, bonus, full_pay))


def hourly(pay, days, hours):
    return pay * 7 / days / hours


def key(rate):
    return round(rate * 1e6)


men = [r for r in rows if r[0] == "M"]
women = [r for r in rows if r[0] == "F"]
fp_men = [hourly(r[1], r[2], r[3]) for r in men if r[5]]
fp_women = [hourly(r[1], r[2], r[3]) for r in women if r[5]]


def gap(a, b):
    return (a - b) / a * 100


print("// dataset: (male, ordinary_pay, pay_period_days, weekly_hours, bonus, full_pay)")
for r in rows:
    print(f"    ({'true' if r[0] == 'M' else 'false'}, {r[1]!r}, {r[2]}, {r[3]!r}, {float(r[4])!r}, {'true' if r[5] else 'false'}),")

print("mean_gap", repr(gap(statistics.fmean(fp_men), statistics.fmean(fp_women))))
print("median_gap", repr(gap(statistics.median(fp_men), statistics.median(fp_women))))
bm = [r[4] for r in men if r[4] > 0]
bw = [r[4] for r in women if r[4] > 0]
print("mean_bonus_gap", repr(gap(statistics.fmean(bm), statistics.fmean(bw))))
print("median_bonus_gap", repr(gap(statistics.median(bm), statistics.median(bw))))
print("bonus_prop_male", repr(len(bm) / len(men) * 100))
print("bonus_prop_female", repr(len(bw) / len(women) * 100))

ranked = sorted([(key(h), "M") for h in fp_men] + [(key(h), "F") for h in fp_women])
n = len(ranked)
sizes = [math.ceil((n - q) / 4) for q in range(4)]
bounds = [0]
for s in sizes:
    bounds.append(bounds[-1] + s)
male_in = [Fraction(0)] * 4
i = 0
while i < n:
    j = i
    while j < n and ranked[j][0] == ranked[i][0]:
        j += 1
    for k in range(i, j):
        if ranked[k][1] != "M":
            continue
        for q in range(4):
            overlap = max(0, min(j, bounds[q + 1]) - max(i, bounds[q]))
            male_in[q] += Fraction(overlap, j - i)
    i = j
print("n_full_pay", n, "sizes", sizes, "men", len(fp_men), "women", len(fp_women))
for q in range(4):
    m = male_in[q] / sizes[q] * 100
    print("quartile", q, "male_pct", repr(float(m)), "female_pct", repr(float(100 - m)))
