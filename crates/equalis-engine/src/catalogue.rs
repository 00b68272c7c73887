//! The indicator catalogue: one TOML file per indicator, with SQL fragments.
//!
//! equalis ships definitions in `crates/equalis-engine/indicators/` (compiled in); analysts add
//! their own by dropping a `.toml` file in the workspace's `indicators/` directory (a file with
//! the id of a shipped one replaces it). A file looks like this:
//!
//! ```toml
//! id = "smi_health_check"
//! name = "SMI physical health checks"
//! area = "Severe mental illness"
//! description = "People on the SMI register who had a physical health check in the year."
//! statistic = "proportion"          # proportion | rate | dsr | median | percentile
//! multiplier = 100                   # 100 = a percentage; 100000 = per 100,000
//! period = "financial_year"          # financial_year | calendar_year | latest_snapshot
//! target = 60                        # optional, in the value's units
//! direction = "higher_is_better"     # higher_is_better | lower_is_better | none
//! source = "NHS England Core20PLUS5 (adults)"
//!
//! [denominator]
//! from = "population"                # population | events | admissions | waiting_list
//! where = "smi"                      # SQL condition on `from`'s columns
//!
//! [numerator]
//! # For a proportion, median or percentile: a condition on the denominator's rows.
//! # For a rate or DSR: its own `from` and `where`, counting one per row.
//! where = "person_id IN (SELECT person_id FROM events WHERE event_type = 'smi_health_check' AND event_date BETWEEN {start} AND {end})"
//! ```
//!
//! `{start}` and `{end}` are replaced by the period's first and last dates (SQL `DATE`
//! literals); rows of a dated table (`events`, `admissions`, `waiting_list`) are also limited
//! to the period by the engine. Median and percentile take `value = "SQL expression"` and,
//! for a percentile, `percentile = 92`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::EngineError;

/// The definitions shipped with equalis: (file name, text).
const BUILT_IN: &[(&str, &str)] = &[
    (
        "smi_health_check.toml",
        include_str!("../indicators/smi_health_check.toml"),
    ),
    (
        "ld_health_check.toml",
        include_str!("../indicators/ld_health_check.toml"),
    ),
    (
        "copd_flu_vaccination.toml",
        include_str!("../indicators/copd_flu_vaccination.toml"),
    ),
    (
        "copd_covid_vaccination.toml",
        include_str!("../indicators/copd_covid_vaccination.toml"),
    ),
    (
        "copd_pneumococcal_vaccination.toml",
        include_str!("../indicators/copd_pneumococcal_vaccination.toml"),
    ),
    (
        "copd_emergency_admissions.toml",
        include_str!("../indicators/copd_emergency_admissions.toml"),
    ),
    (
        "copd_emergency_admissions_register.toml",
        include_str!("../indicators/copd_emergency_admissions_register.toml"),
    ),
    (
        "cancer_early_stage.toml",
        include_str!("../indicators/cancer_early_stage.toml"),
    ),
    (
        "maternity_continuity_of_carer.toml",
        include_str!("../indicators/maternity_continuity_of_carer.toml"),
    ),
    (
        "hypertension_treated_to_target.toml",
        include_str!("../indicators/hypertension_treated_to_target.toml"),
    ),
    (
        "cyp_asthma_emergency_admissions.toml",
        include_str!("../indicators/cyp_asthma_emergency_admissions.toml"),
    ),
    (
        "cyp_diabetes_emergency_admissions.toml",
        include_str!("../indicators/cyp_diabetes_emergency_admissions.toml"),
    ),
    (
        "cyp_epilepsy_emergency_admissions.toml",
        include_str!("../indicators/cyp_epilepsy_emergency_admissions.toml"),
    ),
    (
        "cyp_tooth_extractions.toml",
        include_str!("../indicators/cyp_tooth_extractions.toml"),
    ),
    (
        "cyp_mh_access.toml",
        include_str!("../indicators/cyp_mh_access.toml"),
    ),
    (
        "emergency_admissions_dsr.toml",
        include_str!("../indicators/emergency_admissions_dsr.toml"),
    ),
    (
        "wl_rate_per_1000.toml",
        include_str!("../indicators/wl_rate_per_1000.toml"),
    ),
];

