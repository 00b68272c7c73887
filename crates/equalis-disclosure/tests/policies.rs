//! Property and example tests of the disclosure policies.
//!
//! The recoverability check here is deliberately independent of the crate's graph argument: it
//! asks linear algebra whether a suppressed cell's value is fixed by the published totals (the
//! cell is determined exactly when dropping its column from the constraint matrix lowers the
//! rank by one).

use equalis_disclosure::{Cell, Exemption, Level, Nhsd2018, TableSuppression, Thresholds};
use proptest::prelude::*;

fn count_of(cell: &Cell) -> Option<u64> {
    match cell {
        Cell::Count(c) => Some(*c),
        _ => None,
    }
}

#[test]
fn nhsd_examples() {
    let p = Nhsd2018::default();
    let sub = Level::SubNational;
    let lifted = Nhsd2018::new(Thresholds {
        threshold: 11,
        symbol: "*".into(),
        rounding_base: 5,
    })
    .unwrap();
    assert_eq!(lifted.count(12, sub).to_string(), "15");
    let shown: Vec<String> = [0, 1, 7, 8, 12, 13, 15, 1234]
        .iter()
        .map(|&c| p.count(c, sub).to_string())
        .collect();
    assert_eq!(shown, ["0", "*", "*", "10", "10", "15", "15", "1235"]);
    assert_eq!(p.count(3, Level::National).into_inner(), Cell::Count(3));
    // Percentages use rounded counts: 12/37 is published as 10/35.
    assert_eq!(
        p.percentage(12, 37, sub).into_inner(),
        Cell::Percentage(100.0 * 10.0 / 35.0)
    );
    assert_eq!(p.percentage(5, 37, sub).to_string(), "*");
    assert_eq!(p.percentage(0, 6, sub).to_string(), "*");
    assert_eq!(p.percentage(0, 0, sub).into_inner(), Cell::NotApplicable);
    assert_eq!(p.simple_statistic(4.5, 7, sub).unwrap().to_string(), "*");
    assert_eq!(p.simple_statistic(4.5, 8, sub).unwrap().to_string(), "4.5");
    assert_eq!(
        p.exempt(123.4, Exemption::StandardisedRate)
            .unwrap()
            .to_string(),
        "123.4"
    );
    assert!(p.exempt(f64::NAN, Exemption::ConfidenceLimit).is_err());
    let custom = Nhsd2018::new(Thresholds {
        threshold: 9,
        symbol: "[c]".into(),
        rounding_base: 10,
    })
    .unwrap();
    assert_eq!(custom.count(9, sub).to_string(), "[c]");
    assert_eq!(custom.count(15, sub).to_string(), "20");
    assert!(
        Nhsd2018::new(Thresholds {
            rounding_base: 0,
            ..Thresholds::default()
        })
        .is_err()
    );
}

#[test]
fn named_rules_for_statutory_measures_boards_returns_and_derived_counts() {
    let p = Nhsd2018::default();
    let sub = Level::SubNational;
    // A statutory measure is the exact figure, withheld only for a group of 1 to 7.
    assert_eq!(
        p.statutory_measure(0.9027, 1100, sub).unwrap().into_inner(),
        Cell::Value(0.9027)
    );
    assert_eq!(p.statutory_measure(12.5, 7, sub).unwrap().to_string(), "*");
    assert!(p.statutory_measure(f64::NAN, 100, sub).is_err());
    // Exact counts and percentages under a named exemption.
    assert_eq!(
        p.exact_count(3, Exemption::Return).into_inner(),
        Cell::Count(3)
    );
    assert_eq!(
        p.exact_percentage(1, 3, Exemption::Return).into_inner(),
        Cell::Percentage(100.0 / 3.0)
    );
    assert_eq!(
        p.exact_percentage(0, 0, Exemption::Return).into_inner(),
        Cell::NotApplicable
    );
    // A board of 15: its counts are exact, however small; a group of 7 or fewer members has
    // every count withheld, 0 included; an empty group is 0.
    assert_eq!(
        p.public_office_count(2, 15, sub).into_inner(),
        Cell::Count(2)
    );
    assert_eq!(p.public_office_count(0, 6, sub).to_string(), "*");
    assert_eq!(p.public_office_count(6, 6, sub).to_string(), "*");
    assert_eq!(
        p.public_office_count(0, 0, sub).into_inner(),
        Cell::Count(0)
    );
    assert_eq!(
        p.public_office_count(2, 6, Level::National).into_inner(),
        Cell::Count(2)
    );
    // A derived count is withheld with any count it comes from, else published as a count.
    assert_eq!(p.derived_count(10, &[5, 40], sub).to_string(), "*");
    assert_eq!(p.derived_count(12, &[30, 40], sub).to_string(), "10");
    assert_eq!(p.derived_count(0, &[0, 40], sub).to_string(), "0");
}

