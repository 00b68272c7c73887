//! The workforce equality returns (WRES, WDES, pay gaps, the quarterly dashboard) of one
//! organisation (`--org`) or the whole ICS, at a 31 March snapshot: [`build`] makes a
//! [`Document`] that `equalis workforce` writes as a text table, CSV, JSON or an Excel
//! workbook, and the report's workforce pages are made of the same sheets
//! ([`report_sections`]).
//!
//! Data come from the workspace (`load.rs`): a dataset the workspace lacks leaves only the
//! indicators that read it undefined, naming the dataset to ingest. The figures come from
//! `equalis-workforce`; every number passes `equalis-disclosure` through
//! [`render::Publisher`], in one of two views (`--view`, rules in `docs/WORKFORCE.md`):
//! - **published** (the default, and the report's): counts 1–7 are `*` and others rounded to
//!   5, percentages are computed from the rounded counts, and statistics (relative
//!   likelihoods, means, medians, percentage-point differences) are `*` when 1–7 people stand
//!   behind the smaller group compared; a figure derived from a withheld count (the additional
//!   BME staff for parity) is withheld with it. Two kinds of figure are published as their
//!   definitions require: the pay gap measures of SI 2017/353 (and the ethnicity and
//!   disability pay gaps computed the same way) exact to one decimal place, withheld only when
//!   a group compared has 1–7 people; and the board rows of WRES 9 and WDES 10, exact for a
//!   board group of 8 or more, as NHS England publishes them.
//! - **return**: exact counts and rates, for submission to NHS England and the organisation's
//!   own use, never for publication; it says so on standard error, on the cover and in JSON.
//!
//! JSON: a number; `"*"` when suppressed; `null` when not applicable; `{"undefined": reason}`
//! when the figure is not defined (e.g. no BME applicants shortlisted).
//!
//! Local population (dashboard): Census 2021 ethnicity of the local authorities of the ICB
//! given by `--ics`, or else the most common ICB of the workspace's `population` dataset; with
//! neither, the representativeness sheet says so.

pub(crate) mod load;
mod render;
mod sections;
mod trend;

pub use load::choose_icb;
pub use render::{Publisher, Report, ValJson, View};
pub use sections::{Headlines, headlines, report_sections};

use crate::error::{invalid, not_found};
use anyhow::{Context, anyhow};
use equalis_vocab::Sex;
use equalis_workforce::dashboard::{self, ClusterKey};
use equalis_workforce::pay_gap::{self, GroupPay, PayGapAnalysis, PayGapOptions, QuartileBand};
use equalis_workforce::{
    DisabilityCounts, EthnicityCounts, Figure, NotSupplied, RateComparison, Scope,
    SurveyComparison, Workforce, wdes, wres,
};
use equalis_workspace::Workspace;
use jiff::civil::Date;
use serde_json::{Map, Value, json};

use equalis_report::Chart;
use equalis_report::tables::{Sheet, Val};

/// Which workforce return to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnKind {
    /// Workforce Race Equality Standard, indicators 1-9, with year on year.
    Wres,
    /// Workforce Disability Equality Standard, metrics 1-10, with year on year.
    Wdes,
    /// Pay gap by sex (statutory), ethnicity or disability, with year on year.
    PayGap(By),
    /// Quarterly workforce dashboard, representativeness and parity targets.
    Dashboard,
}

impl ReturnKind {
    /// The datasets the return reads (`staff` is always read).
    fn needed(self) -> &'static [&'static str] {
        match self {
            ReturnKind::PayGap(_) => &["staff"],
            _ => &load::ALL_DATASETS,
        }
    }
}

/// Which pay gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The statutory gender pay gap (SI 2017/353).
    Sex,
    /// BME compared with White staff, computed as the statutory measures are.
    Ethnicity,
    /// Disabled compared with non-disabled staff, computed as the statutory measures are.
    Disability,
}

/// What a caller asks of a workforce return: the command line's flags, a web request's
/// parameters. The texts of errors name the command-line flags (`--snapshot`, `--year`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkforceOptions {
    /// One organisation (ODS code); the whole ICS when `None`.
    pub org: Option<String>,
    /// Reporting year: the 31 March snapshot of that year.
    pub year: Option<i16>,
    /// Snapshot date (YYYY-MM-DD); the latest 31 March in the staff data when `None`
    /// (and `year` is `None`).
    pub snapshot: Option<String>,
    /// Which figures: published (the default) or the return to NHS England.
    pub view: View,
    /// The ICB (ODS code like QK1, or E54…) whose local authorities are the dashboard's local
    /// population; else the most common ICB of the workspace's `population` dataset.
    pub ics: Option<String>,
}

impl Default for WorkforceOptions {
    fn default() -> WorkforceOptions {
        WorkforceOptions {
            org: None,
            year: None,
            snapshot: None,
            view: View::Published,
            ics: None,
        }
    }
}

/// A workforce return, built once and written in every format from the same values: the
/// sheets (text table, CSV, Excel through [`Report`]) and their JSON.
#[derive(Debug, Clone)]
pub struct Document {
    /// The cover and one sheet per indicator.
    pub report: Report,
    /// The same figures as JSON, with `"view"` naming the view.
    pub json: Value,
}

/// Builds the workforce return `kind` of the workspace `ws`: reads the workforce datasets,
/// computes the figures and passes every number through disclosure control in `opts.view`.
pub fn build(ws: &Workspace, kind: ReturnKind, opts: &WorkforceOptions) -> crate::Result<Document> {
    build_any(ws, kind, opts).map_err(crate::Error::from)
}
fn build_any(
    ws: &Workspace,
    kind: ReturnKind,
    opts: &WorkforceOptions,
) -> anyhow::Result<Document> {
    let data = Workforce::new(load::load(ws, kind.needed())?).context("invalid workforce data")?;
    let scope = scope_of(&data, opts.org.as_deref())?;
    let date = snapshot_of(&data, opts)?;
    let p = Publisher::with_view(opts.view);
    let (report, mut json) = match kind {
        ReturnKind::Wres => {
            let (report, json, _) = wres_with_trend(&p, &data, &scope, date)?;
            (report, json)
        }
        ReturnKind::Wdes => {
            let (report, json, _) = wdes_with_trend(&p, &data, &scope, date)?;
            (report, json)
        }
        ReturnKind::PayGap(by) => pay_gap_report(&p, &data, &scope, date, by)?,
        ReturnKind::Dashboard => {
            let icb = load::choose_icb(ws, opts.ics.as_deref())?;
            dashboard_report(&p, &data, &scope, date, icb.as_deref())?
        }
    };
    if let Value::Object(m) = &mut json {
        m.insert("view".into(), json!(opts.view.name()));
    }
    Ok(Document { report, json })
}

/// The organisations (ODS codes) of the workspace's staff data, in order: the returns a caller
/// can ask for besides the ICS's. `None` when the workspace has no `staff` dataset.
pub fn organisations(ws: &Workspace) -> crate::Result<Option<Vec<String>>> {
    organisations_any(ws).map_err(crate::Error::from)
}
fn organisations_any(ws: &Workspace) -> anyhow::Result<Option<Vec<String>>> {
    if ws.current("staff")?.is_none() {
        return Ok(None);
    }
    let data = Workforce::new(load::load(ws, &["staff"])?).context("invalid workforce data")?;
    Ok(Some(
        data.scopes()
            .iter()
            .filter(|s| **s != Scope::Ics)
            .map(|s| s.label().to_owned())
            .collect(),
    ))
}

/// What the workforce returns are built from: the committed version of each dataset they read
/// (the five workforce datasets and `population`, for the dashboard's local population), as
/// `dataset:version`, or `dataset:-` where the workspace has none. A return built with the
/// same options from the same versions is the same document, so a cache keys on this; it
/// reads only the datasets' `CURRENT` files and manifests, not their rows.
pub fn data_versions(ws: &Workspace) -> crate::Result<Vec<String>> {
    load::ALL_DATASETS
        .iter()
        .chain(&["population"])
        .map(|d| {
            let v = ws
                .current_as_recorded(d)
                .map_err(|e| crate::Error::from(anyhow::Error::from(e)))?;
            Ok(match v {
                Some(v) => format!("{d}:{}", v.manifest.version),
                None => format!("{d}:-"),
            })
        })
        .collect()
}

/// The reporting years of the staff data (the years of its 31 March snapshots, oldest first):
/// the `year`s a caller can ask for. Empty when the workspace has no `staff` dataset.
pub fn years(ws: &Workspace) -> crate::Result<Vec<i16>> {
    years_any(ws).map_err(crate::Error::from)
}
fn years_any(ws: &Workspace) -> anyhow::Result<Vec<i16>> {
    if ws.current("staff")?.is_none() {
        return Ok(Vec::new());
    }
    let data = Workforce::new(load::load(ws, &["staff"])?).context("invalid workforce data")?;
    Ok(equalis_workforce::annual_snapshots(&data)
        .iter()
        .map(|d| d.year())
        .collect())
}

/// How the report draws a return's sheets: the chart of each sheet whose name starts with the
/// name given (the pay quartiles; the dashboard's representativeness and parity). The report's
/// workforce pages and the web application draw the same charts from the same published cells.
pub fn charts(kind: ReturnKind) -> Vec<(&'static str, Chart)> {
    match kind {
        ReturnKind::PayGap(_) => vec![(
            "Pay quartiles",
            Chart::Bars {
                columns: vec![2, 3],
                axis: "% of the quartile".to_owned(),
            },
        )],
        ReturnKind::Dashboard => vec![
            (
                "Representativeness",
                Chart::Bars {
                    columns: vec![2, 3],
                    axis: "%".to_owned(),
                },
            ),
            (
                "Parity",
                Chart::Bars {
                    columns: vec![3, 4],
                    axis: "BME % of known ethnicity".to_owned(),
                },
            ),
        ],
        ReturnKind::Wres | ReturnKind::Wdes => Vec::new(),
    }
}

