//! One pass per dataset: every catalogue indicator planned together (issue 17).
//!
//! The per-indicator plan ([`crate::indicator::run`] and [`crate::indicator::trend`]) asks
//! DataFusion for two cubes per indicator and per period: the financial years and the 24
//! months of the SPC trend, each query reading its whole table (and the population it is
//! joined to). Here every *side* of every indicator (its numerator or its denominator: a
//! table and a condition) that reads the same table is planned into the same scan:
//!
//! - conditions that neither name the period (`{start}`, `{end}`) nor hold a subquery are
//!   evaluated together in **one scan of the table**, as one conditional count per side
//!   (`sum(CASE WHEN cond THEN 1 ELSE 0 END)`), grouped by every breakdown dimension the
//!   table has, the ESP age band and, for a dated table, the *segment* of the timeline the
//!   row's date falls in (the segments are cut at every period's first day and the day after
//!   its last, so each period, a year or a month, is a union of segments and is summed from
//!   them here);
//! - a condition that names the period is evaluated for **every period in one query**: the
//!   table is crossed with the list of periods and `{start}`/`{end}` become that list's
//!   columns, so `person_id IN (SELECT … event_date BETWEEN {start} AND {end})` is a
//!   correlated subquery that DataFusion turns into one semi-join on `person_id` for all the
//!   periods;
//! - a condition with a subquery gets a query of its own (DataFusion evaluates a subquery in
//!   a `WHERE` only, not inside the `CASE` of a conditional count).
//!
//! The grouped counts then feed the same roll-up ([`Rollup`]) and the same statistics
//! ([`crate::indicator::period_rows`], [`crate::indicator::trend_rows`]) as the per-indicator
//! plan, so the results are the same row for row (a test computes the synthetic ICS both
//! ways and compares every row). Counts are whole numbers held as `f64`, so summing them in
//! another order gives the same bits.
//!
//! An indicator with a `value` (a median or percentile), whose cube is also grouped by its
//! value, keeps the per-indicator plan.

use std::collections::BTreeMap;
use std::time::Instant;

use datafusion::arrow::array::{Array, Float64Array, Int64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;
use futures::StreamExt;
use jiff::civil::Date;

use crate::breakdown::{self, Dictionary, Dim, Rollup};
use crate::catalogue::{Indicator, PeriodKind, Statistic};
use crate::indicator::{self, BANDS, Outcome, Output, TREND_DIMS, UNKNOWN_AGE, numbers};
use crate::periods::{Period, Periods};
use crate::tables::{self, Loaded};
use crate::{ComputeOptions, EngineError, Event, Progress};

/// One indicator's outcome with the seconds its own work took.
pub(crate) struct Computed {
    /// Rows, or why it was skipped.
    pub outcome: Outcome,
    /// Wall seconds of its roll-up and statistics (the scans are shared).
    pub seconds: f64,
}

/// One indicator of the plan and the roll-ups it is being summed into.
struct Plan<'a> {
    i: &'a Indicator,
    dims: Vec<&'static Dim>,
    trend_dims: Vec<&'static Dim>,
    bands: usize,
    /// The grouping sets of its periods' roll-ups.
    sets: Vec<breakdown::Set>,
    /// Its periods, as indexes into the plan's list of every period.
    periods: Vec<usize>,
    /// The months of its trend (empty when it has none).
    windows: Vec<usize>,
    /// Counts that do not depend on the period (a register on `population`): summed once
    /// and copied into every period, as the per-indicator plan does.
    base: Option<(Rollup, Rollup)>,
    main: BTreeMap<usize, Rollup>,
    trend: BTreeMap<usize, Rollup>,
}

/// One side: the rows of `table` meeting every condition are counted.
struct Side {
    plan: usize,
    numerator: bool,
    conditions: Vec<String>,
}

impl Side {
    fn periodic(&self) -> bool {
        self.conditions
            .iter()
            .any(|c| c.contains("{start}") || c.contains("{end}"))
    }
    fn subquery(&self) -> bool {
        self.conditions.iter().any(|c| has_subquery(c))
    }
}

/// Whether SQL holds a subquery (`SELECT` as a word).
fn has_subquery(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    lower.match_indices("select").any(|(at, _)| {
        !lower[..at].chars().next_back().is_some_and(word)
            && !lower[at + 6..].chars().next().is_some_and(word)
    })
}

