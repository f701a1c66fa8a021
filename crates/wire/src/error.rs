//! The error model: the service's error answer ([`ApiError`]) and everything that can go wrong
//! while reading an answer ([`WireError`]).

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::generated::ErrorCode;
use crate::status::BusinessFailure;

/// The code given to an error answer whose body has no `Code` (for example an HTML page from
/// a proxy); the legacy official SDK uses the same name.
pub const UNKNOWN_SERVER_ERROR: &str = "SDK.UnknownServerError";

/// An error answer of the service: HTTP 4xx/5xx with `{"RequestId", "HostId", "Code",
/// "Message", "Recommend"}` (either case of the first letter is accepted), or an HTTP 200 with
/// `Success: false` and a `Code`.
///
/// Marked `#[non_exhaustive]`: the service's error body may gain parts. The fields are public to
/// read (and to change); build one with [`ApiError::new`] or [`ApiError::from_code`] and the
/// `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// `Code`, verbatim ([`UNKNOWN_SERVER_ERROR`] when the body has none).
    pub code: String,
    /// `Message`, verbatim (or the start of a body that is not an error document).
    pub message: String,
    /// `RequestId`, to quote to support.
    pub request_id: Option<String>,
    /// `HostId`, the endpoint that answered.
    pub host_id: Option<String>,
    /// `Recommend`, usually a diagnosis URL.
    pub recommend: Option<String>,
    /// How long the service asks the client to wait (`x-acs-retry-after`, in milliseconds, or
    /// `Retry-After`, in seconds), when the transport passed the headers on.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// The error the service answers for `code`, with the catalogue's HTTP status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            http_status: code.http_status(),
            code: code.as_str().to_owned(),
            message: message.into(),
            request_id: None,
            host_id: None,
            recommend: None,
            retry_after: None,
        }
    }

    /// The error for `code` with the catalogue's usual message.
    pub fn from_code(code: ErrorCode) -> ApiError {
        let message = code.default_message();
        ApiError::new(code, message)
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> ApiError {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the host id.
    pub fn with_host_id(mut self, host_id: impl Into<String>) -> ApiError {
        self.host_id = Some(host_id.into());
        self
    }

    /// Sets the recommendation.
    pub fn with_recommend(mut self, recommend: impl Into<String>) -> ApiError {
        self.recommend = Some(recommend.into());
        self
    }

    /// Sets the HTTP status.
    pub fn with_http_status(mut self, http_status: u16) -> ApiError {
        self.http_status = http_status;
        self
    }

    /// Sets the delay the service asks for.
    pub fn with_retry_after(mut self, retry_after: Duration) -> ApiError {
        self.retry_after = Some(retry_after);
        self
    }

    /// The code, looked up in the catalogue.
    pub fn kind(&self) -> ErrorCode {
        ErrorCode::from_code(&self.code)
    }

    /// Whether repeating the request (re-signed, after a backoff) can succeed: the catalogue's
    /// answer for known codes; for unknown codes, HTTP 429 and 5xx (but 501) are retryable.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorCode::Other(_) => {
                self.http_status == 429 || (self.http_status >= 500 && self.http_status != 501)
            }
            known => known.is_retryable(),
        }
    }

    /// Whether the service throttled the request.
    pub fn is_throttling(&self) -> bool {
        self.http_status == 429 || self.code.starts_with("Throttling")
    }

    /// How to fix the cause, for known codes.
    pub fn fix(&self) -> Option<&'static str> {
        self.kind().fix()
    }

    /// The error body the service writes: `{"RequestId", "HostId", "Code", "Message",
    /// "Recommend"}` (absent parts left out).
    pub fn to_body(&self) -> String {
        let mut body = Map::new();
        if let Some(request_id) = &self.request_id {
            body.insert("RequestId".into(), Value::String(request_id.clone()));
        }
        if let Some(host_id) = &self.host_id {
            body.insert("HostId".into(), Value::String(host_id.clone()));
        }
        body.insert("Code".into(), Value::String(self.code.clone()));
        body.insert("Message".into(), Value::String(self.message.clone()));
        if let Some(recommend) = &self.recommend {
            body.insert("Recommend".into(), Value::String(recommend.clone()));
        }
        Value::Object(body).to_string()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DataWorks answered {} (HTTP {})",
            self.code, self.http_status
        )?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        if let Some(fix) = self.fix() {
            write!(f, "; {fix}")?;
        } else if self.is_retryable() {
            f.write_str("; retry with backoff")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What can go wrong while reading an answer.
///
/// Marked `#[non_exhaustive]`: new ways an answer can be wrong may add variants; match with a
/// `_` arm. Only this crate's decoders build it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The service answered with an error (boxed: it is large, and errors travel far).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The answer is not what the operation returns (not JSON, wrong types, ...).
    #[error(
        "{action}: the answer (HTTP {http_status}) is not a valid response: {reason}; the body starts with: {snippet}"
    )]
    Malformed {
        /// The operation.
        action: &'static str,
        /// The HTTP status of the answer.
        http_status: u16,
        /// What is wrong, with the JSON path and position when known.
        reason: String,
        /// The start of the body (or the part around the error), at most 160 characters.
        snippet: String,
    },
    /// A successful answer without `Data`.
    #[error("{action}: the answer has no Data [request id {}]", request_id.as_deref().unwrap_or("none"))]
    MissingData {
        /// The operation.
        action: &'static str,
        /// `RequestId`.
        request_id: Option<String>,
    },
    /// `Data.Status` is `fail` on an HTTP 200.
    #[error("{action} failed: {failure} [request id {}]", request_id.as_deref().unwrap_or("none"))]
    BusinessFailure {
        /// The operation.
        action: &'static str,
        /// The status and the reason.
        failure: BusinessFailure,
        /// `RequestId`.
        request_id: Option<String>,
    },
}

