//! Equality objectives and their measures, read from what a person typed.
//!
//! The specific duty (SI 2017/353, reg. 5) asks a public authority to publish one or more
//! specific and measurable equality objectives at least every four years; an objective here
//! therefore runs for at most [`MAX_OBJECTIVE_YEARS`] financial years, and is made measurable
//! by its [`Measure`]s.

use equalis_assess::FieldErrors;

use crate::figure::FigureRef;
use crate::year::FinancialYear;

/// The longest an objective may run: the duty's "at least every four years".
pub const MAX_OBJECTIVE_YEARS: i32 = 4;

const MAX_LINE: usize = 300;
const MAX_TEXT: usize = 20_000;

/// An equality objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// What the objective is, in a line.
    pub title: String,
    /// Why, and what will be done.
    pub description: String,
    /// Who answers for it (a role or a name).
    pub owner: String,
    /// Its first financial year.
    pub start: FinancialYear,
    /// Its last financial year.
    pub end: FinancialYear,
}

/// An objective as typed in its form: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectiveInput {
    /// `title`.
    pub title: String,
    /// `description`.
    pub description: String,
    /// `owner`.
    pub owner: String,
    /// `start_year`, e.g. `2024/25`.
    pub start_year: String,
    /// `end_year`, e.g. `2027/28`.
    pub end_year: String,
}

impl ObjectiveInput {
    /// The objective, or every problem with it by field.
    pub fn validate(&self) -> Result<Objective, FieldErrors> {
        let mut errors = FieldErrors::new();
        line(&mut errors, "title", &self.title, "the objective", true);
        text(
            &mut errors,
            "description",
            &self.description,
            "the description",
        );
        line(
            &mut errors,
            "owner",
            &self.owner,
            "who owns the objective",
            true,
        );
        let start = year(
            &mut errors,
            "start_year",
            &self.start_year,
            "the first year",
        );
        let end = year(&mut errors, "end_year", &self.end_year, "the last year");
        if let (Some(s), Some(e)) = (start, end) {
            let years = s.years_until(e) + 1;
            if years < 1 {
                errors.push("end_year", format!("The last year must be {s} or later"));
            } else if years > MAX_OBJECTIVE_YEARS {
                errors.push(
                    "end_year",
                    format!(
                        "An objective runs for at most {MAX_OBJECTIVE_YEARS} years (the Public Sector Equality Duty asks for objectives at least every four years): enter {} or earlier",
                        FinancialYear::starting(s.start_year() + MAX_OBJECTIVE_YEARS as u16 - 1)
                    ),
                );
            }
        }
        // A year that could not be read has already pushed its error, so `errors` is not empty
        // in the `else` branch.
        let (Some(start), Some(end)) = (start, end) else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(Objective {
            title: self.title.trim().to_string(),
            description: self.description.trim().to_string(),
            owner: self.owner.trim().to_string(),
            start,
            end,
        })
    }

    /// The form's text for an objective, to edit it.
    pub fn from_objective(o: &Objective) -> ObjectiveInput {
        ObjectiveInput {
            title: o.title.clone(),
            description: o.description.clone(),
            owner: o.owner.clone(),
            start_year: o.start.to_string(),
            end_year: o.end.to_string(),
        }
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A higher value is better (a health check rate).
    HigherIsBetter,
    /// A lower value is better (a gap, a relative likelihood above 1, a pay gap).
    LowerIsBetter,
}

impl Direction {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
        }
    }

    /// Reads the stored name.
    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim() {
            "higher" => Some(Direction::HigherIsBetter),
            "lower" => Some(Direction::LowerIsBetter),
            _ => None,
        }
    }

    /// Whether `a` is better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::HigherIsBetter => a > b,
            Direction::LowerIsBetter => a < b,
        }
    }

    /// Whether `a` is at least as good as `b`.
    pub fn at_least(self, a: f64, b: f64) -> bool {
        a == b || self.better(a, b)
    }
}

/// How an objective is measured: a figure equalis publishes, from a baseline to a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// What is measured, in words.
    pub name: String,
    /// The figure followed.
    pub figure: FigureRef,
    /// Which way is better.
    pub direction: Direction,
    /// The baseline's value.
    pub baseline: f64,
    /// The year of the baseline.
    pub baseline_year: FinancialYear,
    /// The target's value.
    pub target: f64,
    /// The year by which the target is to be met.
    pub target_year: FinancialYear,
}