/// What places a scan's rows in periods.
enum Key {
    /// Nothing: the counts hold for every period (an undated table, a condition without
    /// the period).
    Whole,
    /// The segment of the timeline the row's date is in: segment `s` is the days from
    /// `bounds[s]` up to the day before `bounds[s + 1]`.
    Segment(Vec<Date>),
    /// The period (index into the scan's list) the row was counted for, the table crossed
    /// with the periods.
    Period(Vec<usize>),
    /// The periods (indexes into the scan's list) of the rows of a subquery naming the period
    /// (`expr IN (SELECT … {start} … {end})`), the subquery written out once per period and
    /// the copies joined to the table as one set of (value, period): for a subquery DataFusion
    /// cannot decorrelate against the list of periods (a window function over the period's
    /// rows), the table is still scanned once.
    Semi {
        /// Periods, as indexes into every period.
        list: Vec<usize>,
        /// The left side of `IN`.
        expr: String,
        /// The subquery, with `{start}` and `{end}`.
        subquery: String,
    },
    /// One period (index into every period), written into the SQL: for a condition whose
    /// subquery DataFusion cannot decorrelate against the list of periods (a window function
    /// over the period's rows), as the per-indicator plan does.
    Fixed(usize),
}

/// One query: one table, one or more sides counted at once.
struct Scan {
    table: &'static str,
    dims: Vec<&'static Dim>,
    key: Key,
    sides: Vec<Side>,
}

fn date_sql(d: Date) -> String {
    format!("DATE '{d}'")
}

