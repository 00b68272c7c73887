//! Decisions and the versions of their equality and health inequalities impact assessments
//! (issue 13), kept for `equalis_assess`'s rules: the store loads a version, lets
//! [`equalis_assess::Version`] decide whether the change is allowed, and writes the result
//! and its audit entry in one transaction. So every create, change, submission, return,
//! sign-off (or agreement with a screening) and publication is in the audit log, saying who,
//! what and when, or did not happen.
//!
//! A version's whole record is stored as JSON ([`VersionRecord`]); the columns beside it
//! repeat what the index filters on. Reading one back goes through
//! [`Version::from_record`], so a record edited outside equalis into one that breaks the
//! rules (signed by its author) is reported as corrupt, never shown as signed.

use std::collections::BTreeMap;

use equalis_assess::{
    AssessError, Assessment, BrownChecklist, Capacity, Decision, Person, Refusal, Stage, Status,
    Version, VersionRecord,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Actor, action};
use crate::clock::{from_secs, to_secs};
use crate::{Role, Store, StoreError, User};

/// The time within which repeated refused anonymous reads of the same unpublished version by
/// the same client make one audit entry ([`Store::record_anonymous_read_refusal`]).
pub const REFUSAL_WINDOW: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// How long a window's row is kept after its last entry (then pruned).
const REFUSAL_WINDOW_KEPT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 60 * 60);

/// What an account's role may do with assessments: authors (`edi_lead`, `analyst`,
/// `admin`) write, reviewers sign, everyone else reads.
pub fn assessment_capacity(role: Role) -> Capacity {
    match role {
        Role::Admin | Role::Analyst | Role::EdiLead => Capacity::Author,
        Role::Reviewer => Capacity::Reviewer,
        Role::Viewer | Role::Public => Capacity::Reader,
    }
}

fn person(user: &User) -> Person {
    Person {
        id: user.id,
        name: user.display_name.clone(),
        capacity: assessment_capacity(user.role),
    }
}

/// The date of `now` used by the rules (UTC: a review date is a day, and the hour either
/// side of midnight in summer does not move a review by a day that matters).
fn today(now: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}

fn subject(decision_id: i64) -> String {
    format!("decision:{decision_id}")
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    /// The store's id.
    pub id: i64,
    /// The record.
    pub decision: Decision,
    /// The account that created it.
    pub created_by: i64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A version as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    /// The decision it assesses.
    pub decision_id: i64,
    /// The version, with its answers, authors and sign-off.
    pub version: Version,
    /// When it was started.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What the index needs of a version, without its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    /// Its number.
    pub number: u32,
    /// Where it is.
    pub status: Status,
    /// Its review date.
    pub review_due: Option<Date>,
    /// Whether some group has a negative impact with no mitigation written.
    pub negative_unmitigated: bool,
    /// When it was signed.
    pub signed_at: Option<Timestamp>,
    /// When it was published.
    pub published_at: Option<Timestamp>,
}

/// A decision with the summaries of its versions, oldest first: a row of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionListing {
    /// The decision.
    pub decision: StoredDecision,
    /// Its versions, oldest first.
    pub versions: Vec<VersionSummary>,
}

impl DecisionListing {
    /// The newest version (the one being worked on, or the one in force).
    pub fn latest(&self) -> Option<&VersionSummary> {
        self.versions.last()
    }

    /// The newest signed version: the assessment in force while a newer one is drafted.
    pub fn in_force(&self) -> Option<&VersionSummary> {
        self.versions.iter().rev().find(|v| v.status.is_signed())
    }

    /// The newest published version: what the public may read.
    pub fn published(&self) -> Option<&VersionSummary> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.status == Status::Published)
    }

    /// Whether the assessment in force is past its review date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.in_force()
            .and_then(|v| v.review_due)
            .is_some_and(|d| d < today)
    }

    /// Whether the published version is past its review date: the overdue of the public's
    /// view, which must not reveal a signed version not yet published.
    pub fn published_overdue(&self, today: Date) -> bool {
        self.published()
            .and_then(|v| v.review_due)
            .is_some_and(|d| d < today)
    }

    /// Whether the newest version has a negative impact with no mitigation.
    pub fn negative_unmitigated(&self) -> bool {
        self.latest().is_some_and(|v| v.negative_unmitigated)
    }
}