fn scope_of(data: &Workforce, org: Option<&str>) -> anyhow::Result<Scope> {
    let Some(org) = org else {
        return Ok(Scope::Ics);
    };
    let scope = Scope::Organisation(org.to_string());
    if data.scopes().contains(&scope) {
        return Ok(scope);
    }
    let known: Vec<&str> = data
        .scopes()
        .iter()
        .filter(|s| **s != Scope::Ics)
        .map(Scope::label)
        .collect();
    Err(not_found!(
        "no organisation `{org}` in the workforce data; organisations: {}",
        known.join(", ")
    ))
}

fn snapshot_of(data: &Workforce, c: &WorkforceOptions) -> anyhow::Result<Date> {
    let dates = data.snapshot_dates();
    let listed = || {
        dates
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let date = if let Some(s) = &c.snapshot {
        equalis_vocab::parse_date(s).map_err(|e| invalid!("--snapshot {s}: {e}"))?
    } else if let Some(y) = c.year {
        Date::new(y, 3, 31).map_err(|e| invalid!("--year {y}: {e}"))?
    } else {
        match equalis_workforce::annual_snapshots(data).last() {
            Some(d) => *d,
            None => {
                return Err(not_found!(
                    "no 31 March snapshot in the staff data; give --snapshot DATE (snapshots: {})",
                    listed()
                ));
            }
        }
    };
    if !dates.contains(&date) {
        return Err(not_found!(
            "no staff snapshot on {date}; snapshots: {}",
            listed()
        ));
    }
    Ok(date)
}

/// The 31 March snapshots up to `date`, and `date` itself: the years a return compares.
fn years_to(data: &Workforce, date: Date) -> Vec<Date> {
    let mut years: Vec<Date> = equalis_workforce::annual_snapshots(data)
        .into_iter()
        .filter(|d| *d < date)
        .collect();
    years.push(date);
    years
}

/// Adds the year-on-year sheet and its JSON (`"year_on_year"`) to a return.
fn with_trend(mut report: (Report, Value), trend: (Sheet, Value)) -> (Report, Value) {
    report.0.sheets.push(trend.0);
    if let Value::Object(m) = &mut report.1 {
        m.insert("year_on_year".into(), trend.1);
    }
    report
}

/// A return at `date` (built by `report` from the raw figures of `compute`) with its
/// year-on-year sheet of the `tracked` figures, and the raw figures at `date`.
fn with_years<R>(
    p: &Publisher,
    data: &Workforce,
    date: Date,
    compute: impl Fn(Date) -> Result<R, equalis_workforce::WorkforceError>,
    snapshot: fn(&R) -> Date,
    report: fn(&Publisher, &R) -> (Report, Value),
    tracked: &[trend::Tracked<R>],
) -> anyhow::Result<(Report, Value, R)> {
    let mut reports = years_to(data, date)
        .into_iter()
        .map(compute)
        .collect::<Result<Vec<_>, _>>()?;
    let trend = trend::sheet(p, &reports, snapshot, tracked);
    // `years_to` ends with `date`, so the last report is the one asked for.
    let latest = reports
        .pop()
        .ok_or_else(|| anyhow!("no snapshot on {date}"))?;
    let (report, json) = with_trend(report(p, &latest), trend);
    Ok((report, json, latest))
}

/// WRES at `date` with its year-on-year sheet, and its raw figures.
fn wres_with_trend(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: Date,
) -> anyhow::Result<(Report, Value, wres::WresReport)> {
    with_years(
        p,
        data,
        date,
        |d| wres::wres(data, scope, d),
        |r| r.snapshot_date,
        wres_report,
        trend::WRES,
    )
}

/// WDES at `date` with its year-on-year sheet, and its raw figures.
fn wdes_with_trend(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: Date,
) -> anyhow::Result<(Report, Value, wdes::WdesReport)> {
    with_years(
        p,
        data,
        date,
        |d| wdes::wdes(data, scope, d),
        |r| r.snapshot_date,
        wdes_report,
        trend::WDES,
    )
}

/// Key/value items: a JSON object and a two-column sheet from the same values, and a few
/// facts for programs only (a survey indicator key, a date as data) kept out of the sheet.
struct Items {
    items: Vec<(String, String, Val)>,
    json_only: Vec<(String, Value)>,
}

impl Items {
    fn new() -> Items {
        Items {
            items: Vec::new(),
            json_only: Vec::new(),
        }
    }

    fn add(&mut self, key: impl Into<String>, label: impl Into<String>, v: Val) {
        self.items.push((key.into(), label.into(), v));
    }

    /// A fact for the JSON only: the sheet says it in words.
    fn add_json(&mut self, key: &str, v: Value) {
        self.json_only.push((key.to_owned(), v));
    }

    fn json(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.json_only {
            m.insert(k.clone(), v.clone());
        }
        for (k, _, v) in &self.items {
            m.insert(k.clone(), v.json());
        }
        Value::Object(m)
    }

    fn sheet(&self, name: &str, title: &str) -> Sheet {
        let mut s = Sheet::new(name, title, &["Measure", "Value"]);
        for (_, label, v) in &self.items {
            s.row(vec![Val::text(label), v.clone()]);
        }
        s
    }
}

/// The number of people behind a statistic, for disclosure control: the smallest non-zero
/// count it is computed from (a zero count is published as 0 anyway, so it reveals nothing).
fn smallest_nonzero(counts: &[u64]) -> u64 {
    counts.iter().copied().filter(|&n| n > 0).min().unwrap_or(0)
}

/// People behind a rate comparison: the smallest non-zero event count or base.
fn rate_people(c: &RateComparison) -> u64 {
    smallest_nonzero(&[
        c.numerator.events.round() as u64,
        c.numerator.base,
        c.denominator.events.round() as u64,
        c.denominator.base,
    ])
}

/// People behind WRES indicator 3: the smallest non-zero two-year total or headcount.
fn wres3_people(i3: &wres::Indicator3) -> u64 {
    smallest_nonzero(&[
        i3.white_entered[0] + i3.white_entered[1],
        i3.bme_entered[0] + i3.bme_entered[1],
        i3.comparison.numerator.base,
        i3.comparison.denominator.base,
    ])
}

/// People behind WDES metric 3, as for WRES indicator 3.
fn wdes3_people(m3: &wdes::Metric3) -> u64 {
    smallest_nonzero(&[
        m3.disabled_entered[0] + m3.disabled_entered[1],
        m3.non_disabled_entered[0] + m3.non_disabled_entered[1],
        m3.comparison.numerator.base,
        m3.comparison.denominator.base,
    ])
}

/// The ESR declaration rate (declared either way as % of headcount), from published counts.
fn declared(p: &Publisher, c: &DisabilityCounts) -> Val {
    p.pct(c.disabled + c.non_disabled, c.total)
}

fn key_of(group: &str) -> String {
    group.to_ascii_lowercase().replace('-', "_")
}

/// A two-group rate comparison: each group's events, base and rate, the relative likelihood
/// and its place against 0.80–1.25 (shown only when the likelihood is published).
fn comparison_items(
    p: &Publisher,
    items: &mut Items,
    c: &RateComparison,
    events: &str,
    base: &str,
    contributors: u64,
) {
    for g in [&c.numerator, &c.denominator] {
        let k = key_of(g.group);
        items.add(
            format!("{k}_{base}"),
            format!("{} {}", g.group, base.replace('_', " ")),
            p.count(g.base),
        );
        items.add(
            format!("{k}_{events}"),
            format!("{} {}", g.group, events.replace('_', " ")),
            p.count(g.events.round() as u64),
        );
    }
    let [rl, assessment] = likelihood_cells(p, c, contributors);
    items.add(
        "relative_likelihood",
        format!(
            "Relative likelihood ({} / {})",
            c.numerator.group, c.denominator.group
        ),
        rl,
    );
    items.add("assessment", "Against 0.80-1.25", assessment);
}

/// The published relative likelihood and its place against 0.80–1.25; the place is said only
/// when the likelihood itself is published (a withheld one would be bracketed by it).
fn likelihood_cells(p: &Publisher, c: &RateComparison, contributors: u64) -> [Val; 2] {
    let rl = p.stat(c.relative_likelihood.value, contributors, 2);
    let assessment = match (rl.number(), c.relative_likelihood.assessment) {
        (Some(_), Some(a)) => Val::text(a.label()),
        (_, None) => Val::Undefined("relative likelihood not defined"),
        (None, Some(_)) => Val::text("*"),
    };
    [rl, assessment]
}

fn survey_items(p: &Publisher, s: &SurveyComparison) -> Items {
    let mut it = Items::new();
    it.add_json("question", json!(s.question));
    it.add(
        "survey_year",
        "NHS Staff Survey year",
        Val::Int(i64::from(s.survey_year)),
    );
    for f in [&s.reference, &s.comparison] {
        let k = key_of(f.group.label());
        it.add(
            format!("{k}_respondents"),
            format!("{} respondents", f.group.label()),
            p.count(f.respondents),
        );
        it.add(
            format!("{k}_pct"),
            format!("{} %", f.group.label()),
            p.pct(f.positive, f.respondents),
        );
    }
    it.add(
        "difference_pp",
        format!(
            "{} - {} (percentage points)",
            s.comparison.group.label(),
            s.reference.group.label()
        ),
        p.stat(s.difference_pp, survey_people(s), 1),
    );
    it
}

/// People behind a survey difference: the smallest non-zero count of either group.
fn survey_people(s: &SurveyComparison) -> u64 {
    smallest_nonzero(&[
        s.reference.positive,
        s.reference.respondents,
        s.comparison.positive,
        s.comparison.respondents,
    ])
}

fn ethnicity_counts_cells(p: &Publisher, c: &EthnicityCounts) -> Vec<Val> {
    vec![
        p.count(c.white),
        p.count(c.bme),
        p.count(c.unknown),
        p.count(c.total),
        p.pct(c.white, c.total),
        p.pct(c.bme, c.total),
        p.pct(c.unknown, c.total),
    ]
}

const ETHNICITY_KEYS: [&str; 7] = [
    "white",
    "bme",
    "unknown",
    "total",
    "white_pct",
    "bme_pct",
    "unknown_pct",
];

fn ethnicity_counts_json(p: &Publisher, c: &EthnicityCounts) -> Value {
    counts_json(&ETHNICITY_KEYS, &ethnicity_counts_cells(p, c))
}

/// Cells under their JSON keys.
fn counts_json(keys: &[&str], cells: &[Val]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| k.to_string())
            .zip(cells.iter().map(Val::json))
            .collect(),
    )
}

