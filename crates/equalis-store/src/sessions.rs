//! Logins and sessions.
//!
//! A login checks the throttle, then the password (argon2id, on a blocking thread, with a
//! dummy check for unknown accounts), then records the outcome, the audit entry and (on
//! success) the new session in one transaction. A session is a random 256-bit token held by
//! the browser in a cookie; the store keeps only its hash. It ends after `idle` without use
//! or `absolute` after login, whichever is first, at logout, and when its account is
//! disabled, reset or given a new role. Its CSRF token is derived from the session token
//! (nothing more stored) and checked in constant time.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;

use crate::audit::{self, Actor, action};
use crate::clock::{from_secs, to_secs};
use crate::password::{verify_dummy, verify_password};
use crate::secret::{Secret, constant_time_str_eq};
use crate::throttle::{self, Scope};
use crate::users::{USER_COLUMNS, email_key, user_from_row};
use crate::{Store, StoreError, User};

/// The session cookie's name. The `__Host-` prefix makes browsers accept it only with
/// `Secure`, `Path=/` and no `Domain`; the web layer adds `HttpOnly` and `SameSite=Strict`
/// (and, on loopback, where there is no `Secure`, uses a name without the prefix).
pub const SESSION_COOKIE: &str = "__Host-equalis-session";

/// Session time-outs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends (NHS systems commonly use 15 to 30 minutes).
    pub idle: SignedDuration,
    /// A session ends this long after login, however busy.
    pub absolute: SignedDuration,
}

impl Default for SessionPolicy {
    fn default() -> SessionPolicy {
        SessionPolicy {
            idle: SignedDuration::from_mins(30),
            absolute: SignedDuration::from_hours(12),
        }
    }
}

/// A session just opened: its token goes to the browser once, in the cookie.
#[derive(Debug)]
pub struct NewSession {
    /// The cookie's value. Not stored anywhere by equalis.
    pub token: Secret,
    /// The CSRF token to put in every form of this session.
    pub csrf_token: String,
    /// The account.
    pub user: User,
    /// When the session ends at the latest: the cookie's `Expires` (its `Max-Age` is
    /// [`NewSession::max_age_secs`]).
    pub expires_at: Timestamp,
}

impl NewSession {
    /// The cookie's `Max-Age` in seconds: the absolute time-out.
    pub fn max_age_secs(&self, policy: &SessionPolicy) -> i64 {
        policy.absolute.as_secs()
    }
}

/// A live session, found from its token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The store's id of the session.
    pub id: i64,
    /// The account.
    pub user: User,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When it ends if not used again (now plus the idle time-out, capped by `expires_at`).
    pub idle_expires_at: Timestamp,
    /// When it ends however busy: login plus the absolute time-out.
    pub expires_at: Timestamp,
    csrf_token: String,
}

impl Session {
    /// The CSRF token to put in forms.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// Whether a submitted form's CSRF token is this session's (compared in constant time).
    pub fn check_csrf(&self, submitted: &str) -> bool {
        constant_time_str_eq(&self.csrf_token, submitted)
    }
}

/// The result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in: a new session.
    Success(NewSession),
    /// Refused, and why.
    Refused(LoginRefusal),
}

/// Why a login was refused. A web page should say the same for
/// [`LoginRefusal::BadCredentials`] and [`LoginRefusal::Disabled`] unless it wants to help
/// the holder of a disabled account's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// The email or the password is wrong (which is not said).
    BadCredentials,
    /// The password is right but the account is disabled.
    Disabled,
    /// Too many failed logins for this account or address: try again after `until`.
    Throttled {
        /// When logins are accepted again.
        until: Timestamp,
    },
}

const SESSION_PREFIX: &str = "eqs_";

/// How often a session's last use is written.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(15);

