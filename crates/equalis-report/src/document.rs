//! A single accessible HTML document made of parts, each with paragraphs of text, indicator
//! figures and published tables (the annual equality report, `equalis_app::annual`): the same
//! NHS.UK style sheet, charts and table markup as the report's pages, on one page that prints.
//!
//! Every number in a document comes in already published: the figures from published rows
//! ([`crate::PageFigures`]), the tables as [`crate::tables::Sheet`]s of published cells.

use askama::Template;

use crate::indicator::Figure;
use crate::sections::{self, Section, SectionFigure};
use crate::tables::Sheet;
use crate::{Chart, ReportError};

/// One part of a document: an `h2` and what follows it.
#[derive(Debug, Clone, Default)]
pub struct Part {
    /// The heading's id (letters, digits and `-`), for the contents' links.
    pub id: String,
    /// The `h2`.
    pub heading: String,
    /// Paragraphs of text, in order (plain text: escaped).
    pub paragraphs: Vec<String>,
    /// Indicator figures (chart, notes and table).
    pub figures: Vec<Figure>,
    /// Published tables, each drawn as its chart says; laid out after the figures.
    pub sheets: Vec<SectionFigure>,
}

impl Part {
    /// A part with a heading and nothing under it yet.
    pub fn new(id: &str, heading: impl Into<String>) -> Part {
        Part {
            id: id.to_string(),
            heading: heading.into(),
            ..Part::default()
        }
    }

    /// Adds a published table, drawn as `chart` says, with `notes` under it.
    pub fn sheet(&mut self, sheet: Sheet, chart: Option<Chart>, notes: Vec<String>) {
        let section = Section {
            slug: String::new(),
            title: String::new(),
            group: String::new(),
            lede: String::new(),
            facts: Vec::new(),
            blocks: vec![sections::Block {
                part: None,
                sheet,
                chart,
                notes,
            }],
        };
        self.sheets.extend(sections::figures(&section).0);
    }

    /// Adds every table of a report section (a workforce return), with its parts as `h3`s.
    pub fn section(&mut self, section: &Section) {
        self.sheets.extend(sections::figures(section).0);
    }
}

/// A document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The site's name in the header (the organisation).
    pub site_title: String,
    /// The `h1` and `<title>`.
    pub title: String,
    /// One sentence under the title.
    pub lede: String,
    /// Facts under the lede (year, data dates).
    pub facts: Vec<(String, String)>,
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// When it was generated, as people read it.
    pub generated: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    site_title: &'a str,
    title: &'a str,
    lede: &'a str,
    facts: &'a [(String, String)],
    parts: &'a [Part],
    generated: &'a str,
    version: &'static str,
    style_href: &'a str,
    /// The style sheet itself, inlined instead of linked (empty: linked at `style_href`).
    inline_style: &'a str,
}

/// The style sheet the report's pages and documents link to.
pub const STYLE_CSS: &str = include_str!("../templates/style.css");

/// The document as one HTML page linking its style sheet at `style_href` (`style.css` beside
/// it when written as files; the web server's own path when served).
pub fn render_document(doc: &Document, style_href: &str) -> Result<String, ReportError> {
    DocumentPage {
        site_title: &doc.site_title,
        title: &doc.title,
        lede: &doc.lede,
        facts: &doc.facts,
        parts: &doc.parts,
        generated: &doc.generated,
        version: env!("CARGO_PKG_VERSION"),
        style_href,
        inline_style: "",
    }
    .render()
    .map_err(|e| ReportError::Template {
        page: "document.html".into(),
        message: e.to_string(),
    })
}

/// The document as one self-contained HTML page for printing to PDF: the style sheet is
/// inlined, since a printer given one file follows no links (`equalis_app::pdf`).
pub fn render_document_for_print(doc: &Document) -> Result<String, ReportError> {
    DocumentPage {
        site_title: &doc.site_title,
        title: &doc.title,
        lede: &doc.lede,
        facts: &doc.facts,
        parts: &doc.parts,
        generated: &doc.generated,
        version: env!("CARGO_PKG_VERSION"),
        style_href: "",
        inline_style: STYLE_CSS,
    }
    .render()
    .map_err(|e| ReportError::Template {
        page: "document.html".into(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::Val;

    #[test]
    fn a_document_escapes_text_and_labels_every_part() {
        let mut part = Part::new("objectives", "Equality objectives");
        part.paragraphs.push("Gaps <closing> & more".into());
        let mut sheet = Sheet::new("t", "Objectives", &["Objective", "Status"]);
        sheet.row(vec![Val::text("One"), Val::text("On track")]);
        part.sheet(sheet, None, vec![]);
        let doc = Document {
            site_title: "NHS Example ICB".into(),
            title: "Annual equality report 2025/26".into(),
            parts: vec![part],
            generated: "1 May 2026".into(),
            ..Document::default()
        };
        let html = render_document(&doc, "style.css").unwrap();
        assert!(html.contains("Gaps &#60;closing&#62; &#38; more"), "{html}");
        assert!(html.contains(r##"<a href="#objectives">Equality objectives</a>"##));
        assert!(html.contains("<caption>Objectives</caption>"));
        assert!(html.contains(r#"<th scope="row">One</th>"#));
        assert_eq!(html.matches("<h1>").count(), 1);
    }

    #[test]
    fn a_document_for_print_carries_its_style_and_links_nothing() {
        let doc = Document {
            title: "Annual equality report 2025/26".into(),
            parts: vec![Part::new("psed", "PSED")],
            ..Document::default()
        };
        let html = render_document_for_print(&doc).unwrap();
        assert!(!html.contains("<link"), "no linked style sheet");
        assert!(html.contains("<style>"));
        // The style sheet is inlined unescaped (its quotes and `>` selectors intact).
        assert!(html.contains("details.long-table > summary"));
        let linked = render_document(&doc, "style.css").unwrap();
        assert!(linked.contains(r#"<link rel="stylesheet" href="style.css">"#));
        assert!(!linked.contains("<style>"));
    }
}
