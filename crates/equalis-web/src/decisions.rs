//! `/decisions`: equality and health inequalities impact assessments (issue 13) as a
//! workflow. An author records a decision, answers the screening, the full assessment's grid
//! and the actions in a draft, and submits it; a reviewer who did not write it signs it off
//! with the Brown-principles checklist (or returns it); a signed version is published, and
//! the public may read only published ones.
//!
//! The rules are `equalis-assess`'s and the store enforces them (with the audit entry of
//! each step): handlers here check who is asking before anything else, turn forms into the
//! domain's values and back, and show refused answers beside their fields with everything
//! typed kept. Each form is a plain HTML form of NHS.UK components; no JavaScript is needed.
//!
//! The pages hold people's answers, not counts; the one exception, evidence drawn from the
//! data (`evidence`), copies figures from the published view only, so nothing here passes
//! `equalis-disclosure` again.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use axum::Form;
use axum::extract::rejection::ExtensionRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_assess::{
    Action, AssessError, Assessment, BROWN_PRINCIPLES, BrownChecklist, Capacity, Decision,
    Dimension, FieldError, FieldErrors, Impact, Outcome, Stage, Status, Subject, action_field,
    grid_field, parse_date_parts,
};
use equalis_store::{
    DecisionFilter, DecisionListing, StoreError, StoredDecision, StoredVersion, User,
    assessment_capacity,
};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::WebError;
pub(crate) use crate::fields::{Fields, Posted};
use crate::pages::{Download, download_response};
use crate::results::Body;

mod evidence;
use crate::state::AppState;
use crate::templates::{account, render};

/// The routes of this module (kept here, so the router's list stays short).
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/decisions", get(index).post(create))
        .route("/decisions.csv", get(index_csv))
        .route("/decisions/new", get(new_form))
        .route("/decisions/{id}", get(show))
        .route("/decisions/{id}/edit", get(edit_form).post(edit))
        .route("/decisions/{id}/assessment", post(start))
        .route("/decisions/{id}/v/{n}", get(show_version))
        .route("/decisions/{id}/v/{n}/submit", post(submit))
        .route("/decisions/{id}/v/{n}/publish", post(publish))
        .route("/decisions/{id}/v/{n}/sign", get(sign_form).post(sign))
        .route(
            "/decisions/{id}/v/{n}/evidence",
            get(evidence::form).post(evidence::save),
        )
        .route(
            "/decisions/{id}/v/{n}/{part}",
            get(part_form).post(part_save),
        )
}

/// The spare rows the actions form offers for new actions (no JavaScript adds rows).
const SPARE_ACTION_ROWS: usize = 2;
/// The most action rows a form may post (a bound on what a request can make us parse).
const MAX_ACTION_ROWS: usize = 100;

/// The form's fields, once its CSRF token is this session's.
fn posted(viewer: &Viewer, form: Posted) -> Result<Fields, WebError> {
    let Form(pairs) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    let fields = Fields::new(pairs);
    let ok = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.check_csrf(fields.get("csrf_token")));
    if ok { Ok(fields) } else { Err(WebError::Csrf) }
}

/// The signed-in account, which must have `capacity`.
fn require<'a>(viewer: &'a Viewer, uri: &Uri, capacity: Capacity) -> Result<&'a User, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if assessment_capacity(user.role) == capacity {
        return Ok(user);
    }
    Err(WebError::Forbidden(match capacity {
        Capacity::Author => format!(
            "Only authors (the edi_lead, analyst and admin roles) write decisions and assessments; you are signed in as {}.",
            user.role
        ),
        Capacity::Reviewer => format!(
            "Only the reviewer role signs off assessments; you are signed in as {}.",
            user.role
        ),
        Capacity::Reader => "This is for readers.".to_owned(),
    }))
}

fn parse_id(text: &str) -> Result<i64, WebError> {
    text.parse()
        .map_err(|_| WebError::BadRequest(format!("`{text}` is not a decision's number.")))
}

fn parse_version(text: &str) -> Result<u32, WebError> {
    text.parse()
        .map_err(|_| WebError::BadRequest(format!("`{text}` is not a version's number.")))
}

fn not_found(what: String) -> WebError {
    WebError::NotFound {
        what,
        kind: "",
        valid: Vec::new(),
    }
}

async fn load_decision(state: &AppState, id: i64) -> Result<StoredDecision, WebError> {
    state
        .store()
        .decision(id)
        .await?
        .ok_or_else(|| not_found(format!("There is no decision {id}.")))
}

async fn load_version(state: &AppState, id: i64, n: u32) -> Result<StoredVersion, WebError> {
    state
        .store()
        .assessment_version(id, n)
        .await?
        .ok_or_else(|| not_found(format!("Decision {id} has no assessment version {n}.")))
}

fn today(state: &AppState) -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(state.store().config().clock.now())
        .date()
}

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %B %Y").to_string()
}

fn date_text(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.strftime("%-d %B %Y").to_string())
        .unwrap_or_default()
}

/// An error for the page: its message, and where the error summary links to.
#[derive(Debug, Serialize)]
struct ErrorView {
    field: String,
    message: String,
    href: String,
}

