//! The parts of NHS England's EDS 2022 reporting template that are not scores: the year's
//! cover block, Domain 3's third-party involvement, the completed actions of the previous
//! year and the EDS action plan. Each is read from what a form typed, refused by field.
//!
//! **Source.** The template's parts and their labels are as recalled from NHS England's
//! *EDS Reporting template* (2022), not checked against its text (`docs/ASSURANCE.md` says
//! which parts of EDS 2022 were checked against which source):
//! - cover: EDS Lead; at what level it was completed (an individual organisation, or a
//!   partnership of two or more organisations, naming them); date completed; month and year
//!   published; Organisation Board Sponsor/Lead; name of the Integrated Care System; date
//!   authorised; revision date;
//! - "Completed actions from previous year": each action or activity with the equality
//!   objectives it relates to;
//! - per domain, Outcome | Evidence | Rating | Owner (Dept/Lead) (the owner is kept with the
//!   rating, [`super::Rating::owner`]);
//! - Domain 3: "Third-party involvement in Domain 3 rating and review": trade union reps and
//!   independent evaluators or peer reviewers;
//! - "EDS Action Plan": EDS Lead, year(s) active, EDS Sponsor, authorisation date; rows of
//!   Domain | Outcome | Objective | Action | Completion date.

use std::fmt;

use equalis_assess::{FieldErrors, parse_date_parts};
use jiff::civil::Date;

use super::{Outcome, outcome};
use crate::FinancialYear;

/// The longest one-line answer (a name, a role).
pub const MAX_LINE: usize = 300;
/// The longest text answer (an action, a list of names).
pub const MAX_TEXT: usize = 5_000;

/// At what level the EDS was completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// By one organisation.
    Individual,
    /// By a partnership of two or more organisations.
    Partnership,
}

impl Level {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Individual => "individual",
            Level::Partnership => "partnership",
        }
    }

    /// In the template's words.
    pub fn label(self) -> &'static str {
        match self {
            Level::Individual => "Individual organisation",
            Level::Partnership => "Partnership (two or more organisations)",
        }
    }

    /// Reads the stored name.
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Individual, Level::Partnership]
            .into_iter()
            .find(|l| l.name() == s.trim())
    }
}

/// A month of a year ("February 2026"), as the template's "Month and year published".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthYear {
    /// The year.
    pub year: i16,
    /// 1–12.
    pub month: i8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl MonthYear {
    /// Reads `February 2026`, `Feb 2026`, `2 2026`, `02/2026` or the stored `2026-02`.
    pub fn parse(s: &str) -> Option<MonthYear> {
        let s = s.trim();
        let parts: Vec<&str> = s
            .split(|c: char| c.is_whitespace() || c == '/' || c == '-')
            .filter(|p| !p.is_empty())
            .collect();
        let [a, b] = parts[..] else { return None };
        // `2026-02` (stored) has the year first.
        let (m, y) = if a.len() == 4 && a.bytes().all(|c| c.is_ascii_digit()) {
            (b, a)
        } else {
            (a, b)
        };
        if y.len() != 4 {
            return None;
        }
        let year: i16 = y.parse().ok()?;
        let month = match m.parse::<i8>() {
            Ok(n) => n,
            Err(_) => {
                let lower = m.to_lowercase();
                let i = MONTHS.iter().position(|name| {
                    let name = name.to_lowercase();
                    lower.len() >= 3 && name.starts_with(&lower)
                })?;
                i as i8 + 1
            }
        };
        ((1..=12).contains(&month) && year >= 2022).then_some(MonthYear { year, month })
    }

    /// The stored form, `2026-02`.
    pub fn stored(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for MonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", MONTHS[(self.month - 1) as usize], self.year)
    }
}

/// The three boxes of an NHS.UK date input as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateInput {
    /// Day.
    pub day: String,
    /// Month.
    pub month: String,
    /// Year.
    pub year: String,
}