/// The statistic of an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// Numerator rows among denominator rows, Wilson limits.
    Proportion,
    /// Numerator rows per denominator row, Byar's limits.
    Rate,
    /// Directly standardised rate on the ESP 2013, by the person's age band.
    Dsr,
    /// The median of `value` over the denominator rows.
    Median,
    /// A percentile of `value` over the denominator rows.
    Percentile(f64),
}

impl Statistic {
    /// The results crate's name for it.
    pub fn results(self) -> equalis_results::Statistic {
        use equalis_results::Statistic as R;
        match self {
            Statistic::Proportion => R::Proportion,
            Statistic::Rate => R::CrudeRate,
            Statistic::Dsr => R::Dsr,
            Statistic::Median => R::Median,
            Statistic::Percentile(_) => R::Percentile,
        }
    }
}

/// How an indicator's periods are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// April to March, written `2025/26`.
    FinancialYear,
    /// January to December, written `2025`.
    CalendarYear,
    /// The latest waiting-list snapshot, written as its date.
    LatestSnapshot,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher values are better.
    HigherIsBetter,
    /// Lower values are better.
    LowerIsBetter,
    /// Neither (e.g. a count of pathways).
    None,
}

impl Direction {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
            Direction::None => "none",
        }
    }
}

/// The tables a definition may count rows of.
pub const TABLES: [&str; 4] = ["population", "events", "admissions", "waiting_list"];

/// Rows of one table, filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    /// The table.
    pub from: String,
    /// The SQL condition (`true` when absent).
    pub condition: String,
}

/// One indicator definition, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Unique id (letters, digits, `_`).
    pub id: String,
    /// Short name.
    pub name: String,
    /// Core20PLUS5 area.
    pub area: String,
    /// One sentence.
    pub description: String,
    /// The statistic.
    pub statistic: Statistic,
    /// Multiplier of the value.
    pub multiplier: f64,
    /// Periods.
    pub period: PeriodKind,
    /// National target in the value's units.
    pub target: Option<f64>,
    /// Improvement direction.
    pub direction: Direction,
    /// Source of the definition.
    pub source: String,
    /// The denominator rows.
    pub denominator: Rows,
    /// The numerator: a condition on the denominator's rows (proportion, median, percentile)
    /// or rows of its own (rate, DSR).
    pub numerator: Rows,
    /// The value expression (median, percentile).
    pub value: Option<String>,
    /// Where the definition came from (`built-in` or the file).
    pub origin: String,
    /// The definition's text.
    pub text: String,
}

impl Indicator {
    /// What the results store keeps about it.
    pub fn info(&self) -> equalis_results::IndicatorInfo {
        let unit = match (self.statistic, self.multiplier) {
            (Statistic::Proportion, 100.0) => "%".to_owned(),
            (Statistic::Median | Statistic::Percentile(_), _) => String::new(),
            (_, m) => format!("per {}", thousands(m)),
        };
        equalis_results::IndicatorInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            area: self.area.clone(),
            description: self.description.clone(),
            statistic: self.statistic.results().as_str().to_owned(),
            unit,
            direction: self.direction.as_str().to_owned(),
            target: self.target,
            source: self.source.clone(),
        }
    }
}

/// `100000` → `100,000`.
pub(crate) fn thousands(x: f64) -> String {
    let digits = format!("{}", x.round() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRows {
    from: Option<String>,
    #[serde(rename = "where")]
    condition: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    name: String,
    area: String,
    #[serde(default)]
    description: String,
    statistic: String,
    #[serde(default)]
    multiplier: Option<f64>,
    period: String,
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    direction: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    percentile: Option<f64>,
    denominator: RawRows,
    numerator: Option<RawRows>,
}

/// A problem with a definition file.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionError {
    /// The file (or `built-in NAME`).
    pub origin: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "indicator definition `{}`: {}",
            self.origin, self.message
        )
    }
}

