//! Evaluating one catalogue indicator: SQL from its definition, a cube of counts by every
//! dimension from DataFusion, then the roll-up into every breakdown and the statistics.

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;
use equalis_results::{InequalityRow, ResultRow, SpcRow};
use futures::StreamExt;

use crate::breakdown::{self, DIMS, Dim, Rollup, Set};
use crate::catalogue::{DefinitionError, Indicator, Statistic};
use crate::periods::{Period, Periods};
use crate::rows;
use crate::tables::{self, Loaded};
use crate::{ComputeOptions, EngineError};

/// ESP 2013 bands, plus one slot for rows of unknown age.
pub(crate) const BANDS: usize = 20;
pub(crate) const UNKNOWN_AGE: usize = 19;

/// What running an indicator gave.
pub enum Outcome {
    /// Results.
    Computed(Output),
    /// Why it could not be computed from this workspace's data.
    Skipped(String),
}

/// Rows of the three results tables.
#[derive(Debug, Default)]
pub struct Output {
    /// Indicator rows.
    pub rows: Vec<ResultRow>,
    /// SII and RII rows.
    pub inequality: Vec<InequalityRow>,
    /// SPC rows.
    pub spc: Vec<SpcRow>,
}

/// Whether `sql` names `table` as a whole word (e.g. in a subquery `FROM events`).
fn mentions(sql: &str, table: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    sql.match_indices(table).any(|(at, _)| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + table.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The first table the indicator reads, in its `from` or in its SQL, that is not loaded.
pub(crate) fn missing_dataset(loaded: &Loaded, i: &Indicator) -> Option<String> {
    let sql = [
        i.denominator.condition.as_str(),
        i.numerator.condition.as_str(),
        i.value.as_deref().unwrap_or(""),
    ];
    tables::TABLES_READ
        .iter()
        .find(|t| {
            let used = i.denominator.from == **t
                || i.numerator.from == **t
                || sql.iter().any(|s| mentions(s, t));
            used && !tables::available(loaded, t)
        })
        .map(|t| format!("needs the `{t}` dataset (`equalis ingest --dataset {t} FILE`)"))
}

fn substitute(sql: &str, period: &Period) -> String {
    sql.replace("{start}", &period.start_sql())
        .replace("{end}", &period.end_sql())
}

/// The dimensions every table of the indicator has.
pub(crate) async fn dims_for(
    ctx: &SessionContext,
    from: &[&str],
) -> Result<Vec<&'static Dim>, EngineError> {
    let mut schemas = Vec::new();
    for t in from {
        let df = ctx
            .table(*t)
            .await
            .map_err(|e| EngineError::engine(format!("reading table `{t}`"), e))?;
        schemas.push(df.schema().clone());
    }
    Ok(DIMS
        .iter()
        .filter(|d| {
            schemas
                .iter()
                .all(|s| s.has_column_with_unqualified_name(d.column))
        })
        .collect())
}

/// One side of an indicator as SQL: the rows of `from` meeting `conditions` in `period`,
/// counted by every dimension (and age band, and value).
fn cube_sql(
    dims: &[&Dim],
    from: &str,
    conditions: &[&str],
    period: &Period,
    standardise: bool,
    value: Option<&str>,
) -> String {
    let mut select: Vec<String> = dims
        .iter()
        .enumerate()
        .map(|(k, d)| format!("{} AS d{k}", d.sql))
        .collect();
    select.push(if standardise {
        // ESP 2013 bands 0-4 … 85-89, 90+; unknown age in its own slot.
        format!("CASE WHEN age IS NULL THEN {UNKNOWN_AGE} WHEN age >= 90 THEN 18 ELSE CAST(age / 5 AS BIGINT) END AS _band")
    } else {
        "0 AS _band".to_owned()
    });
    if let Some(v) = value {
        select.push(format!(
            "CAST(({}) AS DOUBLE) AS _value",
            substitute(v, period)
        ));
    }
    let mut wheres: Vec<String> = conditions
        .iter()
        .map(|c| format!("({})", substitute(c, period)))
        .collect();
    if let Some(date) = tables::date_column(from) {
        wheres.push(format!(
            "{date} BETWEEN {} AND {}",
            period.start_sql(),
            period.end_sql()
        ));
    }
    let mut keys: Vec<String> = (0..dims.len()).map(|k| format!("d{k}")).collect();
    keys.push("_band".into());
    if value.is_some() {
        keys.push("_value".into());
    }
    format!(
        "SELECT {keys}, CAST(count(*) AS DOUBLE) AS _n FROM (SELECT {select} FROM {from} WHERE {wheres}) AS unit GROUP BY {keys}",
        keys = keys.join(", "),
        select = select.join(", "),
        wheres = wheres.join(" AND "),
    )
}

/// The queries of an indicator for a period: (numerator, denominator); a median or
/// percentile has only the denominator, with values.
fn queries(i: &Indicator, dims: &[&Dim], period: &Period) -> (Option<String>, String) {
    let standardise = i.statistic == Statistic::Dsr;
    let den = cube_sql(
        dims,
        &i.denominator.from,
        &[&i.denominator.condition],
        period,
        standardise,
        i.value.as_deref(),
    );
    let num = match i.statistic {
        Statistic::Proportion => Some(cube_sql(
            dims,
            &i.denominator.from,
            &[&i.denominator.condition, &i.numerator.condition],
            period,
            false,
            None,
        )),
        Statistic::Rate | Statistic::Dsr => Some(cube_sql(
            dims,
            &i.numerator.from,
            &[&i.numerator.condition],
            period,
            standardise,
            None,
        )),
        Statistic::Median | Statistic::Percentile(_) => None,
    };
    (num, den)
}

pub(crate) fn definition_error(i: &Indicator, e: impl std::fmt::Display) -> EngineError {
    EngineError::Definition(DefinitionError {
        origin: i.origin.clone(),
        message: format!("the SQL does not run against the data: {e}"),
    })
}

/// Plans the indicator's queries against the data without running them, so that an unknown
/// column or bad SQL is reported with the file before anything is computed.
pub async fn check(
    ctx: &SessionContext,
    loaded: &Loaded,
    i: &Indicator,
    periods: &Periods,
) -> Result<(), EngineError> {
    if missing_dataset(loaded, i).is_some() {
        return Ok(());
    }
    let from = [i.denominator.from.as_str(), i.numerator.from.as_str()];
    let dims = dims_for(ctx, &from).await?;
    let period = periods.of(i.period).into_iter().next().unwrap_or(Period {
        label: "check".into(),
        start: jiff::civil::Date::constant(2000, 1, 1),
        end: jiff::civil::Date::constant(2000, 12, 31),
    });
    let (num, den) = queries(i, &dims, &period);
    for sql in num.iter().chain(std::iter::once(&den)) {
        let df = ctx.sql(sql).await.map_err(|e| definition_error(i, e))?;
        // Physical planning catches what logical planning lets through (e.g. a subquery shape
        // the engine cannot run).
        df.create_physical_plan()
            .await
            .map_err(|e| definition_error(i, e))?;
    }
    Ok(())
}

pub(crate) fn numbers(col: &ArrayRef, ty: DataType) -> Result<ArrayRef, EngineError> {
    cast(col, &ty).map_err(|e| EngineError::engine("reading counts", e))
}

/// Runs a cube query and adds its rows to the roll-up: as numerator or denominator.
async fn feed(
    ctx: &SessionContext,
    i: &Indicator,
    sql: &str,
    rollup: &mut Rollup,
    dims: usize,
    numerator: bool,
    with_values: bool,
) -> Result<(), EngineError> {
    let df = ctx.sql(sql).await.map_err(|e| definition_error(i, e))?;
    let mut stream = df
        .execute_stream()
        .await
        .map_err(|e| EngineError::engine(format!("computing `{}`", i.id), e))?;
    let mut codes = vec![0u16; dims];
    let mut columns: Vec<Vec<u16>> = vec![Vec::new(); dims];
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| EngineError::engine(format!("computing `{}`", i.id), e))?;
        for (k, out) in columns.iter_mut().enumerate() {
            rollup.dictionary.column_codes(batch.column(k), k, out)?;
        }
        let band = numbers(batch.column(dims), DataType::Int64)?;
        let band = band
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| EngineError::engine("reading age bands", "not integers"))?;
        let values = if with_values {
            Some(numbers(batch.column(dims + 1), DataType::Float64)?)
        } else {
            None
        };
        let values = values
            .as_ref()
            .and_then(|v| v.as_any().downcast_ref::<Float64Array>());
        let n = numbers(batch.column(batch.num_columns() - 1), DataType::Float64)?;
        let n = n
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| EngineError::engine("reading counts", "not numbers"))?;
        for row in 0..batch.num_rows() {
            for (code, column) in codes.iter_mut().zip(&columns) {
                *code = column[row];
            }
            let b = usize::try_from(band.value(row))
                .unwrap_or(UNKNOWN_AGE)
                .min(UNKNOWN_AGE);
            let count = n.value(row);
            let value = match values {
                // A row whose value is missing (NULL) is not a value: it counts in neither.
                Some(v) if v.is_null(row) => continue,
                Some(v) => Some(v.value(row)),
                None => None,
            };
            if numerator {
                rollup.add(&codes, b, count, 0.0, value);
            } else {
                rollup.add(&codes, b, 0.0, count, value);
            }
        }
    }
    Ok(())
}

