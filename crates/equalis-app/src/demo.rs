//! What `equalis demo` seeds into its workspace's store, in one step ([`seed`]) whether it
//! then serves or not (`--no-serve`, then `equalis serve` later): one account per role, so
//! that someone trying equalis can sign in straight away as each kind of user; the example
//! decisions, so that the impact-assessment workflow has something to show; the
//! engagement project with its who-is-heard page ([`crate::engage_demo`]); and the equality
//! objectives and EDS 2022 ([`crate::assurance_demo`]) that the annual equality report shows.

use std::collections::BTreeMap;
use std::sync::Arc;

use equalis_assess::{
    Action, Assessment, BrownChecklist, Decision, Finding, Impact, PlusGroup, Screening, Stage,
    Subject,
};
use equalis_engage::MonitoringAnswers;
use equalis_store::{
    Actor, ManualClock, NewUser, Role, Store, StoreError, User, check_password_rules,
};
use jiff::civil::Date;
use jiff::{SignedDuration, ToSpan};

use crate::assurance_demo::{DemoAssurance, Plan};
use crate::directory::store_error;
use crate::engage_demo::DemoEngagement;

/// The roles a demo account is made for, in the order they are listed.
pub const DEMO_ROLES: [Role; 5] = [
    Role::Admin,
    Role::Analyst,
    Role::EdiLead,
    Role::Reviewer,
    Role::Viewer,
];

/// A demo account and its password, known only to whoever made it (the store keeps a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The email to sign in with (`analyst@demo.example`).
    pub email: String,
    /// The role.
    pub role: Role,
    /// The password, random.
    pub password: String,
}

/// Everything [`seed`] made this time (empty on a store seeded before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSeeded {
    /// The accounts made, with their passwords (to be shown once); empty when the store had
    /// accounts.
    pub accounts: Vec<DemoAccount>,
    /// The example decisions made; `None` when the store had decisions or no demo accounts.
    pub decisions: Option<DemoDecisions>,
    /// The engagement project, made now or found from an earlier run
    /// ([`DemoEngagement::created`] says which); `None` without `voices` or an organiser.
    pub engagement: Option<DemoEngagement>,
    /// The objectives and EDS 2022 made ([`crate::assurance_demo::seed`]); `None` without
    /// the demo accounts.
    pub assurance: Option<DemoAssurance>,
}

/// The demo's one seeding step: the accounts ([`create_demo_accounts`]), the example
/// decisions ([`seed_demo_decisions`]), then the engagement project in the footprint `icb`
/// with `voices` ([`crate::engage_demo::seed`]; `None` when the ICB has no synthetic
/// participants), then the equality objectives of `assurance` and the EDS 2022
/// ([`crate::assurance_demo::seed`]). Each part is made only when the store lacks it, so a
/// second run adds nothing.
pub async fn seed(
    store: &Store,
    icb: &str,
    voices: Option<&[(String, Option<MonitoringAnswers>)]>,
    assurance: &Plan,
) -> crate::Result<DemoSeeded> {
    let accounts = create_demo_accounts(store).await.map_err(store_error)?;
    let decisions = seed_demo_decisions(store).await.map_err(store_error)?;
    let engagement = match voices {
        Some(voices) => crate::engage_demo::seed(store, icb, voices).await?,
        None => None,
    };
    let assurance = crate::assurance_demo::seed(store, assurance)
        .await
        .map_err(store_error)?;
    Ok(DemoSeeded {
        accounts,
        decisions,
        engagement,
        assurance,
    })
}

/// Makes one account per role of [`DEMO_ROLES`], each with its own random password, when the
/// store has no accounts; returns them (with the passwords, which are not kept anywhere), or
/// nothing when the store already has accounts, which are then left as they are.
pub async fn create_demo_accounts(store: &Store) -> Result<Vec<DemoAccount>, StoreError> {
    if !store.list_users().await?.is_empty() {
        return Ok(Vec::new());
    }
    let actor = Actor::command_line();
    let mut made = Vec::with_capacity(DEMO_ROLES.len());
    for role in DEMO_ROLES {
        let email = demo_email(role);
        let password = loop {
            let p = random_password();
            // Never fails for 23 random characters, but the store's rules are the judge.
            if check_password_rules(&p, &email).is_ok() {
                break p;
            }
        };
        let display_name = format!("Demo {}", role_title(role));
        store
            .create_user(
                &actor,
                NewUser {
                    email: &email,
                    display_name: &display_name,
                    role,
                    password: &password,
                },
            )
            .await?;
        made.push(DemoAccount {
            email,
            role,
            password,
        });
    }
    Ok(made)
}