/// The index's filters (all optional; each given one must match).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFilter {
    /// Only decisions at this stage.
    pub stage: Option<Stage>,
    /// Only this organisation's (compared ignoring case and surrounding spaces).
    pub organisation: Option<String>,
    /// Only those whose assessment in force (with `published_only`: the published one) is
    /// past its review date.
    pub overdue: bool,
    /// Only those with a negative impact not mitigated in their newest version (ignored with
    /// `published_only`, which must not reveal drafts).
    pub negative_unmitigated: bool,
    /// Only those with a published assessment (what the public sees).
    pub published_only: bool,
}

impl DecisionFilter {
    /// Whether `listing` passes every filter given, on `today`.
    pub fn matches(&self, listing: &DecisionListing, today: Date) -> bool {
        let d = &listing.decision.decision;
        self.stage.is_none_or(|s| d.stage == s)
            && self.organisation.as_deref().is_none_or(|o| {
                o.trim().is_empty() || d.organisation.trim().eq_ignore_ascii_case(o.trim())
            })
            && (!self.overdue
                || if self.published_only {
                    listing.published_overdue(today)
                } else {
                    listing.is_overdue(today)
                })
            // The public's view never filters on drafts: that would tell them which
            // published decisions have a draft with an unmitigated negative impact.
            && (!self.negative_unmitigated || (!self.published_only && listing.negative_unmitigated()))
            && (!self.published_only || listing.published().is_some())
    }
}

const DECISION_COLUMNS: &str =
    "id, title, summary, owner, organisation, stage, created_by, created_at, updated_at";

fn decision_from_row(row: &AnyRow) -> Result<StoredDecision, StoreError> {
    let stage: String = row.try_get("stage")?;
    Ok(StoredDecision {
        id: row.try_get("id")?,
        decision: Decision {
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            owner: row.try_get("owner")?,
            organisation: row.try_get("organisation")?,
            stage: stage
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("a decision has {e}")))?,
        },
        created_by: row.try_get("created_by")?,
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}

const VERSION_COLUMNS: &str = "decision_id, version, status, record, created_at, updated_at";

fn version_from_row(row: &AnyRow) -> Result<StoredVersion, StoreError> {
    let decision_id: i64 = row.try_get("decision_id")?;
    let number: i64 = row.try_get("version")?;
    let text: String = row.try_get("record")?;
    let corrupt = |what: String| {
        StoreError::Corrupt(format!(
            "version {number} of decision {decision_id}'s assessment: {what}"
        ))
    };
    let record: VersionRecord =
        serde_json::from_str(&text).map_err(|e| corrupt(format!("unreadable record: {e}")))?;
    let status: String = row.try_get("status")?;
    if record.status.id() != status || i64::from(record.number) != number {
        return Err(corrupt("its columns do not match its record".into()));
    }
    let version = Version::from_record(record).map_err(|e| corrupt(e.problem.to_string()))?;
    Ok(StoredVersion {
        decision_id,
        version,
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}

fn summary_from_row(row: &AnyRow) -> Result<(i64, VersionSummary), StoreError> {
    let status: String = row.try_get("status")?;
    let review_due: Option<String> = row.try_get("review_due")?;
    let number: i64 = row.try_get("version")?;
    Ok((
        row.try_get("decision_id")?,
        VersionSummary {
            number: u32::try_from(number)
                .map_err(|_| StoreError::Corrupt(format!("an assessment version {number}")))?,
            status: status.parse().map_err(StoreError::Corrupt)?,
            review_due: review_due
                .map(|d| {
                    d.parse()
                        .map_err(|_| StoreError::Corrupt(format!("a review date `{d}`")))
                })
                .transpose()?,
            negative_unmitigated: row.try_get::<i64, _>("negative_unmitigated")? != 0,
            signed_at: row.try_get::<Option<i64>, _>("signed_at")?.map(from_secs),
            published_at: row
                .try_get::<Option<i64>, _>("published_at")?
                .map(from_secs),
        },
    ))
}

/// The columns a version's record decides, bound in this order after the record's JSON:
/// status, signed_by, signed_at, published_at, review_due, negative_unmitigated.
struct Derived {
    status: &'static str,
    record: String,
    signed_by: Option<i64>,
    signed_at: Option<i64>,
    published_at: Option<i64>,
    review_due: Option<String>,
    negative_unmitigated: i64,
}

fn derived(v: &Version) -> Result<Derived, StoreError> {
    let r = v.record();
    Ok(Derived {
        status: r.status.id(),
        record: serde_json::to_string(r)
            .map_err(|e| StoreError::Corrupt(format!("cannot encode a version: {e}")))?,
        signed_by: r.sign_off.as_ref().map(|s| s.signer),
        signed_at: r.sign_off.as_ref().map(|s| s.at.as_second()),
        published_at: r.published_at.map(|t| t.as_second()),
        review_due: r.document.review_due.map(|d| d.to_string()),
        negative_unmitigated: i64::from(!r.document.negative_without_mitigation().is_empty()),
    })
}

async fn latest_version(
    tx: &mut Transaction<'static, Any>,
    decision_id: i64,
) -> Result<Option<StoredVersion>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM assessment_versions
         WHERE decision_id = $1 ORDER BY version DESC LIMIT 1"
    )))
    .bind(decision_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(version_from_row).transpose()
}