#[test]
fn table_example_needs_secondary_suppression() {
    let table = vec![vec![3, 20, 30], vec![40, 50, 60], vec![25, 35, 45]];
    let out = TableSuppression::default()
        .apply(&table)
        .unwrap()
        .into_inner();
    assert_eq!(out.primary, 1);
    // The cheapest complements: the smallest cell beside it in row 0 (20), the smallest in
    // column 0 (25), and the cell closing the rectangle (35).
    assert_eq!(out.secondary, 3);
    assert_eq!(out.cells[0][1], Cell::Suppressed("*".into()));
    assert_eq!(out.cells[2][0], Cell::Suppressed("*".into()));
    assert_eq!(out.cells[2][1], Cell::Suppressed("*".into()));
    assert_eq!(
        out.row_totals,
        vec![Cell::Count(53), Cell::Count(150), Cell::Count(105)]
    );
    assert_no_recoverable(&table, &out);
}

#[test]
fn table_with_one_row_suppresses_a_total() {
    let table = vec![vec![2, 30, 40]];
    let out = TableSuppression::default()
        .apply(&table)
        .unwrap()
        .into_inner();
    assert!(out.secondary >= 1);
    assert_no_recoverable(&table, &out);
}

#[test]
fn large_table_is_protected() {
    // A 30 x 20 table (e.g. LSOAs by ethnic group) with many small cells, from a fixed LCG.
    let mut state = 12345u64;
    let table: Vec<Vec<u64>> = (0..30)
        .map(|_| {
            (0..20)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let r = state >> 33;
                    if r.is_multiple_of(5) { r % 8 } else { r % 300 }
                })
                .collect()
        })
        .collect();
    let out = TableSuppression::default()
        .apply(&table)
        .unwrap()
        .into_inner();
    assert!(out.primary > 50, "the fixture should have many small cells");
    assert_eq!(
        out.row_totals
            .iter()
            .filter(|c| matches!(c, Cell::Suppressed(_)))
            .count(),
        0
    );
    assert_no_recoverable(&table, &out);
}

#[test]
fn ragged_table_is_an_error() {
    assert!(
        TableSuppression::default()
            .apply(&[vec![1, 2], vec![3]])
            .is_err()
    );
}

