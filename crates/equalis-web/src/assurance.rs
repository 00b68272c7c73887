//! Assurance pages (issue 16): equality objectives and their measures, EDS 2022 ratings, and
//! the annual equality report with its narrative sections and PDF.
//!
//! - `/objectives`: every objective with its measures, to any signed-in member of staff;
//!   adding and changing objectives and measures to `edi_lead` and `admin`
//!   (`equalis_store::assurance::may_edit_assurance`). A measure's figure is chosen from the
//!   published figures (`/objectives/{id}/figures`) or typed, and an indicator reference the
//!   results do not publish is refused by its field (`equalis_app::objectives`).
//! - `/eds/{year}`: the year's EDS 2022 ratings per outcome with the rater group and evidence,
//!   the domain and overall ratings computed (`equalis_assure::eds::summarise`), and the form
//!   to rate an outcome (`may_rate_eds`: EDI leads, administrators and reviewers).
//! - `/annual-report/{year}` (`2025-26`): the report assembled from live data
//!   (`equalis_app::annual`), to whoever may read the published pages; `.pdf` its tagged PDF;
//!   `/annual-report/{year}/edit` the narrative sections, each saved as a new version by
//!   `edi_lead` or `admin`. Figures are never typed: they come from the published views.
//!
//! Handlers are thin: they check who is asking, read the form, and call the store (which
//! validates through `equalis_assure` and audits every change) or `equalis_app`. A form that
//! does not pass is shown again with everything typed and an error by each field.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_assure::eds::{Domain, OUTCOMES, RaterGroup, RatingInput, Score};
use equalis_assure::narrative::{self, SECTIONS};
use equalis_assure::{FIGURE_FIELDS, FieldErrors, FinancialYear, MeasureInput, ObjectiveInput};
use equalis_store::assurance::{may_edit_assurance, may_rate_eds};
use equalis_store::{Actor, StoreError, User};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::WebError;
use crate::fields::{Fields, Posted};
use crate::state::AppState;
use crate::templates::{account, render};

mod eds_template;

/// The routes of this module.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/objectives", get(list))
        .route("/objectives/new", get(new_objective).post(create_objective))
        .route(
            "/objectives/{id}",
            get(edit_objective).post(update_objective),
        )
        .route("/objectives/{id}/figures", get(figures))
        .route(
            "/objectives/{id}/measures/new",
            get(new_measure).post(create_measure),
        )
        .route(
            "/objectives/{id}/measures/{mid}",
            get(edit_measure).post(update_measure),
        )
        .route("/eds/{year}", get(eds).post(rate))
        // `/annual-report/2025-26.pdf` too, told apart by the handler.
        .route("/annual-report/{year}", get(report))
        .route("/annual-report/{year}/edit", get(report_edit))
        .route(
            "/annual-report/{year}/sections/{key}",
            get(section_form).post(save_section),
        )
        .merge(eds_template::routes())
}

// ---------------------------------------------------------------------------------------
// Shared.

fn not_found(what: String) -> WebError {
    WebError::NotFound {
        what,
        kind: "",
        valid: Vec::new(),
    }
}

/// A signed-in member of staff who may `may`; else 403 naming who may, and the refusal
/// recorded in the audit log (who, which page, why), as every refused attempt is.
async fn require<'a>(
    state: &AppState,
    viewer: &'a Viewer,
    uri: &Uri,
    may: fn(equalis_store::Role) -> bool,
    who: &str,
) -> Result<&'a User, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if may(user.role) {
        return Ok(user);
    }
    let why = format!(
        "Only {who} may do this; you are signed in as {}.",
        user.role
    );
    state
        .store()
        .record_assurance_refusal(user, uri.path(), &why)
        .await?;
    Err(WebError::Forbidden(why))
}

async fn editor<'a>(state: &AppState, viewer: &'a Viewer, uri: &Uri) -> Result<&'a User, WebError> {
    require(
        state,
        viewer,
        uri,
        may_edit_assurance,
        "the edi_lead and admin roles",
    )
    .await
}

