//! The audit log: who did what, when, to what. Append-only and tamper-evident.
//!
//! Entry `n` (numbered 1, 2, 3, … with no gaps) stores the hash of entry `n - 1` and its own
//! hash: BLAKE3 over a canonical encoding of the previous hash and its own fields (each
//! length-prefixed, so no two different entries encode alike). Changing an entry's fields
//! breaks its own hash; changing a hash too breaks the next entry's link; removing or
//! reordering entries breaks the numbering or a link. [`crate::Store::verify_audit`] walks the
//! chain and names the first entry that does not match.
//!
//! Appends are serialised (SQLite: the write transaction; PostgreSQL: an advisory lock taken
//! first in every audited transaction), so two processes cannot both append entry `n`, and
//! the primary key on the number would refuse it if they tried. An audited change and its
//! entry commit in one transaction: there is no change without its entry. The store offers no
//! way to update or delete an entry, and the database's triggers refuse both.
//!
//! What the chain cannot show on its own is the removal of the newest entries; the head
//! (the last number and hash) that `verify` reports can be recorded elsewhere (a board paper,
//! a ticket) and compared later.

use std::fmt;

use jiff::Timestamp;
use serde_json::Value;
use sqlx::{Any, Row, Transaction};

use crate::clock::{from_secs, to_secs};

/// The previous hash of entry 1.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The PostgreSQL advisory lock key of the audit log.
pub(crate) const AUDIT_LOCK: i64 = 0x6571_7561_6c69_0002;

/// The domain of the entry hash, so no other BLAKE3 use in equalis can produce the same input.
const HASH_DOMAIN: &[u8] = b"equalis audit log entry v1";

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user (or an API token's owner), by email.
    User(String),
    /// Someone at the command line, by operating-system user name.
    Command(String),
    /// Someone not logged in, by client address when known.
    Anonymous(Option<String>),
    /// equalis itself (for example, expiring sessions).
    System,
}

impl Actor {
    /// The person running this process at the command line: `$USER` or `$LOGNAME`, else
    /// the name of the process's user id in `/etc/passwd`, else `uid N`, else `unknown`
    /// (services and CI often run without `$USER`, and the audit log should still say who).
    pub fn command_line() -> Actor {
        let from_env = ["USER", "LOGNAME"]
            .into_iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|u| !u.trim().is_empty());
        Actor::Command(from_env.unwrap_or_else(os_user))
    }
}

#[cfg(unix)]
fn os_user() -> String {
    use std::os::unix::fs::MetadataExt;
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "unknown".to_string();
    };
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let id = fields.nth(1)?;
                (id.parse::<u32>().ok()? == uid).then(|| name.to_string())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

#[cfg(not(unix))]
fn os_user() -> String {
    "unknown".to_string()
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(email) => write!(f, "user:{email}"),
            Actor::Command(user) => write!(f, "cli:{user}"),
            Actor::Anonymous(Some(addr)) => write!(f, "anonymous:{addr}"),
            Actor::Anonymous(None) => f.write_str("anonymous"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// The actions equalis records. The web layer adds its own (views of unsuppressed data,
/// sign-offs) through [`crate::Store::record`]; these are the store's.
pub mod action {
    /// A login that opened a session.
    pub const LOGIN_SUCCEEDED: &str = "login.succeeded";
    /// A login refused for a wrong email or password, or a disabled account.
    pub const LOGIN_FAILED: &str = "login.failed";
    /// Too many failed logins: an account or address is locked out for a while.
    pub const LOGIN_LOCKED: &str = "login.locked";
    /// A session ended by its user.
    pub const LOGOUT: &str = "logout";
    /// An account created.
    pub const USER_CREATED: &str = "user.created";
    /// An account's password set anew (its sessions end).
    pub const USER_PASSWORD_RESET: &str = "user.password_reset";
    /// An account disabled (its sessions end).
    pub const USER_DISABLED: &str = "user.disabled";
    /// A disabled account enabled again.
    pub const USER_ENABLED: &str = "user.enabled";
    /// An account's role changed.
    pub const USER_ROLE_CHANGED: &str = "user.role_changed";
    /// An API token created.
    pub const API_TOKEN_CREATED: &str = "api_token.created";
    /// An API token revoked.
    pub const API_TOKEN_REVOKED: &str = "api_token.revoked";
    /// A decision recorded (its title, owner, organisation and stage).
    pub const DECISION_CREATED: &str = "decision.created";
    /// A decision's record changed (the fields changed and their new values).
    pub const DECISION_CHANGED: &str = "decision.changed";
    /// A version of a decision's impact assessment started.
    pub const ASSESSMENT_STARTED: &str = "assessment.started";
    /// A draft's answers saved (the parts changed).
    pub const ASSESSMENT_SAVED: &str = "assessment.saved";
    /// A draft submitted for sign-off.
    pub const ASSESSMENT_SUBMITTED: &str = "assessment.submitted";
    /// A submitted version returned to draft by a reviewer (with their comment).
    pub const ASSESSMENT_RETURNED: &str = "assessment.returned";
    /// A version signed off by a reviewer (or, for "no full assessment", agreed).
    pub const ASSESSMENT_SIGNED: &str = "assessment.signed";
    /// A signed version published.
    pub const ASSESSMENT_PUBLISHED: &str = "assessment.published";
    /// An attempt on a decision or its assessment refused (who, what was tried, why): a
    /// reviewer signing their own, a signed version changed, the public reading a draft.
    pub const ASSESSMENT_REFUSED: &str = "assessment.refused";
}

/// One entry of the log, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Its number: 1, 2, 3, … with no gaps.
    pub seq: i64,
    /// When it was recorded.
    pub at: Timestamp,
    /// Who (see [`Actor`]'s `Display`).
    pub actor: String,
    /// What (see [`action`]).
    pub action: String,
    /// To what, e.g. `user:ada@example.nhs.uk`.
    pub subject: String,
    /// Details as JSON text (never a password, token or NHS number).
    pub detail: String,
    /// The previous entry's hash ([`GENESIS_HASH`] for entry 1).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry's fields and stored previous hash should have.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            to_secs(self.at),
            &self.actor,
            &self.action,
            &self.subject,
            &self.detail,
        )
    }
}

