//! The assurance pages through HTTP: equality objectives and measures (a figure chosen from
//! the published figures, an unpublished one refused by its field), EDS 2022 ratings with the
//! computed ratings, and the annual report with its narrative sections and PDF; who may do
//! what, CSRF, errors that lose nothing typed, and the audit entries.

use axum::http::{StatusCode, header};
use equalis_store::Role;
use equalis_store::assurance::action;

use crate::fixture::{App, Reply, Who, enc};

pub(crate) fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + 64].to_owned()
}

fn form(token: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = format!("csrf_token={token}");
    for (k, v) in pairs {
        out.push_str(&format!("&{}={}", enc(k), enc(v)));
    }
    out
}

pub(crate) fn location(reply: &Reply) -> &str {
    reply.header(header::LOCATION).unwrap_or("")
}

/// Posts `pairs` to `path` as `who`, with the CSRF token of the form at `form_page`.
pub(crate) async fn post(
    app: &App,
    who: &Who,
    form_page: &str,
    path: &str,
    pairs: &[(&str, &str)],
) -> Reply {
    let page = app.get(form_page, who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    app.post_form(path, who, &[], &form(&csrf(&page.body), pairs))
        .await
}

const OBJECTIVE: &[(&str, &str)] = &[
    ("title", "Close the gap in SMI health checks"),
    ("description", "Most deprived areas first."),
    ("owner", "Director of Population Health"),
    ("start_year", "2025/26"),
    ("end_year", "2028/29"),
];

/// Adds OBJECTIVE as the EDI lead and returns its path (`/objectives/N`).
pub(crate) async fn add_objective(app: &App, edi: &Who) -> String {
    let r = post(app, edi, "/objectives/new", "/objectives/new", OBJECTIVE).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r)
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn objectives_are_added_and_changed_with_errors_by_field_and_audited() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    // Errors: each by its field, and everything typed kept.
    let bad = post(
        &app,
        &edi,
        "/objectives/new",
        "/objectives/new",
        &[
            ("title", ""),
            ("owner", "Director <of> Population Health"),
            ("start_year", "2025/26"),
            ("end_year", "2031/32"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("There is a problem"));
    assert!(bad.body.contains(r##"href="#title""##));
    assert!(bad.body.contains(r##"href="#end_year""##));
    assert!(bad.body.contains("at most 4 years"));
    assert!(
        bad.body.contains("Director &lt;of&gt; Population Health")
            || bad.body.contains("Director &#60;of&#62; Population Health")
    );
    assert!(bad.body.contains(r#"value="2031/32""#));

    let path = add_objective(&app, &edi).await;
    assert!(path.starts_with("/objectives/"), "{path}");
    let list = app.get("/objectives", &edi).await;
    assert!(list.body.contains("Close the gap in SMI health checks"));

    // A change is saved and shown.
    let mut changed: Vec<(&str, &str)> = OBJECTIVE.to_vec();
    changed[2] = ("owner", "Chief Nurse");
    let r = post(&app, &edi, &path, &path, &changed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&path, &edi).await;
    assert!(page.body.contains(r#"value="Chief Nurse""#));

    let actions: Vec<String> = app
        .store
        .audit_entries(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == action::OBJECTIVE_CREATED));
    assert!(actions.iter().any(|a| a == action::OBJECTIVE_CHANGED));
}

#[tokio::test]
async fn only_edi_leads_and_admins_change_objectives_and_every_form_needs_its_token() {
    let app = App::new(false).await;
    // The public are sent to sign in.
    let anon = app.get("/objectives", &Who::Anonymous).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    // An analyst reads the list but may not add.
    let analyst = app.as_role(Role::Analyst).await;
    assert_eq!(
        app.get("/objectives", &analyst).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/objectives/new", &analyst).await.status,
        StatusCode::FORBIDDEN
    );
    let page = app.get("/objectives", &analyst).await;
    let r = app
        .post_form(
            "/objectives/new",
            &analyst,
            &[],
            &form(&csrf(&page.body), OBJECTIVE),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The EDI lead without the session's token is refused, and nothing is saved.
    let edi = app.as_role(Role::EdiLead).await;
    let r = app
        .post_form(
            "/objectives/new",
            &edi,
            &[],
            &form(&"0".repeat(64), OBJECTIVE),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(app.store.objectives().await.expect("objectives").is_empty());
}

#[tokio::test]
async fn a_measure_follows_a_published_figure_and_an_unpublished_one_is_refused_by_field() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let path = add_objective(&app, &edi).await;

    // The figures page lists the published groups; its link opens the form with the figure.
    let figures = app
        .get(&format!("{path}/figures?q=smi_health_check"), &edi)
        .await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    let link = format!(
        "{path}/measures/new?figure_kind=indicator&amp;figure_name=smi_health_check&amp;figure_breakdown=imd_quintile&amp;figure_group=1"
    );
    assert!(figures.body.contains(&link), "{}", figures.body);
    let form_page = link.replace("&amp;", "&");
    let prefilled = app.get(&form_page, &edi).await;
    assert!(prefilled.body.contains(r#"value="smi_health_check""#));

    let measure = |group: &'static str| {
        vec![
            ("name", "SMI health checks, most deprived"),
            ("figure_kind", "indicator"),
            ("figure_name", "smi_health_check"),
            ("figure_breakdown", "imd_quintile"),
            ("figure_group", group),
            ("direction", "higher"),
            ("baseline", "35"),
            ("baseline_year", "2024/25"),
            ("target", "60"),
            ("target_year", "2028/29"),
        ]
    };
    let new = format!("{path}/measures/new");
    // A group the results do not publish: refused by its field, naming the groups there are.
    let r = post(&app, &edi, &new, &new, &measure("9")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"href="#figure_group""##));
    assert!(r.body.contains("has no group `9`"), "{}", r.body);
    assert!(
        r.body
            .contains(r#"value="SMI health checks, most deprived""#)
    );

    let r = post(&app, &edi, &new, &new, &measure("1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let objectives = app.store.objectives().await.expect("objectives");
    assert_eq!(objectives[0].measures.len(), 1);
    let mid = objectives[0].measures[0].id;
    // Changed: the target raised.
    let mut changed = measure("1");
    changed[8] = ("target", "70");
    let one = format!("{path}/measures/{mid}");
    let r = post(&app, &edi, &one, &one, &changed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let m = app.store.measure(mid).await.expect("measure");
    assert!((m.measure.target - 70.0).abs() < 1e-9);
    let actions: Vec<String> = app
        .store
        .audit_entries(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == action::MEASURE_CREATED));
    assert!(actions.iter().any(|a| a == action::MEASURE_CHANGED));
}

#[tokio::test]
async fn eds_ratings_are_recorded_by_the_named_raters_and_summed_by_domain() {
    let app = App::new(false).await;
    let reviewer = app.as_role(Role::Reviewer).await;
    let page = "/eds/2025-26";
    // A rater group the guidance does not name for Domain 2 is refused by field.
    let r = post(
        &app,
        &reviewer,
        page,
        page,
        &[
            ("outcome", "2A"),
            ("score", "2"),
            ("rater_group", "patients_public"),
            ("evidence", "Staff survey 2025"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"href="#rater_group""##));
    assert!(
        r.body.contains("Staff survey 2025"),
        "the evidence typed is kept"
    );
    for (outcome, group) in [
        ("2A", "staff"),
        ("2B", "staff"),
        ("2C", "staff_networks_unions"),
        ("2D", "staff"),
    ] {
        let r = post(
            &app,
            &reviewer,
            page,
            page,
            &[
                ("outcome", outcome),
                ("score", "2"),
                ("rater_group", group),
                ("evidence", "Staff survey 2025"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let shown = app.get(page, &reviewer).await;
    assert!(
        shown
            .body
            .contains("Domain 2: Workforce health and well-being (8 of 12)"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Not yet complete: outcomes 1A"));
    // A viewer reads the ratings but has no form, and a post is refused.
    let viewer = app.as_role(Role::Viewer).await;
    let read = app.get(page, &viewer).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("Save the rating"));
    let r = app
        .post_form(
            page,
            &viewer,
            &[],
            &form(&csrf(&read.body), &[("outcome", "3A")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let rated = app
        .store
        .audit_entries(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == action::EDS_RATED)
        .count();
    assert_eq!(rated, 4);
}

#[tokio::test]
async fn the_annual_report_page_shows_live_figures_and_the_saved_narrative() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let report = app.get("/annual-report/2025-26", &edi).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(
        report
            .body
            .contains("<h1>Annual equality report 2025/26</h1>")
    );
    assert!(
        report
            .body
            .contains("Health inequalities: Core20PLUS5 and waiting lists")
    );
    // Not a year: 404 saying how to write one.
    let bad = app.get("/annual-report/2025-27", &edi).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.body.contains("2025/26"));
    // The public are sent to sign in (the workspace's pages are not public).
    assert_eq!(
        app.get("/annual-report/2025-26", &Who::Anonymous)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The EDI lead saves the PSED statement; it is a new version and the report shows it.
    let section = "/annual-report/2025-26/sections/psed_statement";
    let r = post(
        &app,
        &edi,
        section,
        section,
        &[("psed_statement", "We met the duty <in full>.")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = app.get("/annual-report/2025-26/edit", &edi).await;
    assert!(edit.body.contains("Version 1, saved by"));
    let report = app.get("/annual-report/2025-26", &edi).await;
    assert!(report.body.contains("We met the duty &#60;in full&#62;."));
    // Too long: refused by its field, the text kept.
    let long = "x".repeat(20_001);
    let r = post(&app, &edi, section, section, &[("psed_statement", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r##"href="#psed_statement""##));
    assert!(r.body.contains(&long));
    // An analyst may read the sections but not change them.
    let analyst = app.as_role(Role::Analyst).await;
    assert_eq!(
        app.get("/annual-report/2025-26/edit", &analyst)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(section, &analyst).await.status,
        StatusCode::FORBIDDEN
    );
    let history = app
        .store
        .report_section_history("2025/26".parse().expect("year"), "psed_statement")
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
}

#[tokio::test]
async fn the_annual_report_pdf_is_tagged() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let require = std::env::var_os("EQUALIS_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    let chromium = equalis_app::pdf::PdfOptions::from_env().chromium;
    let reply = app.get("/annual-report/2025-26.pdf", &edi).await;
    if !chromium.is_file() && !require {
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(reply.body.contains("Chromium"));
        return;
    }
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header(header::CONTENT_DISPOSITION),
        Some("attachment; filename=\"annual-report-2025-26.pdf\"")
    );
    assert!(reply.bytes.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, &reply.bytes).expect("written");
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes")),
        "{info}"
    );
}

const COVER: &[(&str, &str)] = &[
    ("organisation", "NHS Synthetic ICB"),
    ("eds_lead", "Ama Mensah, Head of EDI"),
    ("level", "partnership"),
    ("partners", "Synthetic Community Trust\nSynthetic Hospitals"),
    ("date_completed-day", "20"),
    ("date_completed-month", "2"),
    ("date_completed-year", "2026"),
    ("month_published", "February 2026"),
    ("board_sponsor", "Chief People Officer"),
    ("ics_name", "Synthetic ICS"),
    ("date_authorised-day", "26"),
    ("date_authorised-month", "2"),
    ("date_authorised-year", "2026"),
    ("authorised_by", "ICB Board"),
    ("revision_date-day", "28"),
    ("revision_date-month", "2"),
    ("revision_date-year", "2027"),
    ("plan_years", "2025/26 to 2026/27"),
];

#[tokio::test]
async fn the_eds_template_is_filled_in_and_the_summary_report_follows_its_order() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let year = "/eds/2025-26";

    // The cover: errors by field, everything typed kept (escaped), then saved.
    let mut bad: Vec<(&str, &str)> = COVER
        .iter()
        .filter(|(k, _)| {
            !matches!(
                *k,
                "eds_lead" | "partners" | "organisation" | "revision_date-month"
            )
        })
        .copied()
        .collect();
    bad.push(("organisation", "NHS <Synthetic> ICB"));
    bad.push(("revision_date-month", "13"));
    let cover = format!("{year}/cover");
    let r = post(&app, &edi, &cover, &cover, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["eds_lead", "partners", "revision_date"] {
        assert!(r.body.contains(&format!(r##"href="#{field}""##)), "{field}");
    }
    assert!(r.body.contains("NHS &lt;Synthetic&gt; ICB"));
    assert!(r.body.contains(r#"value="13""#), "the typed month is kept");
    assert!(
        app.store
            .eds_cover("2025/26".parse().expect("year"))
            .await
            .expect("cover")
            .is_none()
    );
    let r = post(&app, &edi, &cover, &cover, COVER).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/eds/2025-26?done=cover");
    // Shown again in the form to change it.
    let again = app.get(&cover, &edi).await;
    assert!(again.body.contains(r#"value="Ama Mensah, Head of EDI""#));
    assert!(again.body.contains("Synthetic Hospitals</textarea>"));

    // A rating with its owner.
    let r = post(
        &app,
        &edi,
        year,
        year,
        &[
            ("outcome", "2B"),
            ("score", "2"),
            ("rater_group", "staff"),
            ("evidence", "Staff survey 2025, q13"),
            ("owner", "People directorate, Head of Wellbeing"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Domain 3's third parties: none is refused, then saved.
    let third = format!("{year}/third-parties");
    let r = post(&app, &edi, &third, &third, &[("trade_union_reps", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r##"href="#trade_union_reps""##));
    let r = post(
        &app,
        &edi,
        &third,
        &third,
        &[
            ("trade_union_reps", "J Okafor (UNISON)"),
            ("independent_evaluators", "P Reviewer, Synthetic Hospice"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A completed action, and the action plan: one row linked to an objective, one refused
    // (no completion date) with what was typed kept, one added and removed.
    let completed = format!("{year}/completed");
    let r = post(
        &app,
        &edi,
        &completed,
        &completed,
        &[
            ("action", "Reverse mentoring for the board"),
            ("objectives", "Objective 2"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let objective = add_objective(&app, &edi).await;
    let objective_id = objective.trim_start_matches("/objectives/");
    let actions = format!("{year}/actions");
    let r = post(
        &app,
        &edi,
        &actions,
        &actions,
        &[
            ("outcome", "3A"),
            ("objective_id", objective_id),
            ("action", "Board session <1>"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r##"href="#completion""##));
    assert!(r.body.contains("Board session &lt;1&gt;"));
    for (outcome, objective, action) in [
        (
            "3A",
            objective_id,
            "Board development session on health inequalities",
        ),
        ("2B", "", "Bystander training for every team"),
    ] {
        let r = post(
            &app,
            &edi,
            &actions,
            &actions,
            &[
                ("outcome", outcome),
                ("objective_id", objective),
                (
                    "objective",
                    if objective.is_empty() {
                        "Staff are safe at work"
                    } else {
                        ""
                    },
                ),
                ("action", action),
                ("completion-day", "30"),
                ("completion-month", "9"),
                ("completion-year", "2026"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let plan = app
        .store
        .eds_actions("2025/26".parse().expect("year"))
        .await
        .expect("plan");
    let bystander = plan
        .iter()
        .find(|a| a.action.outcome.code == "2B")
        .expect("2B");
    let remove = format!("{year}/actions/{}/remove", bystander.id);
    let r = post(&app, &edi, &actions, &remove, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // `/eds/{year}` shows the parts.
    let page = app.get(year, &edi).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "NHS Synthetic ICB; Synthetic Community Trust; Synthetic Hospitals",
        "26 February 2026 by ICB Board",
        "J Okafor (UNISON)",
        "Board development session on health inequalities",
        "People directorate, Head of Wellbeing",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(!page.body.contains("Bystander training"));

    // The summary report, in the template's order.
    let report = app.get(&format!("{year}/report"), &edi).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let body = &report.body;
    let order = [
        "EDS 2022 summary: cover",
        "Ama Mensah, Head of EDI",
        "Completed actions from previous year",
        "Reverse mentoring for the board",
        "Domain 1: Commissioned or provided services",
        "Domain 2: Workforce health and well-being",
        "2 (Achieving activity)",
        "People directorate, Head of Wellbeing",
        "Domain 3: Inclusive leadership",
        "Third-party involvement in Domain 3 rating and review",
        "P Reviewer, Synthetic Hospice",
        "EDS Organisation Rating (overall rating)",
        "Not yet rated: outcomes 1A",
        "22 to 32",
        "EDS Action Plan",
        "2025/26 to 2026/27",
        "Close the gap in SMI health checks",
        "30 September 2026",
    ];
    let mut at = 0;
    for text in order {
        let found = body[at..]
            .find(text)
            .unwrap_or_else(|| panic!("{text:?} is not after byte {at}"));
        at += found;
    }

    // Every change is in the audit log.
    let audit: Vec<String> = app
        .store
        .audit_entries(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        action::EDS_COVER_SAVED,
        action::EDS_RATED,
        action::EDS_THIRD_PARTIES_SAVED,
        action::EDS_COMPLETED_ACTION_ADDED,
        action::EDS_ACTION_ADDED,
        action::EDS_ACTION_REMOVED,
    ] {
        assert!(audit.iter().any(|x| x == a), "{a}: {audit:?}");
    }
    assert_eq!(
        audit
            .iter()
            .filter(|a| *a == action::EDS_COVER_SAVED)
            .count(),
        1,
        "the refused cover is not saved"
    );
}

#[tokio::test]
async fn only_edi_leads_and_admins_change_the_eds_template() {
    let app = App::new(false).await;
    let year: equalis_assure::FinancialYear = "2025/26".parse().expect("year");
    // Reviewers rate outcomes but do not fill in the template; analysts read the report.
    let reviewer = app.as_role(Role::Reviewer).await;
    let analyst = app.as_role(Role::Analyst).await;
    for path in [
        "/eds/2025-26/cover",
        "/eds/2025-26/third-parties",
        "/eds/2025-26/completed",
        "/eds/2025-26/actions",
    ] {
        assert_eq!(
            app.get(path, &reviewer).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            app.get(path, &analyst).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        // A token of the analyst's own session does not help.
        let page = app.get("/eds/2025-26", &analyst).await;
        let r = app
            .post_form(path, &analyst, &[], &form(&csrf(&page.body), COVER))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            app.get(path, &Who::Anonymous).await.status,
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }
    let page = app.get("/eds/2025-26", &analyst).await;
    assert!(
        !page.body.contains("/eds/2025-26/cover\""),
        "no link to change it"
    );
    let report = app.get("/eds/2025-26/report", &analyst).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("has not been filled in"));
    // The EDI lead without the session's token is refused.
    let edi = app.as_role(Role::EdiLead).await;
    let r = app
        .post_form(
            "/eds/2025-26/cover",
            &edi,
            &[],
            &form(&"0".repeat(64), COVER),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An action of another year cannot be removed through this year.
    let page = app.get("/eds/2025-26/actions", &edi).await;
    let r = app
        .post_form(
            "/eds/2025-26/actions/7/remove",
            &edi,
            &[],
            &form(&csrf(&page.body), &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nothing was saved.
    let r = app.store.eds_report(year).await.expect("report");
    assert!(r.cover.is_none() && r.actions.is_empty() && r.third_parties.is_none());
}