/// The email of the demo account for `role` (`edi-lead@demo.example`).
pub fn demo_email(role: Role) -> String {
    format!("{}@demo.example", role.name().replace('_', "-"))
}

/// The ids of the example decisions [`seed_demo_decisions`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoDecisions {
    /// A full assessment, signed and published: what the public reads.
    pub published: i64,
    /// Screened out ("no full assessment"), the reviewer agreeing.
    pub screened_out: i64,
    /// Signed a year ago and now past its review date, with version 2 drafted (an action
    /// overdue): what the overdue list shows.
    pub in_progress: i64,
}

/// Seeds the example decisions, written by the demo EDI lead and signed by the demo
/// reviewer (see [`seed_example_decisions`]); nothing when either account is missing (the
/// store had accounts of its own) or the store already has decisions.
pub async fn seed_demo_decisions(store: &Store) -> Result<Option<DemoDecisions>, StoreError> {
    let author = store.find_user(&demo_email(Role::EdiLead)).await?;
    let reviewer = store.find_user(&demo_email(Role::Reviewer)).await?;
    match (author, reviewer) {
        (Some(a), Some(r)) => seed_example_decisions(store, &a, &r).await,
        _ => Ok(None),
    }
}

/// Three example decisions, taken through the same store functions as the web workflow
/// (so each step is checked by the rules and is in the audit log), when the store has no
/// decisions: a published full assessment, a screening agreed as needing no full
/// assessment, and one whose signed assessment is past its review date with a new version
/// in draft. The last one's first version is recorded as made a year ago (its entries in the
/// audit log say so), since a review date must be in the future when it is signed. Returns
/// `None`, making nothing, when the store already has decisions.
pub async fn seed_example_decisions(
    store: &Store,
    author: &User,
    reviewer: &User,
) -> Result<Option<DemoDecisions>, StoreError> {
    if !store.list_decisions().await?.is_empty() {
        return Ok(None);
    }
    let now = store.config().clock.now();
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();

    // 1. Published, signed full assessment.
    let published = store
        .create_decision(
            author,
            &Decision {
                title: "Weekend opening of the Wigston minor injuries unit".into(),
                summary: "Close the unit on Sundays and open it later on weekdays, moving staff \
                          to the busiest hours."
                    .into(),
                owner: "Director of operations".into(),
                organisation: "QK1".into(),
                stage: Stage::Consultation,
            },
        )
        .await?;
    let doc = equalis_assess::examples::opening_hours(
        today.saturating_add(3.months()),
        today.saturating_add(12.months()),
    );
    sign_off(store, author, reviewer, published.id, doc, true).await?;

    // 2. Screened out, the reviewer agreeing.
    let screened_out = store
        .create_decision(
            author,
            &Decision {
                title: "New telephone system for the ICB's head office".into(),
                summary: "Replace the head office's desk telephones with a cloud system; the \
                          public numbers and opening hours stay as they are."
                    .into(),
                owner: "Head of digital".into(),
                organisation: "QK1".into(),
                stage: Stage::Implementation,
            },
        )
        .await?;
    let doc = Assessment {
        screening: Screening {
            affects_patients: Some(false),
            affects_staff: Some(true),
            affects_public: Some(false),
            groups: Default::default(),
            full_assessment: Some(false),
            reason: "Staff keep the same handsets' features, with accessible models for those \
                     who need them; no patient or public service changes."
                .into(),
        },
        grid: BTreeMap::new(),
        actions: Vec::new(),
        review_due: Some(today.saturating_add(12.months())),
        evidence: Default::default(),
    };
    sign_off(store, author, reviewer, screened_out.id, doc, false).await?;

    // 3. Signed a year ago, due for review a month ago, version 2 in draft.
    let then = now
        .checked_sub(SignedDuration::from_hours(24 * 395))
        .unwrap_or(now);
    let clock = Arc::new(ManualClock::new(then));
    let past = store.with_clock(clock.clone());
    let then_day = jiff::tz::TimeZone::UTC.to_datetime(then).date();
    let in_progress = past
        .create_decision(
            author,
            &Decision {
                title: "Moving the Loughborough diabetes clinic to the community hospital".into(),
                summary: "Move the hospital's diabetes outpatient clinic to the community \
                          hospital across town, with more parking and a longer bus journey \
                          for some."
                    .into(),
                owner: "Diabetes service lead".into(),
                organisation: "QK1".into(),
                stage: Stage::Review,
            },
        )
        .await?;
    clock.advance(SignedDuration::from_hours(2));
    let doc = clinic_move(
        then_day.saturating_add(2.months()),
        then_day.saturating_add(12.months()),
    );
    sign_off(&past, author, reviewer, in_progress.id, doc.clone(), true).await?;
    let v2 = store.start_assessment(author, in_progress.id).await?;
    let mut doc = doc;
    doc.actions.push(Action {
        description: "Survey patients who travel by bus about the new site".into(),
        owner: "Patient experience lead".into(),
        due: Some(today.saturating_sub(14.days())),
    });
    store
        .save_assessment(author, in_progress.id, v2.version.number(), doc)
        .await?;

    Ok(Some(DemoDecisions {
        published: published.id,
        screened_out: screened_out.id,
        in_progress: in_progress.id,
    }))
}

