//! Year on year: the headline figures of a return at every 31 March snapshot up to the one
//! reported, and the change since the previous year, each published like the return itself.

use equalis_report::tables::{Sheet, Val};
use equalis_workforce::pay_gap::{
    DisabilityPayGap, EthnicityPayGap, EthnicityPayGroup, Gap, GenderPayGap, PayGapAnalysis,
};
use equalis_workforce::wdes::{SurveyMetric, WdesReport};
use equalis_workforce::wres::WresReport;
use equalis_workforce::{Figure, NotSupplied, RateComparison, SurveyComparison, year_on_year};
use jiff::civil::Date;
use serde_json::{Map, Value, json};

use super::render::{Publisher, ValJson};
use super::{rate_people, smallest_nonzero};

/// One figure followed across the years: its label, how to read it and the number of people
/// behind it (for disclosure control) from a report, and its decimals.
pub struct Tracked<R> {
    key: &'static str,
    label: &'static str,
    read: fn(&R) -> (Figure, u64),
    places: u32,
}

fn survey(s: &Result<SurveyComparison, NotSupplied>) -> (Figure, u64) {
    supplied(s, |s| (s.difference_pp, super::survey_people(s)))
}

/// A figure read from an indicator, or the undefined figure naming the dataset it needs.
fn supplied<T>(x: &Result<T, NotSupplied>, read: impl Fn(&T) -> (Figure, u64)) -> (Figure, u64) {
    match x {
        Ok(x) => read(x),
        Err(n) => (n.figure(), 0),
    }
}

/// A relative likelihood and the people behind it.
fn likelihood(c: &RateComparison) -> (Figure, u64) {
    (c.relative_likelihood.value, rate_people(c))
}

/// The WRES figures compared year on year: the relative likelihoods (2–4), the survey gaps
/// (5–8) and the board's BME share against the workforce's (9).
pub const WRES: &[Tracked<WresReport>] = &[
    Tracked {
        key: "2",
        label: "2: relative likelihood of White staff being appointed from shortlisting compared to BME staff",
        read: |r| supplied(&r.indicator2, |i| likelihood(&i.comparison)),
        places: 2,
    },
    Tracked {
        key: "3",
        label: "3: relative likelihood of BME staff entering the formal disciplinary process compared to White staff",
        read: |r| {
            supplied(&r.indicator3, |i| {
                (
                    i.comparison.relative_likelihood.value,
                    super::wres3_people(i),
                )
            })
        },
        places: 2,
    },
    Tracked {
        key: "4",
        label: "4: relative likelihood of White staff accessing non-mandatory training and CPD compared to BME staff",
        read: |r| supplied(&r.indicator4, |i| likelihood(&i.comparison)),
        places: 2,
    },
    Tracked {
        key: "5",
        label: "5: harassment from patients and the public, BME − White, percentage points",
        read: |r| survey(&r.indicator5),
        places: 1,
    },
    Tracked {
        key: "6",
        label: "6: harassment from staff, BME − White, percentage points",
        read: |r| survey(&r.indicator6),
        places: 1,
    },
    Tracked {
        key: "7",
        label: "7: equal opportunities for progression, BME − White, percentage points",
        read: |r| survey(&r.indicator7),
        places: 1,
    },
    Tracked {
        key: "8",
        label: "8: discrimination from colleagues, BME − White, percentage points",
        read: |r| survey(&r.indicator8),
        places: 1,
    },
    Tracked {
        key: "9",
        label: "9: BME % of voting board members − BME % of the workforce, percentage points",
        read: |r| {
            let i = &r.indicator9;
            // As published in the return: the board group and the workforce's BME count.
            (
                i.voting_difference.bme_pp,
                smallest_nonzero(&[i.voting.total, i.workforce.bme]),
            )
        },
        places: 1,
    },
];

fn wdes_survey(m: &Result<SurveyMetric, NotSupplied>) -> (Figure, u64) {
    supplied(m, |m| {
        (m.figures.difference_pp, super::survey_people(&m.figures))
    })
}

