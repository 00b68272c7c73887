//! The EDS 2022 reporting template's parts other than the scores, per year: the cover block,
//! Domain 3's third-party involvement, the completed actions of the previous year and the
//! action plan (`equalis_assure::eds::template` holds their rules). Each change is validated
//! there, written with its audit entry in one transaction, and read back through the same
//! validation (a stored row it refuses is corruption).

use equalis_assure::FinancialYear;
use equalis_assure::eds::template::{
    CompletedAction, CompletedActionInput, Cover, CoverInput, DateInput, PlanAction,
    PlanActionInput, ThirdParties, ThirdPartiesInput,
};
use equalis_assure::eds::{Bands, Rating, Summary};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StoredRating, action, append, invalid, year_col};
use crate::audit::Actor;
use crate::clock::{from_secs, to_secs};
use crate::{Store, StoreError};

/// A year's cover block as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCover {
    /// The year rated.
    pub year: FinancialYear,
    /// The cover.
    pub cover: Cover,
    /// Who last saved it.
    pub saved_by: String,
    /// When.
    pub saved_at: Timestamp,
}

/// A year's Domain 3 third parties as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredThirdParties {
    /// The year rated.
    pub year: FinancialYear,
    /// Who took part.
    pub parties: ThirdParties,
    /// Who last saved them.
    pub saved_by: String,
    /// When.
    pub saved_at: Timestamp,
}

/// A completed action as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCompletedAction {
    /// The store's id.
    pub id: i64,
    /// The year whose EDS reports it.
    pub year: FinancialYear,
    /// The action.
    pub action: CompletedAction,
    /// Who added it.
    pub added_by: String,
}

/// A row of the action plan as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlanAction {
    /// The store's id.
    pub id: i64,
    /// The year whose EDS it follows.
    pub year: FinancialYear,
    /// The row.
    pub action: PlanAction,
    /// The linked equalis objective's title, as it is now.
    pub objective_title: Option<String>,
    /// Who added it.
    pub added_by: String,
}

impl StoredPlanAction {
    /// The objective in words: the linked objective's title, or what was typed.
    pub fn objective_text(&self) -> String {
        match (&self.objective_title, self.action.objective.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{t}: {}", self.action.objective),
            (None, _) => self.action.objective.clone(),
        }
    }
}

