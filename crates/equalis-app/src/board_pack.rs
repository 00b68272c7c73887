//! The quarterly board pack (issue 16, item 4; `equalis board-pack`, `/board-pack`): a short
//! document for a board meeting, assembled from live data like the annual report
//! ([`crate::annual`]), whose building blocks it calls read-only:
//!
//! - the workforce dashboard: the relative likelihoods of WRES and WDES at a glance and the
//!   three pay gaps, as [`crate::workforce::headlines`] publishes them;
//! - waiting-list equalisation: each waiting-list measure by deprivation quintile at the latest
//!   snapshot, and each equalisation gap's first and latest value with its change, from the
//!   published view of the results (the same tables as the `/waiting-list` page);
//! - progress on each equality objective's measures ([`crate::objectives::MeasureSeries`] and
//!   [`equalis_assure::progress`]);
//! - the impact assessments past their review date at the quarter's end (or today, for the
//!   quarter under way), from the store.
//!
//! Every figure comes from a published view: nothing is typed, and small counts stay `*`.
//! [`build`] is shared by the command line and the web server; [`write`] adds the files and
//! the tagged PDF ([`crate::pdf`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use equalis_assure::{FinancialYear, Status, progress};
use equalis_report::tables::{Sheet, Val};
use equalis_report::{Document, Figure, PageFigures, Part, is_waiting_list};
use equalis_results::{IndicatorInfo, PublishedRow, ResultsError, View, read_results};
use equalis_store::assurance::StoredObjective;
use equalis_store::{Store, StoreError};
use equalis_workspace::Workspace;
use jiff::civil::Date;

/// The breakdown the waiting-list part compares: deprivation, as the elective recovery
/// guidance asks.
const WAITING_BREAKDOWN: &str = "imd_quintile";

/// A quarter of the NHS financial year, written `2025/26-Q3` (October to December 2025), as
/// boards and NHS England's returns number them: Q1 is April to June, Q4 January to March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    year: FinancialYear,
    number: i8,
}

impl Quarter {
    /// The quarter holding `day`.
    pub fn of(day: Date) -> Quarter {
        // Months since the 1 April the financial year started: April is 0, March 11.
        let since_april = (day.month() + 8) % 12;
        let start = if day.month() >= 4 {
            day.year()
        } else {
            day.year() - 1
        };
        Quarter {
            year: FinancialYear::starting(start as u16),
            number: since_april / 3 + 1,
        }
    }

    /// Its first day.
    pub fn start(self) -> Date {
        let months = (self.number - 1) * 3 + 3; // from 1 January of the year it starts in
        let start = self.year.start_year() as i16;
        jiff::civil::date(start + i16::from(months / 12), months % 12 + 1, 1)
    }

    /// Its last day.
    pub fn end(self) -> Date {
        let next_start = if self.number == 4 {
            Quarter {
                year: self.year.next(),
                number: 1,
            }
            .start()
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
            .start()
        };
        next_start.yesterday().unwrap_or(next_start)
    }

    /// The financial year (April to March) it is a quarter of.
    pub fn financial_year(self) -> FinancialYear {
        self.year
    }

    /// The form used in URLs and file names, with no slash: `2025-26-Q3` (it reads back).
    pub fn slug(self) -> String {
        format!("{}-Q{}", self.year.slug(), self.number)
    }

    /// In words: "1 October to 31 December 2025".
    pub fn span(self) -> String {
        format!(
            "{} to {}",
            self.start().strftime("%-d %B"),
            self.end().strftime("%-d %B %Y")
        )
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

/// A quarter that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a quarter: write the financial year and its quarter, e.g. 2025/26-Q3 for October to December 2025 (Q1 is April to June)"
)]
pub struct BadQuarter(String);

impl FromStr for Quarter {
    type Err = BadQuarter;
    fn from_str(s: &str) -> Result<Quarter, BadQuarter> {
        let bad = || BadQuarter(s.to_owned());
        let t = s.trim().to_ascii_uppercase();
        // `2025/26-Q3`, `2025/26 Q3` and `2025-26-Q3` (the slug form of the year) all read.
        let (year, q) = t.rsplit_once('Q').ok_or_else(bad)?;
        let year = year.trim_end_matches([' ', '-']);
        if year.len() == t.len() - q.len() - 1 {
            return Err(bad()); // no separator between the year and the quarter
        }
        let year: FinancialYear = year.parse().map_err(|_| bad())?;
        let number: i8 = q.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year.start_year()) || !(1..=4).contains(&number) {
            return Err(bad());
        }
        Ok(Quarter { year, number })
    }
}

