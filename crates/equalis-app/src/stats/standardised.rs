//! Age-standardised statistics and life expectancy: one group's rows are its age bands.

use anyhow::Result;
use equalis_stats as st;
use equalis_stats::Levels;

use super::output::{Note, Output, Standard, fmt};
use super::table::{Cells, Group, Table};

/// Options of a directly standardised rate (`calculate_dsr`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dsr {
    /// Count column (one row per age band); a blank count is 0 events, as in
    /// PHEindicatormethods.
    pub count: String,
    /// Population column.
    pub population: String,
    /// Standard population column (e.g. ESP2013 per band).
    pub standard_population: String,
    /// Multiplies the statistic and its limits (rate per this many).
    pub multiplier: f64,
    /// Events per person, for non-independent events: `count` then holds the people with that
    /// many events.
    pub event_frequency: Option<EventFrequency>,
}

/// The columns of a DSR of non-independent events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFrequency {
    /// Age band column: a band's population is read from its first row.
    pub age_band: String,
    /// Column of the number of events each person in the row had.
    pub frequency: String,
}

/// Options of an indirectly standardised ratio or rate (`calculate_ISRatio`,
/// `calculate_ISRate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Isr {
    /// Count column (one row per age band); a blank count is 0 events, as in
    /// PHEindicatormethods.
    pub count: String,
    /// Population column.
    pub population: String,
    /// Reference count column (per age band); blank is 0 events.
    pub ref_count: String,
    /// Reference population column (per age band).
    pub ref_population: String,
    /// A ratio or a rate.
    pub statistic: IsrStatistic,
}

/// What an indirect standardisation gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IsrStatistic {
    /// The ratio O/E times `ref_value` (100 gives an SMR).
    Ratio {
        /// The reference value.
        ref_value: f64,
    },
    /// The rate O/E times the reference rate, per `multiplier`.
    Rate {
        /// Multiplies the statistic and its limits.
        multiplier: f64,
    },
}

/// Options of life expectancy (`phe_life_expectancy`).
#[derive(Debug, Clone, PartialEq)]
pub struct LifeExpectancy {
    /// Deaths column (one row per age band).
    pub deaths: String,
    /// Population column.
    pub population: String,
    /// Start age of each band (0, 1, 5, ..., 90, or fewer bands ending at, e.g., 85).
    pub start_age: String,
}

/// `calculate_dsr`: Dobson limits, and not calculated below 10 events. A blank count is 0
/// events (the package's `na.zero`); a blank population or standard population leaves the
/// group blank with the rows named (the package stops the whole batch there; one bad area
/// must not cost the others).
pub(super) fn dsr(a: &Dsr, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    let (xc, nc, wc) = (
        t.column(&a.count)?,
        t.column(&a.population)?,
        t.column(&a.standard_population)?,
    );
    let frequency = match &a.event_frequency {
        Some(f) => Some((t.column(&f.age_band)?, t.column(&f.frequency)?)),
        None => None,
    };
    let statistic = format!("dsr per {}", a.multiplier);
    let mut out = Standard::new(group_by, &["total_count", "total_pop"], levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        match frequency {
            Some((bc, fc)) => {
                let (data, pops, std) = event_frequency_rows(&mut cells, &g, (xc, nc, wc), bc, fc);
                let total: f64 = data.iter().map(|d| d.frequency * d.persons).sum();
                let pop: f64 = pops.iter().sum();
                out.record(&g.key, 2, &statistic, cells.finish(), || {
                    let e = st::dsr_non_independent(&data, &pops, &std, levels, a.multiplier)?;
                    Ok((vec![fmt(total), fmt(pop)], e))
                });
            }
            None => {
                let counts = cells.counts(&g.rows, xc);
                let pops = cells.numbers(&g.rows, nc);
                let std = cells.numbers(&g.rows, wc);
                out.record(&g.key, 2, &statistic, cells.finish(), || {
                    let e = st::dsr(&counts, &pops, &std, levels, a.multiplier)?;
                    let (total, pop): (f64, f64) = (counts.iter().sum(), pops.iter().sum());
                    Ok((vec![fmt(total), fmt(pop)], e))
                });
            }
        }
    }
    Ok(out.finish())
}