/// Starts the decision's assessment, saves `doc`, submits it and has `reviewer` sign it
/// (every Brown principle confirmed), then publishes it when `publish`: each step one
/// audited change, as through the web pages.
async fn sign_off(
    store: &Store,
    author: &User,
    reviewer: &User,
    decision: i64,
    doc: Assessment,
    publish: bool,
) -> Result<(), StoreError> {
    let v = store.start_assessment(author, decision).await?;
    let n = v.version.number();
    store.save_assessment(author, decision, n, doc).await?;
    store.submit_assessment(author, decision, n).await?;
    store
        .sign_assessment(
            reviewer,
            decision,
            n,
            BrownChecklist::all(),
            "Due regard shown before the decision; the mitigation is proportionate.",
        )
        .await?;
    if publish {
        store.publish_assessment(author, decision, n).await?;
    }
    Ok(())
}

/// The clinic move's full assessment: every group answered, negative access for rural
/// communities mitigated, one action.
fn clinic_move(action_due: Date, review_due: Date) -> Assessment {
    let mut doc = equalis_assess::examples::opening_hours(action_due, review_due);
    doc.screening.reason = "Changes where patients are seen and how they get there".into();
    let rural = Subject::Plus(PlusGroup::Rural);
    doc.screening.groups = [rural].into();
    for f in doc.grid.values_mut() {
        *f = Finding {
            access: Some(Impact::Neutral),
            experience: Some(Impact::Positive),
            outcomes: Some(Impact::Neutral),
            evidence: "Clinic attendance by postcode, last 12 months".into(),
            engagement: String::new(),
            mitigation: String::new(),
        };
    }
    if let Some(f) = doc.grid.get_mut(&rural) {
        f.access = Some(Impact::Negative);
        f.engagement = "Rural parish councils' meeting".into();
        f.mitigation = "Patient transport offered to anyone more than 30 minutes away".into();
    }
    doc.actions = vec![Action {
        description: "Arrange patient transport with the community transport scheme".into(),
        owner: "Diabetes service lead".into(),
        due: Some(action_due),
    }];
    doc
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Analyst => "analyst",
        Role::EdiLead => "EDI lead",
        Role::Reviewer => "reviewer",
        Role::Viewer => "viewer",
        Role::Public => "public",
    }
}

