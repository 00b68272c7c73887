//! API tokens for `/api/v1/`: created with a name, shown once, stored only as a hash,
//! revocable, with the time each was last used. A token works only while its account is
//! enabled.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor, action};
use crate::clock::{from_secs, to_secs};
use crate::secret::Secret;
use crate::users::{USER_COLUMNS, user_from_row};
use crate::{Store, StoreError, User};

/// Every API token starts with this, so a leaked one is recognisable (secret scanners).
pub const API_TOKEN_PREFIX: &str = "eqt_";

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The store's id.
    pub id: i64,
    /// The account it acts as.
    pub user_id: i64,
    /// What it is for, in its owner's words.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was last used, if ever.
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// A token just created: its secret is shown to its owner this once.
#[derive(Debug)]
pub struct NewApiToken {
    /// The token as listed.
    pub token: ApiToken,
    /// The secret for the `Authorization: Bearer` header.
    pub secret: Secret,
}

fn token_from_row(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        created_at: from_secs(row.try_get("created_at")?),
        last_used_at: row
            .try_get::<Option<i64>, _>("last_used_at")?
            .map(from_secs),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_secs),
    })
}

impl Store {
    /// Creates an API token named `name` for the account `email`.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
    ) -> Result<NewApiToken, StoreError> {
        let user = self.require_user(email).await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::InvalidName(
                "an API token's name must be 1 to 100 characters, without control characters",
            ));
        }
        let secret = Secret::generate(API_TOKEN_PREFIX);
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
             VALUES ($1, $2, $3, $4)
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at",
        )
        .bind(user.id)
        .bind(name)
        .bind(secret.stored_hash())
        .bind(to_secs(now))
        .fetch_one(&mut *tx)
        .await?;
        let token = token_from_row(&row)?;
        audit::append(
            &mut tx,
            now,
            actor,
            action::API_TOKEN_CREATED,
            &format!("api_token:{}", token.id),
            &json!({ "user": user.email, "name": name }),
        )
        .await?;
        tx.commit().await?;
        Ok(NewApiToken { token, secret })
    }

    /// The account an API token acts as, marking the token used; `None` for an unknown or
    /// revoked token or a disabled account.
    pub async fn authenticate_api_token(
        &self,
        secret: &Secret,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT t.id AS token_id, {USER_COLUMNS}
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0"
        )))
        .bind(secret.stored_hash())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let token_id: i64 = row.try_get("token_id")?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(to_secs(self.now()))
            .bind(token_id)
            .execute(self.pool())
            .await?;
        Ok(Some(user_from_row(&row)?))
    }

    /// The API tokens of an account, newest first (revoked ones included).
    pub async fn list_api_tokens(&self, email: &str) -> Result<Vec<ApiToken>, StoreError> {
        let user = self.require_user(email).await?;
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at
             FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user.id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes the API token `id` of the account `email`. Revoking a revoked token changes
    /// nothing.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        email: &str,
        id: i64,
    ) -> Result<ApiToken, StoreError> {
        let user = self.require_user(email).await?;
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let changed = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(to_secs(now))
        .bind(id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let row = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at
             FROM api_tokens WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user.id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::UnknownApiToken(id))?;
        if changed > 0 {
            audit::append(
                &mut tx,
                now,
                actor,
                action::API_TOKEN_REVOKED,
                &format!("api_token:{id}"),
                &json!({ "user": user.email }),
            )
            .await?;
        }
        tx.commit().await?;
        token_from_row(&row)
    }
}
