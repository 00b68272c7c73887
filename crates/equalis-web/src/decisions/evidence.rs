//! `/decisions/{id}/v/{n}/evidence`: evidence drawn from the data (issue 13, item 4). The
//! author chooses the population (the whole ICS or a place) and ticks the published figures
//! they relied on; each ticked figure is copied into the draft as it is shown, and signing
//! the version freezes it (a signed version cannot be edited), so a later compute changes
//! what a new draft is offered, never what a signed assessment relied on.
//!
//! The figures come only from the published view: the results cache's published rows
//! ([`crate::results::Snapshot::published_all`]) and the workforce headlines built by the
//! workforce [`Publisher`](equalis_app::workforce::Publisher). Which breakdown speaks to which
//! group is `equalis_assess::evidence`'s; the lookup is `equalis_app::evidence`'s.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use equalis_app::evidence::Offered;
use equalis_assess::{
    AssessError, Capacity, Evidence, EvidenceFigure, FieldErrors, Status, evidence::MAX_FIGURES,
};
use equalis_store::StoreError;
use minijinja::{Value, context};

use super::{
    Fields, Posted, error_map, error_views, html, load_decision, load_version, parse_id,
    parse_version, posted, require, see_other,
};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;
use crate::templates::{account, render};

/// What the data offers a draft: figures by group, the staff figures, and the places.
struct Offer {
    groups: Vec<Offered>,
    staff: Vec<EvidenceFigure>,
    places: Vec<String>,
    /// Why there are no results figures at all, if so.
    no_results: bool,
}

impl Offer {
    fn find(&self, key: &str) -> Option<&EvidenceFigure> {
        self.groups
            .iter()
            .flat_map(|g| &g.figures)
            .chain(&self.staff)
            .find(|f| f.key == key)
    }
}

