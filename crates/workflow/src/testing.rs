//! A test fake for the [`Transport`] trait: answers from a closure and records every
//! request, so a client or workflow can be tested with no network (and in virtual time).
//!
//! ```
//! use dataworks_workflow::testing::FakeTransport;
//! use dataworks_workflow::transport::HttpResponse;
//! let fake = FakeTransport::new(|_req| Ok(HttpResponse::new(200, r#"{"RequestId":"r","Success":true,"Data":{}}"#)));
//! assert_eq!(fake.requests().len(), 0);
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

use crate::clock::{BoxFuture, Clock};
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};

type Handler = dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync;

/// A transport answering from a closure; it keeps a copy of every request it was given.
#[derive(Clone)]
pub struct FakeTransport {
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<HttpRequest>>>,
}

impl std::fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTransport")
            .field("requests", &self.requests().len())
            .finish()
    }
}

impl FakeTransport {
    /// A fake answering every request with `handler`.
    pub fn new(
        handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
    ) -> FakeTransport {
        FakeTransport {
            handler: Arc::new(handler),
            seen: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Transport for FakeTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let answer = (self.handler)(&request);
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        Box::pin(async move { answer })
    }
}

/// The query parameters of a request URL, decoded (`+` and `%20` both mean a space).
pub fn query_params(request: &HttpRequest) -> Vec<(String, String)> {
    let query = request
        .url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of one query parameter of a request, if present.
pub fn query_param(request: &HttpRequest, name: &str) -> Option<String> {
    query_params(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The action of a request: the `x-acs-action` header (v3) or the `Action` parameter (v1).
pub fn action_of(request: &HttpRequest) -> Option<String> {
    request
        .header("x-acs-action")
        .map(str::to_owned)
        .or_else(|| query_param(request, "Action"))
}

type AdvanceHook = dyn Fn(Duration) + Send + Sync;

/// A clock that moves only when slept on: `sleep(d)` advances it by `d` at once (and calls
/// an optional hook, e.g. to move an emulator's manual clock along), so retries and polls
/// run in virtual time even over real loopback I/O (where tokio's paused time would fire
/// I/O timeouts early).
///
/// ```
/// use std::time::Duration;
/// use dataworks_workflow::Clock;
/// use dataworks_workflow::testing::VirtualClock;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let clock = VirtualClock::new(time::OffsetDateTime::now_utc());
/// let t0 = clock.now();
/// clock.sleep(Duration::from_secs(600)).await;
/// assert_eq!(clock.now() - t0, Duration::from_secs(600));
/// # });
/// ```
pub struct VirtualClock {
    base: Instant,
    utc_base: OffsetDateTime,
    offset: Mutex<Duration>,
    hook: Option<Box<AdvanceHook>>,
}

impl std::fmt::Debug for VirtualClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualClock")
            .field("elapsed", &self.elapsed())
            .finish()
    }
}

impl VirtualClock {
    /// A clock whose wall time starts at `utc_start`.
    pub fn new(utc_start: OffsetDateTime) -> VirtualClock {
        VirtualClock {
            base: Instant::now(),
            utc_base: utc_start,
            offset: Mutex::new(Duration::ZERO),
            hook: None,
        }
    }

    /// Calls `hook` with every advance (builder style).
    pub fn on_advance(mut self, hook: impl Fn(Duration) + Send + Sync + 'static) -> VirtualClock {
        self.hook = Some(Box::new(hook));
        self
    }

    /// Virtual time passed since creation.
    pub fn elapsed(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        {
            let mut offset = self.offset.lock().unwrap_or_else(PoisonError::into_inner);
            *offset = offset.saturating_add(by);
        }
        if let Some(hook) = &self.hook {
            hook(by);
        }
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Instant {
        self.base + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.advance(duration);
        Box::pin(tokio::task::yield_now())
    }

    fn utc_now(&self) -> OffsetDateTime {
        let by = time::Duration::try_from(self.elapsed()).unwrap_or(time::Duration::MAX);
        self.utc_base.saturating_add(by)
    }
}