/// A measure as typed in its form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureInput {
    /// `name`.
    pub name: String,
    /// `figure_kind`, `figure_name`, `figure_breakdown`, `figure_group`, `figure_reference`.
    pub figure: [String; 5],
    /// `direction`: `higher` or `lower`.
    pub direction: String,
    /// `baseline`.
    pub baseline: String,
    /// `baseline_year`.
    pub baseline_year: String,
    /// `target`.
    pub target: String,
    /// `target_year`.
    pub target_year: String,
}

impl MeasureInput {
    /// The measure of `objective`, or every problem with it by field. The target year must
    /// fall within the objective's years, and the target must be better than the baseline.
    pub fn validate(&self, objective: &Objective) -> Result<Measure, FieldErrors> {
        let mut errors = FieldErrors::new();
        line(&mut errors, "name", &self.name, "what the measure is", true);
        let [k, n, b, g, r] = &self.figure;
        let figure = match FigureRef::from_parts(k, n, b, g, r) {
            Ok(f) => Some(f),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let direction = Direction::parse(&self.direction);
        if direction.is_none() {
            errors.push(
                "direction",
                "Select whether a higher or a lower value is better",
            );
        }
        let baseline = number(&mut errors, "baseline", &self.baseline, "the baseline");
        let baseline_year = year(
            &mut errors,
            "baseline_year",
            &self.baseline_year,
            "the baseline's year",
        );
        let target = number(&mut errors, "target", &self.target, "the target");
        let target_year = year(
            &mut errors,
            "target_year",
            &self.target_year,
            "the target's year",
        );
        if let (Some(b), Some(t)) = (baseline_year, target_year) {
            if t <= b {
                errors.push(
                    "target_year",
                    format!("The target's year must be after the baseline's ({b})"),
                );
            } else if t < objective.start || t > objective.end {
                errors.push(
                    "target_year",
                    format!(
                        "The target's year must be within the objective's years, {} to {}",
                        objective.start, objective.end
                    ),
                );
            }
        }
        if let (Some(d), Some(b), Some(t)) = (direction, baseline, target)
            && !d.better(t, b)
        {
            errors.push(
                "target",
                format!(
                    "The target must be {} than the baseline ({b}), since a {} value is better",
                    if d == Direction::HigherIsBetter {
                        "higher"
                    } else {
                        "lower"
                    },
                    if d == Direction::HigherIsBetter {
                        "higher"
                    } else {
                        "lower"
                    }
                ),
            );
        }
        // Each part that could not be read has already pushed its error, so `errors` is not
        // empty in the `else` branch.
        let (
            Some(figure),
            Some(direction),
            Some(baseline),
            Some(baseline_year),
            Some(target),
            Some(target_year),
        ) = (
            figure,
            direction,
            baseline,
            baseline_year,
            target,
            target_year,
        )
        else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(Measure {
            name: self.name.trim().to_string(),
            figure,
            direction,
            baseline,
            baseline_year,
            target,
            target_year,
        })
    }

    /// The form's text for a measure, to edit it.
    pub fn from_measure(m: &Measure) -> MeasureInput {
        MeasureInput {
            name: m.name.clone(),
            figure: m.figure.parts(),
            direction: m.direction.name().to_string(),
            baseline: m.baseline.to_string(),
            baseline_year: m.baseline_year.to_string(),
            target: m.target.to_string(),
            target_year: m.target_year.to_string(),
        }
    }
}

fn line(errors: &mut FieldErrors, field: &str, value: &str, what: &str, required: bool) {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(field, format!("Enter {what}"));
        }
    } else if v.chars().count() > MAX_LINE {
        errors.push(
            field,
            format!("Enter {what} in {MAX_LINE} characters or fewer"),
        );
    } else if v.contains(['\n', '\r']) {
        errors.push(field, format!("Enter {what} on one line"));
    }
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.chars().count() > MAX_TEXT {
        errors.push(
            field,
            format!("Enter {what} in {MAX_TEXT} characters or fewer"),
        );
    }
}

