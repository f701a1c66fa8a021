//! The polling schedule of a generation process: backoff from a short first delay up to a
//! cap, with jitter, inside a required overall wait limit, with a last poll at the deadline.
//!
//! Pure: [`PollPolicy::next`] says how long to wait before the next poll given how many
//! polls were made and how much time has passed; the workflow does the waiting with its
//! injectable [`crate::Clock`].

use std::time::Duration;

/// How a generation process is polled: [`PollPolicy::default`], then setters.
///
/// ```
/// use std::time::Duration;
/// use dataworks_workflow::PollPolicy;
/// let policy = PollPolicy::default().max_wait(Duration::from_secs(1800)).jitter(false);
/// assert_eq!(policy.first_delay, Duration::from_millis(500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// The wait before the first poll (default 500 ms).
    pub first_delay: Duration,
    /// The longest wait between two polls (default 10 s).
    pub cap: Duration,
    /// How much each wait grows (default 2.0; values below 1 count as 1).
    pub factor: f64,
    /// Whether waits are jittered (equal jitter: a random time in `[w/2, w]`), so many
    /// workflows started together do not poll in lock step (default true).
    pub jitter: bool,
    /// The overall wait limit from the first poll's schedule start (default 10 minutes).
    /// When it is reached the workflow polls one last time and then gives up with
    /// [`crate::WorkflowError::Timeout`].
    pub max_wait: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first_delay: Duration::from_millis(500),
            cap: Duration::from_secs(10),
            factor: 2.0,
            jitter: true,
            max_wait: Duration::from_secs(600),
        }
    }
}

impl PollPolicy {
    /// Sets `first_delay`: the wait before the first poll.
    pub fn first_delay(mut self, first_delay: Duration) -> PollPolicy {
        self.first_delay = first_delay;
        self
    }

    /// Sets `cap`: the longest wait between two polls.
    pub fn cap(mut self, cap: Duration) -> PollPolicy {
        self.cap = cap;
        self
    }

    /// Sets `factor`: how much each wait grows.
    pub fn factor(mut self, factor: f64) -> PollPolicy {
        self.factor = factor;
        self
    }

    /// Sets `jitter`: whether waits are jittered.
    pub fn jitter(mut self, jitter: bool) -> PollPolicy {
        self.jitter = jitter;
        self
    }

    /// Sets `max_wait`: the overall wait limit.
    pub fn max_wait(mut self, max_wait: Duration) -> PollPolicy {
        self.max_wait = max_wait;
        self
    }
}

/// What to do next while a process is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextPoll {
    /// Wait this long, then poll.
    Wait(Duration),
    /// Wait this long (up to the deadline), poll one last time, then give up if still running.
    Last(Duration),
    /// The wait limit is spent: give up now.
    GiveUp,
}

impl PollPolicy {
    /// The wait before poll number `poll` (0-based) without the deadline: `first_delay ·
    /// factorⁿ` capped, jittered with `sample` (uniform in `[0, 1)`) when `jitter` is on.
    pub(crate) fn delay(&self, poll: u32, sample: f64) -> Duration {
        let factor = if self.factor.is_finite() && self.factor > 1.0 {
            self.factor
        } else {
            1.0
        };
        let exponent = i32::try_from(poll.min(64)).unwrap_or(64);
        let grown = self.first_delay.as_secs_f64() * factor.powi(exponent);
        let wait = if grown.is_finite() && grown < self.cap.as_secs_f64() {
            Duration::from_secs_f64(grown)
        } else {
            self.cap
        };
        if self.jitter {
            let sample = if sample.is_nan() {
                0.0
            } else {
                sample.clamp(0.0, 1.0)
            };
            wait / 2 + (wait / 2).mul_f64(sample)
        } else {
            wait
        }
    }

