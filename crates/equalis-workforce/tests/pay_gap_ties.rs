//! Issue 19 item 1: the pay gap measures against an independent computation on a workforce
//! hard on them. `tests/pay_gap_ties_reference.py` (Python, exact fractions, written from
//! SI 2017/353 Schedule 1 rather than from this engine) wrote the staff extract
//! `tests/fixtures/pay_gap_ties.csv` and printed the figures pasted below: trust RX1 has about
//! 480 relevant employees on a pay spine of a few hourly rates reached through different hours,
//! so that every quartile boundary falls inside a tie, and few bonus recipients (17 men and 14
//! women), as well as staff on reduced pay, without pay data, on the bank, a voting
//! non-executive and stated genders other than male and female. Each figure must match to 1e-6
//! relative before rounding, and exactly at the one decimal place the GOV.UK service takes.
//! The binary's end-to-end test ingests the same file and checks what `equalis workforce
//! pay-gap` publishes against the same figures.

use std::collections::BTreeMap;

use equalis_vocab::{BoardMember, Disability, EthnicCategory, Flag, PayBand, Sex};
use equalis_workforce::pay_gap::{
    PayGapAnalysis, PayGapOptions, disability_pay_gap, ethnicity_pay_gap, gender_pay_gap,
};
use equalis_workforce::{Figure, Scope, StaffRecord, Workforce, WorkforceData};
use jiff::civil::Date;

// (measure, exact value, published to one decimal place), as printed by the script.
const GENDER_RX1: &[(&str, f64, &str)] = &[
    ("Female mean_gap", 9.339725453231877, "9.3"),
    ("Female median_gap", 16.866086036568266, "16.9"),
    ("Female mean_bonus_gap", -13.47990449661759, "-13.5"),
    ("Female median_bonus_gap", 60.0, "60.0"),
    ("Male bonus_pct", 7.906976744186046, "7.9"),
    ("Female bonus_pct", 5.490196078431373, "5.5"),
    ("q0 Male", 41.769911504424776, "41.8"),
    ("q0 Female", 58.230088495575224, "58.2"),
    ("q1 Male", 41.169950738916256, "41.2"),
    ("q1 Female", 58.830049261083744, "58.8"),
    ("q2 Male", 47.3419540229885, "47.3"),
    ("q2 Female", 52.6580459770115, "52.7"),
    ("q3 Male", 51.48809523809524, "51.5"),
    ("q3 Female", 48.51190476190476, "48.5"),
];

const DISABILITY_RX1: &[(&str, f64, &str)] = &[
    ("Disabled mean_gap", 3.199294751818192, "3.2"),
    ("Disabled median_gap", 0.0, "0.0"),
    ("Disabled mean_bonus_gap", 31.29824561403509, "31.3"),
    ("Disabled median_bonus_gap", 0.0, "0.0"),
    ("Unknown mean_gap", 1.9573180211732601, "2.0"),
    ("Unknown median_gap", 5.31632110579479e-05, "0.0"),
    ("Unknown mean_bonus_gap", -35.08771929824562, "-35.1"),
    ("Unknown median_bonus_gap", -150.0, "-150.0"),
    ("Non-disabled bonus_pct", 5.9620596205962055, "6.0"),
    ("Disabled bonus_pct", 4.411764705882353, "4.4"),
    ("Unknown bonus_pct", 13.953488372093023, "14.0"),
    ("q0 Non-disabled", 74.82502651113468, "74.8"),
    ("q0 Disabled", 16.829268292682926, "16.8"),
    ("q0 Unknown", 8.345705196182397, "8.3"),
    ("q1 Non-disabled", 78.91410392364793, "78.9"),
    ("q1 Disabled", 11.402615765288088, "11.4"),
    ("q1 Unknown", 9.68328031106398, "9.7"),
    ("q2 Non-disabled", 79.12280701754386, "79.1"),
    ("q2 Disabled", 13.625730994152047, "13.6"),
    ("q2 Unknown", 7.251461988304094, "7.3"),
    ("q3 Non-disabled", 76.3157894736842, "76.3"),
    ("q3 Disabled", 14.035087719298245, "14.0"),
    ("q3 Unknown", 9.649122807017545, "9.6"),
];