fn error_views(errors: &FieldErrors, page_of: impl Fn(&str) -> String) -> Vec<ErrorView> {
    errors
        .iter()
        .map(|e: &FieldError| ErrorView {
            href: format!("{}#{}", page_of(&e.field), e.field),
            field: e.field.clone(),
            message: e.message.clone(),
        })
        .collect()
}

fn error_map(errors: &FieldErrors) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in errors.iter() {
        map.entry(e.field.clone())
            .or_insert_with(|| e.message.clone());
    }
    map
}

fn options<T: Copy>(
    all: &[T],
    id: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Value> {
    all.iter()
        .map(|&x| context! { value => id(x), label => label(x) })
        .collect()
}

fn yes_no() -> Vec<Value> {
    vec![
        context! { value => "yes", label => "Yes" },
        context! { value => "no", label => "No" },
    ]
}

fn subjects() -> Vec<Value> {
    let first_plus = Subject::ALL.iter().position(|s| !s.is_protected());
    Subject::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            context! {
                id => s.id(),
                label => s.label(),
                protected => s.is_protected(),
                first_plus => Some(i) == first_plus,
            }
        })
        .collect()
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------------------------------------------------------------------------------------
// The index and its CSV.

/// The index's GET filters.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IndexQuery {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    negative: String,
}

impl IndexQuery {
    fn filter(&self, published_only: bool) -> Result<DecisionFilter, WebError> {
        let stage = match self.stage.trim() {
            "" => None,
            s => Some(
                s.parse::<Stage>()
                    .map_err(|e| WebError::BadRequest(e.to_string()))?,
            ),
        };
        Ok(DecisionFilter {
            stage,
            organisation: Some(self.organisation.trim().to_owned()).filter(|o| !o.is_empty()),
            overdue: !self.overdue.is_empty(),
            // The public's index has no such filter (it would reveal drafts).
            negative_unmitigated: !published_only && !self.negative.is_empty(),
            published_only,
        })
    }

    /// The same filters as a query string (for the CSV link).
    fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("stage", &self.stage),
            ("organisation", &self.organisation),
            ("overdue", &self.overdue),
            ("negative", &self.negative),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", percent_encode(v.trim())));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A query-string value, percent-encoded (unreserved characters kept).
fn percent_encode(value: &str) -> String {
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

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    title: String,
    organisation: String,
    owner: String,
    stage: &'static str,
    version: Option<u32>,
    status: &'static str,
    review_due: String,
    overdue: bool,
    negative_unmitigated: bool,
    published: Option<u32>,
}

fn row(l: &DecisionListing, today: jiff::civil::Date, public: bool) -> Row {
    let d = &l.decision.decision;
    // The public see the published version only, never where a draft stands.
    let shown = if public { l.published() } else { l.latest() };
    Row {
        id: l.decision.id,
        title: d.title.clone(),
        organisation: d.organisation.clone(),
        owner: d.owner.clone(),
        stage: d.stage.label(),
        version: shown.map(|v| v.number),
        status: shown.map_or("Not started", |v| v.status.label()),
        // The public's review date is the published version's, not a newer signed one's.
        review_due: date_text(
            if public { l.published() } else { l.in_force() }.and_then(|v| v.review_due),
        ),
        overdue: if public {
            l.published_overdue(today)
        } else {
            l.is_overdue(today)
        },
        negative_unmitigated: !public && l.negative_unmitigated(),
        published: l.published().map(|v| v.number),
    }
}

async fn rows(
    state: &AppState,
    viewer: &Viewer,
    q: &IndexQuery,
) -> Result<(Vec<Row>, bool), WebError> {
    let public = viewer.user.is_none();
    let filter = q.filter(public)?;
    let today = today(state);
    let rows = state
        .store()
        .list_decisions()
        .await?
        .iter()
        .filter(|l| filter.matches(l, today))
        .map(|l| row(l, today, public))
        .collect();
    Ok((rows, public))
}

/// `GET /decisions`: every decision (the public: those with a published assessment), with
/// GET filters by stage, organisation, overdue review and unmitigated negative impact.
pub(crate) async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<IndexQuery>,
) -> Result<Html<String>, WebError> {
    let (rows, public) = rows(&state, &viewer, &q).await?;
    let may_create = viewer
        .user
        .as_ref()
        .is_some_and(|u| assessment_capacity(u.role) == Capacity::Author);
    render(
        "decisions/index.html",
        context! {
            title => "Decisions and impact assessments",
            account => account(&viewer),
            show_sign_in => public,
            breadcrumbs => [context! { label => "Home", href => "/" }],
            rows,
            public,
            may_create,
            stages => options(&Stage::ALL, Stage::id, Stage::label),
            q => context! { stage => q.stage, organisation => q.organisation, overdue => !q.overdue.is_empty(), negative => !q.negative.is_empty() },
            csv_href => format!("/decisions.csv{}", q.query_string()),
        },
    )
    .map(Html)
}

