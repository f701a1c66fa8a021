//! The client-wide rate limiter: separate read and write budgets (requests per second), an
//! optional ceiling for both together, and a slow-down on throttling answers that recovers.
//!
//! DataWorks counts the OpenAPI calls of a main account and all its RAM users together, per
//! region, with per-edition limits (the "Use OpenAPI" page): Basic, Standard and
//! Professional allow 5 calls per second for all operations together; Enterprise allows 50
//! reads and 20 writes per second. [`RateLimit::for_edition`] gives these figures;
//! [`RateLimit::default`] is the Basic one, which no edition throttles.
//!
//! One [`Limiter`] lives inside a [`crate::Client`] and is shared by all its clones, so any
//! number of concurrent workflows stay within one budget. Each budget is a *sliding window*:
//! at most `k = ceil(r)` request starts in any window of `k / r` seconds, where `r` is the
//! configured rate paced down to [`PACING`] (98 %) of it (5 per 1.02 s at 5 QPS), which allows
//! a short burst up to the limit and never more than the limit in any window, whether the
//! service counts by fixed or sliding second or with a token bucket; the 2 % leaves room for
//! the network's jitter, which would otherwise make requests sent exactly at the limit arrive
//! a little faster than it.
//!
//! On a throttling answer (HTTP 429 or a `Throttling*` code,
//! [`dataworks_wire::ApiError::is_throttling`]) the limiter slows every budget down to
//! [`DECREASE`] (70 %) of its speed (never below 1/16 of the configured rate), at most once per
//! round of requests sent at the old speed, and recovers additively (a tenth of the configured
//! rate per second of successful requests): AIMD, as TCP does. The throttled request itself is retried by the
//! client's [`crate::RetryPolicy`] (a throttled request was not processed, so any request may
//! be sent again).
//!
//! The arithmetic ([`Window`], [`Limiter::reserve`]) is pure over instants, so it is tested
//! without waiting; the client waits with its injectable [`crate::Clock`].

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::clock::Clock;

/// A DataWorks edition, for its documented OpenAPI limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Edition {
    /// Basic Edition: 5 calls per second, all operations together.
    Basic,
    /// Standard Edition: 5 calls per second, all operations together.
    Standard,
    /// Professional Edition: 5 calls per second, all operations together.
    Professional,
    /// Enterprise Edition: 50 reads and 20 writes per second.
    Enterprise,
}

impl Edition {
    /// Every edition, in the order of the documentation.
    pub const ALL: [Edition; 4] = [
        Edition::Basic,
        Edition::Standard,
        Edition::Professional,
        Edition::Enterprise,
    ];

    /// The lower-case name (`basic`, `standard`, `professional`, `enterprise`).
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Basic => "basic",
            Edition::Standard => "standard",
            Edition::Professional => "professional",
            Edition::Enterprise => "enterprise",
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An edition name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown DataWorks edition {0:?}: use basic, standard, professional or enterprise")]
#[non_exhaustive]
pub struct UnknownEdition(pub String);

impl FromStr for Edition {
    type Err = UnknownEdition;

    /// Reads an edition name, ignoring case and surrounding spaces.
    fn from_str(text: &str) -> Result<Edition, UnknownEdition> {
        let wanted = text.trim();
        Edition::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownEdition(text.to_owned()))
    }
}

/// The request budget of a client, in requests per second.
///
/// DataWorks counts the OpenAPI calls of a main account and its RAM users together, per
/// region: Basic, Standard and Professional editions allow 5 calls per second in all,
/// Enterprise 50 reads and 20 writes ([`RateLimit::for_edition`]). One limiter inside the
/// [`Client`](crate::Client) is shared by all its clones: each budget is a sliding window
/// paced at 98 % of the rate, and a throttling answer slows every budget down to 70 % (never
/// below 1/16), recovering a tenth of the rate per second of successes.
///
/// ```
/// use dataworks_workflow::{Client, Edition, RateLimit};
/// let limit = RateLimit::for_edition(Edition::Enterprise);
/// assert_eq!((limit.reads_per_second, limit.writes_per_second), (50.0, 20.0));
/// let client = Client::builder()
///     .endpoint("http://127.0.0.1:1")
///     .credentials(dataworks_workflow::credentials::Credentials::new("id", "secret"))
///     .rate_limit(limit)
///     .build()?;
/// # Ok::<(), dataworks_workflow::ClientBuildError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Reads (operations whose wire description says read-only: `Get*`, `List*`, `Query*`).
    pub reads_per_second: f64,
    /// Writes (every other operation).
    pub writes_per_second: f64,
    /// Reads and writes together, when the edition limits them together.
    pub total_per_second: Option<f64>,
}

