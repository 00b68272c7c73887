//! `equalis panel`: select a Citizens' Panel by fair lottery, and replace drop-outs.
//!
//! This module owns the file formats (volunteers and quotas CSV as in DATASETS.md, the JSON
//! selection record); `equalis-sortition` does the selection on validated values and never
//! sees a file. Errors about a file name the file, the row and the column, and say the fix.
//!
//! Exit codes: 0 on success, 1 when the quotas cannot be met (each conflict is listed), and 2
//! for unreadable or malformed input (via `main`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use equalis_refdata::PanelFeature;
use equalis_sortition::{
    Algorithm, Pool, Quota, Quotas, Replacement, Selection, SortitionError, Volunteer,
};
use indicatif::ProgressBar;
use serde_json::{Value, json};

/// Arguments of `equalis panel`.
#[derive(Debug, clap::Args)]
pub struct PanelArgs {
    #[command(subcommand)]
    command: PanelCommand,
}

#[derive(Debug, Subcommand)]
enum PanelCommand {
    /// Select a panel: quotas met, one per household, every volunteer's chance as equal as the
    /// quotas allow, drawn by a seeded lottery anyone can repeat
    Select(SelectArgs),
    /// Replace members who dropped out, restoring the quotas, from the rest of the pool
    Replace(ReplaceArgs),
    /// Quotas for a panel from the population of an ICS footprint (shipped ONS and Census
    /// data), as the quotas file `select` reads
    Quotas(crate::cmd::panel_quotas::QuotasArgs),
}

/// Inputs shared by `select` and `replace`.
#[derive(Debug, clap::Args)]
struct Common {
    /// Volunteers CSV: volunteer_id, household_id (optional), then one column per feature
    #[arg(long, value_name = "FILE")]
    volunteers: PathBuf,
    /// Quotas CSV: feature, value, min, max
    #[arg(long, value_name = "FILE")]
    quotas: PathBuf,
    /// Lottery seed; record it: the same files and seed always give the same panel
    #[arg(long)]
    seed: u64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct SelectArgs {
    #[command(flatten)]
    common: Common,
    /// Number of seats on the panel
    #[arg(long)]
    size: u32,
    /// How to spread selection chances over volunteers
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Maximin)]
    algorithm: AlgorithmArg,
}

#[derive(Debug, clap::Args)]
struct ReplaceArgs {
    #[command(flatten)]
    common: Common,
    /// The JSON record written by `equalis panel select --format json` (or by an earlier replace)
    #[arg(long, value_name = "FILE")]
    selection: PathBuf,
    /// Ids of the members who dropped out (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', required = true, value_name = "ID")]
    dropped: Vec<String>,
    /// Algorithm for the replacements [default: the one in the record]
    #[arg(long, value_enum)]
    algorithm: Option<AlgorithmArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AlgorithmArg {
    /// Maximise the smallest selection probability
    Maximin,
    /// Maximin, then the next smallest probability, and so on
    Leximin,
    /// Maximise the product of selection probabilities
    Nash,
    /// The old greedy method, for comparison only
    Legacy,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Maximin => Algorithm::Maximin,
            AlgorithmArg::Leximin => Algorithm::Leximin,
            AlgorithmArg::Nash => Algorithm::Nash,
            AlgorithmArg::Legacy => Algorithm::Legacy,
        }
    }
}

/// Runs `equalis panel`.
pub fn run(args: PanelArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PanelCommand::Select(a) => select(a),
        PanelCommand::Replace(a) => replace(a),
        PanelCommand::Quotas(a) => crate::cmd::panel_quotas::run(a),
    }
}

