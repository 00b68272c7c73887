//! The dashboards: home, the list of indicators, an indicator by breakdown, CSV downloads,
//! the analyst view, 404s with the valid names, and snapshots of key pages.

use axum::http::{StatusCode, header};
use equalis_store::Role;

use crate::fixture::{App, Who, email_of, write_results};

#[tokio::test]
async fn home_and_indicators_list_what_the_workspace_holds() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let home = app.get("/", &who).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("3 indicators"), "{}", home.body);
    assert!(home.body.contains("Mental health") && home.body.contains("Elective waiting list"));
    // The computed time as people read it, not an RFC 3339 stamp.
    assert!(
        home.body.contains("computed 1 April 2026, 09:00 UTC."),
        "{}",
        home.body
    );
    let list = app.get("/indicators", &who).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("SMI physical health checks"));
    assert!(
        list.body
            .contains("href=\"/indicators/smi_health_check?breakdown=ethnic_group\"")
    );
    assert!(
        list.body
            .contains("href=\"/indicators/wl_over_52_weeks.csv\"")
    );
    assert!(list.body.contains("Deprivation quintile (IMD 2025)"));
}

#[tokio::test]
async fn an_indicator_page_shows_the_reports_chart_and_the_published_table() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app
        .get(
            "/indicators/smi_health_check?breakdown=ethnic_group&period=2025/26",
            &who,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<svg"), "the report's forest plot");
    assert!(
        r.body
            .contains("SMI physical health checks by ethnic group, 2025/26")
    );
    assert!(
        r.body
            .contains("<th scope=\"row\" class=\"nhsuk-table__header\">Mixed</th>")
    );
    // Mixed (4 of 12) and Other (3 of 8) are withheld.
    assert!(r.body.contains(">*</td>"));
    assert!(
        r.body.contains(
            "href=\"/indicators/smi_health_check.csv?breakdown=ethnic_group&amp;period=2025%2F26\""
        ),
        "{}",
        r.body
    );
    // A viewer is not offered the unsuppressed view.
    assert!(!r.body.contains("Open the unsuppressed view"));
    // The default is the latest period and the first breakdown.
    let d = app.get("/indicators/smi_health_check", &who).await;
    assert!(
        d.body.contains("by deprivation quintile, 2025/26"),
        "{}",
        d.body
    );
    // The trend of the ICS value, drawn by the report, with its own chart id.
    assert!(r.body.contains("<h2>ICS value over time</h2>"));
    assert!(r.body.contains("chart-1-title") && r.body.contains("chart-2-title"));
    let one_period = app.get("/indicators/wl_over_52_weeks", &who).await;
    assert_eq!(one_period.status, StatusCode::OK);
    assert!(!one_period.body.contains("ICS value over time"));
    // The whole ICS.
    let all = app
        .get(
            "/indicators/smi_health_check?breakdown=all&period=latest",
            &who,
        )
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("ICS (everyone)"));
}

#[tokio::test]
async fn unknown_names_are_404s_that_list_the_valid_ones() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.get("/indicators/no_such_thing", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains("There is no indicator `no_such_thing`."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<code>smi_health_check</code>")
            && r.body.contains("<code>wl_over_52_weeks</code>")
    );
    let r = app
        .get("/indicators/smi_health_check?breakdown=postcode", &who)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for b in ["all", "imd_quintile", "ethnic_group", "sex"] {
        assert!(
            r.body.contains(&format!("<code>{b}</code>")),
            "{b}: {}",
            r.body
        );
    }
    let r = app
        .get("/indicators/smi_health_check.csv?period=1999/00", &who)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<code>2024/25</code>") && r.body.contains("<code>2025/26</code>"));
    let r = app.get("/nowhere", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<code>/indicators</code>"));
    let r = app.get("/api/v1/nowhere", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json()["error"]["valid"]["routes"][0],
        "/api/v1/indicators"
    );
    let r = app
        .get("/indicators/smi_health_check?view=secret", &who)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("There is no view `secret`"));
    // Errors show no internals.
    assert!(!r.body.contains("panicked") && !r.body.contains("src/"));
}

