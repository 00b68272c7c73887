//! One version of an assessment and the rules that move it: draft → submitted → signed →
//! published, with a reviewer able to return a submitted version to draft.
//!
//! **Invariant:** no one signs a version they wrote. A version remembers everyone who
//! created, edited or submitted it (`authors`, by account id, so a later change of role does
//! not launder authorship), and [`Version::sign`] refuses any of them.
//!
//! **Invariant:** a signed version never changes. Every operation that would change the
//! document refuses unless the version is a draft; a change after sign-off is a new version
//! ([`Version::next_version`]), and the signed one stays as it was signed.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Outcome};
use crate::dates;
use crate::field::{self, FieldErrors};

/// What someone may do with assessments; the web layer maps account roles to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// Writes decisions and drafts (EDI leads, analysts, admins).
    Author,
    /// Returns or signs submitted versions, never their own.
    Reviewer,
    /// Reads only.
    Reader,
}

/// Someone acting on an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The account's id in the store.
    pub id: i64,
    /// Their name, as recorded on a sign-off.
    pub name: String,
    /// What they may do.
    pub capacity: Capacity,
}

/// Where a version is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; the only status in which the document changes.
    Draft,
    /// Complete and waiting for a reviewer.
    Submitted,
    /// Signed off by a reviewer: immutable.
    Signed,
    /// Signed and published: the public may read it.
    Published,
}

impl Status {
    /// Every status, in order.
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Submitted,
        Status::Signed,
        Status::Published,
    ];

    /// The name in the store and in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Signed => "signed",
            Status::Published => "published",
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Submitted => "Awaiting sign-off",
            Status::Signed => "Signed off",
            Status::Published => "Published",
        }
    }

    /// Whether a reviewer has signed it.
    pub fn is_signed(self) -> bool {
        matches!(self, Status::Signed | Status::Published)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|x| x.id() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// The Brown principles (R (Brown) v Secretary of State for Work and Pensions [2008] EWHC
/// 3158), as the sign-off checklist asks them: each must be confirmed.
pub const BROWN_PRINCIPLES: [(&str, &str); 5] = [
    (
        "before_decision",
        "Due regard was had before and at the time of the decision, not after it",
    ),
    (
        "decision_maker",
        "The decision maker is aware of the duty and of this assessment",
    ),
    (
        "rigour_open_mind",
        "It was done with rigour and an open mind, not as a tick-box exercise",
    ),
    (
        "non_delegable",
        "The duty stays with the decision maker: it has not been delegated",
    ),
    (
        "continuing",
        "The duty continues: the review date and actions keep it under review",
    ),
];

/// The reviewer's answers to the Brown checklist, by principle id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrownChecklist {
    /// The ids of [`BROWN_PRINCIPLES`] the reviewer confirmed.
    pub confirmed: BTreeSet<String>,
}

impl BrownChecklist {
    /// Every principle confirmed.
    pub fn all() -> BrownChecklist {
        BrownChecklist {
            confirmed: BROWN_PRINCIPLES
                .iter()
                .map(|(id, _)| id.to_string())
                .collect(),
        }
    }

    /// One error per principle not confirmed (field `brown-{id}`); ids it does not know are
    /// ignored, so a form cannot confirm what it was not asked.
    pub fn check(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        for (id, _) in BROWN_PRINCIPLES {
            if !self.confirmed.contains(id) {
                e.push(
                    format!("brown-{id}"),
                    "Confirm this principle, or return the assessment to its author",
                );
            }
        }
        e
    }
}

/// What a sign-off agreed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOffKind {
    /// The full assessment.
    FullAssessment,
    /// The screening's conclusion that no full assessment is needed.
    ScreeningAgreement,
}

/// A reviewer's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// The reviewer's account id.
    pub signer: i64,
    /// The reviewer's name.
    pub signer_name: String,
    /// When.
    #[serde(with = "seconds")]
    pub at: Timestamp,
    /// What was agreed.
    pub kind: SignOffKind,
    /// The Brown checklist, all confirmed.
    pub checklist: BrownChecklist,
    /// The reviewer's comment.
    pub comment: String,
}

