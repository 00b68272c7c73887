//! The workforce pages of the HTML report: for the ICS and each organisation, the relative
//! likelihoods at a glance, WRES and WDES with their year on year, the three pay gaps and the
//! quarterly dashboard, made of the very sheets `equalis workforce` prints (so published by
//! the same [`Publisher`]).

use anyhow::Context;
use equalis_report::tables::{Sheet, Val};
use equalis_report::{Block, Chart, Section};
use equalis_workforce::{RateComparison, Scope, Workforce, all_scopes, annual_snapshots};
use equalis_workspace::Workspace;

use super::render::{Publisher, Report};
use super::{By, ReturnKind, likelihood_cells, load, rate_people, wdes3_people, wres3_people};

/// NHS England's "no adverse impact" range for relative likelihoods.
const BAND: (f64, f64) = (0.80, 1.25);

/// The report sections of the workspace's workforce data, or none when it has no `staff`
/// dataset. The local population for representativeness is that of the ICB `icb` (see
/// [`load::choose_icb`]); without one, the representativeness sheet says so. A workforce
/// dataset the workspace lacks leaves only the indicators that read it undefined (each saying
/// which dataset to ingest), and the page lists it.
pub fn report_sections(ws: &Workspace, icb: Option<&str>) -> crate::Result<Vec<Section>> {
    report_sections_any(ws, icb).map_err(crate::Error::from)
}
fn report_sections_any(ws: &Workspace, icb: Option<&str>) -> anyhow::Result<Vec<Section>> {
    if ws.current("staff")?.is_none() {
        return Ok(Vec::new());
    }
    let data =
        Workforce::new(load::load(ws, &load::ALL_DATASETS)?).context("invalid workforce data")?;
    let Some(date) = annual_snapshots(&data).last().copied() else {
        // The returns are 31 March snapshots; without one there is nothing to report.
        return Ok(Vec::new());
    };
    let p = Publisher::new();
    let mut out = Vec::new();
    let names = &ws.config().organisations;
    for scope in all_scopes(&data) {
        out.push(section(&p, &data, &scope, date, icb, names)?);
    }
    Ok(out)
}

fn section(
    p: &Publisher,
    data: &Workforce,
    scope: &Scope,
    date: jiff::civil::Date,
    icb: Option<&str>,
    names: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<Section> {
    // An organisation by its name and code, when the workspace names it.
    let named = |code: &str| match names.get(code) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_owned(),
    };
    let (slug, title) = match scope {
        Scope::Ics => (
            "workforce-ics".to_owned(),
            "Workforce equality: the whole ICS".to_owned(),
        ),
        Scope::Organisation(o) => (
            format!("workforce-{}", o.to_ascii_lowercase()),
            format!("Workforce equality: {}", named(o)),
        ),
    };
    let mut blocks = Vec::new();
    let mut facts = vec![
        ("Snapshot date".to_owned(), date.to_string()),
        (
            "Organisations".to_owned(),
            match scope {
                Scope::Ics => "All organisations in the workforce data".to_owned(),
                Scope::Organisation(o) => named(o),
            },
        ),
    ];
    if !data.not_supplied.is_empty() {
        let missing: Vec<&str> = data.not_supplied.iter().map(|d| d.name()).collect();
        facts.push((
            "Not in the workspace".to_owned(),
            format!(
                "the {} dataset(s): the indicators that read them say so",
                missing.join(", ")
            ),
        ));
    }
    let (wres, _, w) = super::wres_with_trend(p, data, scope, date)?;
    let (wdes, _, d) = super::wdes_with_trend(p, data, scope, date)?;
    let glance = glance_sheet(p, date, &w, &d);
    blocks.push(Block {
        part: Some("At a glance".to_owned()),
        sheet: glance,
        chart: Some(Chart::Likelihood {
            column: 1,
            band: BAND,
        }),
        notes: vec![
            "A relative likelihood of 1 means the two groups fare the same. NHS England \
                 reads 0.80 to 1.25 as no adverse impact; outside it, the first group named is \
                 more (above 1.25) or less (below 0.80) likely than the second."
                .to_owned(),
        ],
    });
    push_report(
        &mut blocks,
        "Workforce Race Equality Standard (WRES)",
        wres,
        &[],
    );
    push_report(
        &mut blocks,
        "Workforce Disability Equality Standard (WDES)",
        wdes,
        &[],
    );
    for (by, part) in [
        (By::Sex, "Gender pay gap"),
        (By::Ethnicity, "Ethnicity pay gap"),
        (By::Disability, "Disability pay gap"),
    ] {
        let (report, _) = super::pay_gap_report(p, data, scope, date, by)?;
        push_report(
            &mut blocks,
            part,
            report,
            &super::charts(ReturnKind::PayGap(by)),
        );
    }
    let (report, _) = super::dashboard_report(p, data, scope, date, icb)?;
    push_report(
        &mut blocks,
        "Quarterly workforce dashboard and representativeness",
        report,
        &super::charts(ReturnKind::Dashboard),
    );
    Ok(Section {
        slug,
        title,
        group: "Workforce equality".to_owned(),
        lede: match scope {
            Scope::Ics => {
                "WRES, WDES, pay gaps and the workforce dashboard for every organisation together."
                    .to_owned()
            }
            Scope::Organisation(o) => {
                format!("WRES, WDES, pay gaps and the workforce dashboard for {o}.")
            }
        },
        facts,
        blocks,
    })
}