/// An impact assessment whose review date has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueReview {
    /// The decision's id in the store.
    pub decision: i64,
    /// Its title.
    pub title: String,
    /// Its organisation.
    pub organisation: String,
    /// The version in force.
    pub version: u32,
    /// The review date passed.
    pub review_due: Date,
    /// Days past it on the pack's date.
    pub days_overdue: i32,
}

/// What the pack reads from the store.
#[derive(Debug, Clone)]
pub struct StoreInputs {
    /// The date the pack is as at: the quarter's end, or today for a quarter under way.
    pub as_at: Date,
    /// Every objective with its measures.
    pub objectives: Vec<StoredObjective>,
    /// Assessments past their review date on `as_at`, most overdue first.
    pub overdue: Vec<OverdueReview>,
    /// Every engagement project's participants by the year they joined, for reach measures.
    pub reach: crate::reach::ReachRecords,
}

/// Reads the store's part of the pack of `quarter`, on `today`.
pub async fn load_store_inputs(
    store: &Store,
    quarter: Quarter,
    today: Date,
) -> Result<StoreInputs, StoreError> {
    let as_at = quarter.end().min(today);
    let mut overdue: Vec<OverdueReview> = store
        .list_decisions()
        .await?
        .iter()
        .filter(|l| l.is_overdue(as_at))
        .filter_map(|l| {
            let v = l.in_force()?;
            let due = v.review_due?;
            Some(OverdueReview {
                decision: l.decision.id,
                title: l.decision.decision.title.clone(),
                organisation: l.decision.decision.organisation.clone(),
                version: v.number,
                review_due: due,
                days_overdue: (as_at - due).get_days(),
            })
        })
        .collect();
    overdue.sort_by(|a, b| a.review_due.cmp(&b.review_due).then(a.title.cmp(&b.title)));
    Ok(StoreInputs {
        as_at,
        objectives: store.objectives().await?,
        overdue,
        reach: crate::reach::load(store).await?,
    })
}

/// A figure of a table alone (the board pack draws no chart it does not need).
fn table_figure(heading: String, table: equalis_report::Table) -> Figure {
    Figure {
        heading,
        svg: String::new(),
        notes: Vec::new(),
        table,
    }
}

