//! The GP registration gap: ONS population estimates against the registered population, by
//! LSOA and age band.
//!
//! **Footprint.** All LSOA 2021 of the ICB where most of the registered population lives
//! (found from the data through the ONS lookup), not only the LSOAs that appear in the data:
//! an LSOA with nobody registered is where the gap is largest, and it would be missed.
//! Registered people living outside that ICB are not compared (the ICS's practices hold only
//! some of those areas' residents); the `all` row's note says so (without the number, which
//! could be small: a note is text, and passes no disclosure rule).
//!
//! **Estimate.** `equalis-refdata`'s ONS mid-2020 single-year-of-age estimates, bridged to
//! LSOA 2021 boundaries (split areas by their share of Census 2021 residents). Growth since
//! mid-2020 is part of the gap; an ICS with a later estimate should read the rate with that
//! in mind.
//!
//! **Bands.** 0-4, 5-17, 18-24, 25-44, 45-64, 65-84, 85+: broad enough that a single LSOA's
//! cells are mostly above the small-number threshold, and split where registration
//! behaviour differs (children, students and young adults, working age, older people).
//!
//! **Figures.** Unregistered = ONS estimate (rounded to a whole person) − registered, and
//! rate = unregistered ÷ ONS × 100 with Wilson limits when 0 ≤ unregistered ≤ ONS. A negative
//! gap (more registered than estimated) is "list inflation" (people who have moved away, died
//! or are registered twice, or growth since 2020): it is kept, with no limits and a note.
//! Rows are [`ResultRow`]s with statistic `shortfall`: numerator = ONS estimate, denominator =
//! registered, value = (estimate − registered) ÷ estimate × 100; the published view computes it
//! again from the rounded estimate and count.
//!
//! **Ranking.** The `registration_gap` table lists every LSOA of the footprint by IMD decile
//! (1, most deprived, first) and then by the Census 2021 share of residents not in the White
//! high-level group (the finest ethnicity the shipped Census table has per LSOA), highest
//! first.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionContext;
use equalis_refdata::RefData;
use equalis_results::{IndicatorInfo, ResultRow, Statistic};
use equalis_vocab::{IodEdition, LsoaCode};

use crate::EngineError;
use crate::breakdown::{ALL, ALL_GROUP};
use crate::rows;
use crate::tables::Loaded;

/// The indicator id.
pub const ID: &str = "gp_registration_gap";

/// The age bands: label and first age.
pub const BANDS: [(&str, usize); 7] = [
    ("0-4", 0),
    ("5-17", 5),
    ("18-24", 18),
    ("25-44", 25),
    ("45-64", 45),
    ("65-84", 65),
    ("85+", 85),
];

/// What the indicator is.
pub fn info() -> IndicatorInfo {
    IndicatorInfo {
        id: ID.to_owned(),
        name: "GP registration gap".to_owned(),
        area: "Access to primary care".to_owned(),
        description: "Estimated residents not registered with a GP practice of the ICS: ONS mid-2020 population estimate (LSOA 2021) minus the registered population, as a percentage of the estimate (Wilson limits); negative means more registered than estimated (list inflation).".to_owned(),
        statistic: Statistic::Shortfall.as_str().to_owned(),
        unit: "%".to_owned(),
        direction: "lower_is_better".to_owned(),
        target: None,
        source: "ONS mid-2020 LSOA population estimates; Census 2021 TS021; equalis engine registration.rs".to_owned(),
    }
}

/// The band of an age.
pub fn band_of(age: usize) -> usize {
    BANDS
        .iter()
        .rposition(|(_, lower)| *lower <= age)
        .unwrap_or(0)
}

/// ONS single years of age (0, …, 89, 90+) summed into [`BANDS`].
pub fn ons_bands(syoa: &[f64; 91]) -> [f64; 7] {
    let mut out = [0.0; 7];
    for (age, v) in syoa.iter().enumerate() {
        out[band_of(age)] += v;
    }
    out
}

/// One gap figure. `ons` is `None` when there is no ONS estimate for the area.
pub fn gap_row(
    period: &str,
    breakdown: &str,
    group: &str,
    ons: Option<f64>,
    registered: u64,
) -> Result<ResultRow, EngineError> {
    let mut row = ResultRow::new(ID, period, breakdown, group, Statistic::Shortfall, 100.0);
    row.denominator = Some(registered as f64);
    let Some(ons) = ons else {
        row.note = Some("not calculated: no ONS population estimate for this area".into());
        return Ok(row);
    };
    let ons = ons.round().max(0.0);
    row.numerator = Some(ons);
    let unregistered = ons - registered as f64;
    if ons == 0.0 {
        row.note = Some("not calculated: the ONS estimate is 0".into());
    } else if unregistered < 0.0 {
        row.value = Some(unregistered / ons * 100.0);
        // The size of the excess is the published value's (from published counts), never
        // the exact number here.
        row.note =
            Some("list inflation: more registered than the ONS estimate; no limits".to_owned());
    } else {
        let est = equalis_stats::proportion(unregistered, ons, &rows::levels(), 100.0)
            .map_err(|e| EngineError::statistic(format!("{ID} {group}"), e))?;
        rows::fill(&mut row, &est);
    }
    Ok(row)
}