/// A board group's three counts, its size and the three shares, published as NHS England
/// publishes WRES 9 and WDES 10: exact when the group that decides (`group`: the group itself,
/// or the smaller of the executive and non-executive parts) has 8 or more members, all
/// withheld when it has 1 to 7.
fn board_cells(p: &Publisher, counts: [u64; 3], total: u64, group: u64) -> Vec<Val> {
    let mut v: Vec<Val> = counts.iter().map(|&n| p.board_count(n, group)).collect();
    v.push(p.board_count(total, group));
    v.extend(counts.iter().map(|&n| p.board_pct(n, total, group)));
    v
}

const ETHNICITY_HEADERS: [&str; 7] = [
    "White",
    "BME",
    "Unknown",
    "Total",
    "White %",
    "BME %",
    "Unknown %",
];

fn disability_counts_cells(p: &Publisher, c: &DisabilityCounts) -> Vec<Val> {
    vec![
        p.count(c.disabled),
        p.count(c.non_disabled),
        p.count(c.unknown),
        p.count(c.total),
        p.pct(c.disabled, c.total),
        p.pct(c.non_disabled, c.total),
        p.pct(c.unknown, c.total),
        p.pct(c.disabled + c.non_disabled, c.total),
    ]
}

const DISABILITY_KEYS: [&str; 8] = [
    "disabled",
    "non_disabled",
    "unknown",
    "total",
    "disabled_pct",
    "non_disabled_pct",
    "unknown_pct",
    "declaration_rate_pct",
];

fn disability_counts_json(p: &Publisher, c: &DisabilityCounts) -> Value {
    counts_json(&DISABILITY_KEYS, &disability_counts_cells(p, c))
}

const DISABILITY_HEADERS: [&str; 8] = [
    "Disabled",
    "Non-disabled",
    "Unknown",
    "Total",
    "Disabled %",
    "Non-disabled %",
    "Unknown %",
    "Declaration rate %",
];

fn headers_with<'a>(first: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    std::iter::once(first).chain(rest.iter().copied()).collect()
}

fn cover(p: &Publisher, kind: &str, scope: &Scope, date: Date) -> Vec<(String, String)> {
    vec![
        ("Return".into(), kind.into()),
        (
            "Organisation".into(),
            match scope {
                Scope::Ics => "ICS (all organisations)".into(),
                Scope::Organisation(o) => o.clone(),
            },
        ),
        ("Snapshot date".into(), date.to_string()),
        ("View".into(), p.view().describe().into()),
    ]
}

/// The items of an indicator computed from its dataset, or the dataset it needs.
fn items_of<T>(
    x: &Result<T, NotSupplied>,
    items: impl FnOnce(&T) -> Items,
) -> Result<Items, NotSupplied> {
    match x {
        Ok(v) => Ok(items(v)),
        Err(n) => Err(*n),
    }
}

/// A sheet and its JSON for an indicator: its items, or one row saying which dataset it needs.
fn indicator_sheet(name: &str, title: &str, items: Result<Items, NotSupplied>) -> (Sheet, Value) {
    match items {
        Ok(it) => (it.sheet(name, title), it.json()),
        Err(n) => {
            let v = Val::Undefined(n.reason());
            let mut s = Sheet::new(name, title, &["Measure", "Value"]);
            s.row(vec![Val::text("Not computed"), v.clone()]);
            (s, v.json())
        }
    }
}

/// A period `(after, to]` in words: "1 April 2024 to 31 March 2026".
fn period(after: Date, to: Date) -> String {
    let day = |d: Date| {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {} {}",
            d.day(),
            MONTHS[usize::from(d.month().unsigned_abs()) - 1],
            d.year()
        )
    };
    match after.tomorrow() {
        Ok(from) => format!("{} to {}", day(from), day(to)),
        Err(_) => format!("after {} to {}", day(after), day(to)),
    }
}

/// The words for an SPC point (the JSON keeps the Making Data Count code).
fn point_words(t: equalis_stats::PointType) -> &'static str {
    use equalis_stats::PointType::*;
    match t {
        CommonCause => "Common cause",
        Improvement => "Special cause: improvement",
        Concern => "Special cause: concern",
        NeutralHigh => "Special cause: high",
        NeutralLow => "Special cause: low",
    }
}

/// WRES indicator 2: appointment from shortlisting.
fn wres2_items(p: &Publisher, i2: &wres::Indicator2) -> Items {
    let mut it = Items::new();
    it.add(
        "white_shortlisted",
        "White shortlisted",
        p.count(i2.white_shortlisted),
    );
    it.add(
        "white_appointed",
        "White appointed",
        p.count(i2.white_appointed),
    );
    it.add(
        "bme_shortlisted",
        "BME shortlisted",
        p.count(i2.bme_shortlisted),
    );
    it.add("bme_appointed", "BME appointed", p.count(i2.bme_appointed));
    it.add(
        "unknown_shortlisted",
        "Unknown shortlisted",
        p.count(i2.unknown_shortlisted),
    );
    it.add(
        "unknown_appointed",
        "Unknown appointed",
        p.count(i2.unknown_appointed),
    );
    it.add(
        "white_likelihood",
        "Likelihood of White appointment from shortlisting",
        p.stat(
            i2.comparison.numerator.rate,
            smallest_nonzero(&[i2.white_appointed, i2.white_shortlisted]),
            3,
        ),
    );
    it.add(
        "bme_likelihood",
        "Likelihood of BME appointment from shortlisting",
        p.stat(
            i2.comparison.denominator.rate,
            smallest_nonzero(&[i2.bme_appointed, i2.bme_shortlisted]),
            3,
        ),
    );
    let mut rl = Items::new();
    let people = smallest_nonzero(&[
        i2.white_appointed,
        i2.white_shortlisted,
        i2.bme_appointed,
        i2.bme_shortlisted,
    ]);
    comparison_items(
        p,
        &mut rl,
        &i2.comparison,
        "appointed",
        "shortlisted",
        people,
    );
    for (k, l, v) in rl
        .items
        .into_iter()
        .filter(|(k, _, _)| k == "relative_likelihood" || k == "assessment")
    {
        it.add(k, l, v);
    }
    it
}

/// WRES indicator 3: entering the formal disciplinary process, two-year rolling average.
fn wres3_items(p: &Publisher, i3: &wres::Indicator3, end: Date) -> Items {
    let mut it = Items::new();
    it.add_json("window_start", json!(i3.window_start.to_string()));
    it.add(
        "period",
        "Two-year period",
        Val::text(period(i3.window_start, end)),
    );
    for (k, l, n) in [
        ("bme_entered", "BME", i3.bme_entered),
        ("white_entered", "White", i3.white_entered),
        ("unknown_entered", "Unknown", i3.unknown_entered),
    ] {
        it.add(
            format!("{k}_year1"),
            format!("{l} entering the formal disciplinary process, earlier year"),
            p.count(n[0]),
        );
        it.add(
            format!("{k}_year2"),
            format!("{l} entering the formal disciplinary process, latest year"),
            p.count(n[1]),
        );
    }
    it.add(
        "unmatched_cases",
        "Cases matching no staff record",
        p.count(i3.unmatched_cases),
    );
    let mut c = Items::new();
    let people = wres3_people(i3);
    comparison_items(
        p,
        &mut c,
        &i3.comparison,
        "entered_average",
        "headcount",
        people,
    );
    for (k, l, v) in c.items {
        if !k.ends_with("entered_average") {
            it.add(k, l, v);
        }
    }
    it
}

/// WRES indicator 4: non-mandatory training and CPD.
fn wres4_items(p: &Publisher, i4: &wres::Indicator4) -> Items {
    let mut it = Items::new();
    comparison_items(
        p,
        &mut it,
        &i4.comparison,
        "accessed",
        "headcount",
        rate_people(&i4.comparison),
    );
    it.add(
        "unknown_accessed",
        "Unknown accessed",
        p.count(i4.unknown_accessed),
    );
    it.add(
        "unmatched_records",
        "Training records matching no staff record",
        p.count(i4.unmatched_records),
    );
    it
}

