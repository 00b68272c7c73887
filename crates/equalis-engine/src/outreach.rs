//! The outreach cohort: households ranked by a transparent, configurable score, with each
//! household's reasons.
//!
//! A household's score is the sum of weighted components over its members:
//!
//! | component | default weight | counted |
//! |---|---|---|
//! | `core20` | 3 | once per household, if any member lives in a Core20 LSOA |
//! | `plus` | 2 | per member with at least one PLUS / inclusion-health flag (`plus_flags`) |
//! | `register` | 1 | per member per register condition (`registers`) |
//! | `emergency_admission` | 2 | per emergency admission in the `emergency_months` (12) to the latest admission date |
//! | `long_wait` | 2 | per member with an open pathway over `long_wait_weeks` (52) at the latest snapshot |
//!
//! The weights, the flags counted, the thresholds and the size of the cohort (`top`, default
//! 5,000) can be changed in `WORKSPACE/outreach.toml`; every key is optional. Households
//! scoring 0 are never in the cohort. Ties are broken by the household pseudonym, so the
//! cohort is the same on every run. A person with no `household_id` is a household of one,
//! keyed `person:` followed by their person pseudonym.
//!
//! The cohort is an operational list for the ICB's own outreach team, not a published
//! statistic: it holds pseudonyms only, and its counts are per household. Turning pseudonyms
//! back into NHS numbers is `equalis reidentify`, which only the key holder can run.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionContext;
use futures::StreamExt;
use serde::Deserialize;

use equalis_vocab::person_flag_columns;

use crate::EngineError;
use crate::tables::Loaded;

/// The name of the optional settings file in the workspace.
pub const SETTINGS_FILE: &str = "outreach.toml";

/// The weight of each component of the score.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Once per household living in a Core20 area.
    pub core20: f64,
    /// Per member with at least one of the `plus_flags`.
    pub plus: f64,
    /// Per member per register condition.
    pub register: f64,
    /// Per emergency admission in the window.
    pub emergency_admission: f64,
    /// Per member waiting over the threshold at the latest snapshot.
    pub long_wait: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            core20: 3.0,
            plus: 2.0,
            register: 1.0,
            emergency_admission: 2.0,
            long_wait: 2.0,
        }
    }
}

/// The settings of the cohort (`outreach.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Households in the cohort.
    pub top: usize,
    /// The weights.
    pub weights: Weights,
    /// Flags that make a member count for `plus`.
    pub plus_flags: Vec<String>,
    /// Flags counted as register conditions.
    pub registers: Vec<String>,
    /// A pathway waiting more than this many weeks counts as a long wait.
    pub long_wait_weeks: u32,
    /// Emergency admissions in this many months up to the latest admission date count.
    pub emergency_months: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect();
        Self {
            top: 5_000,
            weights: Weights::default(),
            // Armed forces is left out: it is a protected group in some ICSs' plans but not
            // an inclusion-health group of Core20PLUS5; add it here if yours counts it.
            plus_flags: s(&[
                "learning_disability",
                "autism",
                "homeless",
                "carer",
                "refugee_or_asylum_seeker",
                "gypsy_roma_traveller",
            ]),
            registers: s(&["smi", "copd", "hypertension", "diabetes"]),
            long_wait_weeks: 52,
            emergency_months: 12,
        }
    }
}