impl RateLimit {
    /// The documented limit of an edition (per region and main account).
    pub fn for_edition(edition: Edition) -> RateLimit {
        match edition {
            Edition::Basic | Edition::Standard | Edition::Professional => RateLimit {
                reads_per_second: 5.0,
                writes_per_second: 5.0,
                total_per_second: Some(5.0),
            },
            Edition::Enterprise => RateLimit::new(50.0, 20.0),
        }
    }

    /// Separate read and write budgets, no ceiling for both together.
    pub fn new(reads_per_second: f64, writes_per_second: f64) -> RateLimit {
        RateLimit {
            reads_per_second,
            writes_per_second,
            total_per_second: None,
        }
    }

    /// Adds a ceiling for reads and writes together.
    pub fn total_per_second(mut self, total_per_second: f64) -> RateLimit {
        self.total_per_second = Some(total_per_second);
        self
    }

    /// No limit at all (tests, or a service with no rate limit such as the emulator by default).
    pub fn unlimited() -> RateLimit {
        RateLimit::new(f64::INFINITY, f64::INFINITY)
    }

    /// Checks that every rate is a positive number (infinity means no limit).
    pub fn check(&self) -> Result<(), RateLimitError> {
        let rates = [
            ("reads per second", Some(self.reads_per_second)),
            ("writes per second", Some(self.writes_per_second)),
            ("requests per second in total", self.total_per_second),
        ];
        for (what, rate) in rates {
            if let Some(rate) = rate
                && (rate.is_nan() || rate <= 0.0)
            {
                return Err(RateLimitError { what, rate });
            }
        }
        Ok(())
    }
}

impl Default for RateLimit {
    /// The Basic edition's limit (5 per second, all operations together): safe for every edition.
    fn default() -> Self {
        RateLimit::for_edition(Edition::Basic)
    }
}

/// A rate that is not a positive number.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid rate limit: {what} is {rate}; give a positive number of requests per second")]
#[non_exhaustive]
pub struct RateLimitError {
    /// Which budget.
    pub what: &'static str,
    /// The value given.
    pub rate: f64,
}

/// Which budget a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A read-only operation.
    Read,
    /// Any other operation.
    Write,
}

impl Access {
    /// The budget of an operation from its read-only flag ([`dataworks_wire::Operation::READ_ONLY`]).
    pub(crate) fn of(read_only: bool) -> Access {
        if read_only {
            Access::Read
        } else {
            Access::Write
        }
    }
}

/// The lowest share of the configured rate the limiter slows down to.
pub(crate) const MIN_FACTOR: f64 = 1.0 / 16.0;
/// What a slow-down multiplies the speed by (CUBIC's 0.7 rather than Reno's 0.5: a single
/// 429 at the configured limit is more often jitter than a wrong limit).
pub(crate) const DECREASE: f64 = 0.7;
/// The share of the configured rate the limiter paces at (room for the network's jitter).
pub(crate) const PACING: f64 = 0.98;
/// How much of the configured rate comes back per second of successful requests.
pub(crate) const RECOVERY_PER_SECOND: f64 = 0.1;

/// One sliding-window budget: at most `k = ceil(r)` request starts in any window of `k / r`,
/// `r` being the rate paced at [`PACING`] and scaled by the current share. Pure: the caller
/// gives the current instant and the share.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    rate: f64,
    /// The last reserved slots, oldest first (at most `ceil(rate)` of them), non-decreasing.
    slots: VecDeque<Instant>,
}

impl Window {
    /// A window for `rate` requests per second (infinite: no limit).
    pub fn new(rate: f64) -> Window {
        Window {
            rate,
            slots: VecDeque::new(),
        }
    }

