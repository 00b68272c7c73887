//! Accounts: email (or user name, unique ignoring case), display name, role, password hash,
//! disabled flag. Every change is audited in the same transaction.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor, action};
use crate::clock::{from_secs, to_secs};
use crate::password::{check_password_rules, hash_password};
use crate::{Role, Store, StoreError, throttle};

/// An account, as the rest of equalis sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The store's id.
    pub id: i64,
    /// The email or user name, as first given.
    pub email: String,
    /// The name shown on pages.
    pub display_name: String,
    /// The account's role (never [`Role::Public`]).
    pub role: Role,
    /// A disabled account cannot log in and its API tokens do not work.
    pub disabled: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Email or user name.
    pub email: &'a str,
    /// Display name.
    pub display_name: &'a str,
    /// Role (not [`Role::Public`]).
    pub role: Role,
    /// The initial password (checked against the rules, then only its hash is kept).
    pub password: &'a str,
}

/// The email as compared: trimmed and lower-cased.
pub(crate) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an email or user name: 3 to 254 characters, no spaces or control characters.
pub(crate) fn check_email(email: &str) -> Result<String, StoreError> {
    let trimmed = email.trim();
    let invalid = |reason| StoreError::InvalidEmail {
        given: email.to_string(),
        reason,
    };
    let chars = trimmed.chars().count();
    if chars < 3 {
        return Err(invalid("it must be at least 3 characters long"));
    }
    if chars > 254 {
        return Err(invalid("it must be at most 254 characters long"));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it must not contain spaces or control characters"));
    }
    if trimmed.starts_with('@') || trimmed.ends_with('@') {
        return Err(invalid("an email needs text on both sides of the `@`"));
    }
    Ok(trimmed.to_string())
}

fn check_display_name(name: &str) -> Result<String, StoreError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(StoreError::InvalidName("it must not be empty"));
    }
    if trimmed.chars().count() > 200 {
        return Err(StoreError::InvalidName(
            "it must be at most 200 characters long",
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(StoreError::InvalidName(
            "it must not contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}

pub(crate) const USER_COLUMNS: &str =
    "u.id, u.email, u.display_name, u.role, u.disabled, u.created_at, u.updated_at";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role_text: String = row.try_get("role")?;
    let role = Role::parse_account_role(&role_text)
        .map_err(|_| StoreError::Corrupt(format!("an account has the role `{role_text}`")))?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}

fn subject(email: &str) -> String {
    format!("user:{}", email_key(email))
}

impl Store {
    /// Creates an account. Refuses an invalid email, name or password, the `public` role,
    /// and an email that exists (ignoring case).
    pub async fn create_user(&self, actor: &Actor, new: NewUser<'_>) -> Result<User, StoreError> {
        let email = check_email(new.email)?;
        let display_name = check_display_name(new.display_name)?;
        // Refuses `public`, the role of anyone not logged in.
        Role::parse_account_role(new.role.name())?;
        check_password_rules(new.password, &email)?;
        let hash = hash_blocking(new.password).await?;
        let key = email_key(&email);
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (email, email_key, display_name, role, password_hash, disabled,
                                created_at, updated_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6, $6)
             RETURNING id",
        )
        .bind(&email)
        .bind(&key)
        .bind(&display_name)
        .bind(new.role.name())
        .bind(&hash)
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::DuplicateUser(email));
            }
            Err(e) => return Err(e.into()),
        };
        audit::append(
            &mut tx,
            now,
            actor,
            action::USER_CREATED,
            &subject(&email),
            &json!({ "id": id, "display_name": display_name, "role": new.role.name() }),
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("account {id} vanished")))
    }

    /// The account with this email or user name (ignoring case), if any.
    pub async fn find_user(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email_key = $1"
        )))
        .bind(email_key(email))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The account with this id, if any.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account, by email.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email_key"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Sets a new password (checked against the rules). Ends the account's sessions and
    /// clears its failed logins.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        email: &str,
        password: &str,
    ) -> Result<User, StoreError> {
        let user = self.require_user(email).await?;
        check_password_rules(password, &user.email)?;
        let hash = hash_blocking(password).await?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2
             WHERE id = $3",
        )
        .bind(&hash)
        .bind(to_secs(now))
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        let ended = end_sessions(&mut tx, user.id).await?;
        throttle::reset(&mut *tx, throttle::Scope::Account, &email_key(&user.email)).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            action::USER_PASSWORD_RESET,
            &subject(&user.email),
            &json!({ "id": user.id, "sessions_ended": ended }),
        )
        .await?;
        tx.commit().await?;
        self.require_user(email).await
    }

    /// Disables (`true`) or enables (`false`) an account. Disabling ends its sessions; its
    /// API tokens stop working while it is disabled.
    pub async fn set_disabled(
        &self,
        actor: &Actor,
        email: &str,
        disabled: bool,
    ) -> Result<User, StoreError> {
        let user = self.require_user(email).await?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(to_secs(now))
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        let ended = if disabled {
            end_sessions(&mut tx, user.id).await?
        } else {
            0
        };
        let (what, detail) = if disabled {
            (
                action::USER_DISABLED,
                json!({ "id": user.id, "sessions_ended": ended }),
            )
        } else {
            (action::USER_ENABLED, json!({ "id": user.id }))
        };
        audit::append(&mut tx, now, actor, what, &subject(&user.email), &detail).await?;
        tx.commit().await?;
        self.require_user(email).await
    }

    /// Changes an account's role (not to [`Role::Public`]). Its sessions end, so that pages
    /// are served for the new role from the next login.
    pub async fn set_role(
        &self,
        actor: &Actor,
        email: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let role = Role::parse_account_role(role.name())?;
        let user = self.require_user(email).await?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.name())
            .bind(to_secs(now))
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        let ended = end_sessions(&mut tx, user.id).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            action::USER_ROLE_CHANGED,
            &subject(&user.email),
            &json!({ "id": user.id, "from": user.role.name(), "to": role.name(), "sessions_ended": ended }),
        )
        .await?;
        tx.commit().await?;
        self.require_user(email).await
    }

    pub(crate) async fn require_user(&self, email: &str) -> Result<User, StoreError> {
        self.find_user(email)
            .await?
            .ok_or_else(|| StoreError::UnknownUser(email.trim().to_string()))
    }
}

/// Deletes every session of an account; returns how many there were.
pub(crate) async fn end_sessions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Hashes on a blocking thread: argon2id takes tens of milliseconds of CPU by design, which
/// must not stall the async runtime's workers.
pub(crate) async fn hash_blocking(password: &str) -> Result<String, StoreError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Corrupt(format!("the password hashing task failed: {e}")))?
        .map_err(StoreError::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            check_email("  Ada@Example.NHS.uk ").unwrap(),
            "Ada@Example.NHS.uk"
        );
        assert_eq!(email_key("  Ada@Example.NHS.uk "), "ada@example.nhs.uk");
        assert!(check_email("ab").is_err());
        assert!(check_email("a b@c").is_err());
        assert!(check_email("@nhs.net").is_err());
        assert!(check_email("alovelace").is_ok(), "a user name is accepted");
        let err = check_email("a\u{7}b@c").unwrap_err().to_string();
        assert!(err.contains("control"), "{err}");
    }

    #[test]
    fn display_names() {
        assert_eq!(
            check_display_name(" Ada Lovelace ").unwrap(),
            "Ada Lovelace"
        );
        assert!(check_display_name("  ").is_err());
    }
}
