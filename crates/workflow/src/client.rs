//! The client: signs every attempt afresh, sends it through a [`Transport`], decodes the
//! answer, and retries what is safe to retry.

use std::sync::Arc;
use std::time::Duration;

use dataworks_credentials::{
    ChainBuilder, CredentialsEnv, DefaultChain, ProvideCredentials, Provided,
};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_wire::{
    GetDISyncTask, Operation, Response, TaskType, UpdateDISyncTask, WireError,
    decode_response_with_headers,
};
use rand::Rng;
use tokio::time::Instant;

use crate::clock::{Clock, ClockWall, TokioClock};
use crate::credentials::CredentialsError;
use crate::endpoint::{Endpoint, EndpointError};
use crate::error::{CallError, CallErrorKind, StopReason};
use crate::rate_limit::{Access, Limiter, RateLimit, RateLimitError, RateLimitStats};
use crate::retry::{FailureClass, RetryPolicy, Safety, may_retry};
use crate::signature_mismatch::{SignatureComparison, server_string_to_sign};
use crate::transport::{
    AttemptBound, DEFAULT_ATTEMPT_TIMEOUT, HttpRequest, Timeouts, Transport, TransportError,
    TransportErrorKind, USER_AGENT, send_within,
};
#[cfg(feature = "reqwest")]
use crate::transport::{DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientBuildError {
    /// Neither a region nor an endpoint was given (and the credentials' profile names no
    /// region).
    #[error(
        "no endpoint: give a region (ClientBuilder::region, e.g. cn-shanghai) or an endpoint with its scheme (ClientBuilder::endpoint, e.g. http://127.0.0.1:8080)"
    )]
    NoEndpoint,
    /// The region or endpoint is invalid (the cause is the [`source`](std::error::Error::source)).
    #[error("{0}")]
    Endpoint(#[from] EndpointError),
    /// No usable credentials.
    #[error("{0}")]
    Credentials(#[from] CredentialsError),
    /// The HTTP transport could not be created.
    #[error("the HTTP client could not be created: {0}")]
    Transport(#[from] TransportError),
    /// The rate limit is not usable.
    #[error("{0}")]
    RateLimit(#[from] RateLimitError),
    /// No transport was given and the crate was built without its `reqwest` feature.
    #[error(
        "no HTTP transport: this build of dataworks-workflow has no default transport (its `reqwest` feature is off); give one with ClientBuilder::transport"
    )]
    NoTransport,
}

/// Builds a [`Client`]. See [`Client::builder`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Credentials>,
    chain: Option<ChainBuilder>,
    provider: Option<Arc<dyn ProvideCredentials>>,
    signature: SignatureAlgorithm,
    retry: RetryPolicy,
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
    timeouts: Timeouts,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    rate_limit: Option<RateLimit>,
    allow_insecure_http: bool,
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
    max_response_bytes: Option<usize>,
    attempt_timeout: Option<Duration>,
}

impl ClientBuilder {
    /// The region whose endpoint to use (see [`Endpoint::for_region`]).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint with its scheme (wins over the region), e.g.
    /// `http://127.0.0.1:PORT` for the emulator.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Explicit credentials (used instead of the chain).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The credentials chain to walk when no explicit credentials are given (default: the
    /// chain over the process environment). The client's clock becomes the chain's clock.
    pub fn credentials_chain(mut self, chain: ChainBuilder) -> Self {
        self.chain = Some(chain);
        self
    }

