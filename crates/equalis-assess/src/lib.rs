//! Equality and health inequalities impact assessments (EHIA), as the Inclusive Decision
//! Making Framework asks for them: a [`Decision`] (a project, proposal or policy and its
//! [`Stage`]), [`Screening`] with the questions of NHS England's EHIA template, the full
//! assessment's grid ([`Subject`] × [`Dimension`] → [`Impact`], with evidence, engagement and
//! mitigation), [`Action`]s, and the sign-off rules of a [`Version`] (by a reviewer, never an
//! author, with the Brown-principles checklist; signed versions immutable; review dates).
//!
//! It is the Public Sector Equality Duty (s149 Equality Act 2010) and the NHS Act 2006 health
//! inequalities duties (s13SA, s14T) written down as rules a store and a web form can share.
//!
//! **Architecture invariant:** no I/O: no database, no HTTP, no files, no query engine.
//! Plain values in, plain values (and field-level errors) out; `equalis-store` keeps them and
//! `equalis-web` shows them.
//!
//! **Architecture invariant:** every refusal of an answer is a [`FieldError`] naming the
//! form field it belongs to, so a page can show it beside that field and keep what was typed.
//!
//! ```text
//! Decision ──▶ Version 1 (draft ─▶ submitted ─▶ signed ─▶ published) ──▶ Version 2 (draft …)
//!                 └─ Assessment: Screening · grid (Subject × Dimension) · Actions · review date
//! ```

#![deny(missing_docs)]

mod assessment;
mod dates;
mod decision;
pub mod evidence;
pub mod examples;
mod field;
mod grid;
mod version;

pub use assessment::{
    Action, Assessment, MIN_JUSTIFICATION_CHARS, Outcome, Screening, action_field,
};
pub use dates::parse_date_parts;
pub use decision::{Decision, Stage, UnknownStage};
pub use evidence::{Evidence, EvidenceFigure};
pub use field::{FieldError, FieldErrors, MAX_LINE_CHARS, MAX_TEXT_CHARS};
pub use grid::{
    Dimension, Finding, Impact, PlusGroup, ProtectedKey, Subject, UnknownSubject, grid_field,
};
pub use version::{
    AssessError, BROWN_PRINCIPLES, BrownChecklist, Capacity, Inconsistent, Person, Refusal,
    SignOff, SignOffKind, Status, Version, VersionRecord,
};
