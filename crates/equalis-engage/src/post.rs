//! Contributions (ideas, discussion threads and replies), supports, idea status updates and
//! the moderation rules that decide who sees a contribution.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::project::{Moderation, UnknownValue};
use crate::text::{MAX_LINE_CHARS, required_line, required_text};

/// The longest title of an idea or thread.
pub const MAX_TITLE_CHARS: usize = MAX_LINE_CHARS;

/// The longest body of a contribution: a few paragraphs; a pasted document is refused with a
/// message rather than stored.
pub const MAX_BODY_CHARS: usize = 5_000;

/// Distinct participants' reports that hide a contribution until a moderator decides.
pub const REPORTS_TO_HIDE: u32 = 3;

/// What a contribution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// An idea on the ideas board (has a title, takes supports and a status).
    Idea,
    /// A discussion thread (has a title, takes replies).
    Thread,
    /// A reply to a thread.
    Reply,
}

impl PostKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Idea => "idea",
            PostKind::Thread => "thread",
            PostKind::Reply => "reply",
        }
    }

    /// Parses [`PostKind::as_str`].
    pub fn parse(s: &str) -> Result<PostKind, UnknownValue> {
        match s {
            "idea" => Ok(PostKind::Idea),
            "thread" => Ok(PostKind::Thread),
            "reply" => Ok(PostKind::Reply),
            _ => Err(UnknownValue {
                field: "kind",
                given: s.into(),
                expected: "idea, thread, reply",
            }),
        }
    }

    /// Whether it has a title (a reply has none).
    pub fn has_title(self) -> bool {
        !matches!(self, PostKind::Reply)
    }
}

/// A contribution as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    /// What it is.
    pub kind: PostKind,
    /// The title (ideas and threads; empty for a reply).
    pub title: String,
    /// What the person wrote.
    pub body: String,
}

impl NewPost {
    /// Checks the fields `title` and `body`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.kind.has_title() {
            let what = match self.kind {
                PostKind::Idea => "a title for your idea",
                _ => "a title for the discussion",
            };
            required_line(&mut e, "title", &self.title, what, MAX_TITLE_CHARS);
        } else if !self.title.is_empty() {
            e.push("title", "A reply has no title");
        }
        let what = match self.kind {
            PostKind::Idea => "your idea",
            PostKind::Thread => "what you want to discuss",
            PostKind::Reply => "your reply",
        };
        required_text(&mut e, "body", &self.body, what, MAX_BODY_CHARS);
        e.into_result()
    }
}

/// A "+1" on an idea: one per participant per idea (the store's key enforces it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// The idea.
    pub post: i64,
    /// Who supports it.
    pub participant: i64,
}

/// Where an idea stands, as the organisers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdeaStatus {
    /// Posted, not yet looked at.
    New,
    /// Being considered.
    UnderConsideration,
    /// Taken forward.
    TakenForward,
    /// Not taken forward (with the reason why, which is required).
    NotTakenForward,
}

impl IdeaStatus {
    /// Every status, in order.
    pub const ALL: [IdeaStatus; 4] = [
        IdeaStatus::New,
        IdeaStatus::UnderConsideration,
        IdeaStatus::TakenForward,
        IdeaStatus::NotTakenForward,
    ];

    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            IdeaStatus::New => "new",
            IdeaStatus::UnderConsideration => "under_consideration",
            IdeaStatus::TakenForward => "taken_forward",
            IdeaStatus::NotTakenForward => "not_taken_forward",
        }
    }

    /// What the page says.
    pub fn label(self) -> &'static str {
        match self {
            IdeaStatus::New => "New",
            IdeaStatus::UnderConsideration => "Under consideration",
            IdeaStatus::TakenForward => "Taken forward",
            IdeaStatus::NotTakenForward => "Not taken forward",
        }
    }

    /// Parses [`IdeaStatus::as_str`].
    pub fn parse(s: &str) -> Result<IdeaStatus, UnknownValue> {
        IdeaStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownValue {
                field: "status",
                given: s.into(),
                expected: "new, under_consideration, taken_forward, not_taken_forward",
            })
    }
}

/// An organiser's update of an idea's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The new status.
    pub status: IdeaStatus,
    /// Why (required when not taken forward, so the person who posted it hears why).
    pub reason: String,
}

impl StatusUpdate {
    /// Checks the fields `status` and `reason`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.status == IdeaStatus::NotTakenForward {
            required_text(
                &mut e,
                "reason",
                &self.reason,
                "why the idea is not being taken forward",
                MAX_BODY_CHARS,
            );
        } else if self.reason.chars().count() > MAX_BODY_CHARS {
            e.push(
                "reason",
                format!("Reason must be {MAX_BODY_CHARS} characters or fewer"),
            );
        }
        e.into_result()
    }
}