/// `GET /decisions.csv`: the index's rows as CSV, with the same filters. Served as every
/// other download is (`download_response`), and every typed cell (title, organisation,
/// owner) passes `spreadsheet_text`, so a title typed as a formula opens as text.
pub(crate) async fn index_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<IndexQuery>,
) -> Result<Response, WebError> {
    use equalis_app::output::spreadsheet_text as text;
    let (rows, public) = rows(&state, &viewer, &q).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| WebError::internal(format!("writing the decisions CSV: {e}"));
    let mut head = vec![
        "decision",
        "title",
        "organisation",
        "owner",
        "stage",
        "version",
        "status",
        "review_due",
        "overdue",
    ];
    if !public {
        head.push("negative_impact_without_mitigation");
    }
    head.push("published_version");
    w.write_record(&head).map_err(csv_error)?;
    for r in rows {
        let mut rec = vec![
            r.id.to_string(),
            text(&r.title).into_owned(),
            text(&r.organisation).into_owned(),
            text(&r.owner).into_owned(),
            r.stage.to_owned(),
            r.version.map(|v| v.to_string()).unwrap_or_default(),
            r.status.to_owned(),
            r.review_due,
            if r.overdue { "yes" } else { "no" }.to_owned(),
        ];
        if !public {
            rec.push(if r.negative_unmitigated { "yes" } else { "no" }.to_owned());
        }
        rec.push(r.published.map(|v| v.to_string()).unwrap_or_default());
        w.write_record(&rec).map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| WebError::internal(format!("writing the decisions CSV: {e}")))?;
    Ok(download_response(
        &Body::download(body, "decisions.csv"),
        Download::Csv,
    ))
}

// ---------------------------------------------------------------------------------------
// The decision record.

fn decision_from(fields: &Fields) -> (Decision, FieldErrors) {
    let mut errors = FieldErrors::new();
    let stage = match fields.get("stage").parse::<Stage>() {
        Ok(s) => s,
        Err(_) => {
            errors.push("stage", "Select the stage the decision is at");
            Stage::Idea
        }
    };
    let d = Decision {
        title: fields.get("title").to_owned(),
        summary: fields.get("summary").to_owned(),
        owner: fields.get("owner").to_owned(),
        organisation: fields.get("organisation").to_owned(),
        stage,
    };
    let mut all = d.validate();
    all.0.extend(errors.0);
    (d, all)
}