/// The WDES figures compared year on year: the relative likelihoods (2, 3) and the survey
/// gaps of metrics 4–7.
pub const WDES: &[Tracked<WdesReport>] = &[
    Tracked {
        key: "2",
        label: "2: relative likelihood of non-disabled applicants being appointed from shortlisting compared to Disabled applicants",
        read: |r| supplied(&r.metric2, |m| likelihood(&m.comparison)),
        places: 2,
    },
    Tracked {
        key: "3",
        label: "3: relative likelihood of Disabled staff entering the formal capability process compared to non-disabled staff",
        read: |r| {
            supplied(&r.metric3, |m| {
                (
                    m.comparison.relative_likelihood.value,
                    super::wdes3_people(m),
                )
            })
        },
        places: 2,
    },
    Tracked {
        key: "4a_public",
        label: "4a(i): harassment from patients and the public, Disabled − non-disabled, percentage points",
        read: |r| wdes_survey(&r.metric4a_public),
        places: 1,
    },
    Tracked {
        key: "5",
        label: "5: equal opportunities for progression, Disabled − non-disabled, percentage points",
        read: |r| wdes_survey(&r.metric5),
        places: 1,
    },
    Tracked {
        key: "6",
        label: "6: pressure to work when unwell, Disabled − non-disabled, percentage points",
        read: |r| wdes_survey(&r.metric6),
        places: 1,
    },
    Tracked {
        key: "7",
        label: "7: satisfied with how work is valued, Disabled − non-disabled, percentage points",
        read: |r| wdes_survey(&r.metric7),
        places: 1,
    },
];

fn full_pay(g: &GenderPayGap) -> u64 {
    g.male
        .full_pay_relevant_employees
        .min(g.female.full_pay_relevant_employees)
}

fn bonus_people(g: &GenderPayGap) -> u64 {
    g.male.paid_bonus.min(g.female.paid_bonus)
}

/// The gender pay gap measures compared year on year.
pub const GENDER: &[Tracked<GenderPayGap>] = &[
    Tracked {
        key: "mean_gap_pct",
        label: "Mean gender pay gap in hourly pay %",
        read: |g| (g.mean_gap_pct, full_pay(g)),
        places: 1,
    },
    Tracked {
        key: "median_gap_pct",
        label: "Median gender pay gap in hourly pay %",
        read: |g| (g.median_gap_pct, full_pay(g)),
        places: 1,
    },
    Tracked {
        key: "mean_bonus_gap_pct",
        label: "Mean bonus gender pay gap %",
        read: |g| (g.mean_bonus_gap_pct, bonus_people(g)),
        places: 1,
    },
    Tracked {
        key: "median_bonus_gap_pct",
        label: "Median bonus gender pay gap %",
        read: |g| (g.median_bonus_gap_pct, bonus_people(g)),
        places: 1,
    },
];

/// One group's gap against the reference group in a pay gap analysis, and the people behind
/// it: the fewer of the two groups' full-pay relevant employees, or of those paid a bonus for
/// the bonus gaps.
fn gap_of<G: Copy + PartialEq>(
    a: &PayGapAnalysis<G>,
    group: G,
    measure: fn(&Gap<G>) -> Figure,
    bonus: bool,
) -> (Figure, u64) {
    let people = |g: G| {
        let (full_pay, paid_bonus) = super::group_people(a, g);
        if bonus { paid_bonus } else { full_pay }
    };
    match a.gaps.iter().find(|x| x.group == group) {
        Some(gap) => (measure(gap), people(group).min(people(a.reference))),
        None => (
            Figure::Undefined {
                reason: "no staff in one of the two groups",
            },
            0,
        ),
    }
}

fn minority(
    g: &EthnicityPayGap,
    measure: fn(&Gap<EthnicityPayGroup>) -> Figure,
    bonus: bool,
) -> (Figure, u64) {
    gap_of(&g.binary, EthnicityPayGroup::EthnicMinority, measure, bonus)
}