fn wres_report(p: &Publisher, r: &wres::WresReport) -> (Report, Value) {
    let mut sheets = Vec::new();
    let mut ind = Map::new();

    // 1: by section and band.
    let mut s1 = Sheet::new(
        "WRES 1",
        "Indicator 1: staff in each pay band by ethnicity (non-clinical, clinical, medical and dental)",
        &headers_with("Section / band", &ETHNICITY_HEADERS),
    );
    let mut rows = Vec::new();
    for row in &r.indicator1.rows {
        let label = format!("{}: {}", row.section.label(), row.band.label());
        let mut cells = vec![Val::text(&label)];
        cells.extend(ethnicity_counts_cells(p, &row.counts));
        s1.row(cells);
        let mut j = ethnicity_counts_json(p, &row.counts);
        if let Value::Object(m) = &mut j {
            m.insert("section".into(), json!(row.section.label()));
            m.insert("band".into(), json!(row.band.code()));
        }
        rows.push(j);
    }
    let mut sections = Map::new();
    for (sec, c) in &r.indicator1.sections {
        let mut cells = vec![Val::text(format!("{} total", sec.label()))];
        cells.extend(ethnicity_counts_cells(p, c));
        s1.row(cells);
        sections.insert(sec.label().to_string(), ethnicity_counts_json(p, c));
    }
    let mut cells = vec![Val::text("All staff")];
    cells.extend(ethnicity_counts_cells(p, &r.indicator1.overall));
    s1.row(cells);
    ind.insert(
        "1".into(),
        json!({"rows": rows, "sections": sections, "overall": ethnicity_counts_json(p, &r.indicator1.overall)}),
    );
    sheets.push(s1);

    // 2 to 8: each from its own dataset, or saying which dataset to ingest.
    let survey = |s| items_of(s, |s| survey_items(p, s));
    for (n, items, title) in [
        (
            "2",
            items_of(&r.indicator2, |i| wres2_items(p, i)),
            "Indicator 2: relative likelihood of White staff being appointed from shortlisting compared to BME staff",
        ),
        (
            "3",
            items_of(&r.indicator3, |i| wres3_items(p, i, r.snapshot_date)),
            "Indicator 3: relative likelihood of BME staff entering the formal disciplinary process compared to White staff (two-year rolling average)",
        ),
        (
            "4",
            items_of(&r.indicator4, |i| wres4_items(p, i)),
            "Indicator 4: relative likelihood of White staff accessing non-mandatory training and CPD compared to BME staff",
        ),
        (
            "5",
            survey(&r.indicator5),
            "Indicator 5: harassment, bullying or abuse from patients, relatives or the public in the last 12 months, %",
        ),
        (
            "6",
            survey(&r.indicator6),
            "Indicator 6: harassment, bullying or abuse from staff in the last 12 months, %",
        ),
        (
            "7",
            survey(&r.indicator7),
            "Indicator 7: believing the organisation provides equal opportunities for career progression or promotion, %",
        ),
        (
            "8",
            survey(&r.indicator8),
            "Indicator 8: personally experienced discrimination at work from a manager, team leader or colleague, %",
        ),
    ] {
        let (sheet, json) = indicator_sheet(&format!("WRES {n}"), title, items);
        ind.insert(n.into(), json);
        sheets.push(sheet);
    }

    // 9: board, as NHS England publishes it (see `Publisher::board_count`).
    let i9 = &r.indicator9;
    let mut s9 = Sheet::new(
        "WRES 9",
        "Indicator 9: board membership by ethnicity compared with the overall workforce",
        &headers_with("Group", &ETHNICITY_HEADERS),
    );
    let mut j9 = Map::new();
    // Executive and non-executive members make up the voting board, so neither part can be
    // shown without the other: both follow the smaller.
    let split = smallest_nonzero(&[i9.executive.total, i9.non_executive.total]);
    for (k, l, c, group) in [
        (
            "voting",
            "Voting board members",
            &i9.voting,
            i9.voting.total,
        ),
        ("executive", "Executive board members", &i9.executive, split),
        (
            "non_executive",
            "Non-executive board members",
            &i9.non_executive,
            split,
        ),
        (
            "non_voting",
            "Non-voting board members",
            &i9.non_voting,
            i9.non_voting.total,
        ),
    ] {
        let v = board_cells(p, [c.white, c.bme, c.unknown], c.total, group);
        j9.insert(k.into(), counts_json(&ETHNICITY_KEYS, &v));
        s9.row(std::iter::once(Val::text(l)).chain(v).collect());
    }
    let mut cells = vec![Val::text("Overall workforce")];
    cells.extend(ethnicity_counts_cells(p, &i9.workforce));
    s9.row(cells);
    j9.insert("workforce".into(), ethnicity_counts_json(p, &i9.workforce));
    let wf = &i9.workforce;
    for (k, l, d, group) in [
        (
            "voting_difference_pp",
            "Voting board - workforce (pp)",
            &i9.voting_difference,
            i9.voting.total,
        ),
        (
            "executive_difference_pp",
            "Executive board - workforce (pp)",
            &i9.executive_difference,
            split,
        ),
        (
            "non_executive_difference_pp",
            "Non-executive board - workforce (pp)",
            &i9.non_executive_difference,
            split,
        ),
    ] {
        // A difference rests on the board group and on the workforce count it compares with.
        let vals = [
            p.stat(d.white_pp, smallest_nonzero(&[group, wf.white]), 1),
            p.stat(d.bme_pp, smallest_nonzero(&[group, wf.bme]), 1),
            p.stat(d.unknown_pp, smallest_nonzero(&[group, wf.unknown]), 1),
        ];
        j9.insert(
            k.into(),
            json!({"white": vals[0].json(), "bme": vals[1].json(), "unknown": vals[2].json()}),
        );
        let mut cells = vec![Val::text(l)];
        cells.extend(vals.iter().cloned());
        cells.extend((0..4).map(|_| Val::text("")));
        s9.row(cells);
    }
    ind.insert("9".into(), Value::Object(j9));
    sheets.push(s9);

    let json = json!({
        "org": r.scope.label(),
        "snapshot_date": r.snapshot_date.to_string(),
        "indicators": ind,
    });
    (
        Report {
            title: format!("WRES {} at {}", r.scope.label(), r.snapshot_date),
            cover: cover(
                p,
                "Workforce Race Equality Standard",
                &r.scope,
                r.snapshot_date,
            ),
            sheets,
        },
        json,
    )
}

/// WDES metric 2: appointment from shortlisting.
fn wdes2_items(p: &Publisher, m2: &wdes::Metric2) -> Items {
    let mut it = Items::new();
    comparison_items(
        p,
        &mut it,
        &m2.comparison,
        "appointed",
        "shortlisted",
        rate_people(&m2.comparison),
    );
    it.add(
        "unknown_shortlisted",
        "Unknown shortlisted",
        p.count(m2.shortlisted.unknown),
    );
    it.add(
        "unknown_appointed",
        "Unknown appointed",
        p.count(m2.appointed.unknown),
    );
    it.add(
        "declaration_rate_pct",
        "Declaration rate of shortlisted applicants %",
        p.pct(
            m2.shortlisted.disabled + m2.shortlisted.non_disabled,
            m2.shortlisted.total,
        ),
    );
    it
}

/// WDES metric 3: entering the formal capability process, two-year rolling average.
fn wdes3_items(p: &Publisher, m3: &wdes::Metric3, overall: &DisabilityCounts, end: Date) -> Items {
    let mut it = Items::new();
    it.add_json("window_start", json!(m3.window_start.to_string()));
    it.add(
        "period",
        "Two-year period",
        Val::text(period(m3.window_start, end)),
    );
    for (k, l, n) in [
        ("disabled_entered", "Disabled", m3.disabled_entered),
        (
            "non_disabled_entered",
            "Non-disabled",
            m3.non_disabled_entered,
        ),
        ("unknown_entered", "Unknown", m3.unknown_entered),
    ] {
        it.add(
            format!("{k}_year1"),
            format!("{l} entering the formal capability process, earlier year"),
            p.count(n[0]),
        );
        it.add(
            format!("{k}_year2"),
            format!("{l} entering the formal capability process, latest year"),
            p.count(n[1]),
        );
    }
    it.add(
        "unmatched_cases",
        "Cases matching no staff record",
        p.count(m3.unmatched_cases),
    );
    let mut c = Items::new();
    let people = wdes3_people(m3);
    comparison_items(
        p,
        &mut c,
        &m3.comparison,
        "entered_average",
        "headcount",
        people,
    );
    for (k, l, v) in c.items {
        if !k.ends_with("entered_average") {
            it.add(k, l, v);
        }
    }
    it.add(
        "declaration_rate_pct",
        "Workforce declaration rate %",
        declared(p, overall),
    );
    it
}

/// A WDES survey metric (4 to 7) with the two declaration rates beside it.
fn wdes_survey_items(p: &Publisher, m: &wdes::SurveyMetric, overall: &DisabilityCounts) -> Items {
    let mut it = survey_items(p, &m.figures);
    let resp = m.figures.reference.respondents + m.figures.comparison.respondents;
    it.add(
        "workforce_declaration_rate_pct",
        "Workforce (ESR) declaration rate %",
        declared(p, overall),
    );
    it.add(
        "survey_disabled_pct",
        "Disabled respondents as % of respondents",
        p.pct(m.figures.comparison.respondents, resp),
    );
    it
}

/// WDES metric 8: adequate adjustments, Disabled staff only.
fn wdes8_items(
    p: &Publisher,
    m8: &equalis_workforce::SurveyFigure,
    overall: &DisabilityCounts,
) -> Items {
    let mut it = Items::new();
    it.add(
        "disabled_respondents",
        "Disabled respondents",
        p.count(m8.respondents),
    );
    it.add(
        "disabled_pct",
        "Disabled staff saying adequate adjustments were made %",
        p.pct(m8.positive, m8.respondents),
    );
    it.add(
        "workforce_declaration_rate_pct",
        "Workforce (ESR) declaration rate %",
        declared(p, overall),
    );
    it
}