mod seconds {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(t.as_second())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        Timestamp::from_second(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Why an operation was refused (the person or the status, not the answers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Only authors write.
    #[error(
        "only an author (an EDI lead, analyst or admin) may write assessments\n\nhint: ask an author to make the change"
    )]
    NotAnAuthor,
    /// Only reviewers return or sign.
    #[error("only a reviewer may return or sign off an assessment\n\nhint: ask a reviewer")]
    NotAReviewer,
    /// A reviewer who wrote the version.
    #[error(
        "you wrote or submitted this version, so you cannot sign it off\n\nhint: another reviewer must sign it"
    )]
    OwnAssessment,
    /// A change to a version that is not a draft.
    #[error(
        "version {number} is {status} and cannot be changed\n\nhint: start a new version to change a signed assessment"
    )]
    NotADraft {
        /// The version.
        number: u32,
        /// Its status.
        status: Status,
    },
    /// A sign-off or return of a version not submitted.
    #[error("version {number} is {status}, not awaiting sign-off")]
    NotSubmitted {
        /// The version.
        number: u32,
        /// Its status.
        status: Status,
    },
    /// Publishing or a new version from a version not signed.
    #[error("version {number} is {status}, not signed off")]
    NotSigned {
        /// The version.
        number: u32,
        /// Its status.
        status: Status,
    },
}

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// Answers missing or invalid, by field.
    #[error("some answers are missing or invalid: {0}")]
    Invalid(FieldErrors),
    /// Not allowed, to this person or in this status.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

/// A stored version that breaks the rules (edited outside equalis).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("assessment version {number} is inconsistent: {problem}")]
pub struct Inconsistent {
    /// The version.
    pub number: u32,
    /// What is wrong.
    pub problem: &'static str,
}

/// A version as stored: plain data. [`Version`] is the only way to change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRecord {
    /// 1 for the first version of a decision's assessment, counting up.
    pub number: u32,
    /// Where it is.
    pub status: Status,
    /// The answers.
    pub document: Assessment,
    /// Who started it.
    pub created_by: i64,
    /// Everyone who created, edited or submitted it: none of them may sign it.
    pub authors: BTreeSet<i64>,
    /// The reviewer's comment when they last returned it to draft.
    pub returned_comment: Option<String>,
    /// The sign-off, once signed.
    pub sign_off: Option<SignOff>,
    /// When it was published.
    #[serde(with = "dates::opt_seconds")]
    pub published_at: Option<Timestamp>,
}

/// A version of an assessment, changed only by the operations below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(VersionRecord);

fn author(by: &Person) -> Result<(), Refusal> {
    if by.capacity == Capacity::Author {
        Ok(())
    } else {
        Err(Refusal::NotAnAuthor)
    }
}

fn reviewer(by: &Person) -> Result<(), Refusal> {
    if by.capacity == Capacity::Reviewer {
        Ok(())
    } else {
        Err(Refusal::NotAReviewer)
    }
}

impl Version {
    /// A first, blank draft.
    pub fn new(by: &Person) -> Result<Version, AssessError> {
        author(by)?;
        Ok(Version(VersionRecord {
            number: 1,
            status: Status::Draft,
            document: Assessment::default(),
            created_by: by.id,
            authors: [by.id].into(),
            returned_comment: None,
            sign_off: None,
            published_at: None,
        }))
    }

    /// A stored version, checked against the rules it was made under.
    pub fn from_record(record: VersionRecord) -> Result<Version, Inconsistent> {
        let bad = |problem| {
            Err(Inconsistent {
                number: record.number,
                problem,
            })
        };
        if record.number == 0 {
            return bad("versions are numbered from 1");
        }
        if !record.authors.contains(&record.created_by) {
            return bad("its creator is not among its authors");
        }
        match (&record.sign_off, record.status.is_signed()) {
            (None, true) => return bad("it is signed but has no sign-off"),
            (Some(_), false) => return bad("it has a sign-off but is not signed"),
            (Some(s), true) if record.authors.contains(&s.signer) => {
                return bad("it was signed by one of its authors");
            }
            _ => {}
        }
        if record.published_at.is_some() != (record.status == Status::Published) {
            return bad("its publication time does not match its status");
        }
        Ok(Version(record))
    }

    /// The stored form.
    pub fn record(&self) -> &VersionRecord {
        &self.0
    }

    /// The stored form, by value.
    pub fn into_record(self) -> VersionRecord {
        self.0
    }

    /// The number.
    pub fn number(&self) -> u32 {
        self.0.number
    }

    /// The status.
    pub fn status(&self) -> Status {
        self.0.status
    }

    /// The answers.
    pub fn document(&self) -> &Assessment {
        &self.0.document
    }