/// Builds the board pack of `quarter`.
pub fn build(ws: &Workspace, quarter: Quarter, inputs: &StoreInputs) -> crate::Result<Document> {
    let results = match read_results(ws.root()) {
        Ok(r) => Some(r),
        Err(ResultsError::NoResults(_)) => None,
        Err(e) => return Err(anyhow::Error::from(e).into()),
    };
    let mut parts = Vec::new();

    // 1. Workforce dashboard.
    let mut workforce = Part::new("workforce", "Workforce dashboard");
    match crate::workforce::headlines(ws)? {
        Some(h) => {
            workforce.paragraphs.push(format!(
                "The workforce equality returns of the whole ICS at the {} snapshot: the relative likelihoods of the Workforce Race and Disability Equality Standards (WRES, WDES) at a glance, and the gender, ethnicity and disability pay gaps. Counts of 1 to 7 are withheld (*) and other counts rounded to 5; the full returns are on the workforce pages.",
                h.date.strftime("%-d %B %Y")
            ));
            for sheet in h.sheets {
                workforce.sheet(sheet, None, Vec::new());
            }
        }
        None => workforce.paragraphs.push(
            "The workspace holds no workforce data (ingest `staff` to add the WRES, WDES and pay gaps).".into(),
        ),
    }
    parts.push(workforce);

    // 2. Waiting-list equalisation.
    let mut waiting = Part::new("waiting-list", "Waiting-list equalisation");
    let published = results
        .as_ref()
        .map(|r| r.published_by_indicator())
        .unwrap_or_default();
    let measures: Vec<(&IndicatorInfo, &[PublishedRow])> = results
        .as_ref()
        .map(|r| {
            r.metadata
                .indicators
                .values()
                .filter(|i| is_waiting_list(i))
                .filter_map(|i| published.get(&i.id).map(|rows| (i, rows.as_slice())))
                .collect()
        })
        .unwrap_or_default();
    match &results {
        Some(r) if !measures.is_empty() => {
            let d = PageFigures::new().waiting_list(
                &measures,
                WAITING_BREAKDOWN,
                &r.metadata.iod_edition,
            );
            waiting.paragraphs.push("Each waiting-list measure at the latest snapshot for the ICS and by deprivation quintile, then each equalisation gap (per provider and snapshot) from its first published value to its latest: narrowing or widening only when the two values' 95% confidence intervals do not overlap.".into());
            waiting.figures.push(table_figure(
                "Waiting list by deprivation quintile, latest snapshot".into(),
                d.summary,
            ));
            waiting.figures.push(table_figure(
                "Equalisation gaps: first and latest".into(),
                d.equalisation,
            ));
        }
        _ => waiting.paragraphs.push(
            "No waiting-list results have been computed (ingest a waiting-list extract and run `equalis compute`).".into(),
        ),
    }
    parts.push(waiting);

    // 3. Objectives.
    let mut objectives = Part::new("objectives", "Progress on the equality objectives");
    let all_rows: Vec<PublishedRow> = results
        .as_ref()
        .map(|r| r.publish(&View::Published).0)
        .unwrap_or_default();
    let mut series = crate::objectives::MeasureSeries::new(ws, &all_rows, &inputs.reach);
    if inputs.objectives.is_empty() {
        objectives
            .paragraphs
            .push("No equality objectives have been recorded.".into());
    } else {
        let mut sheet = Sheet::new(
            "objectives",
            "Measures of the equality objectives",
            &["Measure", "Objective", "Target", "Latest", "Progress"],
        );
        for o in &inputs.objectives {
            for m in &o.measures {
                let m = &m.measure;
                let p = progress(m, &series.series(&m.figure)?);
                let status = match p.status {
                    Status::NoData => crate::objectives::no_data_reason(&m.figure).to_string(),
                    s if p.target_met => format!("{} (target met)", s.label()),
                    s => s.label().to_string(),
                };
                sheet.row(vec![
                    Val::text(m.name.clone()),
                    Val::text(o.objective.title.clone()),
                    Val::text(format!("{} by {}", m.target, m.target_year)),
                    p.latest.map_or(Val::text("No data"), |(y, v)| {
                        Val::text(format!("{} ({y})", equalis_report::tables::round(v, 1)))
                    }),
                    Val::text(status),
                ]);
            }
        }
        objectives.sheet(
            sheet,
            None,
            vec!["Progress compares the latest published value with the straight path from the baseline to the target (docs/ASSURANCE.md).".into()],
        );
    }
    parts.push(objectives);

    // 4. Overdue reviews of impact assessments.
    let mut reviews = Part::new("overdue-reviews", "Impact assessments overdue for review");
    let as_at = inputs.as_at.strftime("%-d %B %Y").to_string();
    if inputs.overdue.is_empty() {
        reviews.paragraphs.push(format!(
            "No signed impact assessment was past its review date on {as_at}."
        ));
    } else {
        reviews.paragraphs.push(format!(
            "{} signed impact assessment{} past {} review date on {as_at}: each decision's equality and health inequalities impact assessment should be reviewed so that due regard continues.",
            inputs.overdue.len(),
            if inputs.overdue.len() == 1 { " was" } else { "s were" },
            if inputs.overdue.len() == 1 { "its" } else { "their" },
        ));
        let mut sheet = Sheet::new(
            "overdue",
            format!("Impact assessments past their review date on {as_at}"),
            &[
                "Decision",
                "Organisation",
                "Version in force",
                "Review due",
                "Days overdue",
            ],
        );
        for r in &inputs.overdue {
            sheet.row(vec![
                Val::text(r.title.clone()),
                Val::text(r.organisation.clone()),
                Val::text(r.version.to_string()),
                Val::text(r.review_due.strftime("%-d %B %Y").to_string()),
                Val::text(r.days_overdue.to_string()),
            ]);
        }
        reviews.sheet(sheet, None, Vec::new());
    }
    parts.push(reviews);

    // 5. Data.
    let mut data = Part::new("data", "Data and methods");
    data.paragraphs.push("Every figure is published through equalis's disclosure control: counts of 1 to 7 are withheld (*) and other counts rounded to the nearest 5, with percentages computed from the rounded counts (NHS Digital 2018); pay gap measures are exact as the regulations define them.".into());
    if let Some(r) = &results {
        data.paragraphs.push(format!(
            "Results computed {} by equalis {}; IMD edition {}.",
            r.metadata.computed_at, r.metadata.equalis_version, r.metadata.iod_edition
        ));
    }
    parts.push(data);

    Ok(Document {
        site_title: "Board pack".into(),
        title: format!("Equality and inequalities board pack, {quarter}"),
        lede: format!(
            "Workforce, waiting-list equalisation, equality objectives and impact assessment reviews for the quarter {} ({}), from our own data.",
            quarter.span(),
            quarter.financial_year()
        ),
        facts: vec![
            ("Quarter".into(), format!("{quarter} ({})", quarter.span())),
            ("As at".into(), as_at),
        ],
        parts,
        generated: jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect(),
    })
}

/// The pack as one HTML page, its style sheet at `style_href`.
pub fn render(doc: &Document, style_href: &str) -> crate::Result<String> {
    equalis_report::render_document(doc, style_href).map_err(|e| anyhow::Error::from(e).into())
}

