//! The emulator's clock: the system clock by default, a manual one for tests that want to
//! move time without sleeping.

use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// A source of "now" (UTC).
pub trait EmulatorClock: Send + Sync + std::fmt::Debug {
    /// The current time, UTC.
    fn now(&self) -> OffsetDateTime;

    /// The current time as unix milliseconds.
    fn now_ms(&self) -> i64 {
        unix_ms(self.now())
    }
}

/// Unix milliseconds of a time (saturating).
pub(crate) fn unix_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl EmulatorClock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to. Requests must then be signed with its time.
///
/// ```
/// use dataworks_emulator::{EmulatorClock, ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::new(time::macros::datetime!(2024-01-02 03:04:05 UTC));
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now(), time::macros::datetime!(2024-01-02 03:04:07 UTC));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// A clock standing at the system's current time: the usual start for tests, and one that
    /// needs no `time` dependency.
    ///
    /// ```
    /// use dataworks_emulator::ManualClock;
    /// use std::time::Duration;
    /// let clock = ManualClock::starting_now();
    /// clock.advance(Duration::from_secs(60));
    /// ```
    pub fn starting_now() -> Self {
        Self::new(OffsetDateTime::now_utc())
    }

    /// A clock standing at a [`std::time::SystemTime`]; a time before the Unix epoch starts it
    /// at the epoch, one past the largest time representable at that largest time.
    pub fn at_system_time(start: std::time::SystemTime) -> Self {
        let since_epoch = start
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| time::Duration::try_from(d).ok())
            .unwrap_or(time::Duration::ZERO);
        Self::new(OffsetDateTime::UNIX_EPOCH.saturating_add(since_epoch))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.saturating_add(time::Duration::try_from(by).unwrap_or(time::Duration::MAX));
    }

    /// Sets the clock.
    pub fn set(&self, to: OffsetDateTime) {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl EmulatorClock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Formats unix milliseconds as RFC 3339 UTC (`2024-01-02T03:04:05Z`); empty when out of
/// range.
pub(crate) fn format_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{SystemTime, UNIX_EPOCH};

    #[test]
    fn a_manual_clock_starts_at_a_system_time() {
        let start = UNIX_EPOCH + Duration::from_secs(1_704_164_645);
        let clock = ManualClock::at_system_time(start);
        assert_eq!(
            clock.now(),
            time::macros::datetime!(2024-01-02 03:04:05 UTC)
        );
        let before_epoch = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            ManualClock::at_system_time(before_epoch).now(),
            OffsetDateTime::UNIX_EPOCH
        );
        let now = ManualClock::starting_now().now();
        let system = OffsetDateTime::from(SystemTime::now());
        assert!((system - now).abs() < time::Duration::seconds(60));
    }
}