/// Everything the EDS 2022 summary report of a year shows, in the template's order.
#[derive(Debug, Clone, PartialEq)]
pub struct EdsReport {
    /// The year rated.
    pub year: FinancialYear,
    /// The cover block, once saved.
    pub cover: Option<StoredCover>,
    /// Completed actions from the previous year.
    pub completed: Vec<StoredCompletedAction>,
    /// Every rating, by outcome then service.
    pub ratings: Vec<StoredRating>,
    /// The domain and overall ratings.
    pub summary: Summary,
    /// The bands the overall rating was read with.
    pub bands: Bands,
    /// Domain 3's third parties, once saved.
    pub third_parties: Option<StoredThirdParties>,
    /// The action plan, by outcome then completion date.
    pub actions: Vec<StoredPlanAction>,
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn date_input(s: &str) -> DateInput {
    DateInput::of(s.parse::<Date>().ok())
}

const COVER_COLUMNS: &str = "organisation, eds_lead, level, partners, date_completed, \
     month_published, board_sponsor, ics_name, date_authorised, authorised_by, revision_date, \
     plan_years, saved_by, saved_at";

fn cover_from_row(year: FinancialYear, row: &AnyRow) -> Result<StoredCover, StoreError> {
    let get = |c: &str| row.try_get::<String, _>(c);
    let input = CoverInput {
        organisation: get("organisation")?,
        eds_lead: get("eds_lead")?,
        level: get("level")?,
        partners: get("partners")?,
        date_completed: date_input(&get("date_completed")?),
        month_published: get("month_published")?,
        board_sponsor: get("board_sponsor")?,
        ics_name: get("ics_name")?,
        date_authorised: date_input(&get("date_authorised")?),
        authorised_by: get("authorised_by")?,
        revision_date: date_input(&get("revision_date")?),
        plan_years: get("plan_years")?,
    };
    Ok(StoredCover {
        year,
        cover: input
            .validate(year)
            .map_err(|e| StoreError::Corrupt(format!("the EDS cover of {year}: {e}")))?,
        saved_by: get("saved_by")?,
        saved_at: from_secs(row.try_get("saved_at")?),
    })
}

impl Store {
    /// Saves the cover block of `year`'s EDS as typed (replacing the year's earlier cover).
    pub async fn save_eds_cover(
        &self,
        by: &Actor,
        year: FinancialYear,
        input: &CoverInput,
    ) -> Result<StoredCover, StoreError> {
        let c = input.validate(year).map_err(invalid)?;
        let now = self.now();
        let saved_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO eds_covers (year, {COVER_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             ON CONFLICT (year) DO UPDATE SET organisation = excluded.organisation,
                 eds_lead = excluded.eds_lead, level = excluded.level,
                 partners = excluded.partners, date_completed = excluded.date_completed,
                 month_published = excluded.month_published,
                 board_sponsor = excluded.board_sponsor, ics_name = excluded.ics_name,
                 date_authorised = excluded.date_authorised,
                 authorised_by = excluded.authorised_by, revision_date = excluded.revision_date,
                 plan_years = excluded.plan_years, saved_by = excluded.saved_by,
                 saved_at = excluded.saved_at"
        )))
        .bind(year_col(year))
        .bind(&c.organisation)
        .bind(&c.eds_lead)
        .bind(c.level.name())
        .bind(c.partners.join("\n"))
        .bind(date_text(c.date_completed))
        .bind(c.month_published.map(|m| m.stored()).unwrap_or_default())
        .bind(&c.board_sponsor)
        .bind(&c.ics_name)
        .bind(date_text(c.date_authorised))
        .bind(&c.authorised_by)
        .bind(date_text(c.revision_date))
        .bind(c.plan_years_text().unwrap_or_default())
        .bind(&saved_by)
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            now,
            by,
            action::EDS_COVER_SAVED,
            &format!("eds:{}:cover", year.slug()),
            json!({
                "year": year.to_string(),
                "organisations": c.organisations(),
                "level": c.level.name(),
                "eds_lead": c.eds_lead,
                "board_sponsor": c.board_sponsor,
                "ics_name": c.ics_name,
                "date_completed": date_text(c.date_completed),
                "date_authorised": date_text(c.date_authorised),
                "authorised_by": c.authorised_by,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredCover {
            year,
            cover: c,
            saved_by,
            saved_at: now,
        })
    }

