//! The pages of the report: the results are published once, here, and every page is built
//! from the published view.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use askama::Template;
use equalis_results::{IndicatorInfo, Metadata, PublishedInequality, PublishedRow, Results, View};

use crate::data::{self, ALL, IndicatorData};
use crate::format::{self, cell_number};
use crate::indicator::{self, ChartIds, Figure, Gradient, Headline, SpcFigure};
use crate::sections::{self, Section, SectionFigure};
use crate::{ReportError, ReportOptions};

/// The disclosure rule as the report states it.
pub(crate) const DISCLOSURE: &str = "Disclosure control (NHS Digital, 2018, applied strictly): \
     counts of 1 to 7 are shown as *; other counts, expected counts included, are rounded to the \
     nearest 5; every percentage, rate, ratio and gap and its confidence limits are calculated \
     from the rounded counts, so no figure gives an exact count away. Any figure calculated from \
     a withheld count is withheld with it, and where a group's total and its other parts would \
     let a withheld count be worked out, its zeros or its whole breakdown are withheld too. \
     Directly standardised rates keep their value (their limits use the rounded count); \
     medians are shown when 8 or more records stand behind them; regression results (SII, RII) \
     are exempt.";

/// The data-and-methods facts every page shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Methods {
    /// `2025`.
    pub iod_edition: String,
    /// When the results were computed.
    pub computed_at: String,
    /// The equalis version that computed them.
    pub equalis_version: String,
    /// `waiting_list: version 3, 1,234,567 rows`.
    pub datasets: Vec<String>,
    /// [`DISCLOSURE`].
    pub disclosure: &'static str,
}

impl Methods {
    fn of(meta: &Metadata) -> Methods {
        let or_unknown = |s: &str| {
            if s.trim().is_empty() {
                "not recorded".to_owned()
            } else {
                s.to_owned()
            }
        };
        Methods {
            iod_edition: or_unknown(&meta.iod_edition),
            computed_at: format::timestamp(&or_unknown(&meta.computed_at)),
            equalis_version: meta.equalis_version.clone(),
            datasets: meta
                .datasets
                .iter()
                .map(|(name, d)| {
                    format!(
                        "{name}: version {}, {}",
                        d.version,
                        format::plural(d.rows as usize, "row", "rows")
                    )
                })
                .collect(),
            disclosure: DISCLOSURE,
        }
    }
}

/// One row of the overview table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexRow {
    /// Link to the indicator page.
    pub href: String,
    /// The indicator's name.
    pub name: String,
    /// Latest period.
    pub period: String,
    /// ICS value with unit.
    pub value: String,
    /// `a to b`.
    pub limits: String,
    /// Target with unit.
    pub target: String,
    /// Direction in words.
    pub direction: String,
    /// SII with limits.
    pub sii: String,
    /// RII with limits.
    pub rii: String,
}

/// The indicators of one area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Area {
    /// The area, e.g. "Severe mental illness".
    pub name: String,
    /// An id for the row group.
    pub anchor: String,
    /// Its indicators, by name.
    pub rows: Vec<IndexRow>,
}

/// A link to a section page from the index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SectionLink {
    /// Relative link.
    pub href: String,
    /// The section's title.
    pub title: String,
    /// Its lede.
    pub lede: String,
}

/// Section pages under one heading of the index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SectionGroup {
    /// The heading, e.g. "Workforce equality".
    pub name: String,
    /// The pages, in the order given.
    pub links: Vec<SectionLink>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    site_title: &'a str,
    page_title: &'a str,
    root: &'static str,
    generated: &'a str,
    lede: String,
    areas: Vec<Area>,
    groups: Vec<SectionGroup>,
    /// What the compute could not do with this workspace's data, and what it needs.
    skipped: Vec<(String, String)>,
    methods: &'a Methods,
}

#[derive(Template)]
#[template(path = "section.html")]
struct SectionPage<'a> {
    site_title: &'a str,
    page_title: String,
    root: &'static str,
    generated: &'a str,
    group: &'a str,
    title: &'a str,
    lede: &'a str,
    facts: &'a [(String, String)],
    contents: Vec<(String, String)>,
    figures: Vec<SectionFigure>,
    methods: &'a Methods,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage<'a> {
    site_title: &'a str,
    page_title: String,
    root: &'static str,
    generated: &'a str,
    name: &'a str,
    description: &'a str,
    area: &'a str,
    headline: Option<Headline>,
    summary: String,
    listing: Option<crate::data::Table>,
    forests: Vec<Figure>,
    gradient: Option<Gradient>,
    trend: Option<Figure>,
    spc: Vec<SpcFigure>,
    methods: &'a Methods,
    source: &'a str,
    definition: Option<&'a str>,
}