/// One LSOA of the footprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// LSOA 2021 code.
    pub code: String,
    /// LSOA 2021 name.
    pub name: String,
    /// IMD decile in the workspace's IoD edition.
    pub imd_decile: Option<u8>,
    /// Local authority district name.
    pub local_authority: String,
    /// ONS estimate by band.
    pub ons: Option<[f64; 7]>,
    /// Registered by band.
    pub registered: [u64; 7],
    /// Census 2021 percentage of residents not in the White high-level group.
    pub not_white: Option<f64>,
}

/// The ICB (ODS code) where most registered people live; ties by code.
pub fn footprint_icb(registered: &HashMap<String, [u64; 7]>) -> Option<String> {
    let geo = RefData::get().geo2021();
    let mut by_icb: BTreeMap<&str, u64> = BTreeMap::new();
    for (code, bands) in registered {
        if let Ok(c) = LsoaCode::parse(code)
            && let Some(g) = geo.get(&c)
        {
            *by_icb.entry(g.icb_code.as_str()).or_default() += bands.iter().sum::<u64>();
        }
    }
    by_icb
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(icb, _)| icb.to_owned())
}

/// The footprint's areas with their figures, and the registered people not compared (outside
/// the footprint, or in an LSOA equalis does not know).
///
/// `scale` multiplies the ONS estimates: 1 for real extracts, the synthetic ICS's scale for a
/// smaller one (the workspace's `population_scale`).
pub fn areas(
    registered: &HashMap<String, [u64; 7]>,
    edition: IodEdition,
    scale: f64,
) -> (Option<String>, Vec<Area>, u64) {
    let data = RefData::get();
    let icb = footprint_icb(registered);
    let codes: Vec<LsoaCode> = match &icb {
        Some(icb) => data.lsoas_in_icb(icb).iter().map(|g| g.lsoa21).collect(),
        None => Vec::new(),
    };
    let mut compared = 0u64;
    let eth = data.ethnicity2021();
    let out: Vec<Area> = codes
        .iter()
        .map(|c| {
            let geo = data.geo2021().get(c);
            let reg = registered.get(c.as_str()).copied().unwrap_or([0; 7]);
            compared += reg.iter().sum::<u64>();
            Area {
                code: c.as_str().to_owned(),
                name: geo.map(|g| g.lsoa21_name.clone()).unwrap_or_default(),
                imd_decile: data.resolve(*c, edition).ok().map(|f| f.imd.decile.get()),
                local_authority: geo.map(|g| g.la_name.clone()).unwrap_or_default(),
                ons: data
                    .population_lsoa21_syoa(*c)
                    .map(|s| ons_bands(&s).map(|b| b * scale)),
                registered: reg,
                not_white: eth.get(c).and_then(|e| {
                    (e.total > 0).then(|| {
                        // Census2021Group::ALL order: Asian, Black, Mixed, Other, White.
                        f64::from(e.total - e.groups[4]) / f64::from(e.total) * 100.0
                    })
                }),
            }
        })
        .collect();
    let total: u64 = registered.values().flatten().sum();
    (icb, out, total - compared)
}

