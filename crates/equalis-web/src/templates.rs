//! The page templates, compiled into the binary, and what they are given.
//!
//! minijinja escapes every value in an `.html` template; the only unescaped output is the SVG
//! of `equalis-report`'s charts, which that crate builds with its text escaped.

use std::sync::LazyLock;

use minijinja::{Environment, Value, context};
use serde::Serialize;

use crate::auth::Viewer;
use crate::error::WebError;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_formatter(html_formatter);
    for (name, source) in [
        ("layout.html", include_str!("../templates/layout.html")),
        ("macros.html", include_str!("../templates/macros.html")),
        ("login.html", include_str!("../templates/login.html")),
        ("error.html", include_str!("../templates/error.html")),
        ("home.html", include_str!("../templates/home.html")),
        (
            "indicators.html",
            include_str!("../templates/indicators.html"),
        ),
        (
            "indicator.html",
            include_str!("../templates/indicator.html"),
        ),
        ("page.html", include_str!("../templates/page.html")),
        ("audit.html", include_str!("../templates/audit.html")),
        ("tokens.html", include_str!("../templates/tokens.html")),
        (
            "workforce.html",
            include_str!("../templates/workforce.html"),
        ),
        (
            "workforce_return.html",
            include_str!("../templates/workforce_return.html"),
        ),
        (
            "waiting_list.html",
            include_str!("../templates/waiting_list.html"),
        ),
        (
            "registration_gap.html",
            include_str!("../templates/registration_gap.html"),
        ),
        ("panel.html", include_str!("../templates/panel.html")),
        (
            "board_pack.html",
            include_str!("../templates/board_pack.html"),
        ),
        (
            "decisions/forms.html",
            include_str!("../templates/decisions/forms.html"),
        ),
        (
            "decisions/view.html",
            include_str!("../templates/decisions/view.html"),
        ),
        (
            "decisions/index.html",
            include_str!("../templates/decisions/index.html"),
        ),
        (
            "decisions/decision_form.html",
            include_str!("../templates/decisions/decision_form.html"),
        ),
        (
            "decisions/decision.html",
            include_str!("../templates/decisions/decision.html"),
        ),
        (
            "decisions/public.html",
            include_str!("../templates/decisions/public.html"),
        ),
        (
            "decisions/part.html",
            include_str!("../templates/decisions/part.html"),
        ),
        (
            "decisions/sign.html",
            include_str!("../templates/decisions/sign.html"),
        ),
        (
            "directory/search/index.html",
            include_str!("../templates/directory/search/index.html"),
        ),
        (
            "directory/search/service.html",
            include_str!("../templates/directory/search/service.html"),
        ),
        (
            "engage/index.html",
            include_str!("../templates/engage/index.html"),
        ),
        (
            "engage/project_form.html",
            include_str!("../templates/engage/project_form.html"),
        ),
        (
            "engage/project.html",
            include_str!("../templates/engage/project.html"),
        ),
        (
            "engage/monitoring.html",
            include_str!("../templates/engage/monitoring.html"),
        ),
        (
            "engage/survey.html",
            include_str!("../templates/engage/survey.html"),
        ),
        (
            "engage/moderation.html",
            include_str!("../templates/engage/moderation.html"),
        ),
        (
            "engage/heard.html",
            include_str!("../templates/engage/heard.html"),
        ),
        (
            "engage/limit.html",
            include_str!("../templates/engage/limit.html"),
        ),
        (
            "engage/heard_tables.html",
            include_str!("../templates/engage/heard_tables.html"),
        ),
        (
            "panel_heard.html",
            include_str!("../templates/panel_heard.html"),
        ),
        (
            "engage/monitoring_fields.html",
            include_str!("../templates/engage/monitoring_fields.html"),
        ),
        (
            "engage/survey_new.html",
            include_str!("../templates/engage/survey_new.html"),
        ),
        (
            "engage/survey_results.html",
            include_str!("../templates/engage/survey_results.html"),
        ),
        (
            "decisions/evidence.html",
            include_str!("../templates/decisions/evidence.html"),
        ),
        (
            "decisions/print.html",
            include_str!("../templates/decisions/print.html"),
        ),
        (
            "directory/edit/list.html",
            include_str!("../templates/directory/edit/list.html"),
        ),
        (
            "directory/edit/form.html",
            include_str!("../templates/directory/edit/form.html"),
        ),
        (
            "directory/edit/stale.html",
            include_str!("../templates/directory/edit/stale.html"),
        ),
        (
            "assurance/objectives.html",
            include_str!("../templates/assurance/objectives.html"),
        ),
        (
            "assurance/objective_form.html",
            include_str!("../templates/assurance/objective_form.html"),
        ),
        (
            "assurance/measure_form.html",
            include_str!("../templates/assurance/measure_form.html"),
        ),
        (
            "assurance/figures.html",
            include_str!("../templates/assurance/figures.html"),
        ),
        (
            "assurance/eds.html",
            include_str!("../templates/assurance/eds.html"),
        ),
        (
            "assurance/report_edit.html",
            include_str!("../templates/assurance/report_edit.html"),
        ),
        (
            "assurance/section_form.html",
            include_str!("../templates/assurance/section_form.html"),
        ),
        (
            "assurance/eds_cover.html",
            include_str!("../templates/assurance/eds_cover.html"),
        ),
        (
            "assurance/eds_third_parties.html",
            include_str!("../templates/assurance/eds_third_parties.html"),
        ),
        (
            "assurance/eds_completed.html",
            include_str!("../templates/assurance/eds_completed.html"),
        ),
        (
            "assurance/eds_actions.html",
            include_str!("../templates/assurance/eds_actions.html"),
        ),
    ] {
        // The templates are part of the binary: one that does not parse is caught by the
        // tests, which render every page.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!("template {name} does not parse: {e}");
        }
    }
    env
});