    /// Whether `person` wrote or submitted this version.
    pub fn is_author(&self, person_id: i64) -> bool {
        self.0.authors.contains(&person_id)
    }

    fn draft(&self) -> Result<(), Refusal> {
        if self.0.status == Status::Draft {
            Ok(())
        } else {
            Err(Refusal::NotADraft {
                number: self.0.number,
                status: self.0.status,
            })
        }
    }

    fn submitted(&self) -> Result<(), Refusal> {
        if self.0.status == Status::Submitted {
            Ok(())
        } else {
            Err(Refusal::NotSubmitted {
                number: self.0.number,
                status: self.0.status,
            })
        }
    }

    fn signed(&self) -> Result<(), Refusal> {
        if self.0.status.is_signed() {
            Ok(())
        } else {
            Err(Refusal::NotSigned {
                number: self.0.number,
                status: self.0.status,
            })
        }
    }

    /// Replaces the draft's answers. Blank answers are kept (a draft may be incomplete);
    /// answers a draft cannot hold are refused by field and nothing changes.
    pub fn edit(&mut self, by: &Person, document: Assessment) -> Result<(), AssessError> {
        author(by)?;
        self.draft()?;
        document
            .check_draft()
            .into_result()
            .map_err(AssessError::Invalid)?;
        self.0.document = document;
        self.0.authors.insert(by.id);
        Ok(())
    }

    /// Submits a complete draft for sign-off.
    pub fn submit(&mut self, by: &Person, today: Date) -> Result<(), AssessError> {
        author(by)?;
        self.draft()?;
        self.0
            .document
            .check_complete(today)
            .into_result()
            .map_err(AssessError::Invalid)?;
        self.0.status = Status::Submitted;
        self.0.authors.insert(by.id);
        Ok(())
    }

    /// A reviewer sends a submitted version back to draft, saying why.
    pub fn return_to_draft(&mut self, by: &Person, comment: &str) -> Result<(), AssessError> {
        reviewer(by)?;
        self.submitted()?;
        let mut e = FieldErrors::new();
        if comment.trim().is_empty() {
            e.push("comment", "Enter what the author needs to change");
        } else {
            field::text(&mut e, "comment", comment, "the comment");
        }
        e.into_result().map_err(AssessError::Invalid)?;
        self.0.status = Status::Draft;
        self.0.returned_comment = Some(comment.trim().to_string());
        Ok(())
    }

    /// A reviewer who is not an author signs a submitted, complete version with every Brown
    /// principle confirmed. For a screening that found no full assessment needed, this is the
    /// reviewer's agreement with its justification.
    pub fn sign(
        &mut self,
        by: &Person,
        checklist: BrownChecklist,
        comment: &str,
        now: Timestamp,
        today: Date,
    ) -> Result<&SignOff, AssessError> {
        reviewer(by)?;
        self.submitted()?;
        if self.is_author(by.id) {
            return Err(Refusal::OwnAssessment.into());
        }
        let mut e = checklist.check();
        field::text(&mut e, "comment", comment, "the comment");
        // Checked again at sign-off: a review date that has passed while it waited is caught.
        e.0.extend(self.0.document.check_complete(today).0);
        e.into_result().map_err(AssessError::Invalid)?;
        let kind = match self.0.document.screening.outcome() {
            Outcome::NoFullAssessment => SignOffKind::ScreeningAgreement,
            Outcome::FullAssessment | Outcome::Undecided => SignOffKind::FullAssessment,
        };
        self.0.status = Status::Signed;
        self.0.returned_comment = None;
        Ok(self.0.sign_off.insert(SignOff {
            signer: by.id,
            signer_name: by.name.clone(),
            at: now,
            kind,
            checklist,
            comment: comment.trim().to_string(),
        }))
    }

    /// Publishes a signed version (an author or a reviewer may).
    pub fn publish(&mut self, by: &Person, now: Timestamp) -> Result<(), AssessError> {
        if by.capacity == Capacity::Reader {
            return Err(Refusal::NotAnAuthor.into());
        }
        self.signed()?;
        if self.0.status == Status::Published {
            return Ok(());
        }
        self.0.status = Status::Published;
        self.0.published_at = Some(now);
        Ok(())
    }

