//! Quantiles (deprivation categories) and the slope and relative index of inequality.

use anyhow::{Result, bail};
use equalis_stats as st;
use equalis_stats::Levels;

use super::Common;
use super::output::{
    Note, Output, blanks, confidence_label, estimate_cells, estimate_width, fmt_result,
    limit_columns,
};
use super::table::{Cells, Table};

/// Arguments of `equalis stats quantile`.
#[derive(Debug, clap::Args)]
pub(super) struct QuantileArgs {
    #[command(flatten)]
    pub common: Common,
    /// Value column
    #[arg(long)]
    value: String,
    /// Number of quantiles
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    quantiles: u32,
    /// Highest value in quantile 1
    #[arg(long, conflicts_with = "invert_column")]
    invert: bool,
    /// Column saying, per group, whether to invert (TRUE/FALSE)
    #[arg(long)]
    invert_column: Option<String>,
}

/// Arguments of `equalis stats sii`.
#[derive(Debug, clap::Args)]
pub(super) struct SiiArgs {
    #[command(flatten)]
    pub common: Common,
    /// Quantile column; 1 is the most disadvantaged
    #[arg(long)]
    quantile: String,
    /// Population column
    #[arg(long)]
    population: String,
    /// Value column
    #[arg(long)]
    value: String,
    /// Standard error column (on the values' own scale)
    #[arg(long, required_unless_present_all = ["lower_cl", "upper_cl"])]
    se: Option<String>,
    /// Lower 95% confidence limit column (instead of --se)
    #[arg(long, requires = "upper_cl", conflicts_with = "se")]
    lower_cl: Option<String>,
    /// Upper 95% confidence limit column (instead of --se)
    #[arg(long, requires = "lower_cl")]
    upper_cl: Option<String>,
    /// 0 any value, 1 rate, 2 proportion
    #[arg(long, default_value_t = 0)]
    value_type: u8,
    /// Fit on the log (rates) or logit (proportions) scale
    #[arg(long)]
    transform: bool,
    /// Also report the relative index of inequality
    #[arg(long)]
    rii: bool,
    /// Also report the intercept
    #[arg(long)]
    intercept: bool,
    /// Multiply the statistic and its limits by this
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    multiplier: f64,
    /// Monte Carlo repetitions (at least 1000)
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1000..))]
    repetitions: u64,
    /// Random seed; the same seed gives the same limits
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// `phe_quantile`: the input rows with their quantile. Each row is read on its own: a blank or
/// invalid value leaves that row without a quantile (its note says why) and out of the ranking,
/// as the package ranks only the areas with values.
pub(super) fn quantile(a: &QuantileArgs, t: &Table) -> Result<Output> {
    let vc = t.column(&a.value)?;
    let ic = t.optional_column(a.invert_column.as_deref())?;
    let mut assigned: Vec<(String, Note)> = vec![Default::default(); t.rows().len()];
    for g in t.groups(&a.common.group_by)? {
        let invert = match ic {
            Some(c) => truthy(t.cell(g.rows[0], c)),
            None => a.invert,
        };
        let (mut values, mut notes) = (Vec::new(), Vec::new());
        for &r in &g.rows {
            let mut cells = Cells::new(t);
            let v = cells.number(r, vc);
            match cells.finish() {
                Ok(note) => {
                    values.push(Some(v));
                    notes.push(note);
                }
                Err(note) => {
                    values.push(None);
                    notes.push(note);
                }
            }
        }
        match st::assign_quantiles(&values, a.quantiles, invert) {
            Ok(qs) => {
                for ((&r, q), mut note) in g.rows.iter().zip(qs).zip(notes) {
                    assigned[r] = match q {
                        Ok(q) => (q.to_string(), note),
                        // A row without a value already says why; the package's own reasons
                        // (too few areas) are added to the others.
                        Err(_) if note.is_not_calculated() => (String::new(), note),
                        Err(reason) => {
                            note.reason(Some(reason));
                            (String::new(), note)
                        }
                    };
                }
            }
            Err(err) => {
                for &r in &g.rows {
                    assigned[r] = (String::new(), Note::invalid(&err));
                }
            }
        }
    }
    let mut header = t.header().to_vec();
    header.push("quantile".to_string());
    let mut out = Output::new(header);
    for (row, (q, note)) in t.rows().iter().zip(assigned) {
        let mut row = row.clone();
        row.push(q);
        out.push(row, &note);
    }
    Ok(out)
}

