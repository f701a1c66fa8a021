//! The JSON answers: success `{"RequestId","Success":true,"Data":{...}}`, errors
//! `{"RequestId","HostId","Code","Message","Recommend"}` with the error's HTTP status.

use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use dataworks_wire::ApiError;
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

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
pub(crate) fn success(request_id: &str, data: &Value) -> Response {
    let resp = json(StatusCode::OK, encode_success(request_id, data));
    with_request_id(resp, request_id)
}

/// An error answer.
pub(crate) fn error(request_id: &str, host: &str, err: &ServiceError) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = json(status, encode_error(request_id, host, err));
    if let Some(ms) = err.retry_after_ms
        && let Ok(v) = HeaderValue::from_str(&ms.to_string())
    {
        resp.headers_mut().insert("x-acs-retry-after", v);
    }
    with_request_id(resp, request_id)
}

fn with_request_id(mut resp: Response, request_id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-acs-request-id", v);
    }
    resp
}

/// The success body: `{"RequestId","Success":true,"Data":{...}}`.
fn encode_success(request_id: &str, data: &Value) -> String {
    dataworks_wire::encode_success(request_id, data)
}

/// The error body: `{"RequestId","HostId","Code","Message","Recommend"}`.
fn encode_error(request_id: &str, host: &str, err: &ServiceError) -> String {
    let mut answer = ApiError::new(err.code.clone(), err.message.clone())
        .with_request_id(request_id)
        .with_host_id(host)
        .with_recommend(format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=dataworks-public",
            err.code.as_str()
        ));
    if let Some(ms) = err.retry_after_ms {
        answer = answer.with_retry_after(Duration::from_millis(ms));
    }
    answer.to_body()
}