fn wdes_report(p: &Publisher, r: &wdes::WdesReport) -> (Report, Value) {
    let mut sheets = Vec::new();
    let mut met = Map::new();

    let mut s1 = Sheet::new(
        "WDES 1",
        "Metric 1: staff in each pay band cluster by disability (non-clinical, clinical), with declaration rates",
        &headers_with("Section / cluster", &DISABILITY_HEADERS),
    );
    let mut rows = Vec::new();
    for row in &r.metric1.rows {
        let cluster = row.cluster.map_or("Other terms", |c| c.label());
        let mut cells = vec![Val::text(format!("{}: {}", row.section.label(), cluster))];
        cells.extend(disability_counts_cells(p, &row.counts));
        s1.row(cells);
        let mut j = disability_counts_json(p, &row.counts);
        if let Value::Object(m) = &mut j {
            m.insert("section".into(), json!(row.section.label()));
            m.insert("cluster".into(), json!(cluster));
        }
        rows.push(j);
    }
    let mut cells = vec![Val::text("All staff")];
    cells.extend(disability_counts_cells(p, &r.metric1.overall));
    s1.row(cells);
    met.insert(
        "1".into(),
        json!({"rows": rows, "overall": disability_counts_json(p, &r.metric1.overall)}),
    );
    sheets.push(s1);

    // 2 to 8: each from its own dataset, or saying which dataset to ingest.
    let overall = &r.metric1.overall;
    let survey = |m| items_of(m, |m| wdes_survey_items(p, m, overall));
    for (n, items, title) in [
        (
            "2",
            items_of(&r.metric2, |m| wdes2_items(p, m)),
            "Metric 2: relative likelihood of non-disabled applicants being appointed from shortlisting compared to Disabled applicants",
        ),
        (
            "3",
            items_of(&r.metric3, |m| wdes3_items(p, m, overall, r.snapshot_date)),
            "Metric 3: relative likelihood of Disabled staff entering the formal capability process compared to non-disabled staff (two-year rolling average)",
        ),
        (
            "4a_public",
            survey(&r.metric4a_public),
            "Metric 4a(i): harassment, bullying or abuse from patients, relatives or the public, %",
        ),
        (
            "4a_managers",
            survey(&r.metric4a_managers),
            "Metric 4a(ii): harassment, bullying or abuse from managers, %",
        ),
        (
            "4a_colleagues",
            survey(&r.metric4a_colleagues),
            "Metric 4a(iii): harassment, bullying or abuse from other colleagues, %",
        ),
        (
            "4b",
            survey(&r.metric4b),
            "Metric 4b: last experience of harassment, bullying or abuse reported, %",
        ),
        (
            "5",
            survey(&r.metric5),
            "Metric 5: believing the organisation provides equal opportunities for career progression or promotion, %",
        ),
        (
            "6",
            survey(&r.metric6),
            "Metric 6: felt pressure from their manager to come to work when not well enough, %",
        ),
        (
            "7",
            survey(&r.metric7),
            "Metric 7: satisfied with the extent to which the organisation values their work, %",
        ),
        (
            "8",
            items_of(&r.metric8, |m| wdes8_items(p, m, overall)),
            "Metric 8: employer has made adequate adjustments to enable Disabled staff to carry out their work, %",
        ),
    ] {
        let name = format!("WDES {}", n.replace('_', " "));
        let (sheet, json) = indicator_sheet(&name, title, items);
        met.insert(n.into(), json);
        sheets.push(sheet);
    }

    let mut it = Items::new();
    it.add(
        "9a",
        "Staff engagement score, Disabled - non-disabled",
        p.stat(r.metric9a, 0, 1),
    );
    it.add(
        "9b",
        "Action taken to facilitate the voices of Disabled staff",
        p.stat(r.metric9b, 0, 1),
    );
    met.insert("9".into(), it.json());
    sheets.push(it.sheet("WDES 9", "Metric 9: staff engagement"));

    let m10 = &r.metric10;
    let mut s10 = Sheet::new(
        "WDES 10",
        "Metric 10: board membership by disability compared with the overall workforce",
        &headers_with("Group", &DISABILITY_HEADERS),
    );
    let mut j10 = Map::new();
    // As for WRES 9: the executive and non-executive parts follow the smaller.
    let split = smallest_nonzero(&[m10.executive.total, m10.non_executive.total]);
    for (k, l, c, group) in [
        (
            "voting",
            "Voting board members",
            &m10.voting,
            m10.voting.total,
        ),
        (
            "executive",
            "Executive board members",
            &m10.executive,
            split,
        ),
        (
            "non_executive",
            "Non-executive board members",
            &m10.non_executive,
            split,
        ),
        (
            "non_voting",
            "Non-voting board members",
            &m10.non_voting,
            m10.non_voting.total,
        ),
    ] {
        let mut v = board_cells(p, [c.disabled, c.non_disabled, c.unknown], c.total, group);
        v.push(p.board_pct(c.disabled + c.non_disabled, c.total, group));
        j10.insert(k.into(), counts_json(&DISABILITY_KEYS, &v));
        s10.row(std::iter::once(Val::text(l)).chain(v).collect());
    }
    let mut cells = vec![Val::text("Overall workforce")];
    cells.extend(disability_counts_cells(p, &m10.workforce));
    s10.row(cells);
    j10.insert(
        "workforce".into(),
        disability_counts_json(p, &m10.workforce),
    );
    let wf = &m10.workforce;
    for (k, l, d, group) in [
        (
            "voting_difference_pp",
            "Voting board - workforce (pp)",
            &m10.voting_difference,
            m10.voting.total,
        ),
        (
            "executive_difference_pp",
            "Executive board - workforce (pp)",
            &m10.executive_difference,
            split,
        ),
        (
            "non_executive_difference_pp",
            "Non-executive board - workforce (pp)",
            &m10.non_executive_difference,
            split,
        ),
    ] {
        let vals = [
            p.stat(d.disabled_pp, smallest_nonzero(&[group, wf.disabled]), 1),
            p.stat(
                d.non_disabled_pp,
                smallest_nonzero(&[group, wf.non_disabled]),
                1,
            ),
            p.stat(d.unknown_pp, smallest_nonzero(&[group, wf.unknown]), 1),
        ];
        j10.insert(
            k.into(),
            json!({"disabled": vals[0].json(), "non_disabled": vals[1].json(), "unknown": vals[2].json()}),
        );
        let mut cells = vec![Val::text(l)];
        cells.extend(vals.iter().cloned());
        cells.extend((0..5).map(|_| Val::text("")));
        s10.row(cells);
    }
    met.insert("10".into(), Value::Object(j10));
    sheets.push(s10);

    let json = json!({
        "org": r.scope.label(),
        "snapshot_date": r.snapshot_date.to_string(),
        "metrics": met,
    });
    (
        Report {
            title: format!("WDES {} at {}", r.scope.label(), r.snapshot_date),
            cover: cover(
                p,
                "Workforce Disability Equality Standard",
                &r.scope,
                r.snapshot_date,
            ),
            sheets,
        },
        json,
    )
}

fn quartile_key(b: QuartileBand) -> &'static str {
    match b {
        QuartileBand::Lower => "lower",
        QuartileBand::LowerMiddle => "lower_middle",
        QuartileBand::UpperMiddle => "upper_middle",
        QuartileBand::Upper => "upper",
    }
}

fn pay_gap_report(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: Date,
    by: By,
) -> anyhow::Result<(Report, Value)> {
    match by {
        By::Sex => {
            let (report, json, _) = with_years(
                p,
                data,
                date,
                |d| Ok(pay_gap::gender_pay_gap(data, scope, d)),
                |g| g.snapshot_date,
                gender_report,
                trend::GENDER,
            )?;
            Ok((report, json))
        }
        By::Ethnicity => {
            let (report, json, _) = with_years(
                p,
                data,
                date,
                |d| {
                    Ok(pay_gap::ethnicity_pay_gap(
                        data,
                        scope,
                        d,
                        PayGapOptions::default(),
                    ))
                },
                |g| g.snapshot_date,
                ethnicity_report,
                trend::ETHNICITY,
            )?;
            Ok((report, json))
        }
        By::Disability => {
            let (report, json, _) = with_years(
                p,
                data,
                date,
                |d| {
                    Ok(pay_gap::disability_pay_gap(
                        data,
                        scope,
                        d,
                        PayGapOptions::default(),
                    ))
                },
                |g| g.snapshot_date,
                disability_report,
                trend::DISABILITY,
            )?;
            Ok((report, json))
        }
    }
}

fn ethnicity_report(p: &Publisher, g: &pay_gap::EthnicityPayGap) -> (Report, Value) {
    let (scope, date) = (&g.scope, g.snapshot_date);
    let (mut sheets, by_group) = analysis_sheets(p, "By group", &g.by_group, |e| e.label());
    let (binary_sheets, binary) = analysis_sheets(p, "White-minority", &g.binary, |e| e.label());
    sheets.extend(binary_sheets);
    sheets.push(coverage_sheet(p, &g.coverage));
    let json = json!({
        "org": scope.label(),
        "snapshot_date": date.to_string(),
        "by": "ethnicity",
        "small_group_threshold": g.small_group_threshold,
        "aggregated": g.aggregated.iter().map(|e| e.label()).collect::<Vec<_>>(),
        "by_group": by_group,
        "binary": binary,
        "coverage": coverage_json(p, &g.coverage),
    });
    (
        Report {
            title: format!("Ethnicity pay gap {} at {date}", scope.label()),
            cover: cover(p, "Ethnicity pay gap (2023 guidance)", scope, date),
            sheets,
        },
        json,
    )
}

fn disability_report(p: &Publisher, g: &pay_gap::DisabilityPayGap) -> (Report, Value) {
    let (scope, date) = (&g.scope, g.snapshot_date);
    let (mut sheets, analysis) = analysis_sheets(p, "Disability", &g.analysis, |d| match d {
        equalis_vocab::Disability::Disabled => "Disabled",
        equalis_vocab::Disability::NotDisabled => "Non-disabled",
        equalis_vocab::Disability::Unknown => "Unknown",
    });
    sheets.push(coverage_sheet(p, &g.coverage));
    let json = json!({
        "org": scope.label(),
        "snapshot_date": date.to_string(),
        "by": "disability",
        "analysis": analysis,
        "coverage": coverage_json(p, &g.coverage),
    });
    (
        Report {
            title: format!("Disability pay gap {} at {date}", scope.label()),
            cover: cover(p, "Disability pay gap", scope, date),
            sheets,
        },
        json,
    )
}

fn coverage_items(p: &Publisher, c: &pay_gap::PayCoverage) -> Items {
    let mut it = Items::new();
    it.add(
        "relevant_employees",
        "Relevant employees",
        p.count(c.relevant_employees),
    );
    it.add(
        "full_pay_relevant_employees",
        "Full-pay relevant employees",
        p.count(c.full_pay_relevant_employees),
    );
    it.add(
        "excluded_reduced_pay",
        "Excluded: reduced or nil pay for leave",
        p.count(c.excluded_reduced_pay),
    );
    it.add(
        "excluded_missing_pay_data",
        "Excluded: pay data missing",
        p.count(c.excluded_missing_pay_data),
    );
    it.add(
        "full_pay_flag_not_recorded",
        "Full-pay flag not recorded (taken as full pay)",
        p.count(c.full_pay_flag_not_recorded),
    );
    it
}

