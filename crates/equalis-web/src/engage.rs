//! `/engage`: engagement with equality monitoring (issue 14). The public take part in a
//! project (by email, or with a nickname where the project allows), post ideas and discussions,
//! support ideas, report posts and answer surveys, and may answer the equality monitoring
//! questions once; moderators (the `admin` and `edi_lead` roles) create projects and surveys,
//! work through the moderation queue and say what became of each idea; signed-in staff see
//! **who is heard**: participants by each characteristic against the footprint's residents,
//! published through `equalis-disclosure` (`equalis_app::engage::who_is_heard`).
//!
//! The rules are `equalis-engage`'s, enforced by the store (which audits moderators' actions).
//! Public forms carry a double-submit CSRF token (a random cookie and the same value in the
//! form: the public have no session), staff forms the session's; each public action is
//! rate-limited per client address and per participant in the store (`engage_limits`), and form bodies are
//! limited to [`MAX_FORM_BYTES`]. Everything people type is escaped by the templates.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::rejection::ExtensionRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_app::engage_export::ExportFormat;
use equalis_disclosure::{Cell, Publishable};
use equalis_engage::monitoring::{MonitoringForm, questions};
use equalis_engage::{
    FieldErrors, IdeaStatus, Moderation, ModerationDecision, MonitoringAnswers, NewPost, PostKind,
    Project, ProjectStatus, StatusUpdate, Visibility,
};
use equalis_store::engage::{Participant, StoredPost, StoredProject, is_moderator};
use equalis_store::{Secret, User, constant_time_str_eq};
use minijinja::{Value, context};
use serde::Serialize;

use crate::auth::{Viewer, cookie, set_cookie};
use crate::engage_limits::{self as limits, Limits};
use crate::error::WebError;
use crate::fields::{Fields, Posted};
use crate::state::AppState;
use crate::templates::{account, render};

/// The largest form body accepted: a contribution of 5,000 characters of any script, encoded,
/// with room to spare; a larger body is refused (413) before it is read.
pub(crate) const MAX_FORM_BYTES: usize = 64 * 1024;

/// The routes of this module.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/engage", get(index).post(create))
        .route("/engage/new", get(new_form))
        .route("/engage/{id}", get(show))
        .route("/engage/{id}/join", post(join))
        .route(
            "/engage/{id}/monitoring",
            get(monitoring_form).post(monitoring_save),
        )
        .route("/engage/{id}/posts", post(add_post))
        .route("/engage/{id}/posts/{post}/support", post(support))
        .route("/engage/{id}/posts/{post}/report", post(report))
        .route("/engage/{id}/posts/{post}/moderate", post(moderate))
        .route("/engage/{id}/posts/{post}/status", post(set_status))
        .route(
            "/engage/{id}/surveys/{sid}",
            get(survey_form).post(survey_save),
        )
        .route("/engage/{id}/moderation", get(queue))
        .route("/engage/{id}/heard", get(heard))
        .route("/engage/{id}/contributions.csv", get(export_csv))
        .route("/engage/{id}/contributions.xlsx", get(export_xlsx))
        .merge(crate::engage_surveys::routes())
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

// ---------------------------------------------------------------------------------------
// Who is asking: the participant's cookie, the public CSRF cookie, rate limits.

const CSRF_COOKIE: &str = "equalis-engage-csrf";
const PARTICIPANT_COOKIE: &str = "equalis-participant";

fn cookie_name(base: &str, secure: bool, project: Option<i64>) -> String {
    let prefix = if secure { "__Host-" } else { "" };
    match project {
        Some(id) => format!("{prefix}{base}-{id}"),
        None => format!("{prefix}{base}"),
    }
}

/// The public CSRF token of this browser, and the cookie to set when it had none.
pub(crate) fn public_csrf(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let secure = state.options().secure_cookies;
    let name = cookie_name(CSRF_COOKIE, secure, None);
    match cookie(headers, &name) {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (t.to_owned(), None)
        }
        _ => {
            let bytes: [u8; 32] = rand::random();
            let t: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let c = set_cookie(&name, &t, 60 * 60 * 24 * 30, secure);
            (t, Some(c))
        }
    }
}

