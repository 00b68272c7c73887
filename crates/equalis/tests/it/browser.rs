//! Every page type of the report in a real headless Chromium with axe-core: no WCAG 2.2 AA
//! violation. The harness is `tests/browser/axe.mjs` (axe-core and playwright-core from npm,
//! Debian's Chromium); `.ci/run` installs both and sets `EQUALIS_REQUIRE_BROWSER=1`, so in CI a
//! missing browser is a failure. Elsewhere, without them, the test says how to run it and
//! passes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The harness directory, if its packages are installed and Chromium is there.
fn harness() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = dir.join("node_modules/axe-core").is_dir()
        && dir.join("node_modules/playwright-core").is_dir()
        && Path::new(&chromium).is_file()
        && Command::new("node").arg("--version").output().is_ok();
    if ready {
        return Some(dir);
    }
    let how = "install Chromium (`apt-get install chromium`) and the harness \
               (`npm ci --prefix crates/equalis/tests/browser`)";
    assert!(
        std::env::var("EQUALIS_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "the browser test must run here: {how}"
    );
    eprintln!("browser test not run: {how}");
    None
}

/// Runs axe-core on `urls`; panics with every violation found.
pub fn assert_accessible(urls: &[String]) {
    check(urls, None);
}

/// Runs axe-core on `urls` after signing in as `(email, password)` through the sign-in form
/// of their server (the password is passed in the environment, not as an argument).
pub fn assert_accessible_signed_in(urls: &[String], account: (&str, &str)) {
    check(urls, Some(account));
}

/// Runs axe-core on `urls` with the cookie `name=value` set (a visitor's, such as an
/// engagement participant's).
pub fn assert_accessible_with_cookie(urls: &[String], cookie: &str) {
    check_with(urls, None, Some(cookie));
}

fn check(urls: &[String], account: Option<(&str, &str)>) {
    check_with(urls, account, None);
}

fn check_with(urls: &[String], account: Option<(&str, &str)>, cookie: Option<&str>) {
    let Some(dir) = harness() else { return };
    let mut node = Command::new("node");
    node.arg(dir.join("axe.mjs"));
    if let Some((email, password)) = account {
        node.args(["--sign-in", email])
            .env("EQUALIS_PASSWORD", password);
    }
    if let Some(c) = cookie {
        node.args(["--cookie", c]);
    }
    let o = node.args(urls).output().unwrap();
    let pages: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        o.status.success(),
        "WCAG 2.2 AA violations:\n{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(pages.len(), urls.len(), "every page was checked");
    for p in &pages {
        assert!(p["passes"].as_u64().unwrap_or(0) > 10, "{p}");
    }
}

/// Each kind of page the report makes: the index, indicators of each statistic (a
/// proportion with SII, a DSR, a waiting-list median with its run chart, a ranked measure
/// with no ICS figure, the registration gap), a workforce page and the panel page.
#[test]
fn every_report_page_type_passes_axe() {
    let (o, dir) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = dir.join("report");
    let pages = [
        "index.html",
        "indicators/smi_health_check.html",
        "indicators/emergency_admissions_dsr.html",
        "indicators/wl_median_weeks.html",
        "indicators/wl_mutual_aid.html",
        "indicators/gp_registration_gap.html",
        "indicators/wl_gap_core20_over_18_weeks.html",
        "sections/workforce-ics.html",
        "sections/workforce-rwe.html",
        "sections/citizens-panel.html",
    ];
    let urls: Vec<String> = pages
        .iter()
        .map(|p| {
            let path = report.join(p);
            assert!(path.is_file(), "{p} was not written");
            format!("file://{}", path.display())
        })
        .collect();
    assert_accessible(&urls);
}

/// The web application's page types, served by `equalis serve`: sign-in, home, the list of
/// indicators, an indicator by a breakdown (chart and table) and the whole ICS, the
/// waiting-list median.
#[test]
fn every_web_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let urls: Vec<String> = [
        "/login",
        "/",
        "/indicators",
        "/indicators/smi_health_check?breakdown=ethnic_group",
        "/indicators/smi_health_check?breakdown=all",
        "/indicators/wl_median_weeks",
        "/waiting-list",
        "/waiting-list?breakdown=ethnic_group",
        "/registration-gap",
        "/panel",
        // Seats the demo's quotas cannot fill: the page with its warning.
        "/panel?size=20",
        // Who volunteers: the pool against the residents (the demo's population names the ICB).
        "/panel/heard",
    ]
    .iter()
    .map(|p| format!("{}{p}", server.url))
    .collect();
    assert_accessible(&urls);
}

