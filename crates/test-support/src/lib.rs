//! What the workspace's tests and benches repeat, in one place (`publish = false`): the
//! in-process emulator run in virtual time.
//!
//! ```
//! let (emulator_clock, client_clock) = dataworks_test_support::linked_clocks();
//! // Emulator::builder().clock(emulator_clock) …; Client::builder().clock(client_clock) …
//! # let _ = (emulator_clock, client_clock);
//! ```
#![warn(missing_docs)]

use std::sync::Arc;

use dataworks_emulator::ManualClock;
use dataworks_workflow::testing::VirtualClock;
use time::OffsetDateTime;

/// Two clocks that start now (whole seconds) and move together: the emulator's
/// [`ManualClock`] advances whenever the client's [`VirtualClock`] sleeps, so an in-process
/// emulator's processes finish in virtual time and requests are signed with the time the
/// emulator checks them against.
pub fn linked_clocks() -> (Arc<ManualClock>, Arc<VirtualClock>) {
    let now = OffsetDateTime::now_utc();
    let start = now.replace_nanosecond(0).unwrap_or(now);
    let emulator_clock = Arc::new(ManualClock::new(start));
    let moved = emulator_clock.clone();
    let client_clock = Arc::new(VirtualClock::new(start).on_advance(move |d| moved.advance(d)));
    (emulator_clock, client_clock)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use dataworks_emulator::EmulatorClock as _;

    use super::*;

    #[test]
    fn the_emulator_clock_moves_with_the_client_clock() {
        let (emulator_clock, client_clock) = linked_clocks();
        let before = emulator_clock.now_ms();
        client_clock.advance(Duration::from_secs(90));
        assert_eq!(emulator_clock.now_ms() - before, 90_000);
        assert_eq!(client_clock.elapsed(), Duration::from_secs(90));
    }
}