impl DateInput {
    /// The boxes of a date.
    pub fn of(d: Option<Date>) -> DateInput {
        d.map_or_else(DateInput::default, |d| DateInput {
            day: d.day().to_string(),
            month: d.month().to_string(),
            year: d.year().to_string(),
        })
    }

    fn read(&self, field: &str, what: &str, errors: &mut FieldErrors) -> Option<Date> {
        match parse_date_parts(field, what, &self.day, &self.month, &self.year) {
            Ok(d) => d,
            Err(e) => {
                errors.push(e.field, e.message);
                None
            }
        }
    }
}

/// The year's cover block as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverInput {
    /// `organisation`: the organisation completing the EDS.
    pub organisation: String,
    /// `eds_lead`.
    pub eds_lead: String,
    /// `level`: `individual` or `partnership`.
    pub level: String,
    /// `partners`: the other organisations of a partnership, one a line.
    pub partners: String,
    /// `date_completed`.
    pub date_completed: DateInput,
    /// `month_published`: e.g. `February 2026`.
    pub month_published: String,
    /// `board_sponsor`: the Organisation Board Sponsor/Lead.
    pub board_sponsor: String,
    /// `ics_name`: the Integrated Care System.
    pub ics_name: String,
    /// `date_authorised`.
    pub date_authorised: DateInput,
    /// `authorised_by`: who authorised it (the board or committee).
    pub authorised_by: String,
    /// `revision_date`.
    pub revision_date: DateInput,
    /// `plan_years`: the action plan's year(s) active, `2025/26` or `2025/26 to 2026/27`.
    pub plan_years: String,
}

/// The year's cover block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// The organisation completing the EDS.
    pub organisation: String,
    /// The EDS Lead.
    pub eds_lead: String,
    /// At what level it was completed.
    pub level: Level,
    /// A partnership's other organisations (none for an individual organisation).
    pub partners: Vec<String>,
    /// Date completed.
    pub date_completed: Option<Date>,
    /// Month and year published.
    pub month_published: Option<MonthYear>,
    /// The Organisation Board Sponsor/Lead.
    pub board_sponsor: String,
    /// The Integrated Care System.
    pub ics_name: String,
    /// Date authorised.
    pub date_authorised: Option<Date>,
    /// Who authorised it.
    pub authorised_by: String,
    /// Revision date.
    pub revision_date: Option<Date>,
    /// The action plan's year(s) active: first and last.
    pub plan_years: Option<(FinancialYear, FinancialYear)>,
}

impl Cover {
    /// The organisation and its partners, as the template's "Organisation name(s)".
    pub fn organisations(&self) -> Vec<String> {
        std::iter::once(self.organisation.clone())
            .chain(self.partners.iter().cloned())
            .collect()
    }

    /// The action plan's years in words: `2025/26` or `2025/26 to 2026/27`.
    pub fn plan_years_text(&self) -> Option<String> {
        self.plan_years.map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} to {b}")
            }
        })
    }

    /// The cover as its form shows it (to change it).
    pub fn input(&self) -> CoverInput {
        CoverInput {
            organisation: self.organisation.clone(),
            eds_lead: self.eds_lead.clone(),
            level: self.level.name().into(),
            partners: self.partners.join("\n"),
            date_completed: DateInput::of(self.date_completed),
            month_published: self
                .month_published
                .map(|m| m.to_string())
                .unwrap_or_default(),
            board_sponsor: self.board_sponsor.clone(),
            ics_name: self.ics_name.clone(),
            date_authorised: DateInput::of(self.date_authorised),
            authorised_by: self.authorised_by.clone(),
            revision_date: DateInput::of(self.revision_date),
            plan_years: self.plan_years_text().unwrap_or_default(),
        }
    }
}

