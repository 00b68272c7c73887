//! Engagement (issue 14, migration 5): projects, participants, contributions, supports,
//! reports, moderators' decisions, surveys and responses, and equality monitoring answers
//! kept in a table of their own (`engage_monitoring`), linked to contributions only by the
//! participant's id. The rules are `equalis-engage`'s: every write is validated there first,
//! and a contribution's visibility is `equalis_engage::visibility` of its moderation mode,
//! its latest decision and the reports made since.
//!
//! What organisers and moderators do (a project created or changed, a survey added, an idea's
//! status, a decision on a contribution) commits with its audit entry; what the public does
//! (take part, post, support, report, answer) is not audited, being the public's own words.

use equalis_engage::{
    IdeaStatus, Moderation, ModerationDecision, MonitoringAnswers, NewPost, PostKind, Project,
    ProjectStatus, StatusUpdate, Survey, SurveyResponse, Visibility, visibility,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Actor};
use crate::clock::{from_secs, to_secs};
use crate::secret::Secret;
use crate::{Store, StoreError, User};

/// The audit actions of engagement.
pub mod action {
    /// A project created.
    pub const PROJECT_CREATED: &str = "engage.project.created";
    /// A project changed (opened, closed, its moderation).
    pub const PROJECT_UPDATED: &str = "engage.project.updated";
    /// A survey added to a project.
    pub const SURVEY_CREATED: &str = "engage.survey.created";
    /// A contribution approved by a moderator.
    pub const POST_APPROVED: &str = "engage.post.approved";
    /// A contribution removed by a moderator.
    pub const POST_REMOVED: &str = "engage.post.removed";
    /// An idea's status changed.
    pub const IDEA_STATUS: &str = "engage.idea.status";
    /// Contributions exported.
    pub const EXPORTED: &str = "engage.contributions.exported";
}

/// The prefix of a participant's token (their browser's cookie).
const PARTICIPANT_PREFIX: &str = "eqp_";

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProject {
    /// Its id.
    pub id: i64,
    /// The project.
    pub project: Project,
    /// When it was created.
    pub created_at: Timestamp,
}

/// Someone taking part in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Their id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The name shown with their contributions (a nickname, or the part of the email before `@`).
    pub nickname: String,
    /// Their email, when they signed up by email (personal data: admins only).
    pub email: Option<String>,
    /// Whether they have answered (or declined) the monitoring questions.
    pub monitored: bool,
}

/// A participant just signed up, with their token, given once.
#[derive(Debug)]
pub struct NewParticipant {
    /// Who.
    pub participant: Participant,
    /// Their token (for the browser's cookie); only its hash is stored.
    pub token: Secret,
}

/// A contribution with what moderation and the public made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPost {
    /// Its id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// Idea, thread or reply.
    pub kind: PostKind,
    /// The thread of a reply.
    pub parent_id: Option<i64>,
    /// Who wrote it.
    pub participant_id: i64,
    /// Their nickname.
    pub author: String,
    /// The title (none for a reply).
    pub title: String,
    /// The text.
    pub body: String,
    /// An idea's status.
    pub idea_status: IdeaStatus,
    /// Why, as the organisers said.
    pub status_reason: String,
    /// When it was posted.
    pub created_at: Timestamp,
    /// Supports (+1s).
    pub supports: u64,
    /// Distinct reports since the latest moderator's decision.
    pub reports: u32,
    /// The latest moderator's decision.
    pub decision: Option<ModerationDecision>,
    /// Who may see it.
    pub visibility: Visibility,
}

/// A survey as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSurvey {
    /// Its id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The survey.
    pub survey: Survey,
    /// Responses so far.
    pub responses: u64,
}

fn invalid(e: equalis_engage::FieldErrors) -> StoreError {
    StoreError::EngageInvalid(e)
}

