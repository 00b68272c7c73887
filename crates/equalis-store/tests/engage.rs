//! Engagement in the store, on SQLite and on a real PostgreSQL (see `equalis_store::testing`):
//! projects, sign-up, monitoring kept apart and once, posts, supports, reports ×3 → hidden,
//! moderation (audited, settling reports), idea status, surveys, rate limits.

use equalis_engage::{
    Answer, IdeaStatus, Moderation, ModerationDecision, MonitoringAnswers, NewPost, PostKind,
    Project, ProjectStatus, Question, QuestionKind, StatusUpdate, Survey, SurveyResponse,
    Visibility,
};
use equalis_store::engage::action;
use equalis_store::{Actor, ErrorKind, NewUser, Role, Store, StoreConfig, User};

macro_rules! both {
    ($case:ident) => {
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                super::$case(equalis_store::Database::for_workspace(dir.path())).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(pg) =
                    equalis_store::testing::TestPostgres::create(stringify!($case)).await
                else {
                    return;
                };
                super::$case(pg.database()).await;
                drop(pg);
            }
        }
    };
}

async fn user(store: &Store, email: &str, role: Role) -> User {
    store
        .create_user(
            &Actor::Command("test".into()),
            NewUser {
                email,
                display_name: "Test",
                role,
                password: "a long enough password 1",
            },
        )
        .await
        .unwrap()
}

fn project(moderation: Moderation, anonymous: bool) -> Project {
    Project {
        title: "Let's talk: mental health support".into(),
        summary: "Tell us what would help.".into(),
        status: ProjectStatus::Open,
        moderation,
        anonymous_allowed: anonymous,
        footprint: "QK1".into(),
    }
}

fn idea(title: &str) -> NewPost {
    NewPost {
        kind: PostKind::Idea,
        title: title.into(),
        body: "Evening clinics".into(),
    }
}