fn line(errors: &mut FieldErrors, field: &str, value: &str, missing: Option<&str>) -> String {
    let v = value.trim();
    if v.is_empty() {
        if let Some(m) = missing {
            errors.push(field, m);
        }
    } else if v.chars().count() > MAX_LINE || v.contains(['\n', '\r']) {
        errors.push(
            field,
            format!("Enter it on one line, in {MAX_LINE} characters or fewer"),
        );
    }
    v.to_string()
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, missing: Option<&str>) -> String {
    let v = value.trim();
    if v.is_empty() {
        if let Some(m) = missing {
            errors.push(field, m);
        }
    } else if v.chars().count() > MAX_TEXT {
        errors.push(field, format!("Enter it in {MAX_TEXT} characters or fewer"));
    }
    v.to_string()
}

/// The non-blank lines of a list typed one a line.
fn lines(v: &str) -> Vec<String> {
    v.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Reads `2025/26` or `2025/26 to 2026/27` (also with `-` or `–` between).
fn year_span(s: &str) -> Option<(FinancialYear, FinancialYear)> {
    let s = s.trim();
    let (a, b) = match s.split_once(" to ") {
        Some((a, b)) => (a, b),
        None => match s.split_once(['–', '—']).or_else(|| s.split_once(" - ")) {
            Some((a, b)) => (a, b),
            None => (s, s),
        },
    };
    let a: FinancialYear = a.trim().parse().ok()?;
    let b: FinancialYear = b.trim().parse().ok()?;
    (a <= b).then_some((a, b))
}

impl CoverInput {
    /// The cover of the EDS of `year`, or every problem with it by field.
    pub fn validate(&self, year: FinancialYear) -> Result<Cover, FieldErrors> {
        let mut e = FieldErrors::new();
        let organisation = line(
            &mut e,
            "organisation",
            &self.organisation,
            Some("Enter the name of the organisation completing the EDS"),
        );
        let eds_lead = line(
            &mut e,
            "eds_lead",
            &self.eds_lead,
            Some("Enter the EDS Lead's name and role"),
        );
        let level = Level::parse(&self.level);
        if level.is_none() {
            e.push(
                "level",
                "Select whether one organisation or a partnership completed the EDS",
            );
        }
        let partners = lines(&self.partners);
        match level {
            Some(Level::Partnership) if partners.is_empty() => e.push(
                "partners",
                "Enter the other organisations of the partnership, one a line",
            ),
            Some(Level::Individual) if !partners.is_empty() => e.push(
                "partners",
                "Leave the partner organisations blank, or select a partnership",
            ),
            _ if partners.iter().any(|p| p.chars().count() > MAX_LINE) => e.push(
                "partners",
                format!("Enter each organisation in {MAX_LINE} characters or fewer"),
            ),
            _ => {}
        }
        let date_completed =
            self.date_completed
                .read("date_completed", "the date completed", &mut e);
        let month_published = match self.month_published.trim() {
            "" => None,
            m => {
                let parsed = MonthYear::parse(m);
                if parsed.is_none() {
                    e.push(
                        "month_published",
                        format!(
                            "Enter the month and year published as a month and a year of 4 digits, for example February 2026 (not {m:?})"
                        ),
                    );
                }
                parsed
            }
        };
        let board_sponsor = line(
            &mut e,
            "board_sponsor",
            &self.board_sponsor,
            Some("Enter the Organisation Board Sponsor or Lead"),
        );
        let ics_name = line(
            &mut e,
            "ics_name",
            &self.ics_name,
            Some("Enter the name of the Integrated Care System"),
        );
        let date_authorised =
            self.date_authorised
                .read("date_authorised", "the date authorised", &mut e);
        let authorised_by = line(&mut e, "authorised_by", &self.authorised_by, None);
        if date_authorised.is_some() && authorised_by.is_empty() {
            e.push(
                "authorised_by",
                "Enter who authorised the EDS (the board or committee), as a date authorised is given",
            );
        }
        if date_authorised.is_none()
            && !authorised_by.is_empty()
            && e.get("date_authorised").is_none()
        {
            e.push(
                "date_authorised",
                "Enter the date authorised, as who authorised the EDS is given",
            );
        }
        if let (Some(c), Some(a)) = (date_completed, date_authorised)
            && a < c
        {
            e.push(
                "date_authorised",
                format!("The date authorised must be on or after the date completed ({c})"),
            );
        }
        let revision_date = self
            .revision_date
            .read("revision_date", "the revision date", &mut e);
        if let (Some(c), Some(r)) = (date_completed, revision_date)
            && r <= c
        {
            e.push(
                "revision_date",
                format!("The revision date must be after the date completed ({c})"),
            );
        }
        let plan_years = match self.plan_years.trim() {
            "" => None,
            p => {
                let span = year_span(p);
                match span {
                    None => e.push(
                        "plan_years",
                        format!(
                            "Enter the action plan's year or years as 2025/26, or 2025/26 to 2026/27 (not {p:?})"
                        ),
                    ),
                    Some((a, _)) if a < year => e.push(
                        "plan_years",
                        format!("The action plan cannot start before the year rated, {year}"),
                    ),
                    _ => {}
                }
                span
            }
        };
        e.into_result()?;
        Ok(Cover {
            organisation,
            eds_lead,
            // Checked above: an unreadable level pushed its error.
            level: level.unwrap_or(Level::Individual),
            partners,
            date_completed,
            month_published,
            board_sponsor,
            ics_name,
            date_authorised,
            authorised_by,
            revision_date,
            plan_years,
        })
    }
}

/// Domain 3's third-party involvement in its rating and review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThirdParties {
    /// Trade union representatives, one a line (name and union).
    pub trade_union_reps: Vec<String>,
    /// Independent evaluators or peer reviewers, one a line (name and organisation).
    pub independent_evaluators: Vec<String>,
}