fn decision_values(d: &Decision) -> BTreeMap<String, String> {
    [
        ("title", d.title.clone()),
        ("summary", d.summary.clone()),
        ("owner", d.owner.clone()),
        ("organisation", d.organisation.clone()),
        ("stage", d.stage.id().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn decision_form(
    viewer: &Viewer,
    existing: Option<i64>,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let action = existing.map_or_else(
        || "/decisions".to_owned(),
        |id| format!("/decisions/{id}/edit"),
    );
    render(
        "decisions/decision_form.html",
        context! {
            title => if existing.is_some() { "Change the decision" } else { "Record a decision" },
            account => account(viewer),
            breadcrumbs => [context! { label => "Decisions", href => "/decisions" }],
            action,
            v => values,
            errors => error_views(errors, |_| String::new()),
            err => error_map(errors),
            stages => options(&Stage::ALL, Stage::id, Stage::label),
        },
    )
}

/// `GET /decisions/new`: the form for a new decision (authors).
pub(crate) async fn new_form(viewer: Viewer, uri: Uri) -> Result<Html<String>, WebError> {
    require(&viewer, &uri, Capacity::Author)?;
    decision_form(&viewer, None, BTreeMap::new(), &FieldErrors::new()).map(Html)
}

/// `POST /decisions`: records a decision, or shows the form again with its errors.
pub(crate) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let fields = posted(&viewer, form)?;
    let (decision, errors) = decision_from(&fields);
    if !errors.is_empty() {
        let body = decision_form(&viewer, None, fields.values(), &errors)?;
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let stored = state.store().create_decision(user, &decision).await?;
    Ok(see_other(&format!("/decisions/{}", stored.id)))
}

/// `GET /decisions/{id}/edit`: the decision's record as a form (authors).
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    require(&viewer, &uri, Capacity::Author)?;
    let d = load_decision(&state, parse_id(&id)?).await?;
    decision_form(
        &viewer,
        Some(d.id),
        decision_values(&d.decision),
        &FieldErrors::new(),
    )
    .map(Html)
}

/// `POST /decisions/{id}/edit`: changes the record (its stage, as it moves on).
pub(crate) async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let id = parse_id(&id)?;
    let fields = posted(&viewer, form)?;
    load_decision(&state, id).await?;
    let (decision, errors) = decision_from(&fields);
    if !errors.is_empty() {
        let body = decision_form(&viewer, Some(id), fields.values(), &errors)?;
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    state.store().update_decision(user, id, &decision).await?;
    Ok(see_other(&format!("/decisions/{id}")))
}

// ---------------------------------------------------------------------------------------
// The decision's page: its record, its versions and what may be done next.

fn page_of(id: i64, n: u32) -> impl Fn(&str) -> String {
    move |field: &str| {
        let part = if field.starts_with("screening-") {
            "screening"
        } else if field.starts_with("grid-") {
            "grid"
        } else {
            "actions"
        };
        format!("/decisions/{id}/v/{n}/{part}?check=1")
    }
}

/// The read-only view of a version's answers, for the decision page, sign-off and the
/// public page.
fn document_view(doc: &Assessment) -> Value {
    let s = &doc.screening;
    let yn = |b: Option<bool>| match b {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not answered",
    };
    let grid: Vec<Value> = Subject::ALL
        .iter()
        .map(|&subject| {
            let f = doc.finding(subject);
            let impact = |d: Dimension| f.impact(d).map_or("Not answered", Impact::label);
            context! {
                label => subject.label(),
                protected => subject.is_protected(),
                access => impact(Dimension::Access),
                experience => impact(Dimension::Experience),
                outcomes => impact(Dimension::Outcomes),
                negative => f.has_negative(),
                evidence => f.evidence,
                engagement => f.engagement,
                mitigation => f.mitigation,
            }
        })
        .collect();
    let actions: Vec<Value> = doc
        .actions
        .iter()
        .map(|a| context! { description => a.description, owner => a.owner, due => date_text(a.due) })
        .collect();
    context! {
        affects_patients => yn(s.affects_patients),
        affects_staff => yn(s.affects_staff),
        affects_public => yn(s.affects_public),
        groups => s.groups.iter().map(|g| g.label()).collect::<Vec<_>>(),
        full_assessment => match s.outcome() {
            Outcome::Undecided => "Not answered",
            Outcome::FullAssessment => "Yes: a full assessment follows",
            Outcome::NoFullAssessment => "No: a reviewer must agree with the reason",
        },
        needs_full => doc.needs_full_assessment(),
        reason => s.reason,
        grid,
        actions,
        review_due => date_text(doc.review_due),
        evidence_area => doc.evidence.area,
        evidence => doc.evidence.figures.iter().map(|f| context! {
            measure => f.measure, group => f.group, value => f.value, interval => f.interval,
            period => f.period, data_date => f.data_date,
        }).collect::<Vec<_>>(),
    }
}

fn version_view(v: &StoredVersion) -> Value {
    let r = v.version.record();
    context! {
        number => r.number,
        status => r.status.id(),
        status_label => r.status.label(),
        returned_comment => r.returned_comment,
        signed_by => r.sign_off.as_ref().map(|s| s.signer_name.clone()),
        signed_at => r.sign_off.as_ref().map(|s| when(s.at)),
        screening_agreement => r.sign_off.as_ref().is_some_and(|s| s.kind == equalis_assess::SignOffKind::ScreeningAgreement),
        sign_comment => r.sign_off.as_ref().map(|s| s.comment.clone()),
        published_at => r.published_at.map(when),
        document => document_view(&v.version.record().document),
        brown => BROWN_PRINCIPLES.iter().map(|(_, label)| *label).collect::<Vec<_>>(),
    }
}

async fn decision_page(
    state: &AppState,
    viewer: &Viewer,
    d: &StoredDecision,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let versions = state.store().assessment_versions(d.id).await?;
    let latest = versions.last();
    let capacity = viewer
        .user
        .as_ref()
        .map_or(Capacity::Reader, |u| assessment_capacity(u.role));
    let me = viewer.user.as_ref().map(|u| u.id);
    let latest_status = latest.map(|v| v.version.status());
    let may = context! {
        edit => capacity == Capacity::Author,
        start => capacity == Capacity::Author && latest_status.is_none_or(Status::is_signed),
        write => capacity == Capacity::Author && latest_status == Some(Status::Draft),
        sign => capacity == Capacity::Reviewer && latest_status == Some(Status::Submitted)
            && !latest.is_some_and(|v| me.is_some_and(|m| v.version.is_author(m))),
        own => capacity == Capacity::Reviewer && latest_status == Some(Status::Submitted)
            && latest.is_some_and(|v| me.is_some_and(|m| v.version.is_author(m))),
        publish => capacity != Capacity::Reader && latest_status == Some(Status::Signed),
    };
    let history: Vec<Value> = versions
        .iter()
        .map(|v| context! { number => v.version.number(), status => v.version.status().label(), updated => when(v.updated_at) })
        .collect();
    let n = latest.map_or(0, |v| v.version.number());
    render(
        "decisions/decision.html",
        context! {
            title => d.decision.title,
            account => account(viewer),
            breadcrumbs => [context! { label => "Decisions", href => "/decisions" }],
            d => context! {
                id => d.id,
                title => d.decision.title,
                summary => d.decision.summary,
                owner => d.decision.owner,
                organisation => d.decision.organisation,
                stage => d.decision.stage.label(),
            },
            latest => latest.map(version_view),
            history,
            may,
            errors => error_views(errors, page_of(d.id, n)),
        },
    )
}

/// Records that someone not signed in was refused `v` (not published): at most one audit
/// entry per decision, version and client address an hour (`equalis_store::REFUSAL_WINDOW`),
/// so a crawler cannot flood the audit log; the repeats are counted in the next entry.
async fn refuse_anonymous_read(
    state: &AppState,
    connect: &Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    id: i64,
    v: &StoredVersion,
) -> Result<(), WebError> {
    // Absent only when the router is driven without a listener (tests).
    let client = connect
        .as_ref()
        .ok()
        .map(|ConnectInfo(a)| a.ip().to_string());
    state
        .store()
        .record_anonymous_read_refusal(
            id,
            v.version.number(),
            client.as_deref(),
            &format!(
                "version {} is {}, not published: the public read published versions only",
                v.version.number(),
                v.version.status().label().to_lowercase()
            ),
        )
        .await?;
    Ok(())
}

/// `GET /decisions/{id}`: to anyone signed in, the decision with its newest version and
/// what they may do next; to the public, its published assessment (or sign in, if it has
/// none: a draft is not public).
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    if viewer.user.is_none() {
        let versions = state.store().assessment_versions(id).await?;
        let Some(published) = versions
            .iter()
            .rev()
            .find(|v| v.version.status() == Status::Published)
        else {
            if let Some(latest) = versions.last() {
                refuse_anonymous_read(&state, &connect, id, latest).await?;
            }
            return Err(WebError::SignInRequired {
                next: uri.to_string(),
            });
        };
        let d = load_decision(&state, id).await?;
        return public_page(&viewer, &d, published).map(|b| html(StatusCode::OK, b));
    }
    let d = load_decision(&state, id).await?;
    Ok(html(
        StatusCode::OK,
        decision_page(&state, &viewer, &d, &FieldErrors::new()).await?,
    ))
}

fn public_page(viewer: &Viewer, d: &StoredDecision, v: &StoredVersion) -> Result<String, WebError> {
    render(
        "decisions/public.html",
        context! {
            title => format!("Equality and health inequalities impact assessment: {}", d.decision.title),
            account => account(viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => "Decisions", href => "/decisions" }],
            d => context! {
                id => d.id,
                title => d.decision.title,
                summary => d.decision.summary,
                owner => d.decision.owner,
                organisation => d.decision.organisation,
                stage => d.decision.stage.label(),
            },
            v => version_view(v),
        },
    )
}