/// Event-frequency rows of one group, with one population and standard population per age
/// band, taken from the band's first row.
fn event_frequency_rows(
    cells: &mut Cells<'_>,
    g: &Group,
    (xc, nc, wc): (usize, usize, usize),
    bc: usize,
    fc: usize,
) -> (Vec<st::EventFrequencyRow>, Vec<f64>, Vec<f64>) {
    let mut bands: Vec<&str> = Vec::new();
    let (mut pops, mut std, mut data) = (Vec::new(), Vec::new(), Vec::new());
    for &r in &g.rows {
        let label = cells.text(r, bc);
        let age_band = match bands.iter().position(|b| *b == label) {
            Some(b) => b,
            None => {
                bands.push(label);
                pops.push(cells.number(r, nc));
                std.push(cells.number(r, wc));
                bands.len() - 1
            }
        };
        data.push(st::EventFrequencyRow {
            age_band,
            // The package stops on a missing frequency: it says how many events each person had.
            frequency: cells.number(r, fc),
            persons: cells.count(r, xc),
        });
    }
    (data, pops, std)
}

/// `calculate_ISRatio` and `calculate_ISRate`. Blank local and reference counts are 0 events, as
/// in the package; a blank population or reference population leaves the group blank (the
/// package reads a blank local population as 0 people, which would lower the expected count
/// and raise the ratio without a word).
pub(super) fn isr(a: &Isr, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    let (xc, nc, xrc, nrc) = (
        t.column(&a.count)?,
        t.column(&a.population)?,
        t.column(&a.ref_count)?,
        t.column(&a.ref_population)?,
    );
    let statistic = match a.statistic {
        IsrStatistic::Rate { multiplier } => {
            format!("indirectly standardised rate per {multiplier}")
        }
        IsrStatistic::Ratio { ref_value } => format!("indirectly standardised ratio x {ref_value}"),
    };
    let mut out = Standard::new(group_by, &["observed", "expected"], levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let observed: f64 = cells.counts(&g.rows, xc).iter().sum();
        let n = cells.numbers(&g.rows, nc);
        let xr = cells.counts(&g.rows, xrc);
        let nr = cells.numbers(&g.rows, nrc);
        out.record(&g.key, 2, &statistic, cells.finish(), || {
            let expected = st::expected_count(&n, &xr, &nr)?;
            let e = match a.statistic {
                IsrStatistic::Rate { multiplier } => {
                    st::isr_rate(observed, &n, &xr, &nr, levels, multiplier)?
                }
                IsrStatistic::Ratio { ref_value } => {
                    st::isr_ratio(observed, &n, &xr, &nr, levels, ref_value)?
                }
            };
            Ok((vec![fmt(observed), fmt(expected)], e))
        });
    }
    Ok(out.finish())
}

/// `phe_life_expectancy`: one row per start age. A group with a blank or invalid cell has no
/// life expectancy at any age (the package needs every band), and keeps one blank row per
/// input row, so a script sees the same rows either way.
pub(super) fn life_expectancy(
    a: &LifeExpectancy,
    t: &Table,
    group_by: &[String],
    levels: &Levels,
) -> Result<Output> {
    let (dc, pc, ac) = (
        t.column(&a.deaths)?,
        t.column(&a.population)?,
        t.column(&a.start_age)?,
    );
    let extra = ["startage", "pops_used", "dths_used"];
    let mut out = Standard::new(group_by, &extra, levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let mut rows: Vec<(f64, usize)> =
            g.rows.iter().map(|&r| (cells.number(r, ac), r)).collect();
        // Bands in age order, whatever the file's order; blank ages (NaN) last.
        rows.sort_by(|x, y| x.0.total_cmp(&y.0));
        let sorted: Vec<usize> = rows.iter().map(|(_, r)| *r).collect();
        let ages: Vec<f64> = rows.iter().map(|(a, _)| *a).collect();
        let (d, p) = (cells.numbers(&sorted, dc), cells.numbers(&sorted, pc));
        let refuse = |out: &mut Standard<'_>, note: Note| {
            for &r in &sorted {
                let age = t.cell(r, ac);
                let extra = vec![age.to_string(), String::new(), String::new()];
                let statistic = format!("life expectancy at {age}");
                out.refuse_with(&g.key, extra, &statistic, note.clone());
            }
        };
        let note = match cells.finish() {
            Ok(note) => note,
            Err(note) => {
                refuse(&mut out, note);
                continue;
            }
        };
        match st::life_expectancy(&ages, &d, &p, levels) {
            Ok(les) => {
                for (i, le) in les.into_iter().enumerate() {
                    // As the package reports: population and deaths at and above this age.
                    let pops_used: f64 = p[i..].iter().sum();
                    let dths_used: f64 = d[i..].iter().sum();
                    out.push(
                        &g.key,
                        vec![fmt(le.start_age), fmt(pops_used), fmt(dths_used)],
                        &le.estimate,
                        &format!("life expectancy at {}", le.start_age),
                        note.clone(),
                    );
                }
            }
            Err(err) => refuse(&mut out, Note::invalid(&err).and(note)),
        }
    }
    Ok(out.finish())
}
