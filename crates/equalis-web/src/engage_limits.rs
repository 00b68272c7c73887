//! The rate limits of the public's engagement actions, in one place: each action is counted
//! per client address and per participant (the public's account: the participant cookie of a
//! project) in a window of [`WINDOW_MINUTES`], in the store (`Store::engage_rate_allowed`, keys
//! hashed). `docs/ENGAGEMENT.md` lists the same numbers; a test below checks it against
//! [`ALL`].

use minijinja::context;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::SignedDuration;

use crate::error::WebError;
use crate::state::AppState;
use crate::templates::render;

/// The window every limit counts over (the 429 page and its `Retry-After` say the same).
pub(crate) const WINDOW_MINUTES: i64 = 10;

/// The rate limits of one kind of participant action: per client address and, when `Some`, per
/// participant, in a window of [`WINDOW_MINUTES`].
#[derive(Debug)]
pub(crate) struct Limits {
    /// The action's name, the first part of the store's scope (`post:ip`).
    pub(crate) action: &'static str,
    /// What the action is, as the 429 page and the documentation name it.
    pub(crate) what: &'static str,
    pub(crate) per_ip: u32,
    pub(crate) per_participant: Option<u32>,
}

/// Signing up: there is no participant yet, so by address only (a second sign-up by the same
/// email or nickname in a project is refused by the store).
pub(crate) const JOIN: Limits = Limits {
    action: "join",
    what: "Sign-ups to a project",
    per_ip: 20,
    per_participant: None,
};
/// Ideas, discussions and replies.
pub(crate) const POST: Limits = Limits {
    action: "post",
    what: "Ideas, discussions and replies",
    per_ip: 30,
    per_participant: Some(10),
};
/// Supports and reports.
pub(crate) const REACT: Limits = Limits {
    action: "react",
    what: "Supports and reports",
    per_ip: 120,
    per_participant: Some(60),
};
/// Survey answers: by address only, since the store takes one response per participant and
/// survey (a second is refused), which bounds what one participant can send.
pub(crate) const SURVEY: Limits = Limits {
    action: "survey",
    what: "Survey responses",
    per_ip: 30,
    per_participant: None,
};

/// Every limit, in the order `docs/ENGAGEMENT.md` lists them.
#[cfg(test)]
pub(crate) const ALL: [&Limits; 4] = [&JOIN, &POST, &REACT, &SURVEY];

impl Limits {
    /// Counts one action from `ip` (and `participant`, when this action is limited per
    /// participant) against the limits; `Err` is the 429 page to send instead.
    pub(crate) async fn check(
        &self,
        state: &AppState,
        ip: String,
        participant: Option<i64>,
    ) -> Result<(), Response> {
        let mut checks = vec![("ip", ip, self.per_ip)];
        if let (Some(n), Some(id)) = (self.per_participant, participant) {
            checks.push(("participant", id.to_string(), n));
        }
        limit(state, self, &checks).await
    }
}

/// Counts an action of `limits` against each of `checks` (scope, key, most allowed); `Err` is
/// a 429 page.
async fn limit(
    state: &AppState,
    limits: &Limits,
    checks: &[(&str, String, u32)],
) -> Result<(), Response> {
    let window = SignedDuration::from_mins(WINDOW_MINUTES);
    for (scope, key, max) in checks {
        let scope = format!("{}:{scope}", limits.action);
        match state
            .store()
            .engage_rate_allowed(&scope, key, *max, window)
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                let body = render(
                    "engage/limit.html",
                    context! {
                        title => "Too many requests",
                        what => limits.what.to_lowercase(),
                        minutes => WINDOW_MINUTES,
                    },
                )
                .unwrap_or_else(|_| "Too many requests".into());
                let mut r = (StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(WINDOW_MINUTES * 60));
                return Err(r);
            }
            Err(e) => return Err(WebError::from(e).into_response()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/ENGAGEMENT.md` has a row for each limit with its numbers, and names the window.
    #[test]
    fn the_engagement_doc_lists_these_limits() {
        let doc = include_str!("../../../docs/ENGAGEMENT.md");
        for l in ALL {
            let per_participant = l
                .per_participant
                .map_or_else(|| "none".to_owned(), |n| n.to_string());
            let row = format!(
                "| {} | `{}` | {} | {} |",
                l.what, l.action, l.per_ip, per_participant
            );
            assert!(
                doc.contains(&row),
                "docs/ENGAGEMENT.md lacks the row `{row}`"
            );
        }
        assert!(doc.contains(&format!("{WINDOW_MINUTES} minutes")));
    }
}
