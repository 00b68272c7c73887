//! Engagement through HTTP: a moderator starts a project; the public take part (by nickname),
//! answer the monitoring once, post (markup is inert), support once, report three times (the
//! post is hidden), and a moderator approves it (audited); forms without their CSRF token,
//! over-long and oversized forms are refused; and the who-is-heard page's figures agree with
//! an independent computation from the footprint's residents.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use equalis_engage::MonitoringAnswers;
use equalis_store::Role;

use crate::fixture::{App, Reply, Who, email_of, enc};

const CSRF_COOKIE: &str = "equalis-engage-csrf";

pub(crate) fn staff_csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + 64].to_owned()
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser of the public: its CSRF cookie and, once signed up, its participant cookie.
pub(crate) struct Browser {
    csrf: String,
    pub(crate) participant: Option<(String, String)>,
}

impl Browser {
    pub(crate) async fn open(app: &App, project: i64) -> Browser {
        let page = app
            .get(&format!("/engage/{project}"), &Who::Anonymous)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = page.cookie(CSRF_COOKIE).expect("a CSRF cookie");
        assert!(page.body.contains(&csrf), "the forms carry the token");
        Browser {
            csrf,
            participant: None,
        }
    }

    fn cookies(&self) -> Vec<(&str, &str)> {
        let mut c = vec![(CSRF_COOKIE, self.csrf.as_str())];
        if let Some((k, v)) = &self.participant {
            c.push((k.as_str(), v.as_str()));
        }
        c
    }

    pub(crate) async fn post(&self, app: &App, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        app.post_form(path, &Who::Anonymous, &self.cookies(), &form(&all))
            .await
    }

