//! Equality objectives, measures, EDS 2022 ratings and the annual report's narrative in the
//! store, on SQLite and on a real PostgreSQL: saved, read back, refused by field, versioned,
//! and every change audited.

use equalis_assure::eds::template::{
    CompletedActionInput, CoverInput, DateInput, PlanActionInput, ThirdPartiesInput,
};
use equalis_assure::eds::{RatingInput, Score};
use equalis_assure::{FinancialYear, MeasureInput, ObjectiveInput, Status};
use equalis_store::assurance::{action, may_edit_assurance, may_rate_eds};
use equalis_store::{Actor, Database, ErrorKind, Role, Store, StoreConfig, StoreError};

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

fn lead() -> Actor {
    Actor::User("edi.lead@example.nhs.uk".into())
}

fn objective_input() -> ObjectiveInput {
    ObjectiveInput {
        title: "Close the gap in SMI health checks".into(),
        description: "Most deprived areas first.".into(),
        owner: "Director of Population Health".into(),
        start_year: "2024/25".into(),
        end_year: "2027/28".into(),
    }
}

fn measure_input() -> MeasureInput {
    MeasureInput {
        name: "SMI health checks, most deprived quintile".into(),
        figure: ["indicator", "smi_health_check", "imd_quintile", "1", ""].map(String::from),
        direction: "higher".into(),
        baseline: "48.2".into(),
        baseline_year: "2023/24".into(),
        target: "60".into(),
        target_year: "2026/27".into(),
    }
}

async fn actions(store: &Store) -> Vec<(String, String)> {
    store
        .audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect()
}

async fn objectives_and_measures(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let o = store
        .create_objective(&lead(), &objective_input())
        .await
        .unwrap();
    assert_eq!(o.objective.end.to_string(), "2027/28");
    let m = store
        .add_measure(&lead(), o.id, &measure_input())
        .await
        .unwrap();
    assert_eq!(m.measure.baseline, 48.2);
    let back = store.objective(o.id).await.unwrap();
    assert_eq!(back.measures, std::slice::from_ref(&m));
    assert_eq!(store.objectives().await.unwrap().len(), 1);

    // Refusals name their fields and change nothing.
    let mut bad = objective_input();
    bad.end_year = "2029/30".into();
    let err = store.create_objective(&lead(), &bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);
    let StoreError::Assurance(fields) = &err else {
        panic!("{err}")
    };
    assert!(fields.get("end_year").is_some());
    let mut bad_measure = measure_input();
    bad_measure.target = "40".into();
    let StoreError::Assurance(fields) = store
        .add_measure(&lead(), o.id, &bad_measure)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(
        fields
            .get("target")
            .unwrap()
            .contains("higher than the baseline")
    );
    assert!(matches!(
        store.add_measure(&lead(), 999, &measure_input()).await,
        Err(StoreError::UnknownObjective(999))
    ));

    // Shortening the objective past a measure's target year is refused, naming the measure.
    let mut shorter = objective_input();
    shorter.end_year = "2025/26".into();
    let StoreError::Assurance(fields) = store
        .update_objective(&lead(), o.id, &shorter)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(
        fields
            .get("end_year")
            .unwrap()
            .contains("SMI health checks"),
        "{fields}"
    );

    let mut longer_title = objective_input();
    longer_title.title = "Close the gap in SMI physical health checks".into();
    let changed = store
        .update_objective(&lead(), o.id, &longer_title)
        .await
        .unwrap();
    assert_eq!(
        changed.objective.title,
        "Close the gap in SMI physical health checks"
    );
    // Saving it unchanged writes nothing.
    store
        .update_objective(&lead(), o.id, &longer_title)
        .await
        .unwrap();

    let mut edited = measure_input();
    edited.target = "65".into();
    let m2 = store.update_measure(&lead(), m.id, &edited).await.unwrap();
    assert_eq!(m2.measure.target, 65.0);
    store.remove_measure(&lead(), m.id).await.unwrap();
    assert!(matches!(
        store.measure(m.id).await,
        Err(StoreError::UnknownMeasure(_))
    ));

    let log = actions(&store).await;
    let names: Vec<&str> = log.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            action::OBJECTIVE_CREATED,
            action::MEASURE_CREATED,
            action::OBJECTIVE_CHANGED,
            action::MEASURE_CHANGED,
            action::MEASURE_REMOVED
        ]
    );
    assert_eq!(log[1].1, format!("measure:{}", m.id));
    let entries = store.audit_entries(0, 10).await.unwrap();
    let detail: serde_json::Value = serde_json::from_str(&entries[2].detail).unwrap();
    assert_eq!(detail["changed"], serde_json::json!(["title"]));
    assert!(store.verify_audit().await.unwrap().problem.is_none());
    // The progress of a stored measure is computed from a series, never stored.
    let p = equalis_assure::progress(&m2.measure, &[]);
    assert_eq!(p.status, Status::NoData);
}
both!(objectives_and_measures);