/// The pack as one HTML document with its styles inline: what is printed to PDF (Chromium
/// prints from a temporary directory and follows no link to a style sheet).
pub fn render_standalone(doc: &Document) -> crate::Result<String> {
    const HREF: &str = "equalis-inline-style.css";
    let html = render(doc, HREF)?;
    let link = format!("<link rel=\"stylesheet\" href=\"{HREF}\">");
    if !html.contains(&link) {
        return Err(anyhow::anyhow!("the page's style sheet link was not found").into());
    }
    Ok(html.replacen(
        &link,
        &format!("<style>{}</style>", equalis_report::STYLE_CSS),
        1,
    ))
}

/// The files [`write`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `index.html`.
    pub page: PathBuf,
    /// `board-pack.pdf`, unless no PDF was asked for.
    pub pdf: Option<PathBuf>,
}

/// `equalis board-pack`: reads the workspace's own store, builds the pack of `quarter` and
/// writes `index.html`, `style.css` and (with `pdf`) the tagged `board-pack.pdf` into `out`.
pub fn write(
    ws: &Workspace,
    quarter: Quarter,
    out: &Path,
    pdf: Option<&crate::pdf::PdfOptions>,
) -> crate::Result<Written> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("starting the store's runtime: {e}"))?;
    let db = equalis_store::Database::for_workspace(ws.root());
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let inputs = rt
        .block_on(async {
            let store = Store::open(&db, equalis_store::StoreConfig::default()).await?;
            let inputs = load_store_inputs(&store, quarter, today).await;
            store.close().await;
            inputs
        })
        .map_err(|e| anyhow::anyhow!("reading the store: {e}"))?;
    let doc = build(ws, quarter, &inputs)?;
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("creating `{}`: {e}", out.display()))?;
    let write_file = |name: &str, bytes: &[u8]| -> crate::Result<PathBuf> {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| anyhow::anyhow!("writing `{}`: {e}", path.display()))?;
        Ok(path)
    };
    let page = write_file("index.html", render(&doc, "style.css")?.as_bytes())?;
    write_file("style.css", equalis_report::STYLE_CSS.as_bytes())?;
    let pdf = match pdf {
        Some(options) => {
            let bytes = crate::pdf::html_to_pdf(&render_standalone(&doc)?, options)
                .map_err(|e| anyhow::anyhow!("{e} (or pass --no-pdf for the HTML alone)"))?;
            Some(write_file("board-pack.pdf", &bytes)?)
        }
        None => None,
    };
    Ok(Written { page, pdf })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_of_the_financial_year() {
        let q: Quarter = "2025/26-Q3".parse().unwrap();
        assert_eq!(q.to_string(), "2025/26-Q3");
        assert_eq!(q.start(), jiff::civil::date(2025, 10, 1));
        assert_eq!(q.end(), jiff::civil::date(2025, 12, 31));
        assert_eq!(q.span(), "1 October to 31 December 2025");
        assert_eq!(q.financial_year().to_string(), "2025/26");
        assert_eq!(q.slug(), "2025-26-Q3");
        assert_eq!(q.slug().parse::<Quarter>().unwrap(), q);
        assert_eq!("2025-26-q3".parse::<Quarter>().unwrap(), q);
        assert_eq!(" 2025/26 Q3".parse::<Quarter>().unwrap(), q);
        let q1: Quarter = "2025/26-Q1".parse().unwrap();
        assert_eq!(q1.start(), jiff::civil::date(2025, 4, 1));
        assert_eq!(q1.end(), jiff::civil::date(2025, 6, 30));
        let q4: Quarter = "2025/26-Q4".parse().unwrap();
        assert_eq!(q4.start(), jiff::civil::date(2026, 1, 1));
        assert_eq!(q4.end(), jiff::civil::date(2026, 3, 31));
        assert_eq!(q4.financial_year().to_string(), "2025/26");
        // Each day belongs to the quarter that spans it, across the year's turn and April.
        let mut day = jiff::civil::date(2024, 3, 1);
        while day < jiff::civil::date(2026, 5, 1) {
            let q = Quarter::of(day);
            assert!(q.start() <= day && day <= q.end(), "{day}: {q}");
            day = day.tomorrow().unwrap();
        }
        assert_eq!(Quarter::of(jiff::civil::date(2026, 3, 31)), q4);
        assert_eq!(
            Quarter::of(jiff::civil::date(2026, 4, 1)).to_string(),
            "2026/27-Q1"
        );
        for bad in [
            "2025-Q3",
            "2025/26-Q5",
            "2025/26-Q0",
            "2025/26Q3",
            "Q3-2025/26",
            "",
            "1999/00-Q1",
        ] {
            let e = bad.parse::<Quarter>().unwrap_err();
            assert!(e.to_string().contains("e.g. 2025/26-Q3"), "{bad}: {e}");
        }
    }
}