/// The pages that need an account or read the staff data, signed in as an admin: the
/// workforce list, returns of the ICS and an organisation (tables, the report's charts, the
/// year form), another year's, the API tokens page and the audit log.
#[test]
fn every_signed_in_and_workforce_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let urls: Vec<String> = [
        "/workforce",
        "/workforce/ics/wres",
        "/workforce/RWE/pay-gap-sex",
        "/workforce/ics/dashboard",
        "/workforce/RWE/wdes?year=2025",
        "/account/tokens",
        "/admin/audit",
    ]
    .iter()
    .map(|p| format!("{}{p}", server.url))
    .collect();
    assert_accessible_signed_in(&urls, crate::serve::ADMIN);
}

/// The impact assessment pages (issue 13): the index, a new decision's form, a draft's page
/// and its three forms, and a published assessment, signed in as an admin; the reviewer's
/// sign-off page as a reviewer; the public page and index anonymously. The decisions are
/// put in the served store through `equalis-store`, under the same rules as the pages.
#[test]
fn every_decision_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    const REVIEWER: (&str, &str) = ("reviewer@example.nhs.uk", "correct horse battery staple");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use equalis_store::{Actor, Database, NewUser, Role, Store, StoreConfig};
        let store = Store::open(
            &Database::for_workspace(server.workspace()),
            StoreConfig::default(),
        )
        .await
        .unwrap();
        let admin = store
            .find_user(crate::serve::ADMIN.0)
            .await
            .unwrap()
            .unwrap();
        let reviewer = store
            .create_user(
                &Actor::System,
                NewUser {
                    email: REVIEWER.0,
                    display_name: "Rita Reviewer",
                    role: Role::Reviewer,
                    password: REVIEWER.1,
                },
            )
            .await
            .unwrap();
        let mut answers = equalis_assess::examples::opening_hours(
            jiff::civil::date(2099, 1, 31),
            jiff::civil::date(2099, 6, 30),
        );
        // A figure relied on, so the evidence table is on the pages checked.
        answers
            .evidence
            .figures
            .push(equalis_assess::EvidenceFigure {
                key: "smi_health_check|2025/26|carer|Yes".into(),
                source: equalis_assess::evidence::Source::Results,
                subject: Some(equalis_assess::Subject::Plus(
                    equalis_assess::PlusGroup::Carers,
                )),
                measure: "SMI physical health checks".into(),
                group: "Carer: Yes".into(),
                value: "41.2%".into(),
                interval: "38.0% to 44.5%".into(),
                period: "2025/26".into(),
                data_date: "results v1, computed 1 April 2026".into(),
            });
        for (title, stage) in [
            ("A draft: weekend opening", equalis_assess::Stage::Design),
            (
                "Submitted: evening clinics",
                equalis_assess::Stage::Consultation,
            ),
            (
                "Published: new minor injuries unit",
                equalis_assess::Stage::Decision,
            ),
        ] {
            let d = store
                .create_decision(
                    &admin,
                    &equalis_assess::Decision {
                        title: title.into(),
                        summary: "What is proposed, for whom, and why".into(),
                        owner: "Director of operations".into(),
                        organisation: "QK1".into(),
                        stage,
                    },
                )
                .await
                .unwrap();
            store.start_assessment(&admin, d.id).await.unwrap();
            store
                .save_assessment(&admin, d.id, 1, answers.clone())
                .await
                .unwrap();
            if d.id == 1 {
                continue;
            }
            store.submit_assessment(&admin, d.id, 1).await.unwrap();
            if d.id == 2 {
                continue;
            }
            store
                .sign_assessment(
                    &reviewer,
                    d.id,
                    1,
                    equalis_assess::BrownChecklist::all(),
                    "Due regard had",
                )
                .await
                .unwrap();
            store.publish_assessment(&admin, d.id, 1).await.unwrap();
        }
        store.close().await;
    });
    let url = |p: &&str| format!("{}{p}", server.url);
    let signed_in: Vec<String> = [
        "/decisions",
        "/decisions/new",
        "/decisions/1",
        "/decisions/1/v/1/screening",
        "/decisions/1/v/1/grid?check=1",
        "/decisions/1/v/1/actions",
        "/decisions/1/v/1/evidence",
        "/decisions/3",
    ]
    .iter()
    .map(url)
    .collect();
    assert_accessible_signed_in(&signed_in, crate::serve::ADMIN);
    assert_accessible_signed_in(&[url(&"/decisions/2/v/1/sign")], REVIEWER);
    let public: Vec<String> = ["/decisions", "/decisions/3"].iter().map(url).collect();
    assert_accessible(&public);
}

