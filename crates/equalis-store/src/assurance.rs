//! Assurance (issue 16): equality objectives and their measures, EDS 2022 ratings per year,
//! and the annual report's narrative sections, under the rules of `equalis_assure`: the
//! store reads what a form typed through `equalis_assure`'s validation (a refusal is
//! [`StoreError::Assurance`], by field) and writes the change and its audit entry in one
//! transaction.
//!
//! Who may do what is [`may_edit_assurance`] and [`may_rate_eds`]; the web layer checks them
//! before it calls, and the store's callers name the [`Actor`] the audit log records.
//!
//! Narrative sections are kept as versions: saving a section adds a version (when its text
//! changed), and versions are never changed or removed (the database refuses it too), so a
//! published report's text can always be found again.

use equalis_assure::eds::{self, Bands, Rating, RatingInput, Summary};
use equalis_assure::{
    FieldErrors, FigureRef, FinancialYear, Measure, MeasureInput, Objective, ObjectiveInput,
    narrative,
};
use jiff::Timestamp;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Actor};

mod eds_template;
use crate::clock::{from_secs, to_secs};
use crate::{Role, Store, StoreError};
pub use eds_template::{
    EdsReport, StoredCompletedAction, StoredCover, StoredPlanAction, StoredThirdParties,
};

/// The audit log's actions for assurance.
pub mod action {
    /// An equality objective created (its fields).
    pub const OBJECTIVE_CREATED: &str = "objective.created";
    /// An equality objective changed (the fields changed and their new values).
    pub const OBJECTIVE_CHANGED: &str = "objective.changed";
    /// A measure added to an objective.
    pub const MEASURE_CREATED: &str = "measure.created";
    /// A measure changed.
    pub const MEASURE_CHANGED: &str = "measure.changed";
    /// A measure removed.
    pub const MEASURE_REMOVED: &str = "measure.removed";
    /// An EDS 2022 outcome rated (or its rating changed).
    pub const EDS_RATED: &str = "eds.rated";
    /// An EDS 2022 rating removed.
    pub const EDS_RATING_REMOVED: &str = "eds.rating_removed";
    /// The EDS 2022 cover block of a year saved (its fields).
    pub const EDS_COVER_SAVED: &str = "eds.cover_saved";
    /// Domain 3's third-party involvement of a year saved.
    pub const EDS_THIRD_PARTIES_SAVED: &str = "eds.third_parties_saved";
    /// A completed action of the previous year added to a year's EDS.
    pub const EDS_COMPLETED_ACTION_ADDED: &str = "eds.completed_action_added";
    /// A completed action removed.
    pub const EDS_COMPLETED_ACTION_REMOVED: &str = "eds.completed_action_removed";
    /// A row added to a year's EDS action plan.
    pub const EDS_ACTION_ADDED: &str = "eds.action_added";
    /// A row of the action plan removed.
    pub const EDS_ACTION_REMOVED: &str = "eds.action_removed";
    /// A narrative section of the annual report saved as a new version.
    pub const REPORT_SECTION_SAVED: &str = "report_section.saved";
    /// A signed-in account refused an assurance page or form for its role (who, which
    /// page, why).
    pub const ASSURANCE_REFUSED: &str = "assurance.refused";
}

/// Whether an account's role may write objectives, measures and the report's narrative:
/// EDI leads and administrators.
pub fn may_edit_assurance(role: Role) -> bool {
    matches!(role, Role::EdiLead | Role::Admin)
}

/// Whether an account's role may record EDS 2022 ratings: EDI leads and administrators
/// enter the scores the stakeholder panels gave, and reviewers (who sit with those panels,
/// independent of the work rated) record them too. Each rating names the group that rated it.
pub fn may_rate_eds(role: Role) -> bool {
    matches!(role, Role::EdiLead | Role::Admin | Role::Reviewer)
}

/// An objective as stored, with its measures (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObjective {
    /// The store's id.
    pub id: i64,
    /// The objective.
    pub objective: Objective,
    /// Its measures.
    pub measures: Vec<StoredMeasure>,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A measure as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeasure {
    /// The store's id.
    pub id: i64,
    /// Its objective.
    pub objective_id: i64,
    /// The measure.
    pub measure: Measure,
}

/// An EDS 2022 rating as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRating {
    /// The store's id.
    pub id: i64,
    /// The year rated.
    pub year: FinancialYear,
    /// The rating.
    pub rating: Rating,
    /// Who recorded it (the audit actor's description).
    pub rated_by: String,
    /// When it was recorded.
    pub updated_at: Timestamp,
}