/// The rendered report, not yet written.
#[derive(Debug)]
pub(crate) struct Rendered {
    /// `(path relative to the output directory, contents)`.
    pub files: Vec<(PathBuf, String)>,
    /// HTML pages.
    pub pages: usize,
    /// SVG charts.
    pub charts: usize,
}

/// `value (a to b)` of a published SII or RII row, or `–`.
fn index_inequality(row: Option<&&PublishedInequality>, fmt: impl Fn(f64) -> String) -> String {
    let Some(row) = row else {
        return format::NOT_AVAILABLE.to_owned();
    };
    match cell_number(&row.value) {
        Some(v) => match (cell_number(&row.lowercl), cell_number(&row.uppercl)) {
            (Some(lo), Some(hi)) => format!("{} ({} to {})", fmt(v), fmt(lo), fmt(hi)),
            _ => fmt(v),
        },
        None => format::NOT_AVAILABLE.to_owned(),
    }
}

fn index_row(data: &IndicatorData<'_>, href: String) -> IndexRow {
    let units = &data.units;
    let latest = data.latest();
    let ics: Option<&PublishedRow> = latest.and_then(|p| data.ics(p));
    let value = match ics {
        Some(r) => match cell_number(&r.value) {
            Some(v) => units.value(v),
            None => units.cell(&r.value),
        },
        None => format::NOT_AVAILABLE.to_owned(),
    };
    let limits = ics
        .and_then(|r| Some((cell_number(&r.lowercl)?, cell_number(&r.uppercl)?)))
        .map_or(format::NOT_AVAILABLE.to_owned(), |(lo, hi)| {
            format!("{} to {}", units.bare(lo), units.bare(hi))
        });
    let (sii, rii) = match latest {
        Some(p) => (
            index_inequality(data.inequality(p, ALL, "sii").first(), |x| units.bare(x)),
            index_inequality(data.inequality(p, ALL, "rii").first(), format::ratio),
        ),
        None => (
            format::NOT_AVAILABLE.to_owned(),
            format::NOT_AVAILABLE.to_owned(),
        ),
    };
    IndexRow {
        href,
        name: data.info.name.clone(),
        period: latest.unwrap_or(format::NOT_AVAILABLE).to_owned(),
        value,
        limits,
        target: data
            .info
            .target
            .map_or(format::NOT_AVAILABLE.to_owned(), |t| units.value(t)),
        direction: data::direction_label(&data.info.direction),
        sii,
        rii,
    }
}

/// An indicator's name, falling back to its id when the definitions gave none.
fn display_name(info: &IndicatorInfo, id: &str) -> IndicatorInfo {
    let mut info = info.clone();
    if info.id.is_empty() {
        info.id = id.to_owned();
    }
    if info.name.trim().is_empty() {
        info.name = id.to_owned();
    }
    info
}