fn project_from_row(row: &AnyRow) -> Result<StoredProject, StoreError> {
    let status: String = row.try_get("status")?;
    let moderation: String = row.try_get("moderation")?;
    let corrupt = |e: equalis_engage::UnknownValue| StoreError::Corrupt(e.to_string());
    Ok(StoredProject {
        id: row.try_get("id")?,
        project: Project {
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            status: ProjectStatus::parse(&status).map_err(corrupt)?,
            moderation: Moderation::parse(&moderation).map_err(corrupt)?,
            anonymous_allowed: row.try_get::<i64, _>("anonymous_allowed")? != 0,
            footprint: row.try_get("footprint")?,
        },
        created_at: from_secs(row.try_get("created_at")?),
    })
}

fn participant_from_row(row: &AnyRow) -> Result<Participant, StoreError> {
    Ok(Participant {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        nickname: row.try_get("nickname")?,
        email: row.try_get("email")?,
        monitored: row.try_get::<i64, _>("monitored")? != 0,
    })
}

const PARTICIPANT_SELECT: &str = "SELECT p.id, p.project_id, p.nickname, p.email,
        CASE WHEN m.participant_id IS NULL THEN 0 ELSE 1 END AS monitored
     FROM engage_participants p
     LEFT JOIN engage_monitoring m ON m.participant_id = p.id";

fn project_detail(p: &Project) -> serde_json::Value {
    json!({
        "title": p.title,
        "status": p.status.as_str(),
        "moderation": p.moderation.as_str(),
        "anonymous_allowed": p.anonymous_allowed,
        "footprint": p.footprint,
    })
}

fn unique(e: sqlx::Error, what: &str) -> StoreError {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::EngageConflict(what.into())
        }
        other => StoreError::Database(other),
    }
}

/// Organisers and moderators: `admin` and `edi_lead`.
pub fn is_moderator(user: &User) -> bool {
    matches!(user.role, crate::Role::Admin | crate::Role::EdiLead)
}

fn require_moderator(user: &User) -> Result<(), StoreError> {
    if is_moderator(user) {
        Ok(())
    } else {
        Err(StoreError::EngageForbidden(
            "only an admin or EDI lead may organise or moderate engagement".into(),
        ))
    }
}