/// BLAKE3 over the domain, then every field as an 8-byte big-endian length and its bytes
/// (integers as 8 big-endian bytes): one encoding per entry, and no two entries alike.
pub(crate) fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at_secs: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(HASH_DOMAIN);
    field(prev_hash.as_bytes());
    field(&seq.to_be_bytes());
    field(&at_secs.to_be_bytes());
    field(actor.as_bytes());
    field(action.as_bytes());
    field(subject.as_bytes());
    field(detail.as_bytes());
    h.finalize().to_hex().to_string()
}

/// Appends an entry inside `tx`, which must be a write transaction that took [`AUDIT_LOCK`]
/// first (see [`crate::Store`]'s `begin_audited`).
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    at: Timestamp,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &Value,
) -> Result<AuditEntry, sqlx::Error> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (
            row.try_get::<i64, _>("seq")? + 1,
            row.try_get::<String, _>("hash")?,
        ),
        None => (1, GENESIS_HASH.to_string()),
    };
    // serde_json writes a `Value`'s object keys in sorted order: the same details always
    // give the same text.
    let detail = serde_json::to_string(detail).unwrap_or_else(|_| "null".to_string());
    let entry = AuditEntry {
        seq,
        at: crate::clock::from_secs(to_secs(at)),
        actor: actor.to_string(),
        action: action.to_string(),
        subject: subject.to_string(),
        detail,
        hash: String::new(),
        prev_hash,
    };
    let entry = AuditEntry {
        hash: entry.expected_hash(),
        ..entry
    };
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.seq)
    .bind(to_secs(entry.at))
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    Ok(entry)
}

pub(crate) fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: from_secs(row.try_get("at")?),
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// What [`crate::Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// How many entries were checked (up to and including the first problem, if any).
    pub entries: i64,
    /// The last entry's number and hash when the whole chain holds: record it elsewhere to
    /// detect later removal of the newest entries.
    pub head: Option<(i64, String)>,
    /// The first entry that does not match, if any.
    pub problem: Option<AuditProblem>,
}

/// The first place the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    /// The number of the entry that does not match (or is missing).
    pub seq: i64,
    /// How it does not match.
    pub kind: AuditProblemKind,
}

/// How an entry fails to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblemKind {
    /// The entry's fields do not give its stored hash: it was changed after it was written.
    Changed,
    /// The entry does not name the previous entry's hash: the previous entry (with its hash)
    /// was changed, or entries before it were removed or reordered.
    BrokenLink,
    /// No entry has this number, but a later one exists: entries were removed.
    Missing {
        /// The number found in its place.
        next_found: i64,
    },
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.seq;
        match &self.kind {
            AuditProblemKind::Changed => write!(
                f,
                "entry {n} was changed after it was written (its contents do not give its hash)"
            ),
            AuditProblemKind::BrokenLink => write!(
                f,
                "entry {n} does not follow entry {}: entry {} (and its hash) was changed, or entries were removed or reordered",
                n - 1,
                n - 1
            ),
            AuditProblemKind::Missing { next_found } => write!(
                f,
                "entry {n} is missing (the next entry is {next_found}): entries were removed"
            ),
        }
    }
}