impl Store {
    /// Tries to log in with an email (or user name) and password from `client_addr`.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client_addr: Option<&str>,
    ) -> Result<LoginOutcome, StoreError> {
        let now = self.now();
        let key = email_key(email);
        let policy = self.config().throttle.clone();

        // Refused while locked out, before any password is checked.
        let mut until = throttle::locked_until(self.pool(), Scope::Account, &key, now).await?;
        if let Some(addr) = client_addr {
            let by_addr = throttle::locked_until(self.pool(), Scope::Address, addr, now).await?;
            until = until.max(by_addr);
        }
        if let Some(until) = until {
            return Ok(LoginOutcome::Refused(LoginRefusal::Throttled { until }));
        }

        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email_key = $1"
        )))
        .bind(&key)
        .fetch_optional(self.pool())
        .await?;
        let found = match &row {
            Some(row) => Some((
                user_from_row(row)?,
                row.try_get::<String, _>("password_hash")?,
            )),
            None => None,
        };
        let password_owned = password.to_string();
        let hash = found.as_ref().map(|(_, h)| h.clone());
        let password_ok = tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_password(&password_owned, &hash),
            None => {
                // The same work as a real check, so timing does not reveal the account exists.
                verify_dummy(&password_owned);
                false
            }
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("the password check failed: {e}")))?;

        let actor = match &found {
            Some((user, _)) if password_ok => Actor::User(user.email.clone()),
            _ => Actor::Anonymous(client_addr.map(str::to_string)),
        };
        let subject = format!("user:{key}");
        let mut tx = self.begin_audited().await?;
        let refusal = match &found {
            Some((user, _)) if password_ok && !user.disabled => None,
            Some((_, _)) if password_ok => Some(LoginRefusal::Disabled),
            _ => Some(LoginRefusal::BadCredentials),
        };
        let Some((user, _)) = found.filter(|_| refusal.is_none()) else {
            let refusal = refusal.unwrap_or(LoginRefusal::BadCredentials);
            let reason = match refusal {
                LoginRefusal::Disabled => "account disabled",
                _ => "wrong email or password",
            };
            audit::append(
                &mut tx,
                now,
                &actor,
                action::LOGIN_FAILED,
                &subject,
                &json!({ "reason": reason, "client_addr": client_addr }),
            )
            .await?;
            let mut locks = Vec::new();
            if let Some(t) =
                throttle::record_failure(&mut tx, &policy, Scope::Account, &key, now).await?
            {
                locks.push((Scope::Account, key.clone(), t));
            }
            if let Some(addr) = client_addr
                && let Some(t) =
                    throttle::record_failure(&mut tx, &policy, Scope::Address, addr, now).await?
            {
                locks.push((Scope::Address, addr.to_string(), t));
            }
            for (scope, locked, until) in &locks {
                audit::append(
                    &mut tx,
                    now,
                    &Actor::System,
                    action::LOGIN_LOCKED,
                    &format!("{}:{locked}", scope.name()),
                    &json!({ "until": until.to_string() }),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(LoginOutcome::Refused(refusal));
        };

        throttle::reset(&mut *tx, Scope::Account, &key).await?;
        let token = Secret::generate(SESSION_PREFIX);
        let session_id: i64 = sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, client_addr)
             VALUES ($1, $2, $3, $3, $4) RETURNING id",
        )
        .bind(token.stored_hash())
        .bind(user.id)
        .bind(to_secs(now))
        .bind(client_addr)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::append(
            &mut tx,
            now,
            &actor,
            action::LOGIN_SUCCEEDED,
            &subject,
            &json!({ "session": session_id, "client_addr": client_addr }),
        )
        .await?;
        tx.commit().await?;
        let expires_at = now
            .checked_add(self.config().sessions.absolute)
            .unwrap_or(Timestamp::MAX);
        Ok(LoginOutcome::Success(NewSession {
            csrf_token: token.csrf_token(),
            token,
            user,
            expires_at,
        }))
    }

    /// The live session a token opens, marking it used now; `None` if there is none (never
    /// was, logged out, timed out, or its account is disabled). An ended session is removed.
    pub async fn session(&self, token: &Secret) -> Result<Option<Session>, StoreError> {
        let now = self.now();
        let policy = &self.config().sessions;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at,
                    {USER_COLUMNS}
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1"
        )))
        .bind(token.stored_hash())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.try_get("session_id")?;
        let created_at = from_secs(row.try_get("session_created_at")?);
        let last_seen = from_secs(row.try_get("last_seen_at")?);
        let user = user_from_row(&row)?;
        let expires_at = created_at
            .checked_add(policy.absolute)
            .unwrap_or(Timestamp::MAX);
        let idle_end = last_seen.checked_add(policy.idle).unwrap_or(Timestamp::MAX);
        if user.disabled || now >= expires_at || now >= idle_end {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(id)
                .execute(self.pool())
                .await?;
            return Ok(None);
        }
        // Marks it used, at most once per TOUCH_EVERY: a page with many requests costs one
        // write, and the idle time-out is at most that much shorter than configured.
        let touched = if now.duration_since(last_seen) >= TOUCH_EVERY {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1",
            )
            .bind(to_secs(now))
            .bind(id)
            .execute(self.pool())
            .await?;
            now
        } else {
            last_seen
        };
        let idle_expires_at = touched
            .checked_add(policy.idle)
            .unwrap_or(Timestamp::MAX)
            .min(expires_at);
        Ok(Some(Session {
            id,
            user,
            created_at,
            idle_expires_at,
            expires_at,
            csrf_token: token.csrf_token(),
        }))
    }

    /// Ends the session a token opens (logout). Returns whether there was one.
    pub async fn logout(&self, token: &Secret) -> Result<bool, StoreError> {
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "SELECT s.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1",
        )
        .bind(token.stored_hash())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        let email: String = row.try_get("email")?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            now,
            &Actor::User(email.clone()),
            action::LOGOUT,
            &format!("user:{}", email_key(&email)),
            &json!({ "session": id }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes every session that has timed out; returns how many. Sessions are also
    /// removed when next presented, so this only keeps the table small.
    pub async fn purge_expired_sessions(&self) -> Result<u64, StoreError> {
        let now = self.now();
        let policy = &self.config().sessions;
        let idle_before = now.checked_sub(policy.idle).unwrap_or(Timestamp::MIN);
        let created_before = now.checked_sub(policy.absolute).unwrap_or(Timestamp::MIN);
        Ok(
            sqlx::query("DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2")
                .bind(to_secs(idle_before))
                .bind(to_secs(created_before))
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }
}