async fn offer(
    state: &AppState,
    doc: &equalis_assess::Assessment,
    area: &str,
) -> Result<Offer, WebError> {
    let subjects: Vec<_> = doc.screening.groups.iter().copied().collect();
    let snapshot = state.results().get(state.workspace()).await?;
    let (groups, places) = match &snapshot {
        Some(s) => (
            equalis_app::evidence::results_figures(
                s.published_all(),
                &s.metadata,
                &s.version,
                &subjects,
                area,
            ),
            equalis_app::evidence::places(s.published_all()),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let staff = if doc.screening.affects_staff == Some(true) {
        match crate::workforce::headlines(state).await?.as_ref() {
            Some(h) => equalis_app::evidence::workforce_figures(h),
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(Offer {
        groups,
        staff,
        places,
        no_results: snapshot.is_none(),
    })
}

fn figure_view(f: &EvidenceFigure, checked: bool) -> Value {
    context! {
        key => f.key,
        measure => f.measure,
        group => f.group,
        value => f.value,
        interval => f.interval,
        period => f.period,
        data_date => f.data_date,
        checked,
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    viewer: &Viewer,
    d: &equalis_store::StoredDecision,
    n: u32,
    area: &str,
    offer: &Offer,
    stored: &Evidence,
    ticked: &BTreeSet<String>,
    errors: &FieldErrors,
) -> Result<String, WebError> {
    let groups: Vec<Value> = offer
        .groups
        .iter()
        .map(|g| {
            context! {
                id => g.subject.id(),
                label => g.subject.label(),
                held => !g.breakdowns.is_empty(),
                figures => g.figures.iter().map(|f| figure_view(f, ticked.contains(&f.key))).collect::<Vec<_>>(),
            }
        })
        .collect();
    let staff: Vec<Value> = offer
        .staff
        .iter()
        .map(|f| figure_view(f, ticked.contains(&f.key)))
        .collect();
    // Figures relied on that the current data no longer offers (a newer compute, another
    // place): kept, with the values they had, unless unticked.
    let kept: Vec<Value> = stored
        .figures
        .iter()
        .filter(|f| offer.find(&f.key).is_none())
        .map(|f| figure_view(f, ticked.contains(&f.key)))
        .collect();
    render(
        "decisions/evidence.html",
        context! {
            title => format!("Evidence from the data: {}", d.decision.title),
            account => account(viewer),
            breadcrumbs => [
                context! { label => "Decisions", href => "/decisions" },
                context! { label => d.decision.title, href => format!("/decisions/{}", d.id) },
            ],
            decision => context! { id => d.id, title => d.decision.title },
            version => n,
            action => format!("/decisions/{}/v/{n}/evidence", d.id),
            area,
            places => offer.places,
            no_results => offer.no_results,
            no_groups => offer.groups.is_empty(),
            groups,
            staff,
            kept,
            errors => error_views(errors, |_| String::new()),
            err => error_map(errors),
        },
    )
}

/// `GET /decisions/{id}/v/{n}/evidence?area=`: the published figures for the draft's groups
/// in the population chosen (authors, drafts only).
pub(crate) async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    require(&viewer, &uri, Capacity::Author)?;
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    if v.version.status() != Status::Draft {
        return Ok(see_other(&format!("/decisions/{id}")));
    }
    let stored = &v.version.document().evidence;
    let area = q
        .get("area")
        .map_or(stored.area.as_str(), String::as_str)
        .trim()
        .to_owned();
    let offer = offer(&state, v.version.document(), &area).await?;
    if !area.is_empty() && !offer.places.contains(&area) {
        return Err(WebError::BadRequest(format!(
            "`{area}` is not a place the results break figures down by; choose one of: {}.",
            offer.places.join(", ")
        )));
    }
    let ticked = stored.figures.iter().map(|f| f.key.clone()).collect();
    let body = page(
        &viewer,
        &d,
        n,
        &area,
        &offer,
        stored,
        &ticked,
        &FieldErrors::new(),
    )?;
    Ok(html(StatusCode::OK, body))
}

/// The evidence the form posts: each ticked figure as the data shows it now, or as the draft
/// kept it when the data no longer offers it; a key neither knows is refused by field.
fn evidence_of(fields: &Fields, offer: &Offer, stored: &Evidence) -> (Evidence, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut figures = Vec::new();
    let mut seen = BTreeSet::new();
    let ticked = fields.all("figure");
    if ticked.len() > MAX_FIGURES {
        errors.push(
            "evidence-figures",
            format!(
                "Rely on at most {MAX_FIGURES} figures; {} are ticked",
                ticked.len()
            ),
        );
        return (stored.clone(), errors);
    }
    for key in ticked {
        if !seen.insert(key.clone()) {
            continue;
        }
        match offer.find(&key).or_else(|| stored.figure(&key)) {
            Some(f) => figures.push(f.clone()),
            None => errors.push(
                "evidence-figures",
                format!("The figure `{key}` is not in the published data; untick it"),
            ),
        }
    }
    (
        Evidence {
            area: fields.get("area").trim().to_owned(),
            figures,
        },
        errors,
    )
}

/// `POST /decisions/{id}/v/{n}/evidence`: keeps the ticked figures in the draft.
pub(crate) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path((id, n)): Path<(String, String)>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri, Capacity::Author)?;
    let (id, n) = (parse_id(&id)?, parse_version(&n)?);
    let fields = posted(&viewer, form)?;
    let d = load_decision(&state, id).await?;
    let v = load_version(&state, id, n).await?;
    let stored = v.version.document().evidence.clone();
    let area = fields.get("area").trim().to_owned();
    let offer = offer(&state, v.version.document(), &area).await?;
    let (evidence, mut errors) = if !area.is_empty() && !offer.places.contains(&area) {
        let mut e = FieldErrors::new();
        e.push(
            "area",
            format!("`{area}` is not a place the results break figures down by"),
        );
        (stored.clone(), e)
    } else {
        evidence_of(&fields, &offer, &stored)
    };
    if errors.is_empty() {
        let mut doc = v.version.document().clone();
        doc.evidence = evidence;
        match state.store().save_assessment(user, id, n, doc).await {
            Ok(_) => return Ok(see_other(&format!("/decisions/{id}"))),
            Err(StoreError::Assessment(AssessError::Invalid(e))) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let ticked: BTreeSet<String> = fields.all("figure").into_iter().collect();
    let body = page(&viewer, &d, n, &area, &offer, &stored, &ticked, &errors)?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
}