    /// A new draft that starts from this signed version's answers; this one is unchanged.
    pub fn next_version(&self, by: &Person) -> Result<Version, AssessError> {
        author(by)?;
        self.signed()?;
        Ok(Version(VersionRecord {
            number: self.0.number + 1,
            status: Status::Draft,
            document: self.0.document.clone(),
            created_by: by.id,
            authors: [by.id].into(),
            returned_comment: None,
            sign_off: None,
            published_at: None,
        }))
    }

    /// Whether a signed version's review date has passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.0.status.is_signed() && self.0.document.review_due.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::tests::complete;
    use jiff::civil::date;
    use proptest::prelude::*;

    const TODAY: Date = date(2026, 12, 4);

    fn now() -> Timestamp {
        Timestamp::from_second(1_796_000_000).unwrap()
    }

    fn person(id: i64, capacity: Capacity) -> Person {
        Person {
            id,
            name: format!("Person {id}"),
            capacity,
        }
    }

    fn submitted() -> Version {
        let a = person(1, Capacity::Author);
        let mut v = Version::new(&a).unwrap();
        v.edit(&a, complete()).unwrap();
        v.submit(&a, TODAY).unwrap();
        v
    }

    #[test]
    fn the_whole_workflow() {
        let mut v = submitted();
        let r = person(2, Capacity::Reviewer);
        let s = v
            .sign(&r, BrownChecklist::all(), "Agreed", now(), TODAY)
            .unwrap();
        assert_eq!(s.kind, SignOffKind::FullAssessment);
        assert_eq!(s.signer_name, "Person 2");
        assert_eq!(v.status(), Status::Signed);
        v.publish(&r, now()).unwrap();
        assert_eq!(v.status(), Status::Published);
        let again = Version::from_record(v.record().clone()).unwrap();
        assert_eq!(again, v);
        let next = v.next_version(&person(3, Capacity::Author)).unwrap();
        assert_eq!((next.number(), next.status()), (2, Status::Draft));
        assert_eq!(next.document(), v.document());
        assert!(
            !next.is_author(1),
            "authorship starts again with the new version"
        );
    }

    #[test]
    fn only_authors_write() {
        for c in [Capacity::Reviewer, Capacity::Reader] {
            assert_eq!(
                Version::new(&person(1, c)),
                Err(AssessError::Refused(Refusal::NotAnAuthor))
            );
        }
        let a = person(1, Capacity::Author);
        let mut v = Version::new(&a).unwrap();
        assert_eq!(
            v.edit(&person(2, Capacity::Reader), complete()),
            Err(Refusal::NotAnAuthor.into())
        );
        assert_eq!(
            v.submit(&person(2, Capacity::Reviewer), TODAY),
            Err(Refusal::NotAnAuthor.into())
        );
    }

    #[test]
    fn an_incomplete_draft_is_kept_but_not_submitted() {
        let a = person(1, Capacity::Author);
        let mut v = Version::new(&a).unwrap();
        let mut doc = complete();
        doc.review_due = None;
        v.edit(&a, doc.clone()).unwrap();
        assert_eq!(v.document(), &doc, "kept as it is");
        let Err(AssessError::Invalid(e)) = v.submit(&a, TODAY) else {
            panic!("submitted an incomplete draft")
        };
        assert_eq!(e.len(), 1);
        assert!(e.get("review_due").is_some());
        assert_eq!(v.status(), Status::Draft);
    }

    #[test]
    fn a_draft_refuses_what_it_cannot_hold_and_keeps_what_it_had() {
        let a = person(1, Capacity::Author);
        let mut v = Version::new(&a).unwrap();
        let mut doc = Assessment::default();
        doc.screening.reason = "x".repeat(crate::field::MAX_TEXT_CHARS + 1);
        assert!(matches!(v.edit(&a, doc), Err(AssessError::Invalid(_))));
        assert_eq!(v.document(), &Assessment::default());
    }

    #[test]
    fn a_reviewer_cannot_sign_their_own() {
        let mut v = submitted();
        // Account 1 wrote it and has since been made a reviewer.
        let r = person(1, Capacity::Reviewer);
        assert_eq!(
            v.sign(&r, BrownChecklist::all(), "", now(), TODAY),
            Err(Refusal::OwnAssessment.into())
        );
        assert_eq!(v.status(), Status::Submitted);
    }

