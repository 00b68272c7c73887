//! The Citizens' Panel page of the report: how representative the volunteer pool is, what the
//! fair lottery makes of it, and each volunteer group's chance of selection, from the
//! workspace's `volunteers` and `quotas` datasets.
//!
//! The page does not draw a panel: it shows the lottery's distribution (maximin), whose
//! expected seats per group are what any draw averages to, and whose every panel meets the
//! quotas. Counts of volunteers and statistics of groups of 1 to 7 volunteers are withheld
//! by the same disclosure policy as every other page.

use crate::error::invalid;
use anyhow::{Context, anyhow};
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, Int64Array, RecordBatch, StringArray};
use equalis_refdata::{Feature, PanelFeature, PlaceLevel, RefData};
use equalis_report::tables::{Sheet, Val};
use equalis_report::{Block, Chart, Section};
use equalis_sortition::{Algorithm, Pool, Quota, Quotas, Volunteer};
use equalis_workforce::Figure;
use equalis_workspace::Workspace;

use super::align;
use super::quotas::parse_band;
use crate::Progress;
use crate::dataset::batches;
use crate::workforce::Publisher;

/// A text column of a stored batch, or an error naming the dataset and column.
fn text_column<'b>(
    b: &'b RecordBatch,
    dataset: &str,
    column: &str,
) -> anyhow::Result<&'b StringArray> {
    b.column_by_name(column)
        .ok_or_else(|| anyhow!("stored `{dataset}` data has no `{column}` column"))?
        .as_string_opt::<i32>()
        .ok_or_else(|| anyhow!("stored `{dataset}` column `{column}` is not text: re-ingest it"))
}

/// A whole-number column of the stored quotas.
fn int_column<'b>(b: &'b RecordBatch, column: &str) -> anyhow::Result<&'b Int64Array> {
    b.column_by_name(column)
        .ok_or_else(|| anyhow!("stored `quotas` data has no `{column}` column"))?
        .as_primitive_opt::<Int64Type>()
        .ok_or_else(|| anyhow!("stored `quotas` column `{column}` is not whole numbers"))
}

/// Row `i` of a text column; a null reads as empty, which the pool and quota checks reject
/// with their own messages.
fn at(a: &StringArray, i: usize) -> String {
    if a.is_null(i) {
        String::new()
    } else {
        a.value(i).to_owned()
    }
}

/// The pool and quotas stored in the workspace.
pub(super) fn load(ws: &Workspace) -> anyhow::Result<(Pool, Quotas)> {
    let vb = batches(ws, "volunteers")?;
    let features: Vec<String> = vb
        .first()
        .map(|b| {
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .filter(|n| n != "volunteer_id" && n != "household_id")
                .collect()
        })
        .unwrap_or_default();
    let mut volunteers = Vec::new();
    for b in &vb {
        let ids = text_column(b, "volunteers", "volunteer_id")?;
        let households = text_column(b, "volunteers", "household_id")?;
        let columns = features
            .iter()
            .map(|f| text_column(b, "volunteers", f))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for i in 0..b.num_rows() {
            volunteers.push(Volunteer {
                id: at(ids, i),
                household: (!households.is_null(i)).then(|| households.value(i).to_owned()),
                values: columns.iter().map(|c| at(c, i)).collect(),
            });
        }
    }
    let mut quotas = Vec::new();
    for b in &batches(ws, "quotas")? {
        let (feature, value) = (
            text_column(b, "quotas", "feature")?,
            text_column(b, "quotas", "value")?,
        );
        let (min, max) = (int_column(b, "min")?, int_column(b, "max")?);
        for i in 0..b.num_rows() {
            quotas.push(Quota {
                feature: at(feature, i),
                value: at(value, i),
                min: u32::try_from(min.value(i)).context("quota minimum out of range")?,
                max: u32::try_from(max.value(i)).context("quota maximum out of range")?,
            });
        }
    }
    let quotas = align(quotas, &features);
    Ok((
        Pool::new(features, volunteers).context("the stored volunteers")?,
        Quotas::new(quotas).context("the stored quotas")?,
    ))
}

/// A feature's name for a heading: `imd_quintile` → `IMD quintile (1 = most deprived)`.
pub(super) fn feature_label(feature: &str) -> String {
    match PanelFeature::parse(feature) {
        Some(PanelFeature::ImdQuintile) => "IMD quintile (1 = most deprived)".to_owned(),
        Some(PanelFeature::EthnicGroup) => "ethnic group".to_owned(),
        _ => feature.replace('_', " "),
    }
}