/// One saved version of a narrative section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionVersion {
    /// The report's year.
    pub year: FinancialYear,
    /// The section's key (`equalis_assure::narrative::SECTIONS`).
    pub section: String,
    /// Its version, from 1.
    pub version: u32,
    /// The text.
    pub body: String,
    /// Who saved it.
    pub saved_by: String,
    /// When.
    pub saved_at: Timestamp,
}

fn year_of(v: i64, what: &str) -> Result<FinancialYear, StoreError> {
    u16::try_from(v)
        .map(FinancialYear::starting)
        .map_err(|_| StoreError::Corrupt(format!("{what} has the year {v}")))
}

fn year_col(y: FinancialYear) -> i64 {
    i64::from(y.start_year())
}

const OBJECTIVE_COLUMNS: &str = "id, title, description, owner, start_year, end_year, updated_at";

fn objective_from_row(row: &AnyRow) -> Result<(i64, Objective, Timestamp), StoreError> {
    let id: i64 = row.try_get("id")?;
    let what = format!("objective {id}");
    Ok((
        id,
        Objective {
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            owner: row.try_get("owner")?,
            start: year_of(row.try_get("start_year")?, &what)?,
            end: year_of(row.try_get("end_year")?, &what)?,
        },
        from_secs(row.try_get("updated_at")?),
    ))
}

const MEASURE_COLUMNS: &str = "id, objective_id, name, figure_kind, figure_name, figure_breakdown, \
     figure_group, figure_reference, direction, baseline, baseline_year, target, target_year";

fn measure_from_row(row: &AnyRow) -> Result<StoredMeasure, StoreError> {
    let id: i64 = row.try_get("id")?;
    let corrupt = |what: String| StoreError::Corrupt(format!("measure {id}: {what}"));
    let parts: Vec<String> = [
        "figure_kind",
        "figure_name",
        "figure_breakdown",
        "figure_group",
        "figure_reference",
    ]
    .iter()
    .map(|c| row.try_get::<String, _>(*c))
    .collect::<Result<_, _>>()?;
    let figure = FigureRef::from_parts(&parts[0], &parts[1], &parts[2], &parts[3], &parts[4])
        .map_err(|e| corrupt(e.to_string()))?;
    let direction: String = row.try_get("direction")?;
    let what = format!("measure {id}");
    Ok(StoredMeasure {
        id,
        objective_id: row.try_get("objective_id")?,
        measure: Measure {
            name: row.try_get("name")?,
            figure,
            direction: equalis_assure::Direction::parse(&direction)
                .ok_or_else(|| corrupt(format!("direction `{direction}`")))?,
            baseline: row.try_get("baseline")?,
            baseline_year: year_of(row.try_get("baseline_year")?, &what)?,
            target: row.try_get("target")?,
            target_year: year_of(row.try_get("target_year")?, &what)?,
        },
    })
}

fn objective_detail(o: &Objective) -> Value {
    json!({
        "title": o.title,
        "owner": o.owner,
        "start_year": o.start.to_string(),
        "end_year": o.end.to_string(),
    })
}

fn measure_detail(m: &Measure) -> Value {
    json!({
        "name": m.name,
        "figure": m.figure.to_string(),
        "direction": m.direction.name(),
        "baseline": m.baseline,
        "baseline_year": m.baseline_year.to_string(),
        "target": m.target,
        "target_year": m.target_year.to_string(),
    })
}

fn invalid(e: FieldErrors) -> StoreError {
    StoreError::Assurance(e)
}

async fn append(
    tx: &mut Transaction<'static, Any>,
    now: Timestamp,
    by: &Actor,
    action: &str,
    subject: &str,
    detail: Value,
) -> Result<(), StoreError> {
    audit::append(tx, now, by, action, subject, &detail).await?;
    Ok(())
}

impl Store {
    /// Records that `by` was refused the assurance page or form at `page` (a path, without
    /// its query) for their role, with the reason they were shown.
    pub async fn record_assurance_refusal(
        &self,
        by: &crate::User,
        page: &str,
        why: &str,
    ) -> Result<(), StoreError> {
        self.record(
            &Actor::User(by.email.clone()),
            action::ASSURANCE_REFUSED,
            &format!("page:{page}"),
            json!({ "page": page, "role": by.role.to_string(), "reason": why }),
        )
        .await?;
        Ok(())
    }