    #[test]
    fn only_a_reviewer_signs_and_only_a_submitted_version() {
        let mut v = submitted();
        assert_eq!(
            v.sign(
                &person(5, Capacity::Author),
                BrownChecklist::all(),
                "",
                now(),
                TODAY
            ),
            Err(Refusal::NotAReviewer.into())
        );
        let a = person(1, Capacity::Author);
        let mut draft = Version::new(&a).unwrap();
        draft.edit(&a, complete()).unwrap();
        assert_eq!(
            draft
                .sign(
                    &person(2, Capacity::Reviewer),
                    BrownChecklist::all(),
                    "",
                    now(),
                    TODAY
                )
                .unwrap_err(),
            Refusal::NotSubmitted {
                number: 1,
                status: Status::Draft
            }
            .into()
        );
        assert!(
            v.sign(
                &person(2, Capacity::Reviewer),
                BrownChecklist::all(),
                "",
                now(),
                TODAY
            )
            .is_ok()
        );
    }

    #[test]
    fn every_brown_principle_must_be_confirmed() {
        let mut v = submitted();
        let mut checklist = BrownChecklist::all();
        checklist.confirmed.remove("non_delegable");
        checklist.confirmed.insert("made_up".into());
        let Err(AssessError::Invalid(e)) =
            v.sign(&person(2, Capacity::Reviewer), checklist, "", now(), TODAY)
        else {
            panic!("signed without the whole checklist")
        };
        assert_eq!(e.len(), 1);
        assert!(e.get("brown-non_delegable").is_some());
        assert_eq!(v.status(), Status::Submitted);
    }

    #[test]
    fn a_review_date_passed_while_waiting_blocks_sign_off() {
        let mut v = submitted();
        let later = date(2027, 7, 1);
        let Err(AssessError::Invalid(e)) = v.sign(
            &person(2, Capacity::Reviewer),
            BrownChecklist::all(),
            "",
            now(),
            later,
        ) else {
            panic!("signed with a past review date")
        };
        assert!(e.get("review_due").is_some());
    }

    #[test]
    fn a_signed_version_cannot_change() {
        let mut v = submitted();
        v.sign(
            &person(2, Capacity::Reviewer),
            BrownChecklist::all(),
            "",
            now(),
            TODAY,
        )
        .unwrap();
        let a = person(1, Capacity::Author);
        assert_eq!(
            v.edit(&a, Assessment::default()),
            Err(Refusal::NotADraft {
                number: 1,
                status: Status::Signed
            }
            .into())
        );
        assert!(v.submit(&a, TODAY).is_err());
        assert!(
            v.return_to_draft(&person(2, Capacity::Reviewer), "redo")
                .is_err()
        );
        assert_eq!(v.document(), &complete());
    }

    #[test]
    fn a_reviewer_returns_with_a_comment() {
        let mut v = submitted();
        let r = person(2, Capacity::Reviewer);
        let Err(AssessError::Invalid(e)) = v.return_to_draft(&r, " ") else {
            panic!("returned without a comment")
        };
        assert!(e.get("comment").is_some());
        v.return_to_draft(&r, "Add the carers' survey").unwrap();
        assert_eq!(v.status(), Status::Draft);
        assert_eq!(
            v.record().returned_comment.as_deref(),
            Some("Add the carers' survey")
        );
        assert!(!v.is_author(2), "returning is not writing");
    }

    #[test]
    fn no_full_assessment_is_a_screening_agreement() {
        let a = person(1, Capacity::Author);
        let mut v = Version::new(&a).unwrap();
        let mut doc = complete();
        doc.grid.clear();
        doc.screening.full_assessment = Some(false);
        doc.screening.reason = "Changes only the colour of the appointment letters".into();
        v.edit(&a, doc).unwrap();
        v.submit(&a, TODAY).unwrap();
        let s = v
            .sign(
                &person(2, Capacity::Reviewer),
                BrownChecklist::all(),
                "Agree",
                now(),
                TODAY,
            )
            .unwrap();
        assert_eq!(s.kind, SignOffKind::ScreeningAgreement);
    }

    #[test]
    fn publish_and_next_version_need_a_signed_version() {
        let mut v = submitted();
        let a = person(1, Capacity::Author);
        assert!(matches!(
            v.publish(&a, now()),
            Err(AssessError::Refused(Refusal::NotSigned { .. }))
        ));
        assert!(v.next_version(&a).is_err());
        v.sign(
            &person(2, Capacity::Reviewer),
            BrownChecklist::all(),
            "",
            now(),
            TODAY,
        )
        .unwrap();
        assert_eq!(
            v.publish(&person(9, Capacity::Reader), now()),
            Err(Refusal::NotAnAuthor.into())
        );
        v.publish(&a, now()).unwrap();
        assert!(v.is_author(1));
    }