/// Computes the statistic of one cell into a row.
fn statistic(
    i: &Indicator,
    row: &mut ResultRow,
    cell: &breakdown::Cell,
) -> Result<(), EngineError> {
    let x: f64 = cell.num.iter().sum();
    let n: f64 = cell.den.iter().sum();
    let levels = rows::levels();
    let context = || format!("indicator `{}`, {} {}", i.id, row.breakdown, row.group);
    match i.statistic {
        Statistic::Proportion => {
            row.numerator = Some(x);
            row.denominator = Some(n);
            let est = equalis_stats::proportion(x, n, &levels, i.multiplier)
                .map_err(|e| EngineError::statistic(context(), e))?;
            rows::fill(row, &est);
        }
        Statistic::Rate => {
            row.numerator = Some(x);
            row.denominator = Some(n);
            if n == 0.0 {
                row.note = Some("not calculated: the population is 0".into());
            } else {
                let est = equalis_stats::rate(x, n, &levels, i.multiplier)
                    .map_err(|e| EngineError::statistic(context(), e))?;
                rows::fill(row, &est);
            }
        }
        Statistic::Dsr => {
            row.numerator = Some(x);
            row.denominator = Some(n);
            let counts = &cell.num[..19];
            if counts
                .iter()
                .zip(&cell.den[..19])
                .any(|(&x, &n)| x > 0.0 && n == 0.0)
            {
                row.note =
                    Some("DSR not calculated: events in an age band with no population".into());
                return Ok(());
            }
            // An age band with no population and no events contributes nothing to the DSR
            // or its variance; giving it a population of 1 says exactly that, where 0 would
            // divide by zero.
            let pops: Vec<f64> = cell.den[..19].iter().map(|&n| n.max(1.0)).collect();
            let est = equalis_stats::dsr(
                counts,
                &pops,
                &equalis_stats::ESP2013,
                &levels,
                i.multiplier,
            )
            .map_err(|e| EngineError::statistic(context(), e))?;
            rows::fill(row, &est);
            let unknown = cell.num[UNKNOWN_AGE] + cell.den[UNKNOWN_AGE];
            if unknown > 0.0 && row.note.is_none() {
                // Without the number: a note passes no disclosure rule, and it may be small.
                row.note = Some("rows of unknown age are not in the standardised rate".to_owned());
            }
        }
        Statistic::Median | Statistic::Percentile(_) => {
            let p = match i.statistic {
                Statistic::Percentile(p) => p,
                _ => 0.5,
            };
            let values: Vec<(f64, f64)> = cell
                .values
                .iter()
                .map(|(&bits, &c)| (f64::from_bits(bits), c))
                .collect();
            row.denominator = Some(n);
            // Distribution-free limits from order statistics, so groups can be compared.
            let est = equalis_stats::percentile_interval_of_counts(&values, p, &levels)
                .map_err(|e| EngineError::statistic(context(), e))?;
            rows::fill(row, &est);
            for v in [
                &mut row.value,
                &mut row.lowercl,
                &mut row.uppercl,
                &mut row.lower998cl,
                &mut row.upper998cl,
            ] {
                *v = v.map(|x| x * i.multiplier);
            }
        }
    }
    Ok(())
}