const ETHNICITY_BINARY_RX1: &[(&str, f64, &str)] = &[
    ("Ethnic minority mean_gap", -1.916470554936596, "-1.9"),
    ("Ethnic minority median_gap", 0.0, "0.0"),
    ("Ethnic minority mean_bonus_gap", 73.03703703703704, "73.0"),
    (
        "Ethnic minority median_bonus_gap",
        83.33333333333333,
        "83.3",
    ),
    ("Not stated mean_gap", -18.739283490977012, "-18.7"),
    ("Not stated median_gap", -52.21283891547049, "-52.2"),
    ("Not known mean_gap", 7.697375156615009, "7.7"),
    ("Not known median_gap", 16.865975544922915, "16.9"),
    ("White bonus_pct", 8.383233532934131, "8.4"),
    ("Ethnic minority bonus_pct", 2.2222222222222223, "2.2"),
    ("Not stated bonus_pct", 0.0, "0.0"),
    ("Not known bonus_pct", 0.0, "0.0"),
    ("q0 White", 68.70625662778367, "68.7"),
    ("q0 Ethnic minority", 30.0424178154825, "30.0"),
    ("q0 Not stated", 1.2513255567338282, "1.3"),
    ("q0 Not known", 0.0, "0.0"),
    ("q1 White", 70.7140332272888, "70.7"),
    ("q1 Ethnic minority", 26.18946624248851, "26.2"),
    ("q1 Not stated", 0.4878048780487805, "0.5"),
    ("q1 Not known", 2.608695652173913, "2.6"),
    ("q2 White", 67.25146198830409, "67.3"),
    ("q2 Ethnic minority", 30.116959064327485, "30.1"),
    ("q2 Not stated", 1.7543859649122806, "1.8"),
    ("q2 Not known", 0.8771929824561403, "0.9"),
    ("q3 White", 69.29824561403508, "69.3"),
    ("q3 Ethnic minority", 28.07017543859649, "28.1"),
    ("q3 Not stated", 1.7543859649122806, "1.8"),
    ("q3 Not known", 0.8771929824561403, "0.9"),
];

const GENDER_RX2: &[(&str, f64, &str)] = &[
    ("Female mean_gap", 0.0, "0.0"),
    ("Female median_gap", 0.0, "0.0"),
    ("Female mean_bonus_gap", 72.72727272727273, "72.7"),
    ("Female median_bonus_gap", 72.72727272727273, "72.7"),
    ("Male bonus_pct", 55.0, "55.0"),
    ("Female bonus_pct", 15.0, "15.0"),
    ("q0 Male", 50.0, "50.0"),
    ("q0 Female", 50.0, "50.0"),
    ("q1 Male", 50.0, "50.0"),
    ("q1 Female", 50.0, "50.0"),
    ("q2 Male", 50.0, "50.0"),
    ("q2 Female", 50.0, "50.0"),
    ("q3 Male", 50.0, "50.0"),
    ("q3 Female", 50.0, "50.0"),
];

const SNAPSHOT: Date = Date::constant(2025, 3, 31);
const TOO_SMALL: &str = "fewer relevant employees than the small-group threshold";

/// The staff extract, read as the data contract defines its columns.
fn workforce() -> Workforce {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pay_gap_ties.csv"
    ))
    .expect("fixture");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let staff = lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let get = |name: &str| f[col(name)];
            let num =
                |name: &str| (!get(name).is_empty()).then(|| get(name).parse::<f64>().unwrap());
            let mut s = StaffRecord::new(
                get("staff_id"),
                get("org_code"),
                SNAPSHOT,
                PayBand::parse(get("pay_band")).unwrap(),
                EthnicCategory::parse(get("ethnic_category")).unwrap(),
                Disability::parse(get("disability")).unwrap(),
                Sex::parse(get("sex")).unwrap(),
            );
            s.bank = Flag::parse(get("bank")).unwrap();
            s.ordinary_pay = num("ordinary_pay");
            s.pay_period_days = num("pay_period_days").map(|d| d as u32);
            s.weekly_hours = num("weekly_hours");
            s.bonus_pay_12m = num("bonus_pay_12m");
            s.full_pay_relevant = Flag::parse(get("full_pay_relevant")).unwrap();
            s.board_member = BoardMember::parse(get("board_member")).unwrap();
            s
        })
        .collect();
    Workforce::new(WorkforceData {
        staff,
        ..WorkforceData::default()
    })
    .expect("valid fixture")
}

fn org(code: &str) -> Scope {
    Scope::Organisation(code.to_owned())
}

/// Every figure of an analysis under the script's names: `G mean_gap`, `G bonus_pct`, `qN G`.
fn figures<G: Copy + PartialEq>(
    a: &PayGapAnalysis<G>,
    label: impl Fn(G) -> &'static str,
) -> BTreeMap<String, Figure> {
    let mut m = BTreeMap::new();
    for g in &a.gaps {
        let l = label(g.group);
        m.insert(format!("{l} mean_gap"), g.mean_gap_pct);
        m.insert(format!("{l} median_gap"), g.median_gap_pct);
        m.insert(format!("{l} mean_bonus_gap"), g.mean_bonus_gap_pct);
        m.insert(format!("{l} median_bonus_gap"), g.median_bonus_gap_pct);
    }
    for g in &a.groups {
        m.insert(
            format!("{} bonus_pct", label(g.group)),
            g.bonus_proportion_pct,
        );
    }
    for (q, quartile) in a.quartiles.iter().enumerate() {
        for s in &quartile.shares {
            m.insert(format!("q{q} {}", label(s.group)), s.pct);
        }
    }
    m
}