impl Settings {
    /// Reads `ROOT/outreach.toml`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Settings, EngineError> {
        let path = root.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(EngineError::io("reading", &path, e)),
        };
        Settings::parse(&text).map_err(|message| EngineError::Settings { path, message })
    }

    /// Parses and checks the text of a settings file; the error names the key.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.to_string())?;
        let w = &s.weights;
        for (key, v) in [
            ("core20", w.core20),
            ("plus", w.plus),
            ("register", w.register),
            ("emergency_admission", w.emergency_admission),
            ("long_wait", w.long_wait),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!(
                    "key `weights.{key}`: {v} is not a weight; use a number 0 or more (0 leaves the component out)"
                ));
            }
        }
        for (key, flags) in [("plus_flags", &s.plus_flags), ("registers", &s.registers)] {
            for f in flags {
                if !person_flag_columns().any(|c| c == f) {
                    return Err(format!(
                        "key `{key}`: unknown flag `{f}`; one of {}",
                        person_flag_columns().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        if s.top == 0 {
            return Err("key `top`: the cohort needs at least 1 household".into());
        }
        if s.emergency_months == 0 {
            return Err("key `emergency_months`: use 1 or more".into());
        }
        Ok(s)
    }
}

/// What one household counts for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Household {
    /// The household pseudonym (or `person:` and the person pseudonym).
    pub id: String,
    /// Registered members.
    pub members: u64,
    /// Whether any member lives in a Core20 LSOA.
    pub core20: bool,
    /// Members with at least one PLUS flag.
    pub plus_members: u64,
    /// Members with each of [`Settings::plus_flags`], in that order.
    pub plus: Vec<u64>,
    /// Members on each of [`Settings::registers`], in that order.
    pub registers: Vec<u64>,
    /// Emergency admissions of members in the window.
    pub emergency_admissions: u64,
    /// Members waiting over the threshold at the latest snapshot.
    pub long_waiters: u64,
}

impl Household {
    /// Person-register conditions, summed over members and registers.
    pub fn register_conditions(&self) -> u64 {
        self.registers.iter().sum()
    }
}

/// The score of a household.
pub fn score(h: &Household, s: &Settings) -> f64 {
    let w = &s.weights;
    let core20 = if h.core20 { w.core20 } else { 0.0 };
    core20
        + w.plus * h.plus_members as f64
        + w.register * h.register_conditions() as f64
        + w.emergency_admission * h.emergency_admissions as f64
        + w.long_wait * h.long_waiters as f64
}

/// How a flag reads in a reason: (one, many).
fn flag_words(flag: &str) -> (&'static str, &'static str) {
    match flag {
        "learning_disability" => (
            "person with a learning disability",
            "people with a learning disability",
        ),
        "autism" => ("autistic person", "autistic people"),
        "smi" => ("person on the SMI register", "people on the SMI register"),
        "copd" => ("person on the COPD register", "people on the COPD register"),
        "hypertension" => (
            "person on the hypertension register",
            "people on the hypertension register",
        ),
        "diabetes" => (
            "person on the diabetes register",
            "people on the diabetes register",
        ),
        "homeless" => (
            "person experiencing homelessness",
            "people experiencing homelessness",
        ),
        "carer" => ("carer", "carers"),
        "armed_forces" => ("armed forces veteran", "armed forces veterans"),
        "refugee_or_asylum_seeker" => ("refugee or asylum seeker", "refugees or asylum seekers"),
        "gypsy_roma_traveller" => (
            "Gypsy, Roma or Traveller person",
            "Gypsy, Roma or Traveller people",
        ),
        _ => ("person with a flag", "people with a flag"),
    }
}

fn counted(n: u64, (one, many): (&str, &str)) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Why a household scores what it does, in words: only components with a weight above 0.
pub fn reasons(h: &Household, s: &Settings) -> String {
    let w = &s.weights;
    let mut out = Vec::new();
    if h.core20 && w.core20 > 0.0 {
        out.push("Core20 area".to_owned());
    }
    if w.plus > 0.0 {
        for (flag, &n) in s.plus_flags.iter().zip(&h.plus) {
            if n > 0 {
                out.push(counted(n, flag_words(flag)));
            }
        }
    }
    if w.register > 0.0 {
        for (flag, &n) in s.registers.iter().zip(&h.registers) {
            if n > 0 {
                out.push(counted(n, flag_words(flag)));
            }
        }
    }
    if w.emergency_admission > 0.0 && h.emergency_admissions > 0 {
        let months = s.emergency_months;
        out.push(counted(
            h.emergency_admissions,
            (
                &format!("emergency admission in the last {months} months"),
                &format!("emergency admissions in the last {months} months"),
            ),
        ));
    }
    if w.long_wait > 0.0 && h.long_waiters > 0 {
        let weeks = s.long_wait_weeks;
        out.push(counted(
            h.long_waiters,
            (
                &format!("person waiting over {weeks} weeks"),
                &format!("people waiting over {weeks} weeks"),
            ),
        ));
    }
    out.join("; ")
}

/// The top households by score (highest first, ties by pseudonym), leaving out score 0.
pub fn rank(households: Vec<Household>, s: &Settings) -> Vec<(Household, f64)> {
    let mut scored: Vec<(Household, f64)> = households
        .into_iter()
        .map(|h| {
            let v = score(&h, s);
            (h, v)
        })
        .filter(|(_, v)| *v > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    scored.truncate(s.top);
    scored
}

/// One date from a query, or none when the table is empty.
async fn latest_date(
    ctx: &SessionContext,
    sql: &str,
    context: &str,
) -> Result<Option<jiff::civil::Date>, EngineError> {
    let batches = ctx
        .sql(sql)
        .await
        .map_err(|e| EngineError::engine(context, e))?
        .collect()
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let Some(b) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Ok(None);
    };
    let col = cast(b.column(0), &DataType::Utf8).map_err(|e| EngineError::engine(context, e))?;
    let Some(col) = col.as_any().downcast_ref::<StringArray>() else {
        return Err(EngineError::engine(context, "the date is not text"));
    };
    if col.is_null(0) {
        return Ok(None);
    }
    col.value(0)
        .parse::<jiff::civil::Date>()
        .map(Some)
        .map_err(|e| EngineError::engine(context, e))
}

/// The SQL of the per-household counts. Flags come only from the checked
/// [`person_flag_columns`], so no
/// user text reaches the SQL; the two date bounds are dates formatted by jiff.
fn households_sql(
    s: &Settings,
    emergency: Option<(jiff::civil::Date, jiff::civil::Date)>,
    snapshot: Option<jiff::civil::Date>,
) -> String {
    let as_int = |f: &str| format!("CAST(coalesce({f}, false) AS BIGINT)");
    let any_plus = if s.plus_flags.is_empty() {
        "0".to_owned()
    } else {
        s.plus_flags
            .iter()
            .map(|f| as_int(&format!("p.{f}")))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut cols = vec![
        "count(*) AS members".to_owned(),
        "max(CASE WHEN p.core20 = 'Core20' THEN 1 ELSE 0 END) AS core20".to_owned(),
        format!("sum(CASE WHEN ({any_plus}) > 0 THEN 1 ELSE 0 END) AS plus_members"),
    ];
    for (k, f) in s.plus_flags.iter().enumerate() {
        cols.push(format!("sum({}) AS plus_{k}", as_int(&format!("p.{f}"))));
    }
    for (k, f) in s.registers.iter().enumerate() {
        cols.push(format!(
            "sum({}) AS register_{k}",
            as_int(&format!("p.{f}"))
        ));
    }
    // The raw tables, not the views: only person_id is needed from them, and the views would
    // join every row to population a second time.
    let (emergency_join, emergency_col) = match emergency {
        Some((after, latest)) => (
            format!(
                "LEFT JOIN (SELECT person_id, count(*) AS n FROM admissions_raw \
                 WHERE admission_method_kind = 'emergency' AND admission_date > DATE '{after}' \
                 AND admission_date <= DATE '{latest}' GROUP BY person_id) e ON p.person_id = e.person_id"
            ),
            "sum(coalesce(e.n, 0))",
        ),
        None => (String::new(), "0"),
    };
    cols.push(format!("{emergency_col} AS emergency_admissions"));
    let (wait_join, wait_col) = match snapshot {
        Some(snap) => (
            format!(
                "LEFT JOIN (SELECT DISTINCT person_id FROM waiting_list_raw \
                 WHERE snapshot_date = DATE '{snap}' AND days_waited > {}) w ON p.person_id = w.person_id",
                u64::from(s.long_wait_weeks) * 7
            ),
            "sum(CASE WHEN w.person_id IS NULL THEN 0 ELSE 1 END)",
        ),
        None => (String::new(), "0"),
    };
    cols.push(format!("{wait_col} AS long_waiters"));
    let cols: Vec<String> = cols
        .into_iter()
        .map(|c| match c.rsplit_once(" AS ") {
            Some((expr, name)) => format!("CAST({expr} AS BIGINT) AS {name}"),
            None => c,
        })
        .collect();
    format!(
        "SELECT coalesce(p.household_id, 'person:' || p.person_id) AS household_id, {} \
         FROM population p {emergency_join} {wait_join} \
         GROUP BY coalesce(p.household_id, 'person:' || p.person_id)",
        cols.join(", ")
    )
}

/// Every household's counts, from the registered views.
pub async fn households(
    ctx: &SessionContext,
    loaded: &Loaded,
    s: &Settings,
) -> Result<Vec<Household>, EngineError> {
    let context = "computing the outreach cohort";
    let emergency = if loaded.has("admissions") {
        match latest_date(
            ctx,
            "SELECT max(admission_date) FROM admissions_raw WHERE admission_method_kind = 'emergency'",
            context,
        )
        .await?
        {
            Some(latest) => {
                let span = jiff::Span::new().months(i64::from(s.emergency_months));
                let after = latest
                    .checked_sub(span)
                    .map_err(|e| EngineError::engine(context, e))?;
                Some((after, latest))
            }
            None => None,
        }
    } else {
        None
    };
    let snapshot = if loaded.has("waiting_list") {
        latest_date(
            ctx,
            "SELECT max(snapshot_date) FROM waiting_list_raw",
            context,
        )
        .await?
    } else {
        None
    };
    let sql = households_sql(s, emergency, snapshot);
    let mut stream = ctx
        .sql(&sql)
        .await
        .map_err(|e| EngineError::engine(context, e))?
        .execute_stream()
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let mut out = Vec::new();
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| EngineError::engine(context, e))?;
        let ids =
            cast(batch.column(0), &DataType::Utf8).map_err(|e| EngineError::engine(context, e))?;
        let ids = ids
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| EngineError::engine(context, "household ids are not text"))?;
        let ints: Vec<Int64Array> = (1..batch.num_columns())
            .map(|c| {
                let a = cast(batch.column(c), &DataType::Int64)
                    .map_err(|e| EngineError::engine(context, e))?;
                a.as_any()
                    .downcast_ref::<Int64Array>()
                    .cloned()
                    .ok_or_else(|| EngineError::engine(context, "counts are not numbers"))
            })
            .collect::<Result<_, _>>()?;
        // Counts are never negative; a null (no rows) is 0.
        let get = |c: usize, row: usize| -> u64 {
            let a = &ints[c];
            if a.is_null(row) {
                0
            } else {
                a.value(row).max(0) as u64
            }
        };
        let np = s.plus_flags.len();
        let nr = s.registers.len();
        for row in 0..batch.num_rows() {
            if ids.is_null(row) {
                continue;
            }
            out.push(Household {
                id: ids.value(row).to_owned(),
                members: get(0, row),
                core20: get(1, row) > 0,
                plus_members: get(2, row),
                plus: (0..np).map(|k| get(3 + k, row)).collect(),
                registers: (0..nr).map(|k| get(3 + np + k, row)).collect(),
                emergency_admissions: get(3 + np + nr, row),
                long_waiters: get(4 + np + nr, row),
            });
        }
    }
    Ok(out)
}

