//! Impact assessments through HTTP: the whole workflow from a new decision to a published,
//! signed assessment the public reads, with every refusal on the way (incomplete answers,
//! an incomplete sign-off, a reviewer signing their own, an author changing a signed
//! version, the public reading a draft) and the audit trail it leaves.

use axum::http::{StatusCode, header};
use equalis_assess::Subject;
use equalis_store::{Actor, Role, audit::action};

use crate::fixture::{App, Reply, Who, email_of, enc};

/// The CSRF token in a page's forms.
fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + 64].to_owned()
}

fn form(token: &str, pairs: &[(String, String)]) -> String {
    let mut out = format!("csrf_token={token}");
    for (k, v) in pairs {
        out.push_str(&format!("&{}={}", enc(k), enc(v)));
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn location(reply: &Reply) -> &str {
    reply.header(header::LOCATION).unwrap_or("")
}

/// Every answer of the grid: neutral access, positive experience, unknown outcomes with
/// evidence, and a negative impact on carers' access with its mitigation.
fn grid_answers() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in Subject::ALL {
        let id = s.id();
        let access = if id == "carers" {
            "negative"
        } else {
            "neutral"
        };
        out.push((format!("grid-{id}-access"), access.to_owned()));
        out.push((format!("grid-{id}-experience"), "positive".to_owned()));
        out.push((format!("grid-{id}-outcomes"), "unknown".to_owned()));
        out.push((
            format!("grid-{id}-evidence"),
            format!("Published waiting-list figures for {}", s.label()),
        ));
        out.push((format!("grid-{id}-engagement"), String::new()));
        let mitigation = if id == "carers" {
            "Evening appointments two days a week"
        } else {
            ""
        };
        out.push((format!("grid-{id}-mitigation"), mitigation.to_owned()));
    }
    out
}

struct Session<'a> {
    app: &'a App,
    who: Who,
}

impl Session<'_> {
    /// Fetches `page` for its CSRF token and posts `fields` to `to`.
    async fn post(&self, page: &str, to: &str, fields: &[(String, String)]) -> Reply {
        let got = self.app.get(page, &self.who).await;
        assert_eq!(got.status, StatusCode::OK, "GET {page}: {}", got.body);
        let token = csrf(&got.body);
        self.app
            .post_form(to, &self.who, &[], &form(&token, fields))
            .await
    }
}

