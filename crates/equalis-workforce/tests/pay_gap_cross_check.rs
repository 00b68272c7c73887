//! Cross-check of the gender pay gap against an independent computation:
//! `tests/pay_gap_reference.py` (Python, exact fractions for the quartiles) generated this
//! dataset of 41 employees — ties on a shared pay spine, part-time hours, three on reduced
//! pay for leave — and printed the expected figures below, which were pasted here verbatim.

use equalis_vocab::{Disability, EthnicCategory, Flag, PayBand, Sex};
use equalis_workforce::pay_gap::gender_pay_gap;
use equalis_workforce::{Figure, Scope, StaffRecord, Workforce, WorkforceData};
use jiff::civil::Date;

/// (male, ordinary_pay, pay_period_days, weekly_hours, bonus, full_pay), as printed by the script.
const DATASET: &[(bool, f64, u32, f64, f64, bool)] = &[
    (false, 2169.64, 30, 37.5, 250.0, true),
    (false, 2169.64, 30, 37.5, 0.0, true),
    (false, 4050.0, 30, 22.5, 250.0, true),
    (false, 3857.14, 30, 30.0, 1200.0, true),
    (false, 1446.43, 30, 22.5, 0.0, true),
    (false, 1542.86, 30, 30.0, 500.0, true),
    (false, 2410.71, 30, 18.75, 0.0, true),
    (false, 2700.0, 30, 30.0, 250.0, true),
    (true, 1928.57, 30, 30.0, 3000.0, true),
    (false, 1687.5, 30, 18.75, 0.0, true),
    (true, 6750.0, 30, 37.5, 1200.0, true),
    (false, 3214.29, 30, 30.0, 3000.0, true),
    (false, 6750.0, 30, 37.5, 1200.0, true),
    (false, 4017.86, 30, 37.5, 0.0, true),
    (false, 1687.5, 30, 18.75, 0.0, true),
    (true, 1446.43, 30, 18.75, 1200.0, true),
    (true, 2169.64, 30, 37.5, 0.0, true),
    (true, 2169.64, 30, 37.5, 0.0, true),
    (false, 3375.0, 30, 18.75, 0.0, true),
    (false, 2169.64, 30, 37.5, 0.0, false),
    (false, 1928.57, 30, 37.5, 0.0, true),
    (false, 1928.57, 30, 30.0, 250.0, true),
    (false, 2410.71, 30, 18.75, 3000.0, true),
    (false, 3214.29, 30, 30.0, 0.0, true),
    (false, 2892.86, 30, 37.5, 1200.0, true),
    (false, 4821.43, 30, 37.5, 3000.0, false),
    (false, 1446.43, 30, 22.5, 250.0, true),
    (false, 3214.29, 30, 30.0, 0.0, true),
    (false, 4821.43, 30, 37.5, 1200.0, true),
    (false, 6750.0, 30, 37.5, 1200.0, true),
    (true, 2025.0, 30, 22.5, 250.0, true),
    (false, 1687.5, 30, 18.75, 1200.0, false),
    (false, 3375.0, 30, 37.5, 250.0, true),
    (false, 4050.0, 30, 22.5, 0.0, true),
    (true, 2410.71, 30, 18.75, 0.0, true),
    (false, 5400.0, 30, 30.0, 0.0, true),
    (true, 5400.0, 30, 30.0, 0.0, true),
    (false, 4017.86, 30, 37.5, 0.0, true),
    (true, 4821.43, 30, 37.5, 3000.0, true),
    (true, 1542.86, 30, 30.0, 0.0, true),
    (false, 3214.29, 30, 30.0, 3000.0, true),
];

fn close(f: Figure, expected: f64) {
    let v = f.value().unwrap_or_else(|| panic!("undefined: {f:?}"));
    assert!((v - expected).abs() < 1e-9, "{v} != {expected}");
}

#[test]
fn gender_pay_gap_matches_the_python_reference() {
    let date = Date::constant(2025, 3, 31);
    let staff = DATASET
        .iter()
        .enumerate()
        .map(|(i, &(male, pay, days, hours, bonus, full))| {
            let mut s = StaffRecord::new(
                format!("P{i}"),
                "RX1",
                date,
                PayBand::Band5,
                EthnicCategory::A,
                Disability::NotDisabled,
                if male { Sex::Male } else { Sex::Female },
            );
            s.ordinary_pay = Some(pay);
            s.pay_period_days = Some(days);
            s.weekly_hours = Some(hours);
            s.bonus_pay_12m = Some(bonus);
            s.full_pay_relevant = if full { Flag::Yes } else { Flag::No };
            s
        })
        .collect();
    let data = Workforce::new(WorkforceData {
        staff,
        ..WorkforceData::default()
    })
    .expect("valid input");
    let g = gender_pay_gap(&data, &Scope::Ics, date);
    assert_eq!(g.coverage.relevant_employees, 41);
    assert_eq!(g.coverage.full_pay_relevant_employees, 38);
    assert_eq!(g.coverage.excluded_reduced_pay, 3);
    close(g.mean_gap_pct, -8.499128727738347);
    close(g.median_gap_pct, -28.20520081814206);
    close(g.mean_bonus_gap_pct, 27.915674940496434);
    close(g.median_bonus_gap_pct, 0.0);
    close(g.bonus_proportion.male, 50.0);
    close(g.bonus_proportion.female, 54.83870967741935);
    let sizes: Vec<u64> = g.quartiles.iter().map(|q| q.employees).collect();
    assert_eq!(sizes, [10, 10, 9, 9]);
    let expected = [
        (40.0, 60.0),
        (20.0, 80.0),
        (16.666666666666668, 83.33333333333333),
        (27.77777777777778, 72.22222222222223),
    ];
    for (q, (m, f)) in g.quartiles.iter().zip(expected) {
        close(q.pct.male, m);
        close(q.pct.female, f);
    }
}