    #[test]
    fn overdue_is_a_signed_version_past_its_review_date() {
        let mut v = submitted();
        let after = date(2027, 7, 1);
        assert!(!v.is_overdue(after), "a version not signed is not overdue");
        v.sign(
            &person(2, Capacity::Reviewer),
            BrownChecklist::all(),
            "",
            now(),
            TODAY,
        )
        .unwrap();
        assert!(!v.is_overdue(date(2027, 6, 30)), "due today is not overdue");
        assert!(v.is_overdue(after));
    }

    #[test]
    fn stored_versions_that_break_the_rules_are_refused() {
        let mut v = submitted();
        v.sign(
            &person(2, Capacity::Reviewer),
            BrownChecklist::all(),
            "",
            now(),
            TODAY,
        )
        .unwrap();
        let mut r = v.record().clone();
        r.authors.insert(2);
        assert_eq!(
            Version::from_record(r).unwrap_err().problem,
            "it was signed by one of its authors"
        );
        let mut r = v.record().clone();
        r.status = Status::Draft;
        assert!(Version::from_record(r).is_err());
        let mut r = v.record().clone();
        r.status = Status::Published;
        assert!(Version::from_record(r).is_err(), "published with no time");
        let text = serde_json::to_string(v.record()).unwrap();
        let back: VersionRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(Version::from_record(back).unwrap(), v);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Edit(i64, Capacity, bool),
        Submit(i64, Capacity),
        Return(i64, Capacity),
        Sign(i64, Capacity),
        Publish(i64, Capacity),
        Next(i64, Capacity),
    }

    fn capacity() -> impl Strategy<Value = Capacity> + Clone {
        prop_oneof![
            Just(Capacity::Author),
            Just(Capacity::Reviewer),
            Just(Capacity::Reader)
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        // Four accounts whose capacity varies from step to step, as roles change.
        let who = (1i64..=4, capacity());
        prop_oneof![
            (who.clone(), any::<bool>()).prop_map(|((i, c), full)| Op::Edit(i, c, full)),
            who.clone().prop_map(|(i, c)| Op::Submit(i, c)),
            who.clone().prop_map(|(i, c)| Op::Return(i, c)),
            who.clone().prop_map(|(i, c)| Op::Sign(i, c)),
            who.clone().prop_map(|(i, c)| Op::Publish(i, c)),
            who.prop_map(|(i, c)| Op::Next(i, c)),
        ]
    }

    proptest! {
        /// No sequence of operations by anyone lets an author sign their own version, or
        /// changes a signed version; every version stays one the store would accept back.
        #[test]
        fn no_sequence_signs_own_work_or_changes_a_signed_version(
            ops in proptest::collection::vec(op(), 0..40)
        ) {
            let mut v = Version::new(&person(1, Capacity::Author)).unwrap();
            let mut signed_doc: Option<Assessment> = None;
            for op in ops {
                let before = v.clone();
                let result = match op {
                    Op::Edit(i, c, full) => {
                        let mut doc = complete();
                        if !full { doc.review_due = None; }
                        v.edit(&person(i, c), doc).map(|_| ())
                    }
                    Op::Submit(i, c) => v.submit(&person(i, c), TODAY),
                    Op::Return(i, c) => v.return_to_draft(&person(i, c), "Please revise"),
                    Op::Sign(i, c) => v
                        .sign(&person(i, c), BrownChecklist::all(), "", now(), TODAY)
                        .map(|_| ()),
                    Op::Publish(i, c) => v.publish(&person(i, c), now()),
                    Op::Next(i, c) => match v.next_version(&person(i, c)) {
                        // `next_version` borrows the old version immutably: it stays as it
                        // was; carry on with the new draft.
                        Ok(next) => {
                            v = next;
                            signed_doc = None;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    },
                };
                if result.is_err() {
                    prop_assert_eq!(&v, &before, "a refused operation changed the version");
                }
                if let Some(s) = &v.record().sign_off {
                    prop_assert!(!v.is_author(s.signer), "signed by an author");
                    match &signed_doc {
                        None => signed_doc = Some(v.document().clone()),
                        Some(d) => prop_assert_eq!(d, v.document(), "a signed version changed"),
                    }
                    prop_assert!(v.status().is_signed());
                }
                prop_assert!(Version::from_record(v.record().clone()).is_ok());
            }
        }
    }
}