    /// `(k, period)` for the rate paced and scaled by `factor`: `k` requests per `period`;
    /// `None` when unlimited.
    pub fn shape(&self, factor: f64) -> Option<(usize, Duration)> {
        let rate = self.rate * PACING * factor;
        if !rate.is_finite() {
            return None;
        }
        let k = rate.ceil().max(1.0);
        let period = Duration::try_from_secs_f64(k / rate).unwrap_or(Duration::MAX);
        // `k` is at most `ceil(rate)` of a finite f64; saturate rather than wrap.
        Some((k.min(usize::MAX as f64) as usize, period))
    }

    /// The earliest instant at or after `now` a request may start.
    pub fn earliest(&self, now: Instant, factor: f64) -> Instant {
        let Some((k, period)) = self.shape(factor) else {
            return now;
        };
        let mut at = now;
        if let Some(&last) = self.slots.back() {
            at = at.max(last);
        }
        if self.slots.len() >= k {
            let bound = self.slots[self.slots.len() - k];
            at = at.max(bound.checked_add(period).unwrap_or(bound));
        }
        at
    }

    /// Records a request starting at `slot` (not before the last recorded one).
    pub fn record(&mut self, slot: Instant) {
        let Some((keep, _)) = self.shape(1.0) else {
            return;
        };
        self.slots.push_back(slot);
        while self.slots.len() > keep {
            self.slots.pop_front();
        }
    }
}

/// What the limiter has seen, for reports and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct RateLimitStats {
    /// Requests that went through the limiter.
    pub requests: u64,
    /// Rate throttling answers received.
    pub throttled: u64,
    /// Times the limiter slowed down.
    pub slowdowns: u64,
    /// The current share of the configured rates (1 = full speed).
    pub factor: f64,
    /// Time requests spent waiting for their slot, summed over all requests.
    pub waited: Duration,
}

/// A reservation: when the request may start, and the round it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Permit {
    /// When the request may be sent.
    pub at: Instant,
    round: u64,
}

#[derive(Debug)]
struct State {
    read: Window,
    write: Window,
    total: Option<Window>,
    factor: f64,
    round: u64,
    stats: RateLimitStats,
}

/// The limiter one client and all its clones share.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    state: Mutex<State>,
}

impl Limiter {
    /// A limiter at full speed.
    pub fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            state: Mutex::new(State {
                read: Window::new(limit.reads_per_second),
                write: Window::new(limit.writes_per_second),
                total: limit.total_per_second.map(Window::new),
                factor: 1.0,
                round: 0,
                stats: RateLimitStats {
                    factor: 1.0,
                    ..RateLimitStats::default()
                },
            }),
        }
    }

    /// The configured limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves the earliest slot at or after `now` for a request of `access` (pure: no
    /// waiting).
    pub fn reserve(&self, access: Access, now: Instant) -> Permit {
        let mut state = self.state();
        let factor = state.factor;
        let State {
            read, write, total, ..
        } = &mut *state;
        let own = match access {
            Access::Read => read,
            Access::Write => write,
        };
        let mut at = own.earliest(now, factor);
        if let Some(total) = total.as_ref() {
            at = at.max(total.earliest(now, factor));
        }
        own.record(at);
        if let Some(total) = total.as_mut() {
            total.record(at);
        }
        state.stats.requests += 1;
        state.stats.waited += at.saturating_duration_since(now);
        Permit {
            at,
            round: state.round,
        }
    }

    /// Waits (with `clock`) until a request of `access` may start; returns its permit and how
    /// long it waited.
    pub async fn acquire(&self, access: Access, clock: &dyn Clock) -> (Permit, Duration) {
        let now = clock.now();
        let permit = self.reserve(access, now);
        let wait = permit.at.saturating_duration_since(now);
        if !wait.is_zero() {
            clock.sleep(wait).await;
        }
        (permit, wait)
    }

    /// A rate throttling answer to the request of `permit`: slows down once per round.
    pub fn throttled(&self, permit: Permit) {
        let mut state = self.state();
        state.stats.throttled += 1;
        if permit.round == state.round {
            state.factor = (state.factor * DECREASE).max(MIN_FACTOR);
            state.round += 1;
            state.stats.slowdowns += 1;
            state.stats.factor = state.factor;
            tracing::info!(
                factor = state.factor,
                "throttled by the service; slowing down"
            );
        }
    }

    /// A successful answer to a request of `access`: recovers a little.
    pub fn succeeded(&self, access: Access) {
        let mut state = self.state();
        if state.factor >= 1.0 {
            return;
        }
        let rate = match access {
            Access::Read => self.limit.reads_per_second,
            Access::Write => self.limit.writes_per_second,
        };
        let rate = self.limit.total_per_second.map_or(rate, |t| t.min(rate));
        state.factor = recover(state.factor, rate);
        state.stats.factor = state.factor;
    }

    /// What the limiter has seen so far.
    pub fn stats(&self) -> RateLimitStats {
        self.state().stats
    }
}