async fn staff<'a>(state: &AppState, viewer: &'a Viewer, uri: &Uri) -> Result<&'a User, WebError> {
    require(state, viewer, uri, |_| true, "staff").await
}

/// The posted fields, once the form's CSRF token is this session's.
fn posted(viewer: &Viewer, form: Posted) -> Result<Fields, WebError> {
    let axum::Form(pairs) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    let fields = Fields::new(pairs);
    let ok = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.check_csrf(fields.get("csrf_token")));
    if ok { Ok(fields) } else { Err(WebError::Csrf) }
}

fn actor(user: &User) -> Actor {
    Actor::User(user.email.clone())
}

fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| not_found(format!("There is nothing numbered `{s}` here.")))
}

fn parse_year(s: &str) -> Result<FinancialYear, WebError> {
    s.parse::<FinancialYear>()
        .map_err(|e| not_found(format!("{e}.")))
}

/// The error summary's entries (`message`, `href`) and each field's first message.
fn error_views(errors: &FieldErrors) -> (Vec<Value>, BTreeMap<String, String>) {
    let mut summary = Vec::new();
    let mut by_field = BTreeMap::new();
    for e in errors.iter() {
        summary.push(context! { message => e.message, href => format!("#{}", e.field) });
        by_field
            .entry(e.field.clone())
            .or_insert_with(|| e.message.clone());
    }
    (summary, by_field)
}

/// A query-string value, percent-encoded (unreserved characters kept).
fn query_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

/// A store refusal of what was typed, as field errors; any other error as it is.
fn refused(e: StoreError) -> Result<FieldErrors, WebError> {
    match e {
        StoreError::Assurance(errors) => Ok(errors),
        e => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

fn done_text(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("The objective was saved."),
        "measure" => Some("The measure was saved."),
        "rated" => Some("The rating was saved."),
        "section" => Some("The section was saved as a new version."),
        "cover" => Some("The cover was saved."),
        "third_parties" => Some("Domain 3's third-party involvement was saved."),
        "added" => Some("The action was added."),
        "removed" => Some("The action was removed."),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Objectives.

/// `GET /objectives`: every objective with its measures.
pub(crate) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    let user = staff(&state, &viewer, &uri).await?;
    let objectives: Vec<Value> = state
        .store()
        .objectives()
        .await?
        .iter()
        .map(|o| {
            let measures: Vec<Value> = o
                .measures
                .iter()
                .map(|m| {
                    let m2 = &m.measure;
                    context! {
                        id => m.id,
                        name => m2.name,
                        figure => m2.figure.to_string(),
                        baseline => format!("{} ({})", m2.baseline, m2.baseline_year),
                        target => format!("{} by {}", m2.target, m2.target_year),
                    }
                })
                .collect();
            context! {
                id => o.id,
                title => o.objective.title,
                description => o.objective.description,
                owner => o.objective.owner,
                years => format!("{} to {}", o.objective.start, o.objective.end),
                measures,
            }
        })
        .collect();
    render(
        "assurance/objectives.html",
        context! {
            title => "Equality objectives",
            account => account(&viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            objectives,
            may_edit => may_edit_assurance(user.role),
            done => done_text(q.done.as_deref()),
        },
    )
    .map(Html)
}

fn objective_input(f: &Fields) -> ObjectiveInput {
    ObjectiveInput {
        title: f.get("title").to_owned(),
        description: f.get("description").to_owned(),
        owner: f.get("owner").to_owned(),
        start_year: f.get("start_year").to_owned(),
        end_year: f.get("end_year").to_owned(),
    }
}

fn objective_values(i: &ObjectiveInput) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("title".to_owned(), i.title.clone()),
        ("description".to_owned(), i.description.clone()),
        ("owner".to_owned(), i.owner.clone()),
        ("start_year".to_owned(), i.start_year.clone()),
        ("end_year".to_owned(), i.end_year.clone()),
    ])
}