/// Renders every page of the report in memory.
pub(crate) fn render(
    results: &Results,
    extra: &[Section],
    options: &ReportOptions,
) -> Result<Rendered, ReportError> {
    // The one place the report reads results' numbers: everything after this line sees only
    // the published (disclosure-controlled) view.
    let (mut rows, inequality, mut spc) = results.publish(&View::Published);
    // The date the report was made, as people read it (`2 December 2026`).
    let generated = format::period_phrase(&options.generated)
        .trim_start_matches("On ")
        .trim_start_matches("In ")
        .to_owned();
    let meta = &results.metadata;
    // Providers by name as well as code, wherever the workspace names them.
    let names = &meta.organisations;
    for r in &mut rows {
        r.group = data::named_providers(&r.breakdown, &r.group, names);
        if let Some(note) = &r.note {
            r.note = Some(data::named_codes(note, names));
        }
    }
    for p in &mut spc {
        p.group = data::named_providers(&p.breakdown, &p.group, names);
    }
    let methods = Methods::of(meta);
    let iod = meta.iod_edition.as_str();

    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut charts = 0;
    let mut areas: BTreeMap<String, Vec<IndexRow>> = BTreeMap::new();
    let mut used: HashSet<String> = HashSet::new();

    for (id, raw_info) in &meta.indicators {
        // Not computed: listed on the index with what it needs, no page of empty charts.
        if meta.skipped.contains_key(id) {
            continue;
        }
        let info = display_name(raw_info, id);
        let data = IndicatorData::new(&info, &rows, &inequality, &spc);

        // Ids that differ only in characters a file name cannot hold still get a page each.
        let base = data::slug(id);
        let mut slug = base.clone();
        let mut n = 2;
        while !used.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let path = PathBuf::from("indicators").join(format!("{slug}.html"));

        let mut ids = ChartIds::default();
        let latest = data.latest();
        let listing = latest.and_then(|p| indicator::listing(&data, p));
        let summary = match (&listing, latest) {
            (Some((_, sentences)), _) => sentences.join(" "),
            (None, Some(p)) => indicator::summary(&data, p).join(" "),
            (None, None) => String::new(),
        };
        let page = IndicatorPage {
            site_title: &options.title,
            page_title: format!("{} – {}", info.name, options.title),
            root: "../",
            generated: &generated,
            name: &info.name,
            description: &info.description,
            area: &info.area,
            headline: latest.map(|p| indicator::headline(&data, p)),
            summary,
            listing: listing.map(|(table, _)| table),
            forests: latest
                .map(|p| indicator::forests(&data, p, iod, &mut ids))
                .unwrap_or_default(),
            gradient: latest.and_then(|p| indicator::gradient(&data, p, iod, &mut ids)),
            trend: indicator::trend(&data, &mut ids),
            spc: indicator::spc(&data, iod, &mut ids),
            methods: &methods,
            source: &info.source,
            definition: meta.definitions.get(id).map(String::as_str),
        };
        let html = page.render().map_err(|e| ReportError::Template {
            page: path.display().to_string(),
            message: e.to_string(),
        })?;
        charts += ids.count();
        files.push((path, html));

        let area = if info.area.trim().is_empty() {
            "Other indicators".to_owned()
        } else {
            info.area.clone()
        };
        areas
            .entry(area)
            .or_default()
            .push(index_row(&data, format!("indicators/{slug}.html")));
    }

    let areas: Vec<Area> = areas
        .into_iter()
        .enumerate()
        .map(|(i, (name, mut rows))| {
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            Area {
                name,
                anchor: format!("area-{}", i + 1),
                rows,
            }
        })
        .collect();
    let mut groups: Vec<SectionGroup> = Vec::new();
    for section in extra {
        let base = format!("sections/{}", data::slug(&section.slug));
        let mut href = format!("{base}.html");
        let mut n = 2;
        while !used.insert(href.clone()) {
            href = format!("{base}-{n}.html");
            n += 1;
        }
        let (figures, drawn) = sections::figures(section);
        let contents = figures
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((format!("part-{}", i + 1), f.part.clone()?)))
            .collect();
        let page = SectionPage {
            site_title: &options.title,
            page_title: format!("{} – {}", section.title, options.title),
            root: "../",
            generated: &generated,
            group: &section.group,
            title: &section.title,
            lede: &section.lede,
            facts: &section.facts,
            contents,
            figures,
            methods: &methods,
        };
        let html = page.render().map_err(|e| ReportError::Template {
            page: href.clone(),
            message: e.to_string(),
        })?;
        charts += drawn;
        files.push((PathBuf::from(&href), html));
        let link = SectionLink {
            href,
            title: section.title.clone(),
            lede: section.lede.clone(),
        };
        match groups.iter_mut().find(|g| g.name == section.group) {
            Some(g) => g.links.push(link),
            None => groups.push(SectionGroup {
                name: section.group.clone(),
                links: vec![link],
            }),
        }
    }

    let indicator_count: usize = areas.iter().map(|a| a.rows.len()).sum();
    let index = IndexPage {
        site_title: &options.title,
        page_title: &options.title,
        root: "",
        generated: &generated,
        lede: format!(
            "How health and care differ between groups of people in the ICS: {} in {}, from \
             published figures only.",
            format::plural(indicator_count, "indicator", "indicators"),
            format::plural(areas.len(), "area", "areas"),
        ),
        areas,
        groups,
        skipped: meta
            .skipped
            .iter()
            .map(|(id, why)| {
                let name = meta
                    .indicators
                    .get(id)
                    .map_or(id.as_str(), |i| i.name.as_str());
                (name.to_owned(), why.clone())
            })
            .collect(),
        methods: &methods,
    };
    let html = index.render().map_err(|e| ReportError::Template {
        page: "index.html".to_owned(),
        message: e.to_string(),
    })?;
    let pages = files.len() + 1;
    files.insert(0, (PathBuf::from("index.html"), html));
    files.push((PathBuf::from("style.css"), STYLE.to_owned()));
    Ok(Rendered {
        files,
        pages,
        charts,
    })
}

/// The report's style sheet.
const STYLE: &str = include_str!("../templates/style.css");