    /// Every objective with its measures, oldest first.
    pub async fn objectives(&self) -> Result<Vec<StoredObjective>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OBJECTIVE_COLUMNS} FROM objectives ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?;
        let measures = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MEASURE_COLUMNS} FROM objective_measures ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(measure_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|row| {
                let (id, objective, updated_at) = objective_from_row(row)?;
                Ok(StoredObjective {
                    id,
                    objective,
                    measures: measures
                        .iter()
                        .filter(|m| m.objective_id == id)
                        .cloned()
                        .collect(),
                    updated_at,
                })
            })
            .collect()
    }

    /// One objective with its measures.
    pub async fn objective(&self, id: i64) -> Result<StoredObjective, StoreError> {
        self.objectives()
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(StoreError::UnknownObjective(id))
    }

    /// Records a new objective, as typed.
    pub async fn create_objective(
        &self,
        by: &Actor,
        input: &ObjectiveInput,
    ) -> Result<StoredObjective, StoreError> {
        let o = input.validate().map_err(invalid)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO objectives (title, description, owner, start_year, end_year,
                                     created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.owner)
        .bind(year_col(o.start))
        .bind(year_col(o.end))
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        append(
            &mut tx,
            now,
            by,
            action::OBJECTIVE_CREATED,
            &format!("objective:{id}"),
            objective_detail(&o),
        )
        .await?;
        tx.commit().await?;
        self.objective(id).await
    }

    /// Changes an objective, as typed. Its measures' target years must still fall within
    /// its years (the refusal names `end_year` or `start_year`).
    pub async fn update_objective(
        &self,
        by: &Actor,
        id: i64,
        input: &ObjectiveInput,
    ) -> Result<StoredObjective, StoreError> {
        let o = input.validate().map_err(invalid)?;
        let old = self.objective(id).await?;
        if old.objective == o {
            return Ok(old);
        }
        if let Some(m) = old
            .measures
            .iter()
            .find(|m| m.measure.target_year < o.start || m.measure.target_year > o.end)
        {
            let field = if m.measure.target_year < o.start {
                "start_year"
            } else {
                "end_year"
            };
            let mut e = FieldErrors::new();
            e.push(
                field,
                format!(
                    "The measure \u{201c}{}\u{201d} has its target in {}: keep that year within the objective, or change the measure first",
                    m.measure.name, m.measure.target_year
                ),
            );
            return Err(invalid(e));
        }
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query(
            "UPDATE objectives SET title = $1, description = $2, owner = $3, start_year = $4,
                                   end_year = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.owner)
        .bind(year_col(o.start))
        .bind(year_col(o.end))
        .bind(to_secs(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let p = &old.objective;
        let changed: Vec<&str> = [
            ("title", p.title != o.title),
            ("description", p.description != o.description),
            ("owner", p.owner != o.owner),
            ("start_year", p.start != o.start),
            ("end_year", p.end != o.end),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        let mut detail = objective_detail(&o);
        detail["changed"] = json!(changed);
        append(
            &mut tx,
            now,
            by,
            action::OBJECTIVE_CHANGED,
            &format!("objective:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        self.objective(id).await
    }

    /// Adds a measure to an objective, as typed.
    pub async fn add_measure(
        &self,
        by: &Actor,
        objective_id: i64,
        input: &MeasureInput,
    ) -> Result<StoredMeasure, StoreError> {
        let objective = self.objective(objective_id).await?;
        let m = input.validate(&objective.objective).map_err(invalid)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let [kind, name, breakdown, group, reference] = m.figure.parts();
        let row = sqlx::query(
            "INSERT INTO objective_measures (objective_id, name, figure_kind, figure_name,
                 figure_breakdown, figure_group, figure_reference, direction, baseline,
                 baseline_year, target, target_year, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(objective_id)
        .bind(&m.name)
        .bind(kind)
        .bind(name)
        .bind(breakdown)
        .bind(group)
        .bind(reference)
        .bind(m.direction.name())
        .bind(m.baseline)
        .bind(year_col(m.baseline_year))
        .bind(m.target)
        .bind(year_col(m.target_year))
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let mut detail = measure_detail(&m);
        detail["objective"] = json!(objective_id);
        append(
            &mut tx,
            now,
            by,
            action::MEASURE_CREATED,
            &format!("measure:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(StoredMeasure {
            id,
            objective_id,
            measure: m,
        })
    }

    /// Changes a measure, as typed.
    pub async fn update_measure(
        &self,
        by: &Actor,
        id: i64,
        input: &MeasureInput,
    ) -> Result<StoredMeasure, StoreError> {
        let old = self.measure(id).await?;
        let objective = self.objective(old.objective_id).await?;
        let m = input.validate(&objective.objective).map_err(invalid)?;
        if m == old.measure {
            return Ok(old);
        }
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let [kind, name, breakdown, group, reference] = m.figure.parts();
        sqlx::query(
            "UPDATE objective_measures SET name = $1, figure_kind = $2, figure_name = $3,
                 figure_breakdown = $4, figure_group = $5, figure_reference = $6, direction = $7,
                 baseline = $8, baseline_year = $9, target = $10, target_year = $11,
                 updated_at = $12
             WHERE id = $13",
        )
        .bind(&m.name)
        .bind(kind)
        .bind(name)
        .bind(breakdown)
        .bind(group)
        .bind(reference)
        .bind(m.direction.name())
        .bind(m.baseline)
        .bind(year_col(m.baseline_year))
        .bind(m.target)
        .bind(year_col(m.target_year))
        .bind(to_secs(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut detail = measure_detail(&m);
        detail["objective"] = json!(old.objective_id);
        append(
            &mut tx,
            now,
            by,
            action::MEASURE_CHANGED,
            &format!("measure:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(StoredMeasure {
            id,
            objective_id: old.objective_id,
            measure: m,
        })
    }

    /// Removes a measure; the audit entry keeps what it was.
    pub async fn remove_measure(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let old = self.measure(id).await?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query("DELETE FROM objective_measures WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let mut detail = measure_detail(&old.measure);
        detail["objective"] = json!(old.objective_id);
        append(
            &mut tx,
            now,
            by,
            action::MEASURE_REMOVED,
            &format!("measure:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One measure.
    pub async fn measure(&self, id: i64) -> Result<StoredMeasure, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MEASURE_COLUMNS} FROM objective_measures WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(measure_from_row)
            .transpose()?
            .ok_or(StoreError::UnknownMeasure(id))
    }

    /// Records an EDS 2022 rating for `year`, as typed; a rating of the same outcome (and
    /// service) in that year is replaced, and the audit entry says so.
    pub async fn rate_eds(
        &self,
        by: &Actor,
        year: FinancialYear,
        input: &RatingInput,
    ) -> Result<StoredRating, StoreError> {
        let r = input.validate().map_err(invalid)?;
        let service = r.service.clone().unwrap_or_default();
        let now = self.now();
        let rated_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        let existing = sqlx::query(
            "SELECT id, score FROM eds_ratings WHERE year = $1 AND outcome = $2 AND service = $3",
        )
        .bind(year_col(year))
        .bind(r.outcome.code)
        .bind(&service)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, previous) = match existing {
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                let previous: i64 = row.try_get("score")?;
                sqlx::query(
                    "UPDATE eds_ratings SET score = $1, rater_group = $2, evidence = $3,
                                            rated_by = $4, updated_at = $5, owner = $6
                     WHERE id = $7",
                )
                .bind(i64::from(r.score.points()))
                .bind(r.rater_group.name())
                .bind(&r.evidence)
                .bind(&rated_by)
                .bind(to_secs(now))
                .bind(&r.owner)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                (id, Some(previous))
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO eds_ratings (year, outcome, service, score, rater_group,
                                              evidence, rated_by, updated_at, owner)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(year_col(year))
                .bind(r.outcome.code)
                .bind(&service)
                .bind(i64::from(r.score.points()))
                .bind(r.rater_group.name())
                .bind(&r.evidence)
                .bind(&rated_by)
                .bind(to_secs(now))
                .bind(&r.owner)
                .fetch_one(&mut *tx)
                .await?;
                (row.try_get("id")?, None)
            }
        };
        append(
            &mut tx,
            now,
            by,
            action::EDS_RATED,
            &format!("eds:{}:{}", year.slug(), r.outcome.code),
            json!({
                "year": year.to_string(),
                "outcome": r.outcome.code,
                "service": r.service,
                "score": r.score.points(),
                "previous_score": previous,
                "rater_group": r.rater_group.name(),
                "owner": r.owner,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredRating {
            id,
            year,
            rating: r,
            rated_by,
            updated_at: now,
        })
    }

    /// Removes an EDS 2022 rating; the audit entry keeps what it was.
    pub async fn remove_eds_rating(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RATING_COLUMNS} FROM eds_ratings WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let old = row
            .as_ref()
            .map(rating_from_row)
            .transpose()?
            .ok_or(StoreError::UnknownRating(id))?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query("DELETE FROM eds_ratings WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            now,
            by,
            action::EDS_RATING_REMOVED,
            &format!("eds:{}:{}", old.year.slug(), old.rating.outcome.code),
            json!({
                "year": old.year.to_string(),
                "outcome": old.rating.outcome.code,
                "service": old.rating.service,
                "score": old.rating.score.points(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The EDS 2022 ratings of `year`, by outcome then service.
    pub async fn eds_ratings(&self, year: FinancialYear) -> Result<Vec<StoredRating>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RATING_COLUMNS} FROM eds_ratings WHERE year = $1 ORDER BY outcome, service"
        )))
        .bind(year_col(year))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(rating_from_row).collect()
    }

    /// The EDS 2022 summary of `year` with the default bands.
    pub async fn eds_summary(&self, year: FinancialYear) -> Result<Summary, StoreError> {
        let ratings: Vec<Rating> = self
            .eds_ratings(year)
            .await?
            .into_iter()
            .map(|r| r.rating)
            .collect();
        // The table's UNIQUE constraint makes a duplicate impossible; one would be corruption.
        eds::summarise(&ratings, &Bands::default()).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Saves the text of a narrative section of `year`'s report as its next version (nothing
    /// is saved when the text is unchanged). Returns the section's newest version.
    pub async fn save_report_section(
        &self,
        by: &Actor,
        year: FinancialYear,
        section: &str,
        body: &str,
    ) -> Result<SectionVersion, StoreError> {
        let mut e = FieldErrors::new();
        if narrative::section(section).is_none() {
            e.push("section", format!("There is no report section `{section}`"));
        }
        if body.chars().count() > narrative::MAX_SECTION_CHARS {
            e.push(
                section,
                format!(
                    "Enter the section in {} characters or fewer",
                    narrative::MAX_SECTION_CHARS
                ),
            );
        }
        e.into_result().map_err(invalid)?;
        let body = body.trim();
        let version = match self.report_section(year, section).await? {
            Some(latest) if latest.body == body => return Ok(latest),
            Some(latest) => latest.version + 1,
            None => 1,
        };
        let now = self.now();
        let saved_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        sqlx::query(
            "INSERT INTO report_sections (year, section, version, body, saved_by, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(year_col(year))
        .bind(section)
        .bind(i64::from(version))
        .bind(body)
        .bind(&saved_by)
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            now,
            by,
            action::REPORT_SECTION_SAVED,
            &format!("report:{}:{section}", year.slug()),
            json!({ "year": year.to_string(), "section": section, "version": version, "chars": body.chars().count() }),
        )
        .await?;
        tx.commit().await?;
        Ok(SectionVersion {
            year,
            section: section.to_string(),
            version,
            body: body.to_string(),
            saved_by,
            saved_at: now,
        })
    }

    /// The newest version of a narrative section of `year`'s report, if one was saved.
    pub async fn report_section(
        &self,
        year: FinancialYear,
        section: &str,
    ) -> Result<Option<SectionVersion>, StoreError> {
        Ok(self.report_section_history(year, section).await?.pop())
    }

    /// Every version of a narrative section, oldest first.
    pub async fn report_section_history(
        &self,
        year: FinancialYear,
        section: &str,
    ) -> Result<Vec<SectionVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, body, saved_by, saved_at FROM report_sections
             WHERE year = $1 AND section = $2 ORDER BY version",
        )
        .bind(year_col(year))
        .bind(section)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let v: i64 = row.try_get("version")?;
                Ok(SectionVersion {
                    year,
                    section: section.to_string(),
                    version: u32::try_from(v).map_err(|_| {
                        StoreError::Corrupt(format!("a report section version {v}"))
                    })?,
                    body: row.try_get("body")?,
                    saved_by: row.try_get("saved_by")?,
                    saved_at: from_secs(row.try_get("saved_at")?),
                })
            })
            .collect()
    }
}

const RATING_COLUMNS: &str =
    "id, year, outcome, service, score, rater_group, evidence, rated_by, updated_at, owner";

fn rating_from_row(row: &AnyRow) -> Result<StoredRating, StoreError> {
    let id: i64 = row.try_get("id")?;
    let corrupt = |what: String| StoreError::Corrupt(format!("EDS rating {id}: {what}"));
    let score: i64 = row.try_get("score")?;
    let input = RatingInput {
        outcome: row.try_get("outcome")?,
        service: row.try_get("service")?,
        score: score.to_string(),
        rater_group: row.try_get("rater_group")?,
        evidence: row.try_get("evidence")?,
        owner: row.try_get("owner")?,
    };
    Ok(StoredRating {
        id,
        year: year_of(row.try_get("year")?, &format!("EDS rating {id}"))?,
        rating: input.validate().map_err(|e| corrupt(e.to_string()))?,
        rated_by: row.try_get("rated_by")?,
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}