fn rating(outcome: &str, service: &str, score: u8, group: &str) -> RatingInput {
    RatingInput {
        outcome: outcome.into(),
        service: service.into(),
        score: score.to_string(),
        rater_group: group.into(),
        evidence: "https://example.nhs.uk/evidence".into(),
        owner: String::new(),
    }
}

async fn eds_ratings_by_year(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let year: FinancialYear = "2025/26".parse().unwrap();
    for code in ["1A", "1B", "1C", "1D"] {
        store
            .rate_eds(
                &lead(),
                year,
                &rating(code, "Maternity", 2, "patients_public"),
            )
            .await
            .unwrap();
    }
    for code in ["2A", "2B", "2C", "2D"] {
        store
            .rate_eds(&lead(), year, &rating(code, "", 1, "staff"))
            .await
            .unwrap();
    }
    for code in ["3A", "3B"] {
        store
            .rate_eds(&lead(), year, &rating(code, "", 2, "independent_peer"))
            .await
            .unwrap();
    }
    let s = store.eds_summary(year).await.unwrap();
    assert_eq!(s.missing, ["3C"]);
    assert_eq!(s.total, None);
    let last = store
        .rate_eds(&lead(), year, &rating("3C", "", 3, "staff_networks_unions"))
        .await
        .unwrap();
    let s = store.eds_summary(year).await.unwrap();
    assert_eq!(
        (s.total, s.rating),
        (Some(8.0 + 4.0 + 7.0), Some(Score::Developing))
    );
    // Rating again replaces, and says what it was.
    store
        .rate_eds(&lead(), year, &rating("3C", "", 1, "staff"))
        .await
        .unwrap();
    assert_eq!(store.eds_ratings(year).await.unwrap().len(), 11);
    assert_eq!(store.eds_summary(year).await.unwrap().total, Some(17.0));
    let entries = store.latest_audit_entries(1).await.unwrap();
    assert_eq!(entries[0].action, action::EDS_RATED);
    let detail: serde_json::Value = serde_json::from_str(&entries[0].detail).unwrap();
    assert_eq!(detail["previous_score"], 3);
    // Another year is its own.
    assert!(store.eds_ratings(year.next()).await.unwrap().is_empty());
    // Refused by field: a staff rating of Domain 1.
    let StoreError::Assurance(f) = store
        .rate_eds(&lead(), year, &rating("1A", "Diabetes", 1, "staff"))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(f.get("rater_group").is_some());
    store.remove_eds_rating(&lead(), last.id).await.unwrap();
    assert_eq!(store.eds_summary(year).await.unwrap().missing, ["3C"]);
    assert!(matches!(
        store.remove_eds_rating(&lead(), last.id).await,
        Err(StoreError::UnknownRating(_))
    ));
    assert!(store.verify_audit().await.unwrap().problem.is_none());
}
both!(eds_ratings_by_year);

async fn report_sections_are_versioned(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let year: FinancialYear = "2025/26".parse().unwrap();
    assert!(
        store
            .report_section(year, "psed_statement")
            .await
            .unwrap()
            .is_none()
    );
    let v1 = store
        .save_report_section(&lead(), year, "psed_statement", "First text.")
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    let same = store
        .save_report_section(&lead(), year, "psed_statement", " First text.\n")
        .await
        .unwrap();
    assert_eq!(same.version, 1, "unchanged text is not a new version");
    let v2 = store
        .save_report_section(&lead(), year, "psed_statement", "Second text.")
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    let history = store
        .report_section_history(year, "psed_statement")
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(),
        ["First text.", "Second text."]
    );
    assert_eq!(history[0].saved_by, lead().to_string());
    assert!(
        store
            .report_section(year.next(), "psed_statement")
            .await
            .unwrap()
            .is_none()
    );
    let StoreError::Assurance(f) = store
        .save_report_section(&lead(), year, "foreword", "x")
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(f.get("section").is_some());
    let audit = actions(&store).await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].1, "report:2025-26:psed_statement");
}
both!(report_sections_are_versioned);