/// The result rows of every breakdown.
pub fn result_rows(
    areas: &[Area],
    period: &str,
    not_compared: u64,
) -> Result<Vec<ResultRow>, EngineError> {
    // (breakdown, group) → (ONS, registered), summed over areas that have an estimate.
    let mut sums: BTreeMap<(String, String), (f64, u64)> = BTreeMap::new();
    let mut add = |b: &str, g: String, ons: f64, reg: u64| {
        let e = sums.entry((b.to_owned(), g)).or_insert((0.0, 0));
        e.0 += ons;
        e.1 += reg;
    };
    let mut out = Vec::new();
    for a in areas {
        let label = if a.name.is_empty() {
            a.code.clone()
        } else {
            format!("{} {}", a.code, a.name)
        };
        let Some(ons) = a.ons else {
            // No estimate: the area's own rows say so and it stays out of the totals.
            out.push(gap_row(
                period,
                "lsoa",
                &label,
                None,
                a.registered.iter().sum(),
            )?);
            continue;
        };
        out.push(gap_row(
            period,
            "lsoa",
            &label,
            Some(ons.iter().sum()),
            a.registered.iter().sum(),
        )?);
        let decile = a
            .imd_decile
            .map_or_else(|| "Not known".to_owned(), |d| d.to_string());
        let la = if a.local_authority.is_empty() {
            "Not known".to_owned()
        } else {
            a.local_authority.clone()
        };
        for (k, (band, _)) in BANDS.iter().enumerate() {
            out.push(gap_row(
                period,
                "lsoa x age_band",
                &format!("{label} x {band}"),
                Some(ons[k]),
                a.registered[k],
            )?);
            add("age_band", (*band).to_owned(), ons[k], a.registered[k]);
            add("imd_decile", decile.clone(), ons[k], a.registered[k]);
            add("local_authority", la.clone(), ons[k], a.registered[k]);
            add(ALL, ALL_GROUP.to_owned(), ons[k], a.registered[k]);
        }
    }
    for ((b, g), (ons, reg)) in sums {
        let mut row = gap_row(period, &b, &g, Some(ons), reg)?;
        if b == ALL && not_compared > 0 {
            // No number: a note is published as text, and the count may be 1 to 7.
            let caveat = "registered people living outside the footprint or in an unknown LSOA \
                          are not compared"
                .to_owned();
            row.note = Some(match row.note {
                Some(n) => format!("{n}; {caveat}"),
                None => caveat,
            });
        }
        out.push(row);
    }
    rows::compare(&mut out);
    Ok(out)
}

/// The per-LSOA table, ranked by IMD decile (most deprived first), then by the share not
/// White (highest first), then by code.
pub fn table(areas: &[Area], period: &str) -> Result<RecordBatch, EngineError> {
    let mut ranked: Vec<(&Area, ResultRow)> = areas
        .iter()
        .map(|a| {
            let row = gap_row(
                period,
                "lsoa",
                &a.code,
                a.ons.map(|o| o.iter().sum()),
                a.registered.iter().sum(),
            )?;
            Ok((a, row))
        })
        .collect::<Result<_, EngineError>>()?;
    ranked.sort_by(|(a, _), (b, _)| {
        let decile = |x: &Area| x.imd_decile.unwrap_or(u8::MAX);
        let share = |x: &Area| x.not_white.unwrap_or(f64::NEG_INFINITY);
        decile(a)
            .cmp(&decile(b))
            .then_with(|| share(b).total_cmp(&share(a)))
            .then_with(|| a.code.cmp(&b.code))
    });
    let fields = vec![
        Field::new("rank", DataType::Int64, false),
        Field::new("lsoa21_code", DataType::Utf8, false),
        Field::new("lsoa_name", DataType::Utf8, false),
        Field::new("imd_decile", DataType::Int32, true),
        Field::new("local_authority", DataType::Utf8, false),
        Field::new("ons_population", DataType::Int64, true),
        Field::new("registered", DataType::Int64, false),
        Field::new("unregistered", DataType::Int64, true),
        Field::new("rate", DataType::Float64, true),
        Field::new("lowercl", DataType::Float64, true),
        Field::new("uppercl", DataType::Float64, true),
        Field::new("census_not_white_pct", DataType::Float64, true),
        Field::new("note", DataType::Utf8, true),
    ];
    let r = ranked.iter();
    let whole = |x: Option<f64>| x.map(|v| v as i64);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(1..=ranked.len() as i64)),
        Arc::new(StringArray::from_iter_values(
            r.clone().map(|(a, _)| a.code.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            r.clone().map(|(a, _)| a.name.as_str()),
        )),
        Arc::new(Int32Array::from(
            r.clone()
                .map(|(a, _)| a.imd_decile.map(i32::from))
                .collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from_iter_values(
            r.clone().map(|(a, _)| a.local_authority.as_str()),
        )),
        Arc::new(Int64Array::from(
            r.clone()
                .map(|(_, x)| whole(x.numerator))
                .collect::<Vec<_>>(),
        )),
        Arc::new(Int64Array::from_iter_values(
            r.clone()
                .map(|(a, _)| a.registered.iter().sum::<u64>() as i64),
        )),
        Arc::new(Int64Array::from(
            r.clone()
                .map(|(_, x)| whole(x.numerator.zip(x.denominator).map(|(o, g)| o - g)))
                .collect::<Vec<_>>(),
        )),
        Arc::new(Float64Array::from(
            r.clone().map(|(_, x)| x.value).collect::<Vec<_>>(),
        )),
        Arc::new(Float64Array::from(
            r.clone().map(|(_, x)| x.lowercl).collect::<Vec<_>>(),
        )),
        Arc::new(Float64Array::from(
            r.clone().map(|(_, x)| x.uppercl).collect::<Vec<_>>(),
        )),
        Arc::new(Float64Array::from(
            r.clone().map(|(a, _)| a.not_white).collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            r.map(|(_, x)| x.note.clone()).collect::<Vec<_>>(),
        )),
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| EngineError::engine("building the registration gap table", e))
}

