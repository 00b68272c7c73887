//! The EDS 2022 summary report of a year in the order of NHS England's reporting template:
//! the cover, the completed actions of the previous year, the three domains' tables
//! (Outcome | Evidence | Rating | Owner) with each domain's rating, Domain 3's third parties,
//! the organisation rating with its bands, and the action plan. [`parts`] is shared by the
//! page `/eds/{year}/report` ([`document`]) and the annual equality report's EDS section
//! ([`section`]), so both say the same.
//!
//! Every cell is a label or a score the EDS panels gave (no count of people), so no cell
//! needs disclosure control; names are those the organisation publishes in its EDS report.

use equalis_assure::FinancialYear;
use equalis_assure::eds::{Domain, Score};
use equalis_report::tables::{Sheet, Val, round};
use equalis_report::{Document, Part};
use equalis_store::assurance::EdsReport;
use jiff::civil::Date;

/// A date as the report reads it: `20 February 2026`.
fn day(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

fn or_blank(d: Option<Date>) -> String {
    d.map(day).unwrap_or_else(|| "Not given".into())
}

/// A score or total to two places at most: `2`, `1.5`.
fn score_text(v: f64) -> String {
    round(v, 2).to_string()
}

fn rated(points: u8) -> String {
    let s = Score::from_points(points).unwrap_or(Score::Undeveloped);
    format!("{} ({})", s.points(), s.activity())
}

/// The report's parts, in the template's order.
pub fn parts(r: &EdsReport) -> Vec<Part> {
    let year = r.year;
    let mut parts = Vec::new();

    // The cover.
    let mut cover = Part::new("eds-cover", "EDS 2022 summary: cover");
    match &r.cover {
        Some(c) => {
            let c = &c.cover;
            let mut sheet = Sheet::new("eds_cover", format!("EDS 2022, {year}"), &["Item", "Detail"]);
            let level = match c.level {
                equalis_assure::eds::template::Level::Individual => {
                    format!("{} ({})", c.level.label(), c.organisation)
                }
                equalis_assure::eds::template::Level::Partnership => format!(
                    "{}: {}",
                    c.level.label(),
                    c.organisations().join("; ")
                ),
            };
            for (k, v) in [
                ("EDS Lead", c.eds_lead.clone()),
                ("At what level has this been completed?", level),
                ("Date completed", or_blank(c.date_completed)),
                (
                    "Month and year published",
                    c.month_published
                        .map_or_else(|| "Not given".into(), |m| m.to_string()),
                ),
                ("Organisation Board Sponsor/Lead", c.board_sponsor.clone()),
                ("Name of Integrated Care System", c.ics_name.clone()),
                (
                    "Date authorised",
                    match c.date_authorised {
                        Some(d) => format!("{} by {}", day(d), c.authorised_by),
                        None => "Not yet authorised".into(),
                    },
                ),
                ("Revision date", or_blank(c.revision_date)),
            ] {
                sheet.row(vec![Val::text(k), Val::text(v)]);
            }
            cover.sheet(sheet, None, vec![]);
        }
        None => cover.paragraphs.push(format!(
            "The cover of the EDS 2022 summary for {year} (EDS Lead, Board Sponsor, dates) has not been filled in."
        )),
    }
    parts.push(cover);

    // Completed actions from the previous year.
    let mut completed = Part::new(
        "eds-completed-actions",
        "Completed actions from previous year",
    );
    if r.completed.is_empty() {
        completed
            .paragraphs
            .push("No completed actions from the previous year are recorded.".into());
    } else {
        let mut sheet = Sheet::new(
            "eds_completed",
            format!("Actions completed before {year}"),
            &["Action/activity", "Related equality objectives"],
        );
        for a in &r.completed {
            sheet.row(vec![
                Val::text(a.action.action.clone()),
                Val::text(a.action.objectives.clone()),
            ]);
        }
        completed.sheet(sheet, None, vec![]);
    }
    parts.push(completed);

    // The three domains.
    for d in &r.summary.domains {
        let domain = d.domain;
        let mut part = Part::new(
            &format!("eds-domain-{}", domain.number()),
            format!("Domain {}: {}", domain.number(), domain.title()),
        );
        let services = domain == Domain::Services;
        let headers: &[&str] = if services {
            &[
                "Outcome",
                "Service",
                "Evidence",
                "Rating",
                "Owner (Dept/Lead)",
            ]
        } else {
            &["Outcome", "Evidence", "Rating", "Owner (Dept/Lead)"]
        };
        let mut sheet = Sheet::new(
            &format!("eds_domain_{}", domain.number()),
            format!("Domain {}: {}, {year}", domain.number(), domain.title()),
            headers,
        );
        for o in domain.outcomes() {
            let ratings: Vec<_> = r.ratings.iter().filter(|x| x.rating.outcome == o).collect();
            let label = format!("{} {}", o.code, o.wording);
            if ratings.is_empty() {
                let mut row = vec![Val::text(label.clone()), Val::text("No evidence recorded")];
                if services {
                    row.insert(1, Val::text(""));
                }
                row.push(Val::text("Not rated"));
                row.push(Val::text(""));
                sheet.row(row);
            }
            for x in ratings {
                let owner = if x.rating.owner.is_empty() {
                    "Not named".to_string()
                } else {
                    x.rating.owner.clone()
                };
                let mut row = vec![
                    Val::text(label.clone()),
                    Val::text(x.rating.evidence.clone()),
                    Val::text(format!(
                        "{} (rated by {})",
                        rated(x.rating.score.points()),
                        x.rating.rater_group.label().to_lowercase()
                    )),
                    Val::text(owner),
                ];
                if services {
                    row.insert(1, Val::text(x.rating.service.clone().unwrap_or_default()));
                }
                sheet.row(row);
            }
        }
        let total = d.total.map_or_else(
            || "Incomplete: not every outcome is rated".to_string(),
            |t| format!("{} of {}", score_text(t), domain.max_score()),
        );
        part.paragraphs.push(format!(
            "Domain {} overall rating: {total}.",
            domain.number()
        ));
        if services && !d.services.is_empty() {
            part.paragraphs.push(format!(
                "Domain 1 was rated for each service: {}; each outcome's score is the mean over these services.",
                d.services
                    .iter()
                    .map(|(n, t)| format!("{n} ({t} of 12)"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !d.incomplete_services.is_empty() {
            part.paragraphs.push(format!(
                "Not yet counted (not rated on all four outcomes): {}.",
                d.incomplete_services.join(", ")
            ));
        }
        part.sheet(sheet, None, vec![]);
        if domain == Domain::Leadership {
            let (unions, evaluators) = r.third_parties.as_ref().map_or_else(
                || (Vec::new(), Vec::new()),
                |t| {
                    (
                        t.parties.trade_union_reps.clone(),
                        t.parties.independent_evaluators.clone(),
                    )
                },
            );
            let names = |v: &[String]| {
                if v.is_empty() {
                    "None named".to_string()
                } else {
                    v.join("; ")
                }
            };
            let mut sheet = Sheet::new(
                "eds_domain_3_third_parties",
                "Third-party involvement in Domain 3 rating and review",
                &["Third party", "Names"],
            );
            sheet.row(vec![
                Val::text("Trade Union Rep(s)"),
                Val::text(names(&unions)),
            ]);
            sheet.row(vec![
                Val::text("Independent Evaluator(s)/Peer Reviewer(s)"),
                Val::text(names(&evaluators)),
            ]);
            part.sheet(sheet, None, vec![]);
        }
        parts.push(part);
    }

    // The organisation rating.
    let mut org = Part::new(
        "eds-organisation-rating",
        "EDS Organisation Rating (overall rating)",
    );
    let names = r.cover.as_ref().map_or_else(
        || "Not given (fill in the cover)".to_string(),
        |c| c.cover.organisations().join("; "),
    );
    let (total, rating) = match (r.summary.total, r.summary.rating) {
        (Some(t), Some(s)) => (format!("{} of 33", score_text(t)), s.activity()),
        _ => (
            "Incomplete".to_string(),
            format!(
                "Not yet rated: outcomes {} are not rated",
                r.summary.missing.join(", ")
            ),
        ),
    };
    org.paragraphs.push(
        "The overall rating adds all eleven outcome scores and reads the total against the bands below."
            .into(),
    );
    let mut sheet = Sheet::new(
        "eds_organisation_rating",
        format!("EDS Organisation Rating, {year}"),
        &["Organisation name(s)", "Total of outcome scores", "Rating"],
    );
    sheet.row(vec![Val::text(names), Val::text(total), Val::text(rating)]);
    org.sheet(sheet, None, vec![]);
    let mut bands = Sheet::new(
        "eds_bands",
        "Rating bands of the total of outcome scores",
        &["Rating", "Total of outcome scores"],
    );
    for (s, range) in r.bands.describe() {
        bands.row(vec![Val::text(s.activity()), Val::text(range)]);
    }
    org.sheet(bands, None, vec![]);
    parts.push(org);

    // The action plan.
    let mut plan = Part::new("eds-action-plan", "EDS Action Plan");
    let c = r.cover.as_ref().map(|c| &c.cover);
    let mut head = Sheet::new(
        "eds_action_plan_cover",
        format!("EDS Action Plan, {year}"),
        &["Item", "Detail"],
    );
    for (k, v) in [
        (
            "EDS Lead",
            c.map_or_else(|| "Not given".into(), |c| c.eds_lead.clone()),
        ),
        (
            "Year(s) active",
            c.and_then(|c| c.plan_years_text())
                .unwrap_or_else(|| year.to_string()),
        ),
        (
            "EDS Sponsor",
            c.map_or_else(|| "Not given".into(), |c| c.board_sponsor.clone()),
        ),
        (
            "Authorisation date",
            c.and_then(|c| c.date_authorised)
                .map_or_else(|| "Not yet authorised".into(), day),
        ),
    ] {
        head.row(vec![Val::text(k), Val::text(v)]);
    }
    plan.sheet(head, None, vec![]);
    if r.actions.is_empty() {
        plan.paragraphs
            .push(format!("No actions are planned yet for {year}."));
    } else {
        let mut rows = Sheet::new(
            "eds_action_plan",
            format!("Actions following the EDS 2022 review of {year}"),
            &[
                "Domain",
                "Outcome",
                "Objective",
                "Action",
                "Completion date",
            ],
        );
        for a in &r.actions {
            let o = a.action.outcome;
            rows.row(vec![
                Val::text(format!(
                    "Domain {}: {}",
                    o.domain.number(),
                    o.domain.title()
                )),
                Val::text(format!("{} {}", o.code, o.wording)),
                Val::text(a.objective_text()),
                Val::text(a.action.action.clone()),
                Val::text(day(a.action.completion)),
            ]);
        }
        plan.sheet(rows, None, vec![]);
    }
    parts.push(plan);
    parts
}

/// The report as its own page: `/eds/{year}/report`.
pub fn document(r: &EdsReport) -> Document {
    let year: FinancialYear = r.year;
    let org = r
        .cover
        .as_ref()
        .map(|c| c.cover.organisation.clone())
        .unwrap_or_else(|| "Equality Delivery System 2022".into());
    Document {
        site_title: org,
        title: format!("EDS 2022 summary report {year}"),
        lede: format!(
            "Our Equality Delivery System 2022 review of {year}, in the order of NHS England's EDS reporting template."
        ),
        facts: vec![("Year".into(), year.to_string())],
        parts: parts(r),
        generated: jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect(),
    }
}

/// The report folded into one part (one heading) of the annual equality report: its
/// paragraphs, then its tables, each with its caption.
pub fn section(r: &EdsReport) -> Part {
    let mut eds = Part::new("eds-2022", "Equality Delivery System 2022");
    let s = &r.summary;
    eds.paragraphs.push(match (s.total, s.rating) {
        (Some(t), Some(rating)) => format!(
            "Overall rating: {} ({} of 33).",
            rating.label(),
            score_text(t)
        ),
        _ => format!(
            "The EDS 2022 assessment for {} is not complete: outcomes {} are not yet rated.",
            r.year,
            s.missing.join(", ")
        ),
    });
    for p in parts(r) {
        eds.paragraphs.extend(p.paragraphs);
        eds.figures.extend(p.figures);
        eds.sheets.extend(p.sheets);
    }
    eds
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_assure::eds::template::{CoverInput, DateInput};
    use equalis_assure::eds::{Bands, summarise};

    fn empty(year: FinancialYear) -> EdsReport {
        EdsReport {
            year,
            cover: None,
            completed: vec![],
            ratings: vec![],
            summary: summarise(&[], &Bands::default()).unwrap(),
            bands: Bands::default(),
            third_parties: None,
            actions: vec![],
        }
    }

    fn cells(parts: &[Part]) -> String {
        format!("{parts:?}")
    }

    #[test]
    fn an_empty_year_says_what_is_missing_in_the_templates_order() {
        let year = FinancialYear::starting(2025);
        let p = parts(&empty(year));
        let headings: Vec<&str> = p.iter().map(|p| p.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "EDS 2022 summary: cover",
                "Completed actions from previous year",
                "Domain 1: Commissioned or provided services",
                "Domain 2: Workforce health and well-being",
                "Domain 3: Inclusive leadership",
                "EDS Organisation Rating (overall rating)",
                "EDS Action Plan",
            ]
        );
        let all = cells(&p);
        assert!(all.contains("has not been filled in"));
        assert!(all.contains("Not yet rated: outcomes 1A"));
        assert!(all.contains("None named"));
        assert!(all.contains("under 8"));
        let s = section(&empty(year));
        assert_eq!(s.heading, "Equality Delivery System 2022");
        assert!(s.paragraphs[0].contains("not complete"));
    }

    #[test]
    fn the_cover_reads_as_the_template_has_it() {
        let year = FinancialYear::starting(2025);
        let mut r = empty(year);
        let cover = CoverInput {
            organisation: "NHS Synthetic ICB".into(),
            eds_lead: "Ama Mensah".into(),
            level: "individual".into(),
            board_sponsor: "Chief People Officer".into(),
            ics_name: "Synthetic ICS".into(),
            date_authorised: DateInput {
                day: "26".into(),
                month: "2".into(),
                year: "2026".into(),
            },
            authorised_by: "ICB Board".into(),
            ..CoverInput::default()
        }
        .validate(year)
        .unwrap();
        r.cover = Some(equalis_store::assurance::StoredCover {
            year,
            cover,
            saved_by: "x".into(),
            saved_at: jiff::Timestamp::UNIX_EPOCH,
        });
        let all = cells(&parts(&r));
        assert!(all.contains("26 February 2026 by ICB Board"), "{all}");
        assert!(all.contains("Individual organisation (NHS Synthetic ICB)"));
        assert!(all.contains("Not given"));
    }
}