fn date(day: &str, month: &str, year: &str) -> DateInput {
    DateInput {
        day: day.into(),
        month: month.into(),
        year: year.into(),
    }
}

fn cover_input() -> CoverInput {
    CoverInput {
        organisation: "NHS Synthetic ICB".into(),
        eds_lead: "Ama Mensah, Head of EDI".into(),
        level: "partnership".into(),
        partners: "Synthetic Community Trust\nSynthetic Hospitals".into(),
        date_completed: date("20", "2", "2026"),
        month_published: "Feb 2026".into(),
        board_sponsor: "Chief People Officer".into(),
        ics_name: "Synthetic ICS".into(),
        date_authorised: date("26", "2", "2026"),
        authorised_by: "ICB Board".into(),
        revision_date: date("28", "2", "2027"),
        plan_years: "2025/26 to 2026/27".into(),
    }
}

async fn the_reporting_template_parts(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let year: FinancialYear = "2025/26".parse().unwrap();
    let empty = store.eds_report(year).await.unwrap();
    assert!(empty.cover.is_none() && empty.third_parties.is_none());
    assert!(empty.actions.is_empty() && empty.completed.is_empty());

    // The cover: saved, read back the same, saved again in place.
    let saved = store
        .save_eds_cover(&lead(), year, &cover_input())
        .await
        .unwrap();
    let read = store.eds_cover(year).await.unwrap().unwrap();
    assert_eq!(read.cover, saved.cover);
    assert_eq!(read.cover.organisations().len(), 3);
    assert_eq!(
        read.cover.month_published.unwrap().to_string(),
        "February 2026"
    );
    let mut changed = cover_input();
    changed.eds_lead = "B Lead".into();
    store.save_eds_cover(&lead(), year, &changed).await.unwrap();
    assert_eq!(
        store.eds_cover(year).await.unwrap().unwrap().cover.eds_lead,
        "B Lead"
    );
    assert!(store.eds_cover(year.next()).await.unwrap().is_none());
    let mut bad = cover_input();
    bad.partners.clear();
    let StoreError::Assurance(f) = store.save_eds_cover(&lead(), year, &bad).await.unwrap_err()
    else {
        panic!()
    };
    assert!(f.get("partners").is_some());

    // An owner per rating.
    let mut r = rating("2B", "", 2, "staff");
    r.owner = "People directorate, Head of Wellbeing".into();
    store.rate_eds(&lead(), year, &r).await.unwrap();
    assert_eq!(
        store.eds_ratings(year).await.unwrap()[0].rating.owner,
        "People directorate, Head of Wellbeing"
    );

    // Domain 3's third parties.
    let t = store
        .save_eds_third_parties(
            &lead(),
            year,
            &ThirdPartiesInput {
                trade_union_reps: "J Okafor (UNISON)".into(),
                independent_evaluators: "P Reviewer, EDI Lead, Synthetic Hospice".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .eds_third_parties(year)
            .await
            .unwrap()
            .unwrap()
            .parties,
        t.parties
    );

    // Completed actions and the action plan, one linked to an objective.
    let o = store
        .create_objective(&lead(), &objective_input())
        .await
        .unwrap();
    let done = store
        .add_eds_completed_action(
            &lead(),
            year,
            &CompletedActionInput {
                action: "Reverse mentoring for the board".into(),
                objectives: "Objective 2".into(),
            },
        )
        .await
        .unwrap();
    let linked = store
        .add_eds_action(
            &lead(),
            year,
            &PlanActionInput {
                outcome: "3A".into(),
                objective_id: o.id.to_string(),
                objective: String::new(),
                action: "Board development session on health inequalities".into(),
                completion: date("30", "9", "2026"),
            },
        )
        .await
        .unwrap();
    assert_eq!(linked.objective_text(), objective_input().title);
    let StoreError::Assurance(f) = store
        .add_eds_action(
            &lead(),
            year,
            &PlanActionInput {
                outcome: "2B".into(),
                objective_id: "999".into(),
                action: "x".into(),
                completion: date("31", "3", "2027"),
                ..PlanActionInput::default()
            },
        )
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(f.get("objective_id").unwrap().contains("999"));
    let typed = store
        .add_eds_action(
            &lead(),
            year,
            &PlanActionInput {
                outcome: "2B".into(),
                objective_id: String::new(),
                objective: "Staff are safe at work".into(),
                action: "Bystander training for every team".into(),
                completion: date("31", "3", "2027"),
            },
        )
        .await
        .unwrap();
    let report = store.eds_report(year).await.unwrap();
    assert_eq!(
        report
            .actions
            .iter()
            .map(|a| a.action.outcome.code)
            .collect::<Vec<_>>(),
        ["2B", "3A"],
        "by outcome"
    );
    assert_eq!(report.completed.len(), 1);
    assert_eq!(report.ratings.len(), 1);
    store
        .remove_eds_action(&lead(), year, typed.id)
        .await
        .unwrap();
    assert!(matches!(
        store.remove_eds_action(&lead(), year, typed.id).await,
        Err(StoreError::UnknownEdsAction(_))
    ));
    // An id of another year is not this year's.
    assert!(
        store
            .remove_eds_completed_action(&lead(), year.next(), done.id)
            .await
            .is_err()
    );
    store
        .remove_eds_completed_action(&lead(), year, done.id)
        .await
        .unwrap();

    let audit: Vec<String> = actions(&store).await.into_iter().map(|(a, _)| a).collect();
    for a in [
        action::EDS_COVER_SAVED,
        action::EDS_THIRD_PARTIES_SAVED,
        action::EDS_COMPLETED_ACTION_ADDED,
        action::EDS_COMPLETED_ACTION_REMOVED,
        action::EDS_ACTION_ADDED,
        action::EDS_ACTION_REMOVED,
    ] {
        assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
    }
    assert_eq!(
        audit
            .iter()
            .filter(|a| *a == action::EDS_COVER_SAVED)
            .count(),
        2
    );
    assert!(store.verify_audit().await.unwrap().problem.is_none());
}
both!(the_reporting_template_parts);

#[test]
fn roles() {
    assert!(may_edit_assurance(Role::EdiLead) && may_edit_assurance(Role::Admin));
    assert!(!may_edit_assurance(Role::Reviewer) && !may_edit_assurance(Role::Viewer));
    assert!(may_rate_eds(Role::Reviewer) && may_rate_eds(Role::EdiLead));
    assert!(!may_rate_eds(Role::Analyst) && !may_rate_eds(Role::Public));
}

/// Engagement reach measures (migration 12 widens `figure_kind`) are kept and read back, and
/// a project's participation gives each participant's join time with their answers or none.
async fn reach_measures_and_participation(db: Database) {
    use equalis_engage::{Moderation, MonitoringAnswers, Project, ProjectStatus};
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let o = store
        .create_objective(&lead(), &objective_input())
        .await
        .unwrap();
    let mut input = measure_input();
    input.figure = [
        "engagement",
        "ratio",
        "ethnic_group",
        "Black or Black British",
        "7",
    ]
    .map(String::from);
    let m = store.add_measure(&lead(), o.id, &input).await.unwrap();
    let back = store.measure(m.id).await.unwrap();
    assert_eq!(back.measure.figure.parts(), input.figure);
    assert_eq!(
        back.measure.figure.to_string(),
        "Engagement reach: representation ratio of ethnic group Black or Black British, engagement project 7"
    );

    let organiser = store
        .create_user(
            &Actor::Command("test".into()),
            equalis_store::NewUser {
                email: "lead@nhs.net",
                display_name: "Test",
                role: Role::EdiLead,
                password: "a long enough password 1",
            },
        )
        .await
        .unwrap();
    let p = store
        .create_project(
            &organiser,
            &Project {
                title: "Pharmacy hours".into(),
                summary: "When would you use it?".into(),
                status: ProjectStatus::Open,
                moderation: Moderation::Post,
                anonymous_allowed: true,
                footprint: "QK1".into(),
            },
        )
        .await
        .unwrap();
    let a = store.join_project(p.id, None, "Amina").await.unwrap();
    store.join_project(p.id, None, "Ben").await.unwrap();
    let answers = MonitoringAnswers {
        ethnic_category: Some("N".into()),
        plus_groups: vec!["homeless".into()],
        ..Default::default()
    };
    store
        .save_monitoring(a.participant.id, &answers)
        .await
        .unwrap();
    let joined = store.participation(p.id).await.unwrap();
    assert_eq!(joined.len(), 2);
    assert_eq!(joined[0].1.as_ref(), Some(&answers));
    assert_eq!(joined[1].1, None, "Ben never answered");
    assert!(store.participation(p.id + 1).await.unwrap().is_empty());
}
both!(reach_measures_and_participation);