fn year(errors: &mut FieldErrors, field: &str, value: &str, what: &str) -> Option<FinancialYear> {
    if value.trim().is_empty() {
        errors.push(field, format!("Enter {what}, for example 2025/26"));
        return None;
    }
    match value.parse() {
        Ok(y) => Some(y),
        Err(_) => {
            errors.push(
                field,
                format!("Enter {what} as a financial year, for example 2025/26"),
            );
            None
        }
    }
}

fn number(errors: &mut FieldErrors, field: &str, value: &str, what: &str) -> Option<f64> {
    let v = value.trim().trim_end_matches('%').trim();
    if v.is_empty() {
        errors.push(field, format!("Enter {what}"));
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(field, format!("Enter {what} as a number, for example 42.5"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective() -> Objective {
        ObjectiveInput {
            title: "Close the SMI health check gap".into(),
            description: "Deprived areas first.".into(),
            owner: "Director of Population Health".into(),
            start_year: "2024/25".into(),
            end_year: "2027/28".into(),
        }
        .validate()
        .unwrap()
    }

    fn measure() -> MeasureInput {
        MeasureInput {
            name: "Gap in SMI health checks, most vs least deprived".into(),
            figure: [
                "indicator_gap",
                "smi_health_check",
                "imd_quintile",
                "5",
                "1",
            ]
            .map(String::from),
            direction: "lower".into(),
            baseline: "12.5".into(),
            baseline_year: "2023/24".into(),
            target: "5".into(),
            target_year: "2027/28".into(),
        }
    }

    #[test]
    fn a_good_objective_and_measure_are_read() {
        let o = objective();
        assert_eq!(o.start.to_string(), "2024/25");
        let m = measure().validate(&o).unwrap();
        assert_eq!(m.baseline, 12.5);
        assert_eq!(m.direction, Direction::LowerIsBetter);
        assert_eq!(MeasureInput::from_measure(&m).validate(&o).unwrap(), m);
        assert_eq!(ObjectiveInput::from_objective(&o).validate().unwrap(), o);
    }

    #[test]
    fn an_objective_runs_at_most_four_years() {
        let mut i = ObjectiveInput::from_objective(&objective());
        i.end_year = "2028/29".into();
        let e = i.validate().unwrap_err();
        assert!(
            e.get("end_year").unwrap().contains("2027/28 or earlier"),
            "{e}"
        );
        i.end_year = "2023/24".into();
        assert!(
            i.validate()
                .unwrap_err()
                .get("end_year")
                .unwrap()
                .contains("2024/25 or later")
        );
        i.end_year = "2024/25".into();
        assert!(i.validate().is_ok(), "a one-year objective is allowed");
    }

    #[test]
    fn every_blank_field_is_named() {
        let e = ObjectiveInput::default().validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "owner", "start_year", "end_year"]);
        let e = MeasureInput::default().validate(&objective()).unwrap_err();
        for f in [
            "name",
            "figure_kind",
            "direction",
            "baseline",
            "baseline_year",
            "target",
            "target_year",
        ] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
    }

    #[test]
    fn a_target_must_improve_on_the_baseline_within_the_objective() {
        let o = objective();
        let mut m = measure();
        m.target = "15".into();
        assert!(
            m.validate(&o)
                .unwrap_err()
                .get("target")
                .unwrap()
                .contains("lower than the baseline")
        );
        m.target = "12.5".into();
        assert!(m.validate(&o).is_err(), "no change is not a target");
        let mut m = measure();
        m.target_year = "2028/29".into();
        assert!(
            m.validate(&o)
                .unwrap_err()
                .get("target_year")
                .unwrap()
                .contains("2024/25 to 2027/28")
        );
        m.target_year = "2023/24".into();
        assert!(
            m.validate(&o)
                .unwrap_err()
                .get("target_year")
                .unwrap()
                .contains("after the baseline")
        );
        let mut m = measure();
        m.baseline = "twelve".into();
        m.target = "5%".into();
        let e = m.validate(&o).unwrap_err();
        assert_eq!(e.len(), 1, "{e}");
        assert!(e.get("baseline").unwrap().contains("as a number"));
    }
}