/// Issue 13's "Done when", end to end through HTTP: an author records a decision, screens it,
/// answers the full assessment, relies on evidence drawn from the published data, writes the
/// mitigations and actions, and submits; the reviewer (never the author) signs with the
/// Brown checklist; it is published; the public read the page and the tagged PDF; and the
/// audit log holds every step and every refusal on the way, its chain intact.
#[tokio::test]
async fn a_decision_goes_from_screening_to_a_published_signed_assessment() {
    let app = App::new(false).await;
    let author = Session {
        app: &app,
        who: app.as_role(Role::EdiLead).await,
    };

    // A decision with a missing title: the error beside the field, the rest kept.
    let decision = pairs(&[
        ("title", ""),
        ("summary", "Close on Sundays & open later on weekdays"),
        ("owner", "Director of operations"),
        ("organisation", "QK1"),
        ("stage", "consultation"),
    ]);
    let refused = author.post("/decisions/new", "/decisions", &decision).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("There is a problem"));
    assert!(
        refused
            .body
            .contains("<a href=\"#title\">Enter a title</a>"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"title-error\""));
    assert!(
        refused
            .body
            .contains("Close on Sundays &amp; open later on weekdays")
    );
    assert!(refused.body.contains("value=\"consultation\" checked"));

    let mut decision = decision;
    decision[0].1 = "Weekend opening of the Wigston minor injuries unit".into();
    let made = author.post("/decisions/new", "/decisions", &decision).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(location(&made), "/decisions/1");

    // The public cannot see a decision without a published assessment.
    let anonymous = app.get("/decisions/1", &Who::Anonymous).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/login"));

    let started = author
        .post("/decisions/1", "/decisions/1/assessment", &[])
        .await;
    assert_eq!(location(&started), "/decisions/1/v/1/screening");

    let screening = pairs(&[
        ("screening-affects_patients", "yes"),
        ("screening-affects_staff", "no"),
        ("screening-affects_public", "yes"),
        ("screening-groups", "carers"),
        ("screening-groups", "age"),
        ("screening-groups", "race"),
        ("screening-full_assessment", "yes"),
        ("screening-reason", "Changes when patients can be seen"),
    ]);
    let saved = author
        .post(
            "/decisions/1/v/1/screening",
            "/decisions/1/v/1/screening",
            &screening,
        )
        .await;
    assert_eq!(location(&saved), "/decisions/1/v/1/grid", "{}", saved.body);
    let again = app.get("/decisions/1/v/1/screening", &author.who).await;
    assert!(
        again.body.contains("value=\"carers\" checked"),
        "the groups are kept"
    );

    // Submitted with the grid unanswered: each missing answer, linked to its field.
    let early = author
        .post("/decisions/1", "/decisions/1/v/1/submit", &[])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .body
            .contains("href=\"/decisions/1/v/1/grid?check=1#grid-age-access\""),
        "{}",
        early.body
    );
    let check = app.get("/decisions/1/v/1/grid?check=1", &author.who).await;
    assert!(check.body.contains("id=\"grid-age-access-error\""));

    let grid = author
        .post(
            "/decisions/1/v/1/grid",
            "/decisions/1/v/1/grid",
            &grid_answers(),
        )
        .await;
    assert_eq!(location(&grid), "/decisions/1/v/1/actions", "{}", grid.body);

    // Evidence drawn from the published data for the groups screened in: the author relies
    // on the Black group's SMI health checks.
    let evidence = app.get("/decisions/1/v/1/evidence", &author.who).await;
    assert_eq!(evidence.status, StatusCode::OK, "{}", evidence.body);
    assert!(
        evidence
            .body
            .contains("SMI physical health checks · Ethnic group: Black: <strong>30.0%</strong>"),
        "{}",
        evidence.body
    );
    let black = unescape(&figure_key(
        &evidence.body,
        "smi_health_check|2025/26|ethnic_group|Black",
    ));
    let ticked = author
        .post(
            "/decisions/1/v/1/evidence",
            "/decisions/1/v/1/evidence",
            &[
                ("area".to_owned(), String::new()),
                ("figure".to_owned(), black),
            ],
        )
        .await;
    assert_eq!(location(&ticked), "/decisions/1", "{}", ticked.body);

    // A date that is not a date: refused beside its field, everything typed kept.
    let mut actions = pairs(&[
        ("action-0-description", "Offer evening appointments"),
        ("action-0-owner", "Service manager"),
        ("action-0-due-day", "31"),
        ("action-0-due-month", "2"),
        ("action-0-due-year", "2027"),
        ("action-1-description", ""),
        ("action-1-owner", ""),
        ("review_due-day", "30"),
        ("review_due-month", "6"),
        ("review_due-year", "2027"),
    ]);
    let bad = author
        .post(
            "/decisions/1/v/1/actions",
            "/decisions/1/v/1/actions",
            &actions,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("The date the action is due must be a real date")
    );
    assert!(bad.body.contains("Offer evening appointments"));
    assert!(
        bad.body
            .contains("name=\"action-0-due-day\" type=\"text\" inputmode=\"numeric\" value=\"31\"")
    );
    actions[2].1 = "28".into();
    let ok = author
        .post(
            "/decisions/1/v/1/actions",
            "/decisions/1/v/1/actions",
            &actions,
        )
        .await;
    assert_eq!(location(&ok), "/decisions/1", "{}", ok.body);

    let submitted = author
        .post("/decisions/1", "/decisions/1/v/1/submit", &[])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );

    // The author, since made a reviewer, cannot sign their own.
    app.store
        .set_role(&Actor::System, email_of(Role::EdiLead), Role::Reviewer)
        .await
        .expect("role");
    let turned = Session {
        app: &app,
        who: Who::Cookie(app.sign_in(email_of(Role::EdiLead)).await),
    };
    let page = app.get("/decisions/1", &turned.who).await;
    assert!(page.body.contains("another reviewer must sign it off"));
    let all_brown: Vec<(String, String)> = equalis_assess::BROWN_PRINCIPLES
        .iter()
        .map(|(id, _)| ("brown".to_owned(), (*id).to_owned()))
        .chain([("outcome".to_owned(), "sign".to_owned())])
        .collect();
    let own = turned
        .post("/decisions/1/v/1/sign", "/decisions/1/v/1/sign", &all_brown)
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);

    // A reviewer's incomplete checklist: the missing principle named, the ticks kept.
    let reviewer = Session {
        app: &app,
        who: app.as_role(Role::Reviewer).await,
    };
    let partial = pairs(&[
        ("brown", "before_decision"),
        ("comment", "Thorough"),
        ("outcome", "sign"),
    ]);
    let incomplete = reviewer
        .post("/decisions/1/v/1/sign", "/decisions/1/v/1/sign", &partial)
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(incomplete.body.contains("href=\"#brown-non_delegable\""));
    assert!(
        incomplete
            .body
            .contains("value=\"before_decision\" checked")
    );
    assert!(incomplete.body.contains(">Thorough</textarea>"));

    let signed = reviewer
        .post("/decisions/1/v/1/sign", "/decisions/1/v/1/sign", &all_brown)
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);

    // A signed version cannot be changed, even by a form fetched before it was signed.
    let analyst = Session {
        app: &app,
        who: app.as_role(Role::Analyst).await,
    };
    let page = app.get("/decisions/1", &analyst.who).await;
    let token = csrf(&page.body);
    let change = app
        .post_form(
            "/decisions/1/v/1/grid",
            &analyst.who,
            &[],
            &form(&token, &grid_answers()),
        )
        .await;
    assert_eq!(change.status, StatusCode::CONFLICT, "{}", change.body);
    assert!(change.body.contains("cannot be changed"));

    // Still not public until published.
    assert_eq!(
        app.get("/decisions/1/v/1", &Who::Anonymous).await.status,
        StatusCode::SEE_OTHER
    );
    let published = analyst
        .post("/decisions/1", "/decisions/1/v/1/publish", &[])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );

    let public = app.get("/decisions/1", &Who::Anonymous).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public
            .body
            .contains("Weekend opening of the Wigston minor injuries unit")
    );
    assert!(public.body.contains("Signed off by"));
    assert!(public.body.contains("Evening appointments two days a week"));
    // The evidence relied on, as it was at sign-off, with its date.
    assert!(
        public
            .body
            .contains("<td class=\"nhsuk-table__cell\">30.0%</td>"),
        "{}",
        public.body
    );
    assert!(public.body.contains("results v1, computed 1 April 2026"));
    // The public read the signed assessment as a tagged PDF too.
    check_pdf(
        &app,
        "/decisions/1/v/1.pdf",
        "Weekend opening of the Wigston minor injuries unit",
    )
    .await;
    assert!(
        !public.body.contains("csrf_token"),
        "no forms for the public"
    );
    let list = app.get("/decisions", &Who::Anonymous).await;
    assert!(list.body.contains("href=\"/decisions/1\""));
    let csv = app.get("/decisions.csv", &Who::Anonymous).await;
    assert!(
        csv.body.starts_with("decision,title,organisation"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",Published,"), "{}", csv.body);
    assert!(
        !csv.body.contains("negative_impact"),
        "the public CSV hides drafting detail"
    );

    // A new version starts from the signed one; the public still read version 1.
    let next = analyst
        .post("/decisions/1", "/decisions/1/assessment", &[])
        .await;
    assert_eq!(location(&next), "/decisions/1/v/2/screening");
    let public = app.get("/decisions/1", &Who::Anonymous).await;
    assert!(public.body.contains("1: Published"));
    assert_eq!(
        app.get("/decisions/1/v/2", &Who::Anonymous).await.status,
        StatusCode::SEE_OTHER,
        "the public cannot read the new draft"
    );

    // Every step, by whom, in the audit log.
    let entries = app.store.audit_entries(0, 1000).await.expect("audit");
    let steps: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.subject == "decision:1")
        .map(|e| (e.action.clone(), e.actor.clone()))
        .collect();
    let user = |r: Role| format!("user:{}", email_of(r));
    let want: Vec<(String, String)> = [
        (action::DECISION_CREATED, user(Role::EdiLead)),
        (action::ASSESSMENT_STARTED, user(Role::EdiLead)),
        (action::ASSESSMENT_SAVED, user(Role::EdiLead)),
        (action::ASSESSMENT_SAVED, user(Role::EdiLead)),
        (action::ASSESSMENT_SAVED, user(Role::EdiLead)),
        (action::ASSESSMENT_SAVED, user(Role::EdiLead)),
        (action::ASSESSMENT_SUBMITTED, user(Role::EdiLead)),
        (action::ASSESSMENT_REFUSED, user(Role::EdiLead)),
        (action::ASSESSMENT_SIGNED, user(Role::Reviewer)),
        (action::ASSESSMENT_REFUSED, user(Role::Analyst)),
        (action::ASSESSMENT_REFUSED, "anonymous".to_owned()),
        (action::ASSESSMENT_PUBLISHED, user(Role::Analyst)),
        (action::ASSESSMENT_STARTED, user(Role::Analyst)),
        (action::ASSESSMENT_REFUSED, "anonymous".to_owned()),
    ]
    .into_iter()
    .map(|(a, u)| (a.to_owned(), u))
    .collect();
    assert_eq!(steps, want);
    // Each refusal says what was tried and why.
    let refusals: Vec<String> = entries
        .iter()
        .filter(|e| e.action == action::ASSESSMENT_REFUSED)
        .map(|e| e.detail.to_string())
        .collect();
    assert!(
        refusals[0].contains("assessment.signed") && refusals[0].contains("cannot sign it off"),
        "{}",
        refusals[0]
    );
    assert!(
        refusals[1].contains("assessment.saved") && refusals[1].contains("cannot be changed"),
        "{}",
        refusals[1]
    );
    assert!(
        refusals[2].contains("\"read\"")
            && refusals[2].contains("version 1 is signed off, not published"),
        "{}",
        refusals[2]
    );
    assert!(
        refusals[3].contains("version 2 is draft, not published"),
        "{}",
        refusals[3]
    );
    assert_eq!(
        app.store.verify_audit().await.expect("verify").problem,
        None
    );
}

