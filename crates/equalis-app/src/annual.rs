//! The annual equality report (`equalis annual-report`, `/annual-report/{year}`): one
//! accessible HTML page assembled from live data for a financial year. The population profile
//! of the footprint, the workforce returns (WRES, WDES, pay gaps, with year on year) and the
//! health inequalities figures come from the workspace through the published views; the
//! objectives and their measures, the EDS 2022 ratings, the impact assessments signed in the
//! year and the narrative sections come from the store ([`load_store_inputs`]). No figure is
//! typed: a measure's progress is computed from the published values of its figure.
//!
//! [`build`] is shared by the command line and the web server (which loads the store's part
//! on its own runtime and builds on a blocking thread); [`render`] is the HTML.

use std::path::{Path, PathBuf};

use equalis_assure::narrative::{self, SECTIONS};
use equalis_assure::{FigureRef, FinancialYear, SeriesPoint, Status, progress};
use equalis_disclosure::Cell;
use equalis_refdata::{Feature, RefData};
use equalis_report::tables::{Sheet, Val};
use equalis_report::{Document, PageFigures, Part};
use equalis_results::{PublishedRow, ResultsError, View, read_results};
use equalis_store::assurance::{EdsReport, SectionVersion, StoredObjective};
use equalis_store::{Store, StoreError};
use equalis_workspace::Workspace;

use crate::workforce::Publisher;

/// An impact assessment signed in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAssessment {
    /// The decision's title.
    pub title: String,
    /// Its organisation.
    pub organisation: String,
    /// The version signed.
    pub version: u32,
    /// The day it was signed (UTC).
    pub signed: jiff::civil::Date,
}