fn select(args: SelectArgs) -> anyhow::Result<ExitCode> {
    let (pool, quotas) = load(&args.common)?;
    let spinner = lottery_spinner(format!(
        "Selecting {} of {} volunteers: finding the fairest lottery",
        args.size,
        pool.volunteers().len()
    ));
    let result = equalis_sortition::select(
        &pool,
        &quotas,
        args.size,
        args.algorithm.into(),
        args.common.seed,
    );
    spinner.finish_and_clear();
    let selection = match result {
        Ok(s) => s,
        Err(e) => return refuse(e, &args.common),
    };
    let out = match args.common.format {
        Format::Json => pretty(&selection_json(&selection))?,
        Format::Table => selection_table(&pool, &selection),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn replace(args: ReplaceArgs) -> anyhow::Result<ExitCode> {
    let (pool, quotas) = load(&args.common)?;
    let path = &args.selection;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the selection record `{}`", path.display()))?;
    let record: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a JSON selection record; write one with `equalis panel select --format json`",
            path.display()
        )
    })?;
    let field = |name: &str| {
        record.get(name).with_context(|| {
            format!(
                "`{}` has no `{name}` field; is it a record from `equalis panel select --format json`?",
                path.display()
            )
        })
    };
    let recorded_hash = field("pool_hash")?.as_str().unwrap_or_default();
    if recorded_hash != pool.hash() {
        bail!(
            "`{}` is not the pool the selection in `{}` was drawn from (its hash differs)\n\nhint: pass the volunteers file used for the original selection",
            args.common.volunteers.display(),
            path.display()
        );
    }
    let panel: Vec<String> = field("panel")?
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let algorithm = match args.algorithm {
        Some(a) => a.into(),
        None => {
            let name = field("algorithm")?.as_str().unwrap_or_default();
            AlgorithmArg::from_str(name, true)
                .map_err(|_| {
                    anyhow::anyhow!(
                        "`{}` names an unknown algorithm `{name}`; pass --algorithm",
                        path.display()
                    )
                })?
                .into()
        }
    };
    let spinner = lottery_spinner(format!(
        "Replacing {} members: finding the fairest lottery",
        args.dropped.len()
    ));
    let result = equalis_sortition::replace(
        &pool,
        &quotas,
        &panel,
        &args.dropped,
        algorithm,
        args.common.seed,
    );
    spinner.finish_and_clear();
    let replacement = match result {
        Ok(r) => r,
        Err(e) => return refuse(e, &args.common),
    };
    let out = match args.common.format {
        Format::Json => pretty(&replacement_json(&pool, &replacement))?,
        Format::Table => replacement_table(&pool, &replacement),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Reports a selection the library refused: infeasible quotas get their own exit code (1) and
/// one line per conflict; everything else is an input error for `main` to report.
fn refuse(err: SortitionError, common: &Common) -> anyhow::Result<ExitCode> {
    match err {
        SortitionError::Infeasible(inf) => {
            eprintln!(
                "error: no panel can meet the quotas in `{}`:",
                common.quotas.display()
            );
            for c in &inf.conflicts {
                eprintln!("  - {c}");
            }
            eprintln!(
                "\nhint: lower the minimums or raise the maximums named above, or recruit more volunteers with those values"
            );
            Ok(ExitCode::from(1))
        }
        other => Err(anyhow::Error::new(other).context(format!(
            "checking `{}` against `{}`",
            common.volunteers.display(),
            common.quotas.display()
        ))),
    }
}

fn pretty(v: &Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(v)? + "\n")
}

/// A spinner on stderr while the lottery's distribution is found (tens of seconds for a pool
/// of thousands with many quota features, and the solver cannot say how far it has got).
pub(crate) fn lottery_spinner(message: String) -> ProgressBar {
    crate::cmd::output::spinner(message)
}

fn load(common: &Common) -> anyhow::Result<(Pool, Quotas)> {
    let pool = read_volunteers(&common.volunteers)?;
    let quotas = align(read_quotas(&common.quotas)?, pool.features());
    let quotas = Quotas::new(quotas).with_context(|| format!("`{}`", common.quotas.display()))?;
    Ok((pool, quotas))
}