fn coverage_json(p: &Publisher, c: &pay_gap::PayCoverage) -> Value {
    coverage_items(p, c).json()
}

fn coverage_sheet(p: &Publisher, c: &pay_gap::PayCoverage) -> Sheet {
    coverage_items(p, c).sheet("Coverage", "Employees counted")
}

fn gender_report(p: &Publisher, g: &pay_gap::GenderPayGap) -> (Report, Value) {
    let fpre = g
        .male
        .full_pay_relevant_employees
        .min(g.female.full_pay_relevant_employees);
    let bonus_n = g.male.paid_bonus.min(g.female.paid_bonus);
    // The six measures of Schedule 1, each from exact figures, to one decimal place; withheld
    // only when a group it compares has 1 to 7 people.
    let mut it = Items::new();
    it.add(
        "mean_gap_pct",
        "Mean gender pay gap in hourly pay %",
        p.measure(g.mean_gap_pct, fpre, 1),
    );
    it.add(
        "median_gap_pct",
        "Median gender pay gap in hourly pay %",
        p.measure(g.median_gap_pct, fpre, 1),
    );
    it.add(
        "mean_bonus_gap_pct",
        "Mean bonus gender pay gap %",
        p.measure(g.mean_bonus_gap_pct, bonus_n, 1),
    );
    it.add(
        "median_bonus_gap_pct",
        "Median bonus gender pay gap %",
        p.measure(g.median_bonus_gap_pct, bonus_n, 1),
    );
    let male_bonus = p.measure(g.bonus_proportion.male, g.male.relevant_employees, 1);
    let female_bonus = p.measure(g.bonus_proportion.female, g.female.relevant_employees, 1);
    let mut json = Map::new();
    json.insert("org".into(), json!(g.scope.label()));
    json.insert("snapshot_date".into(), json!(g.snapshot_date.to_string()));
    if let Value::Object(m) = it.json() {
        json.extend(m);
    }
    json.insert(
        "bonus_proportion".into(),
        json!({"male": male_bonus.json(), "female": female_bonus.json()}),
    );
    it.add(
        "bonus_proportion_male",
        "Proportion of males receiving a bonus payment %",
        male_bonus,
    );
    it.add(
        "bonus_proportion_female",
        "Proportion of females receiving a bonus payment %",
        female_bonus,
    );

    let mut sq = Sheet::new(
        "Pay quartiles",
        "Proportion of males and females in each pay quartile",
        &["Quartile", "Employees", "Male %", "Female %"],
    );
    let mut quartiles = Map::new();
    for q in &g.quartiles {
        // The two shares add up to 100%, so both rest on the smaller group.
        let male = p.measure(q.pct.male, fpre, 1);
        let female = p.measure(q.pct.female, fpre, 1);
        quartiles.insert(
            quartile_key(q.band).into(),
            json!({"male": male.json(), "female": female.json()}),
        );
        sq.row(vec![
            Val::text(q.band.label()),
            p.count(q.employees),
            male,
            female,
        ]);
    }
    json.insert("quartiles".into(), Value::Object(quartiles));
    let (group_sheet, groups) = groups_sheet(p, &[g.male, g.female], |s| match s {
        Sex::Male => "Male",
        Sex::Female => "Female",
        Sex::Indeterminate => "Indeterminate",
        Sex::NotKnown => "Not known",
    });
    json.insert("groups".into(), groups);
    json.insert(
        "excluded_sex_not_male_or_female".into(),
        p.count(g.excluded_sex_not_male_or_female).json(),
    );
    json.insert("coverage".into(), coverage_json(p, &g.coverage));
    let sheets = vec![
        it.sheet(
            "Gender pay gap",
            "Gender pay gap: the six statutory measures (SI 2017/353 Schedule 1)",
        ),
        sq,
        group_sheet,
        coverage_sheet(p, &g.coverage),
    ];
    (
        Report {
            title: format!("Gender pay gap {} at {}", g.scope.label(), g.snapshot_date),
            cover: cover(p, "Gender pay gap", &g.scope, g.snapshot_date),
            sheets,
        },
        Value::Object(json),
    )
}

fn groups_sheet<G: Copy>(
    p: &Publisher,
    groups: &[GroupPay<G>],
    label: impl Fn(G) -> &'static str,
) -> (Sheet, Value) {
    let mut s = Sheet::new(
        "Groups",
        "Pay by group",
        &[
            "Group",
            "Relevant employees",
            "Full-pay relevant",
            "Mean hourly (GBP)",
            "Median hourly (GBP)",
            "Paid a bonus %",
            "Mean bonus (GBP)",
            "Median bonus (GBP)",
        ],
    );
    let mut j = Vec::new();
    for g in groups {
        let cells = vec![
            Val::text(label(g.group)),
            p.count(g.relevant_employees),
            p.count(g.full_pay_relevant_employees),
            p.stat(g.mean_hourly, g.full_pay_relevant_employees, 2),
            p.stat(g.median_hourly, g.full_pay_relevant_employees, 2),
            p.measure(g.bonus_proportion_pct, g.relevant_employees, 1),
            p.stat(g.mean_bonus, g.paid_bonus, 2),
            p.stat(g.median_bonus, g.paid_bonus, 2),
        ];
        let keys = [
            "group",
            "relevant_employees",
            "full_pay_relevant_employees",
            "mean_hourly",
            "median_hourly",
            "bonus_proportion_pct",
            "mean_bonus",
            "median_bonus",
        ];
        j.push(Value::Object(
            keys.iter()
                .map(|k| k.to_string())
                .zip(cells.iter().map(Val::json))
                .collect(),
        ));
        s.row(cells);
    }
    (s, Value::Array(j))
}

/// A group's full-pay relevant employees and those paid a bonus in a pay gap analysis (0 and
/// 0 for a group not in it): the people behind its hourly and bonus gaps, for disclosure.
fn group_people<G: Copy + PartialEq>(a: &pay_gap::PayGapAnalysis<G>, g: G) -> (u64, u64) {
    a.groups
        .iter()
        .find(|x| x.group == g)
        .map_or((0, 0), |x| (x.full_pay_relevant_employees, x.paid_bonus))
}

fn analysis_sheets<G: Copy + PartialEq>(
    p: &Publisher,
    name: &str,
    a: &PayGapAnalysis<G>,
    label: impl Fn(G) -> &'static str + Copy,
) -> (Vec<Sheet>, Value) {
    let (mut groups, groups_json) = groups_sheet(p, &a.groups, label);
    groups.name = format!("{name} pay");
    groups.title = format!("{name}: pay by group (reference {})", label(a.reference));
    let size = |g: G| group_people(a, g);
    let mut gaps = Sheet::new(
        &format!("{name} gaps"),
        format!(
            "{name}: pay gaps against {} (%, positive: the group is paid less)",
            label(a.reference)
        ),
        &[
            "Group",
            "Mean gap %",
            "Median gap %",
            "Mean bonus gap %",
            "Median bonus gap %",
        ],
    );
    let mut gaps_json = Map::new();
    for g in &a.gaps {
        let (rf, rb) = size(g.reference);
        let (gf, gb) = size(g.group);
        let cells = vec![
            Val::text(label(g.group)),
            p.measure(g.mean_gap_pct, rf.min(gf), 1),
            p.measure(g.median_gap_pct, rf.min(gf), 1),
            p.measure(g.mean_bonus_gap_pct, rb.min(gb), 1),
            p.measure(g.median_bonus_gap_pct, rb.min(gb), 1),
        ];
        gaps_json.insert(
            label(g.group).into(),
            json!({
                "mean_gap_pct": cells[1].json(),
                "median_gap_pct": cells[2].json(),
                "mean_bonus_gap_pct": cells[3].json(),
                "median_bonus_gap_pct": cells[4].json(),
            }),
        );
        gaps.row(cells);
    }
    let labels: Vec<&'static str> = a.groups.iter().map(|g| label(g.group)).collect();
    let mut headers = vec!["Quartile".to_string(), "Employees".to_string()];
    headers.extend(labels.iter().map(|l| format!("{l} %")));
    let mut qs = Sheet {
        name: format!("{name} quartiles"),
        title: format!("{name}: share of each group in each pay quartile"),
        headers,
        rows: Vec::new(),
    };
    let mut q_json = Map::new();
    for q in &a.quartiles {
        let mut row = vec![Val::text(q.band.label()), p.count(q.employees)];
        let mut m = Map::new();
        for g in &a.groups {
            let v = q
                .shares
                .iter()
                .find(|s| s.group == g.group)
                .map_or(Val::Undefined("group not in this quartile"), |s| {
                    p.measure(s.pct, g.full_pay_relevant_employees, 1)
                });
            m.insert(label(g.group).into(), v.json());
            row.push(v);
        }
        q_json.insert(quartile_key(q.band).into(), Value::Object(m));
        qs.row(row);
    }
    (
        vec![groups, gaps, qs],
        json!({
            "reference": label(a.reference),
            "groups": groups_json,
            "gaps": gaps_json,
            "quartiles": q_json,
        }),
    )
}

/// A band's parity row: headcount, BME, BME % of known, the workforce's BME % of known, the
/// gap and the additional BME staff for parity. Every figure computed from the band's BME or
/// White count is withheld with it: the additional staff, with the headcount and the target,
/// would otherwise give a withheld BME count back (issue 21 item 5). The workforce's share
/// rests on the workforce's (`overall`) BME and White counts.
fn parity_row(p: &Publisher, t: &dashboard::ParityTarget, overall: &EthnicityCounts) -> Vec<Val> {
    let known = t.counts.white + t.counts.bme;
    vec![
        Val::text(t.band.label()),
        p.count(t.counts.total),
        p.count(t.counts.bme),
        p.pct(t.counts.bme, known),
        p.stat(
            t.workforce_bme_pct,
            smallest_nonzero(&[overall.white, overall.bme]),
            1,
        ),
        p.stat(
            t.gap_pp,
            smallest_nonzero(&[t.counts.white, t.counts.bme]),
            1,
        ),
        match t.additional_bme_for_parity {
            Some(n) => p.derived_count(n, &[t.counts.bme, t.counts.white]),
            None => Val::Undefined("parity not defined"),
        },
    ]
}