    /// The cover block of `year`'s EDS, once saved.
    pub async fn eds_cover(&self, year: FinancialYear) -> Result<Option<StoredCover>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COVER_COLUMNS} FROM eds_covers WHERE year = $1"
        )))
        .bind(year_col(year))
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| cover_from_row(year, &r)).transpose()
    }

    /// Saves who took part in rating and reviewing Domain 3 of `year` from outside the
    /// organisation (replacing the year's earlier list).
    pub async fn save_eds_third_parties(
        &self,
        by: &Actor,
        year: FinancialYear,
        input: &ThirdPartiesInput,
    ) -> Result<StoredThirdParties, StoreError> {
        let t = input.validate().map_err(invalid)?;
        let now = self.now();
        let saved_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        sqlx::query(
            "INSERT INTO eds_third_parties (year, trade_union_reps, independent_evaluators,
                                            saved_by, saved_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (year) DO UPDATE SET trade_union_reps = excluded.trade_union_reps,
                 independent_evaluators = excluded.independent_evaluators,
                 saved_by = excluded.saved_by, saved_at = excluded.saved_at",
        )
        .bind(year_col(year))
        .bind(t.trade_union_reps.join("\n"))
        .bind(t.independent_evaluators.join("\n"))
        .bind(&saved_by)
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            now,
            by,
            action::EDS_THIRD_PARTIES_SAVED,
            &format!("eds:{}:domain3", year.slug()),
            json!({
                "year": year.to_string(),
                "trade_union_reps": t.trade_union_reps,
                "independent_evaluators": t.independent_evaluators,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredThirdParties {
            year,
            parties: t,
            saved_by,
            saved_at: now,
        })
    }

    /// Domain 3's third parties of `year`, once saved.
    pub async fn eds_third_parties(
        &self,
        year: FinancialYear,
    ) -> Result<Option<StoredThirdParties>, StoreError> {
        let row = sqlx::query(
            "SELECT trade_union_reps, independent_evaluators, saved_by, saved_at
             FROM eds_third_parties WHERE year = $1",
        )
        .bind(year_col(year))
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let input = ThirdPartiesInput {
                trade_union_reps: row.try_get("trade_union_reps")?,
                independent_evaluators: row.try_get("independent_evaluators")?,
            };
            Ok(StoredThirdParties {
                year,
                parties: input.validate().map_err(|e| {
                    StoreError::Corrupt(format!("Domain 3's third parties of {year}: {e}"))
                })?,
                saved_by: row.try_get("saved_by")?,
                saved_at: from_secs(row.try_get("saved_at")?),
            })
        })
        .transpose()
    }

    /// Adds an action completed in the year before `year` to `year`'s EDS.
    pub async fn add_eds_completed_action(
        &self,
        by: &Actor,
        year: FinancialYear,
        input: &CompletedActionInput,
    ) -> Result<StoredCompletedAction, StoreError> {
        let a = input.validate().map_err(invalid)?;
        let now = self.now();
        let added_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO eds_completed_actions (year, action, objectives, added_by, added_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(year_col(year))
        .bind(&a.action)
        .bind(&a.objectives)
        .bind(&added_by)
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        append(
            &mut tx,
            now,
            by,
            action::EDS_COMPLETED_ACTION_ADDED,
            &format!("eds:{}:completed:{id}", year.slug()),
            json!({ "year": year.to_string(), "action": a.action, "objectives": a.objectives }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredCompletedAction {
            id,
            year,
            action: a,
            added_by,
        })
    }

    /// The completed actions `year`'s EDS reports, oldest first.
    pub async fn eds_completed_actions(
        &self,
        year: FinancialYear,
    ) -> Result<Vec<StoredCompletedAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, action, objectives, added_by FROM eds_completed_actions
             WHERE year = $1 ORDER BY id",
        )
        .bind(year_col(year))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let input = CompletedActionInput {
                    action: row.try_get("action")?,
                    objectives: row.try_get("objectives")?,
                };
                Ok(StoredCompletedAction {
                    id,
                    year,
                    action: input.validate().map_err(|e| {
                        StoreError::Corrupt(format!("EDS completed action {id}: {e}"))
                    })?,
                    added_by: row.try_get("added_by")?,
                })
            })
            .collect()
    }

    /// Removes a completed action of `year`; the audit entry keeps what it was.
    pub async fn remove_eds_completed_action(
        &self,
        by: &Actor,
        year: FinancialYear,
        id: i64,
    ) -> Result<(), StoreError> {
        let old = self
            .eds_completed_actions(year)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| {
                StoreError::UnknownEdsAction(format!("completed action {id} in {year}"))
            })?;
        self.delete_audited(
            by,
            "eds_completed_actions",
            id,
            action::EDS_COMPLETED_ACTION_REMOVED,
            &format!("eds:{}:completed:{id}", year.slug()),
            json!({ "year": year.to_string(), "action": old.action.action }),
        )
        .await
    }

    /// Adds a row to `year`'s action plan, as typed; a linked objective must exist.
    pub async fn add_eds_action(
        &self,
        by: &Actor,
        year: FinancialYear,
        input: &PlanActionInput,
    ) -> Result<StoredPlanAction, StoreError> {
        let objectives: Vec<i64> = self.objectives().await?.iter().map(|o| o.id).collect();
        let a = input.validate(&objectives).map_err(invalid)?;
        let now = self.now();
        let added_by = by.to_string();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO eds_actions (year, outcome, objective_id, objective, action, completion,
                                      added_by, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(year_col(year))
        .bind(a.outcome.code)
        .bind(a.objective_id)
        .bind(&a.objective)
        .bind(&a.action)
        .bind(a.completion.to_string())
        .bind(&added_by)
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        append(
            &mut tx,
            now,
            by,
            action::EDS_ACTION_ADDED,
            &format!("eds:{}:action:{id}", year.slug()),
            json!({
                "year": year.to_string(),
                "outcome": a.outcome.code,
                "objective_id": a.objective_id,
                "objective": a.objective,
                "action": a.action,
                "completion": a.completion.to_string(),
            }),
        )
        .await?;
        tx.commit().await?;
        self.eds_actions(year)
            .await?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or_else(|| StoreError::Corrupt(format!("EDS action {id} was not kept")))
    }

    /// `year`'s action plan, by outcome then completion date.
    pub async fn eds_actions(
        &self,
        year: FinancialYear,
    ) -> Result<Vec<StoredPlanAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.outcome, a.objective_id, a.objective, a.action, a.completion,
                    a.added_by, o.title
             FROM eds_actions a LEFT JOIN objectives o ON o.id = a.objective_id
             WHERE a.year = $1 ORDER BY a.outcome, a.completion, a.id",
        )
        .bind(year_col(year))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let objective_id: Option<i64> = row.try_get("objective_id")?;
                let input = PlanActionInput {
                    outcome: row.try_get("outcome")?,
                    objective_id: objective_id.map(|i| i.to_string()).unwrap_or_default(),
                    objective: row.try_get("objective")?,
                    action: row.try_get("action")?,
                    completion: date_input(&row.try_get::<String, _>("completion")?),
                };
                let known: Vec<i64> = objective_id.into_iter().collect();
                Ok(StoredPlanAction {
                    id,
                    year,
                    action: input
                        .validate(&known)
                        .map_err(|e| StoreError::Corrupt(format!("EDS action {id}: {e}")))?,
                    objective_title: row.try_get("title")?,
                    added_by: row.try_get("added_by")?,
                })
            })
            .collect()
    }

    /// Removes a row of `year`'s action plan; the audit entry keeps what it was.
    pub async fn remove_eds_action(
        &self,
        by: &Actor,
        year: FinancialYear,
        id: i64,
    ) -> Result<(), StoreError> {
        let old = self
            .eds_actions(year)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| StoreError::UnknownEdsAction(format!("action {id} in {year}")))?;
        self.delete_audited(
            by,
            "eds_actions",
            id,
            action::EDS_ACTION_REMOVED,
            &format!("eds:{}:action:{id}", year.slug()),
            json!({
                "year": year.to_string(),
                "outcome": old.action.outcome.code,
                "action": old.action.action,
            }),
        )
        .await
    }

    /// Deletes row `id` of `table` (one of this module's own tables, never a name from
    /// input) with its audit entry, in one transaction: the two removals differ only in
    /// what the entry keeps of the row.
    async fn delete_audited(
        &self,
        by: &Actor,
        table: &'static str,
        id: i64,
        what: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        // `table` is a literal of this module, so the text is safe to build.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE id = $1"
        )))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, now, by, what, subject, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everything `year`'s EDS 2022 summary report shows.
    pub async fn eds_report(&self, year: FinancialYear) -> Result<EdsReport, StoreError> {
        let ratings = self.eds_ratings(year).await?;
        let bands = Bands::default();
        let plain: Vec<Rating> = ratings.iter().map(|r| r.rating.clone()).collect();
        let summary = equalis_assure::eds::summarise(&plain, &bands)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(EdsReport {
            year,
            cover: self.eds_cover(year).await?,
            completed: self.eds_completed_actions(year).await?,
            ratings,
            summary,
            bands,
            third_parties: self.eds_third_parties(year).await?,
            actions: self.eds_actions(year).await?,
        })
    }
}