/// The quarterly board pack (issue 16, item 4) as an admin: the workforce headlines, the
/// waiting-list tables, and the demo's example decisions seeded so that the overdue reviews'
/// table is on the page.
#[test]
fn the_board_pack_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use equalis_store::{Actor, Database, NewUser, Role, Store, StoreConfig};
        let store = Store::open(
            &Database::for_workspace(server.workspace()),
            StoreConfig::default(),
        )
        .await
        .unwrap();
        let admin = store
            .find_user(crate::serve::ADMIN.0)
            .await
            .unwrap()
            .unwrap();
        let reviewer = store
            .create_user(
                &Actor::System,
                NewUser {
                    email: "reviewer@example.nhs.uk",
                    display_name: "Rita Reviewer",
                    role: Role::Reviewer,
                    password: "correct horse battery staple",
                },
            )
            .await
            .unwrap();
        let made = equalis_web::seed_example_decisions(&store, &admin, &reviewer)
            .await
            .unwrap();
        assert!(made.is_some());
        store.close().await;
    });
    assert_accessible_signed_in(&[format!("{}/board-pack", server.url)], crate::serve::ADMIN);
}

/// The directory of services' public pages (issue 15), anonymously: the search form, results
/// by postcode (nearest first, with distances), a postcode not found (the error summary), a
/// second page of results, and the page of a service reviewed recently and of one never
/// reviewed (with its warning); and the editor's pages as an admin. The demo's synthetic
/// directory is imported into the served store by `equalis directory import`, as a user would.
#[test]
fn every_directory_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let (_, demo) = crate::common::demo();
    let file = demo.join("synthetic").join(equalis_synth::directory::FILE);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["directory", "import", "--workspace"])
        .arg(server.workspace())
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let services: Vec<&serde_json::Value> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v.get("status").is_some())
        .collect();
    let reviewed = services
        .iter()
        .find(|s| s.get("assured_date").is_some())
        .unwrap();
    let never = services
        .iter()
        .find(|s| s.get("assured_date").is_none())
        .unwrap();
    let english = equalis_directory::language_term_id("en").unwrap();
    let urls: Vec<String> = [
        "/directory".to_owned(),
        "/directory?postcode=LE1+1AA&miles=5".to_owned(),
        "/directory?postcode=LE1+9ZZ".to_owned(),
        format!("/directory?language={english}&page=2"),
        format!("/directory/services/{}", reviewed["id"].as_str().unwrap()),
        format!("/directory/services/{}", never["id"].as_str().unwrap()),
    ]
    .iter()
    .map(|p| format!("{}{p}", server.url))
    .collect();
    assert_accessible(&urls);
    // The editor's pages (issue 15): the list, a new service's form, a service's form (its
    // location placed from its postcode, as the synthetic directory's are) and as it is
    // shown after a save, and the stale list, signed in as an admin (editors are edi_leads
    // and admins).
    let editor: Vec<String> = [
        "/directory/edit".to_owned(),
        "/directory/edit/new".to_owned(),
        format!(
            "/directory/edit/services/{}",
            reviewed["id"].as_str().unwrap()
        ),
        format!(
            "/directory/edit/services/{}?done=saved",
            reviewed["id"].as_str().unwrap()
        ),
        "/directory/edit/stale".to_owned(),
    ]
    .iter()
    .map(|p| format!("{}{p}", server.url))
    .collect();
    assert_accessible_signed_in(&editor, crate::serve::ADMIN);
}

/// The engagement pages (issue 14) on the served demo's project: the list and the project
/// page (ideas with their statuses, the discussion) anonymously with the sign-up form; the
/// project page, the monitoring form and the survey as a participant (their cookie); the new
/// project form, the moderation queue (a reply hidden by three reports) and who is heard
/// signed in as an admin.
#[test]
fn every_engagement_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let (id, participant) = crate::serve::seed_demo_engagement(&server);
    let url = |p: String| format!("{}{p}", server.url);
    assert_accessible(&[url("/engage".into()), url(format!("/engage/{id}"))]);
    assert_accessible_with_cookie(
        &[
            url(format!("/engage/{id}")),
            url(format!("/engage/{id}/monitoring")),
            url(format!("/engage/{id}/surveys/1")),
        ],
        &participant,
    );
    assert_accessible_signed_in(
        &[
            url("/engage/new".into()),
            url(format!("/engage/{id}/moderation")),
            url(format!("/engage/{id}/heard")),
            url(format!("/engage/{id}/surveys/new")),
            url(format!("/engage/{id}/surveys/1/results")),
        ],
        crate::serve::ADMIN,
    );
}

