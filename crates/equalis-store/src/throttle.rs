//! Login throttling: failed logins counted per account and per client address, in the store
//! so that the count holds across restarts and across the processes of a deployment.
//!
//! After `free` failures in a row (failures older than `forget_after` are forgotten), each
//! further failure locks the account (or address) out for a while, doubling each time from
//! `first_lockout` up to `max_lockout`. While locked out, logins are refused before the
//! password is checked. A successful login clears the account's count; an address's count is
//! only forgotten with time (a successful login from an address that also tried many other
//! accounts says nothing good about it).

use jiff::{SignedDuration, Timestamp};
use sqlx::{Any, Row, Transaction};

use crate::clock::{from_secs, to_secs};

/// How many failures are free and how long the lock-outs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failed logins in a row an account may have before it is locked out.
    pub account_free_failures: u32,
    /// Failed logins (on any accounts) an address may make before it is locked out: more
    /// than an account's, as several people may share an address (an NHS network's proxy).
    pub address_free_failures: u32,
    /// The first lock-out.
    pub first_lockout: SignedDuration,
    /// The longest lock-out: long enough to stop guessing, short enough that an attacker
    /// cannot keep a real user out for long.
    pub max_lockout: SignedDuration,
    /// Failures older than this are forgotten.
    pub forget_after: SignedDuration,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            account_free_failures: 5,
            address_free_failures: 30,
            first_lockout: SignedDuration::from_mins(1),
            max_lockout: SignedDuration::from_mins(15),
            forget_after: SignedDuration::from_hours(1),
        }
    }
}

impl ThrottlePolicy {
    /// How long to lock out after `failures` failures in a row, when `free` are allowed.
    pub fn lockout(&self, failures: i64, free: u32) -> Option<SignedDuration> {
        let over = failures - i64::from(free);
        if over < 0 {
            return None;
        }
        let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(30);
        let secs = self
            .first_lockout
            .as_secs()
            .saturating_mul(1_i64 << doublings);
        Some(SignedDuration::from_secs(
            secs.min(self.max_lockout.as_secs()),
        ))
    }

    fn free(&self, scope: Scope) -> u32 {
        match scope {
            Scope::Account => self.account_free_failures,
            Scope::Address => self.address_free_failures,
        }
    }
}

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One account (by its email key, whether or not the account exists, so a lock-out does
    /// not reveal which accounts exist).
    Account,
    /// One client address.
    Address,
}

impl Scope {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

/// Until when `key` is locked out, if it is at `now`.
pub(crate) async fn locked_until<'e, E>(
    exec: E,
    scope: Scope,
    key: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row = sqlx::query(
        "SELECT locked_until FROM login_throttle
         WHERE scope = $1 AND key = $2 AND locked_until IS NOT NULL AND locked_until > $3",
    )
    .bind(scope.name())
    .bind(key)
    .bind(to_secs(now))
    .fetch_optional(exec)
    .await?;
    row.map(|r| r.try_get::<i64, _>("locked_until").map(from_secs))
        .transpose()
}

/// Counts a failure; returns the new lock-out's end if this failure starts one.
pub(crate) async fn record_failure(
    tx: &mut Transaction<'static, Any>,
    policy: &ThrottlePolicy,
    scope: Scope,
    key: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>, sqlx::Error> {
    let forget_before = now
        .checked_sub(policy.forget_after)
        .unwrap_or(Timestamp::MIN);
    // One statement, so concurrent failures (PostgreSQL) each count.
    let row = sqlx::query(
        "INSERT INTO login_throttle (scope, key, failures, last_failure_at, locked_until)
         VALUES ($1, $2, 1, $3, NULL)
         ON CONFLICT (scope, key) DO UPDATE SET
             failures = CASE WHEN login_throttle.last_failure_at <= $4 THEN 1
                             ELSE login_throttle.failures + 1 END,
             last_failure_at = $3
         RETURNING failures",
    )
    .bind(scope.name())
    .bind(key)
    .bind(to_secs(now))
    .bind(to_secs(forget_before))
    .fetch_one(&mut **tx)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let Some(lockout) = policy.lockout(failures, policy.free(scope)) else {
        return Ok(None);
    };
    let until = now.checked_add(lockout).unwrap_or(Timestamp::MAX);
    sqlx::query("UPDATE login_throttle SET locked_until = $3 WHERE scope = $1 AND key = $2")
        .bind(scope.name())
        .bind(key)
        .bind(to_secs(until))
        .execute(&mut **tx)
        .await?;
    Ok(Some(until))
}

/// Forgets `key`'s failures (a successful login, or a password reset).
pub(crate) async fn reset<'e, E>(exec: E, scope: Scope, key: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query("DELETE FROM login_throttle WHERE scope = $1 AND key = $2")
        .bind(scope.name())
        .bind(key)
        .execute(exec)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_up_to_the_cap() {
        let p = ThrottlePolicy::default();
        let free = p.account_free_failures;
        assert_eq!(p.lockout(4, free), None);
        assert_eq!(p.lockout(5, free), Some(SignedDuration::from_mins(1)));
        assert_eq!(p.lockout(6, free), Some(SignedDuration::from_mins(2)));
        assert_eq!(p.lockout(7, free), Some(SignedDuration::from_mins(4)));
        assert_eq!(p.lockout(9, free), Some(SignedDuration::from_mins(15)));
        assert_eq!(p.lockout(1_000, free), Some(SignedDuration::from_mins(15)));
    }

    proptest::proptest! {
        #[test]
        fn lockout_never_shrinks_and_never_exceeds_the_cap(failures in 0_i64..10_000) {
            let p = ThrottlePolicy::default();
            let free = p.account_free_failures;
            let a = p.lockout(failures, free).unwrap_or(SignedDuration::ZERO);
            let b = p.lockout(failures + 1, free).unwrap_or(SignedDuration::ZERO);
            proptest::prop_assert!(a <= b);
            proptest::prop_assert!(b <= p.max_lockout);
        }
    }
}