    /// The decision after `polls_done` polls, `elapsed` after the schedule started.
    ///
    /// A wait that would end at or past the deadline, or leave less than `first_delay`
    /// before it, becomes [`NextPoll::Last`] for exactly the time remaining, so the last poll
    /// happens at the deadline. With no time left, the first poll still happens (a zero
    /// limit polls once).
    pub(crate) fn next(&self, polls_done: u32, elapsed: Duration, sample: f64) -> NextPoll {
        let Some(remaining) = self.max_wait.checked_sub(elapsed).filter(|r| !r.is_zero()) else {
            return if polls_done == 0 {
                NextPoll::Last(Duration::ZERO)
            } else {
                NextPoll::GiveUp
            };
        };
        let wait = self.delay(polls_done, sample);
        if wait >= remaining || remaining - wait < self.first_delay {
            NextPoll::Last(remaining)
        } else {
            NextPoll::Wait(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed() -> PollPolicy {
        PollPolicy {
            jitter: false,
            ..PollPolicy::default()
        }
    }

    #[test]
    fn delays_grow_to_the_cap() {
        let p = fixed();
        let d: Vec<u128> = (0..8).map(|n| p.delay(n, 0.3).as_millis()).collect();
        assert_eq!(d, [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    }

    #[test]
    fn jitter_is_between_half_and_full() {
        let p = PollPolicy::default();
        assert_eq!(p.delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(1, 1.0), Duration::from_millis(1000));
    }

    #[test]
    fn schedule_ends_with_a_poll_at_the_deadline() {
        let p = PollPolicy {
            max_wait: Duration::from_secs(30),
            ..fixed()
        };
        let mut elapsed = Duration::ZERO;
        let mut polls = 0;
        let mut waits = Vec::new();
        loop {
            match p.next(polls, elapsed, 0.0) {
                NextPoll::Wait(d) => {
                    elapsed += d;
                    waits.push(d.as_millis());
                }
                NextPoll::Last(d) => {
                    elapsed += d;
                    waits.push(d.as_millis());
                    polls += 1;
                    assert_eq!(p.next(polls, elapsed, 0.0), NextPoll::GiveUp);
                    break;
                }
                NextPoll::GiveUp => unreachable!(),
            }
            polls += 1;
        }
        assert_eq!(elapsed, Duration::from_secs(30));
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 10000, 4500]);
    }

    #[test]
    fn zero_limit_polls_once() {
        let p = PollPolicy {
            max_wait: Duration::ZERO,
            ..fixed()
        };
        assert_eq!(
            p.next(0, Duration::ZERO, 0.5),
            NextPoll::Last(Duration::ZERO)
        );
        assert_eq!(p.next(1, Duration::ZERO, 0.5), NextPoll::GiveUp);
    }

    #[test]
    fn odd_factors_do_not_shrink_or_explode() {
        for factor in [0.0, -3.0, f64::NAN, f64::INFINITY, 1e300] {
            let p = PollPolicy { factor, ..fixed() };
            let d = p.delay(50, 0.5);
            assert!(
                d >= Duration::from_millis(500) && d <= p.cap,
                "{factor}: {d:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_waits_past_the_deadline(polls in 0u32..200, elapsed_ms in 0u64..1_000_000,
                                         max_ms in 0u64..1_000_000, sample in proptest::num::f64::ANY,
                                         first_ms in 0u64..5_000, cap_ms in 0u64..60_000) {
            let p = PollPolicy { first_delay: Duration::from_millis(first_ms), cap: Duration::from_millis(cap_ms),
                                 factor: 2.0, jitter: true, max_wait: Duration::from_millis(max_ms) };
            let elapsed = Duration::from_millis(elapsed_ms);
            match p.next(polls, elapsed, sample) {
                NextPoll::Wait(d) => prop_assert!(elapsed + d < p.max_wait),
                NextPoll::Last(d) => prop_assert!(elapsed + d == p.max_wait || (polls == 0 && d.is_zero())),
                NextPoll::GiveUp => prop_assert!(elapsed >= p.max_wait),
            }
        }
    }
}
