//! The service's rate limit, emulated: a token bucket per account (the owner of the AccessKey
//! that signed the request), `rate` tokens a second, holding at most `rate` (one second's
//! worth of burst). A request that finds its account's bucket empty is answered HTTP 429
//! `Throttling.User`, with `x-acs-retry-after` saying when the next token comes.
//!
//! The buckets read the emulator's clock, so a `ManualClock` makes them deterministic.

use std::collections::HashMap;
use std::sync::Mutex;

/// Thousandths of a token: at `rate` tokens a second a bucket gains exactly `rate` of them a
/// millisecond, so the arithmetic is exact in integers.
const UNITS_PER_TOKEN: i64 = 1000;

/// One account's bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// Thousandths of a token available.
    units: i64,
    /// When (unix ms) `units` was computed.
    at_ms: i64,
}

impl Bucket {
    /// A full bucket at `now_ms`.
    pub(crate) fn full(rate: u32, now_ms: i64) -> Bucket {
        Bucket {
            units: i64::from(rate.max(1)) * UNITS_PER_TOKEN,
            at_ms: now_ms,
        }
    }

    /// Takes one token at `now_ms`, or says in how many milliseconds one will be there. A
    /// clock that went back refills nothing.
    pub(crate) fn take(&mut self, rate: u32, now_ms: i64) -> Result<(), u64> {
        let rate = i64::from(rate.max(1));
        let capacity = rate * UNITS_PER_TOKEN;
        let elapsed_ms = now_ms.saturating_sub(self.at_ms).max(0);
        self.units = self
            .units
            .saturating_add(elapsed_ms.saturating_mul(rate))
            .min(capacity);
        self.at_ms = self.at_ms.max(now_ms);
        if self.units >= UNITS_PER_TOKEN {
            self.units -= UNITS_PER_TOKEN;
            Ok(())
        } else {
            let missing = UNITS_PER_TOKEN - self.units;
            // Between 1 and 1000 ms (one token at rate 1).
            let wait_ms = (missing + rate - 1) / rate;
            Err(u64::try_from(wait_ms.max(1)).unwrap_or(1))
        }
    }
}

/// The buckets of every account.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `rate` requests per second per account (at least 1).
    pub(crate) fn new(rate: u32) -> RateLimiter {
        RateLimiter {
            rate: rate.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The configured rate, requests per second per account.
    pub(crate) fn rate(&self) -> u32 {
        self.rate
    }

    /// Takes a token of `account` at `now_ms`; `Err(retry_after_ms)` when its bucket is empty.
    pub(crate) fn take(&self, account: &str, now_ms: i64) -> Result<(), u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        buckets
            .entry(account.to_string())
            .or_insert_with(|| Bucket::full(self.rate, now_ms))
            .take(self.rate, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_full_second_of_burst_then_one_token_per_period() {
        let limiter = RateLimiter::new(4);
        for _ in 0..4 {
            assert_eq!(limiter.take("a", 0), Ok(()));
        }
        assert_eq!(limiter.take("a", 0), Err(250));
        assert_eq!(limiter.take("a", 100), Err(150));
        assert_eq!(limiter.take("a", 250), Ok(()));
        assert_eq!(limiter.take("a", 250), Err(250));
        // Another account has its own bucket.
        assert_eq!(limiter.take("b", 250), Ok(()));
        // A long pause refills to the burst, not beyond.
        for _ in 0..4 {
            assert_eq!(limiter.take("a", 60_000), Ok(()));
        }
        assert!(limiter.take("a", 60_000).is_err());
    }

    #[test]
    fn a_clock_going_back_refills_nothing() {
        let mut bucket = Bucket::full(1, 10_000);
        assert_eq!(bucket.take(1, 10_000), Ok(()));
        assert_eq!(bucket.take(1, 5_000), Err(1000));
        assert_eq!(bucket.take(1, 11_000), Ok(()));
    }

    proptest! {
        /// Whatever the arrival times, no window of `w` ms admits more than
        /// `rate + rate * w / 1000` requests, and a request that waits the advised time is
        /// admitted.
        #[test]
        fn admissions_respect_the_rate(
            rate in 1u32..50,
            gaps in prop::collection::vec(0i64..300, 1..300),
        ) {
            let mut bucket = Bucket::full(rate, 0);
            let mut now = 0i64;
            let mut admitted = Vec::new();
            for gap in gaps {
                now += gap;
                match bucket.take(rate, now) {
                    Ok(()) => admitted.push(now),
                    Err(wait) => {
                        prop_assert!((1..=1000).contains(&wait));
                        let mut retry = bucket;
                        prop_assert_eq!(retry.take(rate, now + wait as i64), Ok(()));
                    }
                }
            }
            for (i, start) in admitted.iter().enumerate() {
                for (j, end) in admitted.iter().enumerate().skip(i) {
                    let window = end - start;
                    let count = (j - i + 1) as f64;
                    let bound = f64::from(rate) + f64::from(rate) * window as f64 / 1000.0;
                    prop_assert!(count <= bound + 1e-9, "{count} in {window} ms at {rate}/s");
                }
            }
        }
    }
}