async fn decision_exists(
    tx: &mut Transaction<'static, Any>,
    decision_id: i64,
) -> Result<(), StoreError> {
    let found = sqlx::query("SELECT id FROM decisions WHERE id = $1")
        .bind(decision_id)
        .fetch_optional(&mut **tx)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::UnknownDecision(decision_id)),
    }
}

fn author_of_decisions(by: &User) -> Result<(), StoreError> {
    if assessment_capacity(by.role) == Capacity::Author {
        Ok(())
    } else {
        Err(AssessError::Refused(Refusal::NotAnAuthor).into())
    }
}

fn check_decision(d: &Decision) -> Result<(), StoreError> {
    d.validate()
        .into_result()
        .map_err(|e| AssessError::Invalid(e).into())
}

/// The decision as the audit log records it (every field: a change shows its new value).
fn decision_detail(d: &Decision) -> Value {
    json!({
        "title": d.title.trim(),
        "owner": d.owner.trim(),
        "organisation": d.organisation.trim(),
        "stage": d.stage.id(),
    })
}

impl Store {
    /// Records a new decision (authors only).
    pub async fn create_decision(
        &self,
        by: &User,
        decision: &Decision,
    ) -> Result<StoredDecision, StoreError> {
        author_of_decisions(by)?;
        check_decision(decision)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO decisions (title, summary, owner, organisation, stage, created_by,
                                    created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             RETURNING id",
        )
        .bind(decision.title.trim())
        .bind(decision.summary.trim())
        .bind(decision.owner.trim())
        .bind(decision.organisation.trim())
        .bind(decision.stage.id())
        .bind(by.id)
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::DECISION_CREATED,
            &subject(id),
            &decision_detail(decision),
        )
        .await?;
        tx.commit().await?;
        self.decision(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("decision {id} vanished")))
    }

    /// Changes a decision's record (authors only); the audit entry names the fields changed.
    pub async fn update_decision(
        &self,
        by: &User,
        id: i64,
        decision: &Decision,
    ) -> Result<StoredDecision, StoreError> {
        author_of_decisions(by)?;
        check_decision(decision)?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let old = row
            .as_ref()
            .map(decision_from_row)
            .transpose()?
            .ok_or(StoreError::UnknownDecision(id))?;
        let o = &old.decision;
        let changed: Vec<&str> = [
            ("title", o.title != decision.title.trim()),
            ("summary", o.summary != decision.summary.trim()),
            ("owner", o.owner != decision.owner.trim()),
            (
                "organisation",
                o.organisation != decision.organisation.trim(),
            ),
            ("stage", o.stage != decision.stage),
        ]
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(f, _)| f)
        .collect();
        if changed.is_empty() {
            return Ok(old);
        }
        sqlx::query(
            "UPDATE decisions SET title = $1, summary = $2, owner = $3, organisation = $4,
                                  stage = $5, updated_at = $6
             WHERE id = $7",
        )
        .bind(decision.title.trim())
        .bind(decision.summary.trim())
        .bind(decision.owner.trim())
        .bind(decision.organisation.trim())
        .bind(decision.stage.id())
        .bind(to_secs(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut detail = decision_detail(decision);
        detail["changed"] = json!(changed);
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::DECISION_CHANGED,
            &subject(id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        self.decision(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("decision {id} vanished")))
    }

    /// The decision with this id, if any.
    pub async fn decision(&self, id: i64) -> Result<Option<StoredDecision>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decision_from_row).transpose()
    }

    /// Every decision with its versions' summaries, the most recently changed first.
    pub async fn list_decisions(&self) -> Result<Vec<DecisionListing>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions ORDER BY updated_at DESC, id DESC"
        )))
        .fetch_all(self.pool())
        .await?;
        let decisions = rows
            .iter()
            .map(decision_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let rows = sqlx::query(
            "SELECT decision_id, version, status, review_due, negative_unmitigated, signed_at,
                    published_at
             FROM assessment_versions ORDER BY decision_id, version",
        )
        .fetch_all(self.pool())
        .await?;
        let mut versions: BTreeMap<i64, Vec<VersionSummary>> = BTreeMap::new();
        for row in &rows {
            let (id, summary) = summary_from_row(row)?;
            versions.entry(id).or_default().push(summary);
        }
        Ok(decisions
            .into_iter()
            .map(|decision| DecisionListing {
                versions: versions.remove(&decision.id).unwrap_or_default(),
                decision,
            })
            .collect())
    }

    /// Every version of a decision's assessment, oldest first.
    pub async fn assessment_versions(
        &self,
        decision_id: i64,
    ) -> Result<Vec<StoredVersion>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM assessment_versions
             WHERE decision_id = $1 ORDER BY version"
        )))
        .bind(decision_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// One version, if it exists.
    pub async fn assessment_version(
        &self,
        decision_id: i64,
        number: u32,
    ) -> Result<Option<StoredVersion>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM assessment_versions
             WHERE decision_id = $1 AND version = $2"
        )))
        .bind(decision_id)
        .bind(i64::from(number))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(version_from_row).transpose()
    }

    /// Starts the decision's assessment: version 1, or a new draft from the signed newest
    /// version. Refused while a version is in progress (a draft or awaiting sign-off).
    pub async fn start_assessment(
        &self,
        by: &User,
        decision_id: i64,
    ) -> Result<StoredVersion, StoreError> {
        let now = self.now();
        let who = person(by);
        let mut tx = self.begin_audited().await?;
        decision_exists(&mut tx, decision_id).await?;
        let latest = latest_version(&mut tx, decision_id).await?;
        let version = match &latest {
            None => Version::new(&who)?,
            Some(s) if !s.version.status().is_signed() => {
                return Err(StoreError::AssessmentInProgress {
                    decision: decision_id,
                    version: s.version.number(),
                });
            }
            Some(s) => s.version.next_version(&who)?,
        };
        let d = derived(&version)?;
        sqlx::query(
            "INSERT INTO assessment_versions
                 (decision_id, version, status, record, created_by, signed_by, signed_at,
                  published_at, review_due, negative_unmitigated, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(decision_id)
        .bind(i64::from(version.number()))
        .bind(d.status)
        .bind(&d.record)
        .bind(by.id)
        .bind(d.signed_by)
        .bind(d.signed_at)
        .bind(d.published_at)
        .bind(d.review_due)
        .bind(d.negative_unmitigated)
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            action::ASSESSMENT_STARTED,
            &subject(decision_id),
            &json!({
                "version": version.number(),
                "from_version": latest.map(|s| s.version.number()),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredVersion {
            decision_id,
            version,
            created_at: now,
            updated_at: now,
        })
    }

    /// Saves a draft's answers (authors only; incomplete answers are kept). The audit entry
    /// names the parts changed; saving unchanged answers records nothing.
    pub async fn save_assessment(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
        document: Assessment,
    ) -> Result<StoredVersion, StoreError> {
        self.change_version(
            by,
            decision_id,
            number,
            action::ASSESSMENT_SAVED,
            |v, who, _, _| {
                let changed = v.document().changes(&document);
                v.edit(who, document)?;
                Ok((!changed.is_empty()).then(|| json!({ "changed": changed })))
            },
        )
        .await
    }

    /// Submits a complete draft for sign-off.
    pub async fn submit_assessment(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
    ) -> Result<StoredVersion, StoreError> {
        self.change_version(
            by,
            decision_id,
            number,
            action::ASSESSMENT_SUBMITTED,
            |v, who, _, today| {
                v.submit(who, today)?;
                Ok(Some(json!({})))
            },
        )
        .await
    }

    /// A reviewer returns a submitted version to its authors, saying why.
    pub async fn return_assessment(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
        comment: &str,
    ) -> Result<StoredVersion, StoreError> {
        self.change_version(
            by,
            decision_id,
            number,
            action::ASSESSMENT_RETURNED,
            |v, who, _, _| {
                v.return_to_draft(who, comment)?;
                Ok(Some(json!({ "comment": comment.trim() })))
            },
        )
        .await
    }

    /// A reviewer who did not write it signs a submitted version off, every Brown principle
    /// confirmed (for "no full assessment", this is their agreement with the screening).
    pub async fn sign_assessment(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
        checklist: BrownChecklist,
        comment: &str,
    ) -> Result<StoredVersion, StoreError> {
        self.change_version(
            by,
            decision_id,
            number,
            action::ASSESSMENT_SIGNED,
            |v, who, now, today| {
                let s = v.sign(who, checklist, comment, now, today)?;
                Ok(Some(json!({
                    "kind": match s.kind {
                        equalis_assess::SignOffKind::FullAssessment => "full_assessment",
                        equalis_assess::SignOffKind::ScreeningAgreement => "screening_agreement",
                    },
                    "brown_principles": s.checklist.confirmed,
                    "comment": s.comment,
                    "review_due": v.document().review_due.map(|d| d.to_string()),
                })))
            },
        )
        .await
    }

    /// Publishes a signed version, so the public may read it.
    pub async fn publish_assessment(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
    ) -> Result<StoredVersion, StoreError> {
        self.change_version(
            by,
            decision_id,
            number,
            action::ASSESSMENT_PUBLISHED,
            |v, who, now, _| {
                let already = v.status() == Status::Published;
                v.publish(who, now)?;
                Ok((!already).then(|| json!({})))
            },
        )
        .await
    }

    /// Records a refused attempt on decision `decision_id` in the audit log: by `by` (`None`:
    /// someone not signed in), what was `attempted` (an audit action's name, or `read`), and
    /// `why`. The due-regard trail shows what was tried and stopped, not only what happened.
    pub async fn record_refusal(
        &self,
        by: Option<&User>,
        decision_id: i64,
        attempted: &str,
        why: &str,
    ) -> Result<(), StoreError> {
        let actor = by.map_or(Actor::Anonymous(None), |u| Actor::User(u.email.clone()));
        self.record(
            &actor,
            action::ASSESSMENT_REFUSED,
            &subject(decision_id),
            json!({ "attempted": attempted, "reason": why }),
        )
        .await?;
        Ok(())
    }

    /// Records that someone not signed in, from `client` (their address, when known), was
    /// refused version `version` of decision `decision_id` because it is not published
    /// (`why`), writing at most one audit entry per decision, version and client per
    /// [`REFUSAL_WINDOW`]: a crawler asking for a draft every second leaves one entry an
    /// hour, not 3,600. Repeats inside the window cost one indexed update (no audit lock, no
    /// hash) and are counted; the next entry says how many there were (`repeats_before`).
    /// Returns whether an entry was written. Refusals of signed-in people (a reviewer signing
    /// their own) are never deduplicated: they go through [`Store::record_refusal`].
    pub async fn record_anonymous_read_refusal(
        &self,
        decision_id: i64,
        version: u32,
        client: Option<&str>,
        why: &str,
    ) -> Result<bool, StoreError> {
        let now = to_secs(self.now());
        let window = REFUSAL_WINDOW.as_secs() as i64;
        let key = client.unwrap_or("unknown");
        // The cheap path: a repeat inside the window is counted, nothing more.
        let counted = sqlx::query(
            "UPDATE refusal_windows SET repeats = repeats + 1
             WHERE decision_id = $1 AND version = $2 AND client = $3 AND recorded_at > $4",
        )
        .bind(decision_id)
        .bind(i64::from(version))
        .bind(key)
        .bind(now - window)
        .execute(self.pool())
        .await?;
        if counted.rows_affected() > 0 {
            return Ok(false);
        }
        let mut tx = self.begin_audited().await?;
        // Under the audit lock, so of two first refusals at once one writes the entry and the
        // other, seeing its row, is counted.
        let row = sqlx::query(
            "SELECT recorded_at, repeats FROM refusal_windows
             WHERE decision_id = $1 AND version = $2 AND client = $3",
        )
        .bind(decision_id)
        .bind(i64::from(version))
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let (recent, repeats) = match &row {
            Some(r) => {
                let at: i64 = r.try_get("recorded_at")?;
                let repeats: i64 = r.try_get("repeats")?;
                (at > now - window, repeats)
            }
            None => (false, 0),
        };
        if recent {
            sqlx::query(
                "UPDATE refusal_windows SET repeats = repeats + 1
                 WHERE decision_id = $1 AND version = $2 AND client = $3",
            )
            .bind(decision_id)
            .bind(i64::from(version))
            .bind(key)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(false);
        }
        // Rows untouched for a week hold nothing worth keeping (their repeats are dropped).
        sqlx::query("DELETE FROM refusal_windows WHERE recorded_at < $1")
            .bind(now - REFUSAL_WINDOW_KEPT.as_secs() as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO refusal_windows (decision_id, version, client, recorded_at, repeats)
             VALUES ($1, $2, $3, $4, 0)
             ON CONFLICT (decision_id, version, client)
             DO UPDATE SET recorded_at = excluded.recorded_at, repeats = 0",
        )
        .bind(decision_id)
        .bind(i64::from(version))
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let actor = Actor::Anonymous(client.map(str::to_owned));
        audit::append(
            &mut tx,
            self.now(),
            &actor,
            action::ASSESSMENT_REFUSED,
            &subject(decision_id),
            &json!({
                "attempted": "read",
                "version": version,
                "reason": why,
                "repeats_before": repeats,
                "window_seconds": window,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Loads the newest version of the decision's assessment, which must be `number` (so no
    /// one acts on a version they are not looking at), lets `op` change it under the rules,
    /// and writes it with its audit entry in one transaction. `op` returns the entry's
    /// detail, or `None` when nothing changed (nothing is written then).
    async fn change_version<F>(
        &self,
        by: &User,
        decision_id: i64,
        number: u32,
        what: &str,
        op: F,
    ) -> Result<StoredVersion, StoreError>
    where
        F: FnOnce(&mut Version, &Person, Timestamp, Date) -> Result<Option<Value>, AssessError>,
    {
        let now = self.now();
        let who = person(by);
        let mut tx = self.begin_audited().await?;
        decision_exists(&mut tx, decision_id).await?;
        let mut stored = latest_version(&mut tx, decision_id).await?.ok_or(
            StoreError::UnknownAssessmentVersion {
                decision: decision_id,
                version: number,
            },
        )?;
        let latest = stored.version.number();
        if latest != number {
            return Err(if number > latest {
                StoreError::UnknownAssessmentVersion {
                    decision: decision_id,
                    version: number,
                }
            } else {
                StoreError::NotLatestVersion {
                    decision: decision_id,
                    version: number,
                    latest,
                }
            });
        }
        let from = stored.version.status();
        let outcome = match op(&mut stored.version, &who, now, today(now)) {
            Ok(o) => o,
            Err(AssessError::Refused(r)) => {
                // Refused by the rules: the change is dropped, and the attempt recorded in
                // an audit entry of its own.
                drop(tx);
                let why = r.to_string();
                let why = why.lines().next().unwrap_or_default();
                self.record_refusal(
                    Some(by),
                    decision_id,
                    what,
                    &format!("version {number}: {why}"),
                )
                .await?;
                return Err(AssessError::Refused(r).into());
            }
            Err(e) => return Err(e.into()),
        };
        let Some(mut detail) = outcome else {
            return Ok(stored);
        };
        let d = derived(&stored.version)?;
        sqlx::query(
            "UPDATE assessment_versions
             SET status = $1, record = $2, signed_by = $3, signed_at = $4, published_at = $5,
                 review_due = $6, negative_unmitigated = $7, updated_at = $8
             WHERE decision_id = $9 AND version = $10",
        )
        .bind(d.status)
        .bind(&d.record)
        .bind(d.signed_by)
        .bind(d.signed_at)
        .bind(d.published_at)
        .bind(d.review_due)
        .bind(d.negative_unmitigated)
        .bind(to_secs(now))
        .bind(decision_id)
        .bind(i64::from(number))
        .execute(&mut *tx)
        .await?;
        detail["version"] = json!(number);
        detail["from"] = json!(from.id());
        detail["to"] = json!(stored.version.status().id());
        audit::append(
            &mut tx,
            now,
            &Actor::User(by.email.clone()),
            what,
            &subject(decision_id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        stored.updated_at = now;
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn listing(stage: Stage, org: &str, versions: Vec<VersionSummary>) -> DecisionListing {
        DecisionListing {
            decision: StoredDecision {
                id: 1,
                decision: Decision {
                    title: "t".into(),
                    summary: "s".into(),
                    owner: "o".into(),
                    organisation: org.into(),
                    stage,
                },
                created_by: 1,
                created_at: Timestamp::UNIX_EPOCH,
                updated_at: Timestamp::UNIX_EPOCH,
            },
            versions,
        }
    }

    fn summary(number: u32, status: Status, due: Option<Date>, negative: bool) -> VersionSummary {
        VersionSummary {
            number,
            status,
            review_due: due,
            negative_unmitigated: negative,
            signed_at: None,
            published_at: None,
        }
    }

    #[test]
    fn roles_map_to_capacities() {
        for (role, c) in [
            (Role::Admin, Capacity::Author),
            (Role::Analyst, Capacity::Author),
            (Role::EdiLead, Capacity::Author),
            (Role::Reviewer, Capacity::Reviewer),
            (Role::Viewer, Capacity::Reader),
            (Role::Public, Capacity::Reader),
        ] {
            assert_eq!(assessment_capacity(role), c, "{role}");
        }
    }

    #[test]
    fn overdue_is_the_assessment_in_force_while_a_new_one_is_drafted() {
        let today = date(2027, 7, 1);
        let l = listing(
            Stage::Review,
            "QK1",
            vec![
                summary(1, Status::Published, Some(date(2027, 6, 30)), false),
                summary(2, Status::Draft, None, true),
            ],
        );
        assert_eq!(l.in_force().unwrap().number, 1);
        assert_eq!(l.published().unwrap().number, 1);
        assert!(l.is_overdue(today));
        assert!(!l.is_overdue(date(2027, 6, 30)));
        assert!(l.negative_unmitigated(), "the newest version's answers");
        let none = listing(
            Stage::Idea,
            "QK1",
            vec![summary(1, Status::Draft, Some(date(2020, 1, 1)), false)],
        );
        assert!(!none.is_overdue(today), "a draft is not in force");
    }

    #[test]
    fn filters() {
        let today = date(2027, 7, 1);
        let l = listing(
            Stage::Consultation,
            "QK1 ",
            vec![summary(1, Status::Signed, Some(date(2027, 1, 1)), true)],
        );
        let all = DecisionFilter::default();
        assert!(all.matches(&l, today));
        let f = |f: DecisionFilter| f.matches(&l, today);
        assert!(f(DecisionFilter {
            stage: Some(Stage::Consultation),
            ..all.clone()
        }));
        assert!(!f(DecisionFilter {
            stage: Some(Stage::Idea),
            ..all.clone()
        }));
        assert!(f(DecisionFilter {
            organisation: Some("qk1".into()),
            ..all.clone()
        }));
        assert!(f(DecisionFilter {
            organisation: Some(" ".into()),
            ..all.clone()
        }));
        assert!(!f(DecisionFilter {
            organisation: Some("RWE".into()),
            ..all.clone()
        }));
        assert!(f(DecisionFilter {
            overdue: true,
            ..all.clone()
        }));
        assert!(f(DecisionFilter {
            negative_unmitigated: true,
            ..all.clone()
        }));
        assert!(!f(DecisionFilter {
            published_only: true,
            ..all.clone()
        }));
        assert!(
            !DecisionFilter {
                overdue: true,
                ..all
            }
            .matches(&l, date(2026, 12, 31))
        );
    }

    /// The public's view filters on the published version only: its review date, never a
    /// newer signed one's, and never on a draft's unmitigated negative impacts.
    #[test]
    fn the_public_filters_see_only_the_published_version() {
        let today = date(2027, 7, 1);
        let l = listing(
            Stage::Review,
            "QK1",
            vec![
                summary(1, Status::Published, Some(date(2027, 6, 30)), false),
                summary(2, Status::Signed, Some(date(2028, 6, 30)), false),
                summary(3, Status::Draft, None, true),
            ],
        );
        let staff = DecisionFilter {
            overdue: true,
            ..DecisionFilter::default()
        };
        let public = DecisionFilter {
            published_only: true,
            ..staff.clone()
        };
        assert!(!staff.matches(&l, today), "version 2 is in force");
        assert!(public.matches(&l, today), "version 1 is what they read");
        let negative = DecisionFilter {
            negative_unmitigated: true,
            ..DecisionFilter::default()
        };
        assert!(negative.matches(&l, today));
        assert!(
            !DecisionFilter {
                published_only: true,
                ..negative
            }
            .matches(&l, today),
            "a draft's answers do not show through the public's filter"
        );
    }
}
