//! From a received HTTP request to the operation's `Data`: signature verification (signer),
//! parameter decoding (wire), execution in one store transaction (actions).

use std::sync::Arc;

use dataworks_signer::ReceivedRequest;
use dataworks_wire::{API_VERSION, AnyRequest, ErrorCode, Params};
use serde_json::Value;

use crate::actions::{self, Ctx};
use crate::auth::verify_error;
use crate::error::ServiceError;
use crate::state::App;

/// A request as received by the HTTP layer.
#[derive(Debug)]
pub(crate) struct Received {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What [`process`] did with a request.
#[derive(Debug)]
pub(crate) struct Processed {
    /// The action, once the signature verified.
    pub action: Option<String>,
    /// Refused by the rate limit.
    pub rate_limited: bool,
    /// The `Data`, or the error to answer.
    pub outcome: Result<Value, ServiceError>,
}

/// Verifies, rate-limits, decodes and executes one request.
pub(crate) async fn process(app: Arc<App>, received: Received, fail_process: bool) -> Processed {
    let mut processed = Processed {
        action: None,
        rate_limited: false,
        outcome: Ok(Value::Null),
    };
    processed.outcome = run(app, received, fail_process, &mut processed).await;
    processed
}

/// `Throttling.User` (429) from the rate limit, with the time until the next token.
fn rate_limited(per_second: u32, retry_after_ms: u64) -> ServiceError {
    ServiceError::new(
        ErrorCode::ThrottlingUser,
        format!(
            "Request was denied due to user flow control: this account may make {per_second} \
             requests per second (emulator --rate-limit). Retry after {retry_after_ms} ms."
        ),
    )
    .with_retry_after_ms(retry_after_ms)
}

async fn run(
    app: Arc<App>,
    received: Received,
    fail_process: bool,
    processed: &mut Processed,
) -> Result<Value, ServiceError> {
    let now = app.clock.now();
    let request = ReceivedRequest {
        method: &received.method,
        path: &received.path,
        raw_query: &received.raw_query,
        headers: &received.headers,
        body: &received.body,
    };
    let token = crate::roles::request_token(&received.raw_query, &received.headers);
    let keys = crate::roles::RequestKeys {
        long_term: &app.credentials,
        issued: &app.issued,
        token: token.as_deref(),
    };
    let verified = app
        .auth
        .verifier
        .verify(&request, now, &keys)
        .map_err(|e| verify_error(&e))?;
    app.issued
        .check_expiry(&verified.access_key_id, token.as_deref(), now)?;
    if verified.version != API_VERSION {
        return Err(ServiceError::new(
            ErrorCode::InvalidVersion,
            format!(
                "Specified parameter Version {:?} is not valid; DataWorks Data Integration uses {API_VERSION}.",
                verified.version
            ),
        ));
    }
    processed.action = Some(verified.action.clone());
    if let Some(limiter) = &app.rate_limiter {
        let account = app.account_of(&verified.access_key_id);
        if let Err(wait_ms) = limiter.take(account, crate::clock::unix_ms(now)) {
            processed.rate_limited = true;
            return Err(rate_limited(limiter.rate(), wait_ms));
        }
    }
    let params = Params::from_pairs(verified.params.iter().cloned());
    let any = AnyRequest::from_action(&verified.action, &params)
        .map_err(|e| ServiceError::new(e.service_code(), e.to_api_error().message))?;
    tracing::debug!(action = %verified.action, key = %verified.access_key_id, "request verified");
    let delay_ms = i64::try_from(app.processing_delay.as_millis()).unwrap_or(i64::MAX);
    let now_ms = crate::clock::unix_ms(now);
    let app2 = Arc::clone(&app);
    tokio::task::spawn_blocking(move || {
        actions::precheck(&any)?;
        app2.store.write(|tx| {
            actions::execute(
                &Ctx {
                    tx,
                    now_ms,
                    delay_ms,
                    fail_process,
                },
                &any,
            )
        })
    })
    .await
    .map_err(|e| ServiceError::internal(format!("the request's worker failed: {e}")))?
}