/// The footprint's residents by a pool feature, when equalis ships them: `(value, share)`.
/// A place is counted at the level of geography the volunteers' values name (local authority
/// or sub-ICB location).
fn population(icb: &str, feature: &str, values: &[String]) -> Option<Vec<(String, f64)>> {
    population_with_source(icb, feature, values).map(|(shares, _)| shares)
}

/// [`population`] with where its figures come from.
pub(super) fn population_with_source(
    icb: &str,
    feature: &str,
    values: &[String],
) -> Option<(Vec<(String, f64)>, String)> {
    let r = RefData::get();
    let (f, min_age) = match PanelFeature::parse(feature)? {
        PanelFeature::AgeBand => {
            let mut bands: Vec<(u8, u8)> = values
                .iter()
                .map(|v| parse_band(v).ok())
                .collect::<Option<_>>()?;
            bands.sort();
            let min_age = bands.first().map_or(16, |b| b.0);
            (Feature::AgeBand(bands), min_age)
        }
        PanelFeature::Place => (Feature::Place(r.place_level(icb, values)?), 16),
        other => (other.population(&[], PlaceLevel::LocalAuthority)?, 16),
    };
    let counts = r.footprint_counts(icb, &f, min_age)?;
    let total: f64 = counts.values.iter().map(|(_, n)| n).sum();
    let source = counts.source.to_owned();
    (total > 0.0).then(|| {
        (
            counts
                .values
                .into_iter()
                .map(|(v, n)| (v, n / total))
                .collect(),
            source,
        )
    })
}