    pub(crate) async fn get(&self, app: &App, path: &str) -> Reply {
        let cookie = self
            .cookies()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        app.send(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn join(app: &App, project: i64, nickname: &str) -> Browser {
        let mut b = Browser::open(app, project).await;
        let r = b
            .post(
                app,
                &format!("/engage/{project}/join"),
                &[("how", "anonymous"), ("nickname", nickname)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let name = format!("equalis-participant-{project}");
        b.participant = Some((name.clone(), r.cookie(&name).expect("a participant cookie")));
        b
    }
}

/// A project made through the form by the EDI lead; its id.
pub(crate) async fn start_project(app: &App, moderation: &str) -> (i64, Who) {
    let lead = app.as_role(Role::EdiLead).await;
    let page = app.get("/engage/new", &lead).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = staff_csrf(&page.body);
    let Who::Cookie(session) = &lead else {
        unreachable!()
    };
    let body = form(&[
        ("csrf_token", &token),
        ("title", "Let's talk: mental health support"),
        ("summary", "What would help?"),
        ("footprint", "qk1"),
        ("moderation", moderation),
        ("anonymous_allowed", "yes"),
    ]);
    let r = app
        .post_form("/engage", &Who::Cookie(session.clone()), &[], &body)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .header(header::LOCATION)
        .unwrap()
        .trim_start_matches("/engage/")
        .parse()
        .unwrap();
    (id, lead)
}

#[tokio::test]
async fn post_support_report_three_times_and_moderate() {
    let app = App::new(false).await;
    let (p, lead) = start_project(&app, "post").await;
    let amina = Browser::join(&app, p, "Amina").await;

    // Monitoring is asked once.
    let m = amina.get(&app, &format!("/engage/{p}/monitoring")).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.body.contains("What is your ethnic group?"));
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/monitoring"),
            &[("age_band", "25-34"), ("ethnic_category", "N")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = amina.get(&app, &format!("/engage/{p}/monitoring")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "not asked twice");

    // Markup is stored as typed and shown as text.
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[
                ("kind", "idea"),
                ("title", "<script>alert('t')</script>"),
                ("body", "<img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/engage/{p}"), &Who::Anonymous).await;
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;")
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<img src=x"));
    let post: i64 = {
        let at = page.body.find("id=\"post-").unwrap() + 9;
        page.body[at..].split('"').next().unwrap().parse().unwrap()
    };

    // Support once per participant.
    let bo = Browser::join(&app, p, "Bo").await;
    for b in [&amina, &bo, &bo] {
        let r = b
            .post(&app, &format!("/engage/{p}/posts/{post}/support"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(app.store.post(post).await.unwrap().unwrap().supports, 2);
    assert!(
        app.get(&format!("/engage/{p}"), &Who::Anonymous)
            .await
            .body
            .contains("2 supports")
    );

    // Three reports hide it from the public.
    let chris = Browser::join(&app, p, "Chris").await;
    for b in [&amina, &bo, &chris] {
        let r = b
            .post(
                &app,
                &format!("/engage/{p}/posts/{post}/report"),
                &[("reason", "spam")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = app.get(&format!("/engage/{p}"), &Who::Anonymous).await;
    assert!(
        !page.body.contains("&lt;script&gt;"),
        "hidden after 3 reports"
    );

    // The moderation queue is the moderators': a viewer is refused.
    let viewer = app.as_role(Role::Viewer).await;
    assert_eq!(
        app.get(&format!("/engage/{p}/moderation"), &viewer)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let queue = app.get(&format!("/engage/{p}/moderation"), &lead).await;
    assert!(queue.body.contains("Hidden by reports"), "{}", queue.body);
    let token = staff_csrf(&queue.body);
    let Who::Cookie(s) = &lead else {
        unreachable!()
    };
    let no_csrf = app
        .post_form(
            &format!("/engage/{p}/posts/{post}/moderate"),
            &lead,
            &[],
            "decision=approve",
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &format!("/engage/{p}/posts/{post}/moderate"),
            &Who::Cookie(s.clone()),
            &[],
            &form(&[
                ("csrf_token", &token),
                ("decision", "approve"),
                ("reason", "harmless"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        app.get(&format!("/engage/{p}"), &Who::Anonymous)
            .await
            .body
            .contains("&lt;script&gt;"),
        "visible again"
    );
    let last = app.store.latest_audit_entries(1).await.unwrap();
    assert_eq!(last[0].action, "engage.post.approved");
    assert_eq!(last[0].actor, format!("user:{}", email_of(Role::EdiLead)));

    // Idea status: not taken forward, with its reason, shown on the board.
    let r = app
        .post_form(
            &format!("/engage/{p}/posts/{post}/status"),
            &Who::Cookie(s.clone()),
            &[],
            &form(&[
                ("csrf_token", &token),
                ("status", "not_taken_forward"),
                ("reason", "Already offered at weekends"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/engage/{p}"), &Who::Anonymous).await;
    assert!(
        page.body.contains("Not taken forward")
            && page.body.contains("Already offered at weekends")
    );

    // The CSV: emails only for admins (Amina has none), audited.
    let csv = app
        .get(&format!("/engage/{p}/contributions.csv"), &lead)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .starts_with("id,kind,thread,title,body,author,posted"),
        "{}",
        csv.body
    );
    let admin = app.as_role(Role::Admin).await;
    let csv = app
        .get(&format!("/engage/{p}/contributions.csv"), &admin)
        .await;
    assert!(
        csv.body
            .starts_with("id,kind,thread,title,body,author,email,posted")
    );
    assert_eq!(
        app.store.latest_audit_entries(1).await.unwrap()[0].action,
        "engage.contributions.exported"
    );
}

#[tokio::test]
async fn public_forms_need_their_token_and_keep_what_was_typed() {
    let app = App::new(false).await;
    let (p, _) = start_project(&app, "pre").await;
    let amina = Browser::join(&app, p, "Amina").await;
    // No CSRF cookie: refused.
    let r = app
        .post_form(
            &format!("/engage/{p}/join"),
            &Who::Anonymous,
            &[],
            &form(&[
                ("csrf_token", &amina.csrf),
                ("how", "anonymous"),
                ("nickname", "Eve"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A wrong token: refused.
    let cookies = amina.cookies();
    let r = app
        .post_form(
            &format!("/engage/{p}/posts"),
            &Who::Anonymous,
            &cookies,
            &form(&[
                ("csrf_token", &"0".repeat(64)),
                ("kind", "idea"),
                ("title", "x"),
                ("body", "y"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Too long: 422 with the field's message and the title kept.
    let long = "é".repeat(5_001);
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[("kind", "idea"), ("title", "Kept title"), ("body", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Your idea must be 5000 characters or fewer")
    );
    assert!(r.body.contains("value=\"Kept title\""));
    // A body far over the limit is refused before it is read.
    let huge = "a".repeat(200_000);
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[("kind", "idea"), ("title", "t"), ("body", &huge)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("The form is too large: at most 64 KB"),
        "{}",
        r.body
    );
    // Pre-moderation: the author sees theirs waiting; the public do not see it.
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[
                ("kind", "thread"),
                ("title", "Waiting rooms"),
                ("body", "Too loud"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        amina
            .get(&app, &format!("/engage/{p}"))
            .await
            .body
            .contains("Waiting for a moderator")
    );
    assert!(
        !app.get(&format!("/engage/{p}"), &Who::Anonymous)
            .await
            .body
            .contains("Waiting rooms")
    );
    // A taken nickname is a field error, with the nickname kept.
    let b = Browser::open(&app, p).await;
    let r = b
        .post(
            &app,
            &format!("/engage/{p}/join"),
            &[("how", "anonymous"), ("nickname", "Amina")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("that nickname is taken"));
    // A bad LSOA on the monitoring form names the field.
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/monitoring"),
            &[("lsoa", "SW1A 1AA")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#lsoa\""));
}

#[tokio::test]
async fn posting_is_rate_limited_per_participant() {
    let app = App::new(false).await;
    let (p, _) = start_project(&app, "post").await;
    let a = Browser::join(&app, p, "Amina").await;
    for i in 0..10 {
        let r = a
            .post(
                &app,
                &format!("/engage/{p}/posts"),
                &[
                    ("kind", "idea"),
                    ("title", &format!("Idea {i}")),
                    ("body", "b"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{i}");
    }
    let r = a
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[("kind", "idea"), ("title", "One more"), ("body", "b")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header(header::RETRY_AFTER), Some("600"));
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    let r = a
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[("kind", "idea"), ("title", "Later"), ("body", "b")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// Wilson's score interval, written out here (Newcombe 1998, method 3).
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = x / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    ((centre - half) / d, (centre + half) / d)
}

#[tokio::test]
async fn who_is_heard_matches_an_independent_computation() {
    let app = App::new(false).await;
    let (p, lead) = start_project(&app, "post").await;
    // 120 participants: 70 aged 65-74, 40 aged 25-34, 3 aged 16-24, 7 not saying.
    let bands = [
        ("65-74", 70),
        ("25-34", 40),
        ("16-24", 3),
        (equalis_engage::PREFER_NOT_TO_SAY, 7),
    ];
    let mut k = 0;
    for (band, n) in bands {
        for _ in 0..n {
            k += 1;
            let who = app
                .store
                .join_project(p, None, &format!("person {k}"))
                .await
                .unwrap();
            let a = MonitoringAnswers {
                age_band: Some(band.into()),
                ..Default::default()
            };
            app.store
                .save_monitoring(who.participant.id, &a)
                .await
                .unwrap();
        }
    }
    // The public and the signed out may not see it.
    let r = app
        .get(&format!("/engage/{p}/heard"), &Who::Anonymous)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/engage/{p}/heard"), &lead).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    // Independently: residents aged 16+ of QK1 by band, and the published (rounded) counts.
    let bands: Vec<(u8, u8)> = vec![
        (16, 24),
        (25, 34),
        (35, 44),
        (45, 54),
        (55, 64),
        (65, 74),
        (75, 90),
    ];
    let pop = equalis_refdata::RefData::get()
        .footprint_counts("QK1", &equalis_refdata::Feature::AgeBand(bands), 16)
        .unwrap();
    let total: f64 = pop.values.iter().map(|(_, n)| n).sum();
    let share = |label: &str| pop.values.iter().find(|(l, _)| l == label).unwrap().1 / total;
    // Stated 113 → published 115; 70 → 70, 40 → 40; 3 → *.
    let n = 115.0;
    for (label, x) in [("65-74", 70.0), ("25-34", 40.0), ("35-44", 0.0)] {
        let p = share(label);
        let (lo, hi) = wilson(x, n);
        let expected = format!("{:.2} ({:.2} to {:.2})", x / n / p, lo / p, hi / p);
        assert!(
            page.body.contains(&expected),
            "{label}: {expected} not on the page"
        );
    }
    assert!(
        page.body.contains("Age: 115 said, * did not"),
        "7 not stated: withheld"
    );
    // 16-24: 3 people, withheld with its ratio.
    let row = page
        .body
        .split("<th scope=\"row\" class=\"nhsuk-table__header\">16-24</th>")
        .nth(1)
        .unwrap();
    let row = row.split("</tr>").next().unwrap();
    assert!(row.contains(">*<") && !row.contains(" to "), "{row}");
    // No one aged 35-44 took part: under-heard, listed.
    assert!(page.body.contains("Age: <strong>35-44</strong>"));
    // Every count on the page is 0 or at least 8.
    for cell in page.body.split("nhsuk-table__cell--numeric\">").skip(1) {
        let v = cell.split('<').next().unwrap();
        if let Ok(c) = v.parse::<u64>() {
            assert!(c == 0 || c >= 8, "a count of {c} published");
        }
    }
}