/// What the report reads from the store.
#[derive(Debug, Clone)]
pub struct StoreInputs {
    /// Every objective with its measures.
    pub objectives: Vec<StoredObjective>,
    /// The year's EDS 2022 review: the template's parts, the ratings and their summary.
    pub eds: EdsReport,
    /// Each narrative section with its newest saved version, if any.
    pub sections: Vec<(&'static narrative::Section, Option<SectionVersion>)>,
    /// Impact assessments signed within the year.
    pub assessments: Vec<SignedAssessment>,
    /// Engagement projects begun by the end of the year, with their participants.
    pub engagement: Vec<EngagementInput>,
    /// Every project's participants by the year they joined, for reach measures.
    pub reach: crate::reach::ReachRecords,
}

/// An engagement project as the report's reach reads it: its participants and their
/// equality monitoring answers (counts only leave through `who_is_heard`'s published view).
#[derive(Debug, Clone)]
pub struct EngagementInput {
    /// The project's title.
    pub title: String,
    /// Its footprint (the ICB whose residents it is compared with).
    pub footprint: String,
    /// Everyone who has joined it.
    pub participants: u64,
    /// Their monitoring answers (none for those who never answered).
    pub answers: Vec<equalis_engage::MonitoringAnswers>,
    /// Ideas, discussion posts and comments made in it (moderation aside).
    pub contributions: u64,
}

/// Reads the store's part of the report of `year`.
pub async fn load_store_inputs(
    store: &Store,
    year: FinancialYear,
) -> Result<StoreInputs, StoreError> {
    let mut sections = Vec::new();
    for s in &SECTIONS {
        sections.push((s, store.report_section(year, s.key).await?));
    }
    let start = jiff::civil::date(year.start_year() as i16, 4, 1);
    let end = jiff::civil::date(year.end_year() as i16, 3, 31);
    let mut assessments = Vec::new();
    for listing in store.list_decisions().await? {
        for v in &listing.versions {
            if let Some(at) = v.signed_at {
                let day = jiff::tz::TimeZone::UTC.to_datetime(at).date();
                if (start..=end).contains(&day) {
                    assessments.push(SignedAssessment {
                        title: listing.decision.decision.title.clone(),
                        organisation: listing.decision.decision.organisation.clone(),
                        version: v.number,
                        signed: day,
                    });
                }
            }
        }
    }
    assessments.sort_by(|a, b| a.signed.cmp(&b.signed).then(a.title.cmp(&b.title)));
    let year_end = jiff::civil::date(year.end_year() as i16, 3, 31);
    let mut engagement = Vec::new();
    for p in store.engage_projects().await? {
        if jiff::tz::TimeZone::UTC.to_datetime(p.created_at).date() > year_end {
            continue;
        }
        let (participants, answers) = store.monitoring_answers(p.id).await?;
        let contributions = store.posts(p.id).await?.len() as u64;
        engagement.push(EngagementInput {
            title: p.project.title.clone(),
            footprint: p.project.footprint.clone(),
            participants,
            answers,
            contributions,
        });
    }
    engagement.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(StoreInputs {
        engagement,
        reach: crate::reach::load(store).await?,
        objectives: store.objectives().await?,
        eds: store.eds_report(year).await?,
        sections,
        assessments,
    })
}

/// The published value of a cell, as a number; `None` when withheld.
fn cell_value(c: &Cell) -> Option<f64> {
    match c {
        Cell::Count(n) => Some(*n as f64),
        Cell::Percentage(v) | Cell::Value(v) => Some(*v),
        _ => None,
    }
}

/// The published series of an indicator figure, one point per financial year.
pub fn indicator_series(rows: &[PublishedRow], figure: &FigureRef) -> Vec<SeriesPoint> {
    let value = |ind: &str, br: &str, g: &str, period: &str| {
        rows.iter()
            .find(|r| {
                r.indicator_id == ind && r.breakdown == br && r.group == g && r.period == period
            })
            .and_then(|r| cell_value(r.value.get()))
    };
    let (ind, br) = match figure {
        FigureRef::Indicator {
            indicator,
            breakdown,
            ..
        }
        | FigureRef::IndicatorGap {
            indicator,
            breakdown,
            ..
        } => (indicator, breakdown),
        _ => return Vec::new(),
    };
    let mut periods: Vec<&str> = rows
        .iter()
        .filter(|r| &r.indicator_id == ind && &r.breakdown == br)
        .map(|r| r.period.as_str())
        .collect();
    periods.sort_unstable();
    periods.dedup();
    periods
        .into_iter()
        .filter_map(|p| {
            let year: FinancialYear = p.parse().ok()?;
            let v = match figure {
                FigureRef::Indicator { group, .. } => value(ind, br, group, p),
                FigureRef::IndicatorGap {
                    group, reference, ..
                } => match (value(ind, br, group, p), value(ind, br, reference, p)) {
                    (Some(a), Some(b)) => Some(a - b),
                    _ => None,
                },
                _ => None,
            };
            Some(SeriesPoint { year, value: v })
        })
        .collect()
}

/// A number that is not a count of people (a score, a value on a measure's path): shown as
/// text, since only figures from the published views are `Val::Num`.
fn num(v: f64, places: u32) -> Val {
    Val::text(equalis_report::tables::round(v, places).to_string())
}

/// Builds the report of `year` for the footprint of `icb` (the workforce pages' local
/// population and the population profile; none without it).
pub fn build(
    ws: &Workspace,
    year: FinancialYear,
    icb: Option<&str>,
    inputs: &StoreInputs,
) -> crate::Result<Document> {
    let results = match read_results(ws.root()) {
        Ok(r) => Some(r),
        Err(ResultsError::NoResults(_)) => None,
        Err(e) => return Err(anyhow::Error::from(e).into()),
    };
    let published: Vec<PublishedRow> = results
        .as_ref()
        .map(|r| r.publish(&View::Published).0)
        .unwrap_or_default();
    let text = |key: &str| {
        inputs
            .sections
            .iter()
            .find(|(s, _)| s.key == key)
            .map(|(s, v)| {
                v.as_ref()
                    .map_or(s.default_text.to_string(), |v| v.body.clone())
            })
            .unwrap_or_default()
    };
    let paragraphs = |t: String| -> Vec<String> {
        t.split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let mut parts = Vec::new();

    let mut intro = Part::new("introduction", "Introduction");
    intro.paragraphs = paragraphs(text("introduction"));
    parts.push(intro);

    // Population profile: residents of the footprint, counts published as any count is.
    let mut population = Part::new("population", "The population we serve");
    match icb {
        Some(code) => {
            let publisher = Publisher::new();
            let refdata = RefData::get();
            population.paragraphs.push(format!("Residents of the footprint of ICB {code}, from the reference data equalis ships; counts are rounded to the nearest 5."));
            for (feature, title) in [
                (Feature::Sex, "Residents by sex"),
                (Feature::EthnicGroup, "Residents by ethnic group"),
                (Feature::ImdQuintile, "Residents by deprivation quintile (IMD 2025, 1 = most deprived)"),
            ] {
                if let Some(counts) = refdata.footprint_counts(code, &feature, 0) {
                    let mut sheet = Sheet::new("population", title, &["Group", "Residents"]);
                    for (g, n) in &counts.values {
                        sheet.row(vec![Val::text(g.clone()), publisher.count(n.round() as u64)]);
                    }
                    population.sheet(sheet, None, vec![format!("Source: {}", counts.source)]);
                }
            }
        }
        None => population.paragraphs.push(
            "No ICB footprint is known for this workspace (give --ics, or ingest a population dataset), so the population profile is not shown.".into(),
        ),
    }
    parts.push(population);

    // Workforce: the published returns, with year on year.
    let mut workforce = Part::new("workforce", "Our workforce");
    let sections = crate::workforce::report_sections(ws, icb)?;
    if sections.is_empty() {
        workforce.paragraphs.push("The workspace holds no workforce data (ingest `staff` to add the WRES, WDES and pay gaps).".into());
    }
    for s in &sections {
        workforce.section(s);
    }
    parts.push(workforce);

    // Health inequalities: each indicator by deprivation in its latest period.
    let mut health = Part::new(
        "health-inequalities",
        "Health inequalities: Core20PLUS5 and waiting lists",
    );
    health.paragraphs = paragraphs(text("health_inequalities_statement"));
    match &results {
        Some(r) => {
            let mut figures = PageFigures::new();
            for info in r.metadata.indicators.values() {
                let latest = published
                    .iter()
                    .filter(|p| p.indicator_id == info.id)
                    .map(|p| p.period.as_str())
                    .max();
                if let Some(period) = latest
                    && let Some(f) = figures.breakdown(info, &published, period, "imd_quintile", &r.metadata.iod_edition)
                {
                    let mut f = f;
                    f.heading = format!("{} ({period}): {}", info.name, f.heading);
                    health.figures.push(f);
                }
            }
        }
        None => health.paragraphs.push("No results have been computed (run equalis compute), so no health inequalities figures are shown.".into()),
    }
    parts.push(health);

    // Objectives and their progress: indicator measures from the published results,
    // workforce measures from the year-on-year sheets of the published returns, reach
    // measures from the who-is-heard view of each year's joiners.
    let mut measure_series = crate::objectives::MeasureSeries::new(ws, &published, &inputs.reach);
    let mut objectives = Part::new("objectives", "Equality objectives and progress");
    if inputs.objectives.is_empty() {
        objectives
            .paragraphs
            .push("No equality objectives have been recorded.".into());
    }
    for o in &inputs.objectives {
        let ob = &o.objective;
        objectives.paragraphs.push(format!(
            "{} ({} to {}; owner: {}). {}",
            ob.title, ob.start, ob.end, ob.owner, ob.description
        ));
        let mut sheet = Sheet::new(
            "objective",
            format!("Measures of \u{201c}{}\u{201d}", ob.title),
            &[
                "Measure",
                "Figure",
                "Baseline",
                "Target",
                "Latest",
                "Expected now",
                "Progress",
            ],
        );
        for m in &o.measures {
            let m = &m.measure;
            let p = progress(m, &measure_series.series(&m.figure)?);
            let status = match p.status {
                Status::NoData => crate::objectives::no_data_reason(&m.figure).to_string(),
                s => {
                    let mut t = s.label().to_string();
                    if p.target_met {
                        t.push_str(" (target met)");
                    }
                    if let Some(spc) = &p.spc {
                        t.push_str(&format!("; SPC: {}", spc.latest.replace('_', " ")));
                    }
                    t
                }
            };
            sheet.row(vec![
                Val::text(m.name.clone()),
                Val::text(m.figure.to_string()),
                Val::text(format!("{} ({})", m.baseline, m.baseline_year)),
                Val::text(format!("{} by {}", m.target, m.target_year)),
                p.latest.map_or(Val::text("No data"), |(y, v)| {
                    Val::text(format!("{} ({y})", equalis_report::tables::round(v, 1)))
                }),
                p.expected.map_or(Val::text("-"), |v| num(v, 1)),
                Val::text(status),
            ]);
        }
        if !o.measures.is_empty() {
            objectives.sheet(sheet, None, vec!["Progress compares the latest published value with the straight path from the baseline to the target; see docs/ASSURANCE.md.".into()]);
        }
    }
    parts.push(objectives);

    // EDS 2022, in the order of NHS England's reporting template (`eds_report`).
    parts.push(crate::eds_report::section(&inputs.eds));

    // Impact assessments signed in the year.
    let mut ehia = Part::new(
        "impact-assessments",
        "Equality and health inequalities impact assessments",
    );
    if inputs.assessments.is_empty() {
        ehia.paragraphs
            .push(format!("No impact assessment was signed in {year}."));
    } else {
        let mut sheet = Sheet::new(
            "ehia",
            format!("Impact assessments signed in {year}"),
            &["Decision", "Organisation", "Version", "Signed"],
        );
        for a in &inputs.assessments {
            sheet.row(vec![
                Val::text(a.title.clone()),
                Val::text(a.organisation.clone()),
                Val::text(a.version.to_string()),
                Val::text(a.signed.to_string()),
            ]);
        }
        ehia.sheet(sheet, None, vec![]);
    }
    parts.push(ehia);

    // Engagement reach: participants and who is heard, each project's counts published as
    // the who-is-heard page publishes them.
    let mut reach = Part::new("engagement", "Engagement reach");
    if inputs.engagement.is_empty() {
        reach.paragraphs.push(format!(
            "No engagement project had begun by the end of {year}."
        ));
    } else {
        let publisher = Publisher::new();
        reach.paragraphs.push("Participants are everyone who has joined a project to date; a group is under-heard when the upper 95% limit of its representation ratio (its share of participants over its share of the footprint's residents) is below 1.".into());
        let mut sheet = Sheet::new(
            "engagement",
            format!("Engagement projects begun by the end of {year}"),
            &[
                "Project",
                "Participants",
                "Contributions",
                "Under-heard groups",
            ],
        );
        for e in &inputs.engagement {
            let (participants, under) =
                match crate::engage::who_is_heard(&e.footprint, e.participants, &e.answers) {
                    Ok(h) => (
                        Val::Num(h.participants.clone(), 0),
                        if h.under_heard.is_empty() {
                            "None".to_string()
                        } else {
                            h.under_heard
                                .iter()
                                .map(|u| format!("{}: {}", u.characteristic, u.group))
                                .collect::<Vec<_>>()
                                .join("; ")
                        },
                    ),
                    Err(err) => (
                        publisher.count(e.participants),
                        format!("Not computed: {}", err.message),
                    ),
                };
            sheet.row(vec![
                Val::text(e.title.clone()),
                participants,
                publisher.count(e.contributions),
                Val::text(under),
            ]);
        }
        reach.sheet(sheet, None, vec![]);
    }
    parts.push(reach);

    let mut psed = Part::new("psed", "Public Sector Equality Duty compliance statement");
    psed.paragraphs = paragraphs(text("psed_statement"));
    parts.push(psed);

    // Data dates and methods.
    let mut methods = Part::new("data-and-methods", "Data and methods");
    methods.paragraphs.push("Every figure is published through equalis's disclosure control: counts of 1 to 7 are withheld (*) and other counts rounded to the nearest 5, with percentages computed from the rounded counts (NHS Digital 2018). Pay gap measures are exact to one decimal place as the regulations define them. EDS 2022 scores follow the EDS 2022 rating and score card.".into());
    if let Some(r) = &results {
        let m = &r.metadata;
        let mut sheet = Sheet::new("data", "Data used", &["Dataset", "Version", "Rows"]);
        for (name, d) in &m.datasets {
            sheet.row(vec![
                Val::text(name.clone()),
                Val::text(d.version.to_string()),
                Val::text(d.rows.to_string()),
            ]);
        }
        methods.paragraphs.push(format!(
            "Results computed {} by equalis {}; IMD edition {}.",
            m.computed_at, m.equalis_version, m.iod_edition
        ));
        methods.sheet(sheet, None, vec![]);
    }
    parts.push(methods);

    Ok(Document {
        site_title: "Annual equality report".into(),
        title: format!("Annual equality report {year}"),
        lede: format!(
            "How we met the Public Sector Equality Duty and our health inequalities duties in {year}, from our own data."
        ),
        facts: vec![("Year".into(), year.to_string())],
        parts,
        generated: jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect(),
    })
}

/// The report as one HTML page (its style sheet at `style_href`).
pub fn render(doc: &Document, style_href: &str) -> crate::Result<String> {
    equalis_report::render_document(doc, style_href).map_err(|e| anyhow::Error::from(e).into())
}

/// The report printed to a tagged PDF (headings, table headers and the charts' text
/// alternatives in its structure tree) by headless Chromium ([`crate::pdf`]). Blocks for
/// about a second per ten pages: call it from a blocking thread in a server.
pub fn pdf(
    doc: &Document,
    options: &crate::pdf::PdfOptions,
) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let html = equalis_report::render_document_for_print(doc)
        .map_err(|e| crate::pdf::PdfError::Failed(format!("rendering the page to print: {e}")))?;
    crate::pdf::html_to_pdf(&html, options)
}

/// The PDF's file name: `annual-report-2025-26.pdf`.
pub fn pdf_file_name(year: FinancialYear) -> String {
    format!("annual-report-{}.pdf", year.slug())
}

/// What [`write_all`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The HTML page (`index.html`; `style.css` beside it).
    pub html: PathBuf,
    /// The tagged PDF beside it, when asked for.
    pub pdf: Option<PathBuf>,
}