impl Store {
    /// Creates a project (admins and EDI leads), audited.
    pub async fn create_project(
        &self,
        by: &User,
        project: &Project,
    ) -> Result<StoredProject, StoreError> {
        require_moderator(by)?;
        project.validate().map_err(invalid)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO engage_projects (title, summary, status, moderation, anonymous_allowed,
                                          footprint, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(project.title.trim())
        .bind(project.summary.trim())
        .bind(project.status.as_str())
        .bind(project.moderation.as_str())
        .bind(i64::from(project.anonymous_allowed))
        .bind(project.footprint.trim())
        .bind(by.id)
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::PROJECT_CREATED,
            &format!("engage project {id}"),
            &project_detail(project),
        )
        .await?;
        tx.commit().await?;
        self.engage_project(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("project {id} vanished")))
    }

    /// Changes a project (admins and EDI leads), audited with the whole new record.
    pub async fn update_project(
        &self,
        by: &User,
        id: i64,
        project: &Project,
    ) -> Result<StoredProject, StoreError> {
        require_moderator(by)?;
        project.validate().map_err(invalid)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let done = sqlx::query(
            "UPDATE engage_projects SET title = $1, summary = $2, status = $3, moderation = $4,
                    anonymous_allowed = $5, footprint = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(project.title.trim())
        .bind(project.summary.trim())
        .bind(project.status.as_str())
        .bind(project.moderation.as_str())
        .bind(i64::from(project.anonymous_allowed))
        .bind(project.footprint.trim())
        .bind(to_secs(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::EngageNotFound(format!(
                "no engagement project {id}"
            )));
        }
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::PROJECT_UPDATED,
            &format!("engage project {id}"),
            &project_detail(project),
        )
        .await?;
        tx.commit().await?;
        self.engage_project(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("project {id} vanished")))
    }

    /// Every project, newest first.
    pub async fn engage_projects(&self) -> Result<Vec<StoredProject>, StoreError> {
        let rows = sqlx::query("SELECT * FROM engage_projects ORDER BY id DESC")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(project_from_row).collect()
    }

    /// One project.
    pub async fn engage_project(&self, id: i64) -> Result<Option<StoredProject>, StoreError> {
        let row = sqlx::query("SELECT * FROM engage_projects WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(project_from_row).transpose()
    }

    async fn open_project(&self, id: i64) -> Result<StoredProject, StoreError> {
        let p = self
            .engage_project(id)
            .await?
            .ok_or_else(|| StoreError::EngageNotFound(format!("no engagement project {id}")))?;
        if !p.project.is_open() {
            return Err(StoreError::EngageConflict(
                "this project is closed: it no longer takes part or contributions".into(),
            ));
        }
        Ok(p)
    }

    /// Signs someone up to a project: by `email` (checked, compared ignoring case), or, where
    /// the project allows, anonymously with `nickname`. The nickname must be free in the
    /// project; by email, it is the part before the `@` unless one is given.
    pub async fn join_project(
        &self,
        project_id: i64,
        email: Option<&str>,
        nickname: &str,
    ) -> Result<NewParticipant, StoreError> {
        let project = self.open_project(project_id).await?;
        let mut errors = equalis_engage::FieldErrors::new();
        let email = match email {
            Some(e) => match crate::users::check_email(e) {
                Ok(e) if e.contains('@') => Some(crate::users::email_key(&e)),
                _ => {
                    errors.push(
                        "email",
                        "Enter an email address in the correct format, like name@example.com",
                    );
                    None
                }
            },
            None if !project.project.anonymous_allowed => {
                errors.push(
                    "email",
                    "Enter your email address: this project does not take part anonymously",
                );
                None
            }
            None => None,
        };
        let nickname = match (&email, nickname.trim()) {
            (Some(e), "") => e
                .split('@')
                .next()
                .unwrap_or("participant")
                .chars()
                .take(equalis_engage::MAX_NICKNAME_CHARS)
                .collect(),
            (_, n) => n.to_owned(),
        };
        if email.is_some() && nickname.contains('@') {
            errors.push(
                "nickname",
                "Nickname must not be an email address: it is shown with what you post",
            );
        } else if email.is_none() || !nickname.is_empty() {
            equalis_engage::check_nickname(&mut errors, "nickname", &nickname);
        }
        errors.into_result().map_err(invalid)?;
        let token = Secret::generate(PARTICIPANT_PREFIX);
        let row = sqlx::query(
            "INSERT INTO engage_participants (project_id, email, nickname, token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(project_id)
        .bind(email.clone())
        .bind(&nickname)
        .bind(token.stored_hash())
        .bind(to_secs(self.now()))
        .fetch_one(self.pool())
        .await
        .map_err(|e| {
            unique(
                e,
                if email.is_some() {
                    "someone has already signed up to this project with that email or nickname"
                } else {
                    "that nickname is taken in this project: choose another"
                },
            )
        })?;
        Ok(NewParticipant {
            participant: Participant {
                id: row.try_get("id")?,
                project_id,
                nickname,
                email,
                monitored: false,
            },
            token,
        })
    }

    /// The participant a browser's token belongs to, in this project.
    pub async fn participant(
        &self,
        project_id: i64,
        token: &Secret,
    ) -> Result<Option<Participant>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PARTICIPANT_SELECT} WHERE p.token_hash = $1 AND p.project_id = $2"
        )))
        .bind(token.stored_hash())
        .bind(project_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(participant_from_row).transpose()
    }

    /// Every participant of a project (for admins' export).
    pub async fn participants(&self, project_id: i64) -> Result<Vec<Participant>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PARTICIPANT_SELECT} WHERE p.project_id = $1 ORDER BY p.id"
        )))
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(participant_from_row).collect()
    }

    /// Keeps a participant's monitoring answers, once (declining every question is an answer).
    pub async fn save_monitoring(
        &self,
        participant_id: i64,
        a: &MonitoringAnswers,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO engage_monitoring (participant_id, age_band, sex, ethnic_category, disability,
                 carer, sexual_orientation, plus_groups, lsoa, imd_quintile, place, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(participant_id)
        .bind(a.age_band.clone())
        .bind(a.sex.clone())
        .bind(a.ethnic_category.clone())
        .bind(a.disability.clone())
        .bind(a.carer.clone())
        .bind(a.sexual_orientation.clone())
        .bind(a.plus_groups.join(","))
        .bind(a.lsoa.clone())
        .bind(a.imd_quintile.map(i64::from))
        .bind(a.place.clone())
        .bind(to_secs(self.now()))
        .execute(self.pool())
        .await
        .map_err(|e| unique(e, "you have already answered the equality monitoring questions"))?;
        Ok(())
    }

    /// The monitoring answers of a project's participants (none for those who never
    /// answered), and how many participants it has.
    pub async fn monitoring_answers(
        &self,
        project_id: i64,
    ) -> Result<(u64, Vec<MonitoringAnswers>), StoreError> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM engage_participants WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(self.pool())
                .await?;
        let rows = sqlx::query(
            "SELECT m.* FROM engage_monitoring m
             JOIN engage_participants p ON p.id = m.participant_id WHERE p.project_id = $1",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        let answers = rows.iter().map(monitoring_of).collect::<Result<_, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), answers))
    }

    /// Each participant of a project, oldest first: when they joined and their monitoring
    /// answers (`None` for those who never answered). Engagement reach measures count the
    /// participants who joined in each financial year.
    pub async fn participation(
        &self,
        project_id: i64,
    ) -> Result<Vec<(Timestamp, Option<MonitoringAnswers>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.created_at AS joined_at, m.participant_id AS answered, m.age_band, m.sex,
                    m.ethnic_category, m.disability, m.carer, m.sexual_orientation,
                    m.plus_groups, m.lsoa, m.imd_quintile, m.place
             FROM engage_participants p LEFT JOIN engage_monitoring m ON m.participant_id = p.id
             WHERE p.project_id = $1 ORDER BY p.id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let joined = from_secs(r.try_get("joined_at")?);
                let answered: Option<i64> = r.try_get("answered")?;
                let answers = match answered {
                    Some(_) => Some(monitoring_of(r)?),
                    None => None,
                };
                Ok((joined, answers))
            })
            .collect()
    }

    /// Posts a contribution of a participant; a reply names its thread (`parent`).
    pub async fn add_post(
        &self,
        participant: &Participant,
        post: &NewPost,
        parent: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.open_project(participant.project_id).await?;
        post.validate().map_err(invalid)?;
        if post.kind == PostKind::Reply {
            let Some(parent) = parent else {
                return Err(StoreError::EngageNotFound(
                    "a reply needs its discussion".into(),
                ));
            };
            let thread = self.post(parent).await?;
            if thread.as_ref().is_none_or(|t| {
                t.kind != PostKind::Thread
                    || t.project_id != participant.project_id
                    || !t.visibility.is_public()
            }) {
                return Err(StoreError::EngageNotFound(format!(
                    "no discussion {parent} in this project"
                )));
            }
        }
        let row = sqlx::query(
            "INSERT INTO engage_posts (project_id, kind, parent_id, participant_id, title, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(participant.project_id)
        .bind(post.kind.as_str())
        .bind(if post.kind == PostKind::Reply { parent } else { None })
        .bind(participant.id)
        .bind(post.title.trim())
        .bind(post.body.trim())
        .bind(to_secs(self.now()))
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    /// The contributions of a project, oldest first, each with its visibility.
    pub async fn posts(&self, project_id: i64) -> Result<Vec<StoredPost>, StoreError> {
        self.posts_where("p.project_id = $1", project_id).await
    }

    /// One contribution.
    pub async fn post(&self, id: i64) -> Result<Option<StoredPost>, StoreError> {
        Ok(self.posts_where("p.id = $1", id).await?.pop())
    }

    async fn posts_where(&self, filter: &str, value: i64) -> Result<Vec<StoredPost>, StoreError> {
        // The latest decision per post, and the reports made after it (all, without one).
        let sql = format!(
            "SELECT p.id, p.project_id, p.kind, p.parent_id, p.participant_id, pt.nickname,
                    p.title, p.body, p.idea_status, p.status_reason, p.created_at, pr.moderation,
                    (SELECT COUNT(*) FROM engage_supports s WHERE s.post_id = p.id) AS supports,
                    (SELECT m.decision FROM engage_moderation m WHERE m.post_id = p.id
                       ORDER BY m.id DESC LIMIT 1) AS decision,
                    (SELECT COUNT(*) FROM engage_reports r WHERE r.post_id = p.id AND r.id >
                       COALESCE((SELECT MAX(m.settled_report_id) FROM engage_moderation m
                                 WHERE m.post_id = p.id), 0)) AS reports
             FROM engage_posts p
             JOIN engage_participants pt ON pt.id = p.participant_id
             JOIN engage_projects pr ON pr.id = p.project_id
             WHERE {filter} ORDER BY p.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let corrupt = |e: equalis_engage::UnknownValue| StoreError::Corrupt(e.to_string());
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("idea_status")?;
                let moderation: String = r.try_get("moderation")?;
                let decision: Option<String> = r.try_get("decision")?;
                let decision = decision
                    .as_deref()
                    .map(ModerationDecision::parse)
                    .transpose()
                    .map_err(corrupt)?;
                let reports = u32::try_from(r.try_get::<i64, _>("reports")?).unwrap_or(u32::MAX);
                let moderation = Moderation::parse(&moderation).map_err(corrupt)?;
                Ok(StoredPost {
                    id: r.try_get("id")?,
                    project_id: r.try_get("project_id")?,
                    kind: PostKind::parse(&kind).map_err(corrupt)?,
                    parent_id: r.try_get("parent_id")?,
                    participant_id: r.try_get("participant_id")?,
                    author: r.try_get("nickname")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    idea_status: IdeaStatus::parse(&status).map_err(corrupt)?,
                    status_reason: r.try_get("status_reason")?,
                    created_at: from_secs(r.try_get("created_at")?),
                    supports: u64::try_from(r.try_get::<i64, _>("supports")?).unwrap_or(0),
                    reports,
                    decision,
                    visibility: visibility(moderation, decision, reports),
                })
            })
            .collect()
    }

    async fn public_post(
        &self,
        participant: &Participant,
        post_id: i64,
    ) -> Result<StoredPost, StoreError> {
        self.open_project(participant.project_id).await?;
        self.post(post_id)
            .await?
            .filter(|p| p.project_id == participant.project_id && p.visibility.is_public())
            .ok_or_else(|| {
                StoreError::EngageNotFound(format!("no contribution {post_id} in this project"))
            })
    }

    /// A participant's support of an idea: `false` when they had already supported it.
    pub async fn support(
        &self,
        participant: &Participant,
        post_id: i64,
    ) -> Result<bool, StoreError> {
        let post = self.public_post(participant, post_id).await?;
        if post.kind != PostKind::Idea {
            return Err(StoreError::EngageConflict("only ideas take support".into()));
        }
        match sqlx::query(
            "INSERT INTO engage_supports (post_id, participant_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(post_id)
        .bind(participant.id)
        .bind(to_secs(self.now()))
        .execute(self.pool())
        .await
        {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// A participant's report of a contribution: `false` when they had already reported it.
    pub async fn report(
        &self,
        participant: &Participant,
        post_id: i64,
        reason: &str,
    ) -> Result<bool, StoreError> {
        self.public_post(participant, post_id).await?;
        let reason = reason.trim();
        if reason.chars().count() > 1_000 {
            let mut e = equalis_engage::FieldErrors::new();
            e.push("reason", "Reason must be 1000 characters or fewer");
            return Err(invalid(e));
        }
        match sqlx::query("INSERT INTO engage_reports (post_id, participant_id, reason, created_at) VALUES ($1, $2, $3, $4)")
            .bind(post_id)
            .bind(participant.id)
            .bind(reason)
            .bind(to_secs(self.now()))
            .execute(self.pool())
            .await
        {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// A moderator's decision on a contribution (admins and EDI leads), audited; it settles
    /// the reports made so far.
    pub async fn moderate(
        &self,
        by: &User,
        post_id: i64,
        decision: ModerationDecision,
        reason: &str,
    ) -> Result<StoredPost, StoreError> {
        require_moderator(by)?;
        let reason = reason.trim();
        if reason.chars().count() > 1_000 {
            let mut e = equalis_engage::FieldErrors::new();
            e.push("reason", "Reason must be 1000 characters or fewer");
            return Err(invalid(e));
        }
        let post = self
            .post(post_id)
            .await?
            .ok_or_else(|| StoreError::EngageNotFound(format!("no contribution {post_id}")))?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let settled: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM engage_reports WHERE post_id = $1")
                .bind(post_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO engage_moderation (post_id, decision, reason, moderator, settled_report_id, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(post_id)
        .bind(decision.as_str())
        .bind(reason)
        .bind(by.id)
        .bind(settled.unwrap_or(0))
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        let act = match decision {
            ModerationDecision::Approve => action::POST_APPROVED,
            ModerationDecision::Remove => action::POST_REMOVED,
        };
        audit::append(&mut tx, now, &Actor::User(by.email.clone()), act, &format!("engage post {post_id}"),
            &json!({"project": post.project_id, "reason": reason, "reports_settled": post.reports, "was": format!("{:?}", post.visibility)})).await?;
        tx.commit().await?;
        self.post(post_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("post {post_id} vanished")))
    }

    /// An organiser's update of an idea's status (admins and EDI leads), audited.
    pub async fn set_idea_status(
        &self,
        by: &User,
        post_id: i64,
        update: &StatusUpdate,
    ) -> Result<(), StoreError> {
        require_moderator(by)?;
        update.validate().map_err(invalid)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let done = sqlx::query("UPDATE engage_posts SET idea_status = $1, status_reason = $2 WHERE id = $3 AND kind = 'idea'")
            .bind(update.status.as_str())
            .bind(update.reason.trim())
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::EngageNotFound(format!("no idea {post_id}")));
        }
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::IDEA_STATUS,
            &format!("engage post {post_id}"),
            &json!({"status": update.status.as_str(), "reason": update.reason.trim()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a survey to a project (admins and EDI leads), audited.
    pub async fn create_survey(
        &self,
        by: &User,
        project_id: i64,
        survey: &Survey,
    ) -> Result<i64, StoreError> {
        require_moderator(by)?;
        survey.validate().map_err(invalid)?;
        self.engage_project(project_id).await?.ok_or_else(|| {
            StoreError::EngageNotFound(format!("no engagement project {project_id}"))
        })?;
        let definition =
            serde_json::to_string(survey).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query("INSERT INTO engage_surveys (project_id, definition, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(project_id)
            .bind(&definition)
            .bind(to_secs(now))
            .fetch_one(&mut *tx)
            .await?;
        let id: i64 = row.try_get("id")?;
        audit::append(&mut tx, now, &Actor::User(by.email.clone()), action::SURVEY_CREATED, &format!("engage survey {id}"),
            &json!({"project": project_id, "title": survey.title, "questions": survey.questions.len()})).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A project's surveys.
    pub async fn surveys(&self, project_id: i64) -> Result<Vec<StoredSurvey>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.project_id, s.definition,
                    (SELECT COUNT(*) FROM engage_survey_responses r WHERE r.survey_id = s.id) AS responses
             FROM engage_surveys s WHERE s.project_id = $1 ORDER BY s.id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let def: String = r.try_get("definition")?;
                Ok(StoredSurvey {
                    id: r.try_get("id")?,
                    project_id: r.try_get("project_id")?,
                    survey: serde_json::from_str(&def)
                        .map_err(|e| StoreError::Corrupt(format!("survey definition: {e}")))?,
                    responses: u64::try_from(r.try_get::<i64, _>("responses")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Keeps a participant's response to a survey, once.
    pub async fn respond(
        &self,
        participant: &Participant,
        survey_id: i64,
        response: &SurveyResponse,
    ) -> Result<(), StoreError> {
        self.open_project(participant.project_id).await?;
        let answers =
            serde_json::to_string(response).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let in_project: Option<i64> =
            sqlx::query_scalar("SELECT id FROM engage_surveys WHERE id = $1 AND project_id = $2")
                .bind(survey_id)
                .bind(participant.project_id)
                .fetch_optional(self.pool())
                .await?;
        if in_project.is_none() {
            return Err(StoreError::EngageNotFound(format!(
                "no survey {survey_id} in this project"
            )));
        }
        sqlx::query("INSERT INTO engage_survey_responses (survey_id, participant_id, answers, created_at) VALUES ($1, $2, $3, $4)")
            .bind(survey_id)
            .bind(participant.id)
            .bind(answers)
            .bind(to_secs(self.now()))
            .execute(self.pool())
            .await
            .map_err(|e| unique(e, "you have already answered this survey"))?;
        Ok(())
    }

    /// The responses to a survey, `(participant id, response)`.
    pub async fn survey_responses(
        &self,
        survey_id: i64,
    ) -> Result<Vec<(i64, SurveyResponse)>, StoreError> {
        let rows = sqlx::query("SELECT participant_id, answers FROM engage_survey_responses WHERE survey_id = $1 ORDER BY participant_id")
            .bind(survey_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let a: String = r.try_get("answers")?;
                Ok((
                    r.try_get("participant_id")?,
                    serde_json::from_str(&a)
                        .map_err(|e| StoreError::Corrupt(format!("survey response: {e}")))?,
                ))
            })
            .collect()
    }

    /// Counts one action of `key` (a client address or participant) under `scope` and says
    /// whether it is within `limit` actions per `window`. Keys are stored as BLAKE3 hashes.
    pub async fn engage_rate_allowed(
        &self,
        scope: &str,
        key: &str,
        limit: u32,
        window: SignedDuration,
    ) -> Result<bool, StoreError> {
        let now = self.now();
        let since = to_secs(now) - window.as_secs();
        let hash = blake3::hash(format!("{scope}\0{key}").as_bytes())
            .to_hex()
            .to_string();
        let mut tx: Transaction<'static, Any> =
            crate::db::begin_write(self.pool(), self.backend()).await?;
        sqlx::query("DELETE FROM engage_throttle WHERE at < $1")
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM engage_throttle WHERE scope = $1 AND key_hash = $2",
        )
        .bind(scope)
        .bind(&hash)
        .fetch_one(&mut *tx)
        .await?;
        let allowed = used < i64::from(limit);
        if allowed {
            sqlx::query("INSERT INTO engage_throttle (scope, key_hash, at) VALUES ($1, $2, $3)")
                .bind(scope)
                .bind(&hash)
                .bind(to_secs(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(allowed)
    }
}

/// The monitoring answers of a row of `engage_monitoring` (joined or not).
fn monitoring_of(r: &AnyRow) -> Result<MonitoringAnswers, StoreError> {
    let plus: String = r.try_get("plus_groups")?;
    Ok(MonitoringAnswers {
        age_band: r.try_get("age_band")?,
        sex: r.try_get("sex")?,
        ethnic_category: r.try_get("ethnic_category")?,
        disability: r.try_get("disability")?,
        carer: r.try_get("carer")?,
        sexual_orientation: r.try_get("sexual_orientation")?,
        plus_groups: plus
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        lsoa: r.try_get("lsoa")?,
        imd_quintile: r
            .try_get::<Option<i64>, _>("imd_quintile")?
            .and_then(|q| u8::try_from(q).ok()),
        place: r.try_get("place")?,
    })
}
