//! Engagement with equality monitoring (issue 14): an engagement [`Project`] (a consultation
//! or conversation) with an ideas board, discussions and surveys; [`Support`]s, idea status
//! updates and the moderation rules ([`visibility`]); the standard NHS equality monitoring
//! questions as data ([`monitoring`]); and **who is heard** ([`heard`]): participants by each
//! monitoring characteristic against the footprint's population, with the representation ratio
//! and its 95% limits, small numbers controlled by `equalis-disclosure`, and the groups under-heard.
//!
//! **Architecture invariant:** no I/O: no database, HTTP or files. The store keeps what this
//! crate validates; the web shows it; the population comes in as plain counts (from
//! `equalis-refdata`, looked up by the caller).
//!
//! **Architecture invariant:** every refusal of an answer is a [`FieldError`] naming its form
//! field, so a page can show it beside the field and keep what was typed.
//!
//! ```text
//! Project ─┬─ ideas (supports, status) ─┐
//!          ├─ discussions (threads, replies) ─┼─ reports ─▶ visibility (pre/post moderation, 3 reports hide)
//!          └─ surveys (questions, responses)
//! Participant ─▶ monitoring answers (kept apart) ─▶ tally ─▶ who is heard (vs population)
//! ```

#![deny(missing_docs)]

pub mod heard;
pub mod monitoring;
mod post;
mod project;
mod survey;
pub mod survey_form;
mod text;

pub use equalis_assess::{FieldError, FieldErrors};
pub use heard::{
    CharacteristicCounts, HeardCharacteristic, HeardGroup, Population, UnderHeard, WhoIsHeard,
    who_is_heard,
};
pub use monitoring::{MonitoringAnswers, MonitoringForm, PREFER_NOT_TO_SAY};
pub use post::{
    IdeaStatus, MAX_BODY_CHARS, MAX_TITLE_CHARS, ModerationDecision, NewPost, PostKind,
    REPORTS_TO_HIDE, StatusUpdate, Support, Visibility, visibility,
};
pub use project::{Moderation, Participation, Project, ProjectStatus, UnknownValue};
pub use survey::{Answer, Question, QuestionKind, Survey, SurveyResponse, question_field};
pub use survey_form::{
    OptionResult, QuestionDraft, QuestionResult, SurveyDraft, SurveyResults, survey_results,
};
pub use text::{MAX_LINE_CHARS, MAX_NICKNAME_CHARS, check_nickname};