/// The cohort as the `outreach` results table.
pub fn table(cohort: &[(Household, f64)], s: &Settings) -> Result<RecordBatch, EngineError> {
    let fields = vec![
        Field::new("rank", DataType::Int64, false),
        Field::new("household_id", DataType::Utf8, false),
        Field::new("members", DataType::Int64, false),
        Field::new("score", DataType::Float64, false),
        Field::new("reasons", DataType::Utf8, false),
        Field::new("core20", DataType::Boolean, false),
        Field::new("plus_members", DataType::Int64, false),
        Field::new("register_conditions", DataType::Int64, false),
        Field::new("emergency_admissions", DataType::Int64, false),
        Field::new("long_waiters", DataType::Int64, false),
    ];
    let int = |f: &dyn Fn(&Household) -> u64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            cohort.iter().map(|(h, _)| f(h) as i64),
        ))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(1..=cohort.len() as i64)),
        Arc::new(StringArray::from_iter_values(
            cohort.iter().map(|(h, _)| h.id.as_str()),
        )),
        int(&|h| h.members),
        Arc::new(Float64Array::from_iter_values(
            cohort.iter().map(|(_, v)| *v),
        )),
        Arc::new(StringArray::from_iter_values(
            cohort.iter().map(|(h, _)| reasons(h, s)),
        )),
        Arc::new(BooleanArray::from(
            cohort.iter().map(|(h, _)| h.core20).collect::<Vec<_>>(),
        )),
        int(&|h| h.plus_members),
        int(&|h| h.register_conditions()),
        int(&|h| h.emergency_admissions),
        int(&|h| h.long_waiters),
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| EngineError::engine("building the outreach table", e))
}