/// Domain 3's third parties as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThirdPartiesInput {
    /// `trade_union_reps`, one a line.
    pub trade_union_reps: String,
    /// `independent_evaluators`, one a line.
    pub independent_evaluators: String,
}

impl ThirdPartiesInput {
    /// The third parties, or the problems by field.
    pub fn validate(&self) -> Result<ThirdParties, FieldErrors> {
        let mut e = FieldErrors::new();
        let t = ThirdParties {
            trade_union_reps: lines(&self.trade_union_reps),
            independent_evaluators: lines(&self.independent_evaluators),
        };
        if t.trade_union_reps.is_empty() && t.independent_evaluators.is_empty() {
            e.push(
                "trade_union_reps",
                "Enter the trade union representatives, or the independent evaluators or peer reviewers, who took part in rating Domain 3",
            );
        }
        for (field, list) in [
            ("trade_union_reps", &t.trade_union_reps),
            ("independent_evaluators", &t.independent_evaluators),
        ] {
            if list.iter().any(|l| l.chars().count() > MAX_LINE) {
                e.push(
                    field,
                    format!("Enter each person on one line of {MAX_LINE} characters or fewer"),
                );
            }
        }
        e.into_result().map(|()| t)
    }
}

impl ThirdParties {
    /// As its form shows it.
    pub fn input(&self) -> ThirdPartiesInput {
        ThirdPartiesInput {
            trade_union_reps: self.trade_union_reps.join("\n"),
            independent_evaluators: self.independent_evaluators.join("\n"),
        }
    }
}

/// An action completed in the previous year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedAction {
    /// The action or activity.
    pub action: String,
    /// The equality objectives it relates to (may be blank).
    pub objectives: String,
}

/// A completed action as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompletedActionInput {
    /// `action`.
    pub action: String,
    /// `objectives`.
    pub objectives: String,
}