fn objective_form(
    viewer: &Viewer,
    id: Option<i64>,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
    measures: Vec<Value>,
    done: Option<&str>,
) -> Result<String, WebError> {
    let (summary, by_field) = error_views(errors);
    let (title, action) = match id {
        Some(id) => (
            "Change the objective".to_owned(),
            format!("/objectives/{id}"),
        ),
        None => (
            "Add an equality objective".to_owned(),
            "/objectives/new".to_owned(),
        ),
    };
    render(
        "assurance/objective_form.html",
        context! {
            title,
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Equality objectives", href => "/objectives" },
            ],
            action,
            id,
            v => values,
            errors => summary,
            err => by_field,
            measures,
            done => done_text(done),
        },
    )
}

/// `GET /objectives/new`.
pub(crate) async fn new_objective(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    objective_form(
        &viewer,
        None,
        BTreeMap::new(),
        &FieldErrors::new(),
        Vec::new(),
        None,
    )
    .map(Html)
}

/// `POST /objectives/new`: records the objective, or shows the form again with its errors.
pub(crate) async fn create_objective(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let fields = posted(&viewer, form)?;
    let input = objective_input(&fields);
    match state.store().create_objective(&actor(user), &input).await {
        Ok(o) => Ok(Redirect::to(&format!("/objectives/{}?done=saved", o.id)).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let body = objective_form(&viewer, None, fields.values(), &errors, Vec::new(), None)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

fn measure_rows(o: &equalis_store::assurance::StoredObjective) -> Vec<Value> {
    o.measures
        .iter()
        .map(|m| {
            context! {
                id => m.id,
                name => m.measure.name,
                figure => m.measure.figure.to_string(),
                baseline => format!("{} ({})", m.measure.baseline, m.measure.baseline_year),
                target => format!("{} by {}", m.measure.target, m.measure.target_year),
            }
        })
        .collect()
}

/// `GET /objectives/{id}`: the objective as a form, with its measures.
pub(crate) async fn edit_objective(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let values = objective_values(&ObjectiveInput::from_objective(&o.objective));
    objective_form(
        &viewer,
        Some(o.id),
        values,
        &FieldErrors::new(),
        measure_rows(&o),
        q.done.as_deref(),
    )
    .map(Html)
}

/// `POST /objectives/{id}`: changes the objective, or shows the form again with its errors.
pub(crate) async fn update_objective(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let id = parse_id(&id)?;
    let fields = posted(&viewer, form)?;
    let input = objective_input(&fields);
    match state
        .store()
        .update_objective(&actor(user), id, &input)
        .await
    {
        Ok(o) => Ok(Redirect::to(&format!("/objectives/{}?done=saved", o.id)).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let o = state.store().objective(id).await?;
            let body = objective_form(
                &viewer,
                Some(id),
                fields.values(),
                &errors,
                measure_rows(&o),
                None,
            )?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Measures.

fn measure_input(f: &Fields) -> MeasureInput {
    MeasureInput {
        name: f.get("name").to_owned(),
        figure: FIGURE_FIELDS.map(|n| f.get(n).to_owned()),
        direction: f.get("direction").to_owned(),
        baseline: f.get("baseline").to_owned(),
        baseline_year: f.get("baseline_year").to_owned(),
        target: f.get("target").to_owned(),
        target_year: f.get("target_year").to_owned(),
    }
}

fn measure_values(i: &MeasureInput) -> BTreeMap<String, String> {
    let mut v = BTreeMap::from([
        ("name".to_owned(), i.name.clone()),
        ("direction".to_owned(), i.direction.clone()),
        ("baseline".to_owned(), i.baseline.clone()),
        ("baseline_year".to_owned(), i.baseline_year.clone()),
        ("target".to_owned(), i.target.clone()),
        ("target_year".to_owned(), i.target_year.clone()),
    ]);
    for (n, value) in FIGURE_FIELDS.iter().zip(&i.figure) {
        v.insert((*n).to_owned(), value.clone());
    }
    v
}

fn measure_form(
    viewer: &Viewer,
    o: &equalis_store::assurance::StoredObjective,
    mid: Option<i64>,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let (summary, by_field) = error_views(errors);
    let action = match mid {
        Some(m) => format!("/objectives/{}/measures/{m}", o.id),
        None => format!("/objectives/{}/measures/new", o.id),
    };
    let kinds = [
        ("indicator", "An indicator for one group"),
        (
            "indicator_gap",
            "The gap between two groups of an indicator",
        ),
        ("wres", "A WRES indicator"),
        ("wdes", "A WDES metric"),
        ("pay_gap", "A pay gap"),
        (
            "engagement",
            "Engagement reach: participants or representation ratio of a group",
        ),
    ]
    .map(|(value, label)| context! { value, label });
    let directions = [
        ("higher", "A higher value is better"),
        ("lower", "A lower value is better"),
    ]
    .map(|(value, label)| context! { value, label });
    render(
        "assurance/measure_form.html",
        context! {
            title => if mid.is_some() { "Change the measure" } else { "Add a measure" },
            objective => context! { id => o.id, title => o.objective.title,
                years => format!("{} to {}", o.objective.start, o.objective.end) },
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Equality objectives", href => "/objectives" },
            ],
            action,
            v => values,
            errors => summary,
            err => by_field,
            kinds,
            directions,
        },
    )
}

/// The published rows of every indicator, for choosing and checking figures.
async fn published(
    state: &AppState,
) -> Result<Option<std::sync::Arc<crate::results::Snapshot>>, WebError> {
    state.results().get(state.workspace()).await
}

/// Saves a measure (new when `mid` is `None`) after checking its figure is published.
async fn save_measure(
    state: &AppState,
    user: &User,
    o: &equalis_store::assurance::StoredObjective,
    mid: Option<i64>,
    input: &MeasureInput,
) -> Result<Result<(), FieldErrors>, WebError> {
    // The figure must be one equalis publishes (an indicator of the results, a row of the
    // workforce returns, a group of the who-is-heard view); the shape is checked first (the
    // store's validation) so its errors come by field together.
    if let Ok(m) = input.validate(&o.objective) {
        let checked = match &m.figure {
            equalis_assure::FigureRef::Indicator { .. }
            | equalis_assure::FigureRef::IndicatorGap { .. } => {
                let snapshot = published(state).await?;
                let rows = snapshot
                    .as_ref()
                    .map(|s| s.published_all().values().flatten().collect::<Vec<_>>())
                    .unwrap_or_default();
                equalis_app::objectives::check_published(rows, &m.figure)
            }
            equalis_assure::FigureRef::Reach { .. } => {
                let records = equalis_app::reach::load(state.store()).await?;
                equalis_app::reach::check(&records, &m.figure)
            }
            _ => {
                let figures = crate::workforce::measure_figures(state).await?;
                equalis_app::objectives::check_workforce(&figures, &m.figure)
            }
        };
        if let Err(e) = checked {
            return Ok(Err(e));
        }
    }
    let saved = match mid {
        Some(m) => state
            .store()
            .update_measure(&actor(user), m, input)
            .await
            .map(|_| ()),
        None => state
            .store()
            .add_measure(&actor(user), o.id, input)
            .await
            .map(|_| ()),
    };
    match saved {
        Ok(()) => Ok(Ok(())),
        Err(e) => Ok(Err(refused(e)?)),
    }
}

/// `GET /objectives/{id}/measures/new`: the form, with a figure chosen on the figures page
/// given in the query (`figure_kind=…&figure_name=…`).
pub(crate) async fn new_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let values: BTreeMap<String, String> = q
        .into_iter()
        .filter(|(k, _)| FIGURE_FIELDS.contains(&k.as_str()))
        .collect();
    measure_form(&viewer, &o, None, values, &FieldErrors::new()).map(Html)
}

/// `POST /objectives/{id}/measures/new`.
pub(crate) async fn create_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let fields = posted(&viewer, form)?;
    let input = measure_input(&fields);
    match save_measure(&state, user, &o, None, &input).await? {
        Ok(()) => Ok(Redirect::to(&format!("/objectives/{}?done=measure", o.id)).into_response()),
        Err(errors) => {
            let body = measure_form(&viewer, &o, None, fields.values(), &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

/// `GET /objectives/{id}/measures/{mid}`.
pub(crate) async fn edit_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let mid = parse_id(&mid)?;
    let m = o
        .measures
        .iter()
        .find(|m| m.id == mid)
        .ok_or_else(|| not_found(format!("Objective {} has no measure {mid}.", o.id)))?;
    let values = measure_values(&MeasureInput::from_measure(&m.measure));
    measure_form(&viewer, &o, Some(mid), values, &FieldErrors::new()).map(Html)
}

/// `POST /objectives/{id}/measures/{mid}`.
pub(crate) async fn update_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, mid)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let mid = parse_id(&mid)?;
    if !o.measures.iter().any(|m| m.id == mid) {
        return Err(not_found(format!(
            "Objective {} has no measure {mid}.",
            o.id
        )));
    }
    let fields = posted(&viewer, form)?;
    let input = measure_input(&fields);
    match save_measure(&state, user, &o, Some(mid), &input).await? {
        Ok(()) => Ok(Redirect::to(&format!("/objectives/{}?done=measure", o.id)).into_response()),
        Err(errors) => {
            let body = measure_form(&viewer, &o, Some(mid), fields.values(), &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FigureQuery {
    #[serde(default)]
    q: String,
}

/// How many figures the figures page lists at once.
const FIGURES_SHOWN: usize = 200;

/// `GET /objectives/{id}/figures?q=`: the published figures a measure may follow, each
/// linking to the measure form with it chosen.
pub(crate) async fn figures(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<FigureQuery>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let o = state.store().objective(parse_id(&id)?).await?;
    let snapshot = published(&state).await?;
    let (names, rows) = match &snapshot {
        Some(s) => (
            s.indicators()
                .map(|i| (i.id.clone(), i.name.clone()))
                .collect::<BTreeMap<_, _>>(),
            s.published_all().values().flatten().collect::<Vec<_>>(),
        ),
        None => (BTreeMap::new(), Vec::new()),
    };
    // Indicators, then the workforce returns' rows, then engagement reach.
    let mut all = equalis_app::objectives::figure_choices(rows, &names, &q.q, FIGURES_SHOWN + 1);
    let workforce = crate::workforce::measure_figures(&state).await?;
    all.extend(equalis_app::objectives::workforce_choices(&workforce, &q.q));
    let records = equalis_app::reach::load(state.store()).await?;
    all.extend(equalis_app::reach::choices(&records, &q.q));
    all.truncate(FIGURES_SHOWN + 1);
    let choices: Vec<Value> = all
        .into_iter()
        .map(|c| {
            let query: Vec<String> = FIGURE_FIELDS
                .iter()
                .zip(&c.parts)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", query_encode(v)))
                .collect();
            context! {
                label => c.label,
                latest => c.latest,
                href => format!("/objectives/{}/measures/new?{}", o.id, query.join("&")),
            }
        })
        .collect();
    let more = choices.len() > FIGURES_SHOWN;
    render(
        "assurance/figures.html",
        context! {
            title => "Choose a published figure",
            account => account(&viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Equality objectives", href => "/objectives" },
            ],
            objective => context! { id => o.id, title => o.objective.title },
            choices => choices.into_iter().take(FIGURES_SHOWN).collect::<Vec<_>>(),
            more,
            q => q.q,
            results => snapshot.is_some(),
        },
    )
    .map(Html)
}

// ---------------------------------------------------------------------------------------
// EDS 2022.

async fn eds_page(
    state: &AppState,
    viewer: &Viewer,
    year: FinancialYear,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> Result<String, WebError> {
    let ratings = state.store().eds_ratings(year).await?;
    let summary = state.store().eds_summary(year).await?;
    let rows: Vec<Value> = ratings
        .iter()
        .map(|r| {
            context! {
                outcome => format!("{} {}", r.rating.outcome.code, r.rating.outcome.wording),
                service => r.rating.service.clone().unwrap_or_default(),
                score => format!("{} {}", r.rating.score.points(), r.rating.score.label()),
                rater => r.rating.rater_group.label(),
                evidence => r.rating.evidence,
                owner => r.rating.owner,
                by => r.rated_by,
            }
        })
        .collect();
    let score = |v: f64| equalis_report::tables::round(v, 2).to_string();
    let domains: Vec<Value> = summary
        .domains
        .iter()
        .map(|d| {
            context! {
                number => d.domain.number(),
                title => d.domain.title(),
                max => d.domain.max_score(),
                total => d.total.map_or("Incomplete".to_owned(), score),
                outcomes => d.outcomes.iter().map(|o| context! {
                    code => o.outcome.code,
                    wording => o.outcome.wording,
                    score => o.score.map_or("Not rated".to_owned(), score),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let overall = match (summary.total, summary.rating) {
        (Some(t), Some(r)) => format!("{} ({} of 33)", r.label(), score(t)),
        _ => format!(
            "Not yet complete: outcomes {} are not rated",
            summary.missing.join(", ")
        ),
    };
    let (summary_errors, by_field) = error_views(errors);
    let outcomes: Vec<Value> = OUTCOMES
        .iter()
        .map(|o| context! { value => o.code, label => format!("{} {}", o.code, o.wording) })
        .collect();
    let scores: Vec<Value> = Score::ALL
        .iter()
        .map(|s| context! { value => s.points().to_string(), label => format!("{} {}", s.points(), s.label()) })
        .collect();
    let raters: Vec<Value> = RaterGroup::ALL
        .iter()
        .map(|g| context! { value => g.name(), label => g.label() })
        .collect();
    let who_rates: Vec<Value> = Domain::ALL
        .iter()
        .map(|d| {
            context! {
                domain => format!("Domain {}: {}", d.number(), d.title()),
                raters => d.raters().iter().map(|g| g.label()).collect::<Vec<_>>().join("; "),
            }
        })
        .collect();
    let user_may_rate = viewer.user.as_ref().is_some_and(|u| may_rate_eds(u.role));
    let template = eds_template::overview(state, viewer, year).await?;
    render(
        "assurance/eds.html",
        context! {
            title => format!("EDS 2022 ratings, {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            rows,
            domains,
            overall,
            may_rate => user_may_rate,
            v => values,
            errors => summary_errors,
            err => by_field,
            outcomes,
            scores,
            raters,
            who_rates,
            template,
            done => done_text(done),
        },
    )
}

/// `GET /eds/{year}`: the year's ratings and the computed domain and overall ratings.
pub(crate) async fn eds(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    staff(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    eds_page(
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

/// `POST /eds/{year}`: records a rating (replacing the outcome's, or the service's, of the
/// year), or shows the page again with the form's errors.
pub(crate) async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(
        &state,
        &viewer,
        &uri,
        may_rate_eds,
        "the edi_lead, reviewer and admin roles",
    )
    .await?;
    let year = parse_year(&year)?;
    let fields = posted(&viewer, form)?;
    let input = RatingInput {
        outcome: fields.get("outcome").to_owned(),
        service: fields.get("service").to_owned(),
        score: fields.get("score").to_owned(),
        rater_group: fields.get("rater_group").to_owned(),
        evidence: fields.get("evidence").to_owned(),
        owner: fields.get("owner").to_owned(),
    };
    match state.store().rate_eds(&actor(user), year, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/eds/{}?done=rated", year.slug())).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let body = eds_page(&state, &viewer, year, fields.values(), &errors, None).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

// ---------------------------------------------------------------------------------------
// The annual report.

/// Builds the report of `year` from the store and the workspace (on a blocking thread).
async fn build_report(
    state: &AppState,
    year: FinancialYear,
) -> Result<equalis_report::Document, WebError> {
    let inputs = equalis_app::annual::load_store_inputs(state.store(), year).await?;
    let dir = state.workspace().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let ws = equalis_workspace::Workspace::open(&dir).map_err(WebError::internal)?;
        let icb = equalis_app::workforce::choose_icb(&ws, None).map_err(WebError::internal)?;
        equalis_app::annual::build(&ws, year, icb.as_deref(), &inputs).map_err(WebError::internal)
    })
    .await
    .map_err(WebError::internal)?
}

/// `GET /annual-report/{year}`: the report as one page (self-contained, as printed);
/// `GET /annual-report/{year}.pdf`: its tagged PDF.
pub(crate) async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let (year, pdf) = match year.strip_suffix(".pdf") {
        Some(y) => (parse_year(y)?, true),
        None => (parse_year(&year)?, false),
    };
    let doc = build_report(&state, year).await?;
    if !pdf {
        let page = equalis_report::render_document_for_print(&doc).map_err(WebError::internal)?;
        return Ok(html(StatusCode::OK, page));
    }
    let page = equalis_report::render_document_for_print(&doc).map_err(WebError::internal)?;
    crate::print::pdf_download(
        page,
        "The report",
        &equalis_app::annual::pdf_file_name(year),
    )
    .await
}

/// `GET /annual-report/{year}/edit`: the narrative sections with their versions, and links
/// to what the report assembles.
pub(crate) async fn report_edit(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(year): Path<String>,
    Query(q): Query<Done>,
) -> Result<Html<String>, WebError> {
    let user = staff(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let mut sections = Vec::new();
    for s in &SECTIONS {
        let latest = state.store().report_section(year, s.key).await?;
        sections.push(context! {
            key => s.key,
            title => s.title,
            version => latest.as_ref().map(|v| v.version),
            saved_by => latest.as_ref().map(|v| v.saved_by.clone()),
            paragraphs => latest
                .map_or(s.default_text.to_owned(), |v| v.body)
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        });
    }
    render(
        "assurance/report_edit.html",
        context! {
            title => format!("Annual equality report {year}"),
            year => year.to_string(),
            slug => year.slug(),
            account => account(&viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            sections,
            may_edit => may_edit_assurance(user.role),
            done => done_text(q.done.as_deref()),
        },
    )
    .map(Html)
}

fn section_of(key: &str) -> Result<&'static narrative::Section, WebError> {
    narrative::section(key).ok_or_else(|| WebError::NotFound {
        what: format!("The report has no section `{key}`."),
        kind: "section",
        valid: SECTIONS.iter().map(|s| s.key.to_owned()).collect(),
    })
}

fn section_page(
    viewer: &Viewer,
    year: FinancialYear,
    section: &narrative::Section,
    body: &str,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let (summary, by_field) = error_views(errors);
    render(
        "assurance/section_form.html",
        context! {
            title => format!("{}: annual equality report {year}", section.title),
            heading => section.title,
            key => section.key,
            year => year.to_string(),
            slug => year.slug(),
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Annual equality report", href => format!("/annual-report/{}/edit", year.slug()) },
            ],
            v => BTreeMap::from([(section.key.to_owned(), body.to_owned())]),
            errors => summary,
            err => by_field,
        },
    )
}

/// `GET /annual-report/{year}/sections/{key}`: the section's text as a form.
pub(crate) async fn section_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((year, key)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let section = section_of(&key)?;
    let body = state
        .store()
        .report_section(year, section.key)
        .await?
        .map_or(section.default_text.to_owned(), |v| v.body);
    section_page(&viewer, year, section, &body, &FieldErrors::new()).map(Html)
}

/// `POST /annual-report/{year}/sections/{key}`: saves the text as the section's next version.
pub(crate) async fn save_section(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((year, key)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = editor(&state, &viewer, &uri).await?;
    let year = parse_year(&year)?;
    let section = section_of(&key)?;
    let fields = posted(&viewer, form)?;
    let body = fields.get(section.key);
    match state
        .store()
        .save_report_section(&actor(user), year, section.key, body)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/annual-report/{}/edit?done=section", year.slug()))
                .into_response(),
        ),
        Err(e) => {
            let errors = refused(e)?;
            let page = section_page(&viewer, year, section, body, &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