#[tokio::test]
async fn csv_downloads_carry_the_published_rows() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app
        .get(
            "/indicators/smi_health_check.csv?breakdown=ethnic_group&period=2025/26",
            &who,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header(header::CONTENT_TYPE),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        r.header(header::CONTENT_DISPOSITION)
            .unwrap_or_default()
            .contains("smi_health_check-ethnic_group.csv")
    );
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(
        lines[0].starts_with("indicator_id,period,breakdown,group,statistic,numerator,denominator")
    );
    assert_eq!(lines.len(), 1 + 5, "{}", r.body);
    let mixed = lines.iter().find(|l| l.contains(",Mixed,")).expect("Mixed");
    assert!(mixed.contains(",*,"), "{mixed}");
    assert!(!mixed.contains(",4,") && !mixed.contains(",12,"), "{mixed}");
    // Every breakdown and period without filters.
    let all = app.get("/indicators/smi_health_check.csv", &who).await;
    assert_eq!(all.body.lines().count(), 1 + 2 * 13);
}

#[tokio::test]
async fn excel_downloads_carry_the_csvs_published_rows() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    for q in ["?breakdown=ethnic_group&period=2025/26", ""] {
        let r = app
            .get(&format!("/indicators/smi_health_check.xlsx{q}"), &who)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        assert_eq!(
            r.header(header::CONTENT_TYPE),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let want_name = if q.is_empty() {
            "smi_health_check.xlsx"
        } else {
            "smi_health_check-ethnic_group-2025_26.xlsx"
        };
        assert_eq!(
            r.header(header::CONTENT_DISPOSITION),
            Some(format!("attachment; filename=\"{want_name}\"").as_str())
        );
        let book = r.workbook();
        assert_eq!(book.len(), 2);
        let (cover, figures) = (&book[0], &book[1]);
        assert_eq!(cover.0, "Cover");
        assert!(
            cover
                .1
                .iter()
                .any(|r| r[0] == "View" && r[1].starts_with("published")),
            "{:?}",
            cover.1
        );
        assert_eq!(figures.0, "Figures");
        // The same rows, cell for cell, as the CSV with the same filters.
        let csv = app
            .get(&format!("/indicators/smi_health_check.csv{q}"), &who)
            .await;
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(figures.1[2], header);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect())
            .collect();
        assert!(!rows.is_empty());
        assert_eq!(&figures.1[3..], &rows[..], "{q}");
    }
    // The page and the list link to it; the analyst view has no workbook.
    let page = app
        .get(
            "/indicators/smi_health_check?breakdown=ethnic_group&period=2025/26",
            &who,
        )
        .await;
    assert!(page.body.contains(
        "href=\"/indicators/smi_health_check.xlsx?breakdown=ethnic_group&amp;period=2025%2F26\""
    ));
    let list = app.get("/indicators", &who).await;
    assert!(
        list.body
            .contains("href=\"/indicators/smi_health_check.xlsx\"")
    );
    let analyst = app.as_role(Role::Analyst).await;
    let r = app
        .get("/indicators/smi_health_check.xlsx?view=analyst", &analyst)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("published figures only"), "{}", r.body);
    let r = app.get("/indicators/no_such.xlsx", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_analyst_view_is_for_analysts_and_admins_and_is_audited() {
    let app = App::new(false).await;
    let path = "/indicators/smi_health_check?breakdown=ethnic_group&period=2025/26&view=analyst";
    for role in [Role::Viewer, Role::Reviewer, Role::EdiLead] {
        let who = app.as_role(role).await;
        let r = app.get(path, &who).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
        assert!(r.body.contains("for the analyst and admin roles"));
    }
    let before = app
        .store
        .latest_audit_entries(1000)
        .await
        .expect("audit")
        .len();
    let who = app.as_role(Role::Analyst).await;
    let after_login = app
        .store
        .latest_audit_entries(1000)
        .await
        .expect("audit")
        .len();
    let r = app.get(path, &who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Unsuppressed view"));
    // The exact small count is shown to the analyst: 4 of 12.
    assert!(r.body.contains("equalis-count\">4</td>"), "{}", r.body);
    let entries = app.store.latest_audit_entries(1000).await.expect("audit");
    assert_eq!(entries.len(), after_login + 1);
    assert!(after_login > before);
    let last = entries.last().expect("an entry");
    assert_eq!(last.action, "results.viewed_unsuppressed");
    assert_eq!(last.actor, format!("user:{}", email_of(Role::Analyst)));
    assert_eq!(last.subject, "indicator:smi_health_check");
    assert!(last.detail.contains("view=analyst"), "{}", last.detail);
    // The CSV of the analyst view is audited too.
    let csv = app
        .get("/indicators/smi_health_check.csv?view=analyst", &who)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        app.store
            .latest_audit_entries(1000)
            .await
            .expect("audit")
            .len(),
        after_login + 2
    );
    // The chain still verifies.
    let v = app.store.verify_audit().await.expect("verify");
    assert!(v.problem.is_none());
}

#[tokio::test]
async fn the_audit_log_page_is_for_admins() {
    let app = App::new(false).await;
    let admin = app.as_role(Role::Admin).await;
    let r = app.get("/admin/audit", &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("login.succeeded"));
    let analyst = app.as_role(Role::Analyst).await;
    assert_eq!(
        app.get("/admin/audit", &analyst).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_new_results_version_is_served_without_a_restart() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let v1 = app.get("/api/v1/indicators", &who).await.json();
    assert_eq!(v1["results_version"], "v1");
    write_results(app.dir.path());
    let v2 = app.get("/api/v1/indicators", &who).await.json();
    assert_eq!(v2["results_version"], "v2");
}

#[tokio::test]
async fn a_fault_is_a_500_page_without_internals() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    // Results that name a version that is not there: a fault, not the user's mistake.
    std::fs::write(app.dir.path().join("results/CURRENT"), "v99").expect("write");
    for path in ["/indicators", "/indicators/smi_health_check"] {
        let r = app.get(path, &who).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(
            r.body
                .contains("Sorry, there is a problem with the service")
        );
        let dir = app.dir.path().to_string_lossy().into_owned();
        assert!(
            !r.body.contains("v99") && !r.body.contains(&dir),
            "{}",
            r.body
        );
    }
    let api = app.get("/api/v1/indicators", &who).await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.json()["error"]["status"], 500);
}