pub(crate) fn with_cookie(mut r: Response, c: Option<HeaderValue>) -> Response {
    if let Some(c) = c {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

fn read(form: Posted) -> Result<Fields, WebError> {
    let Form(pairs) = form.map_err(|e| {
        // The body limit shows as a failure to buffer the body.
        if e.to_string().contains("length limit exceeded") {
            WebError::BadRequest(format!(
                "The form is too large: at most {} KB may be sent.",
                MAX_FORM_BYTES / 1024
            ))
        } else {
            WebError::BadRequest(format!("The form could not be read: {e}"))
        }
    })?;
    Ok(Fields::new(pairs))
}

/// A public form: its CSRF token must be this browser's cookie.
pub(crate) fn public_posted(
    state: &AppState,
    headers: &HeaderMap,
    form: Posted,
) -> Result<Fields, WebError> {
    let fields = read(form)?;
    let name = cookie_name(CSRF_COOKIE, state.options().secure_cookies, None);
    let sent = fields.get("csrf_token");
    match cookie(headers, &name) {
        Some(expected) if !sent.is_empty() && constant_time_str_eq(expected, sent) => Ok(fields),
        _ => Err(WebError::Csrf),
    }
}

/// A staff form: its CSRF token must be the session's.
pub(crate) fn staff_posted(viewer: &Viewer, form: Posted) -> Result<Fields, WebError> {
    let fields = read(form)?;
    let ok = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.check_csrf(fields.get("csrf_token")));
    if ok { Ok(fields) } else { Err(WebError::Csrf) }
}

pub(crate) fn moderator<'a>(viewer: &'a Viewer, uri: &Uri) -> Result<&'a User, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if is_moderator(user) {
        Ok(user)
    } else {
        Err(WebError::Forbidden(format!(
            "Only moderators (the admin and edi_lead roles) organise and moderate engagement; you are signed in as {}.",
            user.role
        )))
    }
}

pub(crate) fn parse_id(text: &str) -> Result<i64, WebError> {
    text.parse()
        .map_err(|_| WebError::BadRequest(format!("`{text}` is not a number.")))
}

pub(crate) async fn load(state: &AppState, id: &str) -> Result<StoredProject, WebError> {
    let id = parse_id(id)?;
    state
        .store()
        .engage_project(id)
        .await?
        .ok_or_else(|| WebError::NotFound {
            what: format!("There is no engagement project {id}."),
            kind: "",
            valid: Vec::new(),
        })
}

pub(crate) async fn participant(
    state: &AppState,
    headers: &HeaderMap,
    project: i64,
) -> Result<Option<Participant>, WebError> {
    let name = cookie_name(
        PARTICIPANT_COOKIE,
        state.options().secure_cookies,
        Some(project),
    );
    match cookie(headers, &name) {
        Some(t) => Ok(state
            .store()
            .participant(project, &Secret::from_presented(t))
            .await?),
        None => Ok(None),
    }
}

pub(crate) async fn require_participant(
    state: &AppState,
    headers: &HeaderMap,
    project: i64,
) -> Result<Participant, WebError> {
    participant(state, headers, project).await?.ok_or_else(|| {
        WebError::BadRequest("Take part in the project first: sign up on its page.".into())
    })
}

pub(crate) fn client(connect: &Result<ConnectInfo<SocketAddr>, ExtensionRejection>) -> String {
    // Absent only when the router is driven without a listener (tests).
    connect.as_ref().map_or_else(
        |_| "unknown".to_owned(),
        |ConnectInfo(a)| a.ip().to_string(),
    )
}

/// A participant's post to a project, checked.
pub(crate) struct Posting {
    pub(crate) project: StoredProject,
    pub(crate) fields: Fields,
    pub(crate) me: Participant,
}

/// What every participant's POST starts with, in this order: the project, the form's CSRF token
/// (this browser's cookie), the participant's own cookie, then the action's rate limits. `Err`
/// is the answer to send instead: an error page, or a 429.
pub(crate) async fn posting(
    state: &AppState,
    headers: &HeaderMap,
    connect: &Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    id: &str,
    form: Posted,
    limits: Option<&Limits>,
) -> Result<Posting, Response> {
    let project = load(state, id).await.map_err(IntoResponse::into_response)?;
    let fields = public_posted(state, headers, form).map_err(IntoResponse::into_response)?;
    let me = require_participant(state, headers, project.id)
        .await
        .map_err(IntoResponse::into_response)?;
    if let Some(l) = limits {
        l.check(state, client(connect), Some(me.id)).await?;
    }
    Ok(Posting {
        project,
        fields,
        me,
    })
}

// ---------------------------------------------------------------------------------------
// Views.

