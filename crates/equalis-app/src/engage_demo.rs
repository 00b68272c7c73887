//! The demo's engagement project (`equalis demo`): a conversation about mental health
//! support with ideas (one taken forward, one not, with the reason), a discussion with
//! replies, a survey with responses, a reply hidden by three reports awaiting a moderator,
//! and the synthetic participants' monitoring answers (`equalis_synth::engage`, skewed so
//! that the who-is-heard page has under-heard groups). Everything goes through the store's
//! engagement functions, under the same rules and audit as the pages.

use equalis_engage::{
    Answer, IdeaStatus, Moderation, MonitoringAnswers, NewPost, PostKind, Project, ProjectStatus,
    Question, QuestionKind, StatusUpdate, Survey, SurveyResponse,
};
use equalis_store::engage::is_moderator;
use equalis_store::{Store, User};

use crate::directory::store_error;
use crate::{Error, Result};

/// The demo project's title: a second run finds it and adds nothing.
pub const DEMO_PROJECT_TITLE: &str = "Let's talk: getting help with your mental health";

/// What was seeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEngagement {
    /// The project's id (its page is `/engage/{id}`).
    pub project_id: i64,
    /// Its participants.
    pub participants: usize,
    /// Whether it was made now (`false`: it was there from an earlier run).
    pub created: bool,
}

const IDEAS: [(&str, &str); 4] = [
    (
        "Evening and weekend appointments",
        "I work shifts and cannot get to the talking therapies service between 9 and 5. Could some sessions be in the evening or at weekends?",
    ),
    (
        "Support in languages other than English",
        "My mum would talk to someone if they spoke Gujarati. Interpreters on the phone are not the same.",
    ),
    (
        "A drop-in cafe in every town centre",
        "Somewhere to go without an appointment when things get bad, open late.",
    ),
    (
        "Text message check-ins while on the waiting list",
        "A message every couple of weeks so you know you have not been forgotten.",
    ),
];

const THREAD: (&str, &str) = (
    "What stopped you asking for help sooner?",
    "We want to understand what gets in the way. Tell us in your own words.",
);

const REPLIES: [&str; 4] = [
    "I did not think my problems were serious enough for the NHS.",
    "Waiting lists. I was told it would be six months so I did not bother.",
    "Not knowing where to start: the website sends you round in circles.",
    "Buy cheap pills at this link!!!",
];

fn survey() -> Survey {
    Survey {
        title: "Your experience of mental health support".into(),
        questions: vec![
            Question {
                prompt: "Have you used NHS mental health support in the last two years?".into(),
                kind: QuestionKind::Single,
                options: vec!["Yes".into(), "No".into(), "Not sure".into()],
                required: true,
            },
            Question {
                prompt: "How would you prefer to get support?".into(),
                kind: QuestionKind::Multiple,
                options: vec![
                    "In person".into(),
                    "By phone".into(),
                    "By video".into(),
                    "Online, in writing".into(),
                ],
                required: false,
            },
            Question {
                prompt: "Is there anything else you want to tell us?".into(),
                kind: QuestionKind::FreeText,
                options: Vec::new(),
                required: false,
            },
        ],
        // The demo's voices answer the monitoring questions when they take part.
        monitoring: false,
    }
}