/// A moderator's decision on a contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationDecision {
    /// It may be shown (reports made before this are settled).
    Approve,
    /// It is removed from view (kept, for the record).
    Remove,
}

impl ModerationDecision {
    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationDecision::Approve => "approve",
            ModerationDecision::Remove => "remove",
        }
    }

    /// Parses [`ModerationDecision::as_str`].
    pub fn parse(s: &str) -> Result<ModerationDecision, UnknownValue> {
        match s {
            "approve" => Ok(ModerationDecision::Approve),
            "remove" => Ok(ModerationDecision::Remove),
            _ => Err(UnknownValue {
                field: "decision",
                given: s.into(),
                expected: "approve, remove",
            }),
        }
    }
}

/// Who may see a contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone who can see the project.
    Visible,
    /// Pre-moderated and not yet approved: its author and moderators only.
    AwaitingApproval,
    /// Reported by [`REPORTS_TO_HIDE`] or more participants since the last decision:
    /// moderators only, until one decides.
    HiddenByReports,
    /// Removed by a moderator: moderators only.
    Removed,
}

impl Visibility {
    /// Whether the public sees it.
    pub fn is_public(self) -> bool {
        self == Visibility::Visible
    }

    /// Whether it waits in the moderation queue.
    pub fn needs_moderator(self) -> bool {
        matches!(
            self,
            Visibility::AwaitingApproval | Visibility::HiddenByReports
        )
    }
}

/// The moderation rule: a removed contribution stays removed; one reported by
/// [`REPORTS_TO_HIDE`] distinct participants since the moderator's last decision is hidden until
/// a moderator decides again; under pre-moderation one never approved waits; everything else is
/// visible. `reports_since_decision` counts distinct reporters after the latest decision (all
/// of them when there is none), so an approval settles the reports made before it.
pub fn visibility(
    moderation: Moderation,
    last_decision: Option<ModerationDecision>,
    reports_since_decision: u32,
) -> Visibility {
    match last_decision {
        Some(ModerationDecision::Remove) => Visibility::Removed,
        _ if reports_since_decision >= REPORTS_TO_HIDE => Visibility::HiddenByReports,
        None if moderation == Moderation::Pre => Visibility::AwaitingApproval,
        _ => Visibility::Visible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_validate_by_kind() {
        let idea = NewPost {
            kind: PostKind::Idea,
            title: String::new(),
            body: String::new(),
        };
        let e = idea.validate().unwrap_err();
        assert_eq!(e.get("title"), Some("Enter a title for your idea"));
        assert_eq!(e.get("body"), Some("Enter your idea"));
        let reply = NewPost {
            kind: PostKind::Reply,
            title: String::new(),
            body: "x".repeat(MAX_BODY_CHARS + 1),
        };
        assert_eq!(
            reply.validate().unwrap_err().get("body"),
            Some("Your reply must be 5000 characters or fewer")
        );
        let ok = NewPost {
            kind: PostKind::Thread,
            title: "Opening hours".into(),
            body: "<script>alert(1)</script>".into(),
        };
        assert!(
            ok.validate().is_ok(),
            "markup is text: escaped when shown, never refused"
        );
    }

    #[test]
    fn not_taken_forward_needs_a_reason() {
        let u = StatusUpdate {
            status: IdeaStatus::NotTakenForward,
            reason: " ".into(),
        };
        assert_eq!(
            u.validate().unwrap_err().get("reason"),
            Some("Enter why the idea is not being taken forward")
        );
        for s in IdeaStatus::ALL {
            assert_eq!(IdeaStatus::parse(s.as_str()), Ok(s));
            if s != IdeaStatus::NotTakenForward {
                let u = StatusUpdate {
                    status: s,
                    reason: String::new(),
                };
                assert!(u.validate().is_ok());
            }
        }
    }

    #[test]
    fn moderation_rules() {
        use ModerationDecision::*;
        use Visibility::*;
        let post = Moderation::Post;
        let pre = Moderation::Pre;
        assert_eq!(visibility(post, None, 0), Visible);
        assert_eq!(visibility(post, None, 2), Visible);
        assert_eq!(visibility(post, None, 3), HiddenByReports);
        assert_eq!(visibility(post, Some(Approve), 0), Visible);
        assert_eq!(visibility(post, Some(Approve), 3), HiddenByReports);
        assert_eq!(visibility(post, Some(Remove), 0), Removed);
        assert_eq!(visibility(pre, None, 0), AwaitingApproval);
        assert_eq!(visibility(pre, None, 5), HiddenByReports);
        assert_eq!(visibility(pre, Some(Approve), 1), Visible);
        assert_eq!(visibility(pre, Some(Remove), 9), Removed);
        assert!(AwaitingApproval.needs_moderator() && HiddenByReports.needs_moderator());
        assert!(!Removed.needs_moderator() && !Visible.needs_moderator());
    }
}