/// Checks one entry against the hash of the entry before it, `prev` (entry `expected - 1`).
pub(crate) fn check_entry(entry: &AuditEntry, expected: i64, prev: &str) -> Option<AuditProblem> {
    if entry.seq != expected {
        return Some(AuditProblem {
            seq: expected,
            kind: AuditProblemKind::Missing {
                next_found: entry.seq,
            },
        });
    }
    if entry.expected_hash() != entry.hash {
        return Some(AuditProblem {
            seq: entry.seq,
            kind: AuditProblemKind::Changed,
        });
    }
    if entry.prev_hash != prev {
        return Some(AuditProblem {
            seq: entry.seq,
            kind: AuditProblemKind::BrokenLink,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: Timestamp::from_second(1_767_225_600 + seq).unwrap(),
                    actor: "cli:root".into(),
                    action: action::USER_CREATED.into(),
                    subject: format!("user:u{seq}@example.nhs.uk"),
                    detail: format!("{{\"n\":{seq}}}"),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn first_problem(entries: &[AuditEntry]) -> Option<AuditProblem> {
        let mut prev = GENESIS_HASH.to_string();
        for (i, e) in entries.iter().enumerate() {
            if let Some(p) = check_entry(e, i as i64 + 1, &prev) {
                return Some(p);
            }
            prev = e.hash.clone();
        }
        None
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(first_problem(&chain(5)), None);
    }

    #[test]
    fn a_changed_field_is_named() {
        let mut c = chain(5);
        c[2].detail = "{\"n\":99}".into();
        assert_eq!(
            first_problem(&c),
            Some(AuditProblem {
                seq: 3,
                kind: AuditProblemKind::Changed
            })
        );
    }

    #[test]
    fn a_changed_entry_with_a_recomputed_hash_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].actor = "cli:someone-else".into();
        c[2].hash = c[2].expected_hash();
        let p = first_problem(&c).unwrap();
        assert_eq!(p.seq, 4);
        assert_eq!(p.kind, AuditProblemKind::BrokenLink);
        assert!(p.to_string().contains("entry 3"), "{p}");
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            first_problem(&c),
            Some(AuditProblem {
                seq: 2,
                kind: AuditProblemKind::Missing { next_found: 3 }
            })
        );
    }

    #[test]
    fn swapped_entries_are_named() {
        let mut c = chain(5);
        // Swap the contents of entries 2 and 3, keeping the numbers in order.
        let (a, b) = (c[1].clone(), c[2].clone());
        c[1] = AuditEntry { seq: 2, ..b };
        c[2] = AuditEntry { seq: 3, ..a };
        assert_eq!(first_problem(&c).map(|p| p.seq), Some(2));
    }

    #[test]
    fn fields_cannot_be_shifted_between_each_other() {
        // Without length prefixes, "ab" + "c" and "a" + "bc" would hash alike.
        let one = entry_hash(GENESIS_HASH, 1, 0, "ab", "c", "s", "{}");
        let two = entry_hash(GENESIS_HASH, 1, 0, "a", "bc", "s", "{}");
        assert_ne!(one, two);
    }

    proptest::proptest! {
        /// Changing any one field of any entry of a chain is found, at that entry or (when
        /// its hash was recomputed to match) at the next one.
        #[test]
        fn any_single_change_is_found_where_it_was_made(
            len in 2_i64..12,
            at in 0_usize..12,
            field in 0_usize..6,
            recompute in proptest::bool::ANY,
        ) {
            let mut c = chain(len);
            let i = at % c.len();
            let e = &mut c[i];
            match field {
                0 => e.actor.push('x'),
                1 => e.action.push('x'),
                2 => e.subject.push('x'),
                3 => e.detail = "{\"n\":-1}".into(),
                4 => e.at = Timestamp::from_second(e.at.as_second() + 1).unwrap(),
                _ => e.prev_hash = GENESIS_HASH.replace('0', "1"),
            }
            if recompute {
                e.hash = e.expected_hash();
            }
            let found = first_problem(&c).map(|p| p.seq);
            let seq = i as i64 + 1;
            if recompute && field != 5 {
                // The entry is self-consistent; the next entry's link breaks. The last
                // entry has no next: only a recorded head shows that change.
                let expected = (seq < len).then_some(seq + 1);
                proptest::prop_assert_eq!(found, expected);
            } else {
                proptest::prop_assert_eq!(found, Some(seq));
            }
        }
    }

    #[test]
    fn actors_display() {
        assert_eq!(Actor::User("a@b".into()).to_string(), "user:a@b");
        assert_eq!(Actor::Command("root".into()).to_string(), "cli:root");
        assert_eq!(
            Actor::Anonymous(Some("10.0.0.1".into())).to_string(),
            "anonymous:10.0.0.1"
        );
    }
}