/// The ethnicity pay gap measures compared year on year: ethnic minority staff against White
/// staff, the comparison that is the same every year (the detailed groups are combined
/// differently as their sizes change).
pub const ETHNICITY: &[Tracked<EthnicityPayGap>] = &[
    Tracked {
        key: "mean_gap_pct",
        label: "Mean ethnicity pay gap in hourly pay %, ethnic minority against White staff",
        read: |g| minority(g, |x| x.mean_gap_pct, false),
        places: 1,
    },
    Tracked {
        key: "median_gap_pct",
        label: "Median ethnicity pay gap in hourly pay %, ethnic minority against White staff",
        read: |g| minority(g, |x| x.median_gap_pct, false),
        places: 1,
    },
    Tracked {
        key: "mean_bonus_gap_pct",
        label: "Mean bonus ethnicity pay gap %, ethnic minority against White staff",
        read: |g| minority(g, |x| x.mean_bonus_gap_pct, true),
        places: 1,
    },
    Tracked {
        key: "median_bonus_gap_pct",
        label: "Median bonus ethnicity pay gap %, ethnic minority against White staff",
        read: |g| minority(g, |x| x.median_bonus_gap_pct, true),
        places: 1,
    },
];

fn disabled(
    g: &DisabilityPayGap,
    measure: fn(&Gap<equalis_vocab::Disability>) -> Figure,
    bonus: bool,
) -> (Figure, u64) {
    gap_of(
        &g.analysis,
        equalis_vocab::Disability::Disabled,
        measure,
        bonus,
    )
}

/// The disability pay gap measures compared year on year: Disabled staff against
/// non-disabled staff.
pub const DISABILITY: &[Tracked<DisabilityPayGap>] = &[
    Tracked {
        key: "mean_gap_pct",
        label: "Mean disability pay gap in hourly pay %, Disabled against non-disabled staff",
        read: |g| disabled(g, |x| x.mean_gap_pct, false),
        places: 1,
    },
    Tracked {
        key: "median_gap_pct",
        label: "Median disability pay gap in hourly pay %, Disabled against non-disabled staff",
        read: |g| disabled(g, |x| x.median_gap_pct, false),
        places: 1,
    },
    Tracked {
        key: "mean_bonus_gap_pct",
        label: "Mean bonus disability pay gap %, Disabled against non-disabled staff",
        read: |g| disabled(g, |x| x.mean_bonus_gap_pct, true),
        places: 1,
    },
    Tracked {
        key: "median_bonus_gap_pct",
        label: "Median bonus disability pay gap %, Disabled against non-disabled staff",
        read: |g| disabled(g, |x| x.median_bonus_gap_pct, true),
        places: 1,
    },
];