/// Twenty random characters from 32 unambiguous letters and digits (100 bits), in groups of
/// five so that they can be typed from the screen: `k7m2q-…`.
fn random_password() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789A";
    let bytes: [u8; 20] = rand::random();
    let mut out = String::with_capacity(23);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        // 256 is a multiple of 32: every character is equally likely.
        out.push(char::from(ALPHABET[usize::from(b % 32)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use equalis_store::{Database, StoreConfig};

    use super::*;

    async fn store(dir: &std::path::Path) -> Store {
        Store::open(&Database::for_workspace(dir), StoreConfig::default())
            .await
            .expect("store")
    }

    #[tokio::test]
    async fn one_account_per_role_with_passwords_that_sign_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(dir.path()).await;
        let made = create_demo_accounts(&store).await.expect("accounts");
        assert_eq!(made.iter().map(|a| a.role).collect::<Vec<_>>(), DEMO_ROLES);
        let users = store.list_users().await.expect("users");
        assert_eq!(users.len(), DEMO_ROLES.len());
        for a in &made {
            check_password_rules(&a.password, &a.email).expect("the store's rules");
            let user = store
                .find_user(&a.email)
                .await
                .expect("find")
                .expect("made");
            assert_eq!(user.role, a.role);
            let signed_in = store
                .login(&a.email, &a.password, None)
                .await
                .expect("login");
            assert!(
                matches!(signed_in, equalis_store::LoginOutcome::Success(_)),
                "{} signs in with its password",
                a.email
            );
        }
        // Each password is its own.
        let mut passwords: Vec<&str> = made.iter().map(|a| a.password.as_str()).collect();
        passwords.sort_unstable();
        passwords.dedup();
        assert_eq!(passwords.len(), DEMO_ROLES.len());
        // A second run makes nothing: the accounts exist.
        assert!(
            create_demo_accounts(&store)
                .await
                .expect("again")
                .is_empty()
        );
        assert_eq!(
            store.list_users().await.expect("users").len(),
            DEMO_ROLES.len()
        );
    }

    #[tokio::test]
    async fn nothing_is_made_when_the_store_has_an_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(dir.path()).await;
        store
            .create_user(
                &Actor::System,
                NewUser {
                    email: "someone@example.nhs.uk",
                    display_name: "Someone",
                    role: Role::Viewer,
                    password: "a long enough passphrase",
                },
            )
            .await
            .expect("user");
        assert!(create_demo_accounts(&store).await.expect("demo").is_empty());
        assert_eq!(store.list_users().await.expect("users").len(), 1);
    }

    #[tokio::test]
    async fn the_demo_seeds_three_example_decisions_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        seeds_three_example_decisions_once(store(dir.path()).await).await;
    }

    /// The same seeding in PostgreSQL (`equalis serve --database postgres://…` runs
    /// `equalis demo`'s seeding there too): runs when `EQUALIS_TEST_POSTGRES` names a server,
    /// and fails without one when `EQUALIS_REQUIRE_POSTGRES=1`.
    #[tokio::test]
    async fn the_demo_seeds_three_example_decisions_once_in_postgres() {
        let Some(pg) = equalis_store::testing::TestPostgres::create("demo decisions").await else {
            return;
        };
        let store = Store::open(&pg.database(), StoreConfig::default())
            .await
            .expect("store");
        assert_eq!(store.backend(), equalis_store::Backend::Postgres);
        seeds_three_example_decisions_once(store.clone()).await;
        store.close().await;
    }

    /// Seeds the demo's decisions into `store` (which has no accounts) twice: three decisions
    /// in their states the first time, each step audited by the demo accounts with the chain
    /// verifying, and nothing the second time.
    async fn seeds_three_example_decisions_once(store: Store) {
        use equalis_assess::Status;
        // No demo accounts, nothing to write them with.
        assert_eq!(seed_demo_decisions(&store).await.expect("seed"), None);
        create_demo_accounts(&store).await.expect("accounts");
        let made = seed_demo_decisions(&store)
            .await
            .expect("seed")
            .expect("three made");
        let today = jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date();
        let listings = store.list_decisions().await.expect("list");
        assert_eq!(listings.len(), 3);
        let of = |id: i64| {
            listings
                .iter()
                .find(|l| l.decision.id == id)
                .expect("listed")
        };
        let statuses = |id: i64| of(id).versions.iter().map(|v| v.status).collect::<Vec<_>>();
        assert_eq!(statuses(made.published), [Status::Published]);
        assert!(!of(made.published).is_overdue(today));
        assert_eq!(statuses(made.screened_out), [Status::Signed]);
        let screened = store
            .assessment_version(made.screened_out, 1)
            .await
            .expect("read")
            .expect("v1");
        let sign = screened.version.record().sign_off.clone().expect("signed");
        assert_eq!(sign.kind, equalis_assess::SignOffKind::ScreeningAgreement);
        let reviewer = store
            .find_user(&demo_email(Role::Reviewer))
            .await
            .expect("find")
            .expect("reviewer");
        assert_eq!(sign.signer, reviewer.id);
        assert_eq!(
            statuses(made.in_progress),
            [Status::Published, Status::Draft]
        );
        assert!(of(made.in_progress).is_overdue(today), "due for review");
        let v2 = store
            .assessment_version(made.in_progress, 2)
            .await
            .expect("read")
            .expect("v2");
        assert!(
            v2.version
                .document()
                .actions
                .iter()
                .any(|a| a.due.is_some_and(|d| d < today)),
            "an action overdue"
        );
        // Every step is in the audit log, by the demo accounts.
        use equalis_store::audit::action;
        let audit = store.audit_entries(0, 1_000).await.expect("audit");
        for (what, by) in [
            (action::DECISION_CREATED, "edi-lead@demo.example"),
            (action::ASSESSMENT_SIGNED, "reviewer@demo.example"),
            (action::ASSESSMENT_PUBLISHED, "edi-lead@demo.example"),
        ] {
            assert!(
                audit
                    .iter()
                    .any(|e| e.action == what && e.actor.contains(by)),
                "{what} by {by}"
            );
        }
        let chain = store.verify_audit().await.expect("verify");
        assert!(chain.problem.is_none(), "{:?}", chain.problem);
        // A second run adds nothing.
        assert_eq!(seed_demo_decisions(&store).await.expect("again"), None);
        assert_eq!(store.list_decisions().await.expect("list").len(), 3);
    }

    /// The one step both `equalis demo` paths run: everything the first time, nothing new the
    /// second (the engagement project found, not made again), with the audit chain intact.
    #[tokio::test]
    async fn the_demo_seeds_accounts_decisions_and_engagement_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = store(dir.path()).await;
        let voices: Vec<_> = equalis_synth::engage::participants("QK1", 42)
            .expect("QK1 has areas")
            .into_iter()
            .map(|v| (v.nickname, v.answers))
            .collect();
        // The objectives without a workspace (no published figures), one given a measure
        // here as the plan gives those it finds.
        let mut plan = crate::assurance_demo::plan(None, "NHS Test ICB").expect("plan");
        assert_eq!(plan.missing.len(), 3, "{:?}", plan.missing);
        plan.objectives[2].measure = Some(equalis_assure::MeasureInput {
            name: "Median gender pay gap".into(),
            figure: ["pay_gap", "gender", "median", "", ""].map(String::from),
            direction: "lower".into(),
            baseline: "13.4".into(),
            baseline_year: "2024/25".into(),
            target: "6.7".into(),
            target_year: "2027/28".into(),
        });
        let first = seed(&db, "QK1", Some(&voices), &plan).await.expect("seed");
        assert_eq!(first.accounts.len(), DEMO_ROLES.len());
        assert!(first.decisions.is_some());
        let assurance = first.assurance.clone().expect("assurance seeded");
        assert_eq!(assurance.objectives.len(), 3);
        assert_eq!(assurance.measures, 1);
        assert!(assurance.eds);
        let engagement = first.engagement.expect("the project");
        assert!(engagement.created);
        assert_eq!(engagement.participants, voices.len());
        let audited = db.audit_entries(0, 100_000).await.expect("audit").len();
        let posts = db.posts(engagement.project_id).await.expect("posts").len();

        let second = seed(&db, "QK1", Some(&voices), &plan).await.expect("again");
        assert!(second.accounts.is_empty());
        assert_eq!(second.decisions, None);
        let again = second.engagement.expect("found");
        assert!(!again.created);
        assert_eq!(again.project_id, engagement.project_id);
        assert_eq!(
            db.list_users().await.expect("users").len(),
            DEMO_ROLES.len()
        );
        assert_eq!(db.list_decisions().await.expect("list").len(), 3);
        assert_eq!(db.engage_projects().await.expect("projects").len(), 1);
        assert_eq!(
            second.assurance,
            Some(crate::assurance_demo::DemoAssurance {
                objectives: Vec::new(),
                measures: 0,
                eds: false,
            })
        );
        // The objectives, the EDS 2022 ratings and the template's parts, once each.
        let objectives = db.objectives().await.expect("objectives");
        assert_eq!(
            objectives.iter().map(|o| o.id).collect::<Vec<_>>(),
            assurance.objectives
        );
        assert_eq!(
            objectives
                .iter()
                .map(|o| o.measures.len())
                .collect::<Vec<_>>(),
            [0, 0, 1]
        );
        let year = crate::assurance_demo::demo_year();
        let eds = db.eds_report(year).await.expect("eds");
        assert_eq!(eds.ratings.len(), 3 * 4 + 7, "Domain 1 for three services");
        assert!(eds.summary.missing.is_empty(), "{:?}", eds.summary.missing);
        assert_eq!(eds.summary.domains[0].services.len(), 3);
        // 1A–1D: means of the services' scores (17/3); Domains 2 and 3: 5 each.
        let total = eds.summary.total.expect("every outcome rated");
        assert!((total - (17.0 / 3.0 + 10.0)).abs() < 1e-9, "{total}");
        assert_eq!(
            eds.summary.rating,
            Some(equalis_assure::eds::Score::Developing)
        );
        assert!(eds.ratings.iter().all(|r| !r.rating.owner.is_empty()));
        assert!(
            eds.ratings
                .iter()
                .all(|r| r.rated_by.contains("reviewer@demo.example"))
        );
        let cover = eds.cover.expect("the cover").cover;
        assert_eq!(cover.organisation, "NHS Test ICB");
        assert_eq!(cover.ics_name, "Test Integrated Care System");
        assert!(eds.third_parties.is_some());
        assert_eq!(eds.completed.len(), 1);
        assert_eq!(eds.actions.len(), 2);
        assert_eq!(
            eds.actions
                .iter()
                .filter_map(|a| a.action.objective_id)
                .collect::<Vec<_>>(),
            [assurance.objectives[0]],
            "one row linked to an objective"
        );
        use equalis_store::assurance::action as assure;
        let audit = db.audit_entries(0, 100_000).await.expect("audit");
        for (what, n) in [
            (assure::OBJECTIVE_CREATED, 3),
            (assure::MEASURE_CREATED, 1),
            (assure::EDS_RATED, 19),
            (assure::EDS_COVER_SAVED, 1),
            (assure::EDS_THIRD_PARTIES_SAVED, 1),
            (assure::EDS_COMPLETED_ACTION_ADDED, 1),
            (assure::EDS_ACTION_ADDED, 2),
        ] {
            assert_eq!(
                audit.iter().filter(|e| e.action == what).count(),
                n,
                "{what} audited once a write"
            );
        }
        assert_eq!(
            db.posts(engagement.project_id).await.expect("posts").len(),
            posts
        );
        assert_eq!(
            db.audit_entries(0, 100_000).await.expect("audit").len(),
            audited,
            "a second run writes nothing"
        );
        let chain = db.verify_audit().await.expect("verify");
        assert!(chain.problem.is_none(), "{:?}", chain.problem);

        // Without participants (an ICB with no synthetic areas) no project is made.
        let other = tempfile::tempdir().expect("tempdir");
        let empty = store(other.path()).await;
        let bare = seed(&empty, "QK1", None, &plan).await.expect("seed");
        assert_eq!(bare.accounts.len(), DEMO_ROLES.len());
        assert!(bare.decisions.is_some());
        assert_eq!(bare.engagement, None);
    }

    #[test]
    fn passwords_are_random_and_readable() {
        let a = random_password();
        let b = random_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 23);
        assert_eq!(a.split('-').count(), 4);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()));
    }
}