/// Computes an indicator for each of its periods.
pub async fn run(
    ctx: &SessionContext,
    loaded: &Loaded,
    i: &Indicator,
    periods: &Periods,
    options: &ComputeOptions,
) -> Result<Outcome, EngineError> {
    if let Some(why) = missing_dataset(loaded, i) {
        return Ok(Outcome::Skipped(why));
    }
    let list = periods.of(i.period);
    if list.is_empty() {
        return Ok(Outcome::Skipped("the data cover no complete period".into()));
    }
    let from = [i.denominator.from.as_str(), i.numerator.from.as_str()];
    let dims = dims_for(ctx, &from).await?;
    let mut out = Output::default();
    let bands = if i.statistic == Statistic::Dsr {
        BANDS
    } else {
        1
    };
    let empty = Rollup::new(dims.len(), breakdown::sets(&dims, options.pairs), bands);
    let mut same_denominator: Option<Rollup> = None;
    for period in &list {
        let (num, den) = queries(i, &dims, period);
        let mut rollup = denominator(ctx, i, &den, &dims, &empty, &mut same_denominator).await?;
        if let Some(num) = num {
            feed(ctx, i, &num, &mut rollup, dims.len(), true, false).await?;
        }
        period_rows(i, period, &dims, rollup, bands, options, &mut out)?;
    }
    Ok(Outcome::Computed(out))
}

