//! Age-standardised statistics and life expectancy: one group's rows are its age bands.

use anyhow::Result;
use equalis_stats as st;
use equalis_stats::Levels;

use super::Common;
use super::output::{Note, Output, Standard, fmt};
use super::table::{Cells, Group, Table};

/// Arguments of `equalis stats dsr`.
#[derive(Debug, clap::Args)]
pub(super) struct DsrArgs {
    #[command(flatten)]
    pub common: Common,
    /// Count column (one row per age band); a blank count is 0 events, as in
    /// PHEindicatormethods
    #[arg(long)]
    count: String,
    /// Population column
    #[arg(long)]
    population: String,
    /// Standard population column (e.g. ESP2013 per band)
    #[arg(long)]
    standard_population: String,
    /// Multiply the statistic and its limits by this
    #[arg(long, default_value_t = 100_000.0)]
    multiplier: f64,
    /// Age band column (needed with --event-frequency)
    #[arg(long, requires = "event_frequency")]
    age_band: Option<String>,
    /// Events per person; --count then holds the people with that many events
    #[arg(long, requires = "age_band")]
    event_frequency: Option<String>,
}

/// Arguments of `equalis stats isr`.
#[derive(Debug, clap::Args)]
pub(super) struct IsrArgs {
    #[command(flatten)]
    pub common: Common,
    /// Count column (one row per age band); a blank count is 0 events, as in
    /// PHEindicatormethods
    #[arg(long)]
    count: String,
    /// Population column
    #[arg(long)]
    population: String,
    /// Reference count column (per age band); blank is 0 events
    #[arg(long)]
    ref_count: String,
    /// Reference population column (per age band)
    #[arg(long)]
    ref_population: String,
    /// Indirectly standardised ratio (O/E x ref value)
    #[arg(long, conflicts_with = "rate", required_unless_present = "rate")]
    ratio: bool,
    /// Indirectly standardised rate (O/E x reference rate)
    #[arg(long)]
    rate: bool,
    /// Reference value for a ratio (100 gives an SMR)
    #[arg(long, default_value_t = 1.0)]
    ref_value: f64,
    /// Multiply the statistic and its limits by this
    #[arg(long, default_value_t = 100_000.0)]
    multiplier: f64,
}

/// Arguments of `equalis stats life-expectancy`.
#[derive(Debug, clap::Args)]
pub(super) struct LifeExpectancyArgs {
    #[command(flatten)]
    pub common: Common,
    /// Deaths column (one row per age band)
    #[arg(long)]
    deaths: String,
    /// Population column
    #[arg(long)]
    population: String,
    /// Start age of each band (0, 1, 5, ..., 90, or fewer bands ending at, e.g., 85)
    #[arg(long)]
    start_age: String,
}

/// `calculate_dsr`: Dobson limits, and not calculated below 10 events. A blank count is 0
/// events (the package's `na.zero`); a blank population or standard population leaves the
/// group blank with the rows named (the package stops the whole batch there; one bad area
/// must not cost the others).
pub(super) fn dsr(a: &DsrArgs, t: &Table, levels: &Levels) -> Result<Output> {
    let (xc, nc, wc) = (
        t.column(&a.count)?,
        t.column(&a.population)?,
        t.column(&a.standard_population)?,
    );
    let frequency = match (&a.age_band, &a.event_frequency) {
        (Some(band), Some(freq)) => Some((t.column(band)?, t.column(freq)?)),
        _ => None,
    };
    let statistic = format!("dsr per {}", a.multiplier);
    let group_by = &a.common.group_by;
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
pub(super) fn isr(a: &IsrArgs, t: &Table, levels: &Levels) -> Result<Output> {
    let (xc, nc, xrc, nrc) = (
        t.column(&a.count)?,
        t.column(&a.population)?,
        t.column(&a.ref_count)?,
        t.column(&a.ref_population)?,
    );
    let statistic = if a.rate {
        format!("indirectly standardised rate per {}", a.multiplier)
    } else {
        format!("indirectly standardised ratio x {}", a.ref_value)
    };
    let group_by = &a.common.group_by;
    let mut out = Standard::new(group_by, &["observed", "expected"], levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let observed: f64 = cells.counts(&g.rows, xc).iter().sum();
        let n = cells.numbers(&g.rows, nc);
        let xr = cells.counts(&g.rows, xrc);
        let nr = cells.numbers(&g.rows, nrc);
        out.record(&g.key, 2, &statistic, cells.finish(), || {
            let expected = st::expected_count(&n, &xr, &nr)?;
            let e = if a.rate {
                st::isr_rate(observed, &n, &xr, &nr, levels, a.multiplier)?
            } else {
                st::isr_ratio(observed, &n, &xr, &nr, levels, a.ref_value)?
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
    a: &LifeExpectancyArgs,
    t: &Table,
    levels: &Levels,
) -> Result<Output> {
    let (dc, pc, ac) = (
        t.column(&a.deaths)?,
        t.column(&a.population)?,
        t.column(&a.start_age)?,
    );
    let group_by = &a.common.group_by;
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