/// Reads the workspace's own store for the report of `year`.
pub fn read_store(ws: &Workspace, year: FinancialYear) -> crate::Result<StoreInputs> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("starting the store's runtime: {e}"))?;
    let db = equalis_store::Database::for_workspace(ws.root());
    let inputs = rt
        .block_on(async {
            let store = Store::open(&db, equalis_store::StoreConfig::default()).await?;
            let inputs = load_store_inputs(&store, year).await;
            store.close().await;
            inputs
        })
        .map_err(|e| anyhow::anyhow!("reading the store: {e}"))?;
    Ok(inputs)
}

/// `equalis annual-report`: reads the workspace's own store, builds the report of `year` and
/// writes `index.html` and `style.css` into `out`. Returns the page's path.
pub fn write(
    ws: &Workspace,
    year: FinancialYear,
    icb: Option<&str>,
    out: &Path,
) -> crate::Result<PathBuf> {
    Ok(write_all(ws, year, icb, out, None)?.html)
}

/// As [`write`], and with `pdf` the tagged PDF too ([`pdf_file_name`], beside the HTML). The
/// PDF is printed before anything is written, so a failed print leaves no half report.
pub fn write_all(
    ws: &Workspace,
    year: FinancialYear,
    icb: Option<&str>,
    out: &Path,
    pdf_options: Option<&crate::pdf::PdfOptions>,
) -> crate::Result<Written> {
    let inputs = read_store(ws, year)?;
    let doc = build(ws, year, icb, &inputs)?;
    let html = render(&doc, "style.css")?;
    let printed = match pdf_options {
        Some(options) => Some(pdf(&doc, options).map_err(|e| {
            anyhow::anyhow!(
                "{e}; the HTML report needs no Chromium: give --no-pdf to write it alone"
            )
        })?),
        None => None,
    };
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes)
            .map_err(|e| anyhow::anyhow!("writing `{}`: {e}", path.display()))
    };
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("creating `{}`: {e}", out.display()))?;
    let page = out.join("index.html");
    write(&page, html.as_bytes())?;
    write(&out.join("style.css"), equalis_report::STYLE_CSS.as_bytes())?;
    let pdf = match printed {
        Some(bytes) => {
            let path = out.join(pdf_file_name(year));
            write(&path, &bytes)?;
            Some(path)
        }
        None => None,
    };
    Ok(Written { html: page, pdf })
}

/// Whether a results version exists (for callers that explain an empty report).
pub fn has_results(ws: &Workspace) -> bool {
    read_results(ws.root()).is_ok()
}