impl Scan {
    fn sql(&self, all: &[Period]) -> String {
        let mut select: Vec<String> = self
            .dims
            .iter()
            .enumerate()
            .map(|(k, d)| format!("{} AS d{k}", d.sql))
            .collect();
        // ESP 2013 bands 0-4 … 85-89, 90+; unknown age in its own slot (as `indicator`).
        select.push(format!(
            "CASE WHEN age IS NULL THEN {UNKNOWN_AGE} WHEN age >= 90 THEN 18 ELSE CAST(age / 5 AS BIGINT) END AS _band"
        ));
        let mut keys: Vec<String> = (0..self.dims.len()).map(|k| format!("d{k}")).collect();
        keys.push("_band".into());
        let mut wheres = Vec::new();
        let mut from = self.table.to_owned();
        let date = tables::date_column(self.table);
        let substitute = |c: &str| -> String {
            match self.key {
                Key::Period(_) => c
                    .replace("{start}", "_p._start")
                    .replace("{end}", "_p._end"),
                Key::Fixed(q) => c
                    .replace("{start}", &all[q].start_sql())
                    .replace("{end}", &all[q].end_sql()),
                _ => c.to_owned(),
            }
        };
        match (&self.key, date) {
            (Key::Whole, _) | (Key::Fixed(_), None) => {}
            (Key::Fixed(q), Some(date)) => wheres.push(format!(
                "{date} BETWEEN {} AND {}",
                all[*q].start_sql(),
                all[*q].end_sql()
            )),
            (Key::Segment(bounds), Some(date)) => {
                let mut case = String::from("CASE");
                for (s, b) in bounds.iter().enumerate().skip(1) {
                    case.push_str(&format!(" WHEN {date} < {} THEN {}", date_sql(*b), s - 1));
                }
                case.push_str(" END AS _key");
                select.push(case);
                keys.push("_key".into());
                let (first, last) = (bounds[0], bounds[bounds.len() - 1]);
                wheres.push(format!(
                    "{date} >= {} AND {date} < {}",
                    date_sql(first),
                    date_sql(last)
                ));
            }
            (Key::Segment(_), None) => {}
            (
                Key::Semi {
                    list,
                    expr,
                    subquery,
                },
                date,
            ) => {
                let copies: Vec<String> = list
                    .iter()
                    .enumerate()
                    .map(|(k, &p)| {
                        let (start, end) = (all[p].start_sql(), all[p].end_sql());
                        format!(
                            "SELECT DISTINCT _q._id, {k} AS _k, {start} AS _start, {end} AS _end FROM ({}) AS _q(_id)",
                            subquery.replace("{start}", &start).replace("{end}", &end)
                        )
                    })
                    .collect();
                from = format!(
                    "{from} JOIN ({}) AS _s ON ({expr}) = _s._id",
                    copies.join(" UNION ALL ")
                );
                select.push("_s._k AS _key".into());
                keys.push("_key".into());
                if let Some(date) = date {
                    wheres.push(format!("{date} BETWEEN _s._start AND _s._end"));
                }
            }
            (Key::Period(list), date) => {
                let values: Vec<String> = list
                    .iter()
                    .enumerate()
                    .map(|(k, &p)| format!("({k}, {}, {})", all[p].start_sql(), all[p].end_sql()))
                    .collect();
                from = format!(
                    "{from} CROSS JOIN (SELECT column1 AS _k, column2 AS _start, column3 AS _end FROM (VALUES {})) AS _p",
                    values.join(", ")
                );
                select.push("_p._k AS _key".into());
                keys.push("_key".into());
                if let Some(date) = date {
                    wheres.push(format!("{date} BETWEEN _p._start AND _p._end"));
                }
            }
        }
        let condition = |s: &Side| -> String {
            if s.conditions.is_empty() {
                return "true".into();
            }
            s.conditions
                .iter()
                .map(|c| format!("({})", substitute(c)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let counts: Vec<String> = if let [side] = self.sides.as_slice() {
            wheres.push(condition(side));
            vec!["CAST(count(*) AS DOUBLE) AS _n0".into()]
        } else {
            let any: Vec<String> = self
                .sides
                .iter()
                .map(|s| format!("({})", condition(s)))
                .collect();
            wheres.push(format!("({})", any.join(" OR ")));
            for (j, s) in self.sides.iter().enumerate() {
                select.push(format!("({}) AS _c{j}", condition(s)));
            }
            (0..self.sides.len())
                .map(|j| format!("CAST(sum(CASE WHEN _c{j} THEN 1 ELSE 0 END) AS DOUBLE) AS _n{j}"))
                .collect()
        };
        let wheres = if wheres.is_empty() {
            "true".to_owned()
        } else {
            wheres.join(" AND ")
        };
        format!(
            "SELECT {keys}, {counts} FROM (SELECT {select} FROM {from} WHERE {wheres}) AS unit GROUP BY {keys}",
            keys = keys.join(", "),
            counts = counts.join(", "),
            select = select.join(", "),
        )
    }

    /// The periods (indexes into every period) a key value counts in.
    fn periods_of(&self, key: i64, all: &[Period]) -> Vec<usize> {
        let Ok(k) = usize::try_from(key) else {
            return Vec::new();
        };
        match &self.key {
            Key::Whole => Vec::new(),
            Key::Fixed(q) => vec![*q],
            Key::Segment(bounds) => {
                let (Some(&first), Some(&next)) = (bounds.get(k), bounds.get(k + 1)) else {
                    return Vec::new();
                };
                let last = next.yesterday().unwrap_or(next);
                all.iter()
                    .enumerate()
                    .filter(|(_, p)| p.start <= first && last <= p.end)
                    .map(|(q, _)| q)
                    .collect()
            }
            Key::Period(list) | Key::Semi { list, .. } => {
                list.get(k).copied().into_iter().collect()
            }
        }
    }
}

/// Adds `n` to one roll-up, translating the scan's codes into the roll-up's own.
#[allow(clippy::too_many_arguments)]
fn add(
    rollup: &mut Rollup,
    map: &mut Vec<Vec<u16>>,
    positions: &[usize],
    scan_codes: &[u16],
    labels: &Dictionary,
    band: usize,
    n: f64,
    numerator: bool,
    buf: &mut Vec<u16>,
) -> Result<(), EngineError> {
    buf.clear();
    if map.len() < positions.len() {
        map.resize(positions.len(), Vec::new());
    }
    for (k, &pos) in positions.iter().enumerate() {
        let code = scan_codes[pos] as usize;
        let slot = &mut map[k];
        if slot.len() <= code {
            slot.resize(code + 1, u16::MAX);
        }
        if slot[code] == u16::MAX {
            slot[code] = rollup.dictionary.code(k, &labels.labels[pos][code])?;
        }
        buf.push(slot[code]);
    }
    if numerator {
        rollup.add(buf, band, n, 0.0, None);
    } else {
        rollup.add(buf, band, 0.0, n, None);
    }
    Ok(())
}

/// Positions of `dims` within `of`.
fn positions(dims: &[&Dim], of: &[&Dim]) -> Vec<usize> {
    dims.iter()
        .map(|d| {
            of.iter()
                .position(|o| o.name == d.name)
                .unwrap_or(usize::MAX)
        })
        .collect()
}

/// Computes every indicator: one pass per dataset, then the roll-up and statistics of each.
/// Returns one outcome per indicator, in the catalogue's order.
pub(crate) async fn run(
    ctx: &SessionContext,
    loaded: &Loaded,
    indicators: &[Indicator],
    periods: &Periods,
    options: &ComputeOptions,
    progress: Progress<'_>,
) -> Result<Vec<Computed>, EngineError> {
    let mut all: Vec<Period> = Vec::new();
    let index = |p: Period, all: &mut Vec<Period>| -> usize {
        match all.iter().position(|q| *q == p) {
            Some(q) => q,
            None => {
                all.push(p);
                all.len() - 1
            }
        }
    };
    let months = periods.months();
    let mut outcomes: Vec<Option<Computed>> = indicators.iter().map(|_| None).collect();
    let mut plans: Vec<Plan> = Vec::new();
    let mut of_plan: Vec<usize> = Vec::new();
    for (n, i) in indicators.iter().enumerate() {
        if let Some(why) = indicator::missing_dataset(loaded, i) {
            outcomes[n] = Some(Computed {
                outcome: Outcome::Skipped(why),
                seconds: 0.0,
            });
            continue;
        }
        let list = periods.of(i.period);
        if list.is_empty() {
            outcomes[n] = Some(Computed {
                outcome: Outcome::Skipped("the data cover no complete period".into()),
                seconds: 0.0,
            });
            continue;
        }
        if i.value.is_some() {
            // Grouped by its value too: the per-indicator plan (below).
            continue;
        }
        let from = [i.denominator.from.as_str(), i.numerator.from.as_str()];
        let dims = indicator::dims_for(ctx, &from).await?;
        let trend_dims: Vec<&Dim> = dims
            .iter()
            .copied()
            .filter(|d| TREND_DIMS.contains(&d.name))
            .collect();
        let windows = if i.period != PeriodKind::LatestSnapshot && months.len() >= 12 {
            months.iter().map(|m| index(m.clone(), &mut all)).collect()
        } else {
            Vec::new()
        };
        plans.push(Plan {
            i,
            sets: breakdown::sets(&dims, options.pairs),
            dims,
            trend_dims,
            bands: if i.statistic == Statistic::Dsr {
                BANDS
            } else {
                1
            },
            periods: list.into_iter().map(|p| index(p, &mut all)).collect(),
            windows,
            base: None,
            main: BTreeMap::new(),
            trend: BTreeMap::new(),
        });
        of_plan.push(n);
    }

    // The sides of every planned indicator, by the table they read.
    let mut by_table: BTreeMap<&'static str, Vec<Side>> = BTreeMap::new();
    for (p, plan) in plans.iter().enumerate() {
        let i = plan.i;
        let table = |name: &str| {
            tables::TABLES_READ
                .iter()
                .copied()
                .find(|t| *t == name)
                .unwrap_or("population")
        };
        by_table
            .entry(table(&i.denominator.from))
            .or_default()
            .push(Side {
                plan: p,
                numerator: false,
                conditions: vec![i.denominator.condition.clone()],
            });
        let numerator = match i.statistic {
            Statistic::Proportion => Some((
                table(&i.denominator.from),
                vec![
                    i.denominator.condition.clone(),
                    i.numerator.condition.clone(),
                ],
            )),
            Statistic::Rate | Statistic::Dsr => Some((
                table(&i.numerator.from),
                vec![i.numerator.condition.clone()],
            )),
            Statistic::Median | Statistic::Percentile(_) => None,
        };
        if let Some((t, conditions)) = numerator {
            by_table.entry(t).or_default().push(Side {
                plan: p,
                numerator: true,
                conditions,
            });
        }
    }

    // The scans: per table, the plain sides together, the sides naming the period together
    // (crossed with the periods), and each side with a subquery on its own.
    let mut scans: Vec<Scan> = Vec::new();
    for (table, sides) in by_table {
        let dims = indicator::dims_for(ctx, &[table]).await?;
        let dated = tables::date_column(table).is_some();
        let mut plain = Vec::new();
        let mut periodic = Vec::new();
        for side in sides {
            if side.subquery() && side.periodic() {
                let list = side_periods(&plans, std::slice::from_ref(&side));
                let crossed = Scan {
                    table,
                    dims: dims.clone(),
                    key: Key::Period(list.clone()),
                    sides: vec![side],
                };
                let semi = semi_join(&crossed);
                if plans_ok(ctx, &crossed.sql(&all)).await {
                    scans.push(crossed);
                } else if let Some(semi) = semi
                    && plans_ok(ctx, &semi.sql(&all)).await
                {
                    scans.push(semi);
                } else {
                    let Scan { sides, .. } = crossed;
                    let side = sides
                        .into_iter()
                        .next()
                        .ok_or_else(|| EngineError::engine("planning", "a scan lost its side"))?;
                    for q in list {
                        scans.push(Scan {
                            table,
                            dims: dims.clone(),
                            key: Key::Fixed(q),
                            sides: vec![Side {
                                plan: side.plan,
                                numerator: side.numerator,
                                conditions: side.conditions.clone(),
                            }],
                        });
                    }
                }
            } else if side.subquery() {
                let key = if dated {
                    Key::Segment(bounds(&plans, std::slice::from_ref(&side), &all))
                } else {
                    Key::Whole
                };
                scans.push(Scan {
                    table,
                    dims: dims.clone(),
                    key,
                    sides: vec![side],
                });
            } else if side.periodic() {
                periodic.push(side);
            } else {
                plain.push(side);
            }
        }
        if !plain.is_empty() {
            let key = if dated {
                Key::Segment(bounds(&plans, &plain, &all))
            } else {
                Key::Whole
            };
            scans.push(Scan {
                table,
                dims: dims.clone(),
                key,
                sides: plain,
            });
        }
        if !periodic.is_empty() {
            scans.push(Scan {
                table,
                dims: dims.clone(),
                key: Key::Period(side_periods(&plans, &periodic)),
                sides: periodic,
            });
        }
    }
    // Counts that hold for every period first: they are copied into each period's roll-up
    // before the period's own counts are added.
    scans.sort_by_key(|s| !matches!(s.key, Key::Whole));

    let total = scans.len();
    let mut started_periods = false;
    for (n, scan) in scans.iter().enumerate() {
        if !started_periods && !matches!(scan.key, Key::Whole) {
            for plan in &mut plans {
                start_periods(plan);
            }
            started_periods = true;
        }
        progress(Event::Scan {
            table: scan.table,
            done: n,
            total,
        });
        feed(ctx, scan, &all, &mut plans).await?;
    }
    if !started_periods {
        for plan in &mut plans {
            start_periods(plan);
        }
    }

    // The per-indicator plan for what this one does not cover, then every indicator's
    // statistics in the catalogue's order.
    for (p, plan) in plans.into_iter().enumerate() {
        let started = Instant::now();
        let Plan {
            i,
            dims,
            trend_dims,
            bands,
            sets,
            periods: list,
            windows,
            mut main,
            mut trend,
            ..
        } = plan;
        let mut out = Output::default();
        for q in &list {
            let rollup = main
                .remove(q)
                .unwrap_or_else(|| Rollup::new(dims.len(), sets.clone(), bands));
            indicator::period_rows(i, &all[*q], &dims, rollup, bands, options, &mut out)?;
        }
        if !windows.is_empty() {
            let rollups: Vec<Rollup> = windows
                .iter()
                .map(|q| {
                    trend.remove(q).unwrap_or_else(|| {
                        Rollup::new(trend_dims.len(), breakdown::sets(&trend_dims, false), bands)
                    })
                })
                .collect();
            let window_periods: Vec<Period> = windows.iter().map(|q| all[*q].clone()).collect();
            out.spc.extend(indicator::trend_rows(
                i,
                &trend_dims,
                &window_periods,
                rollups,
            )?);
        }
        outcomes[of_plan[p]] = Some(Computed {
            outcome: Outcome::Computed(out),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    let mut done = Vec::with_capacity(indicators.len());
    for (i, outcome) in indicators.iter().zip(outcomes) {
        match outcome {
            Some(c) => done.push(c),
            None => {
                let started = Instant::now();
                let outcome = crate::per_indicator(ctx, loaded, i, periods, options).await?;
                done.push(Computed {
                    outcome,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
        }
    }
    Ok(done)
}

/// Placeholders for `{start}` and `{end}` while a condition is parsed as SQL.
const START: &str = "equalis_period_start_";
const END: &str = "equalis_period_end_";

/// A scan of one side crossed with its periods as a [`Key::Semi`] scan, when exactly one of
/// its conditions names the period and that one is `expr IN (subquery)`: the other
/// conditions stay as they are.
fn semi_join(crossed: &Scan) -> Option<Scan> {
    use datafusion::sql::sqlparser::ast::Expr;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;
    let (Key::Period(list), [side]) = (&crossed.key, crossed.sides.as_slice()) else {
        return None;
    };
    let naming = |c: &String| c.contains("{start}") || c.contains("{end}");
    let [periodic] = side
        .conditions
        .iter()
        .filter(|c| naming(c))
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let sql = periodic.replace("{start}", START).replace("{end}", END);
    let parsed = Parser::new(&GenericDialect {})
        .try_with_sql(&sql)
        .ok()?
        .parse_expr()
        .ok()?;
    let Expr::InSubquery {
        expr,
        subquery,
        negated: false,
    } = parsed
    else {
        return None;
    };
    let expr = expr.to_string();
    if expr.contains(START) || expr.contains(END) {
        return None;
    }
    Some(Scan {
        table: crossed.table,
        dims: crossed.dims.clone(),
        key: Key::Semi {
            list: list.clone(),
            expr,
            subquery: subquery
                .to_string()
                .replace(START, "{start}")
                .replace(END, "{end}"),
        },
        sides: vec![Side {
            plan: side.plan,
            numerator: side.numerator,
            conditions: side
                .conditions
                .iter()
                .filter(|c| !naming(c))
                .cloned()
                .collect(),
        }],
    })
}

/// Whether DataFusion can plan (logically and physically) a query.
async fn plans_ok(ctx: &SessionContext, sql: &str) -> bool {
    match ctx.sql(sql).await {
        Ok(df) => df.create_physical_plan().await.is_ok(),
        Err(_) => false,
    }
}

/// Each planned period's roll-up, starting from the counts that hold for every period.
fn start_periods(plan: &mut Plan) {
    let (base_main, base_trend) = plan.base.take().unwrap_or_else(|| empty_pair(plan));
    for &q in &plan.periods {
        plan.main.insert(q, base_main.clone());
    }
    for &q in &plan.windows {
        plan.trend.insert(q, base_trend.clone());
    }
}

fn empty_pair(plan: &Plan) -> (Rollup, Rollup) {
    (
        Rollup::new(plan.dims.len(), plan.sets.clone(), plan.bands),
        Rollup::new(
            plan.trend_dims.len(),
            breakdown::sets(&plan.trend_dims, false),
            plan.bands,
        ),
    )
}

/// Every period (main and trend) of the sides' indicators.
fn side_periods(plans: &[Plan], sides: &[Side]) -> Vec<usize> {
    let mut out: Vec<usize> = sides
        .iter()
        .flat_map(|s| plans[s.plan].periods.iter().chain(&plans[s.plan].windows))
        .copied()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The segment bounds of the sides' periods: every first day and every day after a last.
fn bounds(plans: &[Plan], sides: &[Side], all: &[Period]) -> Vec<Date> {
    let mut out: Vec<Date> = side_periods(plans, sides)
        .into_iter()
        .flat_map(|q| [all[q].start, all[q].end.tomorrow().unwrap_or(all[q].end)])
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Runs one scan and adds its counts to the roll-ups of its sides' indicators.
async fn feed(
    ctx: &SessionContext,
    scan: &Scan,
    all: &[Period],
    plans: &mut [Plan<'_>],
) -> Result<(), EngineError> {
    let sql = scan.sql(all);
    let context = || format!("counting the rows of `{}`", scan.table);
    let df = ctx
        .sql(&sql)
        .await
        .map_err(|e| match scan.sides.as_slice() {
            [side] => indicator::definition_error(plans[side.plan].i, e),
            _ => EngineError::engine(context(), e),
        })?;
    let mut stream = df
        .execute_stream()
        .await
        .map_err(|e| EngineError::engine(context(), e))?;
    let dims = scan.dims.len();
    let keyed = matches!(
        scan.key,
        Key::Segment(_) | Key::Period(_) | Key::Semi { .. }
    );
    let fixed = match scan.key {
        Key::Fixed(q) => Some(vec![q]),
        _ => None,
    };
    let mut dictionary = Dictionary::new(dims);
    let mut columns: Vec<Vec<u16>> = vec![Vec::new(); dims];
    let mut codes = vec![0u16; dims];
    let mut buf = Vec::new();
    // Per side: the positions of its indicator's dims (and trend dims) among the scan's, and
    // the translation of the scan's codes into each roll-up's (per period).
    struct Target {
        main: Vec<usize>,
        trend: Vec<usize>,
        maps: BTreeMap<(bool, usize), Vec<Vec<u16>>>,
    }
    let mut targets: Vec<Target> = scan
        .sides
        .iter()
        .map(|s| Target {
            main: positions(&plans[s.plan].dims, &scan.dims),
            trend: positions(&plans[s.plan].trend_dims, &scan.dims),
            maps: BTreeMap::new(),
        })
        .collect();
    // Periods of each key value, worked out once.
    let mut key_periods: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    let first_count = dims + 1 + usize::from(keyed);
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| EngineError::engine(context(), e))?;
        for (k, out) in columns.iter_mut().enumerate() {
            dictionary.column_codes(batch.column(k), k, out)?;
        }
        let band = numbers(batch.column(dims), DataType::Int64)?;
        let band = band
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| EngineError::engine("reading age bands", "not integers"))?;
        let key = if keyed {
            Some(numbers(batch.column(dims + 1), DataType::Int64)?)
        } else {
            None
        };
        let key = key
            .as_ref()
            .and_then(|k| k.as_any().downcast_ref::<Int64Array>());
        let counts: Vec<_> = (0..scan.sides.len())
            .map(|j| numbers(batch.column(first_count + j), DataType::Float64))
            .collect::<Result<_, _>>()?;
        let counts: Vec<&Float64Array> = counts
            .iter()
            .map(|c| {
                c.as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(|| EngineError::engine("reading counts", "not numbers"))
            })
            .collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            for (code, column) in codes.iter_mut().zip(&columns) {
                *code = column[row];
            }
            let b = usize::try_from(band.value(row))
                .unwrap_or(UNKNOWN_AGE)
                .min(UNKNOWN_AGE);
            let periods: Option<&Vec<usize>> = match key {
                Some(k) => {
                    let k = k.value(row);
                    Some(
                        key_periods
                            .entry(k)
                            .or_insert_with(|| scan.periods_of(k, all)),
                    )
                }
                None => fixed.as_ref(),
            };
            for (j, side) in scan.sides.iter().enumerate() {
                let n = counts[j].value(row);
                if counts[j].is_null(row) || n == 0.0 {
                    continue;
                }
                let plan = &mut plans[side.plan];
                let band = if plan.bands == 1 { 0 } else { b };
                let target = &mut targets[j];
                match periods {
                    None => {
                        if plan.base.is_none() {
                            plan.base = Some(empty_pair(plan));
                        }
                        let (main, trend) =
                            plan.base.as_mut().map(|(m, t)| (m, t)).ok_or_else(|| {
                                EngineError::engine("rolling up", "no base roll-up")
                            })?;
                        let map = target.maps.entry((false, usize::MAX)).or_default();
                        add(
                            main,
                            map,
                            &target.main,
                            &codes,
                            &dictionary,
                            band,
                            n,
                            side.numerator,
                            &mut buf,
                        )?;
                        if !plan.windows.is_empty() {
                            let map = target.maps.entry((true, usize::MAX)).or_default();
                            add(
                                trend,
                                map,
                                &target.trend,
                                &codes,
                                &dictionary,
                                band,
                                n,
                                side.numerator,
                                &mut buf,
                            )?;
                        }
                    }
                    Some(periods) => {
                        for &q in periods {
                            if let Some(r) = plan.main.get_mut(&q) {
                                let map = target.maps.entry((false, q)).or_default();
                                add(
                                    r,
                                    map,
                                    &target.main,
                                    &codes,
                                    &dictionary,
                                    band,
                                    n,
                                    side.numerator,
                                    &mut buf,
                                )?;
                            }
                            if let Some(r) = plan.trend.get_mut(&q) {
                                let map = target.maps.entry((true, q)).or_default();
                                add(
                                    r,
                                    map,
                                    &target.trend,
                                    &codes,
                                    &dictionary,
                                    band,
                                    n,
                                    side.numerator,
                                    &mut buf,
                                )?;
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subqueries_are_found_as_words() {
        assert!(has_subquery("person_id IN (SELECT person_id FROM events)"));
        assert!(has_subquery("x in (select 1)"));
        assert!(!has_subquery("selected_flag AND not_select"));
        assert!(!has_subquery("copd"));
    }

    #[test]
    fn a_segment_counts_in_every_period_that_covers_it() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        let all = vec![
            Period {
                label: "2025/26".into(),
                start: d(2025, 4, 1),
                end: d(2026, 3, 31),
            },
            Period {
                label: "2025-04".into(),
                start: d(2025, 4, 1),
                end: d(2025, 4, 30),
            },
            Period {
                label: "2025-05".into(),
                start: d(2025, 5, 1),
                end: d(2025, 5, 31),
            },
        ];
        let scan = Scan {
            table: "events",
            dims: Vec::new(),
            key: Key::Segment(vec![
                d(2025, 4, 1),
                d(2025, 5, 1),
                d(2025, 6, 1),
                d(2026, 4, 1),
            ]),
            sides: Vec::new(),
        };
        assert_eq!(scan.periods_of(0, &all), [0, 1]);
        assert_eq!(scan.periods_of(1, &all), [0, 2]);
        assert_eq!(scan.periods_of(2, &all), [0]);
        assert!(scan.periods_of(3, &all).is_empty());
        assert!(scan.periods_of(-1, &all).is_empty());
        let sql = scan_sql_for_test(&scan, &all);
        assert!(
            sql.contains("event_date < DATE '2025-05-01' THEN 0"),
            "{sql}"
        );
        assert!(
            sql.contains("event_date >= DATE '2025-04-01' AND event_date < DATE '2026-04-01'"),
            "{sql}"
        );
    }

    #[test]
    fn a_subquery_naming_the_period_becomes_one_join_for_every_period() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        let all = vec![
            Period {
                label: "2024/25".into(),
                start: d(2024, 4, 1),
                end: d(2025, 3, 31),
            },
            Period {
                label: "2025/26".into(),
                start: d(2025, 4, 1),
                end: d(2026, 3, 31),
            },
        ];
        let crossed = |conditions: &[&str]| Scan {
            table: "population",
            dims: Vec::new(),
            key: Key::Period(vec![0, 1]),
            sides: vec![Side {
                plan: 0,
                numerator: true,
                conditions: conditions.iter().map(|c| (*c).to_owned()).collect(),
            }],
        };
        let latest = "person_id IN (\n  SELECT person_id FROM (SELECT person_id, row_number() OVER (PARTITION BY person_id ORDER BY event_date DESC) AS latest FROM events WHERE event_date BETWEEN {start} AND {end}) AS r WHERE latest = 1)";
        let semi = semi_join(&crossed(&["hypertension", latest])).unwrap();
        let Key::Semi { list, expr, .. } = &semi.key else {
            panic!("not a semi-join scan");
        };
        assert_eq!(
            (list.as_slice(), expr.as_str()),
            ([0, 1].as_slice(), "person_id")
        );
        assert_eq!(semi.sides[0].conditions, ["hypertension"]);
        let sql = semi.sql(&all);
        assert!(
            sql.contains("BETWEEN DATE '2024-04-01' AND DATE '2025-03-31'")
                && sql.contains("BETWEEN DATE '2025-04-01' AND DATE '2026-03-31'")
                && sql.contains(" UNION ALL ")
                && !sql.contains("{start}"),
            "{sql}"
        );
        assert_eq!(semi.periods_of(1, &all), [1]);
        // Only `expr IN (subquery)` itself, once: anything else keeps a query per period.
        for other in [
            "person_id NOT IN (SELECT person_id FROM events WHERE event_date > {start})",
            "copd OR person_id IN (SELECT person_id FROM events WHERE event_date > {start})",
            "EXISTS (SELECT 1 FROM events WHERE event_date > {start})",
        ] {
            assert!(semi_join(&crossed(&[other])).is_none(), "{other}");
        }
        assert!(semi_join(&crossed(&[latest, latest])).is_none());
    }

    fn scan_sql_for_test(scan: &Scan, all: &[Period]) -> String {
        Scan {
            table: scan.table,
            dims: crate::breakdown::DIMS.iter().take(1).collect(),
            key: match &scan.key {
                Key::Segment(b) => Key::Segment(b.clone()),
                Key::Period(p) => Key::Period(p.clone()),
                Key::Semi {
                    list,
                    expr,
                    subquery,
                } => Key::Semi {
                    list: list.clone(),
                    expr: expr.clone(),
                    subquery: subquery.clone(),
                },
                Key::Whole => Key::Whole,
                Key::Fixed(q) => Key::Fixed(*q),
            },
            sides: vec![Side {
                plan: 0,
                numerator: false,
                conditions: vec!["true".into()],
            }],
        }
        .sql(all)
    }
}