/// Rows and table of the registration gap.
#[derive(Debug)]
pub struct Output {
    /// Result rows (indicator `gp_registration_gap`).
    pub rows: Vec<ResultRow>,
    /// The ranked per-LSOA table.
    pub table: RecordBatch,
    /// The footprint ICB's ODS code, if one was found.
    pub icb: Option<String>,
}

/// Registered people by LSOA 2021 code and band, and the population's extract date.
async fn registered(
    ctx: &SessionContext,
) -> Result<(HashMap<String, [u64; 7]>, String), EngineError> {
    let context = "computing the GP registration gap";
    let bands: Vec<String> = BANDS
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, (_, lower))| format!("WHEN age < {lower} THEN {}", k - 1))
        .collect();
    let sql = format!(
        "SELECT coalesce(lsoa21_code, '') AS lsoa, CASE {} ELSE {} END AS band, count(*) AS n, \
         max(CAST(extract_date AS VARCHAR)) AS extract \
         FROM population WHERE age IS NOT NULL GROUP BY 1, 2",
        bands.join(" "),
        BANDS.len() - 1
    );
    let batches = ctx
        .sql(&sql)
        .await
        .map_err(|e| EngineError::engine(context, e))?
        .collect()
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let mut out: HashMap<String, [u64; 7]> = HashMap::new();
    let mut period = String::new();
    for b in batches {
        let col = |k: usize, t: &DataType| {
            cast(b.column(k), t).map_err(|e| EngineError::engine(context, e))
        };
        let (lsoa, band, n, extract) = (
            col(0, &DataType::Utf8)?,
            col(1, &DataType::Int64)?,
            col(2, &DataType::Int64)?,
            col(3, &DataType::Utf8)?,
        );
        let (Some(lsoa), Some(band), Some(n), Some(extract)) = (
            lsoa.as_any().downcast_ref::<StringArray>(),
            band.as_any().downcast_ref::<Int64Array>(),
            n.as_any().downcast_ref::<Int64Array>(),
            extract.as_any().downcast_ref::<StringArray>(),
        ) else {
            return Err(EngineError::engine(context, "unexpected column types"));
        };
        for i in 0..b.num_rows() {
            let k = band.value(i).clamp(0, BANDS.len() as i64 - 1) as usize;
            out.entry(lsoa.value(i).to_owned()).or_insert([0; 7])[k] += n.value(i).max(0) as u64;
            if extract.is_valid(i) && extract.value(i) > period.as_str() {
                period = extract.value(i).to_owned();
            }
        }
    }
    Ok((out, period))
}