fn dashboard_report(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: Date,
    icb: Option<&str>,
) -> anyhow::Result<(Report, Value)> {
    let cells = dashboard::quarterly_dashboard(data);
    let mut comp = Sheet::new(
        "Composition",
        "Workforce composition by quarter and pay band cluster",
        &[
            "Quarter / cluster",
            "Headcount",
            "Female %",
            "BME %",
            "Ethnicity declared %",
            "Disabled %",
            "Disability declared %",
        ],
    );
    let mut quarters: Vec<Value> = Vec::new();
    // Quarter end, headcount, and female, BME and disabled % (published, exact) of all staff.
    let mut series: Vec<(Date, u64, [Val; 3], [Figure; 3])> = Vec::new();
    for c in cells.iter().filter(|c| &c.scope == scope) {
        let k = &c.composition;
        let female = k
            .sex
            .iter()
            .find(|g| g.group == Sex::Female)
            .map_or(0, |g| g.count);
        let e = &k.ethnicity;
        let d = &k.disability;
        let row = vec![
            Val::text(format!("{} {}", c.quarter_end, c.cluster.label())),
            p.count(k.headcount),
            p.pct(female, k.headcount),
            p.pct(e.bme, e.total),
            p.pct(e.white + e.bme, e.total),
            p.pct(d.disabled, d.total),
            p.pct(d.disabled + d.non_disabled, d.total),
        ];
        if c.cluster == ClusterKey::All {
            let exact = |n: u64, d: u64| Figure::percent(n as f64, d as f64, "no staff");
            series.push((
                c.quarter_end,
                k.headcount,
                [row[2].clone(), row[3].clone(), row[5].clone()],
                [
                    exact(female, k.headcount),
                    exact(e.bme, e.total),
                    exact(d.disabled, d.total),
                ],
            ));
            quarters.push(json!({
                "quarter_end": c.quarter_end.to_string(),
                "headcount": row[1].json(),
                "female_pct": row[2].json(),
                "bme_pct": row[3].json(),
                "ethnicity_declared_pct": row[4].json(),
                "disabled_pct": row[5].json(),
                "disability_declared_pct": row[6].json(),
            }));
        }
        comp.row(row);
    }

    let mut parity = Sheet::new(
        "Parity",
        format!(
            "Parity targets at {date}: each band's BME share of known ethnicity against the whole workforce's"
        ),
        &[
            "Band",
            "Headcount",
            "BME",
            "BME % of known",
            "Workforce BME % of known",
            "Gap (pp)",
            "Additional BME staff for parity",
        ],
    );
    let mut parity_json = Vec::new();
    let targets = dashboard::parity_targets(data, scope, date);
    // Every band is listed, so the bands add up to the workforce.
    let overall = EthnicityCounts::from_counts(
        targets.iter().map(|t| t.counts.white).sum(),
        targets.iter().map(|t| t.counts.bme).sum(),
        targets.iter().map(|t| t.counts.unknown).sum(),
    );
    for t in targets {
        let row = parity_row(p, &t, &overall);
        parity_json.push(json!({
            "band": t.band.code(),
            "headcount": row[1].json(),
            "bme": row[2].json(),
            "bme_pct_of_known": row[3].json(),
            "gap_pp": row[5].json(),
            "additional_bme_for_parity": row[6].json(),
        }));
        parity.row(row);
    }

    let mut rep = Sheet::new(
        "Representativeness",
        "Workforce and voting board against the local population (Census 2021)",
        &[
            "Who / group",
            "Count",
            "Share %",
            "Population share %",
            "Difference (pp)",
            "Ratio",
        ],
    );
    let rep_json = match icb {
        None => {
            rep.title
                .push_str(": no local population (pass --ics CODE, or ingest `population`)");
            json!({"undefined": "no local population: pass --ics CODE"})
        }
        Some(icb) => {
            let pop = load::local_population(icb)?;
            let r = dashboard::representativeness(data, scope, date, &pop);
            rep.title = format!(
                "Workforce and voting board against the local population: {}",
                r.population_name
            );
            let mut j = Map::new();
            j.insert("population".into(), json!(r.population_name));
            for (who, label, groups, total) in [
                (
                    "workforce",
                    "Workforce",
                    &r.workforce,
                    r.workforce.iter().map(|g| g.count).sum::<u64>(),
                ),
                (
                    "board",
                    "Voting board",
                    &r.board,
                    r.board.iter().map(|g| g.count).sum::<u64>(),
                ),
            ] {
                let mut gj = Map::new();
                for g in groups {
                    let row = vec![
                        Val::text(format!("{label}: {}", g.group.label())),
                        p.count(g.count),
                        p.pct(g.count, total),
                        p.stat(g.population_share_pct, g.population, 1),
                        p.stat(g.difference_pp, smallest_nonzero(&[g.count, total]), 1),
                        p.stat(
                            g.representation_ratio,
                            smallest_nonzero(&[g.count, total]),
                            2,
                        ),
                    ];
                    gj.insert(
                        g.group.label().into(),
                        json!({
                            "count": row[1].json(),
                            "share_pct": row[2].json(),
                            "population_share_pct": row[3].json(),
                            "difference_pp": row[4].json(),
                            "representation_ratio": row[5].json(),
                        }),
                    );
                    rep.row(row);
                }
                j.insert(who.into(), Value::Object(gj));
            }
            Value::Object(j)
        }
    };

    let (spc_sheet, spc_json) = spc_sheet(p, &series);
    let (edi_sheet, edi_json) = edi_sheet(p, data, scope, date, &cells)?;

    let json = json!({
        "org": scope.label(),
        "snapshot_date": date.to_string(),
        "quarters": quarters,
        "spc": spc_json,
        "edi_success_metrics": edi_json,
        "parity": parity_json,
        "representativeness": rep_json,
    });
    Ok((
        Report {
            title: format!("Workforce dashboard {} at {date}", scope.label()),
            cover: cover(p, "Quarterly workforce dashboard", scope, date),
            sheets: vec![comp, spc_sheet, parity, rep, edi_sheet],
        },
        json,
    ))
}

/// XmR charts (Making Data Count rules, no improvement direction) of the all-staff female,
/// BME and disabled shares over the quarters. The chart is computed from the exact shares
/// (charting the shares of counts rounded to 5 would collapse the moving ranges and flag
/// noise as special cause); each point shows its published share, and the centre line and
/// limits, statistics of every quarter's whole workforce, are published as such. A series
/// with an undefined quarter, or fewer than two quarters, has no chart and says why.
fn spc_sheet(p: &Publisher, series: &[(Date, u64, [Val; 3], [Figure; 3])]) -> (Sheet, Value) {
    use equalis_stats::{ImprovementDirection, SpcOptions};
    let mut sheet = Sheet::new(
        "SPC",
        "Statistical process control over quarters (XmR, Making Data Count rules), all staff",
        &[
            "Quarter / measure",
            "Value %",
            "Mean %",
            "Lower limit %",
            "Upper limit %",
            "Variation",
        ],
    );
    let mut out = Map::new();
    let min_headcount = series.iter().map(|s| s.1).min().unwrap_or(0);
    for (i, (key, label)) in [
        ("female_pct", "Female"),
        ("bme_pct", "BME"),
        ("disabled_pct", "Disabled"),
    ]
    .into_iter()
    .enumerate()
    {
        let values: Option<Vec<f64>> = series.iter().map(|s| s.3[i].value()).collect();
        let options = SpcOptions {
            improvement: ImprovementDirection::Neutral,
            ..SpcOptions::default()
        };
        let chart = match &values {
            Some(v) if v.len() >= 2 => equalis_stats::spc(v, &options).ok(),
            _ => None,
        };
        let Some(chart) = chart else {
            let why = Val::Undefined("a quarter is undefined, or fewer than two quarters");
            out.insert(key.into(), why.json());
            sheet.row(vec![
                Val::text(format!("{label} %")),
                why,
                Val::text(""),
                Val::text(""),
                Val::text(""),
                Val::text(""),
            ]);
            continue;
        };
        let mut points = Vec::new();
        // Limits too coarse to read (a share that barely moves between quarters) are not
        // shown: every small step would look like a special cause.
        let reliable = chart.unreliable.is_none();
        for ((date, _, published, _), pt) in series.iter().zip(&chart.points) {
            let stat = |x: f64| {
                if reliable {
                    p.stat(Figure::Value(x), min_headcount, 1)
                } else {
                    Val::Undefined("no reliable process limits: the series barely varies")
                }
            };
            let row = vec![
                Val::text(format!("{date} {label} %")),
                published[i].clone(),
                stat(pt.mean),
                stat(pt.lpl),
                stat(pt.upl),
                Val::text(if reliable {
                    point_words(pt.point_type)
                } else {
                    "Not assessed"
                }),
            ];
            points.push(json!({
                "quarter_end": date.to_string(),
                "value": row[1].json(),
                "mean": row[2].json(),
                "lpl": row[3].json(),
                "upl": row[4].json(),
                "point_type": if reliable { pt.point_type.label() } else { "not_assessed" },
            }));
            sheet.row(row);
        }
        out.insert(key.into(), Value::Array(points));
    }
    (sheet, Value::Object(out))
}

/// The mean and median gap of `group` against the analysis's reference, controlled by the
/// smaller group's full-pay relevant employees.
fn gap_pair<G: Copy + PartialEq>(p: &Publisher, a: &PayGapAnalysis<G>, group: G) -> [Val; 2] {
    let fpre = |g: G| {
        a.groups
            .iter()
            .find(|x| x.group == g)
            .map_or(0, |x| x.full_pay_relevant_employees)
    };
    match a.gaps.iter().find(|g| g.group == group) {
        Some(g) => {
            let n = fpre(a.reference).min(fpre(group));
            [p.stat(g.mean_gap_pct, n, 1), p.stat(g.median_gap_pct, n, 1)]
        }
        None => [
            Val::Undefined("group not reported"),
            Val::Undefined("group not reported"),
        ],
    }
}