#[tokio::test]
async fn a_reviewer_returns_an_assessment_and_readers_cannot_write() {
    let app = App::new(false).await;
    let author = Session {
        app: &app,
        who: app.as_role(Role::Analyst).await,
    };
    let decision = pairs(&[
        ("title", "Rota software"),
        ("summary", "Replace the rota software"),
        ("owner", "Chief people officer"),
        ("organisation", "RWE"),
        ("stage", "design"),
    ]);
    author.post("/decisions/new", "/decisions", &decision).await;
    author
        .post("/decisions/1", "/decisions/1/assessment", &[])
        .await;
    let screening = pairs(&[
        ("screening-affects_patients", "no"),
        ("screening-affects_staff", "yes"),
        ("screening-affects_public", "no"),
        ("screening-full_assessment", "no"),
        (
            "screening-reason",
            "The same rotas, kept in other software: no change to anyone's work",
        ),
    ]);
    let saved = author
        .post(
            "/decisions/1/v/1/screening",
            "/decisions/1/v/1/screening",
            &screening,
        )
        .await;
    assert_eq!(
        location(&saved),
        "/decisions/1/v/1/actions",
        "no grid without a full assessment"
    );
    let dates = pairs(&[
        ("review_due-day", "1"),
        ("review_due-month", "1"),
        ("review_due-year", "2028"),
    ]);
    author
        .post(
            "/decisions/1/v/1/actions",
            "/decisions/1/v/1/actions",
            &dates,
        )
        .await;
    let submitted = author
        .post("/decisions/1", "/decisions/1/v/1/submit", &[])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );

    let reviewer = Session {
        app: &app,
        who: app.as_role(Role::Reviewer).await,
    };
    let no_comment = reviewer
        .post(
            "/decisions/1/v/1/sign",
            "/decisions/1/v/1/sign",
            &pairs(&[("outcome", "return")]),
        )
        .await;
    assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_comment
            .body
            .contains("Enter what the author needs to change")
    );
    let returned = reviewer
        .post(
            "/decisions/1/v/1/sign",
            "/decisions/1/v/1/sign",
            &pairs(&[("outcome", "return"), ("comment", "Name the staff groups")]),
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);
    let page = app.get("/decisions/1", &author.who).await;
    assert!(page.body.contains("Returned by the reviewer"));
    assert!(page.body.contains("Name the staff groups"));
    assert!(
        page.body.contains("/decisions/1/v/1/submit"),
        "a draft again"
    );

    // Readers read, and may write nothing.
    let viewer = Session {
        app: &app,
        who: app.as_role(Role::Viewer).await,
    };
    let page = app.get("/decisions/1", &viewer.who).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/submit"));
    let token = csrf(&page.body);
    for path in [
        "/decisions",
        "/decisions/1/assessment",
        "/decisions/1/v/1/screening",
        "/decisions/1/v/1/submit",
        "/decisions/1/v/1/sign",
        "/decisions/1/v/1/publish",
    ] {
        let reply = app
            .post_form(path, &viewer.who, &[], &form(&token, &decision))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    // An author cannot sign; a reviewer cannot write.
    let reply = author
        .post(
            "/decisions/1",
            "/decisions/1/v/1/sign",
            &pairs(&[("outcome", "sign")]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = reviewer
        .post("/decisions/1", "/decisions/1/v/1/screening", &screening)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_index_filters_and_its_csv_keeps_the_filters() {
    let app = App::new(false).await;
    let author = Session {
        app: &app,
        who: app.as_role(Role::Admin).await,
    };
    for (title, org, stage) in [("Alpha", "QK1", "idea"), ("Beta", "RWE", "decision")] {
        let d = pairs(&[
            ("title", title),
            ("summary", "s"),
            ("owner", "o"),
            ("organisation", org),
            ("stage", stage),
        ]);
        author.post("/decisions/new", "/decisions", &d).await;
    }
    // Beta's draft has a negative impact with no mitigation.
    author
        .post("/decisions/2", "/decisions/2/assessment", &[])
        .await;
    author
        .post(
            "/decisions/2/v/1/grid",
            "/decisions/2/v/1/grid",
            &pairs(&[("grid-race-access", "negative")]),
        )
        .await;
    let page = app.get("/decisions", &author.who).await;
    assert!(page.body.contains("Alpha") && page.body.contains("Beta"));
    let page = app.get("/decisions?stage=idea", &author.who).await;
    assert!(page.body.contains("Alpha") && !page.body.contains(">Beta<"));
    let page = app.get("/decisions?organisation=rwe", &author.who).await;
    assert!(!page.body.contains(">Alpha<") && page.body.contains(">Beta<"));
    let page = app.get("/decisions?negative=1", &author.who).await;
    assert!(!page.body.contains(">Alpha<") && page.body.contains(">Beta<"));
    assert!(page.body.contains("href=\"/decisions.csv?negative=1\""));
    let page = app.get("/decisions?overdue=1", &author.who).await;
    assert!(page.body.contains("No decisions match."));
    let csv = app.get("/decisions.csv?negative=1", &author.who).await;
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(
        lines[1].starts_with("2,Beta,RWE,o,Decision,1,Draft,,no,yes,"),
        "{}",
        lines[1]
    );
    assert_eq!(
        app.get("/decisions?stage=launch", &author.who).await.status,
        StatusCode::BAD_REQUEST
    );
    // The public see neither (nothing is published).
    let page = app.get("/decisions", &Who::Anonymous).await;
    assert!(page.body.contains("No decisions match."));
}

/// The decisions of a CSV download, by title (the first column after the id), with the
/// download's headers checked: every CSV is served the same way.
fn csv_titles(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        reply.header(header::CONTENT_DISPOSITION),
        Some("attachment; filename=\"decisions.csv\"")
    );
    let mut r = csv::Reader::from_reader(reply.body.as_bytes());
    let mut titles: Vec<String> = r
        .records()
        .map(|rec| rec.expect("a CSV row")[1].to_owned())
        .collect();
    // The index lists the most recently changed first; the filters are what is checked.
    titles.sort();
    titles
}

/// Issue 13 item 7: the index's filters (stage, organisation, overdue, negative impacts
/// without mitigation) combine, the CSV has exactly the page's rows, a title typed as a
/// formula opens as text in a spreadsheet, and the public's index never filters on drafts.
#[tokio::test]
async fn the_index_filters_combine_and_the_csv_is_safe_in_a_spreadsheet() {
    let app = App::new(true).await;
    let author = app
        .store
        .find_user(email_of(Role::EdiLead))
        .await
        .expect("find")
        .expect("user");
    let reviewer = app
        .store
        .find_user(email_of(Role::Reviewer))
        .await
        .expect("find")
        .expect("user");
    let made = equalis_web::seed_example_decisions(&app.store, &author, &reviewer)
        .await
        .expect("seed")
        .expect("three made");
    let admin = Session {
        app: &app,
        who: app.as_role(Role::Admin).await,
    };
    // A fourth decision in another organisation, at the same stage as the overdue one,
    // whose title is a formula and whose draft has an unmitigated negative impact.
    let formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";
    let d = pairs(&[
        ("title", formula),
        ("summary", "s"),
        ("owner", "@owner"),
        ("organisation", "RWE"),
        ("stage", "review"),
    ]);
    let created = admin.post("/decisions/new", "/decisions", &d).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = location(&created)
        .trim_start_matches("/decisions/")
        .to_owned();
    admin
        .post(
            &format!("/decisions/{id}"),
            &format!("/decisions/{id}/assessment"),
            &[],
        )
        .await;
    let grid = format!("/decisions/{id}/v/1/grid");
    admin
        .post(&grid, &grid, &pairs(&[("grid-race-access", "negative")]))
        .await;
    // The overdue decision's new draft gets one too (the published version 1 has none).
    let grid = format!("/decisions/{}/v/2/grid", made.in_progress);
    let saved = admin
        .post(&grid, &grid, &pairs(&[("grid-sex-outcomes", "negative")]))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    const WIGSTON: &str = "Weekend opening of the Wigston minor injuries unit";
    const PHONES: &str = "New telephone system for the ICB's head office";
    const CLINIC: &str = "Moving the Loughborough diabetes clinic to the community hospital";
    let staff = &admin.who;
    for (query, want) in [
        ("", vec![WIGSTON, PHONES, CLINIC, formula]),
        ("?stage=review", vec![CLINIC, formula]),
        ("?organisation=qk1", vec![WIGSTON, PHONES, CLINIC]),
        ("?stage=review&organisation=+RWE+", vec![formula]),
        ("?stage=review&overdue=1", vec![CLINIC]),
        ("?stage=review&negative=1", vec![CLINIC, formula]),
        ("?overdue=1&negative=1", vec![CLINIC]),
        ("?organisation=RWE&overdue=1", vec![]),
        ("?stage=consultation&negative=1", vec![]),
        (
            "?stage=review&organisation=QK1&overdue=1&negative=1",
            vec![CLINIC],
        ),
    ] {
        let page = app.get(&format!("/decisions{query}"), staff).await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        let csv = app.get(&format!("/decisions.csv{query}"), staff).await;
        let titles = csv_titles(&csv);
        // The CSV holds the page's rows: the formula title as text, apostrophe first.
        let mut shown: Vec<String> = want
            .iter()
            .map(|t| {
                if *t == formula {
                    format!("'{t}")
                } else {
                    (*t).to_owned()
                }
            })
            .collect();
        shown.sort();
        assert_eq!(titles, shown, "{query}");
        if want.is_empty() {
            assert!(page.body.contains("No decisions match."), "{query}");
        }
        // The page lists the same decisions (the titles' words, not their escaping).
        for (t, words) in [
            (WIGSTON, "Wigston minor"),
            (PHONES, "New telephone system"),
            (CLINIC, "Loughborough diabetes"),
        ] {
            assert_eq!(page.body.contains(words), want.contains(&t), "{query}: {t}");
        }
        // The page links to the CSV of the same filters.
        let href = format!(
            "href=\"/decisions.csv{}\"",
            query.replace("&", "&amp;").replace("+RWE+", "RWE")
        );
        assert!(page.body.contains(&href), "{query}: {href}");
    }
    // Each typed cell is safe: the owner `@owner` too; the raw formula is never a cell.
    let csv = app.get("/decisions.csv?organisation=RWE", staff).await;
    assert!(csv.body.contains(",'@owner,"), "{}", csv.body);
    assert!(!csv.body.contains(",\"=HYPERLINK"), "{}", csv.body);

    // The public: published decisions only, overdue judged on the published version, and the
    // negative filter ignored rather than revealing which have such a draft.
    let public = Who::Anonymous;
    for (query, want) in [
        ("", vec![CLINIC, WIGSTON]),
        ("?negative=1", vec![CLINIC, WIGSTON]),
        ("?overdue=1", vec![CLINIC]),
        ("?stage=review&overdue=1&negative=1", vec![CLINIC]),
    ] {
        let csv = app.get(&format!("/decisions.csv{query}"), &public).await;
        assert_eq!(csv_titles(&csv), want, "public {query}");
        assert!(!csv.body.contains("negative_impact"), "{}", csv.body);
        let page = app.get(&format!("/decisions{query}"), &public).await;
        assert!(
            !page.body.contains("Negative impact without mitigation"),
            "{query}"
        );
    }
}

/// A crawler asking for a draft again and again (its page, its version, its PDF) leaves one
/// `assessment.refused` entry, not one per request; a reviewer trying to sign their own is
/// audited every time.
#[tokio::test]
async fn repeated_anonymous_reads_of_a_draft_write_one_audit_entry() {
    let app = App::new(false).await;
    let author = app
        .store
        .find_user(email_of(Role::EdiLead))
        .await
        .expect("find")
        .expect("user");
    let d = app
        .store
        .create_decision(
            &author,
            &equalis_assess::Decision {
                title: "Weekend opening".into(),
                summary: "s".into(),
                owner: "o".into(),
                organisation: "QK1".into(),
                stage: equalis_assess::Stage::Consultation,
            },
        )
        .await
        .expect("decision");
    app.store
        .start_assessment(&author, d.id)
        .await
        .expect("draft");
    let refusals = || async {
        app.store
            .audit_entries(0, 10_000)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == action::ASSESSMENT_REFUSED)
            .map(|e| e.actor)
            .collect::<Vec<_>>()
    };
    for _ in 0..10 {
        for path in [
            format!("/decisions/{}", d.id),
            format!("/decisions/{}/v/1", d.id),
            format!("/decisions/{}/v/1.pdf", d.id),
        ] {
            let reply = app.get(&path, &Who::Anonymous).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
            assert!(location(&reply).starts_with("/login"), "{path}");
        }
    }
    assert_eq!(refusals().await, ["anonymous"], "30 reads, one entry");

    // The author, since made a reviewer, tries to sign their own twice: two entries.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    app.store
        .save_assessment(
            &author,
            d.id,
            1,
            equalis_assess::examples::opening_hours(
                today.saturating_add(jiff::Span::new().months(2)),
                today.saturating_add(jiff::Span::new().years(1)),
            ),
        )
        .await
        .expect("answers");
    app.store
        .submit_assessment(&author, d.id, 1)
        .await
        .expect("submit");
    app.store
        .set_role(&Actor::System, email_of(Role::EdiLead), Role::Reviewer)
        .await
        .expect("role");
    let turned = Session {
        app: &app,
        who: Who::Cookie(app.sign_in(email_of(Role::EdiLead)).await),
    };
    let all_brown: Vec<(String, String)> = equalis_assess::BROWN_PRINCIPLES
        .iter()
        .map(|(id, _)| ("brown".to_owned(), (*id).to_owned()))
        .chain([("outcome".to_owned(), "sign".to_owned())])
        .collect();
    let sign = format!("/decisions/{}/v/1/sign", d.id);
    for _ in 0..2 {
        let own = turned.post(&sign, &sign, &all_brown).await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    }
    let lead = format!("user:{}", email_of(Role::EdiLead));
    assert_eq!(refusals().await, ["anonymous", &lead, &lead]);
    assert_eq!(
        app.store.verify_audit().await.expect("verify").problem,
        None
    );
}

/// The `value` of the first checkbox whose value starts with `prefix`.
fn figure_key(page: &str, prefix: &str) -> String {
    let marker = format!("name=\"figure\" type=\"checkbox\" value=\"{prefix}");
    let start = page.find(&marker).expect("a figure") + marker.len() - prefix.len();
    let end = start + page[start..].find('"').expect("end of value");
    page[start..end].to_owned()
}

/// An attribute's text as typed: minijinja's escapes undone.
fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn evidence_from_the_published_data_is_frozen_when_signed() {
    let app = App::with_workforce(false).await;
    let author = Session {
        app: &app,
        who: app.as_role(Role::EdiLead).await,
    };
    let decision = pairs(&[
        ("title", "Shift patterns at the Glenfield wards"),
        ("summary", "Move ward staff to 12-hour shifts"),
        ("owner", "Chief nurse"),
        ("organisation", "RWE"),
        ("stage", "design"),
    ]);
    author.post("/decisions/new", "/decisions", &decision).await;
    author
        .post("/decisions/1", "/decisions/1/assessment", &[])
        .await;
    let page = app.get("/decisions/1/v/1/evidence", &author.who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("The screening names no groups yet"));

    let screening = pairs(&[
        ("screening-affects_patients", "yes"),
        ("screening-affects_staff", "yes"),
        ("screening-affects_public", "no"),
        ("screening-groups", "race"),
        ("screening-groups", "deprivation"),
        ("screening-groups", "religion_belief"),
        ("screening-full_assessment", "no"),
        (
            "screening-reason",
            "The same staff on the same wards, on shifts they asked for in the survey",
        ),
    ]);
    author
        .post(
            "/decisions/1/v/1/screening",
            "/decisions/1/v/1/screening",
            &screening,
        )
        .await;

    // The published figures for each group named, with value, interval, period and date.
    let page = app.get("/decisions/1/v/1/evidence", &author.who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("SMI physical health checks · Ethnic group: Black: <strong>30.0%</strong>"),
        "{body}"
    );
    assert!(
        body.contains("Deprivation quintile (IMD 2025): 1 (most deprived): <strong>38.7%</strong>"),
        "{body}"
    );
    assert!(body.contains("results v1, computed 1 April 2026"));
    assert!(body.contains("· 2025/26 ·"), "the latest period only");
    assert!(!body.contains("· 2024/25 ·"), "{body}");
    assert!(
        body.contains("equalis holds no data on this characteristic"),
        "religion"
    );
    // Small counts stay withheld: 1 patient in quintile 5 waiting over 52 weeks.
    assert!(body.contains("Waiting over 52 weeks · Deprivation quintile (IMD 2025): 5 (least deprived): <strong>*</strong>"), "{body}");
    // Staff-facing: the workforce headline figures.
    assert!(body.contains("Relative likelihoods"), "{body}");
    assert!(body.contains("staff snapshot"));
    let black_attr = figure_key(body, "smi_health_check|2025/26|ethnic_group|Black");
    let black = unescape(&black_attr);
    let staff = unescape(&figure_key(body, "workforce|"));

    // A place the results do not break down by is refused.
    let bad = app
        .get("/decisions/1/v/1/evidence?area=Atlantis", &author.who)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // A figure not in the published data: refused by field, the ticks kept.
    let ticks = vec![
        ("area".to_owned(), String::new()),
        ("figure".to_owned(), black.clone()),
        (
            "figure".to_owned(),
            "smi_health_check|2025/26|ethnic_group|Martian".to_owned(),
        ),
    ];
    let refused = author
        .post(
            "/decisions/1/v/1/evidence",
            "/decisions/1/v/1/evidence",
            &ticks,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#evidence-figures\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("value=\"{black_attr}\" checked"))
    );

    let ticks = vec![
        ("area".to_owned(), String::new()),
        ("figure".to_owned(), black.clone()),
        ("figure".to_owned(), staff.clone()),
    ];
    let saved = author
        .post(
            "/decisions/1/v/1/evidence",
            "/decisions/1/v/1/evidence",
            &ticks,
        )
        .await;
    assert_eq!(location(&saved), "/decisions/1", "{}", saved.body);
    let page = app.get("/decisions/1", &author.who).await;
    assert!(
        page.body
            .contains("<td class=\"nhsuk-table__cell\">30.0%</td>"),
        "{}",
        page.body
    );

    author
        .post(
            "/decisions/1/v/1/actions",
            "/decisions/1/v/1/actions",
            &pairs(&[
                ("review_due-day", "1"),
                ("review_due-month", "1"),
                ("review_due-year", "2028"),
            ]),
        )
        .await;
    let submitted = author
        .post("/decisions/1", "/decisions/1/v/1/submit", &[])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    let reviewer = Session {
        app: &app,
        who: app.as_role(Role::Reviewer).await,
    };
    let all_brown: Vec<(String, String)> = equalis_assess::BROWN_PRINCIPLES
        .iter()
        .map(|(id, _)| ("brown".to_owned(), (*id).to_owned()))
        .chain([("outcome".to_owned(), "sign".to_owned())])
        .collect();
    let signed = reviewer
        .post("/decisions/1/v/1/sign", "/decisions/1/v/1/sign", &all_brown)
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    author
        .post("/decisions/1", "/decisions/1/v/1/publish", &[])
        .await;

    // A later compute changes the figure; the signed, published assessment keeps the value it
    // relied on and says when that was computed.
    crate::fixture::write_results_recomputed(app.dir.path());
    let public = app.get("/decisions/1", &Who::Anonymous).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public
            .body
            .contains("<td class=\"nhsuk-table__cell\">30.0%</td>"),
        "{}",
        public.body
    );
    assert!(public.body.contains("results v1, computed 1 April 2026"));
    assert!(!public.body.contains("50.0%"));
    assert!(
        public.body.contains("Relative likelihoods"),
        "the staff figure too"
    );
    // A new version is offered the new figure, still ticked.
    author
        .post("/decisions/1", "/decisions/1/assessment", &[])
        .await;
    let page = app.get("/decisions/1/v/2/evidence", &author.who).await;
    assert!(
        page.body
            .contains("Ethnic group: Black: <strong>50.0%</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("results v2, computed 1 May 2026"));
    assert!(
        page.body
            .contains(&format!("value=\"{black_attr}\" checked"))
    );
    let v1 = app.get("/decisions/1/v/1", &author.who).await;
    assert!(v1.body.contains("30.0%") && !v1.body.contains("50.0%"));

    // The published version as a tagged PDF, to anyone; a draft has none.
    check_pdf(
        &app,
        "/decisions/1/v/1.pdf",
        "Shift patterns at the Glenfield wards",
    )
    .await;
    let draft = app.get("/decisions/1/v/2.pdf", &author.who).await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND);
}

/// Fetches `path` as the public and checks it is a tagged PDF holding `text`. Without
/// Chromium the server answers 503 saying so; with EQUALIS_REQUIRE_BROWSER=1 (CI) that fails.
async fn check_pdf(app: &App, path: &str, text: &str) {
    let require = std::env::var_os("EQUALIS_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    let chromium = equalis_app::pdf::PdfOptions::from_env().chromium;
    let reply = app.get(path, &Who::Anonymous).await;
    if !chromium.is_file() && !require {
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(reply.body.contains("Chromium"));
        return;
    }
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let bytes = reply.bytes;
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, &bytes).expect("written");
    let run = |cmd: &str, args: &[&std::ffi::OsStr]| {
        std::process::Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} (poppler-utils) is needed to check PDFs: {e}"))
    };
    let info = run("pdfinfo", &[file.as_os_str()]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes")),
        "{info}"
    );
    let words = run("pdftotext", &[file.as_os_str(), std::ffi::OsStr::new("-")]);
    assert!(String::from_utf8_lossy(&words.stdout).contains(text));
}

