//! The EDS 2022 reporting template's pages (issue 16): the year's cover block
//! (`/eds/{year}/cover`), Domain 3's third parties (`/eds/{year}/third-parties`), the completed
//! actions of the previous year (`/eds/{year}/completed`), the action plan
//! (`/eds/{year}/actions`), and the summary report in the template's order
//! (`/eds/{year}/report`, `equalis_app::eds_report`). Staff read them; EDI leads and
//! administrators change them (`may_edit_assurance`). Every change goes through the store,
//! which validates it (`equalis_assure::eds::template`) and audits it.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_assure::eds::OUTCOMES;
use equalis_assure::eds::template::{
    CompletedActionInput, CoverInput, DateInput, Level, PlanActionInput, ThirdPartiesInput,
};
use equalis_assure::{FieldErrors, FinancialYear};
use equalis_store::assurance::may_edit_assurance;
use minijinja::{Value, context};

use super::{
    Done, actor, done_text, editor, error_views, html, parse_id, parse_year, posted, refused, staff,
};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::fields::{Fields, Posted};
use crate::state::AppState;
use crate::templates::{account, render};

/// The routes of this module.
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/eds/{year}/report", get(report))
        .route("/eds/{year}/cover", get(cover_form).post(save_cover))
        .route(
            "/eds/{year}/third-parties",
            get(third_parties_form).post(save_third_parties),
        )
        .route(
            "/eds/{year}/completed",
            get(completed_page).post(add_completed),
        )
        .route("/eds/{year}/completed/{id}/remove", post(remove_completed))
        .route("/eds/{year}/actions", get(actions_page).post(add_action))
        .route("/eds/{year}/actions/{id}/remove", post(remove_action))
}

fn breadcrumbs(year: FinancialYear) -> Vec<Value> {
    vec![
        context! { label => "Home", href => "/" },
        context! { label => format!("EDS 2022, {year}"), href => format!("/eds/{}", year.slug()) },
    ]
}

fn date_values(v: &mut BTreeMap<String, String>, name: &str, d: &DateInput) {
    for (part, value) in [("day", &d.day), ("month", &d.month), ("year", &d.year)] {
        v.insert(format!("{name}-{part}"), value.clone());
    }
}