#[derive(Debug, Serialize)]
pub(crate) struct ErrorView {
    message: String,
    href: String,
}

/// A form page's status: 200, or 422 when it is shown again with its errors.
pub(crate) fn form_status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

pub(crate) fn error_views(errors: &FieldErrors) -> Vec<ErrorView> {
    errors
        .iter()
        .map(|e| ErrorView {
            message: e.message.clone(),
            href: format!("#{}", e.field),
        })
        .collect()
}

pub(crate) fn error_map(errors: &FieldErrors) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for e in errors.iter() {
        m.entry(e.field.clone())
            .or_insert_with(|| e.message.clone());
    }
    m
}

#[derive(Debug, Serialize)]
struct PostView {
    id: i64,
    kind: &'static str,
    title: String,
    body: String,
    author: String,
    when: String,
    supports: u64,
    reports: u32,
    status: &'static str,
    status_value: &'static str,
    status_reason: String,
    awaiting: bool,
    hidden: bool,
    removed: bool,
    replies: Vec<PostView>,
}

fn post_view(p: &StoredPost) -> PostView {
    PostView {
        id: p.id,
        kind: p.kind.as_str(),
        title: p.title.clone(),
        body: p.body.clone(),
        author: p.author.clone(),
        when: p.created_at.strftime("%-d %B %Y").to_string(),
        supports: p.supports,
        reports: p.reports,
        status: p.idea_status.label(),
        status_value: p.idea_status.as_str(),
        status_reason: p.status_reason.clone(),
        awaiting: p.visibility == Visibility::AwaitingApproval,
        hidden: p.visibility == Visibility::HiddenByReports,
        removed: p.visibility == Visibility::Removed,
        replies: Vec::new(),
    }
}

pub(crate) fn project_view(p: &StoredProject) -> Value {
    context! {
        id => p.id,
        title => p.project.title,
        summary => p.project.summary,
        open => p.project.is_open(),
        status => p.project.status.as_str(),
        moderation => p.project.moderation.as_str(),
        anonymous_allowed => p.project.anonymous_allowed,
        footprint => p.project.footprint,
    }
}

pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

// ---------------------------------------------------------------------------------------
// Projects.

/// `GET /engage`: every project.
pub(crate) async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, WebError> {
    let projects: Vec<Value> = state
        .store()
        .engage_projects()
        .await?
        .iter()
        .map(project_view)
        .collect();
    render(
        "engage/index.html",
        context! {
            title => "Have your say",
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            projects,
            may_create => viewer.user.as_ref().is_some_and(is_moderator),
        },
    )
    .map(Html)
}

fn project_form(
    viewer: &Viewer,
    v: &BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    render(
        "engage/project_form.html",
        context! {
            title => "Start an engagement project",
            account => account(viewer),
            breadcrumbs => [context! { label => "Have your say", href => "/engage" }],
            v, err => error_map(errors), errors => error_views(errors),
        },
    )
}

/// `GET /engage/new`: the form for a project (moderators).
pub(crate) async fn new_form(viewer: Viewer, uri: Uri) -> Result<Html<String>, WebError> {
    moderator(&viewer, &uri)?;
    let v: BTreeMap<String, String> = [("moderation", "post"), ("anonymous_allowed", "yes")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    project_form(&viewer, &v, &FieldErrors::new()).map(Html)
}

/// `POST /engage`: creates a project, or shows the form again with its errors.
pub(crate) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    form: Posted,
) -> Result<Response, WebError> {
    let user = moderator(&viewer, &uri)?;
    let f = staff_posted(&viewer, form)?;
    let mut errors = FieldErrors::new();
    let moderation = Moderation::parse(f.get("moderation")).unwrap_or_else(|_| {
        errors.push("moderation", "Select how contributions are moderated");
        Moderation::Pre
    });
    let project = Project {
        title: f.get("title").to_owned(),
        summary: f.get("summary").to_owned(),
        status: ProjectStatus::Open,
        moderation,
        anonymous_allowed: f.get("anonymous_allowed") == "yes",
        footprint: f.get("footprint").trim().to_uppercase(),
    };
    if let Err(e) = project.validate() {
        errors.0.extend(e.0);
    }
    if errors.get("footprint").is_none()
        && let Err(e) = equalis_app::engage::footprint(&project.footprint)
    {
        errors.push("footprint", e.to_string());
    }
    if !errors.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            project_form(&viewer, &f.values(), &errors)?,
        ));
    }
    let stored = state.store().create_project(user, &project).await?;
    Ok(Redirect::to(&format!("/engage/{}", stored.id)).into_response())
}