impl WireError {
    /// The service's error, when the service answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            WireError::Api(error) => Some(error.as_ref()),
            _ => None,
        }
    }

    /// Whether repeating the request can succeed: only for retryable service errors.
    pub fn is_retryable(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_retryable)
    }

    /// The request id of the answer, when known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            WireError::Api(error) => error.request_id.as_deref(),
            WireError::Malformed { .. } => None,
            WireError::MissingData { request_id, .. }
            | WireError::BusinessFailure { request_id, .. } => request_id.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_uses_the_catalogue_status() {
        let error = ApiError::new(ErrorCode::ThrottlingUser, "slow down");
        assert_eq!(error.http_status, 429);
        assert!(error.is_retryable());
        assert!(error.is_throttling());
        assert_eq!(error.kind(), ErrorCode::ThrottlingUser);
    }

    #[test]
    fn unknown_codes_fall_back_on_the_status() {
        let mut error = ApiError::new(ErrorCode::Other("Weird".into()), "x").with_http_status(503);
        assert!(error.is_retryable());
        error.http_status = 400;
        assert!(!error.is_retryable());
        error.http_status = 501;
        assert!(!error.is_retryable());
    }

    #[test]
    fn body_has_the_service_shape() {
        let body = ApiError::new(ErrorCode::ForbiddenAccess, "Access is forbidden.")
            .with_request_id("r-1")
            .with_host_id("dataworks.cn-shanghai.aliyuncs.com")
            .to_body();
        assert_eq!(
            body,
            r#"{"RequestId":"r-1","HostId":"dataworks.cn-shanghai.aliyuncs.com","Code":"Forbidden.Access","Message":"Access is forbidden."}"#
        );
    }

    #[test]
    fn display_says_what_and_how_to_fix() {
        let shown = ApiError::new(ErrorCode::InvalidTimeStampExpired, "expired")
            .with_request_id("r-9")
            .to_string();
        assert!(shown.contains("InvalidTimeStamp.Expired"), "{shown}");
        assert!(shown.contains("HTTP 400"), "{shown}");
        assert!(shown.contains("r-9"), "{shown}");
        assert!(shown.contains("clock"), "{shown}");
    }
}