/// The demo's example decisions: the public index lists the published one only, the
/// overdue filter the one past its review date, and seeding again adds nothing.
#[tokio::test]
async fn the_demo_decisions_show_the_workflow() {
    let app = App::new(true).await;
    let mut users = Vec::new();
    for role in [Role::EdiLead, Role::Reviewer] {
        let found = app.store.find_user(email_of(role)).await.expect("find");
        users.push(found.expect("user"));
    }
    let (author, reviewer) = (&users[0], &users[1]);
    let made = equalis_web::seed_example_decisions(&app.store, author, reviewer)
        .await
        .expect("seed")
        .expect("three made");
    assert_eq!(app.store.list_decisions().await.expect("list").len(), 3);

    let public = app.get("/decisions", &Who::Anonymous).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert!(
        public
            .body
            .contains("Weekend opening of the Wigston minor injuries unit"),
        "{}",
        public.body
    );
    assert!(
        !public.body.contains("New telephone system"),
        "not published"
    );
    let page = app
        .get(&format!("/decisions/{}", made.published), &Who::Anonymous)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Signed off by"));

    let analyst = app.as_role(Role::Analyst).await;
    let overdue = app.get("/decisions?overdue=yes", &analyst).await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(
        overdue.body.contains("Loughborough diabetes clinic"),
        "{}",
        overdue.body
    );
    assert!(!overdue.body.contains("Wigston"), "{}", overdue.body);

    assert_eq!(
        equalis_web::seed_example_decisions(&app.store, author, reviewer)
            .await
            .expect("again"),
        None
    );
    assert_eq!(app.store.list_decisions().await.expect("list").len(), 3);
}
