//! The figures a measure of an equality objective may follow, through HTTP: WRES, WDES and
//! pay gap rows offered from the published workforce returns and an unpublished one refused
//! by its field; engagement reach (a group's participants or representation ratio among each
//! year's joiners) offered from the who-is-heard view, refused by field when it names nothing,
//! and a withheld count never turned into progress.

use axum::http::StatusCode;
use equalis_engage::MonitoringAnswers;
use equalis_store::Role;

use crate::assurance::{add_objective, post};
use crate::fixture::App;

/// A measure's form fields with the figure `parts` (kind, name, breakdown, group, reference).
fn measure<'a>(name: &'a str, parts: [&'a str; 5], direction: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("figure_kind", parts[0]),
        ("figure_name", parts[1]),
        ("figure_breakdown", parts[2]),
        ("figure_group", parts[3]),
        ("figure_reference", parts[4]),
        ("direction", direction),
        ("baseline", "10"),
        ("baseline_year", "2025/26"),
        ("target", if direction == "higher" { "40" } else { "1" }),
        ("target_year", "2028/29"),
    ]
}

#[tokio::test]
async fn workforce_figures_are_offered_from_the_published_returns_and_others_refused() {
    let app = App::with_workforce(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let path = add_objective(&app, &edi).await;
    let new = format!("{path}/measures/new");

    // What the returns publish year on year, as the page must offer it.
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    let figures = equalis_app::objectives::workforce_figures(&ws).expect("figures");
    let wres2 = figures
        .iter()
        .find(|c| c.parts[0] == "wres" && c.parts[1] == "2")
        .expect("WRES indicator 2 is followed year on year");
    assert!(figures.iter().any(|c| c.parts[0] == "wdes"));
    assert_eq!(
        figures.iter().filter(|c| c.parts[0] == "pay_gap").count(),
        6,
        "three pay gaps, mean and median"
    );

    let page = app.get(&format!("{path}/figures?q=wres"), &edi).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("measures/new?figure_kind=wres&amp;figure_name=2&amp;figure_breakdown="),
        "{}",
        page.body
    );
    assert!(!page.body.contains("figure_kind=indicator&amp;"));
    let page = app.get(&format!("{path}/figures?q=pay+gap"), &edi).await;
    assert!(page.body.contains("Gender pay gap, median hourly pay"));
    assert!(
        page.body.contains("-03-31)"),
        "the latest value with its date"
    );

    // A row the WRES return does not have: refused by its field, naming those it has.
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure("WRES 2", ["wres", "2", "shoe size", "", ""], "lower"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"href="#figure_breakdown""##));
    assert!(
        r.body.contains("has no row containing `shoe size`"),
        "{}",
        r.body
    );
    // A metric the returns do not follow year on year: refused by `figure_name`.
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure("WDES 9", ["wdes", "9", "x", "", ""], "lower"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"href="#figure_name""##));
    // The row offered is accepted, and so is a pay gap.
    let p = &wres2.parts;
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure("WRES 2", [&p[0], &p[1], &p[2], "", ""], "lower"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure("Pay", ["pay_gap", "gender", "median", "", ""], "lower"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Without staff data a WRES figure is not published at all.
    let bare = App::new(false).await;
    let edi = bare.as_role(Role::EdiLead).await;
    let path = add_objective(&bare, &edi).await;
    let new = format!("{path}/measures/new");
    let r = post(
        &bare,
        &edi,
        &new,
        &new,
        &measure(
            "WRES 2",
            ["wres", "2", "relative likelihood", "", ""],
            "lower",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("holds no staff data"), "{}", r.body);
}

#[tokio::test]
async fn engagement_reach_is_a_measure_and_a_withheld_count_is_never_progress() {
    let app = App::new(false).await;
    let (project, _) = crate::engage::start_project(&app, "post").await;
    // Joined in 2026/27 (the fixture's clock): 22 Black or Black British, 3 White (withheld).
    for (k, category) in std::iter::repeat_n("N", 22)
        .chain(std::iter::repeat_n("A", 3))
        .enumerate()
    {
        let who = app
            .store
            .join_project(project, None, &format!("person {k}"))
            .await
            .unwrap();
        let a = MonitoringAnswers {
            ethnic_category: Some(category.into()),
            ..Default::default()
        };
        app.store
            .save_monitoring(who.participant.id, &a)
            .await
            .unwrap();
    }
    let edi = app.as_role(Role::EdiLead).await;
    let path = add_objective(&app, &edi).await;
    let new = format!("{path}/measures/new");

    // Offered for the project and for every project, with the latest published value.
    let page = app.get(&format!("{path}/figures?q=engagement"), &edi).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let link = format!(
        "measures/new?figure_kind=engagement&amp;figure_name=participants&amp;figure_breakdown=ethnic_group&amp;figure_group=Black%20or%20Black%20British&amp;figure_reference={project}"
    );
    assert!(page.body.contains(&link), "{}", page.body);
    assert!(page.body.contains("20 (2026/27)"), "22 rounded to 5");
    assert!(page.body.contains("* (2026/27)"), "3 withheld");

    let black = "Black or Black British";
    let id = project.to_string();
    // A group, characteristic or project the view does not publish: refused by its field.
    for (parts, field, says) in [
        (
            [
                "engagement",
                "participants",
                "ethnic_group",
                "Martian",
                id.as_str(),
            ],
            "figure_group",
            "has no group `Martian`",
        ),
        (
            ["engagement", "participants", "shoe_size", black, ""],
            "figure_breakdown",
            "no characteristic `shoe_size`",
        ),
        (
            ["engagement", "ratio", "ethnic_group", black, "999"],
            "figure_reference",
            "no engagement project 999",
        ),
    ] {
        let r = post(&app, &edi, &new, &new, &measure("Reach", parts, "higher")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains(&format!(r##"href="#{field}""##)),
            "{}",
            r.body
        );
        assert!(r.body.contains(says), "{}", r.body);
        assert!(
            r.body.contains(r#"value="Reach""#),
            "what was typed is kept"
        );
    }
    // Accepted: the Black group's participants, and the White group's (withheld) ratio.
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure(
            "Black participants",
            ["engagement", "participants", "ethnic_group", black, &id],
            "higher",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(
        &app,
        &edi,
        &new,
        &new,
        &measure(
            "White ratio",
            ["engagement", "ratio", "ethnic_group", "White", ""],
            "higher",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.store.objectives().await.expect("objectives");
    assert_eq!(stored[0].measures.len(), 2);

    // The report follows them: 20 published, on track; the withheld ratio is no data.
    let report = app.get("/annual-report/2026-27", &edi).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let row = |name: &str| -> String {
        let start = report.body.find(name).expect("the measure's row");
        let end = report.body[start..].find("</tr>").expect("row end") + start;
        report.body[start..end].to_owned()
    };
    let black_row = row("Black participants");
    assert!(black_row.contains("20 (2026/27)"), "{black_row}");
    assert!(black_row.contains("On track"), "{black_row}");
    let white_row = row("White ratio");
    assert!(white_row.contains("No data"), "{white_row}");
    assert!(white_row.contains("withheld"), "{white_row}");
    // And the board pack.
    let pack = app.get("/board-pack", &edi).await;
    assert_eq!(pack.status, StatusCode::OK);
    assert!(pack.body.contains("Black participants"));
}