/// `GET /decisions/{id}/v/{n}`: one version read-only (the public: published ones only);
/// `GET /decisions/{id}/v/{n}.pdf`: a published version as a tagged PDF, to anyone.
pub(crate) async fn show_version(
    State(state): State<AppState>,
    viewer: Viewer,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (n, pdf) = match n.strip_suffix(".pdf") {
        Some(n) => (n.to_owned(), true),
        None => (n, false),
    };
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    let v = state.store().assessment_version(id, n).await?;
    let public_ok = v
        .as_ref()
        .is_some_and(|v| v.version.status() == Status::Published);
    if viewer.user.is_none() && !public_ok {
        if let Some(v) = &v {
            refuse_anonymous_read(&state, &connect, id, v).await?;
        }
        return Err(WebError::SignInRequired {
            next: uri.to_string(),
        });
    }
    let v = v.ok_or_else(|| not_found(format!("Decision {id} has no assessment version {n}.")))?;
    let d = load_decision(&state, id).await?;
    if pdf {
        if !public_ok {
            return Err(not_found(format!(
                "Version {n} of decision {id} is not published; only a published assessment has a PDF."
            )));
        }
        return pdf_response(&d, &v).await;
    }
    public_page(&viewer, &d, &v).map(|b| html(StatusCode::OK, b))
}

/// The published version `v` printed to a tagged PDF by Chromium (`equalis_app::pdf`) on a
/// blocking thread; 503 with the reason when Chromium is not installed.
async fn pdf_response(d: &StoredDecision, v: &StoredVersion) -> Result<Response, WebError> {
    let page = render(
        "decisions/print.html",
        context! {
            title => format!("Equality and health inequalities impact assessment: {}", d.decision.title),
            d => context! {
                id => d.id,
                title => d.decision.title,
                summary => d.decision.summary,
                owner => d.decision.owner,
                organisation => d.decision.organisation,
                stage => d.decision.stage.label(),
            },
            v => version_view(v),
        },
    )?;
    let name = format!("decision-{}-v{}.pdf", d.id, v.version.number());
    crate::print::pdf_download(page, "The assessment", &name).await
}

/// `POST /decisions/{id}/assessment`: starts version 1, or a new draft from the signed one.
pub(crate) async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let id = parse_id(&id)?;
    posted(&viewer, form)?;
    let v = state.store().start_assessment(user, id).await?;
    Ok(see_other(&format!(
        "/decisions/{id}/v/{}/screening",
        v.version.number()
    )))
}