/// What a project page shows beside the project: forms' values and errors.
#[derive(Default)]
struct PageState {
    v: BTreeMap<String, String>,
    errors: FieldErrors,
    /// Which form the errors belong to: `join`, `idea`, `thread`, `reply-N`.
    form: String,
}

async fn project_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    p: &StoredProject,
    page: PageState,
) -> Result<Response, WebError> {
    let (csrf, set) = public_csrf(state, headers);
    let me = participant(state, headers, p.id).await?;
    let moderator = viewer.user.as_ref().is_some_and(is_moderator);
    let mine = me.as_ref().map(|m| m.id);
    let posts = state.store().posts(p.id).await?;
    // The public see what is visible; an author also sees their own awaiting approval.
    let shown = |x: &StoredPost| {
        x.visibility.is_public()
            || (Some(x.participant_id) == mine && x.visibility == Visibility::AwaitingApproval)
    };
    let ideas: Vec<PostView> = posts
        .iter()
        .filter(|x| x.kind == PostKind::Idea && shown(x))
        .map(post_view)
        .collect();
    let mut threads: Vec<PostView> = posts
        .iter()
        .filter(|x| x.kind == PostKind::Thread && shown(x))
        .map(post_view)
        .collect();
    for t in &mut threads {
        t.replies = posts
            .iter()
            .filter(|x| x.parent_id == Some(t.id) && shown(x))
            .map(post_view)
            .collect();
    }
    let surveys: Vec<Value> = state
        .store()
        .surveys(p.id)
        .await?
        .iter()
        .map(|s| context! { id => s.id, title => s.survey.title, questions => s.survey.questions.len() })
        .collect();
    let status = form_status(&page.errors);
    let body = render(
        "engage/project.html",
        context! {
            title => p.project.title,
            account => account(viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => "Have your say", href => "/engage" }],
            project => project_view(p),
            me => me.as_ref().map(|m| context! { nickname => m.nickname, monitored => m.monitored }),
            ideas, threads, surveys, moderator,
            staff => viewer.user.is_some(),
            public_csrf => csrf,
            v => page.v, err => error_map(&page.errors), errors => error_views(&page.errors), form => page.form,
        },
    )?;
    Ok(with_cookie(html(status, body), set))
}

/// `GET /engage/{id}`: the project, its ideas board, discussions and surveys.
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = load(&state, &id).await?;
    project_page(&state, &viewer, &headers, &p, PageState::default()).await
}

