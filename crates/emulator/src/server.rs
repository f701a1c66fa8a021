//! The HTTP layer: one axum route for `/` (POST and GET), size limits, fault injection, and
//! the JSON answers.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataworks_wire::ErrorCode;
use http::{HeaderValue, Method, StatusCode, header};

use crate::conn::ConnHandle;
use crate::dispatch::{self, Received};
use crate::error::ServiceError;
use crate::faults::{FaultInjector, FaultPlan, FaultTiming};
use crate::response;
use crate::state::App;
use crate::stats::RequestNote;

/// The path of the statistics (`GET`, JSON, no signature).
pub(crate) const STATS_PATH: &str = "/_emulator/stats";

/// The router: [`STATS_PATH`], and `/` for every method (the handler refuses what the service
/// does not take).
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(STATS_PATH, get(stats))
        .fallback(handle)
        .with_state(app)
}

/// `GET /_emulator/stats`: the counters as JSON.
async fn stats(State(app): State<Arc<App>>) -> Response {
    let body = serde_json::to_string(&app.stats.snapshot()).unwrap_or_else(|_| "{}".into());
    let mut resp = Response::new(Body::from(body));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    resp
}

async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let mut note = RequestNote::default();
    let response = serve(&app, &conn, request, &mut note).await;
    app.stats.record(&note, response.status().as_u16());
    response
}

async fn serve(
    app: &Arc<App>,
    conn: &ConnHandle,
    request: Request,
    note: &mut RequestNote,
) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = uuid::Uuid::new_v4().to_string().to_uppercase();
    let (parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("dataworks.emulator.local")
        .to_string();
    let answer = |err: ServiceError| response::error(&request_id, &host, &err);

    let target_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if target_len > app.limits.max_url_bytes {
        return answer(ServiceError::new(
            ErrorCode::RequestUriTooLong,
            format!(
                "The request URL is {target_len} bytes; the limit is {} bytes. Send large documents \
                 in the form body where the API allows it.",
                app.limits.max_url_bytes
            ),
        ));
    }
    if parts.method != Method::POST && parts.method != Method::GET {
        return answer(ServiceError::new(
            ErrorCode::UnsupportedHttpMethod,
            format!(
                "HTTP method {} is not supported; use POST (or GET).",
                parts.method
            ),
        ));
    }
    if parts.uri.path() != "/" {
        return answer(ServiceError::new(
            ErrorCode::InvalidActionNotFound,
            format!(
                "Path {} is not served; DataWorks RPC calls go to \"/\".",
                parts.uri.path()
            ),
        ));
    }

    let plan = app
        .faults
        .as_ref()
        .map(FaultInjector::next_plan)
        .unwrap_or_default();
    if let Some(injector) = &app.faults {
        let latency = injector.faults().latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    if let Some(early) = fault_before(&plan, conn) {
        note.dropped = early.is_ok();
        return early.map_or_else(answer, dropped);
    }

    let body = match to_bytes(body, app.limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return answer(ServiceError::new(
                ErrorCode::RequestEntityTooLarge,
                format!(
                    "The request body exceeds the limit of {} bytes.",
                    app.limits.max_body_bytes
                ),
            ));
        }
    };

    let received = Received {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        raw_query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let processed = dispatch::process(Arc::clone(app), received, plan.fail_process).await;
    note.action = processed.action;
    note.rate_limited = processed.rate_limited;
    let outcome = processed.outcome;

    if plan.server_error == Some(FaultTiming::AfterProcessing) {
        return answer(ServiceError::internal(
            "An internal error occurred after the request was processed (emulator fault injection).",
        ));
    }
    if plan.drop == Some(FaultTiming::AfterProcessing) {
        conn.kill();
        note.dropped = true;
        return dropped(());
    }
    match outcome {
        Ok(data) => response::success(&request_id, &data),
        Err(err) => answer(err),
    }
}

/// The answer of a fault that strikes before processing: `Some(Ok(()))` = drop the
/// connection, `Some(Err(e))` = answer `e`.
fn fault_before(plan: &FaultPlan, conn: &ConnHandle) -> Option<Result<(), ServiceError>> {
    if plan.throttle {
        return Some(Err(ServiceError::throttled(
            crate::faults::THROTTLE_RETRY_AFTER_MS,
        )));
    }
    if plan.server_error == Some(FaultTiming::BeforeProcessing) {
        return Some(Err(ServiceError::internal(
            "An internal error occurred (emulator fault injection).",
        )));
    }
    if plan.drop == Some(FaultTiming::BeforeProcessing) {
        conn.kill();
        return Some(Ok(()));
    }
    None
}

/// What the handler returns for a killed connection (never written: the stream is dead).
fn dropped((): ()) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp.into_response()
}
