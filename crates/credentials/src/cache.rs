//! The cache in front of every provider of temporary credentials, with the official
//! libraries' rules (`provider/refreshable.py`):
//!
//! - a value is *stale* `stale_window` before it expires (15 minutes; 180 s for the
//!   external process); a stale value is refreshed on the next call;
//! - one refresh at a time: callers arriving during a refresh wait for it and share its result;
//! - a fetched value that is fresh but inside the window is used, and fetched again on the
//!   next call; one without an expiration is fetched on every call;
//! - a fetched value that has already expired: the cached value is used if there is one
//!   (for one more second when strict, 50–70 s when lenient); with none cached, an error;
//! - a failed refresh: [`StaleBehavior::Strict`] (STS, OIDC, URI, external) returns the
//!   error; [`StaleBehavior::Allow`] (ECS) keeps returning the cached value, trying again
//!   after a growing, jittered delay.

use std::sync::Arc;

use rand::Rng;
use time::{Duration, OffsetDateTime};
use tokio::sync::Mutex;

use crate::error::CredentialsError;
use crate::provider::{BoxFuture, ProvideCredentials, Provided, SystemWallClock, WallClock};

/// The official stale window: 15 minutes before expiry.
pub const STALE_WINDOW: Duration = Duration::minutes(15);

/// What a failed refresh of a stale value does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleBehavior {
    /// Return the error.
    Strict,
    /// Return the cached value and retry later (ECS instance roles).
    Allow,
}

#[derive(Debug, Default)]
struct State {
    cached: Option<(Provided, OffsetDateTime)>,
    consecutive_failures: u32,
}

/// A caching [`ProvideCredentials`] in front of a fetching one.
#[derive(Debug)]
pub struct Refreshing {
    fetch: Box<dyn ProvideCredentials>,
    behavior: StaleBehavior,
    stale_window: Duration,
    clock: Arc<dyn WallClock>,
    state: Mutex<State>,
}

impl Refreshing {
    /// A strict cache with the 15-minute window and the system clock.
    pub fn new(fetch: impl ProvideCredentials + 'static) -> Refreshing {
        Refreshing {
            fetch: Box::new(fetch),
            behavior: StaleBehavior::Strict,
            stale_window: STALE_WINDOW,
            clock: Arc::new(SystemWallClock),
            state: Mutex::new(State::default()),
        }
    }

    /// What a failed refresh does (builder style).
    pub fn behavior(mut self, behavior: StaleBehavior) -> Refreshing {
        self.behavior = behavior;
        self
    }

    /// How long before expiry a value is stale (builder style).
    pub fn stale_window(mut self, window: Duration) -> Refreshing {
        self.stale_window = window;
        self
    }

    /// The wall clock (builder style).
    pub fn clock(mut self, clock: Arc<dyn WallClock>) -> Refreshing {
        self.clock = clock;
        self
    }

    async fn refresh(&self) -> Result<Provided, CredentialsError> {
        let mut state = self.state.lock().await;
        let now = self.clock.now_utc();
        if let Some((cached, stale_at)) = &state.cached
            && now < *stale_at
        {
            return Ok(cached.clone());
        }
        match self.fetch.provide().await {
            Ok(fetched) => {
                state.consecutive_failures = 0;
                let now = self.clock.now_utc();
                let Some(expiration) = fetched.credentials.expiration() else {
                    state.cached = Some((fetched.clone(), now));
                    return Ok(fetched);
                };
                let stale_at = expiration - self.stale_window;
                if now < stale_at {
                    state.cached = Some((fetched.clone(), stale_at));
                    return Ok(fetched);
                }
                if now < expiration {
                    tracing::warn!(
                        provider = %fetched.provider,
                        %expiration,
                        "the fetched credentials expire within the stale window; fetching again on the next call"
                    );
                    state.cached = Some((fetched.clone(), now));
                    return Ok(fetched);
                }
                let Some((cached, _)) = state.cached.take() else {
                    return Err(CredentialsError::Expired {
                        provider: fetched.provider,
                        expiration: rfc3339(expiration),
                    });
                };
                tracing::warn!(
                    provider = %fetched.provider,
                    %expiration,
                    "the source returned expired credentials; using the cached ones"
                );
                let until = match self.behavior {
                    StaleBehavior::Strict => now + Duration::seconds(1),
                    StaleBehavior::Allow => {
                        now + Duration::milliseconds(rand::rng().random_range(50_000..=70_000))
                    }
                };
                state.cached = Some((cached.clone(), until));
                Ok(cached)
            }
            Err(error) => {
                let Some((cached, _)) = state.cached.clone() else {
                    return Err(error);
                };
                state.consecutive_failures += 1;
                match self.behavior {
                    StaleBehavior::Strict => Err(error),
                    StaleBehavior::Allow => {
                        let max_ms =
                            (100i64 << (state.consecutive_failures - 1).min(30)).max(10_000);
                        let delay = rand::rng().random_range(1_000..=max_ms);
                        tracing::warn!(
                            provider = %cached.provider,
                            %error,
                            failures = state.consecutive_failures,
                            "refreshing the credentials failed; using the cached ones"
                        );
                        state.cached = Some((cached.clone(), now + Duration::milliseconds(delay)));
                        Ok(cached)
                    }
                }
            }
        }
    }
}