    /// Your own credentials provider (wins over explicit credentials and the chain). It is
    /// asked before every attempt, so it should cache (see [`credentials::Refreshing`](crate::credentials::Refreshing)).
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The signature algorithm (default ACS3-HMAC-SHA256).
    pub fn signature(mut self, algorithm: SignatureAlgorithm) -> Self {
        self.signature = algorithm;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Connect/read timeouts of the default HTTP transport (default 5 s / 10 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Allows a plain `http://` endpoint whose host is not loopback (default: refused, see
    /// [`Endpoint::check_plain_http`]). Only for a network you trust: signed requests,
    /// security tokens and task contents then travel unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The largest response body the default HTTP transport reads (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger answer fails the call.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// The longest one attempt may take as a whole, connect, headers and body together
    /// (default [`DEFAULT_ATTEMPT_TIMEOUT`]). Every attempt is also bounded by the time left
    /// before the call's deadline ([`RetryPolicy::deadline`]), whatever the transport.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// A transport instead of the default reqwest one (an in-process service, a fake).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A clock instead of [`TokioClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The request budget shared by every clone of the client (default
    /// [`RateLimit::default`], the Basic edition's 5 per second; see [`RateLimit`]).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Resolves the endpoint and builds the client. Credentials are provided per request
    /// (through the provider's cache, so a long workflow renews them on the way); call
    /// [`Client::credentials`] to resolve them up front. Without an endpoint or a region,
    /// the region of the CLI profile the chain would use (`region_id`) is used.
    pub fn build(self) -> Result<Client, ClientBuildError> {
        let clock = self.clock.unwrap_or_else(|| Arc::new(TokioClock));
        let mut region_hint = None;
        let credentials: Arc<dyn ProvideCredentials> = match self.provider {
            Some(provider) => provider,
            None => {
                let mut chain = self
                    .chain
                    .unwrap_or_else(|| DefaultChain::builder(CredentialsEnv::from_process()));
                match self.credentials {
                    Some(explicit) => chain = chain.explicit(explicit),
                    None => region_hint = chain.cli_profile_region(),
                }
                Arc::new(chain.clock(Arc::new(ClockWall(Arc::clone(&clock)))).build())
            }
        };
        let limit = self.rate_limit.unwrap_or_default();
        limit.check()?;
        let endpoint = match (
            &self.endpoint,
            self.region.as_ref().or(region_hint.as_ref()),
        ) {
            (Some(e), _) => Endpoint::parse(e)?,
            (None, Some(r)) => Endpoint::for_region(r)?,
            (None, None) => return Err(ClientBuildError::NoEndpoint),
        };
        endpoint.check_plain_http(self.allow_insecure_http)?;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            #[cfg(feature = "reqwest")]
            None => Arc::new(
                ReqwestTransport::new(self.timeouts)?.max_response_bytes(
                    self.max_response_bytes
                        .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                ),
            ),
            #[cfg(not(feature = "reqwest"))]
            None => return Err(ClientBuildError::NoTransport),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                endpoint,
                credentials,
                algorithm: self.signature,
                retry: self.retry,
                transport,
                clock,
                limiter: Limiter::new(limit),
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    endpoint: Endpoint,
    credentials: Arc<dyn ProvideCredentials>,
    algorithm: SignatureAlgorithm,
    retry: RetryPolicy,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    limiter: Limiter,
    attempt_timeout: Duration,
}

/// The DataWorks DI client. Cheap to clone (shared inside).
///
/// ```no_run
/// use dataworks_workflow::wire::GetDISyncTask;
/// use dataworks_workflow::{Client, TaskType};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder().region("cn-shanghai").build()?;
/// let task = client
///     .call(&GetDISyncTask::new(10000, TaskType::DiRealtime, 456))
///     .await?;
/// println!("request id {:?}", task.request_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The result of [`Client::update_task`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpdateOutcome {
    /// The service's answer to `UpdateDISyncTask`, or, when the update was confirmed by
    /// reading the task back, the answer to that `GetDISyncTask`'s request id.
    pub request_id: Option<String>,
    /// `Data.Status` / `Data.Message` of the update answer (absent when confirmed by read-back).
    pub status: Option<String>,
    /// See `status`.
    pub message: Option<String>,
    /// True when an ambiguous failure was resolved by reading the task back and finding the
    /// content already applied.
    pub confirmed_by_read_back: bool,
    /// Requests sent, the read-backs included.
    pub attempts: u32,
}

/// The result of reading a task back: does its content equal what we meant to apply?
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadBack {
    /// True when the task's current content equals the given content as JSON.
    pub matches: bool,
    /// The request id of the `GetDISyncTask` answer.
    pub request_id: Option<String>,
}

/// A per-call budget shared by every attempt of one logical call.
struct Budget {
    start: Instant,
    deadline: Instant,
    attempts: u32,
    retries: u32,
}

impl Client {
    /// A builder; give it a region or an endpoint, then `build()`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The credentials provider asked before every attempt.
    pub fn credentials_provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.inner.credentials
    }

    /// Resolves the credentials now (cached by the provider), e.g. to fail early or to show
    /// where they come from.
    pub async fn credentials(&self) -> Result<Provided, CredentialsError> {
        self.inner.credentials.provide().await
    }

    /// The signature algorithm.
    pub fn signature(&self) -> SignatureAlgorithm {
        self.inner.algorithm
    }

    /// The clock (shared with the workflow).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The rate limit (shared by every clone).
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.limiter.limit()
    }

    /// What the rate limiter has seen so far (requests, throttling answers, slow-downs).
    pub fn rate_limit_stats(&self) -> RateLimitStats {
        self.inner.limiter.stats()
    }

    /// Calls one operation: signs every attempt afresh, retries what is safe (see
    /// [`RetryPolicy`]), and decodes the typed answer.
    ///
    /// `Generate*` and `CreateDISyncTask` get a `ClientToken` when the operation has none,
    /// generated once for this call and sent with every attempt. `UpdateDISyncTask` through
    /// `call` is retried only when the request certainly did not reach the service; use
    /// [`Client::update_task`] for the read-back rule.
    pub async fn call<Op: Operation>(&self, op: &Op) -> Result<Response<Op::Data>, CallError> {
        let mut budget = self.budget();
        self.call_with_budget(op, &mut budget).await
    }

    /// `UpdateDISyncTask` with the read-back rule: a failure after which the update may
    /// have been applied (timeout, broken connection, 5xx) is followed by `GetDISyncTask`;
    /// if the task's content already equals the content sent, the update counts as applied
    /// (`confirmed_by_read_back`); otherwise it is sent again, within the same attempts and
    /// deadline. Without a `TaskContent` to compare, no ambiguous failure is retried.
    pub async fn update_task(&self, op: &UpdateDISyncTask) -> Result<UpdateOutcome, CallError> {
        let mut budget = self.budget();
        loop {
            let error = match self.call_with_budget(op, &mut budget).await {
                Ok(response) => {
                    let (status, message) = response
                        .data
                        .as_ref()
                        .map(|d| (d.status.clone(), d.message.clone()))
                        .unwrap_or_default();
                    return Ok(UpdateOutcome {
                        request_id: response.request_id,
                        status,
                        message,
                        confirmed_by_read_back: false,
                        attempts: budget.attempts,
                    });
                }
                Err(e) => e,
            };
            let Some(sent) = op.task_content.as_deref() else {
                return Err(error);
            };
            if !error.maybe_applied() {
                return Err(error);
            }
            tracing::info!(
                file_id = op.file_id,
                "UpdateDISyncTask outcome unknown; reading the task back"
            );
            let Ok(read_back) = self
                .read_back(op.project_id, op.task_type, op.file_id, sent, &mut budget)
                .await
            else {
                return Err(error);
            };
            if read_back.matches {
                return Ok(UpdateOutcome {
                    request_id: read_back.request_id,
                    status: Some("success".to_owned()),
                    message: Some("applied (confirmed by reading the task back)".to_owned()),
                    confirmed_by_read_back: true,
                    attempts: budget.attempts,
                });
            }
            if budget.attempts >= self.inner.retry.max_attempts
                || self.inner.clock.now() >= budget.deadline
            {
                return Err(error);
            }
            tracing::info!(
                file_id = op.file_id,
                "the task does not have the new content yet; sending the update again"
            );
        }
    }

    /// Reads the task back (`GetDISyncTask`, retried like any read) and says whether its
    /// content already equals `content` as JSON. The workflow's `resume` uses it before an
    /// update, so an update that landed just before an interruption is not applied twice.
    pub async fn read_task_content_matches(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
        content: &str,
    ) -> Result<ReadBack, CallError> {
        let mut budget = self.budget();
        self.read_back(project_id, task_type, file_id, content, &mut budget)
            .await
    }

    async fn read_back(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
        content: &str,
        budget: &mut Budget,
    ) -> Result<ReadBack, CallError> {
        let read = GetDISyncTask::new(project_id, task_type, file_id);
        let current = self.call_with_budget(&read, budget).await?;
        let matches = current.data.as_ref().is_some_and(|d| {
            d.code.as_deref().is_some_and(|c| same_json(c, content))
                || d.solution_detail
                    .as_ref()
                    .and_then(|s| s.process_content.as_deref())
                    .is_some_and(|c| same_json(c, content))
        });
        Ok(ReadBack {
            matches,
            request_id: current.request_id,
        })
    }

    fn budget(&self) -> Budget {
        let start = self.inner.clock.now();
        Budget {
            start,
            deadline: start + self.inner.retry.deadline,
            attempts: 0,
            retries: 0,
        }
    }

    async fn call_with_budget<Op: Operation>(
        &self,
        op: &Op,
        budget: &mut Budget,
    ) -> Result<Response<Op::Data>, CallError> {
        let inner = &self.inner;
        let mut query = op.query_params();
        if Op::SUPPORTS_CLIENT_TOKEN && !query.iter().any(|(k, _)| k == "ClientToken") {
            query.push(("ClientToken".to_owned(), uuid::Uuid::new_v4().to_string()));
        }
        let form = op.form_params();
        let safety = Safety::of::<Op>();
        let access = Access::of(Op::READ_ONLY);
        loop {
            // Time spent waiting for a slot of the rate limit is not the call's failing time.
            let (permit, waited) = inner.limiter.acquire(access, &*inner.clock).await;
            budget.deadline += waited;
            budget.attempts += 1;
            let fail = |kind, stopped, budget: &Budget| CallError {
                action: Op::ACTION,
                attempts: budget.attempts,
                elapsed: inner.clock.now() - budget.start,
                stopped,
                kind,
            };
            let mut request = RpcRequest::new(Op::ACTION, Op::VERSION, inner.endpoint.authority())
                .header("user-agent", USER_AGENT)
                .header("accept", "application/json");
            for (k, v) in &query {
                request = request.query_param(k, v);
            }
            for (k, v) in &form {
                request = request.form_param(k, v);
            }
            let params = SigningParams::new(
                inner.algorithm,
                inner.clock.utc_now(),
                dataworks_signer::random_nonce(),
            );
            let provided = match inner.credentials.provide().await {
                Ok(p) => p,
                Err(e) => {
                    return Err(fail(
                        CallErrorKind::Credentials(e),
                        StopReason::NotRetryable,
                        budget,
                    ));
                }
            };
            let signed = sign_request(&request, &provided.credentials, &params).map_err(|e| {
                fail(
                    CallErrorKind::Sign { error: e },
                    StopReason::NotRetryable,
                    budget,
                )
            })?;
            let http = HttpRequest {
                method: signed.method.clone(),
                url: format!(
                    "{}://{}{}",
                    inner.endpoint.scheme().as_str(),
                    inner.endpoint.authority(),
                    signed.path_and_query
                ),
                headers: signed.headers.clone(),
                body: signed.body.clone(),
            };
            tracing::debug!(action = Op::ACTION, attempt = budget.attempts, "sending");
            let left = budget.deadline.saturating_duration_since(inner.clock.now());
            let (limit, bound) = if left < inner.attempt_timeout {
                (left, AttemptBound::CallDeadline)
            } else {
                (inner.attempt_timeout, AttemptBound::AttemptTimeout)
            };
            let sent = send_within(&*inner.transport, http, limit, bound).await;
            let (class, kind, hint) = match sent {
                Ok(response) => match decode_response_with_headers::<Op>(
                    response.status,
                    response
                        .headers
                        .iter()
                        .map(|(n, v)| (n.as_str(), v.as_str())),
                    &response.body,
                ) {
                    Ok(decoded) => {
                        inner.limiter.succeeded(access);
                        return Ok(decoded);
                    }
                    Err(WireError::Api(api)) => {
                        if api.code == "SignatureDoesNotMatch" {
                            let theirs = server_string_to_sign(&api.message);
                            let secrets: Vec<&str> =
                                provided.credentials.security_token().into_iter().collect();
                            let comparison = SignatureComparison::new(
                                signed.string_to_sign(),
                                theirs.as_deref(),
                                &secrets,
                            );
                            return Err(fail(
                                CallErrorKind::SignatureMismatch {
                                    error: api,
                                    comparison: Box::new(comparison),
                                },
                                StopReason::NotRetryable,
                                budget,
                            ));
                        }
                        let class = if api.is_throttling() {
                            inner.limiter.throttled(permit);
                            FailureClass::NotProcessed
                        } else if api.http_status >= 500 || api.is_retryable() {
                            FailureClass::MaybeProcessed
                        } else {
                            FailureClass::Permanent
                        };
                        let hint = api.retry_after;
                        (class, CallErrorKind::Api(api), hint)
                    }
                    Err(other) => (
                        FailureClass::Permanent,
                        CallErrorKind::Malformed {
                            http_status: response.status,
                            error: Box::new(other),
                        },
                        None,
                    ),
                },
                Err(e) => {
                    let class = match e.kind {
                        TransportErrorKind::Connect => FailureClass::NotProcessed,
                        TransportErrorKind::Invalid | TransportErrorKind::TooLarge => {
                            FailureClass::Permanent
                        }
                        TransportErrorKind::Timeout | TransportErrorKind::Interrupted => {
                            FailureClass::MaybeProcessed
                        }
                    };
                    (class, CallErrorKind::Transport(e), None)
                }
            };
            if !may_retry(safety, class) {
                let stopped = if class == FailureClass::MaybeProcessed {
                    StopReason::UnsafeToRetry
                } else {
                    StopReason::NotRetryable
                };
                return Err(fail(kind, stopped, budget));
            }
            if budget.attempts >= inner.retry.max_attempts {
                return Err(fail(kind, StopReason::AttemptsExhausted, budget));
            }
            let delay = hint.unwrap_or_else(|| {
                let sample: f64 = rand::rng().random();
                inner.retry.delay(budget.retries, sample)
            });
            if inner.clock.now() + delay >= budget.deadline {
                return Err(fail(kind, StopReason::DeadlineReached, budget));
            }
            tracing::info!(
                action = Op::ACTION,
                attempt = budget.attempts,
                delay_ms = delay.as_millis() as u64,
                error = %kind,
                "retrying"
            );
            budget.retries += 1;
            inner.clock.sleep(delay).await;
        }
    }
}

/// Whether two JSON texts hold the same value (falls back to text equality).
fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_errors_have_their_cause_as_source_and_name_no_flags() {
        use std::error::Error as _;
        let no_endpoint = Client::builder()
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap_err();
        assert!(matches!(no_endpoint, ClientBuildError::NoEndpoint));
        assert!(no_endpoint.to_string().contains("ClientBuilder::region"));
        assert!(!no_endpoint.to_string().contains("--"), "{no_endpoint}");

        let insecure = Client::builder()
            .endpoint("http://dataworks.example.invalid")
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap_err();
        let cause = insecure
            .source()
            .and_then(|s| s.downcast_ref::<EndpointError>());
        assert!(
            matches!(cause, Some(EndpointError::InsecureHttp { .. })),
            "{insecure}"
        );
        assert!(
            insecure
                .to_string()
                .contains("ClientBuilder::allow_insecure_http")
        );
        assert!(!insecure.to_string().contains("--"), "{insecure}");
    }

    #[test]
    fn json_equality_ignores_formatting() {
        assert!(same_json(
            r#"{"a":1,"b":[1,2]}"#,
            "{ \"b\": [1, 2], \"a\": 1 }"
        ));
        assert!(!same_json(r#"{"a":1}"#, r#"{"a":2}"#));
        assert!(same_json("not json", " not json "));
    }
}