/// The relative likelihoods at a glance (WRES 2-4, WDES 2-3) of one scope's returns.
fn glance_sheet(
    p: &Publisher,
    date: jiff::civil::Date,
    w: &equalis_workforce::wres::WresReport,
    d: &equalis_workforce::wdes::WdesReport,
) -> Sheet {
    let mut glance = Sheet::new(
        "Relative likelihoods",
        format!("Relative likelihoods at {date}"),
        &["Measure", "Relative likelihood", "Against 0.80 to 1.25"],
    );
    let likelihood = |c: &RateComparison| (*c, rate_people(c));
    for (label, read) in [
        (
            "WRES 2: White vs BME appointed from shortlisting",
            w.indicator2.as_ref().map(|i| likelihood(&i.comparison)),
        ),
        (
            "WRES 3: BME vs White entering formal disciplinary",
            w.indicator3
                .as_ref()
                .map(|i| (i.comparison, wres3_people(i))),
        ),
        (
            "WRES 4: White vs BME accessing non-mandatory training",
            w.indicator4.as_ref().map(|i| likelihood(&i.comparison)),
        ),
        (
            "WDES 2: non-disabled vs Disabled appointed from shortlisting",
            d.metric2.as_ref().map(|m| likelihood(&m.comparison)),
        ),
        (
            "WDES 3: Disabled vs non-disabled entering formal capability",
            d.metric3.as_ref().map(|m| (m.comparison, wdes3_people(m))),
        ),
    ] {
        let [rl, assessment] = match read {
            Ok((c, people)) => likelihood_cells(p, &c, people),
            Err(n) => [Val::Undefined(n.reason()), Val::Undefined(n.reason())],
        };
        glance.row(vec![Val::text(label), rl, assessment]);
    }
    glance
}

/// The headline figures of the whole ICS's published workforce returns at the latest
/// 31 March snapshot: the relative likelihoods at a glance (WRES 2-4, WDES 2-3) and the
/// three pay gaps (mean and median, by group). What an impact assessment of a staff-facing
/// proposal relies on; published by the same [`Publisher`] as the returns.
#[derive(Debug, Clone)]
pub struct Headlines {
    /// The snapshot date.
    pub date: jiff::civil::Date,
    /// The sheets, each row named by its first cell.
    pub sheets: Vec<Sheet>,
}

/// The [`Headlines`] of the workspace's staff data, or `None` without a `staff` dataset or an
/// annual snapshot.
pub fn headlines(ws: &Workspace) -> crate::Result<Option<Headlines>> {
    headlines_any(ws).map_err(crate::Error::from)
}
fn headlines_any(ws: &Workspace) -> anyhow::Result<Option<Headlines>> {
    if ws.current("staff")?.is_none() {
        return Ok(None);
    }
    let data =
        Workforce::new(load::load(ws, &load::ALL_DATASETS)?).context("invalid workforce data")?;
    let Some(date) = annual_snapshots(&data).last().copied() else {
        return Ok(None);
    };
    let p = Publisher::new();
    let scope = Scope::Ics;
    let w = equalis_workforce::wres::wres(&data, &scope, date)?;
    let d = equalis_workforce::wdes::wdes(&data, &scope, date)?;
    let mut sheets = vec![glance_sheet(&p, date, &w, &d)];
    for by in [By::Sex, By::Ethnicity, By::Disability] {
        let (report, _) = super::pay_gap_report(&p, &data, &scope, date, by)?;
        sheets.extend(
            report
                .sheets
                .into_iter()
                .filter(|s| s.name.ends_with(" gaps")),
        );
    }
    Ok(Some(Headlines { date, sheets }))
}

/// Adds a return's sheets as blocks under one part, charting the sheets named in `charts`.
fn push_report(blocks: &mut Vec<Block>, part: &str, report: Report, charts: &[(&str, Chart)]) {
    for (i, sheet) in report.sheets.into_iter().enumerate() {
        let chart = charts
            .iter()
            .find(|(name, _)| sheet.name.starts_with(name))
            .map(|(_, c)| c.clone());
        blocks.push(Block {
            part: (i == 0).then(|| part.to_owned()),
            sheet,
            chart,
            notes: Vec::new(),
        });
    }
}