impl ProvideCredentials for Refreshing {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(self.refresh())
    }
}

/// RFC 3339 text of a time (for messages).
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;
    use std::sync::atomic::{AtomicU32, Ordering};

    use dataworks_signer::Credentials;
    use time::macros::datetime;

    use super::*;

    #[derive(Debug)]
    struct Clock(StdMutex<OffsetDateTime>);
    impl WallClock for Clock {
        fn now_utc(&self) -> OffsetDateTime {
            *self.0.lock().unwrap()
        }
    }
    impl Clock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    /// Issues `id-N` valid for `lifetime` from the clock's now; fails when `failing`.
    #[derive(Debug)]
    struct Issuer {
        clock: Arc<Clock>,
        lifetime: Duration,
        calls: Arc<AtomicU32>,
        failing: Arc<std::sync::atomic::AtomicBool>,
    }
    impl ProvideCredentials for Issuer {
        fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::task::yield_now().await;
                if self.failing.load(Ordering::SeqCst) {
                    return Err(CredentialsError::config("issuer", "down"));
                }
                Ok(Provided {
                    credentials: Credentials::new(format!("id-{n}"), "s")
                        .with_security_token("t")
                        .with_expiration(self.clock.now_utc() + self.lifetime),
                    provider: "issuer".into(),
                })
            })
        }
    }

    fn setup(
        lifetime: Duration,
        behavior: StaleBehavior,
    ) -> (
        Arc<Clock>,
        Arc<AtomicU32>,
        Arc<std::sync::atomic::AtomicBool>,
        Refreshing,
    ) {
        let clock = Arc::new(Clock(StdMutex::new(datetime!(2026-01-01 00:00 UTC))));
        let calls = Arc::new(AtomicU32::new(0));
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let cache = Refreshing::new(Issuer {
            clock: Arc::clone(&clock),
            lifetime,
            calls: Arc::clone(&calls),
            failing: Arc::clone(&failing),
        })
        .behavior(behavior)
        .clock(clock.clone());
        (clock, calls, failing, cache)
    }

    async fn id(cache: &Refreshing) -> Result<String, CredentialsError> {
        cache
            .provide()
            .await
            .map(|p| p.credentials.access_key_id().to_owned())
    }

    #[tokio::test]
    async fn fresh_values_are_reused_and_refreshed_fifteen_minutes_before_expiry() {
        let (clock, calls, _, cache) = setup(Duration::hours(1), StaleBehavior::Strict);
        assert_eq!(id(&cache).await.unwrap(), "id-1");
        clock.advance(Duration::minutes(44));
        assert_eq!(id(&cache).await.unwrap(), "id-1");
        clock.advance(Duration::minutes(1));
        assert_eq!(id(&cache).await.unwrap(), "id-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let (_, calls, _, cache) = setup(Duration::hours(1), StaleBehavior::Strict);
        let cache = Arc::new(cache);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let c = Arc::clone(&cache);
                tokio::spawn(async move { id(&c).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), "id-1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn short_lived_values_are_used_and_fetched_again() {
        let (_, calls, _, cache) = setup(Duration::minutes(10), StaleBehavior::Strict);
        assert_eq!(id(&cache).await.unwrap(), "id-1");
        assert_eq!(id(&cache).await.unwrap(), "id-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_expired_value_with_nothing_cached_is_an_error() {
        let (_, _, _, cache) = setup(Duration::seconds(-5), StaleBehavior::Strict);
        let err = id(&cache).await.unwrap_err();
        assert!(matches!(err, CredentialsError::Expired { .. }), "{err}");
    }

    #[tokio::test]
    async fn strict_failure_after_stale_is_an_error_allow_keeps_the_cached_value() {
        for behavior in [StaleBehavior::Strict, StaleBehavior::Allow] {
            let (clock, calls, failing, cache) = setup(Duration::hours(1), behavior);
            assert_eq!(id(&cache).await.unwrap(), "id-1");
            failing.store(true, Ordering::SeqCst);
            clock.advance(Duration::minutes(50));
            let second = id(&cache).await;
            match behavior {
                StaleBehavior::Strict => assert!(second.is_err()),
                StaleBehavior::Allow => {
                    assert_eq!(second.unwrap(), "id-1");
                    // Backed off: the next call within a second does not fetch again.
                    assert_eq!(id(&cache).await.unwrap(), "id-1");
                    assert_eq!(calls.load(Ordering::SeqCst), 2);
                }
            }
            failing.store(false, Ordering::SeqCst);
            clock.advance(Duration::minutes(1));
            assert_eq!(id(&cache).await.unwrap(), "id-3");
        }
    }

    #[tokio::test]
    async fn a_failure_with_nothing_cached_is_the_error() {
        let (_, _, failing, cache) = setup(Duration::hours(1), StaleBehavior::Allow);
        failing.store(true, Ordering::SeqCst);
        assert!(id(&cache).await.is_err());
    }
}
