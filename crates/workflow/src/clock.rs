//! Time for the client and the workflow: a monotonic clock, a sleep, and the wall clock
//! used for signing, behind one injectable trait.
//!
//! The default [`TokioClock`] uses `tokio::time`, so tests that run under tokio's paused
//! time (`#[tokio::test(start_paused = true)]`) see retries and polls happen in virtual time:
//! no test waits for real.

use std::fmt;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

/// A boxed, sendable future, as returned by the injectable traits ([`Clock`], the transport,
/// the credentials providers): the credentials crate's, one definition for both crates.
pub use dataworks_credentials::BoxFuture;

/// The clock and the sleep used by retries and polling, and the wall clock used to sign.
pub trait Clock: Send + Sync + fmt::Debug {
    /// A monotonic instant (elapsed times and deadlines are measured with it).
    fn now(&self) -> Instant;

    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// The UTC wall-clock time used for signature timestamps. The default reads the
    /// system clock, because the service checks the timestamp against real time whatever
    /// the test's virtual time is.
    fn utc_now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The default clock: `tokio::time::Instant` and `tokio::time::sleep` (virtual under
/// tokio's paused time) and the system's UTC time for signing.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A [`Clock`] as the wall clock of the credentials caches (so they follow virtual time).
#[derive(Debug, Clone)]
pub(crate) struct ClockWall(pub(crate) std::sync::Arc<dyn Clock>);

impl dataworks_credentials::WallClock for ClockWall {
    fn now_utc(&self) -> OffsetDateTime {
        self.0.utc_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_sleeps_in_virtual_time() {
        let clock = TokioClock;
        let start = clock.now();
        clock.sleep(Duration::from_secs(3600)).await;
        assert_eq!(clock.now() - start, Duration::from_secs(3600));
    }
}
