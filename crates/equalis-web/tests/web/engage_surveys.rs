//! Surveys through HTTP, end to end: an EDI lead writes a survey on the form (errors by field,
//! nothing typed lost, a question slot added, CSRF needed, the survey's creation audited); the
//! public answer it, with the equality monitoring questions it includes asked once and kept
//! apart; and its results are shown to staff with small numbers withheld, free text to
//! moderators only.

use axum::http::{StatusCode, header};
use equalis_store::Role;

use crate::engage::{Browser, form, staff_csrf, start_project};
use crate::fixture::{App, Who, email_of};

/// The cell after a row header in the results' tables.
fn cell(body: &str, row: &str) -> String {
    let marker = format!(
        "<th scope=\"row\" class=\"nhsuk-table__header\">{row}</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">"
    );
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {row}: {body}"))
        + marker.len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn a_moderator_creates_a_survey_the_public_answer_and_small_numbers_are_withheld() {
    let app = App::new(false).await;
    let (p, lead) = start_project(&app, "post").await;

    // Only moderators may write surveys.
    let analyst = app.as_role(Role::Analyst).await;
    let r = app.get(&format!("/engage/{p}/surveys/new"), &analyst).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = app.get(&format!("/engage/{p}/surveys/new"), &lead).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Include the standard NHS equality monitoring questions")
    );
    let token = staff_csrf(&page.body);
    let post = |pairs: Vec<(&str, &str)>, with_token: bool| {
        let mut all = Vec::new();
        if with_token {
            all.push(("csrf_token", token.as_str()));
        }
        all.extend(pairs);
        let body = form(&all);
        let (app, lead) = (&app, &lead);
        async move {
            app.post_form(&format!("/engage/{p}/surveys"), lead, &[], &body)
                .await
        }
    };

    // Errors by field; what was typed is kept.
    let r = post(
        vec![
            ("slots", "3"),
            ("title", ""),
            ("q0-prompt", "Did you find the help you needed?"),
            ("q0-kind", "single"),
            ("q0-options", "Only one option"),
            ("q1-prompt", "Tell us more"),
            ("action", "create"),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Enter a title for the survey"));
    assert!(r.body.contains("href=\"#q0-options\""));
    assert!(
        r.body
            .contains("Give question 1 at least 2 options, one a line")
    );
    assert!(r.body.contains("Select how question 2 is answered"));
    assert!(
        r.body
            .contains("value=\"Did you find the help you needed?\"")
    );
    assert!(r.body.contains(">Only one option</textarea>"));

    // "Add another question" keeps everything and shows a fourth slot.
    let r = post(
        vec![
            ("slots", "3"),
            ("title", "Finding help"),
            ("q0-prompt", "Did you find the help you needed?"),
            ("action", "add"),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Question 4") && !r.body.contains("Question 5"));
    assert!(r.body.contains("value=\"Finding help\""));

    let survey = vec![
        ("slots", "4"),
        ("title", "Finding help"),
        ("q0-prompt", "Did you find the help you needed?"),
        ("q0-kind", "single"),
        ("q0-options", "Yes\r\nNo\r\nNot sure"),
        ("q0-required", "yes"),
        ("q1-prompt", "How did you look for it?"),
        ("q1-kind", "multiple"),
        ("q1-options", "By phone\nOnline\nIn person"),
        ("q2-prompt", "What would have helped?"),
        ("q2-kind", "text"),
        ("monitoring", "yes"),
        ("action", "create"),
    ];
    // Without its token the form is refused and nothing is made.
    let r = post(survey.clone(), false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(survey, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let results_path = r.header(header::LOCATION).unwrap().to_owned();
    let sid: i64 = results_path
        .trim_start_matches(&format!("/engage/{p}/surveys/"))
        .trim_end_matches("/results")
        .parse()
        .unwrap();
    let last = app.store.latest_audit_entries(1).await.unwrap();
    assert_eq!(last[0].action, "engage.survey.created");
    assert_eq!(last[0].actor, format!("user:{}", email_of(Role::EdiLead)));
    assert_eq!(app.store.surveys(p).await.unwrap().len(), 1);
    let project = app.get(&format!("/engage/{p}"), &lead).await;
    assert!(
        project
            .body
            .contains(&format!("/engage/{p}/surveys/{sid}/results"))
    );

    // The public answer: 9 Yes and 3 No; all 12 by phone, 2 also online; one writes markup.
    let survey_path = format!("/engage/{p}/surveys/{sid}");
    for k in 0..12 {
        let b = Browser::join(&app, p, &format!("Voice {k}")).await;
        let page = b.get(&app, &survey_path).await;
        assert!(
            page.body.contains("What is your ethnic group?"),
            "the survey asks the monitoring questions of those who have not answered them"
        );
        if k == 0 {
            // A required question left blank: the error names it and the text is kept.
            let r = b
                .post(
                    &app,
                    &survey_path,
                    &[("q2", "Evening clinics"), ("ethnic_category", "A")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("Select an answer"));
            assert!(r.body.contains(">Evening clinics</textarea>"));
            assert!(r.body.contains("value=\"A\" checked"));
        }
        let yes = if k < 9 { "0" } else { "1" };
        let mut pairs = vec![
            ("q0", yes),
            ("q1", "0"),
            ("ethnic_category", "A"),
            ("age_band", "25-34"),
        ];
        if k < 2 {
            pairs.push(("q1", "1"));
        }
        if k == 0 {
            pairs.push(("q2", "<script>alert(1)</script> Evening clinics"));
        }
        let r = b.post(&app, &survey_path, &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Asked once: the monitoring questions are not asked again.
        let again = b.get(&app, &survey_path).await;
        assert!(!again.body.contains("What is your ethnic group?"));
    }
    // The monitoring answers are kept with the participants, apart from the responses.
    let (n, answers) = app.store.monitoring_answers(p).await.unwrap();
    assert_eq!((n, answers.len()), (12, 12));
    assert!(
        answers
            .iter()
            .all(|a| a.ethnic_category.as_deref() == Some("A"))
    );

    // Results: 12 responses → 10; Yes 9 → 10; No 3 → *; by phone 12 → 10; online 2 → *.
    let r = app.get(&results_path, &lead).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("10 responses"));
    assert_eq!(cell(&r.body, "Yes"), "10");
    assert_eq!(cell(&r.body, "No"), "*");
    assert_eq!(cell(&r.body, "Not sure"), "0");
    assert_eq!(cell(&r.body, "By phone"), "10");
    assert_eq!(cell(&r.body, "Online"), "*");
    for small in ["9", "3", "12", "2"] {
        assert!(
            !r.body
                .contains(&format!("nhsuk-table__cell--numeric\">{small}<")),
            "{small} is published"
        );
    }
    // Free text is shown to moderators, escaped.
    assert!(
        r.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; Evening clinics")
    );
    assert!(!r.body.contains("<script>alert"));
    // Other staff see the counts but not the words; the public see nothing.
    let r = app.get(&results_path, &analyst).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(cell(&r.body, "Yes"), "10");
    assert!(!r.body.contains("Evening clinics"));
    let r = app.get(&results_path, &Who::Anonymous).await;
    assert_ne!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn the_monitoring_form_asks_the_area_of_those_without_an_lsoa_code() {
    let app = App::new(false).await;
    let (p, _lead) = start_project(&app, "post").await;
    let b = Browser::join(&app, p, "Rosa").await;
    let path = format!("/engage/{p}/monitoring");
    let page = b.get(&app, &path).await;
    assert!(page.body.contains("Which area do you live in?"));
    assert!(
        page.body
            .contains("<option value=\"Charnwood\">Charnwood</option>")
    );
    // A place outside the footprint: the error names the field, and the other answers stay.
    let r = b
        .post(
            &app,
            &path,
            &[("place", "Nottingham"), ("age_band", "35-44")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#place\""));
    assert!(r.body.contains("value=\"35-44\" checked"));
    let r = b
        .post(
            &app,
            &path,
            &[("place", "Charnwood"), ("age_band", "35-44")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, answers) = app.store.monitoring_answers(p).await.unwrap();
    assert_eq!(answers[0].place.as_deref(), Some("Charnwood"));
    assert_eq!(answers[0].imd_quintile, None);
}