/// The results rows of one period from its roll-up: every recorded breakdown and pair, the
/// comparison with the ICS, the recording gaps and SII/RII. Shared by both plans.
pub(crate) fn period_rows(
    i: &Indicator,
    period: &Period,
    dims: &[&Dim],
    rollup: Rollup,
    bands: usize,
    options: &ComputeOptions,
    out: &mut Output,
) -> Result<(), EngineError> {
    let (sets, labels, cells) = rollup.into_cells();
    let recorded = breakdown::recorded(dims, &labels);
    let mut period_rows = Vec::new();
    for (set, cells) in sets.iter().zip(&cells) {
        if !breakdown::set_recorded(*set, &recorded) {
            continue;
        }
        let mut named: Vec<_> = cells
            .iter()
            .map(|(key, cell)| (breakdown::names(dims, *set, &labels, *key), cell))
            .collect();
        named.sort_by_cached_key(|((_, g), _)| breakdown::natural_key(g));
        for ((b, g), cell) in named {
            let mut row = ResultRow::new(
                &i.id,
                &period.label,
                &b,
                &g,
                i.statistic.results(),
                i.multiplier,
            );
            statistic(i, &mut row, cell)?;
            period_rows.push(row);
        }
        if *set == Set::All && cells.is_empty() {
            // No rows at all: still say so for the ICS.
            let mut row = ResultRow::new(
                &i.id,
                &period.label,
                breakdown::ALL,
                breakdown::ALL_GROUP,
                i.statistic.results(),
                i.multiplier,
            );
            statistic(i, &mut row, &empty_cell(bands))?;
            period_rows.push(row);
        }
    }
    rows::compare(&mut period_rows);
    rows::recording(&mut period_rows);
    out.inequality
        .extend(rows::inequality(&period_rows, options.sii_repetitions));
    out.rows.extend(period_rows);
    Ok(())
}

/// Breakdowns of the trend of an annual indicator.
pub(crate) const TREND_DIMS: [&str; 3] = ["core20", "imd_quintile", "ethnic_group"];

/// The trend of an annual indicator: its value month by month (e.g. the share of the SMI
/// register checked in the month), for everyone and by Core20, IMD quintile and ethnic
/// group, as SPC charts (Making Data Count).
pub async fn trend(
    ctx: &SessionContext,
    loaded: &Loaded,
    i: &Indicator,
    periods: &Periods,
) -> Result<Vec<SpcRow>, EngineError> {
    if missing_dataset(loaded, i).is_some()
        || i.period == crate::catalogue::PeriodKind::LatestSnapshot
    {
        return Ok(Vec::new());
    }
    let windows = periods.months();
    if windows.len() < 12 {
        return Ok(Vec::new());
    }
    let from = [i.denominator.from.as_str(), i.numerator.from.as_str()];
    let dims: Vec<&Dim> = dims_for(ctx, &from)
        .await?
        .into_iter()
        .filter(|d| TREND_DIMS.contains(&d.name))
        .collect();
    let bands = if i.statistic == Statistic::Dsr {
        BANDS
    } else {
        1
    };
    let empty = Rollup::new(dims.len(), breakdown::sets(&dims, false), bands);
    let mut same_denominator: Option<Rollup> = None;
    let mut rollups = Vec::with_capacity(windows.len());
    for window in &windows {
        let (num, den) = queries(i, &dims, window);
        let mut rollup = denominator(ctx, i, &den, &dims, &empty, &mut same_denominator).await?;
        if let Some(num) = num {
            feed(ctx, i, &num, &mut rollup, dims.len(), true, false).await?;
        }
        rollups.push(rollup);
    }
    trend_rows(i, &dims, &windows, rollups)
}