/// `phe_sii`: one row per group. The package needs complete quantile sets: a group with a
/// blank or invalid cell has no SII (its note names the rows), and the other groups theirs.
pub(super) fn sii(a: &SiiArgs, t: &Table, levels: &Levels) -> Result<Output> {
    let (qc, pc, vc) = (
        t.column(&a.quantile)?,
        t.column(&a.population)?,
        t.column(&a.value)?,
    );
    let sec = t.optional_column(a.se.as_deref())?;
    let limits = match (
        t.optional_column(a.lower_cl.as_deref())?,
        t.optional_column(a.upper_cl.as_deref())?,
    ) {
        (Some(l), Some(u)) => Some((l, u)),
        _ => None,
    };
    if sec.is_none() && limits.is_none() {
        bail!("give --se, or both --lower-cl and --upper-cl");
    }
    let value_type = st::ValueType::from_code(a.value_type)?;
    if a.transform && value_type == st::ValueType::Plain {
        bail!("--transform needs --value-type 1 (rate) or 2 (proportion)");
    }
    let options = st::SiiOptions {
        value_type,
        transform: a.transform,
        multiplier: a.multiplier,
        repetitions: usize::try_from(a.repetitions)?,
        seed: a.seed,
        levels: *levels,
    };
    let group_by = &a.common.group_by;
    let mut header: Vec<String> = group_by.clone();
    header.push("sii".into());
    header.extend(limit_columns(levels, "sii_"));
    if a.rii {
        header.push("rii".into());
        header.extend(limit_columns(levels, "rii_"));
    }
    if a.intercept {
        header.push("intercept".into());
    }
    header.extend(["confidence", "method"].map(String::from));
    let width = estimate_width(levels) * (1 + usize::from(a.rii)) + usize::from(a.intercept);
    let mut out = Output::new(header);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let mut rows: Vec<(f64, usize)> =
            g.rows.iter().map(|&r| (cells.number(r, qc), r)).collect();
        // The fit needs the quantiles in order, 1 (most disadvantaged) first.
        rows.sort_by(|x, y| x.0.total_cmp(&y.0));
        let sorted: Vec<usize> = rows.into_iter().map(|(_, r)| r).collect();
        let (pops, vals) = (cells.numbers(&sorted, pc), cells.numbers(&sorted, vc));
        let se = sec.map(|c| cells.numbers(&sorted, c));
        let cl = limits.map(|(l, u)| (cells.numbers(&sorted, l), cells.numbers(&sorted, u)));
        let result = cells.finish().and_then(|note| {
            let errors = match (&se, &cl) {
                (Some(se), _) => st::StandardErrors::Se(se),
                (None, Some((lower, upper))) => st::StandardErrors::Limits { lower, upper },
                (None, None) => unreachable!("checked above: --se or both limits"),
            };
            st::sii(&pops, &vals, errors, &options)
                .map(|r| (r, note.clone()))
                .map_err(|e| Note::invalid(&e).and(note))
        });
        let mut row = g.key.clone();
        match result {
            Ok((r, mut note)) => {
                let (cells, mut reason) = estimate_cells(&r.sii);
                row.extend(cells);
                if a.rii {
                    let (cells, why) = estimate_cells(&r.rii);
                    row.extend(cells);
                    reason = reason.or(why);
                }
                if a.intercept {
                    row.push(fmt_result(r.intercept));
                }
                row.extend([confidence_label(levels), r.sii.method.label().to_string()]);
                note.reason(reason);
                out.push(row, &note);
            }
            Err(note) => {
                row.extend(blanks(width));
                row.extend([confidence_label(levels), String::new()]);
                out.push(row, &note);
            }
        }
    }
    Ok(out)
}

/// A TRUE/FALSE cell as R and spreadsheets write it.
pub(super) fn truthy(cell: &str) -> bool {
    matches!(
        cell.to_ascii_lowercase().as_str(),
        "true" | "t" | "1" | "yes" | "y"
    )
}