fn bad(origin: &str, message: impl Into<String>) -> DefinitionError {
    DefinitionError {
        origin: origin.to_owned(),
        message: message.into(),
    }
}

/// Parses and checks one definition (the SQL is checked later, against the data).
pub fn parse(origin: &str, text: &str) -> Result<Indicator, DefinitionError> {
    let raw: RawIndicator = toml::from_str(text).map_err(|e| bad(origin, e.to_string()))?;
    if raw.id.is_empty()
        || !raw
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(bad(
            origin,
            format!(
                "id `{}` must be lower-case letters, digits and `_` (it names result files)",
                raw.id
            ),
        ));
    }
    let statistic = match raw.statistic.as_str() {
        "proportion" => Statistic::Proportion,
        "rate" => Statistic::Rate,
        "dsr" => Statistic::Dsr,
        "median" => Statistic::Median,
        "percentile" => {
            let p = raw.percentile.ok_or_else(|| {
                bad(
                    origin,
                    "statistic `percentile` needs `percentile = N` (0 to 100)",
                )
            })?;
            if !(0.0..=100.0).contains(&p) {
                return Err(bad(
                    origin,
                    format!("percentile {p} is not between 0 and 100"),
                ));
            }
            Statistic::Percentile(p / 100.0)
        }
        other => {
            return Err(bad(
                origin,
                format!(
                    "unknown statistic `{other}`; use one of proportion, rate, dsr, median, percentile"
                ),
            ));
        }
    };
    let period = match raw.period.as_str() {
        "financial_year" => PeriodKind::FinancialYear,
        "calendar_year" => PeriodKind::CalendarYear,
        "latest_snapshot" => PeriodKind::LatestSnapshot,
        other => {
            return Err(bad(
                origin,
                format!(
                    "unknown period `{other}`; use financial_year, calendar_year or latest_snapshot"
                ),
            ));
        }
    };
    let direction = match raw.direction.as_deref().unwrap_or("none") {
        "higher_is_better" => Direction::HigherIsBetter,
        "lower_is_better" => Direction::LowerIsBetter,
        "none" => Direction::None,
        other => {
            return Err(bad(
                origin,
                format!(
                    "unknown direction `{other}`; use higher_is_better, lower_is_better or none"
                ),
            ));
        }
    };
    let table = |rows: &RawRows, what: &str| -> Result<String, DefinitionError> {
        let from = rows.from.clone().ok_or_else(|| {
            bad(
                origin,
                format!("[{what}] needs `from` (one of {})", TABLES.join(", ")),
            )
        })?;
        if !TABLES.contains(&from.as_str()) {
            return Err(bad(
                origin,
                format!(
                    "[{what}] from = `{from}` is not a table; use one of {}",
                    TABLES.join(", ")
                ),
            ));
        }
        Ok(from)
    };
    let condition = |rows: &RawRows| {
        rows.condition
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| "true".to_owned())
    };
    let denominator = Rows {
        from: table(&raw.denominator, "denominator")?,
        condition: condition(&raw.denominator),
    };
    let numerator = match (statistic, raw.numerator) {
        (Statistic::Proportion, Some(n)) => {
            if n.from.as_ref().is_some_and(|f| *f != denominator.from) {
                return Err(bad(
                    origin,
                    "a proportion's [numerator] is a condition on the denominator's rows: remove its `from`",
                ));
            }
            Rows {
                from: denominator.from.clone(),
                condition: condition(&n),
            }
        }
        (Statistic::Proportion, None) => {
            return Err(bad(origin, "a proportion needs a [numerator] with `where`"));
        }
        (Statistic::Rate | Statistic::Dsr, Some(n)) => Rows {
            from: table(&n, "numerator")?,
            condition: condition(&n),
        },
        (Statistic::Rate | Statistic::Dsr, None) => {
            return Err(bad(
                origin,
                "a rate needs a [numerator] with `from` and `where`",
            ));
        }
        (Statistic::Median | Statistic::Percentile(_), n) => Rows {
            from: denominator.from.clone(),
            condition: n
                .map(|n| condition(&n))
                .unwrap_or_else(|| "true".to_owned()),
        },
    };
    let value = match statistic {
        Statistic::Median | Statistic::Percentile(_) => Some(raw.value.ok_or_else(|| {
            bad(
                origin,
                "a median or percentile needs `value = \"SQL expression\"`",
            )
        })?),
        _ => None,
    };
    let multiplier = raw.multiplier.unwrap_or(match statistic {
        Statistic::Proportion => 100.0,
        Statistic::Rate | Statistic::Dsr => 100_000.0,
        _ => 1.0,
    });
    if !(multiplier.is_finite() && multiplier > 0.0) {
        return Err(bad(
            origin,
            format!("multiplier {multiplier} must be a positive number"),
        ));
    }
    Ok(Indicator {
        id: raw.id,
        name: raw.name,
        area: raw.area,
        description: raw.description,
        statistic,
        multiplier,
        period,
        target: raw.target,
        direction,
        source: raw.source,
        denominator,
        numerator,
        value,
        origin: origin.to_owned(),
        text: text.to_owned(),
    })
}

