//! `/engage/{id}/surveys/…` for organisers: a moderator (`admin`, `edi_lead`) writes a survey
//! of single-choice, multiple-choice and free-text questions on a form with no JavaScript
//! ("Add another question" posts the form back with one more slot, keeping what was typed), and
//! may have it ask the NHS equality monitoring questions; signed-in staff read its results,
//! published through `equalis-disclosure` (`equalis_engage::survey_results`). Free-text
//! answers, being the public's own words rather than counts, are shown to moderators only.
//!
//! The survey itself is checked by `equalis-engage` (`SurveyDraft::read`) and stored, with its
//! audit entry, by the store (`Store::create_survey`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_disclosure::Nhsd2018;
use equalis_engage::survey_form::{MIN_SLOTS, slot_field};
use equalis_engage::{FieldErrors, QuestionDraft, QuestionKind, SurveyDraft, survey_results};
use equalis_store::engage::{StoredProject, is_moderator};
use minijinja::{Value, context};

use crate::auth::Viewer;
use crate::engage::{
    cell_text, error_map, error_views, form_status, html, load, load_survey, moderator,
    project_view, staff_posted,
};
use crate::error::WebError;
use crate::fields::{Fields, Posted};
use crate::state::AppState;
use crate::templates::{account, render};

/// The most question slots a form shows (a survey's most questions).
const MAX_SLOTS: usize = 50;

/// The routes of this module (merged into engagement's, under its body limit).
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/engage/{id}/surveys/new", get(new_form))
        .route("/engage/{id}/surveys", post(create))
        .route("/engage/{id}/surveys/{sid}/results", get(results))
}

fn kinds() -> Vec<Value> {
    [
        ("single", "One answer from a list (single choice)"),
        ("multiple", "Any answers from a list (multiple choice)"),
        ("text", "In their own words (free text)"),
    ]
    .into_iter()
    .map(|(value, label)| context! { value, label })
    .collect()
}

fn form_page(
    viewer: &Viewer,
    p: &StoredProject,
    v: &BTreeMap<String, String>,
    slots: usize,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let slots: Vec<Value> = (0..slots)
        .map(|i| {
            context! {
                n => i + 1,
                prompt => slot_field(i, "prompt"),
                kind => slot_field(i, "kind"),
                options => slot_field(i, "options"),
                required => slot_field(i, "required"),
            }
        })
        .collect();
    let body = render(
        "engage/survey_new.html",
        context! {
            title => "Add a survey",
            account => account(viewer),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(p),
            slots, kinds => kinds(), slot_count => slots_len(v),
            v, err => error_map(errors), errors => error_views(errors),
        },
    )?;
    let status = form_status(errors);
    Ok(html(status, body))
}

/// How many slots the posted form had (its hidden `slots` field), within bounds.
fn slots_len(v: &BTreeMap<String, String>) -> usize {
    v.get("slots")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(MIN_SLOTS)
        .clamp(MIN_SLOTS, MAX_SLOTS)
}

/// `GET /engage/{id}/surveys/new`: the form for a survey (moderators).
pub(crate) async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    moderator(&viewer, &uri)?;
    let p = load(&state, &id).await?;
    form_page(
        &viewer,
        &p,
        &BTreeMap::new(),
        MIN_SLOTS,
        &FieldErrors::new(),
    )
}

fn draft(f: &Fields, slots: usize) -> SurveyDraft {
    SurveyDraft {
        title: f.get("title").to_owned(),
        questions: (0..slots)
            .map(|i| QuestionDraft {
                prompt: f.get(&slot_field(i, "prompt")).to_owned(),
                kind: f.get(&slot_field(i, "kind")).to_owned(),
                options: f.get(&slot_field(i, "options")).to_owned(),
                required: f.get(&slot_field(i, "required")) == "yes",
            })
            .collect(),
        monitoring: f.get("monitoring") == "yes",
    }
}

/// `POST /engage/{id}/surveys`: adds a question slot (`action=add`), or creates the survey
/// (audited) and shows its results page, or shows the form again with its errors.
pub(crate) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = moderator(&viewer, &uri)?;
    let f = staff_posted(&viewer, form)?;
    let p = load(&state, &id).await?;
    let mut v = f.values();
    let slots = slots_len(&v);
    if f.get("action") == "add" {
        let more = (slots + 1).min(MAX_SLOTS);
        v.insert("slots".into(), more.to_string());
        return form_page(&viewer, &p, &v, more, &FieldErrors::new());
    }
    match draft(&f, slots).read() {
        Ok(survey) => {
            let sid = state.store().create_survey(user, p.id, &survey).await?;
            Ok(Redirect::to(&format!("/engage/{}/surveys/{sid}/results", p.id)).into_response())
        }
        Err(errors) => form_page(&viewer, &p, &v, slots, &errors),
    }
}

/// `GET /engage/{id}/surveys/{sid}/results`: the survey's results (staff), small numbers
/// withheld; free-text answers for moderators only.
pub(crate) async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    let moderator = is_moderator(user);
    let p = load(&state, &id).await?;
    let s = load_survey(&state, &p, &sid).await?;
    let responses: Vec<_> = state
        .store()
        .survey_responses(s.id)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let r = survey_results(&Nhsd2018::default(), &s.survey, &responses);
    let questions: Vec<Value> = r
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            context! {
                id => format!("question-{}", i + 1),
                prompt => q.prompt,
                kind => match q.kind { QuestionKind::Single => "single", QuestionKind::Multiple => "multiple", QuestionKind::FreeText => "text" },
                answered => cell_text(&q.answered, 0),
                withheld_whole => q.withheld_whole,
                options => q.options.iter().map(|o| context! {
                    label => o.label, count => cell_text(&o.count, 0), percent => cell_text(&o.percent, 1),
                }).collect::<Vec<_>>(),
                texts => if moderator { q.texts.clone() } else { Vec::new() },
            }
        })
        .collect();
    render(
        "engage/survey_results.html",
        context! {
            title => format!("Results: {}", s.survey.title),
            account => account(&viewer),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(&p),
            survey_id => s.id,
            monitoring => s.survey.monitoring,
            responses => cell_text(&r.responses, 0),
            questions, moderator,
        },
    )
    .map(Html)
}