/// Computes the cohort table.
pub async fn run(
    ctx: &SessionContext,
    loaded: &Loaded,
    s: &Settings,
) -> Result<RecordBatch, EngineError> {
    let all = households(ctx, loaded, s).await?;
    table(&rank(all, s), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(id: &str) -> Household {
        let s = Settings::default();
        Household {
            id: id.to_owned(),
            members: 1,
            plus: vec![0; s.plus_flags.len()],
            registers: vec![0; s.registers.len()],
            ..Household::default()
        }
    }

    #[test]
    fn score_sums_weighted_components_and_reasons_name_them() {
        let s = Settings::default();
        let mut h = household("a");
        h.members = 3;
        h.core20 = true;
        // One carer (plus flag 3) who is also homeless (flag 2): one PLUS member.
        h.plus_members = 1;
        h.plus[2] = 1;
        h.plus[3] = 1;
        // Two people on the SMI register, one on the diabetes register.
        h.registers[0] = 2;
        h.registers[3] = 1;
        h.emergency_admissions = 1;
        h.long_waiters = 2;
        // 3 + 2×1 + 1×3 + 2×1 + 2×2
        assert_eq!(score(&h, &s), 14.0);
        assert_eq!(
            reasons(&h, &s),
            "Core20 area; 1 person experiencing homelessness; 1 carer; 2 people on the SMI register; \
             1 person on the diabetes register; 1 emergency admission in the last 12 months; \
             2 people waiting over 52 weeks"
        );
    }

    #[test]
    fn zero_weights_leave_components_out_of_score_and_reasons() {
        let s = Settings::parse("[weights]\ncore20 = 0\nregister = 0.5\n").unwrap();
        let mut h = household("a");
        h.core20 = true;
        h.registers[1] = 3;
        assert_eq!(score(&h, &s), 1.5);
        assert_eq!(reasons(&h, &s), "3 people on the COPD register");
    }

    #[test]
    fn ranking_is_by_score_then_pseudonym_without_zero_scores() {
        let s = Settings::parse("top = 2").unwrap();
        let mut a = household("b");
        a.core20 = true;
        let mut b = household("a");
        b.core20 = true;
        let mut c = household("c");
        c.emergency_admissions = 1;
        let d = household("d");
        let ranked = rank(vec![a, b, c, d], &s);
        let ids: Vec<&str> = ranked.iter().map(|(h, _)| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let all = rank(vec![household("z"), household("y")], &Settings::default());
        assert!(all.is_empty());
    }

    #[test]
    fn bad_settings_name_the_key() {
        let e = Settings::parse("[weights]\ncore20 = -1\n").unwrap_err();
        assert!(e.contains("weights.core20"), "{e}");
        let e = Settings::parse("plus_flags = [\"homeless\", \"vegan\"]\n").unwrap_err();
        assert!(e.contains("plus_flags") && e.contains("vegan"), "{e}");
        let e = Settings::parse("[weights]\ncore_20 = 1\n").unwrap_err();
        assert!(e.contains("core_20"), "{e}");
        let e = Settings::parse("top = 0").unwrap_err();
        assert!(e.contains("top"), "{e}");
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
    }

    #[test]
    fn households_sql_counts_what_is_loaded() {
        let s = Settings::default();
        let sql = households_sql(&s, None, None);
        assert!(
            sql.contains("0 AS BIGINT) AS emergency_admissions"),
            "{sql}"
        );
        assert!(!sql.contains("admissions_raw"));
        let d = jiff::civil::date(2026, 3, 29);
        let sql = households_sql(&s, Some((jiff::civil::date(2025, 3, 29), d)), Some(d));
        assert!(sql.contains("admission_date > DATE '2025-03-29'"), "{sql}");
        assert!(sql.contains("days_waited > 364"), "{sql}");
    }
}