/// The share after one success at `rate` (configured) and share `factor`: a request at the
/// current speed takes `1 / (rate·factor)` seconds, which gives back `RECOVERY_PER_SECOND`
/// per second of them; never above 1.
pub(crate) fn recover(factor: f64, rate: f64) -> f64 {
    let current = rate * factor;
    if !current.is_finite() || current <= 0.0 {
        return 1.0;
    }
    (factor + RECOVERY_PER_SECOND / current).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn editions_have_the_documented_limits() {
        let basic = RateLimit::for_edition(Edition::Basic);
        assert_eq!(basic.total_per_second, Some(5.0));
        assert_eq!(RateLimit::default(), basic);
        assert_eq!(RateLimit::for_edition(Edition::Professional), basic);
        let e = RateLimit::for_edition(Edition::Enterprise);
        assert_eq!(
            (e.reads_per_second, e.writes_per_second, e.total_per_second),
            (50.0, 20.0, None)
        );
        assert_eq!("Enterprise".parse::<Edition>(), Ok(Edition::Enterprise));
        assert!("gold".parse::<Edition>().is_err());
    }

    #[test]
    fn bad_rates_are_refused() {
        assert!(RateLimit::new(0.0, 1.0).check().is_err());
        assert!(RateLimit::new(1.0, f64::NAN).check().is_err());
        let err = RateLimit {
            total_per_second: Some(-1.0),
            ..RateLimit::new(1.0, 1.0)
        }
        .check()
        .unwrap_err();
        assert!(err.to_string().contains("in total"), "{err}");
        assert!(RateLimit::unlimited().check().is_ok());
    }

    #[test]
    fn a_burst_up_to_the_limit_then_one_per_interval() {
        let t0 = Instant::now();
        let limiter = Limiter::new(RateLimit::new(5.0, 2.0));
        let reads: Vec<Duration> = (0..12)
            .map(|_| limiter.reserve(Access::Read, t0).at - t0)
            .collect();
        // 4.9 a second: 5 per 1.02 s.
        let (k, p) = Window::new(5.0).shape(1.0).unwrap();
        assert_eq!((k, p), (5, secs(5.0 / 4.9)));
        let z = Duration::ZERO;
        assert_eq!(reads, [z, z, z, z, z, p, p, p, p, p, p * 2, p * 2]);
        // Writes have their own budget (1.96 a second: 2 per 1.02 s).
        assert_eq!(limiter.reserve(Access::Write, t0).at, t0);
        assert_eq!(limiter.reserve(Access::Write, t0).at, t0);
        assert_eq!(limiter.reserve(Access::Write, t0).at - t0, secs(2.0 / 1.96));
    }

    #[test]
    fn a_total_ceiling_counts_both_kinds() {
        let t0 = Instant::now();
        let limiter = Limiter::new(RateLimit::for_edition(Edition::Basic));
        for i in 0..10 {
            let access = if i % 2 == 0 {
                Access::Read
            } else {
                Access::Write
            };
            let at = limiter.reserve(access, t0).at - t0;
            let want = if i < 5 { 0.0 } else { 5.0 / 4.9 };
            assert_eq!(at, secs(want), "request {i}");
        }
    }

    #[test]
    fn slows_down_once_per_round_and_recovers() {
        let t0 = Instant::now();
        let limiter = Limiter::new(RateLimit::new(10.0, 10.0));
        let a = limiter.reserve(Access::Read, t0);
        let b = limiter.reserve(Access::Read, t0);
        limiter.throttled(a);
        limiter.throttled(b); // same round: no second slow-down
        assert_eq!(limiter.stats().factor, DECREASE);
        assert_eq!(limiter.stats().slowdowns, 1);
        assert_eq!(limiter.stats().throttled, 2);
        let c = limiter.reserve(Access::Read, t0);
        limiter.throttled(c);
        assert_eq!(limiter.stats().factor, DECREASE * DECREASE);
        for _ in 0..1000 {
            limiter.succeeded(Access::Read);
        }
        assert_eq!(limiter.stats().factor, 1.0);
    }

    #[test]
    fn unlimited_never_waits() {
        let t0 = Instant::now();
        let limiter = Limiter::new(RateLimit::unlimited());
        for _ in 0..1000 {
            assert_eq!(limiter.reserve(Access::Write, t0).at, t0);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_waits_on_the_clock() {
        let clock = crate::TokioClock;
        let limiter = Limiter::new(RateLimit::new(1.0, 1.0));
        let t0 = clock.now();
        limiter.acquire(Access::Read, &clock).await;
        let (_, waited) = limiter.acquire(Access::Read, &clock).await;
        assert_eq!(waited, secs(1.0 / 0.98));
        // tokio's timer rounds a sleep up to its next millisecond.
        let slept = clock.now() - t0;
        assert!(
            slept >= waited && slept - waited < Duration::from_millis(1),
            "{slept:?}"
        );
    }

    /// Reserves read/write slots for arrivals `(gap ms, read?, throttled?)`; returns the
    /// read slots, checking on the way that slots never precede their arrival or each other.
    fn read_slots(limiter: &Limiter, arrivals: &[(u64, bool, bool)]) -> Vec<Instant> {
        let t0 = Instant::now();
        let mut now = t0;
        let mut reads: Vec<Instant> = Vec::new();
        for &(gap_ms, read, throttle) in arrivals {
            now += Duration::from_millis(gap_ms);
            let access = if read { Access::Read } else { Access::Write };
            let permit = limiter.reserve(access, now);
            assert!(permit.at >= now);
            if read {
                assert!(reads.last().is_none_or(|last| permit.at >= *last));
                reads.push(permit.at);
            }
            if throttle {
                limiter.throttled(permit)
            } else {
                limiter.succeeded(access)
            }
            assert!((MIN_FACTOR..=1.0).contains(&limiter.stats().factor));
        }
        reads
    }

    /// The most starts within any window of `width`.
    fn most_within(starts: &[Instant], width: Duration) -> usize {
        (0..starts.len())
            .map(|i| {
                starts[i..]
                    .iter()
                    .take_while(|t| **t < starts[i] + width)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    proptest! {
        /// Whatever the arrivals, kinds, slow-downs and recoveries, no second holds more than
        /// `ceil(rate)` starts of one budget.
        #[test]
        fn never_more_than_the_rate_in_any_second(
            rate in 0.5f64..60.0,
            arrivals in proptest::collection::vec((0u64..3_000, any::<bool>(), any::<bool>()), 1..200),
        ) {
            let limiter = Limiter::new(RateLimit::new(rate, rate));
            let reads = read_slots(&limiter, &arrivals);
            prop_assert!(most_within(&reads, Duration::from_secs(1)) <= rate.ceil() as usize);
        }

        /// At full speed the window is exactly `k = ceil(r)` starts per `k / r` (`r` the paced
        /// rate), and a long queue drains at that rate.
        #[test]
        fn full_speed_keeps_the_window_and_the_rate(
            rate in 0.5f64..60.0,
            arrivals in proptest::collection::vec((0u64..500, any::<bool>()), 1..200),
        ) {
            let arrivals: Vec<_> = arrivals.into_iter().map(|(g, r)| (g, r, false)).collect();
            let limiter = Limiter::new(RateLimit::new(rate, rate));
            let reads = read_slots(&limiter, &arrivals);
            let (k, period) = Window::new(rate).shape(1.0).unwrap();
            prop_assert!(most_within(&reads, period) <= k);
            let t0 = Instant::now();
            let queue = Limiter::new(RateLimit::new(rate, rate));
            let n = 3 * k + 1;
            let last = (0..n).map(|_| queue.reserve(Access::Read, t0).at).last().unwrap();
            // n starts: the first k at once, then k per period.
            let want = period * ((n - 1) / k) as u32;
            prop_assert!(last - t0 == want, "{:?} != {want:?}", last - t0);
        }

        #[test]
        fn recovery_is_monotone_and_bounded(factor in MIN_FACTOR..=1.0, rate in 0.01f64..1000.0) {
            let next = recover(factor, rate);
            prop_assert!(next >= factor && next <= 1.0);
        }
    }
}
