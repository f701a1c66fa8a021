//! The JSON answers: success `{"RequestId","Success":true,"Data":{...}}`, errors
//! `{"RequestId","HostId","Code","Message","Recommend"}` with the error's HTTP status.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};

use crate::error::ServiceError;

fn json(status: StatusCode, body: String) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    resp
}

/// A success answer around `data`.
pub(crate) fn success(request_id: &str, data: &serde_json::Value) -> Response {
    let resp = json(
        StatusCode::OK,
        crate::dispatch::encode_success(request_id, data),
    );
    with_request_id(resp, request_id)
}

/// An error answer.
pub(crate) fn error(request_id: &str, host: &str, err: &ServiceError) -> Response {
    let status = StatusCode::from_u16(err.http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = json(status, crate::dispatch::encode_error(request_id, host, err));
    if let Some(ms) = err.retry_after_ms {
        if let Ok(v) = HeaderValue::from_str(&ms.to_string()) {
            resp.headers_mut().insert("x-acs-retry-after", v);
        }
    }
    with_request_id(resp, request_id)
}

fn with_request_id(mut resp: Response, request_id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-acs-request-id", v);
    }
    resp
}