/// The year-on-year sheet and its JSON: one column per snapshot (oldest first) and the change
/// since the previous year. The change is published as a statistic of the smaller of the two
/// years' contributors, so it is withheld whenever either year's figure would be.
pub fn sheet<R>(
    p: &Publisher,
    reports: &[R],
    date: fn(&R) -> Date,
    tracked: &[Tracked<R>],
) -> (Sheet, Value) {
    let mut reports: Vec<&R> = reports.iter().collect();
    reports.sort_by_key(|r| date(r));
    let dates: Vec<String> = reports.iter().map(|r| date(r).to_string()).collect();
    let change_heading = match dates.len() {
        0 | 1 => "Change since the previous year".to_owned(),
        n => format!("Change since {}", dates[n - 2]),
    };
    let mut headers: Vec<&str> = vec!["Measure"];
    headers.extend(dates.iter().map(String::as_str));
    headers.push(&change_heading);
    let mut s = Sheet::new(
        "Year on year",
        "Year on year: each 31 March snapshot and the change since the previous year",
        &headers,
    );
    let mut json = Map::new();
    for t in tracked {
        // Each year's figure and the people behind it, read once.
        let read: Vec<(Date, Figure, u64)> = reports
            .iter()
            .map(|r| {
                let (figure, people) = (t.read)(r);
                (date(r), figure, people)
            })
            .collect();
        let mut row = vec![Val::text(t.label)];
        let mut values = Map::new();
        for ((_, figure, people), d) in read.iter().zip(&dates) {
            let v = p.stat(*figure, *people, t.places);
            values.insert(d.clone(), v.json());
            row.push(v);
        }
        let changes = year_on_year(&read, |r| r.0, |r| r.1);
        let change = match (changes.last(), read.len()) {
            (Some(c), n) => p.stat(c.change, read[n - 2].2.min(read[n - 1].2), t.places),
            (None, _) => Val::Undefined("no earlier 31 March snapshot"),
        };
        json.insert(
            t.key.to_owned(),
            json!({"measure": t.label, "values": values, "change": change.json()}),
        );
        row.push(change);
        s.row(row);
    }
    (s, Value::Object(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R {
        d: Date,
        v: Figure,
        n: u64,
    }

    const TRACK: &[Tracked<R>] = &[Tracked {
        key: "x",
        label: "X",
        read: |r| (r.v, r.n),
        places: 2,
    }];

    fn d(y: i16) -> Date {
        Date::new(y, 3, 31).unwrap()
    }

    #[test]
    fn change_is_latest_minus_previous_and_withheld_with_either_year() {
        let p = Publisher::new();
        let reports = [
            R {
                d: d(2025),
                v: Figure::Value(1.5),
                n: 100,
            },
            R {
                d: d(2024),
                v: Figure::Value(1.75),
                n: 100,
            },
        ];
        let (s, j) = sheet(&p, &reports, |r| r.d, TRACK);
        assert_eq!(
            s.headers,
            [
                "Measure",
                "2024-03-31",
                "2025-03-31",
                "Change since 2024-03-31"
            ]
        );
        let shown: Vec<String> = s.rows[0].iter().map(Val::show).collect();
        assert_eq!(shown, ["X", "1.75", "1.50", "-0.25"]);
        assert_eq!(j["x"]["change"], json!(-0.25));

        let small = [
            R {
                d: d(2024),
                v: Figure::Value(1.75),
                n: 100,
            },
            R {
                d: d(2025),
                v: Figure::Value(1.5),
                n: 4,
            },
        ];
        let (s, _) = sheet(&p, &small, |r| r.d, TRACK);
        let shown: Vec<String> = s.rows[0].iter().map(Val::show).collect();
        assert_eq!(shown, ["X", "1.75", "*", "*"]);
    }

    #[test]
    fn a_gap_is_read_with_the_fewer_people_of_its_two_groups() {
        use equalis_workforce::pay_gap::GroupPay;
        let pay = |group: u8, full: u64, bonus: u64| GroupPay {
            group,
            relevant_employees: full,
            representation_pct: Figure::Value(50.0),
            full_pay_relevant_employees: full,
            mean_hourly: Figure::Value(20.0),
            median_hourly: Figure::Value(20.0),
            paid_bonus: bonus,
            bonus_proportion_pct: Figure::Value(10.0),
            mean_bonus: Figure::Value(100.0),
            median_bonus: Figure::Value(100.0),
        };
        let gap = Gap {
            reference: 0u8,
            group: 1,
            mean_gap_pct: Figure::Value(7.5),
            median_gap_pct: Figure::Value(5.0),
            mean_bonus_gap_pct: Figure::Value(2.5),
            median_bonus_gap_pct: Figure::Value(1.0),
        };
        let a = PayGapAnalysis {
            reference: 0u8,
            groups: vec![pay(0, 300, 40), pay(1, 120, 55)],
            gaps: vec![gap],
            quartiles: vec![],
        };
        assert_eq!(
            gap_of(&a, 1, |g| g.mean_gap_pct, false),
            (Figure::Value(7.5), 120)
        );
        assert_eq!(
            gap_of(&a, 1, |g| g.median_bonus_gap_pct, true),
            (Figure::Value(1.0), 40)
        );
        // A group with no gap (absent that year) is undefined, with nobody behind it.
        assert!(matches!(
            gap_of(&a, 2, |g| g.mean_gap_pct, false),
            (Figure::Undefined { .. }, 0)
        ));
    }

    #[test]
    fn one_year_or_an_undefined_figure_says_why() {
        let p = Publisher::new();
        let one = [R {
            d: d(2025),
            v: Figure::Value(1.5),
            n: 100,
        }];
        let (s, _) = sheet(&p, &one, |r| r.d, TRACK);
        assert_eq!(
            s.rows[0][2].show(),
            "undefined: no earlier 31 March snapshot"
        );
        let undefined = [
            R {
                d: d(2024),
                v: Figure::Undefined {
                    reason: "no BME applicants shortlisted",
                },
                n: 0,
            },
            R {
                d: d(2025),
                v: Figure::Value(1.5),
                n: 100,
            },
        ];
        let (s, _) = sheet(&p, &undefined, |r| r.d, TRACK);
        assert_eq!(
            s.rows[0][1].show(),
            "undefined: no BME applicants shortlisted"
        );
        assert!(s.rows[0][3].show().starts_with("undefined"));
    }
}
