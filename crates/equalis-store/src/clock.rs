//! The store's idea of "now", injected so that time-outs and lock-outs are tested without
//! sleeping.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// A source of the current time. The store asks it once per operation.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system's clock: what every real deployment uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that moves only when told to: for tests of time-outs and lock-outs (here and in
/// the web layer's tests), so that no test sleeps.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.saturating_add(by).unwrap_or(*now);
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: Timestamp) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Seconds since the Unix epoch: how every time is stored (portable between SQLite and
/// PostgreSQL through one integer column type; whole seconds are ample for time-outs and audit).
pub(crate) fn to_secs(t: Timestamp) -> i64 {
    t.as_second()
}

/// The inverse of [`to_secs`]; out-of-range values (which equalis never writes) clamp.
pub(crate) fn from_secs(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(if s < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Timestamp::from_second(1_700_000_000).unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(SignedDuration::from_mins(31));
        assert_eq!(clock.now().as_second(), 1_700_000_000 + 31 * 60);
    }

    #[test]
    fn seconds_round_trip() {
        let t = Timestamp::from_second(1_767_225_600).unwrap();
        assert_eq!(from_secs(to_secs(t)), t);
        assert_eq!(from_secs(i64::MAX), Timestamp::MAX);
    }
}