/// `POST /engage/{id}/join`: signs up by email or nickname and sets the participant's cookie.
pub(crate) async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let p = load(&state, &id).await?;
    let f = public_posted(&state, &headers, form)?;
    if let Err(r) = limits::JOIN.check(&state, client(&connect), None).await {
        return Ok(r);
    }
    let email = match (f.get("how"), f.get("email").trim()) {
        ("anonymous", _) => None,
        (_, e) => Some(e),
    };
    match state
        .store()
        .join_project(p.id, email, f.get("nickname"))
        .await
    {
        Ok(new) => {
            let secure = state.options().secure_cookies;
            let name = cookie_name(PARTICIPANT_COOKIE, secure, Some(p.id));
            let mut r = Redirect::to(&format!("/engage/{}/monitoring", p.id)).into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&name, new.token.expose(), 60 * 60 * 24 * 365, secure),
            );
            Ok(r)
        }
        Err(equalis_store::StoreError::EngageInvalid(errors)) => {
            project_page(
                &state,
                &viewer,
                &headers,
                &p,
                PageState {
                    v: f.values(),
                    errors,
                    form: "join".into(),
                },
            )
            .await
        }
        Err(equalis_store::StoreError::EngageConflict(m)) => {
            let mut errors = FieldErrors::new();
            errors.push(if email.is_some() { "email" } else { "nickname" }, m);
            project_page(
                &state,
                &viewer,
                &headers,
                &p,
                PageState {
                    v: f.values(),
                    errors,
                    form: "join".into(),
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Equality monitoring: optional, once.

/// The monitoring questions for a template, with what was chosen in `f`.
fn monitoring_questions(f: Option<&Fields>) -> Vec<Value> {
    let chosen: BTreeMap<String, Vec<String>> = f.map(|f| f.0.clone()).unwrap_or_default();
    questions()
        .into_iter()
        .map(|q| {
            let picked = chosen.get(q.id).cloned().unwrap_or_default();
            context! {
                id => q.id, label => q.label, hint => q.hint, multiple => q.multiple,
                options => q.options.into_iter().map(|(value, label)| context! { checked => picked.contains(&value), value, label }).collect::<Vec<_>>(),
            }
        })
        .collect()
}

/// Reads monitoring answers (`values`: `(question id, value)` pairs) and the home area, with
/// its IMD quintile and place looked up; every problem is a field error.
fn read_monitoring(
    p: &StoredProject,
    values: Vec<(String, String)>,
    f: &Fields,
) -> Result<MonitoringAnswers, FieldErrors> {
    let form = MonitoringForm {
        values,
        lsoa: f.get("lsoa").to_owned(),
        place: f.get("place").to_owned(),
        places: equalis_app::engage::places(&p.project.footprint),
    };
    let mut answers = MonitoringAnswers::read(&form)?;
    // A home postcode is looked up to its LSOA, IMD quintile and place, and then dropped:
    // only those three are kept (data minimisation), never the postcode.
    let postcode = f.get("postcode").trim();
    if !postcode.is_empty() {
        let mut errors = FieldErrors::new();
        if answers.lsoa.is_some() {
            errors.push(
                "postcode",
                "Give your postcode or your neighbourhood code, not both",
            );
            return Err(errors);
        }
        match equalis_app::engage::resolve_postcode(postcode) {
            Ok((lsoa, q, place)) => {
                answers.lsoa = Some(lsoa);
                answers.imd_quintile = Some(q);
                answers.place = Some(place);
                return Ok(answers);
            }
            Err(m) => {
                errors.push("postcode", m);
                return Err(errors);
            }
        }
    }
    if let Some(lsoa) = &answers.lsoa {
        match equalis_app::engage::resolve_area(lsoa) {
            Some((q, place)) => {
                answers.imd_quintile = Some(q);
                answers.place = Some(place);
            }
            None => {
                let mut errors = FieldErrors::new();
                errors.push("lsoa", format!("{lsoa} is not an LSOA of England (2021 boundaries): check the code, or leave it blank"));
                return Err(errors);
            }
        }
    }
    Ok(answers)
}

fn monitoring_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    p: &StoredProject,
    f: Option<&Fields>,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let (csrf, set) = public_csrf(state, headers);
    let qs = monitoring_questions(f);
    let body = render(
        "engage/monitoring.html",
        context! {
            title => "Tell us about yourself (optional)",
            account => account(viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(p),
            questions => qs,
            lsoa => f.map(|f| f.get("lsoa").to_owned()).unwrap_or_default(),
            postcode => f.map(|f| f.get("postcode").to_owned()).unwrap_or_default(),
            place => f.map(|f| f.get("place").to_owned()).unwrap_or_default(),
            places => equalis_app::engage::places(&p.project.footprint),
            public_csrf => csrf,
            err => error_map(errors), errors => error_views(errors),
        },
    )?;
    let status = form_status(errors);
    Ok(with_cookie(html(status, body), set))
}

/// `GET /engage/{id}/monitoring`: the monitoring questions, once.
pub(crate) async fn monitoring_form(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = load(&state, &id).await?;
    let me = require_participant(&state, &headers, p.id).await?;
    if me.monitored {
        return Ok(Redirect::to(&format!("/engage/{}", p.id)).into_response());
    }
    monitoring_page(&state, &viewer, &headers, &p, None, &FieldErrors::new())
}

/// `POST /engage/{id}/monitoring`: keeps the answers (or, with `skip`, that none were given).
pub(crate) async fn monitoring_save(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    // Answered once, so not rate-limited.
    let Posting {
        project: p,
        fields: f,
        me,
    } = match posting(&state, &headers, &connect, &id, form, None).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let answers = if f.get("skip").is_empty() {
        let values =
            f.0.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "csrf_token" | "postcode" | "lsoa" | "place" | "skip"
                    )
                })
                .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
                .collect();
        match read_monitoring(&p, values, &f) {
            Ok(a) => a,
            Err(errors) => {
                return monitoring_page(&state, &viewer, &headers, &p, Some(&f), &errors);
            }
        }
    } else {
        MonitoringAnswers::default()
    };
    state.store().save_monitoring(me.id, &answers).await?;
    Ok(Redirect::to(&format!("/engage/{}", p.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Contributions.

/// `POST /engage/{id}/posts`: an idea, a thread or a reply (`kind`, `title`, `body`, `parent`).
pub(crate) async fn add_post(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let Posting {
        project: p,
        fields: f,
        me,
    } = match posting(&state, &headers, &connect, &id, form, Some(&limits::POST)).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let kind = PostKind::parse(f.get("kind")).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let parent = match kind {
        PostKind::Reply => Some(parse_id(f.get("parent"))?),
        _ => None,
    };
    let post = NewPost {
        kind,
        title: f.get("title").to_owned(),
        body: f.get("body").to_owned(),
    };
    let form_name = match parent {
        Some(t) => format!("reply-{t}"),
        None => kind.as_str().to_owned(),
    };
    if let Err(errors) = post.validate() {
        return project_page(
            &state,
            &viewer,
            &headers,
            &p,
            PageState {
                v: f.values(),
                errors,
                form: form_name,
            },
        )
        .await;
    }
    let new = state.store().add_post(&me, &post, parent).await?;
    let anchor = parent.unwrap_or(new);
    Ok(Redirect::to(&format!("/engage/{}#post-{anchor}", p.id)).into_response())
}

/// `POST /engage/{id}/posts/{post}/support`: "+1" on an idea, once per participant.
pub(crate) async fn support(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path((id, post)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let Posting { project: p, me, .. } =
        match posting(&state, &headers, &connect, &id, form, Some(&limits::REACT)).await {
            Ok(x) => x,
            Err(r) => return Ok(r),
        };
    let post = parse_id(&post)?;
    state.store().support(&me, post).await?;
    Ok(Redirect::to(&format!("/engage/{}#post-{post}", p.id)).into_response())
}

/// `POST /engage/{id}/posts/{post}/report`: reports a contribution to the moderators.
pub(crate) async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path((id, post)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let Posting {
        project: p,
        fields: f,
        me,
    } = match posting(&state, &headers, &connect, &id, form, Some(&limits::REACT)).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let post = parse_id(&post)?;
    state.store().report(&me, post, f.get("reason")).await?;
    Ok(Redirect::to(&format!("/engage/{}", p.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Surveys.

pub(crate) async fn load_survey(
    state: &AppState,
    p: &StoredProject,
    sid: &str,
) -> Result<equalis_store::engage::StoredSurvey, WebError> {
    let sid = parse_id(sid)?;
    state
        .store()
        .surveys(p.id)
        .await?
        .into_iter()
        .find(|s| s.id == sid)
        .ok_or_else(|| WebError::NotFound {
            what: format!("Project {} has no survey {sid}.", p.id),
            kind: "",
            valid: Vec::new(),
        })
}

/// Whether the survey's page asks the monitoring questions: when the survey includes them
/// and this browser's participant (if any) has not answered them yet.
fn asks_monitoring(s: &equalis_store::engage::StoredSurvey, me: Option<&Participant>) -> bool {
    s.survey.monitoring && !me.is_some_and(|m| m.monitored)
}

#[allow(clippy::too_many_arguments)]
fn survey_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    p: &StoredProject,
    s: &equalis_store::engage::StoredSurvey,
    me: Option<&Participant>,
    f: Option<&Fields>,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let (csrf, set) = public_csrf(state, headers);
    let qs: Vec<Value> = s
        .survey
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let field = equalis_engage::question_field(i);
            let picked = f.map(|f| f.all(&field)).unwrap_or_default();
            context! {
                field, prompt => q.prompt, required => q.required,
                kind => match q.kind { equalis_engage::QuestionKind::Single => "single", equalis_engage::QuestionKind::Multiple => "multiple", equalis_engage::QuestionKind::FreeText => "text" },
                text => picked.first().cloned().unwrap_or_default(),
                options => q.options.iter().enumerate().map(|(k, label)| context! { value => k.to_string(), label, checked => picked.contains(&k.to_string()) }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let body = render(
        "engage/survey.html",
        context! {
            title => s.survey.title,
            account => account(viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(p), survey_id => s.id, questions => qs,
            monitoring => asks_monitoring(s, me).then(|| monitoring_questions(f)),
            lsoa => f.map(|f| f.get("lsoa").to_owned()).unwrap_or_default(),
            postcode => f.map(|f| f.get("postcode").to_owned()).unwrap_or_default(),
            place => f.map(|f| f.get("place").to_owned()).unwrap_or_default(),
            places => equalis_app::engage::places(&p.project.footprint),
            joined => me.is_some(),
            public_csrf => csrf, err => error_map(errors), errors => error_views(errors),
        },
    )?;
    let status = form_status(errors);
    Ok(with_cookie(html(status, body), set))
}

/// `GET /engage/{id}/surveys/{sid}`: the survey's form.
pub(crate) async fn survey_form(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let p = load(&state, &id).await?;
    let s = load_survey(&state, &p, &sid).await?;
    let me = participant(&state, &headers, p.id).await?;
    survey_page(
        &state,
        &viewer,
        &headers,
        &p,
        &s,
        me.as_ref(),
        None,
        &FieldErrors::new(),
    )
}

/// `POST /engage/{id}/surveys/{sid}`: keeps a participant's response, once.
pub(crate) async fn survey_save(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    Path((id, sid)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let Posting {
        project: p,
        fields: f,
        me,
    } = match posting(&state, &headers, &connect, &id, form, Some(&limits::SURVEY)).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let s = load_survey(&state, &p, &sid).await?;
    let values: Vec<Vec<String>> = (0..s.survey.questions.len())
        .map(|i| f.all(&equalis_engage::question_field(i)))
        .collect();
    let response = s.survey.read_response(&values);
    // The monitoring questions, when asked, are read from the same form but kept with the
    // participant's monitoring, apart from the survey's responses.
    let monitoring = if asks_monitoring(&s, Some(&me)) {
        let ids: Vec<&str> = questions().iter().map(|q| q.id).collect();
        let values =
            f.0.iter()
                .filter(|(k, _)| ids.contains(&k.as_str()))
                .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
                .collect();
        Some(read_monitoring(&p, values, &f))
    } else {
        None
    };
    let (r, answers) = match (response, monitoring) {
        (Ok(r), None) => (r, None),
        (Ok(r), Some(Ok(a))) => (r, Some(a)),
        (r, m) => {
            let mut errors = r.err().unwrap_or_default();
            if let Some(Err(e)) = m {
                errors.0.extend(e.0);
            }
            return survey_page(
                &state,
                &viewer,
                &headers,
                &p,
                &s,
                Some(&me),
                Some(&f),
                &errors,
            );
        }
    };
    state.store().respond(&me, s.id, &r).await?;
    if let Some(answers) = answers {
        state.store().save_monitoring(me.id, &answers).await?;
    }
    Ok(Redirect::to(&format!("/engage/{}", p.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Moderation.

/// `GET /engage/{id}/moderation`: what waits for a moderator, and every idea's status.
pub(crate) async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    moderator(&viewer, &uri)?;
    let p = load(&state, &id).await?;
    let posts = state.store().posts(p.id).await?;
    let waiting: Vec<PostView> = posts
        .iter()
        .filter(|x| x.visibility.needs_moderator() || x.reports > 0)
        .map(post_view)
        .collect();
    let ideas: Vec<PostView> = posts
        .iter()
        .filter(|x| x.kind == PostKind::Idea && x.visibility != Visibility::Removed)
        .map(post_view)
        .collect();
    let statuses: Vec<Value> = IdeaStatus::ALL
        .iter()
        .map(|s| context! { value => s.as_str(), label => s.label() })
        .collect();
    render(
        "engage/moderation.html",
        context! {
            title => format!("Moderation: {}", p.project.title),
            account => account(&viewer),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(&p), waiting, ideas, statuses,
        },
    )
    .map(Html)
}

/// `POST /engage/{id}/posts/{post}/moderate`: approve or remove (`decision`, `reason`).
pub(crate) async fn moderate(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, post)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = moderator(&viewer, &uri)?;
    let f = staff_posted(&viewer, form)?;
    let p = load(&state, &id).await?;
    let decision = ModerationDecision::parse(f.get("decision"))
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let post = parse_id(&post)?;
    let found = state
        .store()
        .post(post)
        .await?
        .filter(|x| x.project_id == p.id);
    if found.is_none() {
        return Err(WebError::NotFound {
            what: format!("Project {} has no contribution {post}.", p.id),
            kind: "",
            valid: Vec::new(),
        });
    }
    state
        .store()
        .moderate(user, post, decision, f.get("reason"))
        .await?;
    Ok(Redirect::to(&format!("/engage/{}/moderation", p.id)).into_response())
}

/// `POST /engage/{id}/posts/{post}/status`: an idea's status and why.
pub(crate) async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, post)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = moderator(&viewer, &uri)?;
    let f = staff_posted(&viewer, form)?;
    let p = load(&state, &id).await?;
    let status =
        IdeaStatus::parse(f.get("status")).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let post = parse_id(&post)?;
    if state
        .store()
        .post(post)
        .await?
        .filter(|x| x.project_id == p.id)
        .is_none()
    {
        return Err(WebError::NotFound {
            what: format!("Project {} has no idea {post}.", p.id),
            kind: "",
            valid: Vec::new(),
        });
    }
    let update = StatusUpdate {
        status,
        reason: f.get("reason").to_owned(),
    };
    if let Err(e) = update.validate() {
        return Err(WebError::BadRequest(e.to_string()));
    }
    state.store().set_idea_status(user, post, &update).await?;
    Ok(Redirect::to(&format!("/engage/{}/moderation#idea-{post}", p.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Who is heard.

/// A published cell as the page shows it.
pub(crate) fn cell_text(c: &Publishable<Cell>, decimals: usize) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => format!("{v:.decimals$}"),
        Cell::Suppressed(s) => s.clone(),
        Cell::NotApplicable => String::new(),
    }
}

/// The characteristics and under-heard groups of a published who-is-heard, for the
/// `heard_tables` template macro.
pub(crate) fn heard_view(h: &equalis_engage::WhoIsHeard) -> (Vec<Value>, Vec<Value>) {
    let chars: Vec<Value> = h
        .characteristics
        .iter()
        .map(|c| {
            context! {
                key => c.key, label => c.label, source => c.source, withheld_whole => c.withheld_whole,
                stated => cell_text(&c.stated, 0), not_stated => cell_text(&c.not_stated, 0),
                groups => c.groups.iter().map(|g| context! {
                    group => g.group,
                    participants => cell_text(&g.participants, 0),
                    share => cell_text(&g.share, 1),
                    population_share => g.population_share.map(|s| format!("{s:.1}")),
                    ratio => cell_text(&g.ratio, 2),
                    lower => cell_text(&g.lower, 2),
                    upper => cell_text(&g.upper, 2),
                    under_heard => g.under_heard, over_heard => g.over_heard,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let under: Vec<Value> = h.under_heard.iter().map(|u| context! { characteristic => u.characteristic, group => u.group, ratio => cell_text(&u.ratio, 2), upper => cell_text(&u.upper, 2) }).collect();
    (chars, under)
}

/// `GET /engage/{id}/heard`: participants by characteristic against the footprint (staff).
pub(crate) async fn heard(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    viewer.require_user(&uri.to_string())?;
    let p = load(&state, &id).await?;
    let (n, answers) = state.store().monitoring_answers(p.id).await?;
    let icb = p.project.footprint.clone();
    // The reference data is parsed on first use (a second or so): off the async workers.
    let h =
        tokio::task::spawn_blocking(move || equalis_app::engage::who_is_heard(&icb, n, &answers))
            .await
            .map_err(WebError::internal)?
            .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let (chars, under) = heard_view(&h);
    render(
        "engage/heard.html",
        context! {
            title => format!("Who is heard: {}", p.project.title),
            account => account(&viewer),
            breadcrumbs => [context! { label => p.project.title, href => format!("/engage/{}", p.id) }],
            project => project_view(&p),
            participants => cell_text(&h.participants, 0),
            characteristics => chars, under_heard => under,
        },
    )
    .map(Html)
}

// ---------------------------------------------------------------------------------------
// Export.

/// `GET /engage/{id}/contributions.csv`.
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    export(&state, &viewer, &uri, &id, ExportFormat::Csv).await
}

/// `GET /engage/{id}/contributions.xlsx`.
pub(crate) async fn export_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    export(&state, &viewer, &uri, &id, ExportFormat::Xlsx).await
}

/// Every contribution (moderators), participants' emails only for admins, audited
/// (`equalis_app::engage_export`).
async fn export(
    state: &AppState,
    viewer: &Viewer,
    uri: &Uri,
    id: &str,
    format: ExportFormat,
) -> Result<Response, WebError> {
    let user = moderator(viewer, uri)?;
    let p = load(state, id).await?;
    let e = equalis_app::engage_export::contributions(state.store(), user, &p, format)
        .await
        .map_err(|e| match e.kind {
            equalis_app::ErrorKind::Fault => WebError::internal(e),
            _ => WebError::BadRequest(e.message),
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", e.filename),
            ),
        ],
        e.bytes,
    )
        .into_response())
}