/// The shipped definitions.
pub fn built_in() -> Result<Vec<Indicator>, DefinitionError> {
    BUILT_IN
        .iter()
        .map(|(name, text)| parse(&format!("built-in {name}"), text))
        .collect()
}

/// The shipped definitions plus the workspace's `indicators/*.toml` (which replace shipped
/// ones of the same id), sorted by id.
pub fn load(workspace: &Path) -> Result<Vec<Indicator>, EngineError> {
    let mut by_id: BTreeMap<String, Indicator> = BTreeMap::new();
    for i in built_in().map_err(EngineError::Definition)? {
        by_id.insert(i.id.clone(), i);
    }
    let dir = workspace.join("indicators");
    if dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| EngineError::io("listing", &dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
        for path in files {
            let text =
                std::fs::read_to_string(&path).map_err(|e| EngineError::io("reading", &path, e))?;
            let origin = path.display().to_string();
            let indicator = parse(&origin, &text).map_err(EngineError::Definition)?;
            if let Some(first) = seen.insert(indicator.id.clone(), path.clone()) {
                return Err(EngineError::Definition(bad(
                    &origin,
                    format!(
                        "id `{}` is also defined in `{}`",
                        indicator.id,
                        first.display()
                    ),
                )));
            }
            by_id.insert(indicator.id.clone(), indicator);
        }
    }
    Ok(by_id.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_definition_parses() {
        let all = built_in().unwrap();
        assert_eq!(all.len(), BUILT_IN.len());
        let mut ids: Vec<_> = all.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate ids");
    }

    #[test]
    fn bad_definitions_name_the_problem() {
        let base = r#"
id = "x"
name = "X"
area = "A"
statistic = "proportion"
period = "financial_year"
[denominator]
from = "population"
[numerator]
where = "smi"
"#;
        assert!(parse("f.toml", base).is_ok());
        let err = parse("f.toml", &base.replace("proportion", "mean")).unwrap_err();
        assert_eq!(err.origin, "f.toml");
        assert!(
            err.message.contains("unknown statistic `mean`"),
            "{}",
            err.message
        );
        let err = parse("f.toml", &base.replace("\"population\"", "\"people\"")).unwrap_err();
        assert!(
            err.message.contains("`people` is not a table"),
            "{}",
            err.message
        );
        let err = parse("f.toml", &base.replace("area = \"A\"\n", "")).unwrap_err();
        assert!(err.message.contains("area"), "{}", err.message);
        let err = parse("f.toml", &base.replace("id = \"x\"", "id = \"X Y\"")).unwrap_err();
        assert!(err.message.contains("lower-case"), "{}", err.message);
        let err = parse("f.toml", &format!("{base}\nunknown_key = 1")).unwrap_err();
        assert!(err.message.contains("unknown_key"), "{}", err.message);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(100_000.0), "100,000");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(100.0), "100");
    }
}