/// Removes what changes from run to run (the CSRF token).
fn redact(body: &str) -> String {
    let mut out = String::new();
    for line in body.lines() {
        if let Some(i) = line.find("name=\"csrf_token\" value=\"") {
            out.push_str(&line[..i]);
            out.push_str("name=\"csrf_token\" value=\"[csrf]\">");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn snapshot_of_the_login_page() {
    let app = App::new(false).await;
    let r = app.get("/login?next=/indicators", &Who::Anonymous).await;
    insta::assert_snapshot!("login_page", redact(&r.body));
}

#[tokio::test]
async fn snapshot_of_an_indicator_page() {
    let app = App::new(true).await;
    let r = app
        .get(
            "/indicators/smi_health_check?breakdown=ethnic_group&period=2025/26",
            &Who::Anonymous,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    insta::assert_snapshot!("indicator_page", redact(&r.body));
}

#[tokio::test]
async fn cached_pages_name_whoever_asks_and_the_analyst_view_is_never_cached() {
    let app = App::new(false).await;
    let path = "/indicators/smi_health_check?breakdown=ethnic_group&period=2025/26";
    let analyst = app.as_role(Role::Analyst).await;
    let viewer = app.as_role(Role::Viewer).await;
    // The analyst asks first: the published body kept must not carry the analyst's link or
    // name to the viewer who asks next.
    let a = app.get(path, &analyst).await;
    assert!(a.body.contains("Open the unsuppressed view"), "{}", a.body);
    assert!(a.body.contains("Role: analyst"));
    for _ in 0..2 {
        let v = app.get(path, &viewer).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(!v.body.contains("Open the unsuppressed view"));
        assert!(v.body.contains("Role: viewer"), "{}", v.body);
        assert!(!v.body.contains("Role: analyst"));
    }
    // The same bytes on a second request, from the cache.
    assert_eq!(app.get(path, &analyst).await.body, a.body);
    // The list and the API are the same twice too.
    for p in [
        "/indicators",
        "/api/v1/indicators",
        "/indicators/smi_health_check.csv",
    ] {
        let first = app.get(p, &viewer).await;
        assert_eq!(first.status, StatusCode::OK, "{p}");
        assert_eq!(app.get(p, &viewer).await.body, first.body, "{p}");
    }
    // A bad query is never kept: it is a 404 each time.
    for _ in 0..2 {
        let r = app
            .get("/indicators/smi_health_check?breakdown=nothing", &viewer)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // Each unsuppressed view is rendered and audited anew.
    let audited = || async {
        app.store
            .latest_audit_entries(1000)
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.action == "results.viewed_unsuppressed")
            .count()
    };
    let before = audited().await;
    for _ in 0..3 {
        let r = app.get(&format!("{path}&view=analyst"), &analyst).await;
        assert!(r.body.contains("Unsuppressed view"));
        let r = app
            .get("/indicators/smi_health_check.csv?view=analyst", &analyst)
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    assert_eq!(audited().await, before + 6);
}