impl CompletedActionInput {
    /// The action, or the problems by field.
    pub fn validate(&self) -> Result<CompletedAction, FieldErrors> {
        let mut e = FieldErrors::new();
        let action = text(
            &mut e,
            "action",
            &self.action,
            Some("Enter the action or activity completed"),
        );
        let objectives = text(&mut e, "objectives", &self.objectives, None);
        e.into_result()
            .map(|()| CompletedAction { action, objectives })
    }
}

/// One row of the EDS action plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAction {
    /// The outcome it improves (its domain is the outcome's).
    pub outcome: &'static Outcome,
    /// The equalis objective it serves, by id, if any.
    pub objective_id: Option<i64>,
    /// The objective in words (for a linked objective, blank: its title is shown).
    pub objective: String,
    /// The action.
    pub action: String,
    /// When it is to be completed.
    pub completion: Date,
}

/// An action plan row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanActionInput {
    /// `outcome`, e.g. `2B`.
    pub outcome: String,
    /// `objective_id`: an equalis objective's id, or blank.
    pub objective_id: String,
    /// `objective`: the objective in words when none is linked.
    pub objective: String,
    /// `action`.
    pub action: String,
    /// `completion`.
    pub completion: DateInput,
}

impl PlanActionInput {
    /// The row, or the problems by field. `objectives` are the ids of the equalis objectives
    /// there are (a link to another is refused).
    pub fn validate(&self, objectives: &[i64]) -> Result<PlanAction, FieldErrors> {
        let mut e = FieldErrors::new();
        let outcome = outcome(&self.outcome);
        if outcome.is_none() {
            e.push(
                "outcome",
                "Select the outcome the action improves, 1A to 3C",
            );
        }
        let objective_id = match self.objective_id.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if objectives.contains(&id) => Some(id),
                _ => {
                    e.push(
                        "objective_id",
                        format!("There is no equality objective {v:?}: select one listed, or none"),
                    );
                    None
                }
            },
        };
        let objective = text(&mut e, "objective", &self.objective, None);
        if objective_id.is_none() && objective.is_empty() && e.get("objective_id").is_none() {
            e.push(
                "objective",
                "Enter the objective the action serves, or select an equality objective",
            );
        }
        let action = text(&mut e, "action", &self.action, Some("Enter the action"));
        let completion = self
            .completion
            .read("completion", "the completion date", &mut e);
        if completion.is_none() && e.get("completion").is_none() {
            e.push("completion", "Enter the completion date");
        }
        let (Some(outcome), Some(completion)) = (outcome, completion) else {
            return Err(e);
        };
        e.into_result()?;
        Ok(PlanAction {
            outcome,
            objective_id,
            objective,
            action,
            completion,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn year() -> FinancialYear {
        FinancialYear::starting(2025)
    }

    fn d(day: &str, month: &str, y: &str) -> DateInput {
        DateInput {
            day: day.into(),
            month: month.into(),
            year: y.into(),
        }
    }

    fn cover() -> CoverInput {
        CoverInput {
            organisation: "NHS Synthetic ICB".into(),
            eds_lead: "Ama Mensah, Head of EDI".into(),
            level: "individual".into(),
            partners: String::new(),
            date_completed: d("20", "2", "2026"),
            month_published: "February 2026".into(),
            board_sponsor: "Chief People Officer".into(),
            ics_name: "Synthetic ICS".into(),
            date_authorised: d("26", "2", "2026"),
            authorised_by: "ICB Board".into(),
            revision_date: d("28", "2", "2027"),
            plan_years: "2025/26 to 2026/27".into(),
        }
    }

    #[test]
    fn a_cover_reads_back_and_round_trips_through_its_form() {
        let c = cover().validate(year()).unwrap();
        assert_eq!(c.date_completed, Some(date(2026, 2, 20)));
        assert_eq!(c.month_published.unwrap().to_string(), "February 2026");
        assert_eq!(c.plan_years_text().unwrap(), "2025/26 to 2026/27");
        assert_eq!(c.organisations(), ["NHS Synthetic ICB"]);
        assert_eq!(c.input().validate(year()).unwrap(), c);
    }

    #[test]
    fn a_cover_names_each_problem_by_field() {
        let e = CoverInput::default().validate(year()).unwrap_err();
        for f in [
            "organisation",
            "eds_lead",
            "level",
            "board_sponsor",
            "ics_name",
        ] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        let partnership = CoverInput {
            level: "partnership".into(),
            ..cover()
        };
        assert!(
            partnership
                .validate(year())
                .unwrap_err()
                .get("partners")
                .unwrap()
                .contains("other organisations")
        );
        let ok = CoverInput {
            partners: "Synthetic Community Trust\n\n Synthetic Hospitals \n".into(),
            ..partnership
        }
        .validate(year())
        .unwrap();
        assert_eq!(ok.organisations().len(), 3);
        let mut bad = cover();
        bad.date_authorised = d("1", "1", "2026");
        bad.revision_date = d("31", "2", "2027");
        bad.month_published = "Febtober 2026".into();
        bad.plan_years = "2024/25".into();
        let e = bad.validate(year()).unwrap_err();
        assert!(e.get("date_authorised").unwrap().contains("on or after"));
        assert!(e.get("revision_date").unwrap().contains("real date"));
        assert!(e.get("month_published").unwrap().contains("Febtober"));
        assert!(e.get("plan_years").unwrap().contains("cannot start before"));
        let mut unsigned = cover();
        unsigned.authorised_by.clear();
        assert!(
            unsigned
                .validate(year())
                .unwrap_err()
                .get("authorised_by")
                .is_some()
        );
    }

    #[test]
    fn months_and_year_spans_read_as_people_type_them() {
        for s in ["February 2026", "feb 2026", "2 2026", "02/2026", "2026-02"] {
            assert_eq!(
                MonthYear::parse(s),
                Some(MonthYear {
                    year: 2026,
                    month: 2
                }),
                "{s}"
            );
        }
        for s in ["13 2026", "Fe 2026", "February 26", "February", ""] {
            assert_eq!(MonthYear::parse(s), None, "{s}");
        }
        assert_eq!(year_span("2025/26"), Some((year(), year())));
        assert_eq!(
            year_span("2025/26 – 2026/27"),
            Some((year(), year().next()))
        );
        assert_eq!(year_span("2026/27 to 2025/26"), None);
    }

    #[test]
    fn domain_3_needs_someone_from_outside() {
        assert!(ThirdPartiesInput::default().validate().is_err());
        let t = ThirdPartiesInput {
            trade_union_reps: "J Okafor (UNISON)\n".into(),
            independent_evaluators: String::new(),
        }
        .validate()
        .unwrap();
        assert_eq!(t.trade_union_reps, ["J Okafor (UNISON)"]);
        assert_eq!(t.input().validate().unwrap(), t);
    }

    #[test]
    fn plan_actions_need_an_outcome_an_objective_and_a_date() {
        let ok = PlanActionInput {
            outcome: "2b".into(),
            objective_id: "3".into(),
            objective: String::new(),
            action: "Roll out bystander training".into(),
            completion: d("31", "3", "2027"),
        };
        let a = ok.validate(&[3]).unwrap();
        assert_eq!((a.outcome.code, a.objective_id), ("2B", Some(3)));
        let e = ok.validate(&[1, 2]).unwrap_err();
        assert!(
            e.get("objective_id")
                .unwrap()
                .contains("no equality objective")
        );
        let e = PlanActionInput::default().validate(&[]).unwrap_err();
        for f in ["outcome", "objective", "action", "completion"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        let typed = PlanActionInput {
            objective_id: String::new(),
            objective: "Staff are safe at work".into(),
            ..ok
        };
        assert_eq!(typed.validate(&[]).unwrap().objective_id, None);
        assert!(
            CompletedActionInput::default()
                .validate()
                .unwrap_err()
                .get("action")
                .is_some()
        );
    }
}