/// minijinja's formatter, escaping strings in HTML templates by the five characters that
/// matter (`& < > " '`) rather than also `/`, so that paths and periods (`2025/26`) read as
/// written in the page source and in tests.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if !value.is_safe() && state.auto_escape() == minijinja::AutoEscape::Html => {
            let mut escaped = String::with_capacity(s.len());
            for c in s.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            })
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// The signed-in person as the header shows them.
#[derive(Debug, Serialize)]
pub(crate) struct Account {
    name: String,
    role: &'static str,
    csrf_token: String,
}

/// What the layout needs about who is asking.
pub(crate) fn account(viewer: &Viewer) -> Option<Account> {
    let user = viewer.user.as_ref()?;
    Some(Account {
        name: user.display_name.clone(),
        role: user.role.name(),
        // Only a browser session has forms to sign out with.
        csrf_token: viewer
            .session
            .as_ref()
            .map(|s| s.csrf_token().to_owned())
            .unwrap_or_default(),
    })
}

/// Renders a template; a failure is a fault in equalis.
pub(crate) fn render(name: &str, ctx: Value) -> Result<String, WebError> {
    TEMPLATES
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| WebError::internal(format!("rendering {name}: {e:#}")))
}

/// A page: `body` (main content rendered apart, often kept in the results version's cache)
/// inside the layout for `viewer`.
///
/// The layout is rendered around a marker and the body put in its place, so a kept body
/// (the list of indicators is hundreds of kilobytes) is copied once, not passed through the
/// template engine on every request.
pub(crate) fn page(
    viewer: &Viewer,
    title: &str,
    breadcrumbs: &[Crumb],
    body: &[u8],
) -> Result<Vec<u8>, WebError> {
    const MARKER: &str = "\u{0}equalis-body\u{0}";
    let layout = render(
        "page.html",
        context! {
            title,
            account => account(viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs,
            body => Value::from_safe_string(MARKER.to_owned()),
        },
    )?;
    let (head, tail) = layout
        .split_once(MARKER)
        .ok_or_else(|| WebError::internal("page.html lost the body's place"))?;
    let mut out = Vec::with_capacity(head.len() + body.len() + tail.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(tail.as_bytes());
    Ok(out)
}

/// A link in the breadcrumbs.
#[derive(Debug, Serialize)]
pub(crate) struct Crumb {
    pub label: &'static str,
    pub href: &'static str,
}

/// The sign-in page.
pub(crate) fn login_page(
    csrf_token: &str,
    next: &str,
    email: &str,
    error: Option<&str>,
) -> Result<String, WebError> {
    render(
        "login.html",
        context! { csrf_token, next, email, error, title => "Sign in" },
    )
}

/// An error page. It cannot fail: if the template does, a plain page says the same.
pub(crate) fn error_page(e: &WebError) -> String {
    let (kind, valid) = e.valid().unwrap_or(("", &[]));
    let ctx = context! {
        title => e.title(),
        status => e.status().as_u16(),
        message => e.message(),
        valid_kind => kind,
        valid => valid,
    };
    TEMPLATES
        .get_template("error.html")
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|err| {
            tracing::error!("rendering the error page failed: {err:#}");
            format!(
                "<!DOCTYPE html><html lang=\"en\"><head><title>{0}</title></head><body><h1>{0}</h1></body></html>",
                e.title()
            )
        })
}
#[cfg(test)]
mod tests {
    /// The grid form heads the protected characteristics and the PLUS groups once each
    /// (a template error here is a 500 on the page, so it is checked where it is made).
    #[test]
    fn the_grid_form_renders_with_both_headings() {
        let ctx = minijinja::context! { account => minijinja::context!{ csrf_token => "x" }, part => "grid", subjects => vec![minijinja::context!{ id => "age", label => "Age", protected => true }, minijinja::context!{ id => "carers", label => "Carers", protected => false, first_plus => true }], dimensions => vec![minijinja::context!{ value => "access", label => "Access"}], impacts => vec![minijinja::context!{ value => "positive", label => "Positive"}], v => std::collections::BTreeMap::<String,String>::new(), err => std::collections::BTreeMap::<String,String>::new(), errors => Vec::<String>::new(), decision => minijinja::context!{ id => 1, title => "t"}, breadcrumbs => vec![minijinja::context!{label => "x", href => "/"}] };
        let r = super::TEMPLATES
            .get_template("decisions/part.html")
            .and_then(|t| t.render(ctx));
        let page = r.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(
            page.matches("<h2>Protected characteristics</h2>").count(),
            1
        );
        assert_eq!(
            page.matches("<h2>Inclusion health and PLUS groups</h2>")
                .count(),
            1
        );
    }
}