/// The EDI Improvement Plan success metrics the data supports (2a, 2c, 2d, 3a, 6a, 6b), each
/// computed from counts so that it passes the same disclosure control as the returns.
fn edi_sheet(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: Date,
    cells: &[dashboard::DashboardCell],
) -> anyhow::Result<(Sheet, Value)> {
    let wres_r = wres::wres(data, scope, date)?;
    let wdes_r = wdes::wdes(data, scope, date)?;
    let options = PayGapOptions::default();
    let gender = pay_gap::gender_pay_gap(data, scope, date);
    let ethnicity = pay_gap::ethnicity_pay_gap(data, scope, date, options);
    let disability = pay_gap::disability_pay_gap(data, scope, date, options);
    let edi = dashboard::edi_success_metrics_from(
        data,
        dashboard::EdiSources {
            wres: &wres_r,
            wdes: &wdes_r,
            gender: &gender,
            ethnicity: &ethnicity,
            disability: &disability,
        },
    );
    let mut it = Items::new();
    for (k, l, c) in [
        (
            "2a_race",
            "2a: relative likelihood of appointment from shortlisting, White / BME",
            wres_r.indicator2.as_ref().map(|i| &i.comparison),
        ),
        (
            "2a_disability",
            "2a: relative likelihood of appointment from shortlisting, non-disabled / Disabled",
            wdes_r.metric2.as_ref().map(|m| &m.comparison),
        ),
    ] {
        let v = match c {
            Ok(c) => p.stat(c.relative_likelihood.value, rate_people(c), 2),
            Err(n) => Val::Undefined(n.reason()),
        };
        it.add(k, l, v);
    }
    let at = |cluster: ClusterKey| {
        cells
            .iter()
            .find(|c| &c.scope == scope && c.quarter_end == date && c.cluster == cluster)
            .map(|c| &c.composition)
    };
    let all = at(ClusterKey::All);
    let shares = |c: Option<&dashboard::Composition>| -> [(u64, u64); 2] {
        c.map_or([(0, 0); 2], |c| {
            [
                (c.ethnicity.bme, c.ethnicity.white + c.ethnicity.bme),
                (
                    c.disability.disabled,
                    c.disability.disabled + c.disability.non_disabled,
                ),
            ]
        })
    };
    let overall = shares(all);
    for cluster in &ClusterKey::ALL[1..] {
        let part = shares(at(*cluster));
        let senior = *cluster == ClusterKey::Cluster(equalis_vocab::PayBandCluster::Cluster4);
        for (i, (what, group)) in [("race", "BME"), ("disability", "Disabled")]
            .into_iter()
            .enumerate()
        {
            let (n, known) = part[i];
            let (wn, wknown) = overall[i];
            let gap =
                Figure::percent(n as f64, known as f64, "no staff with a known status").minus(
                    Figure::percent(wn as f64, wknown as f64, "no staff with a known status"),
                );
            let metric = if senior { "2d" } else { "2c" };
            it.add(
                format!(
                    "{metric}_{what}_{}",
                    key_of(cluster.label()).replace(' ', "_")
                ),
                format!("{metric}: {group} % of known, {}", cluster.label()),
                p.pct(n, known),
            );
            it.add(
                format!(
                    "{metric}_{what}_{}_gap_pp",
                    key_of(cluster.label()).replace(' ', "_")
                ),
                format!(
                    "{metric}: {group} % of known, {} - whole workforce (pp)",
                    cluster.label()
                ),
                p.stat(gap, smallest_nonzero(&[n, known - n]), 1),
            );
        }
    }
    let fpre = gender
        .male
        .full_pay_relevant_employees
        .min(gender.female.full_pay_relevant_employees);
    it.add(
        "3a_gender_mean_gap_pct",
        "3a: mean gender pay gap %",
        p.stat(gender.mean_gap_pct, fpre, 1),
    );
    it.add(
        "3a_gender_median_gap_pct",
        "3a: median gender pay gap %",
        p.stat(gender.median_gap_pct, fpre, 1),
    );
    let [mean, median] = gap_pair(
        p,
        &ethnicity.binary,
        pay_gap::EthnicityPayGroup::EthnicMinority,
    );
    it.add(
        "3a_ethnicity_mean_gap_pct",
        "3a: mean ethnicity pay gap (White / ethnic minority) %",
        mean,
    );
    it.add(
        "3a_ethnicity_median_gap_pct",
        "3a: median ethnicity pay gap (White / ethnic minority) %",
        median,
    );
    let [mean, median] = gap_pair(p, &disability.analysis, equalis_vocab::Disability::Disabled);
    it.add(
        "3a_disability_mean_gap_pct",
        "3a: mean disability pay gap %",
        mean,
    );
    it.add(
        "3a_disability_median_gap_pct",
        "3a: median disability pay gap %",
        median,
    );
    for (k, l, m) in [
        (
            "6a",
            "6a: bullying or harassment from managers or colleagues, all staff %",
            &edi.m6a,
        ),
        (
            "6b",
            "6b: discrimination from managers or colleagues, all staff %",
            &edi.m6b,
        ),
    ] {
        let (respondents, pct) = match m {
            Ok(m) => (p.count(m.respondents), p.pct(m.positive, m.respondents)),
            Err(n) => (Val::Undefined(n.reason()), Val::Undefined(n.reason())),
        };
        it.add(
            format!("{k}_respondents"),
            format!("{} respondents", &l[..2]),
            respondents,
        );
        it.add(format!("{k}_pct"), l, pct);
    }
    Ok((
        it.sheet(
            "EDI metrics",
            "EDI Improvement Plan success metrics the data supports",
        ),
        it.json(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_vocab::{Disability, EthnicCategory, PayBand};
    use equalis_workforce::{StaffRecord, WorkforceData};
    use proptest::prelude::*;

    const SNAP: Date = Date::constant(2026, 3, 31);

    /// A workforce of three bands with the given White, BME and unknown headcounts.
    fn workforce(bands: &[(PayBand, u64, u64, u64)]) -> Workforce {
        let mut staff = Vec::new();
        for &(band, white, bme, unknown) in bands {
            for (eth, n) in [
                (EthnicCategory::A, white),
                (EthnicCategory::H, bme),
                (EthnicCategory::Z, unknown),
            ] {
                for i in 0..n {
                    staff.push(StaffRecord::new(
                        format!("{}-{eth:?}-{i}", band.code()),
                        "RX1",
                        SNAP,
                        band,
                        eth,
                        Disability::NotDisabled,
                        Sex::Female,
                    ));
                }
            }
        }
        Workforce::new(WorkforceData {
            staff,
            ..WorkforceData::default()
        })
        .expect("valid")
    }

    #[test]
    fn periods_and_points_are_in_words() {
        assert_eq!(
            period(Date::constant(2024, 3, 31), Date::constant(2026, 3, 31)),
            "1 April 2024 to 31 March 2026"
        );
        assert_eq!(
            point_words(equalis_stats::PointType::NeutralHigh),
            "Special cause: high"
        );
    }

    /// The example of issue 21 item 5: 40 in the band, BME withheld, and the additional BME
    /// staff for parity would have given the count back.
    #[test]
    fn parity_does_not_reveal_a_withheld_bme_count() {
        let data = workforce(&[(PayBand::Band5, 300, 200, 0), (PayBand::Band8a, 35, 5, 0)]);
        let p = Publisher::new();
        let t = dashboard::parity_targets(&data, &Scope::Ics, SNAP);
        let band8a = t.iter().find(|t| t.band == PayBand::Band8a).expect("8a");
        assert_eq!(band8a.additional_bme_for_parity, Some(11));
        let overall = EthnicityCounts::from_counts(335, 205, 0);
        let row: Vec<String> = parity_row(&p, band8a, &overall)
            .iter()
            .map(Val::show)
            .collect();
        assert_eq!(row[..3], ["Band 8a", "40", "*"]);
        assert_eq!(row[6], "*", "{row:?}");
        // The return view gives it, as it gives the count.
        let r = Publisher::with_view(View::Return);
        let row: Vec<String> = parity_row(&r, band8a, &overall)
            .iter()
            .map(Val::show)
            .collect();
        assert_eq!(row[2], "5");
        assert_eq!(row[6], "11");
    }

    proptest! {
        /// Over dashboard parity rows: whenever a band's BME count is withheld (1 to 7), every
        /// figure computed from it (BME % of known, the gap, the additional staff for parity)
        /// is withheld or undefined, and the workforce's share is withheld whenever the
        /// workforce's own BME or White count is 1 to 7.
        #[test]
        fn parity_rows_never_reveal_a_withheld_count(
            white in 0u64..60,
            unknown in 0u64..10,
            other_white in 1u64..400,
            other_bme in 1u64..400,
        ) {
            let p = Publisher::new();
            for bme in 1..=7 {
                let data = workforce(&[
                    (PayBand::Band5, other_white, other_bme, 0),
                    (PayBand::Band8a, white, bme, unknown),
                ]);
                let overall = EthnicityCounts::from_counts(
                    other_white + white,
                    other_bme + bme,
                    unknown,
                );
                let t = dashboard::parity_targets(&data, &Scope::Ics, SNAP);
                let t = t.iter().find(|t| t.band == PayBand::Band8a).expect("8a");
                let row: Vec<String> =
                    parity_row(&p, t, &overall).iter().map(Val::show).collect();
                prop_assert_eq!(&row[2], "*");
                for derived in [&row[3], &row[5], &row[6]] {
                    prop_assert!(
                        derived == "*" || derived.starts_with("undefined"),
                        "{:?}", row
                    );
                }
                if (1..=7).contains(&overall.white) || (1..=7).contains(&overall.bme) {
                    prop_assert!(row[4] == "*" || row[4].starts_with("undefined"), "{:?}", row);
                }
            }
        }
    }
}