/// The panel page, or `None` when the workspace has no volunteers or quotas. `size` is the
/// number of seats; `icb` the footprint the panel should reflect. The lottery's distribution
/// takes seconds to minutes for a large pool and cannot say how far it has got: `progress`
/// hears when it starts and ends.
pub fn report_section(
    ws: &Workspace,
    size: u32,
    icb: Option<&str>,
    progress: &dyn Progress,
) -> crate::Result<Option<Section>> {
    report_section_any(ws, size, icb, progress).map_err(crate::Error::from)
}
fn report_section_any(
    ws: &Workspace,
    size: u32,
    icb: Option<&str>,
    progress: &dyn Progress,
) -> anyhow::Result<Option<Section>> {
    if ws.current("volunteers")?.is_none() || ws.current("quotas")?.is_none() {
        return Ok(None);
    }
    let (pool, quotas) = load(ws)?;
    progress.start(format!(
        "Panel page: the fair lottery for {size} of {} volunteers",
        pool.volunteers().len()
    ));
    // The seed only picks the one panel drawn, which this page does not show.
    let selection = equalis_sortition::select(&pool, &quotas, size, Algorithm::Maximin, 0);
    progress.finish();
    let selection = selection
        .map_err(|e| invalid!("the stored volunteers cannot fill a panel of {size}: {e}"))?;
    let prob: std::collections::HashMap<&str, f64> = selection
        .probabilities
        .iter()
        .map(|(id, p)| (id.as_str(), *p))
        .collect();
    let p = Publisher::new();
    let n = pool.volunteers().len() as u64;

    let mut summary = Sheet::new("Selection", "The lottery", &["Measure", "Value"]);
    summary.row(vec![Val::text("Volunteers in the pool"), p.count(n)]);
    summary.row(vec![Val::text("Seats"), Val::Int(i64::from(size))]);
    summary.row(vec![
        Val::text("Method"),
        Val::text("Maximin: the smallest chance of selection as large as the quotas allow (Flanigan et al., 2021)"),
    ]);
    summary.row(vec![
        Val::text("Lowest chance of selection, %"),
        p.stat(Figure::Value(selection.min_probability * 100.0), n, 1),
    ]);
    summary.row(vec![
        Val::text("Volunteers who can never be selected"),
        p.count(selection.never_selectable.len() as u64),
    ]);
    summary.row(vec![
        Val::text("Chance if every volunteer were equal, %"),
        p.stat(
            Figure::Value(f64::from(size) / n.max(1) as f64 * 100.0),
            n,
            1,
        ),
    ]);
    summary.row(vec![
        Val::text("Pool fingerprint (BLAKE3)"),
        Val::text(&selection.pool_hash),
    ]);
    let mut blocks = vec![Block {
        part: Some("How the panel is chosen".to_owned()),
        sheet: summary,
        chart: None,
        notes: vec![
            "Every panel the lottery can draw meets every quota and has at most one member of \
             a household. Where some groups volunteer less, their members' chances are higher, \
             so the panel reflects the population rather than the pool."
                .to_owned(),
        ],
    }];

    for (k, feature) in pool.features().iter().enumerate() {
        let mut values: Vec<String> = quotas
            .as_slice()
            .iter()
            .filter(|q| &q.feature == feature)
            .map(|q| q.value.clone())
            .collect();
        for v in pool.volunteers() {
            if !values.contains(&v.values[k]) {
                values.push(v.values[k].clone());
            }
        }
        if values.is_empty() {
            continue;
        }
        let pop = icb.and_then(|icb| population(icb, feature, &values));
        let mut sheet = Sheet::new(
            &format!("Panel {feature}"),
            format!("By {}", feature_label(feature)),
            &[
                "Value",
                "Population %",
                "Pool %",
                "Panel % (expected)",
                "Quota min",
                "Quota max",
                "Chance of selection %",
            ],
        );
        for value in &values {
            let members: Vec<&Volunteer> = pool
                .volunteers()
                .iter()
                .filter(|v| &v.values[k] == value)
                .collect();
            let m = members.len() as u64;
            let expected: f64 = members
                .iter()
                .map(|v| prob.get(v.id.as_str()).copied().unwrap_or(0.0))
                .sum();
            let quota = quotas
                .as_slice()
                .iter()
                .find(|q| &q.feature == feature && &q.value == value);
            let share = pop
                .as_ref()
                .and_then(|s| s.iter().find(|(v, _)| v == value).map(|(_, x)| *x));
            sheet.row(vec![
                Val::text(value),
                // Population shares are published ONS and Census figures, not counts of the
                // people equalis holds, so no disclosure threshold applies to them.
                match (&pop, share) {
                    (_, Some(x)) => p.stat(Figure::Value(x * 100.0), u64::MAX, 1),
                    (Some(_), None) => p.stat(Figure::Value(0.0), u64::MAX, 1),
                    (None, None) => Val::Undefined("no population figures for this feature"),
                },
                p.pct(m, n),
                p.stat(Figure::Value(expected / f64::from(size) * 100.0), m, 1),
                quota.map_or(Val::Undefined("no quota"), |q| Val::Int(i64::from(q.min))),
                quota.map_or(Val::Undefined("no quota"), |q| Val::Int(i64::from(q.max))),
                if m == 0 {
                    Val::Undefined("no volunteers in this group")
                } else {
                    p.stat(Figure::Value(expected / m as f64 * 100.0), m, 1)
                },
            ]);
        }
        blocks.push(Block {
            part: (k == 0).then(|| "Pool and panel against the population".to_owned()),
            sheet,
            chart: Some(Chart::Bars {
                columns: vec![1, 2, 3],
                axis: "%".to_owned(),
            }),
            notes: Vec::new(),
        });
    }
    let icb_name = icb
        .and_then(|c| RefData::get().icb(c))
        .map(|i| i.name.clone());
    Ok(Some(Section {
        slug: "citizens-panel".to_owned(),
        title: "Citizens' Panel: a fair lottery".to_owned(),
        group: "Citizens' Panel".to_owned(),
        lede: format!(
            "How the volunteers compare with {} and what a panel of {size} chosen by fair \
             lottery looks like.",
            icb_name.as_deref().unwrap_or("the population")
        ),
        facts: vec![
            ("Seats".to_owned(), size.to_string()),
            (
                "Population".to_owned(),
                match icb_name {
                    Some(n) => format!(
                        "{n}: ONS mid-2020 estimates (age, deprivation), Census 2021 (ethnic \
                         group; sex for England and Wales)"
                    ),
                    None => "No ICB known for this workspace".to_owned(),
                },
            ),
        ],
        blocks,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn places_have_population_shares_at_the_level_the_volunteers_use() {
        // Issue 21: "no population figures" for every place on the demo's panel page.
        let la = population("QK1", "place", &names(&["Leicester", "Rutland"])).unwrap();
        let total: f64 = la.iter().map(|(_, s)| s).sum();
        assert!((total - 1.0).abs() < 1e-9);
        let share = |p: &str| la.iter().find(|(v, _)| v == p).unwrap().1;
        // Leicester city is about three adults in ten of the footprint, Rutland about 4%.
        assert!((0.25..0.35).contains(&share("Leicester")));
        assert!((0.03..0.05).contains(&share("Rutland")));
        assert_eq!(la.len(), 9);
        // Places no level of geography knows have no figures.
        assert!(population("QK1", "place", &names(&["Atlantis"])).is_none());
    }

    #[test]
    fn the_older_feature_name_has_the_same_population() {
        let values = names(&["White", "Asian or Asian British"]);
        assert_eq!(
            population("QK1", "ethnicity", &values),
            population("QK1", "ethnic_group", &values)
        );
        assert!(population("QK1", "ethnic_group", &values).is_some());
        assert!(population("QK1", "disability", &names(&["Yes"])).is_none());
        assert_eq!(feature_label("ethnicity"), "ethnic group");
        assert_eq!(feature_label("ethnic_group"), "ethnic group");
    }
}