/// Each expected figure matches to 1e-6 relative, and to the digit at one decimal place;
/// figures of the `withheld` groups are withheld as too small instead.
#[track_caller]
fn check(expected: &[(&str, f64, &str)], got: &BTreeMap<String, Figure>, withheld: &[&str]) {
    for &(name, value, published) in expected {
        let f = *got
            .get(name)
            .unwrap_or_else(|| panic!("{name}: not computed"));
        if withheld.iter().any(|w| name.contains(w)) {
            assert_eq!(f.reason(), Some(TOO_SMALL), "{name}: {f:?}");
            continue;
        }
        let v = f.value().unwrap_or_else(|| panic!("{name}: {f:?}"));
        assert!(
            (v - value).abs() <= 1e-6 * value.abs() + 1e-12,
            "{name}: {v} against the reference {value}"
        );
        let shown = format!("{:.1}", f.rounded(1).value().unwrap());
        assert_eq!(shown, published, "{name} at one decimal place");
    }
}

#[test]
fn the_six_gender_pay_gap_measures_match_the_reference() {
    let data = workforce();
    let g = gender_pay_gap(&data, &org("RX1"), SNAPSHOT);
    // 480 employees and a voting non-executive, who holds office rather than employment.
    assert_eq!(g.coverage.relevant_employees, 480);
    assert_eq!(g.excluded_sex_not_male_or_female, 10);
    let sizes: Vec<u64> = g.quartiles.iter().map(|q| q.employees).collect();
    assert_eq!(sizes, [113, 112, 112, 112]);
    let mut got = BTreeMap::new();
    for (k, f) in [
        ("Female mean_gap", g.mean_gap_pct),
        ("Female median_gap", g.median_gap_pct),
        ("Female mean_bonus_gap", g.mean_bonus_gap_pct),
        ("Female median_bonus_gap", g.median_bonus_gap_pct),
        ("Male bonus_pct", g.bonus_proportion.male),
        ("Female bonus_pct", g.bonus_proportion.female),
    ] {
        got.insert(k.to_owned(), f);
    }
    for (q, quartile) in g.quartiles.iter().enumerate() {
        got.insert(format!("q{q} Male"), quartile.pct.male);
        got.insert(format!("q{q} Female"), quartile.pct.female);
    }
    check(GENDER_RX1, &got, &[]);
    // Few men and women were paid a bonus: 17 of 215 and 14 of 255.
    assert_eq!((g.male.paid_bonus, g.male.relevant_employees), (17, 215));
    assert_eq!(
        (g.female.paid_bonus, g.female.relevant_employees),
        (14, 255)
    );
    let rx2 = gender_pay_gap(&data, &org("RX2"), SNAPSHOT);
    let mut got = BTreeMap::new();
    for (k, f) in [
        ("Female mean_gap", rx2.mean_gap_pct),
        ("Female median_gap", rx2.median_gap_pct),
        ("Female mean_bonus_gap", rx2.mean_bonus_gap_pct),
        ("Female median_bonus_gap", rx2.median_bonus_gap_pct),
        ("Male bonus_pct", rx2.bonus_proportion.male),
        ("Female bonus_pct", rx2.bonus_proportion.female),
    ] {
        got.insert(k.to_owned(), f);
    }
    for (q, quartile) in rx2.quartiles.iter().enumerate() {
        got.insert(format!("q{q} Male"), quartile.pct.male);
        got.insert(format!("q{q} Female"), quartile.pct.female);
    }
    check(GENDER_RX2, &got, &[]);
}

#[test]
fn the_disability_and_ethnicity_pay_gaps_match_the_reference() {
    let data = workforce();
    let d = disability_pay_gap(&data, &org("RX1"), SNAPSHOT, PayGapOptions::default());
    let label = |g: Disability| match g {
        Disability::NotDisabled => "Non-disabled",
        Disability::Disabled => "Disabled",
        Disability::Unknown => "Unknown",
    };
    check(DISABILITY_RX1, &figures(&d.analysis, label), &[]);
    let e = ethnicity_pay_gap(&data, &org("RX1"), SNAPSHOT, PayGapOptions::default());
    // Not stated (6) and Not known (5) are below the small-group threshold of 10: every figure
    // of theirs is withheld, and as two groups' shares are withheld no third is needed.
    check(
        ETHNICITY_BINARY_RX1,
        &figures(&e.binary, |g| g.label()),
        &["Not stated", "Not known"],
    );
}