/// The assurance pages (issue 16), signed in as an admin: the objectives, an objective's form
/// with its measures, the published figures to choose from, a measure's form, the EDS 2022
/// ratings with the rating form, the annual report's sections and a section's form, and the
/// annual report itself, and the EDS 2022 template's pages (cover, third parties, completed
/// actions, action plan, summary report). An objective, a measure, ratings and the template's
/// parts are put in the served store through `equalis-store`, under the same rules as the
/// pages.
#[test]
fn every_assurance_page_type_passes_axe() {
    if harness().is_none() {
        return;
    }
    let server = crate::serve::serve_demo();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use equalis_assure::eds::RatingInput;
        use equalis_assure::{FinancialYear, MeasureInput, ObjectiveInput};
        use equalis_store::{Actor, Database, Store, StoreConfig};
        let store = Store::open(
            &Database::for_workspace(server.workspace()),
            StoreConfig::default(),
        )
        .await
        .unwrap();
        let by = Actor::User(crate::serve::ADMIN.0.into());
        let o = store
            .create_objective(
                &by,
                &ObjectiveInput {
                    title: "Close the gap in SMI physical health checks".into(),
                    description: "Most deprived areas first.".into(),
                    owner: "Director of Population Health".into(),
                    start_year: "2025/26".into(),
                    end_year: "2028/29".into(),
                },
            )
            .await
            .unwrap();
        store
            .add_measure(
                &by,
                o.id,
                &MeasureInput {
                    name: "SMI health checks, most deprived quintile".into(),
                    figure: ["indicator", "smi_health_check", "imd_quintile", "1", ""]
                        .map(String::from),
                    direction: "higher".into(),
                    baseline: "40".into(),
                    baseline_year: "2024/25".into(),
                    target: "60".into(),
                    target_year: "2028/29".into(),
                },
            )
            .await
            .unwrap();
        let year: FinancialYear = "2025/26".parse().unwrap();
        for (outcome, service, group) in [
            ("1A", "Maternity", "patients_public"),
            ("2A", "", "staff"),
            ("3A", "", "independent_peer"),
        ] {
            store
                .rate_eds(
                    &by,
                    year,
                    &RatingInput {
                        outcome: outcome.into(),
                        service: service.into(),
                        score: "2".into(),
                        rater_group: group.into(),
                        evidence: "Panel of 12 March".into(),
                        owner: "People directorate".into(),
                    },
                )
                .await
                .unwrap();
        }
        // The reporting template's parts, so each page shows its tables and lists.
        use equalis_assure::eds::template::{
            CompletedActionInput, CoverInput, DateInput, PlanActionInput, ThirdPartiesInput,
        };
        let day = |d: &str, m: &str, y: &str| DateInput {
            day: d.into(),
            month: m.into(),
            year: y.into(),
        };
        store
            .save_eds_cover(
                &by,
                year,
                &CoverInput {
                    organisation: "NHS Synthetic ICB".into(),
                    eds_lead: "Ama Mensah".into(),
                    level: "partnership".into(),
                    partners: "Synthetic Hospitals".into(),
                    date_completed: day("20", "2", "2026"),
                    month_published: "February 2026".into(),
                    board_sponsor: "Chief People Officer".into(),
                    ics_name: "Synthetic ICS".into(),
                    date_authorised: day("26", "2", "2026"),
                    authorised_by: "ICB Board".into(),
                    revision_date: day("28", "2", "2027"),
                    plan_years: "2025/26 to 2026/27".into(),
                },
            )
            .await
            .unwrap();
        store
            .save_eds_third_parties(
                &by,
                year,
                &ThirdPartiesInput {
                    trade_union_reps: "J Okafor (UNISON)".into(),
                    independent_evaluators: "P Reviewer".into(),
                },
            )
            .await
            .unwrap();
        store
            .add_eds_completed_action(
                &by,
                year,
                &CompletedActionInput {
                    action: "Reverse mentoring for the board".into(),
                    objectives: "Objective 2".into(),
                },
            )
            .await
            .unwrap();
        store
            .add_eds_action(
                &by,
                year,
                &PlanActionInput {
                    outcome: "3A".into(),
                    objective_id: o.id.to_string(),
                    objective: String::new(),
                    action: "Board development session".into(),
                    completion: day("30", "9", "2026"),
                },
            )
            .await
            .unwrap();
        store.close().await;
    });
    let urls: Vec<String> = [
        "/objectives",
        "/objectives/new",
        "/objectives/1",
        "/objectives/1/figures?q=smi_health_check",
        "/objectives/1/measures/new",
        "/objectives/1/measures/1",
        "/eds/2025-26",
        "/eds/2025-26/report",
        "/eds/2025-26/cover",
        "/eds/2025-26/third-parties",
        "/eds/2025-26/completed",
        "/eds/2025-26/actions",
        "/annual-report/2025-26/edit",
        "/annual-report/2025-26/sections/psed_statement",
        "/annual-report/2025-26",
    ]
    .iter()
    .map(|p| format!("{}{p}", server.url))
    .collect();
    assert_accessible_signed_in(&urls, crate::serve::ADMIN);
}