/// Computes the registration gap.
pub async fn run(ctx: &SessionContext, loaded: &Loaded) -> Result<Output, EngineError> {
    let edition = IodEdition::parse(&loaded.iod_edition)
        .map_err(|e| EngineError::engine("reading the IoD edition", e))?;
    let (registered, period) = registered(ctx).await?;
    let scale = loaded.population_scale;
    let (icb, areas, not_compared) = areas(&registered, edition, scale);
    let mut rows = result_rows(&areas, &period, not_compared)?;
    if scale != 1.0 {
        for r in rows.iter_mut().filter(|r| r.breakdown == ALL) {
            let caveat = format!(
                "ONS estimates scaled by {scale} to match the data (a synthetic ICS at that scale)"
            );
            r.note = Some(match r.note.take() {
                Some(n) => format!("{n}; {caveat}"),
                None => caveat,
            });
        }
    }
    Ok(Output {
        rows,
        table: table(&areas, &period)?,
        icb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_age_once() {
        assert_eq!(band_of(0), 0);
        assert_eq!(band_of(4), 0);
        assert_eq!(band_of(5), 1);
        assert_eq!(band_of(17), 1);
        assert_eq!(band_of(18), 2);
        assert_eq!(band_of(84), 5);
        assert_eq!(band_of(85), 6);
        assert_eq!(band_of(90), 6);
        let mut syoa = [1.0; 91];
        syoa[90] = 10.0;
        let b = ons_bands(&syoa);
        assert_eq!(b, [5.0, 13.0, 7.0, 20.0, 20.0, 20.0, 15.0]);
    }

    #[test]
    fn gap_is_ons_minus_registered_with_wilson_limits() {
        // ONS 100.4 rounds to 100; 80 registered; 20 unregistered = 20%.
        let r = gap_row("p", "lsoa", "E01", Some(100.4), 80).unwrap();
        assert_eq!(r.numerator, Some(100.0));
        assert_eq!(r.denominator, Some(80.0));
        assert!((r.value.unwrap() - 20.0).abs() < 1e-12);
        // Wilson 95% for 20/100, z = 1.959964: 13.3367%–28.8829% (worked in Python).
        assert!(
            (r.lowercl.unwrap() - 13.336693).abs() < 1e-5,
            "{:?}",
            r.lowercl
        );
        assert!(
            (r.uppercl.unwrap() - 28.882917).abs() < 1e-5,
            "{:?}",
            r.uppercl
        );
        assert_eq!(r.note, None);
    }

    #[test]
    fn negative_gap_is_list_inflation_without_limits() {
        let r = gap_row("p", "lsoa", "E01", Some(50.0), 60).unwrap();
        assert!((r.value.unwrap() + 20.0).abs() < 1e-12);
        assert_eq!((r.lowercl, r.uppercl), (None, None));
        let note = r.note.unwrap();
        assert!(note.contains("list inflation: more registered"), "{note}");
        // No count in a note: the published value says how much, from published counts.
        assert!(!note.contains("10"), "{note}");
    }

    #[test]
    fn zero_estimate_and_unknown_area_have_no_value() {
        let r = gap_row("p", "lsoa", "E01", Some(0.2), 3).unwrap();
        assert_eq!(r.numerator, Some(0.0));
        assert_eq!(r.value, None);
        assert!(r.note.unwrap().contains("ONS estimate is 0"));
        let r = gap_row("p", "lsoa", "E01", None, 3).unwrap();
        assert_eq!((r.numerator, r.value), (None, None));
        assert_eq!(r.denominator, Some(3.0));
        assert!(r.note.unwrap().contains("no ONS population estimate"));
    }

    #[test]
    fn rows_sum_bands_and_areas_and_count_what_is_not_compared() {
        let area = |code: &str, decile: u8, ons: f64, reg: u64, not_white: f64| Area {
            code: code.to_owned(),
            name: format!("Area {code}"),
            imd_decile: Some(decile),
            local_authority: "Town".to_owned(),
            ons: Some([ons; 7]),
            registered: [reg; 7],
            not_white: Some(not_white),
        };
        let areas = vec![
            area("E01000002", 3, 10.0, 9, 5.0),
            area("E01000001", 1, 10.0, 11, 1.0),
            Area {
                ons: None,
                ..area("E01000003", 1, 0.0, 2, 50.0)
            },
        ];
        let rows = result_rows(&areas, "2026-03-31", 4).unwrap();
        let all = rows.iter().find(|r| r.breakdown == "all").unwrap();
        // Two areas with estimates: ONS 140, registered 140; the unknown area stays out.
        assert_eq!((all.numerator, all.denominator), (Some(140.0), Some(140.0)));
        assert_eq!(all.value, Some(0.0));
        let note = all.note.as_deref().unwrap();
        assert!(note.contains("outside the footprint"), "{note}");
        assert!(!note.contains('4'), "no count in a note: {note}");
        let d1 = rows
            .iter()
            .find(|r| r.breakdown == "imd_decile" && r.group == "1")
            .unwrap();
        assert!(d1.value.unwrap() < 0.0);
        let cell = rows
            .iter()
            .find(|r| {
                r.breakdown == "lsoa x age_band" && r.group == "E01000002 Area E01000002 x 85+"
            })
            .unwrap();
        assert!((cell.value.unwrap() - 10.0).abs() < 1e-12);
        let unknown = rows
            .iter()
            .find(|r| r.group == "E01000003 Area E01000003")
            .unwrap();
        assert_eq!(unknown.value, None);

        // Ranked by decile, then share not White (highest first): E01000003, E01000001, E01000002.
        let t = table(&areas, "2026-03-31").unwrap();
        let codes = t
            .column_by_name("lsoa21_code")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let codes: Vec<&str> = (0..codes.len()).map(|i| codes.value(i)).collect();
        assert_eq!(codes, ["E01000003", "E01000001", "E01000002"]);
        let unreg = t
            .column_by_name("unregistered")
            .unwrap()
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        assert!(unreg.is_null(0));
        assert_eq!(unreg.value(1), 70 - 77);
        assert_eq!(unreg.value(2), 70 - 63);
    }
}