/// The SPC rows of an indicator's trend from one roll-up per month (in `windows` order).
/// Shared by both plans.
pub(crate) fn trend_rows(
    i: &Indicator,
    dims: &[&Dim],
    windows: &[Period],
    rollups: Vec<Rollup>,
) -> Result<Vec<SpcRow>, EngineError> {
    // (breakdown, group) → points in window order.
    let mut series: std::collections::BTreeMap<(String, String), Vec<ResultRow>> =
        Default::default();
    for (window, rollup) in windows.iter().zip(rollups) {
        let (sets, labels, cells) = rollup.into_cells();
        let recorded = breakdown::recorded(dims, &labels);
        for (set, cells) in sets.iter().zip(&cells) {
            if !breakdown::set_recorded(*set, &recorded) {
                continue;
            }
            for (key, cell) in cells {
                let (b, g) = breakdown::names(dims, *set, &labels, *key);
                let mut row = ResultRow::new(
                    &i.id,
                    &window.label,
                    &b,
                    &g,
                    i.statistic.results(),
                    i.multiplier,
                );
                statistic(i, &mut row, cell)?;
                series.entry((b, g)).or_default().push(row);
            }
        }
    }
    let improvement = match i.direction {
        crate::catalogue::Direction::HigherIsBetter => {
            equalis_stats::ImprovementDirection::Increase
        }
        crate::catalogue::Direction::LowerIsBetter => equalis_stats::ImprovementDirection::Decrease,
        crate::catalogue::Direction::None => equalis_stats::ImprovementDirection::Neutral,
    };
    let mut out = Vec::new();
    for ((b, g), points) in series {
        // A series with a gap (a window where the group had no value) is not charted: XmR
        // limits assume consecutive points.
        if points.len() != windows.len() || points.iter().any(|p| p.value.is_none()) {
            continue;
        }
        let refs: Vec<&ResultRow> = points.iter().collect();
        rows::spc_series(&i.id, &b, &g, &refs, improvement, i.target, &mut out)?;
    }
    Ok(out)
}

/// Whether an indicator's denominator is the same in every period: rows of `population`
/// (which has no date) chosen without reference to the period.
fn denominator_is_timeless(i: &Indicator) -> bool {
    let timeless = |s: &str| !s.contains("{start}") && !s.contains("{end}");
    i.denominator.from == "population"
        && timeless(&i.denominator.condition)
        && i.value.as_deref().is_none_or(timeless)
}

/// A roll-up holding the period's denominator: computed once and copied for every period when
/// it does not depend on the period (a register, the registered population), which halves the
/// scans of the population on national data.
async fn denominator(
    ctx: &SessionContext,
    i: &Indicator,
    sql: &str,
    dims: &[&Dim],
    empty: &Rollup,
    cache: &mut Option<Rollup>,
) -> Result<Rollup, EngineError> {
    if let Some(r) = cache {
        return Ok(r.clone());
    }
    let mut rollup = empty.clone();
    feed(
        ctx,
        i,
        sql,
        &mut rollup,
        dims.len(),
        false,
        i.value.is_some(),
    )
    .await?;
    if denominator_is_timeless(i) {
        *cache = Some(rollup.clone());
    }
    Ok(rollup)
}

fn empty_cell(bands: usize) -> breakdown::Cell {
    breakdown::Cell {
        num: vec![0.0; bands],
        den: vec![0.0; bands],
        values: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_named_in_sql_are_found_as_whole_words() {
        assert!(mentions(
            "person_id IN (SELECT person_id FROM events WHERE x)",
            "events"
        ));
        assert!(!mentions(
            "event_type = 'x' AND my_events_count > 1",
            "events"
        ));
        assert!(mentions("events", "events"));
    }
}
