//! The quotas of `equalis panel quotas`: the minimum and maximum seats for each value of each feature, from
//! the population of an ICS footprint shipped with equalis, ready for `panel select --quotas`.
//!
//! Each value's target is its share of the footprint's residents times the panel size; the
//! quota runs from the target rounded down less the tolerance to the target rounded up plus
//! the tolerance (never below 0 or above the panel size). Rounding down and up keeps every
//! feature's minimums summing to at most the panel size and its maximums to at least it, so
//! the quotas of one feature never conflict with each other.

use crate::error::{invalid, not_found};
use std::io::Write;

use equalis_refdata::{PanelFeature, PlaceLevel, RefData, age_band_label};
use serde_json::{Value, json};

use crate::output::{Format, render};

/// What quotas to set: the command line's flags, a web form's fields. Errors name the
/// command-line flags (`--size`, `--features`, `--age-bands`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotasOptions {
    /// ICB whose footprint the panel represents (ODS code like QK1, or E54…).
    pub ics: String,
    /// Number of seats on the panel.
    pub size: u32,
    /// Features, named as the volunteers file's columns: sex, age_band, ethnic_group (or
    /// ethnicity), imd_quintile, place.
    pub features: Vec<String>,
    /// What the volunteers' `place` names.
    pub place: PlaceLevel,
    /// Seats of leeway each side of the rounded target.
    pub tolerance: u32,
    /// Age bands of the panel's adults, e.g. `16-29`, `65+`.
    pub age_bands: Vec<String>,
}

/// The quota of one value of one feature, with where its population came from.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaRow {
    /// The feature, under the one name `panel select` and the synthetic volunteers use.
    pub feature: String,
    /// The value.
    pub value: String,
    /// The value's share of the footprint's residents.
    pub share: f64,
    /// The share times the panel size.
    pub target: f64,
    /// Fewest seats.
    pub min: u32,
    /// Most seats.
    pub max: u32,
    /// The reference data the share comes from.
    pub source: &'static str,
}

/// `16-29` → (16, 29); `65+` → (65, 90).
pub(crate) fn parse_band(s: &str) -> anyhow::Result<(u8, u8)> {
    let bad = || invalid!("--age-bands: `{s}` is not an age band; write e.g. 16-29 or 65+");
    if let Some(first) = s.strip_suffix('+') {
        let a: u8 = first.trim().parse().map_err(|_| bad())?;
        return if a <= 90 { Ok((a, 90)) } else { Err(bad()) };
    }
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (u8, u8) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a > b || b > 89 {
        return Err(bad());
    }
    Ok((a, b))
}

/// The bands, checked not to overlap.
fn parse_bands(specs: &[String]) -> anyhow::Result<Vec<(u8, u8)>> {
    let mut bands: Vec<(u8, u8)> = specs
        .iter()
        .map(|s| parse_band(s))
        .collect::<anyhow::Result<_>>()?;
    bands.sort();
    for w in bands.windows(2) {
        if w[1].0 <= w[0].1 {
            return Err(invalid!(
                "--age-bands: {} and {} overlap; each age belongs to one band",
                age_band_label(w[0]),
                age_band_label(w[1])
            ));
        }
    }
    Ok(bands)
}

/// The quota of one value: `(target, min, max)`.
fn quota(share: f64, size: u32, tolerance: u32) -> (f64, u32, u32) {
    let target = share * f64::from(size);
    // Round away float noise first, so a target of exactly 6 is not 5.999999.
    let t = (target * 1e9).round() / 1e9;
    let min = (t.floor() as u32).saturating_sub(tolerance);
    let max = (t.ceil() as u32).saturating_add(tolerance).min(size);
    (target, min, max)
}

/// The quotas of every feature asked for, from the footprint's population.
pub fn quotas(args: &QuotasOptions) -> crate::Result<Vec<QuotaRow>> {
    quotas_any(args).map_err(crate::Error::from)
}
fn quotas_any(args: &QuotasOptions) -> anyhow::Result<Vec<QuotaRow>> {
    if args.size == 0 {
        return Err(invalid!("--size must be at least 1"));
    }
    let bands = parse_bands(&args.age_bands)?;
    let min_age = bands.first().map_or(16, |b| b.0);
    let r = RefData::get();
    let mut out = Vec::new();
    for name in &args.features {
        // Written under the one name `panel select` and the synthetic volunteers use, whichever
        // alias was asked for.
        let Some((panel_feature, feature)) =
            PanelFeature::parse(name).and_then(|f| Some((f, f.population(&bands, args.place)?)))
        else {
            return Err(invalid!(
                "--features: no population data for `{name}`; equalis can set quotas for sex, \
                 age_band, ethnic_group (or ethnicity), imd_quintile and place. Write quotas \
                 for other features by hand in the same file."
            ));
        };
        let counts = r
            .footprint_counts(&args.ics, &feature, min_age)
            .ok_or_else(|| {
                not_found!(
                    "unknown ICB `{}`: use an ODS code like QK1 or an ONS code E54…; \
                 `equalis synth --list-icbs` lists them",
                    args.ics
                )
            })?;
        let total: f64 = counts.values.iter().map(|(_, n)| n).sum();
        if total <= 0.0 {
            return Err(not_found!(
                "no residents counted for `{name}` in {}",
                args.ics
            ));
        }
        for (value, n) in counts.values {
            let share = n / total;
            let (target, min, max) = quota(share, args.size, args.tolerance);
            out.push(QuotaRow {
                feature: panel_feature.name().to_owned(),
                value,
                share,
                target,
                min,
                max,
                source: counts.source,
            });
        }
    }
    Ok(out)
}