/// Seeds the demo's engagement project in the footprint `icb` with `voices` (nickname and
/// monitoring answers, the home area as an LSOA only: its quintile and place are looked up
/// here, as the monitoring form does). The organiser is the store's first admin (or EDI lead);
/// with none, nothing is seeded (`None`). Idempotent: when the project is there, it is
/// returned as it is.
pub async fn seed(
    store: &Store,
    icb: &str,
    voices: &[(String, Option<MonitoringAnswers>)],
) -> Result<Option<DemoEngagement>> {
    let users = store.list_users().await.map_err(store_error)?;
    let organiser: Option<&User> = users
        .iter()
        .find(|u| u.role == equalis_store::Role::Admin)
        .or_else(|| users.iter().find(|u| is_moderator(u)));
    let Some(organiser) = organiser else {
        return Ok(None);
    };
    if let Some(p) = store
        .engage_projects()
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|p| p.project.title == DEMO_PROJECT_TITLE)
    {
        let n = store.participants(p.id).await.map_err(store_error)?.len();
        return Ok(Some(DemoEngagement {
            project_id: p.id,
            participants: n,
            created: false,
        }));
    }
    if voices.len() < 12 {
        return Err(Error::invalid(format!(
            "the demo project needs at least 12 participants, not {}",
            voices.len()
        )));
    }
    let footprint = crate::engage::footprint(icb)?;
    let project = store
        .create_project(
            organiser,
            &Project {
                title: DEMO_PROJECT_TITLE.into(),
                summary: "We are planning how people get mental health support over the next five years. Tell us what would help you, and what gets in the way. Everything you say is read by the planning team, and we will tell you here what we did with it.".into(),
                status: ProjectStatus::Open,
                moderation: Moderation::Post,
                anonymous_allowed: true,
                footprint,
            },
        )
        .await
        .map_err(store_error)?;
    let id = project.id;
    let mut people = Vec::with_capacity(voices.len());
    for (i, (nickname, answers)) in voices.iter().enumerate() {
        // One in four signs up by email (example.com: nobody's), the rest anonymously.
        let email = (i % 4 == 0)
            .then(|| format!("{}@example.com", nickname.to_lowercase().replace(' ', ".")));
        let joined = store
            .join_project(id, email.as_deref(), nickname)
            .await
            .map_err(store_error)?;
        if let Some(a) = answers {
            let mut a = a.clone();
            if let Some((q, place)) = a.lsoa.as_deref().and_then(crate::engage::resolve_area) {
                a.imd_quintile = Some(q);
                a.place = Some(place);
            }
            store
                .save_monitoring(joined.participant.id, &a)
                .await
                .map_err(store_error)?;
        }
        people.push(joined.participant);
    }
    let post = |kind, title: &str, body: &str| NewPost {
        kind,
        title: title.into(),
        body: body.into(),
    };
    let mut ideas = Vec::new();
    for (k, (title, body)) in IDEAS.iter().enumerate() {
        let idea = store
            .add_post(&people[k], &post(PostKind::Idea, title, body), None)
            .await
            .map_err(store_error)?;
        // Supports falling off from the first idea: 40, 27, 18, 12.
        let n = [40, 27, 18, 12][k].min(people.len());
        for p in people.iter().rev().take(n) {
            store.support(p, idea).await.map_err(store_error)?;
        }
        ideas.push(idea);
    }
    for (idea, status, reason) in [
        (
            ideas[0],
            IdeaStatus::TakenForward,
            "Two talking therapies teams will offer evening sessions from April, and we will report back on who uses them.",
        ),
        (
            ideas[2],
            IdeaStatus::NotTakenForward,
            "We cannot fund a cafe in every town this year. Instead the crisis cafe in the city centre will open until midnight, and we are asking the voluntary sector about the market towns.",
        ),
        (
            ideas[1],
            IdeaStatus::UnderConsideration,
            "We are looking at what interpreting and bilingual staff would cost.",
        ),
    ] {
        store
            .set_idea_status(
                organiser,
                idea,
                &StatusUpdate {
                    status,
                    reason: reason.into(),
                },
            )
            .await
            .map_err(store_error)?;
    }
    let thread = store
        .add_post(
            &people[4],
            &post(PostKind::Thread, THREAD.0, THREAD.1),
            None,
        )
        .await
        .map_err(store_error)?;
    let mut spam = None;
    for (k, body) in REPLIES.iter().enumerate() {
        let reply = store
            .add_post(
                &people[5 + k],
                &post(PostKind::Reply, "", body),
                Some(thread),
            )
            .await
            .map_err(store_error)?;
        spam = Some(reply);
    }
    // The last reply is spam: three people report it, which hides it until a moderator
    // decides (the moderation queue has something to show).
    if let Some(spam) = spam {
        for p in &people[9..12] {
            store
                .report(p, spam, "Advertising")
                .await
                .map_err(store_error)?;
        }
    }
    let s = survey();
    let sid = store
        .create_survey(organiser, id, &s)
        .await
        .map_err(store_error)?;
    // Half the participants answer, their choices spread by their place in the list.
    for (i, p) in people.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let response = SurveyResponse {
            answers: vec![
                Answer::Choices(vec![i % 3]),
                Answer::Choices(if i % 5 == 0 { vec![0, 2] } else { vec![i % 4] }),
                if i % 7 == 0 {
                    Answer::Text("Please keep the phone line: not everyone is online.".into())
                } else {
                    Answer::Skipped
                },
            ],
        };
        store
            .respond(p, sid, &response)
            .await
            .map_err(store_error)?;
    }
    Ok(Some(DemoEngagement {
        project_id: id,
        participants: people.len(),
        created: true,
    }))
}