proptest! {
    #[test]
    fn nhsd_counts_never_small_and_always_rounded(count in 0u64..100_000, threshold in 1u64..12, base in 1u64..12) {
        let p = Nhsd2018::new(Thresholds { threshold, symbol: "*".into(), rounding_base: base }).unwrap();
        match p.count(count, Level::SubNational).into_inner() {
            Cell::Count(0) => prop_assert_eq!(count, 0),
            Cell::Count(c) => {
                prop_assert!(count > threshold);
                prop_assert!(c > threshold, "published {} inside the suppressed range", c);
                prop_assert!(c.is_multiple_of(base));
                // Nearest multiple, unless that would fall inside the suppressed range.
                let lifted = (threshold / base + 1) * base;
                prop_assert!(c.abs_diff(count) * 2 <= base || c == lifted);
            }
            Cell::Suppressed(_) => prop_assert!((1..=threshold).contains(&count)),
            other => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn nhsd_percentages_come_from_published_counts(x in 0u64..5000, extra in 0u64..5000) {
        let p = Nhsd2018::default();
        let n = x + extra;
        let published = p.percentage(x, n, Level::SubNational).into_inner();
        let (px, pn) = (p.count(x, Level::SubNational).into_inner(), p.count(n, Level::SubNational).into_inner());
        match (count_of(&px), count_of(&pn)) {
            (Some(a), Some(b)) if b > 0 => prop_assert_eq!(published, Cell::Percentage(100.0 * a as f64 / b as f64)),
            (Some(_), Some(_)) => prop_assert_eq!(published, Cell::NotApplicable),
            _ => prop_assert_eq!(published, Cell::Suppressed("*".into())),
        }
    }

    /// A count derived from a withheld count is itself withheld, so the derived figure cannot
    /// tell apart two inputs the policy hides: every withheld input value gives the same cell.
    #[test]
    fn derived_counts_never_reveal_a_withheld_input(hidden in 1u64..=7, other in 0u64..500, derived in 0u64..500) {
        let p = Nhsd2018::default();
        let sub = Level::SubNational;
        let cell = p.derived_count(derived, &[hidden, other], sub).into_inner();
        prop_assert_eq!(&cell, &Cell::Suppressed("*".into()));
        for h in 1..=7 {
            prop_assert_eq!(&p.derived_count(derived, &[h, other], sub).into_inner(), &cell);
        }
        // With no input withheld it is published exactly as a count would be.
        let shown = p.derived_count(derived, &[other.max(8), 0], sub).into_inner();
        prop_assert_eq!(shown, p.count(derived, sub).into_inner());
    }

    #[test]
    fn table_cells_never_small_and_never_recoverable(
        table in (1usize..5, 1usize..5).prop_flat_map(|(r, c)| {
            proptest::collection::vec(proptest::collection::vec(
                prop_oneof![3 => 0u64..12, 2 => 0u64..200], c), r)
        })
    ) {
        let out = TableSuppression::default().apply(&table).unwrap().into_inner();
        let published = out.cells.iter().flatten()
            .chain(&out.row_totals).chain(&out.column_totals).chain(std::iter::once(&out.grand_total));
        for cell in published {
            if let Some(c) = count_of(cell) {
                prop_assert!(c == 0 || c > 7, "published small count {}", c);
            }
        }
        assert_no_recoverable(&table, &out);
    }
}

/// Fails if any suppressed value (cell or total) is fixed by the published values.
fn assert_no_recoverable(table: &[Vec<u64>], out: &equalis_disclosure::SuppressedTable) {
    let rows = table.len();
    let cols = table[0].len();
    // Unknowns: every suppressed entry of the augmented table.
    let mut unknowns = Vec::new();
    let at = |i: usize, j: usize| -> &Cell {
        match (i == rows, j == cols) {
            (false, false) => &out.cells[i][j],
            (false, true) => &out.row_totals[i],
            (true, false) => &out.column_totals[j],
            (true, true) => &out.grand_total,
        }
    };
    for i in 0..=rows {
        for j in 0..=cols {
            if matches!(at(i, j), Cell::Suppressed(_)) {
                unknowns.push((i, j));
            }
        }
    }
    // One equation per augmented row and column: inner cells minus the total.
    let mut equations: Vec<Vec<f64>> = Vec::new();
    for i in 0..=rows {
        equations.push(
            unknowns
                .iter()
                .map(|&(a, b)| {
                    if a != i {
                        0.0
                    } else if b == cols {
                        -1.0
                    } else {
                        1.0
                    }
                })
                .collect(),
        );
    }
    for j in 0..=cols {
        equations.push(
            unknowns
                .iter()
                .map(|&(a, b)| {
                    if b != j {
                        0.0
                    } else if a == rows {
                        -1.0
                    } else {
                        1.0
                    }
                })
                .collect(),
        );
    }
    let full = rank(equations.clone());
    for (k, cell) in unknowns.iter().enumerate() {
        let without: Vec<Vec<f64>> = equations
            .iter()
            .map(|e| {
                e.iter()
                    .enumerate()
                    .filter(|&(x, _)| x != k)
                    .map(|(_, v)| *v)
                    .collect()
            })
            .collect();
        assert_eq!(
            rank(without),
            full,
            "suppressed cell {cell:?} is recoverable in {table:?}"
        );
    }
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > 1e-9) else {
            continue;
        };
        m.swap(r, p);
        for i in 0..m.len() {
            if i != r && m[i][c].abs() > 1e-9 {
                let f = m[i][c] / m[r][c];
                let pivot = m[r].clone();
                m[i].iter_mut().zip(&pivot).for_each(|(x, y)| *x -= f * y);
            }
        }
        r += 1;
    }
    r
}