/// The quotas with each feature named as the pool's column for it, so that a quota for
/// `ethnic_group` (as `equalis panel quotas` writes it) fits a pool whose column is
/// `ethnicity` (as older files have it), and the other way round: one vocabulary,
/// [`PanelFeature`], with its aliases. The pool keeps its own names, so its hash, and every
/// record of a draw from it, is unchanged.
pub(crate) fn align(quotas: Vec<Quota>, features: &[String]) -> Vec<Quota> {
    quotas
        .into_iter()
        .map(|mut q| {
            if !features.contains(&q.feature)
                && let Some(f) = features.iter().find(|f| PanelFeature::same(f, &q.feature))
            {
                q.feature = f.clone();
            }
            q
        })
        .collect()
}

/// Opens a CSV with headers; `what` names the file's role in error messages.
fn open_csv(path: &Path, what: &str) -> anyhow::Result<csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the {what} file `{}`", path.display()))?;
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file))
}

/// Reads the header row and returns it, naming the file if it is unreadable.
fn headers(rdr: &mut csv::Reader<std::fs::File>, path: &Path) -> anyhow::Result<Vec<String>> {
    Ok(rdr
        .headers()
        .with_context(|| format!("`{}`: cannot read the header row", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// Where a data row sits: "row N (line N+1)", counting data rows from 1 below the header.
fn at(path: &Path, row: usize, column: &str) -> String {
    format!(
        "`{}`, row {row} (line {}), column `{column}`",
        path.display(),
        row + 1
    )
}

fn read_volunteers(path: &Path) -> anyhow::Result<Pool> {
    let mut rdr = open_csv(path, "volunteers")?;
    let header = headers(&mut rdr, path)?;
    let Some(id_col) = header.iter().position(|h| h == "volunteer_id") else {
        bail!(
            "`{}` has no `volunteer_id` column (found: {})\n\nhint: the volunteers file needs volunteer_id, household_id (optional), then one column per feature",
            path.display(),
            header.join(", ")
        );
    };
    let hh_col = header.iter().position(|h| h == "household_id");
    let feature_cols: Vec<usize> = (0..header.len())
        .filter(|&c| c != id_col && Some(c) != hh_col)
        .collect();
    let features: Vec<String> = feature_cols.iter().map(|&c| header[c].clone()).collect();
    for (i, a) in features.iter().enumerate() {
        if let Some(b) = features[i + 1..].iter().find(|b| PanelFeature::same(a, b)) {
            bail!(
                "`{}` has both `{a}` and `{b}`, two names of one panel feature\n\nhint: keep one of the two columns",
                path.display()
            );
        }
    }
    let mut volunteers = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (r, rec) in rdr.records().enumerate() {
        let row = r + 1;
        let rec = rec.with_context(|| {
            format!(
                "`{}`, row {row} (line {}): not a valid CSV row; every row needs {} fields like the header",
                path.display(),
                row + 1,
                header.len()
            )
        })?;
        let id = rec.get(id_col).unwrap_or_default().to_owned();
        if id.is_empty() {
            bail!(
                "{}: empty; every volunteer needs an id",
                at(path, row, "volunteer_id")
            );
        }
        if let Some(first) = first_row.insert(id.clone(), row) {
            bail!(
                "{}: `{id}` is also on row {first}; volunteer ids must be unique",
                at(path, row, "volunteer_id")
            );
        }
        let mut values = Vec::with_capacity(feature_cols.len());
        for &c in &feature_cols {
            let v = rec.get(c).unwrap_or_default();
            if v.is_empty() {
                bail!(
                    "{}: empty for volunteer `{id}`; give a value (use e.g. `not stated` and a quota for it if unknown)",
                    at(path, row, &header[c])
                );
            }
            values.push(v.to_owned());
        }
        volunteers.push(Volunteer {
            id,
            household: hh_col
                .and_then(|c| rec.get(c))
                .filter(|h| !h.is_empty())
                .map(str::to_owned),
            values,
        });
    }
    Pool::new(features, volunteers).with_context(|| format!("`{}`", path.display()))
}

fn read_quotas(path: &Path) -> anyhow::Result<Vec<Quota>> {
    let mut rdr = open_csv(path, "quotas")?;
    let header = headers(&mut rdr, path)?;
    let mut cols = [0usize; 4];
    for (slot, name) in cols.iter_mut().zip(["feature", "value", "min", "max"]) {
        *slot = header.iter().position(|h| h == name).with_context(|| {
            format!(
                "`{}` has no `{name}` column (found: {})\n\nhint: the quotas file needs the columns feature, value, min, max",
                path.display(),
                header.join(", ")
            )
        })?;
    }
    let mut quotas = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let row = r + 1;
        let rec = rec.with_context(|| {
            format!(
                "`{}`, row {row} (line {}): not a valid CSV row; every row needs {} fields like the header",
                path.display(),
                row + 1,
                header.len()
            )
        })?;
        let text = |c: usize| rec.get(cols[c]).unwrap_or_default();
        let number = |c: usize, name: &str| -> anyhow::Result<u32> {
            text(c).parse::<u32>().map_err(|_| {
                anyhow::anyhow!(
                    "{}: `{}` is not a whole number of 0 or more",
                    at(path, row, name),
                    text(c)
                )
            })
        };
        for (c, name) in [(0, "feature"), (1, "value")] {
            if text(c).is_empty() {
                bail!(
                    "{}: empty; name the {name} this quota is for",
                    at(path, row, name)
                );
            }
        }
        let (min, max) = (number(2, "min")?, number(3, "max")?);
        if min > max {
            bail!(
                "{}: min {min} is above max {max}; swap them or correct one",
                at(path, row, "min")
            );
        }
        quotas.push(Quota {
            feature: text(0).to_owned(),
            value: text(1).to_owned(),
            min,
            max,
        });
    }
    Ok(quotas)
}

/// Probabilities rounded for display; the record keeps six decimals, ample for audit and stable
/// across platforms in snapshots.
fn round6(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

fn selection_json(s: &Selection) -> Value {
    let probabilities: serde_json::Map<String, Value> = s
        .probabilities
        .iter()
        .map(|(id, p)| (id.clone(), json!(round6(*p))))
        .collect();
    json!({
        "panel": s.panel,
        "probabilities": probabilities,
        "min_probability": round6(s.min_probability),
        "algorithm": s.algorithm.name(),
        "seed": s.seed,
        "size": s.size,
        "pool_hash": s.pool_hash,
        "quotas": quotas_json(&s.quotas, &s.counts),
        "never_selectable": s.never_selectable,
        "distribution": s.distribution.iter().map(|(p, w)| json!({"panel": p, "probability": round6(*w)})).collect::<Vec<_>>(),
        // Each distribution entry is a panel shape written as its canonical panel (the first
        // members of each group); the lottery fills a group's seats uniformly from the group.
        "interchangeable": s.interchangeable,
        "drawn": s.drawn,
    })
}

fn quotas_json(quotas: &[Quota], counts: &[u32]) -> Vec<Value> {
    quotas
        .iter()
        .zip(counts)
        .map(|(q, n)| json!({"feature": q.feature, "value": q.value, "min": q.min, "max": q.max, "selected": n}))
        .collect()
}

fn replacement_json(pool: &Pool, r: &Replacement) -> Value {
    let mut v = selection_json(&r.selection);
    // The top-level record describes the restored panel against the original pool, so that it
    // can itself be passed to a later `replace`; the draw among the remainder sits under `draw`.
    let draw = v.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("panel".into(), json!(r.panel));
        obj.insert("kept".into(), json!(r.kept));
        obj.insert("dropped".into(), json!(r.dropped));
        obj.insert("added".into(), json!(r.added));
        obj.insert("size".into(), json!(r.panel.len()));
        obj.insert("pool_hash".into(), json!(pool.hash()));
        obj.insert("quotas".into(), json!(quotas_json(&r.quotas, &r.counts)));
        obj.insert("draw".into(), draw);
        for key in [
            "probabilities",
            "min_probability",
            "distribution",
            "drawn",
            "never_selectable",
        ] {
            obj.remove(key);
        }
    }
    v
}

fn selection_table(pool: &Pool, s: &Selection) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Panel of {} drawn by {} lottery, seed {}",
        s.size,
        s.algorithm.name(),
        s.seed
    );
    let _ = writeln!(
        out,
        "Smallest selection probability: {:.4} (panels in the distribution: {}; drawn: number {})",
        s.min_probability,
        s.distribution.len(),
        s.drawn + 1
    );
    if !s.never_selectable.is_empty() {
        let _ = writeln!(
            out,
            "Never selectable under these quotas: {}",
            s.never_selectable.join(", ")
        );
    }
    let _ = writeln!(out, "Pool hash: {}\n", s.pool_hash);
    members_table(&mut out, pool, &s.panel, &s.probabilities);
    let _ = writeln!(out);
    quotas_table(&mut out, &s.quotas, &s.counts);
    out
}

fn replacement_table(pool: &Pool, r: &Replacement) -> String {
    let mut out = String::new();
    let s = &r.selection;
    let _ = writeln!(
        out,
        "Replaced {} of {} members by {} lottery, seed {}",
        r.dropped.len(),
        r.panel.len(),
        s.algorithm.name(),
        s.seed
    );
    let _ = writeln!(out, "Dropped out: {}", r.dropped.join(", "));
    let _ = writeln!(out, "Added: {}", r.added.join(", "));
    // Many of the remaining volunteers cannot fill these particular vacancies; the fairness
    // figure that matters is among those who can.
    let fitting: Vec<f64> = s
        .probabilities
        .iter()
        .map(|(_, p)| *p)
        .filter(|&p| p > 0.0)
        .collect();
    let _ = writeln!(
        out,
        "Remaining volunteers: {}, of whom {} could fill the vacancies; smallest selection probability among them: {:.4}",
        s.probabilities.len(),
        fitting.len(),
        fitting.iter().copied().fold(1.0, f64::min)
    );
    let _ = writeln!(out, "Pool hash: {}\n", pool.hash());
    members_table(&mut out, pool, &r.panel, &s.probabilities);
    let _ = writeln!(out);
    quotas_table(&mut out, &r.quotas, &r.counts);
    out
}

/// Members with their features and, where known, their selection probability.
fn members_table(out: &mut String, pool: &Pool, panel: &[String], probs: &[(String, f64)]) {
    let by_id: HashMap<&str, &Volunteer> = pool
        .volunteers()
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    let p: BTreeMap<&str, f64> = probs.iter().map(|(id, p)| (id.as_str(), *p)).collect();
    let mut rows = vec![
        std::iter::once("volunteer_id".to_owned())
            .chain(pool.features().iter().cloned())
            .chain(std::iter::once("probability".to_owned()))
            .collect::<Vec<_>>(),
    ];
    for id in panel {
        let Some(v) = by_id.get(id.as_str()) else {
            continue;
        };
        let prob = p
            .get(id.as_str())
            .map_or_else(|| "kept".to_owned(), |p| format!("{p:.4}"));
        rows.push(
            std::iter::once(id.clone())
                .chain(v.values.iter().cloned())
                .chain(std::iter::once(prob))
                .collect(),
        );
    }
    write_rows(out, &rows);
}

fn quotas_table(out: &mut String, quotas: &[Quota], counts: &[u32]) {
    let mut rows = vec![
        ["feature", "value", "min", "max", "selected"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for (q, n) in quotas.iter().zip(counts) {
        rows.push(vec![
            q.feature.clone(),
            q.value.clone(),
            q.min.to_string(),
            q.max.to_string(),
            n.to_string(),
        ]);
    }
    write_rows(out, &rows);
}

/// Left-aligned columns, two spaces apart, no trailing spaces.
fn write_rows(out: &mut String, rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let _ = write!(line, "{cell:<w$}", w = widths[c]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