/// The quotas as JSON, with each value's population share, target and source.
fn quotas_json(args: &QuotasOptions, rows: &[QuotaRow]) -> Value {
    let icb = RefData::get().icb(&args.ics).map(|i| i.name.clone());
    json!({
        "ics": args.ics,
        "ics_name": icb,
        "size": args.size,
        "tolerance": args.tolerance,
        "quotas": rows.iter().map(|q| json!({
            "feature": q.feature,
            "value": q.value,
            "population_share": (q.share * 1e6).round() / 1e6,
            "target": (q.target * 1e3).round() / 1e3,
            "min": q.min,
            "max": q.max,
            "source": q.source,
        })).collect::<Vec<_>>(),
    })
}

/// The distinct sources of the quotas' populations, in order of first use.
fn sources(rows: &[QuotaRow]) -> Vec<&'static str> {
    let mut sources: Vec<&'static str> = Vec::new();
    for q in rows {
        if !sources.contains(&q.source) {
            sources.push(q.source);
        }
    }
    sources
}

/// Writes the quotas: CSV is the quotas file `panel select` reads; the table and JSON add each
/// value's population share, target and source.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    args: &QuotasOptions,
    rows: &[QuotaRow],
) -> crate::Result<()> {
    write_any(out, format, args, rows).map_err(crate::Error::from)
}
fn write_any(
    out: &mut dyn Write,
    format: Format,
    args: &QuotasOptions,
    rows: &[QuotaRow],
) -> anyhow::Result<()> {
    match format {
        Format::Csv => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|q| {
                    vec![
                        q.feature.clone(),
                        q.value.clone(),
                        q.min.to_string(),
                        q.max.to_string(),
                    ]
                })
                .collect();
            render(
                out,
                Format::Csv,
                &["feature", "value", "min", "max"],
                &[false, false, true, true],
                &body,
            )?;
        }
        Format::Json => {
            let v = quotas_json(args, rows);
            out.write_all((serde_json::to_string_pretty(&v)? + "\n").as_bytes())?;
        }
        Format::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|q| {
                    vec![
                        q.feature.clone(),
                        q.value.clone(),
                        format!("{:.1}", q.share * 100.0),
                        format!("{:.2}", q.target),
                        q.min.to_string(),
                        q.max.to_string(),
                    ]
                })
                .collect();
            render(
                out,
                Format::Table,
                &["feature", "value", "population %", "target", "min", "max"],
                &[false, false, true, true, true, true],
                &body,
            )?;
            out.write_all(b"\nSources:\n")?;
            for src in sources(rows) {
                out.write_all(format!("  {src}\n").as_bytes())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_round_down_and_up_around_the_target() {
        assert_eq!(quota(0.5104, 30, 1), (15.312, 14, 17));
        // An exact target keeps its own seat count at the centre.
        assert_eq!(quota(0.2, 30, 1).1..=quota(0.2, 30, 1).2, 5..=7);
        // Never below zero, never above the panel.
        assert_eq!(quota(0.01, 30, 2).1, 0);
        assert_eq!(quota(1.0, 30, 2).2, 30);
        assert_eq!(quota(0.5104, 30, 0), (15.312, 15, 16));
    }

    #[test]
    fn age_bands_parse_and_must_not_overlap() {
        assert_eq!(parse_band("16-29").unwrap(), (16, 29));
        assert_eq!(parse_band("65+").unwrap(), (65, 90));
        assert!(parse_band("30-16").is_err());
        assert!(parse_band("old").is_err());
        let e = parse_bands(&["16-40".into(), "30-44".into()]).unwrap_err();
        assert!(e.to_string().contains("16-40 and 30-44 overlap"), "{e}");
    }

    fn options(ics: &str, size: u32, features: &[&str]) -> QuotasOptions {
        QuotasOptions {
            ics: ics.to_owned(),
            size,
            features: features.iter().map(|f| (*f).to_owned()).collect(),
            place: PlaceLevel::LocalAuthority,
            tolerance: 1,
            age_bands: vec!["16-29".into(), "30-44".into(), "45-64".into(), "65+".into()],
        }
    }

    #[test]
    fn a_bad_request_is_invalid_and_an_unknown_icb_not_found() {
        let kind = |o: QuotasOptions| quotas(&o).unwrap_err().kind;
        assert_eq!(kind(options("QK1", 0, &["sex"])), crate::ErrorKind::Invalid);
        assert_eq!(
            kind(options("QK1", 30, &["shoe_size"])),
            crate::ErrorKind::Invalid
        );
        let e = quotas(&options("QZZ", 30, &["sex"])).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::NotFound);
        assert!(e.message.starts_with("unknown ICB `QZZ`"), "{e}");
        // And a good one: the sexes of the footprint, each quota around its share of 30.
        let rows = quotas(&options("QK1", 30, &["sex"])).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|q| q.min <= q.max && q.max <= 30));
    }
}