#[cfg(test)]
mod tests {
    use equalis_engage::Visibility;
    use equalis_store::{Actor, Database, NewUser, Role, StoreConfig};

    use super::*;

    fn voices() -> Vec<(String, Option<MonitoringAnswers>)> {
        equalis_synth::engage::participants("QK1", 42)
            .expect("QK1")
            .into_iter()
            .map(|v| (v.nickname, v.answers))
            .collect()
    }

    #[tokio::test]
    async fn the_demo_project_has_its_contributions_and_under_heard_groups() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Database::for_workspace(dir.path()), StoreConfig::default())
            .await
            .unwrap();
        // No organiser yet: nothing is seeded.
        assert_eq!(seed(&store, "QK1", &voices()).await.unwrap(), None);
        store
            .create_user(
                &Actor::System,
                NewUser {
                    email: "admin@demo.example",
                    display_name: "Demo administrator",
                    role: Role::Admin,
                    password: "a long enough passphrase",
                },
            )
            .await
            .unwrap();
        let made = seed(&store, "QK1", &voices()).await.unwrap().unwrap();
        assert!(made.created);
        assert_eq!(made.participants, equalis_synth::engage::PARTICIPANTS);
        let posts = store.posts(made.project_id).await.unwrap();
        let status = |s| posts.iter().filter(|p| p.idea_status == s).count();
        assert_eq!(status(IdeaStatus::TakenForward), 1);
        assert_eq!(status(IdeaStatus::NotTakenForward), 1);
        assert!(
            posts.iter().any(
                |p| p.idea_status == IdeaStatus::NotTakenForward && !p.status_reason.is_empty()
            )
        );
        assert_eq!(
            posts.iter().filter(|p| p.kind == PostKind::Reply).count(),
            4
        );
        assert_eq!(
            posts
                .iter()
                .filter(|p| p.visibility == Visibility::HiddenByReports)
                .count(),
            1,
            "the spam reply awaits a moderator"
        );
        let surveys = store.surveys(made.project_id).await.unwrap();
        assert_eq!(surveys.len(), 1);
        assert_eq!(
            surveys[0].responses,
            equalis_synth::engage::PARTICIPANTS.div_ceil(2) as u64
        );
        let (n, answers) = store.monitoring_answers(made.project_id).await.unwrap();
        assert!(
            answers
                .iter()
                .any(|a| a.imd_quintile.is_some() && a.place.is_some())
        );
        let heard = crate::engage::who_is_heard("QK1", n, &answers).unwrap();
        let under: Vec<(&str, &str)> = heard
            .under_heard
            .iter()
            .map(|u| (u.characteristic.as_str(), u.group.as_str()))
            .collect();
        assert!(under.iter().any(|(c, _)| *c == "Age"), "{under:?}");
        assert!(under.iter().any(|(c, _)| *c == "Ethnic group"), "{under:?}");
        // A second run finds the project and adds nothing.
        let again = seed(&store, "QK1", &voices()).await.unwrap().unwrap();
        assert!(!again.created);
        assert_eq!(again.project_id, made.project_id);
        assert_eq!(store.engage_projects().await.unwrap().len(), 1);
        assert_eq!(
            store.posts(made.project_id).await.unwrap().len(),
            posts.len()
        );
    }
}