/// `POST /decisions/{id}/v/{n}/submit`: submits a complete draft; an incomplete one is
/// shown on the decision page with every missing answer linked to its field.
pub(crate) async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    posted(&viewer, form)?;
    match state.store().submit_assessment(user, id, n).await {
        Ok(_) => Ok(see_other(&format!("/decisions/{id}"))),
        Err(StoreError::Assessment(AssessError::Invalid(errors))) => {
            let d = load_decision(&state, id).await?;
            let body = decision_page(&state, &viewer, &d, &errors).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /decisions/{id}/v/{n}/publish`: publishes a signed version.
pub(crate) async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if assessment_capacity(user.role) == Capacity::Reader {
        return Err(WebError::Forbidden(format!(
            "Authors and reviewers publish signed assessments; you are signed in as {}.",
            user.role
        )));
    }
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    posted(&viewer, form)?;
    state.store().publish_assessment(user, id, n).await?;
    Ok(see_other(&format!("/decisions/{id}")))
}

// ---------------------------------------------------------------------------------------
// The draft's three forms: screening, the grid, actions and the review date.

/// Which of the draft's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Screening,
    Grid,
    Actions,
}

impl Part {
    fn parse(text: &str) -> Result<Part, WebError> {
        match text {
            "screening" => Ok(Part::Screening),
            "grid" => Ok(Part::Grid),
            "actions" => Ok(Part::Actions),
            _ => Err(WebError::NotFound {
                what: format!("There is no form `{text}`."),
                kind: "forms",
                valid: vec!["screening".into(), "grid".into(), "actions".into()],
            }),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Part::Screening => "screening",
            Part::Grid => "grid",
            Part::Actions => "actions",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Part::Screening => "Screening",
            Part::Grid => "Full assessment",
            Part::Actions => "Actions and review date",
        }
    }

    fn owns(self, field: &str) -> bool {
        match self {
            Part::Screening => field.starts_with("screening-"),
            Part::Grid => field.starts_with("grid-"),
            Part::Actions => field.starts_with("action-") || field.starts_with("review_due"),
        }
    }
}

fn yes_no_value(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

fn yes_no_of(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn date_values(values: &mut BTreeMap<String, String>, field: &str, d: Option<jiff::civil::Date>) {
    if let Some(d) = d {
        values.insert(format!("{field}-day"), d.day().to_string());
        values.insert(format!("{field}-month"), d.month().to_string());
        values.insert(format!("{field}-year"), d.year().to_string());
    }
}

/// The form's values from the stored document.
fn values_of(part: Part, doc: &Assessment) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut v = BTreeMap::new();
    let mut checked = BTreeSet::new();
    match part {
        Part::Screening => {
            let s = &doc.screening;
            v.insert(
                "screening-affects_patients".into(),
                yes_no_value(s.affects_patients),
            );
            v.insert(
                "screening-affects_staff".into(),
                yes_no_value(s.affects_staff),
            );
            v.insert(
                "screening-affects_public".into(),
                yes_no_value(s.affects_public),
            );
            v.insert(
                "screening-full_assessment".into(),
                yes_no_value(s.full_assessment),
            );
            v.insert("screening-reason".into(), s.reason.clone());
            checked = s.groups.iter().map(|g| g.id().to_owned()).collect();
        }
        Part::Grid => {
            for subject in Subject::ALL {
                let f = doc.finding(subject);
                for d in Dimension::ALL {
                    if let Some(i) = f.impact(d) {
                        v.insert(grid_field(subject, d.id()), i.id().to_owned());
                    }
                }
                v.insert(grid_field(subject, "evidence"), f.evidence.clone());
                v.insert(grid_field(subject, "engagement"), f.engagement.clone());
                v.insert(grid_field(subject, "mitigation"), f.mitigation.clone());
            }
        }
        Part::Actions => {
            for (i, a) in doc.actions.iter().enumerate() {
                v.insert(action_field(i, "description"), a.description.clone());
                v.insert(action_field(i, "owner"), a.owner.clone());
                date_values(&mut v, &action_field(i, "due"), a.due);
            }
            date_values(&mut v, "review_due", doc.review_due);
        }
    }
    (v, checked)
}

/// The document with this form's answers put in; errors for what cannot be read (a date
/// that is not a date).
fn apply(part: Part, fields: &Fields, base: &Assessment) -> (Assessment, FieldErrors) {
    let mut doc = base.clone();
    let mut errors = FieldErrors::new();
    match part {
        Part::Screening => {
            let s = &mut doc.screening;
            s.affects_patients = yes_no_of(fields.get("screening-affects_patients"));
            s.affects_staff = yes_no_of(fields.get("screening-affects_staff"));
            s.affects_public = yes_no_of(fields.get("screening-affects_public"));
            s.full_assessment = yes_no_of(fields.get("screening-full_assessment"));
            s.reason = fields.get("screening-reason").to_owned();
            s.groups = fields
                .all("screening-groups")
                .iter()
                .filter_map(|g| g.parse().ok())
                .collect();
        }
        Part::Grid => {
            for subject in Subject::ALL {
                let mut f = doc.finding(subject);
                for d in Dimension::ALL {
                    f.set_impact(d, fields.get(&grid_field(subject, d.id())).parse().ok());
                }
                f.evidence = fields.get(&grid_field(subject, "evidence")).to_owned();
                f.engagement = fields.get(&grid_field(subject, "engagement")).to_owned();
                f.mitigation = fields.get(&grid_field(subject, "mitigation")).to_owned();
                doc.grid.insert(subject, f);
            }
        }
        Part::Actions => {
            let mut actions = Vec::new();
            for i in 0..MAX_ACTION_ROWS {
                let field = |p: &str| action_field(i, p);
                if !fields.0.contains_key(&field("description")) {
                    break;
                }
                let due = parse_date_parts(
                    &field("due"),
                    "the date the action is due",
                    fields.get(&format!("{}-day", field("due"))),
                    fields.get(&format!("{}-month", field("due"))),
                    fields.get(&format!("{}-year", field("due"))),
                );
                let due = due.unwrap_or_else(|e| {
                    errors.0.push(e);
                    None
                });
                let action = Action {
                    description: fields.get(&field("description")).to_owned(),
                    owner: fields.get(&field("owner")).to_owned(),
                    due,
                };
                let typed_a_date = ["day", "month", "year"].iter().any(|p| {
                    !fields
                        .get(&format!("{}-{p}", field("due")))
                        .trim()
                        .is_empty()
                });
                if !action.is_blank() || typed_a_date {
                    actions.push(action);
                }
            }
            doc.actions = actions;
            match parse_date_parts(
                "review_due",
                "the review date",
                fields.get("review_due-day"),
                fields.get("review_due-month"),
                fields.get("review_due-year"),
            ) {
                Ok(d) => doc.review_due = d,
                Err(e) => errors.0.push(e),
            }
        }
    }
    (doc, errors)
}

fn part_page(
    viewer: &Viewer,
    d: &StoredDecision,
    v: &StoredVersion,
    part: Part,
    values: BTreeMap<String, String>,
    checked: BTreeSet<String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let n = v.version.number();
    let rows = match part {
        Part::Actions => {
            let posted_rows = (0..MAX_ACTION_ROWS)
                .take_while(|i| values.contains_key(&action_field(*i, "description")))
                .count();
            posted_rows.max(v.version.document().actions.len()) + SPARE_ACTION_ROWS
        }
        _ => 0,
    };
    render(
        "decisions/part.html",
        context! {
            title => format!("{}: {}", part.title(), d.decision.title),
            heading => part.title(),
            part => part.id(),
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Decisions", href => "/decisions" },
                context! { label => d.decision.title, href => format!("/decisions/{}", d.id) },
            ],
            decision => context! { id => d.id, title => d.decision.title },
            version => n,
            action => format!("/decisions/{}/v/{n}/{}", d.id, part.id()),
            v => values,
            checked,
            errors => error_views(errors, |_| String::new()),
            err => error_map(errors),
            yes_no => yes_no(),
            subjects => subjects(),
            dimensions => options(&Dimension::ALL, Dimension::id, Dimension::label),
            impacts => options(&Impact::ALL, Impact::id, Impact::label),
            needs_full => v.version.document().needs_full_assessment(),
            action_rows => (0..rows).collect::<Vec<_>>(),
        },
    )
}

/// `GET /decisions/{id}/v/{n}/{part}`: a draft's form (authors). With `?check=1` it shows
/// the answers this form still needs before submission, beside their fields.
pub(crate) async fn part_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n, part)): Path<(String, String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    require(&viewer, &uri, Capacity::Author)?;
    let (id, n, part) = (parse_id(&id)?, parse_version(&n)?, Part::parse(&part)?);
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    if v.version.status() != Status::Draft {
        return Ok(see_other(&format!("/decisions/{id}")));
    }
    let (values, checked) = values_of(part, v.version.document());
    let errors = if q.contains_key("check") {
        FieldErrors(
            v.version
                .document()
                .check_complete(today(&state))
                .0
                .into_iter()
                .filter(|e| part.owns(&e.field))
                .collect(),
        )
    } else {
        FieldErrors::new()
    };
    Ok(html(
        StatusCode::OK,
        part_page(&viewer, &d, &v, part, values, checked, &errors)?,
    ))
}

/// `POST /decisions/{id}/v/{n}/{part}`: saves the form's answers into the draft (blank
/// answers are kept: a draft may be incomplete). What cannot be kept is shown beside its
/// field with everything typed, and nothing is saved.
pub(crate) async fn part_save(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n, part)): Path<(String, String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let (id, n, part) = (parse_id(&id)?, parse_version(&n)?, Part::parse(&part)?);
    let fields = posted(&viewer, form)?;
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    let (doc, mut errors) = apply(part, &fields, v.version.document());
    if errors.is_empty() {
        match state.store().save_assessment(user, id, n, doc).await {
            Ok(_) => {
                let next = match part {
                    Part::Screening
                        if v.version.document().screening.full_assessment != Some(false)
                            && fields.get("screening-full_assessment") != "no" =>
                    {
                        "grid"
                    }
                    Part::Screening | Part::Grid => "actions",
                    Part::Actions => "",
                };
                let to = if next.is_empty() {
                    format!("/decisions/{id}")
                } else {
                    format!("/decisions/{id}/v/{n}/{next}")
                };
                return Ok(see_other(&to));
            }
            Err(StoreError::Assessment(AssessError::Invalid(e))) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let checked = fields.all("screening-groups").into_iter().collect();
    let body = part_page(&viewer, &d, &v, part, fields.values(), checked, &errors)?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
}

// ---------------------------------------------------------------------------------------
// Sign-off.

fn sign_page(
    viewer: &Viewer,
    d: &StoredDecision,
    v: &StoredVersion,
    values: BTreeMap<String, String>,
    checked: BTreeSet<String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let n = v.version.number();
    render(
        "decisions/sign.html",
        context! {
            title => format!("Sign off: {}", d.decision.title),
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Decisions", href => "/decisions" },
                context! { label => d.decision.title, href => format!("/decisions/{}", d.id) },
            ],
            d => context! { id => d.id, title => d.decision.title, owner => d.decision.owner, organisation => d.decision.organisation },
            ver => version_view(v),
            action => format!("/decisions/{}/v/{n}/sign", d.id),
            principles => BROWN_PRINCIPLES.iter().map(|(id, label)| context! { id => *id, label => *label }).collect::<Vec<_>>(),
            v => values,
            checked,
            errors => error_views(errors, |_| String::new()),
            err => error_map(errors),
        },
    )
}

/// `GET /decisions/{id}/v/{n}/sign`: the reviewer's page: the whole version, the Brown
/// checklist, and sign off or return.
pub(crate) async fn sign_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    require(&viewer, &uri, Capacity::Reviewer)?;
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    sign_page(
        &viewer,
        &d,
        &v,
        BTreeMap::new(),
        BTreeSet::new(),
        &FieldErrors::new(),
    )
    .map(Html)
}

/// `POST /decisions/{id}/v/{n}/sign`: `outcome=sign` signs off (every principle confirmed,
/// never one's own), `outcome=return` sends it back with a comment.
pub(crate) async fn sign(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Reviewer)?;
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    let fields = posted(&viewer, form)?;
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    let comment = fields.get("comment");
    let checked: BTreeSet<String> = fields.all("brown").into_iter().collect();
    let result = match fields.get("outcome") {
        "sign" => {
            let checklist = BrownChecklist {
                confirmed: checked.clone(),
            };
            state
                .store()
                .sign_assessment(user, id, n, checklist, comment)
                .await
        }
        "return" => state.store().return_assessment(user, id, n, comment).await,
        other => {
            return Err(WebError::BadRequest(format!(
                "`{other}` is not an outcome: choose sign or return."
            )));
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/decisions/{id}"))),
        Err(StoreError::Assessment(AssessError::Invalid(errors))) => {
            // The document's own gaps (a review date passed while it waited) belong to its
            // author: shown as they are, linked to the author's forms.
            let body = sign_page(&viewer, &d, &v, fields.values(), checked, &errors)?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_forms_round_trip_the_document() {
        let doc = equalis_assess::examples::opening_hours(
            jiff::civil::date(2027, 1, 31),
            jiff::civil::date(2027, 6, 30),
        );
        for part in [Part::Screening, Part::Grid, Part::Actions] {
            let (values, checked) = values_of(part, &doc);
            let mut pairs: Vec<(String, String)> = values.into_iter().collect();
            pairs.extend(
                checked
                    .into_iter()
                    .map(|g| ("screening-groups".to_owned(), g)),
            );
            let (back, errors) = apply(part, &Fields::new(pairs), &doc);
            assert!(errors.is_empty(), "{part:?}: {errors}");
            assert_eq!(back, doc, "{part:?}");
        }
    }

    #[test]
    fn actions_form_drops_blank_rows_and_names_bad_dates() {
        let f = fields(&[
            ("action-0-description", "Survey carers"),
            ("action-0-owner", "Lead"),
            ("action-0-due-day", "31"),
            ("action-0-due-month", "2"),
            ("action-0-due-year", "2027"),
            ("action-1-description", ""),
            ("action-1-owner", ""),
            ("review_due-day", "1"),
            ("review_due-month", ""),
            ("review_due-year", "2027"),
        ]);
        let (doc, errors) = apply(Part::Actions, &f, &Assessment::default());
        assert_eq!(doc.actions.len(), 1, "the blank row is dropped");
        assert_eq!(
            errors.get("action-0-due"),
            Some("The date the action is due must be a real date")
        );
        assert_eq!(
            errors.get("review_due"),
            Some("The review date must include a month")
        );
    }

    #[test]
    fn the_decision_form_names_each_missing_field() {
        let (_, errors) = decision_from(&fields(&[("title", "A")]));
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["summary", "owner", "organisation", "stage"]);
    }

    #[test]
    fn the_csv_link_keeps_the_filters() {
        let q = IndexQuery {
            stage: "idea".into(),
            organisation: "St Mary's & Co".into(),
            overdue: String::new(),
            negative: "1".into(),
        };
        assert_eq!(
            q.query_string(),
            "?stage=idea&organisation=St%20Mary%27s%20%26%20Co&negative=1"
        );
        assert_eq!(IndexQuery::default().query_string(), "");
    }

    #[test]
    fn submission_errors_link_to_the_form_holding_the_field() {
        let page = page_of(3, 2);
        assert_eq!(
            page("screening-reason"),
            "/decisions/3/v/2/screening?check=1"
        );
        assert_eq!(page("grid-age-access"), "/decisions/3/v/2/grid?check=1");
        assert_eq!(page("action-0-owner"), "/decisions/3/v/2/actions?check=1");
        assert_eq!(page("review_due"), "/decisions/3/v/2/actions?check=1");
    }
}