both!(posts_supports_reports_and_moderation);
async fn posts_supports_reports_and_moderation(db: equalis_store::Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let lead = user(&store, "lead@nhs.net", Role::EdiLead).await;
    let viewer = user(&store, "viewer@nhs.net", Role::Viewer).await;
    let err = store
        .create_project(&viewer, &project(Moderation::Post, true))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let p = store
        .create_project(&lead, &project(Moderation::Post, true))
        .await
        .unwrap();

    let amina = store.join_project(p.id, None, "Amina").await.unwrap();
    let dup = store.join_project(p.id, None, "Amina").await.unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    let by_email = store
        .join_project(p.id, Some("Sam@Example.org"), "")
        .await
        .unwrap();
    assert_eq!(
        by_email.participant.email.as_deref(),
        Some("sam@example.org")
    );
    assert_eq!(by_email.participant.nickname, "sam");
    let found = store
        .participant(p.id, &amina.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, amina.participant.id);

    let id = store
        .add_post(&amina.participant, &idea("Evening clinics"), None)
        .await
        .unwrap();
    assert!(store.support(&by_email.participant, id).await.unwrap());
    assert!(
        !store.support(&by_email.participant, id).await.unwrap(),
        "one per participant"
    );
    assert!(store.support(&amina.participant, id).await.unwrap());
    let post = store.post(id).await.unwrap().unwrap();
    assert_eq!((post.supports, post.visibility), (2, Visibility::Visible));

    // Three distinct reporters hide it; a repeat report does not count twice.
    let c = store.join_project(p.id, None, "Chris").await.unwrap();
    assert!(store.report(&amina.participant, id, "spam").await.unwrap());
    assert!(!store.report(&amina.participant, id, "spam").await.unwrap());
    assert!(store.report(&by_email.participant, id, "").await.unwrap());
    assert_eq!(
        store.post(id).await.unwrap().unwrap().visibility,
        Visibility::Visible
    );
    assert!(store.report(&c.participant, id, "rude").await.unwrap());
    assert_eq!(
        store.post(id).await.unwrap().unwrap().visibility,
        Visibility::HiddenByReports
    );
    // Hidden: no one can support or report it any more.
    assert_eq!(
        store.support(&c.participant, id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // Only moderators decide; approval settles the reports and is audited.
    let before = store.verify_audit().await.unwrap().entries;
    assert_eq!(
        store
            .moderate(&viewer, id, ModerationDecision::Approve, "")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Forbidden
    );
    let approved = store
        .moderate(&lead, id, ModerationDecision::Approve, "fair comment")
        .await
        .unwrap();
    assert_eq!(
        (approved.visibility, approved.reports),
        (Visibility::Visible, 0)
    );
    let entries = store.latest_audit_entries(1).await.unwrap();
    assert_eq!(entries[0].action, action::POST_APPROVED);
    assert_eq!(entries[0].actor, "user:lead@nhs.net");
    assert_eq!(store.verify_audit().await.unwrap().entries, before + 1);
    let removed = store
        .moderate(&lead, id, ModerationDecision::Remove, "")
        .await
        .unwrap();
    assert_eq!(removed.visibility, Visibility::Removed);

    // Idea status: "not taken forward" needs its reason.
    let id2 = store
        .add_post(&amina.participant, &idea("Text reminders"), None)
        .await
        .unwrap();
    let no_reason = StatusUpdate {
        status: IdeaStatus::NotTakenForward,
        reason: String::new(),
    };
    let e = store
        .set_idea_status(&lead, id2, &no_reason)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Request);
    let why = StatusUpdate {
        status: IdeaStatus::NotTakenForward,
        reason: "Already in place".into(),
    };
    store.set_idea_status(&lead, id2, &why).await.unwrap();
    let p2 = store.post(id2).await.unwrap().unwrap();
    assert_eq!(
        (p2.idea_status, p2.status_reason.as_str()),
        (IdeaStatus::NotTakenForward, "Already in place")
    );

    // Discussions: a reply needs a visible thread of the project.
    let thread = store
        .add_post(
            &amina.participant,
            &NewPost {
                kind: PostKind::Thread,
                title: "Waiting rooms".into(),
                body: "Too loud".into(),
            },
            None,
        )
        .await
        .unwrap();
    let reply = NewPost {
        kind: PostKind::Reply,
        title: String::new(),
        body: "Agreed".into(),
    };
    store
        .add_post(&c.participant, &reply, Some(thread))
        .await
        .unwrap();
    assert_eq!(
        store
            .add_post(&c.participant, &reply, Some(id2))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let posts = store.posts(p.id).await.unwrap();
    assert_eq!(posts.len(), 4);
    assert_eq!(posts[3].parent_id, Some(thread));
    assert_eq!(posts[3].author, "Chris");

    // A closed project takes nothing more.
    let mut closed = project(Moderation::Post, true);
    closed.status = ProjectStatus::Closed;
    store.update_project(&lead, p.id, &closed).await.unwrap();
    let e = store
        .add_post(&amina.participant, &idea("Late"), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

both!(pre_moderation_and_email_only);
async fn pre_moderation_and_email_only(db: equalis_store::Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let lead = user(&store, "lead@nhs.net", Role::Admin).await;
    let p = store
        .create_project(&lead, &project(Moderation::Pre, false))
        .await
        .unwrap();
    let e = store.join_project(p.id, None, "Anon").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Request);
    let e = store
        .join_project(p.id, Some("not-an-email"), "")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Request);
    let a = store
        .join_project(p.id, Some("a@example.org"), "Ay")
        .await
        .unwrap();
    let id = store
        .add_post(&a.participant, &idea("Hidden first"), None)
        .await
        .unwrap();
    assert_eq!(
        store.post(id).await.unwrap().unwrap().visibility,
        Visibility::AwaitingApproval
    );
    store
        .moderate(&lead, id, ModerationDecision::Approve, "")
        .await
        .unwrap();
    assert_eq!(
        store.post(id).await.unwrap().unwrap().visibility,
        Visibility::Visible
    );
}

both!(monitoring_is_apart_and_once_and_surveys);
async fn monitoring_is_apart_and_once_and_surveys(db: equalis_store::Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let lead = user(&store, "lead@nhs.net", Role::EdiLead).await;
    let p = store
        .create_project(&lead, &project(Moderation::Post, true))
        .await
        .unwrap();
    let a = store.join_project(p.id, None, "Amina").await.unwrap();
    let _b = store.join_project(p.id, None, "Bo").await.unwrap();
    let answers = MonitoringAnswers {
        age_band: Some("25-34".into()),
        ethnic_category: Some("N".into()),
        plus_groups: vec!["homeless".into(), "refugee_or_asylum_seeker".into()],
        lsoa: Some("E01025700".into()),
        imd_quintile: Some(1),
        place: Some("Leicester".into()),
        ..Default::default()
    };
    store
        .save_monitoring(a.participant.id, &answers)
        .await
        .unwrap();
    let again = store
        .save_monitoring(a.participant.id, &answers)
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);
    let (n, all) = store.monitoring_answers(p.id).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(all, vec![answers]);
    assert!(
        store
            .participant(p.id, &a.token)
            .await
            .unwrap()
            .unwrap()
            .monitored
    );

    let survey = Survey {
        title: "Access".into(),
        questions: vec![Question {
            prompt: "Easy?".into(),
            kind: QuestionKind::Single,
            options: vec!["Yes".into(), "No".into()],
            required: true,
        }],
        monitoring: true,
    };
    let sid = store.create_survey(&lead, p.id, &survey).await.unwrap();
    let r = SurveyResponse {
        answers: vec![Answer::Choices(vec![1])],
    };
    store.respond(&a.participant, sid, &r).await.unwrap();
    assert_eq!(
        store
            .respond(&a.participant, sid, &r)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
    let stored = store.surveys(p.id).await.unwrap();
    assert_eq!((stored[0].survey.clone(), stored[0].responses), (survey, 1));
    assert_eq!(
        store.survey_responses(sid).await.unwrap(),
        vec![(a.participant.id, r)]
    );
}

both!(rate_limits_count_per_key_and_window);
async fn rate_limits_count_per_key_and_window(db: equalis_store::Database) {
    use std::sync::Arc;
    let clock = Arc::new(equalis_store::ManualClock::new(
        jiff::Timestamp::from_second(1_767_225_600).unwrap(),
    ));
    let store = Store::open(
        &db,
        StoreConfig {
            clock: clock.clone(),
            ..StoreConfig::default()
        },
    )
    .await
    .unwrap();
    let w = jiff::SignedDuration::from_mins(10);
    for _ in 0..3 {
        assert!(
            store
                .engage_rate_allowed("post:ip", "10.0.0.1", 3, w)
                .await
                .unwrap()
        );
    }
    assert!(
        !store
            .engage_rate_allowed("post:ip", "10.0.0.1", 3, w)
            .await
            .unwrap()
    );
    assert!(
        store
            .engage_rate_allowed("post:ip", "10.0.0.2", 3, w)
            .await
            .unwrap()
    );
    clock.advance(jiff::SignedDuration::from_mins(11));
    assert!(
        store
            .engage_rate_allowed("post:ip", "10.0.0.1", 3, w)
            .await
            .unwrap()
    );
}