fn date_input(f: &Fields, name: &str) -> DateInput {
    DateInput {
        day: f.get(&format!("{name}-day")).to_owned(),
        month: f.get(&format!("{name}-month")).to_owned(),
        year: f.get(&format!("{name}-year")).to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// The summary report.

/// `GET /eds/{year}/report`: the year's EDS 2022 summary in the template's order.
pub(crate) async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
) -> Result<Response, WebError> {
    staff(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let r = state.store().eds_report(year).await?;
    let doc = equalis_app::eds_report::document(&r);
    let page = equalis_report::render_document_for_print(&doc).map_err(WebError::internal)?;
    Ok(html(StatusCode::OK, page))
}

// ---------------------------------------------------------------------------------------
// The cover.

fn cover_values(i: &CoverInput) -> BTreeMap<String, String> {
    let mut v = BTreeMap::from([
        ("organisation".to_owned(), i.organisation.clone()),
        ("eds_lead".to_owned(), i.eds_lead.clone()),
        ("level".to_owned(), i.level.clone()),
        ("partners".to_owned(), i.partners.clone()),
        ("month_published".to_owned(), i.month_published.clone()),
        ("board_sponsor".to_owned(), i.board_sponsor.clone()),
        ("ics_name".to_owned(), i.ics_name.clone()),
        ("authorised_by".to_owned(), i.authorised_by.clone()),
        ("plan_years".to_owned(), i.plan_years.clone()),
    ]);
    date_values(&mut v, "date_completed", &i.date_completed);
    date_values(&mut v, "date_authorised", &i.date_authorised);
    date_values(&mut v, "revision_date", &i.revision_date);
    v
}

fn cover_page(
    viewer: &Viewer,
    year: FinancialYear,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let (summary, by_field) = error_views(errors);
    let levels: Vec<Value> = [Level::Individual, Level::Partnership]
        .iter()
        .map(|l| context! { value => l.name(), label => l.label() })
        .collect();
    render(
        "assurance/eds_cover.html",
        context! {
            title => format!("EDS 2022 cover, {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => breadcrumbs(year),
            levels,
            v => values,
            errors => summary,
            err => by_field,
        },
    )
}

/// `GET /eds/{year}/cover`: the cover block as a form.
pub(crate) async fn cover_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let input = state
        .store()
        .eds_cover(year)
        .await?
        .map(|c| c.cover.input())
        .unwrap_or_else(|| CoverInput {
            plan_years: year.to_string(),
            ..CoverInput::default()
        });
    cover_page(&viewer, year, cover_values(&input), &FieldErrors::new()).map(Html)
}

/// `POST /eds/{year}/cover`: saves the cover, or shows the form again with its errors.
pub(crate) async fn save_cover(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let f = posted(&viewer, form)?;
    let input = CoverInput {
        organisation: f.get("organisation").to_owned(),
        eds_lead: f.get("eds_lead").to_owned(),
        level: f.get("level").to_owned(),
        partners: f.get("partners").to_owned(),
        date_completed: date_input(&f, "date_completed"),
        month_published: f.get("month_published").to_owned(),
        board_sponsor: f.get("board_sponsor").to_owned(),
        ics_name: f.get("ics_name").to_owned(),
        date_authorised: date_input(&f, "date_authorised"),
        authorised_by: f.get("authorised_by").to_owned(),
        revision_date: date_input(&f, "revision_date"),
        plan_years: f.get("plan_years").to_owned(),
    };
    match state
        .store()
        .save_eds_cover(&actor(user), year, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/eds/{}?done=cover", year.slug())).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let body = cover_page(&viewer, year, f.values(), &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Domain 3's third parties.

fn third_parties_page(
    viewer: &Viewer,
    year: FinancialYear,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let (summary, by_field) = error_views(errors);
    render(
        "assurance/eds_third_parties.html",
        context! {
            title => format!("Third-party involvement in Domain 3, {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => breadcrumbs(year),
            v => values,
            errors => summary,
            err => by_field,
        },
    )
}

/// `GET /eds/{year}/third-parties`.
pub(crate) async fn third_parties_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let i = state
        .store()
        .eds_third_parties(year)
        .await?
        .map(|t| t.parties.input())
        .unwrap_or_default();
    let values = BTreeMap::from([
        ("trade_union_reps".to_owned(), i.trade_union_reps),
        (
            "independent_evaluators".to_owned(),
            i.independent_evaluators,
        ),
    ]);
    third_parties_page(&viewer, year, values, &FieldErrors::new()).map(Html)
}

/// `POST /eds/{year}/third-parties`.
pub(crate) async fn save_third_parties(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let f = posted(&viewer, form)?;
    let input = ThirdPartiesInput {
        trade_union_reps: f.get("trade_union_reps").to_owned(),
        independent_evaluators: f.get("independent_evaluators").to_owned(),
    };
    match state
        .store()
        .save_eds_third_parties(&actor(user), year, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/eds/{}?done=third_parties", year.slug())).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            let body = third_parties_page(&viewer, year, f.values(), &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Completed actions from the previous year.

async fn completed_view(
    state: &AppState,
    viewer: &Viewer,
    year: FinancialYear,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> Result<String, WebError> {
    let rows: Vec<Value> = state
        .store()
        .eds_completed_actions(year)
        .await?
        .into_iter()
        .map(|a| {
            context! {
                id => a.id,
                action => a.action.action,
                objectives => a.action.objectives,
                by => a.added_by,
            }
        })
        .collect();
    let (summary, by_field) = error_views(errors);
    render(
        "assurance/eds_completed.html",
        context! {
            title => format!("Completed actions from the year before {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => breadcrumbs(year),
            rows,
            v => values,
            errors => summary,
            err => by_field,
            done => done_text(done),
        },
    )
}

/// `GET /eds/{year}/completed`: the completed actions, and the form to add one.
pub(crate) async fn completed_page(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    completed_view(
        &state,
        &viewer,
        year,
        BTreeMap::new(),
        &FieldErrors::new(),
        q.done.as_deref(),
    )
    .await
    .map(Html)
}

/// `POST /eds/{year}/completed`: adds a completed action.
pub(crate) async fn add_completed(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let f = posted(&viewer, form)?;
    let input = CompletedActionInput {
        action: f.get("action").to_owned(),
        objectives: f.get("objectives").to_owned(),
    };
    match state
        .store()
        .add_eds_completed_action(&actor(user), year, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/eds/{}/completed?done=added", year.slug())).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            let body = completed_view(&state, &viewer, year, f.values(), &errors, None).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

/// `POST /eds/{year}/completed/{id}/remove`.
pub(crate) async fn remove_completed(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((year, id)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let id = parse_id(&id)?;
    posted(&viewer, form)?;
    state
        .store()
        .remove_eds_completed_action(&actor(user), year, id)
        .await?;
    Ok(Redirect::to(&format!("/eds/{}/completed?done=removed", year.slug())).into_response())
}

// ---------------------------------------------------------------------------------------
// The action plan.

async fn actions_view(
    state: &AppState,
    viewer: &Viewer,
    year: FinancialYear,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> Result<String, WebError> {
    let rows: Vec<Value> = state
        .store()
        .eds_actions(year)
        .await?
        .into_iter()
        .map(|a| {
            let o = a.action.outcome;
            context! {
                id => a.id,
                domain => format!("Domain {}", o.domain.number()),
                outcome => format!("{} {}", o.code, o.wording),
                objective => a.objective_text(),
                objective_id => a.action.objective_id,
                action => a.action.action,
                completion => a.action.completion.strftime("%-d %B %Y").to_string(),
            }
        })
        .collect();
    let outcomes: Vec<Value> = OUTCOMES
        .iter()
        .map(|o| context! { value => o.code, label => format!("{} {}", o.code, o.wording) })
        .collect();
    let objectives: Vec<Value> =
        std::iter::once(context! { value => "", label => "None: type the objective below" })
            .chain(state.store().objectives().await?.into_iter().map(|o| {
                context! { value => o.id.to_string(), label => o.objective.title }
            }))
            .collect();
    let (summary, by_field) = error_views(errors);
    render(
        "assurance/eds_actions.html",
        context! {
            title => format!("EDS Action Plan, {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => breadcrumbs(year),
            rows,
            outcomes,
            objectives,
            v => values,
            errors => summary,
            err => by_field,
            done => done_text(done),
        },
    )
}

/// `GET /eds/{year}/actions`: the action plan, and the form to add a row.
pub(crate) async fn actions_page(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    actions_view(
        &state,
        &viewer,
        year,
        BTreeMap::new(),
        &FieldErrors::new(),
        q.done.as_deref(),
    )
    .await
    .map(Html)
}

/// `POST /eds/{year}/actions`: adds a row to the action plan.
pub(crate) async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let f = posted(&viewer, form)?;
    let input = PlanActionInput {
        outcome: f.get("outcome").to_owned(),
        objective_id: f.get("objective_id").to_owned(),
        objective: f.get("objective").to_owned(),
        action: f.get("action").to_owned(),
        completion: date_input(&f, "completion"),
    };
    match state
        .store()
        .add_eds_action(&actor(user), year, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/eds/{}/actions?done=added", year.slug())).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            let body = actions_view(&state, &viewer, year, f.values(), &errors, None).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

/// `POST /eds/{year}/actions/{id}/remove`.
pub(crate) async fn remove_action(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((year, id)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let id = parse_id(&id)?;
    posted(&viewer, form)?;
    state
        .store()
        .remove_eds_action(&actor(user), year, id)
        .await?;
    Ok(Redirect::to(&format!("/eds/{}/actions?done=removed", year.slug())).into_response())
}

/// What `/eds/{year}` shows of the template's parts.
pub(super) async fn overview(
    state: &AppState,
    viewer: &Viewer,
    year: FinancialYear,
) -> Result<Value, WebError> {
    let r = state.store().eds_report(year).await?;
    let day = |d: Option<jiff::civil::Date>| {
        d.map_or_else(
            || "Not given".to_owned(),
            |d| d.strftime("%-d %B %Y").to_string(),
        )
    };
    let cover: Option<Vec<Value>> = r.cover.as_ref().map(|c| {
        let c = &c.cover;
        [
            ("Organisation name(s)", c.organisations().join("; ")),
            ("At what level", c.level.label().to_owned()),
            ("EDS Lead", c.eds_lead.clone()),
            ("Organisation Board Sponsor/Lead", c.board_sponsor.clone()),
            ("Integrated Care System", c.ics_name.clone()),
            ("Date completed", day(c.date_completed)),
            (
                "Month and year published",
                c.month_published
                    .map_or_else(|| "Not given".to_owned(), |m| m.to_string()),
            ),
            (
                "Date authorised",
                match c.date_authorised {
                    Some(d) => format!("{} by {}", day(Some(d)), c.authorised_by),
                    None => "Not yet authorised".to_owned(),
                },
            ),
            ("Revision date", day(c.revision_date)),
            (
                "Action plan year(s) active",
                c.plan_years_text().unwrap_or_else(|| year.to_string()),
            ),
        ]
        .into_iter()
        .map(|(k, v)| context! { key => k, value => v })
        .collect()
    });
    let third = r.third_parties.as_ref().map(|t| {
        context! {
            unions => t.parties.trade_union_reps.join("; "),
            evaluators => t.parties.independent_evaluators.join("; "),
        }
    });
    let actions: Vec<Value> = r
        .actions
        .iter()
        .map(|a| {
            context! {
                outcome => a.action.outcome.code,
                objective => a.objective_text(),
                action => a.action.action,
                completion => a.action.completion.strftime("%-d %B %Y").to_string(),
            }
        })
        .collect();
    Ok(context! {
        cover,
        third,
        completed => r.completed.len(),
        actions,
        may_edit => viewer.user.as_ref().is_some_and(|u| may_edit_assurance(u.role)),
    })
}
