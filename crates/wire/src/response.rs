//! Reading answers ([`decode_response`]) and writing them ([`encode_success`]).
//!
//! Decoding never panics: the body is parsed once into a JSON value (serde_json bounds the
//! nesting depth), the envelope is read field by field, and `Data` is deserialized with the
//! path of any error recorded.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiError, UNKNOWN_SERVER_ERROR, WireError};
use crate::generated::ErrorCode;
use crate::lenient::parse_i64_text;
use crate::operation::Operation;
use crate::status::{BusinessFailure, StatusData};

/// The most characters of a body an error repeats.
const SNIPPET_CHARS: usize = 160;

/// A successful answer: `{"RequestId", "Success", "Data"}`.
///
/// Marked `#[non_exhaustive]`: read the fields; the decoders ([`decode_response`], ...) build it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response<D> {
    /// The operation that was answered.
    pub action: &'static str,
    /// The HTTP status (below 400).
    pub http_status: u16,
    /// `RequestId`.
    pub request_id: Option<String>,
    /// `Success`.
    pub success: Option<bool>,
    /// `Data`, absent when the body has none (or `null`).
    pub data: Option<D>,
}

impl<D: StatusData> Response<D> {
    /// The business failure the answer reports (`Data.Status == "fail"` on HTTP 200), if any.
    pub fn business_failure(&self) -> Option<BusinessFailure> {
        self.data.as_ref()?.business_failure()
    }

    /// `Data`, or an error when it is absent or reports a business failure.
    pub fn into_data(self) -> Result<D, WireError> {
        let Some(data) = self.data else {
            return Err(WireError::MissingData {
                action: self.action,
                request_id: self.request_id,
            });
        };
        match data.business_failure() {
            Some(failure) => Err(WireError::BusinessFailure {
                action: self.action,
                failure,
                request_id: self.request_id,
            }),
            None => Ok(data),
        }
    }
}

/// Decodes the answer to `Op` from its HTTP status and body.
///
/// HTTP 400 and above, or a body with `Success: false` and a `Code`, give
/// [`WireError::Api`]; a body that is not the operation's answer gives
/// [`WireError::Malformed`]. A `Data.Status == "fail"` is *not* an error here: see
/// [`Response::business_failure`] and [`Response::into_data`].
///
/// ```
/// use dataworks_wire::{decode_response, CreateDISyncTask, ErrorCode, WireError};
///
/// let ok = decode_response::<CreateDISyncTask>(
///     200,
///     br#"{"RequestId":"r-1","Success":true,"Data":{"Status":"success","FileId":1000001}}"#,
/// )
/// .unwrap();
/// assert_eq!(ok.into_data().unwrap().file_id, Some(1000001));
///
/// let err = decode_response::<CreateDISyncTask>(
///     429,
///     br#"{"RequestId":"r-2","Code":"Throttling.User","Message":"slow down"}"#,
/// )
/// .unwrap_err();
/// let api = err.api_error().unwrap();
/// assert_eq!(api.kind(), ErrorCode::ThrottlingUser);
/// assert!(err.is_retryable());
/// ```
pub fn decode_response<Op: Operation>(
    http_status: u16,
    body: &[u8],
) -> Result<Response<Op::Data>, WireError> {
    decode_data(Op::ACTION, http_status, body)
}

/// [`decode_response`], also reading the delay the service asks for from the headers
/// (see [`retry_after_from_headers`]) into [`ApiError::retry_after`].
pub fn decode_response_with_headers<'h, Op: Operation>(
    http_status: u16,
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    body: &[u8],
) -> Result<Response<Op::Data>, WireError> {
    decode_response::<Op>(http_status, body).map_err(|error| match error {
        WireError::Api(mut api) => {
            api.retry_after = retry_after_from_headers(headers);
            WireError::Api(api)
        }
        other => other,
    })
}

/// [`decode_response`] for any `Data` type, naming the action for error messages.
pub fn decode_data<D: DeserializeOwned>(
    action: &'static str,
    http_status: u16,
    body: &[u8],
) -> Result<Response<D>, WireError> {
    if http_status >= 400 {
        return Err(WireError::Api(Box::new(decode_error(http_status, body))));
    }
    let malformed = |reason: String, snippet: String| WireError::Malformed {
        action,
        http_status,
        reason,
        snippet,
    };
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let snippet = snippet_at(body, e.line(), e.column());
        malformed(format!("not JSON ({e})"), snippet)
    })?;
    let Value::Object(mut map) = value else {
        return Err(malformed(
            "the body is not a JSON object".into(),
            snippet(body),
        ));
    };
    let success = match take(&mut map, "Success") {
        None | Some(Value::Null) => None,
        Some(value) => Some(bool_value(&value).ok_or_else(|| {
            malformed(
                format!("Success: expected a boolean, found {}", kind(&value)),
                snippet(body),
            )
        })?),
    };
    let request_id = take(&mut map, "RequestId").and_then(scalar_text);
    if success == Some(false)
        && let Some(code) = take(&mut map, "Code").and_then(scalar_text)
    {
        return Err(WireError::Api(Box::new(error_from_fields(
            http_status,
            code,
            request_id,
            &mut map,
        ))));
    }
    let data = match take(&mut map, "Data") {
        None | Some(Value::Null) => None,
        Some(value) if !value.is_object() => {
            return Err(malformed(
                format!("Data: expected an object, found {}", kind(&value)),
                snippet(body),
            ));
        }
        Some(value) => Some(
            serde_path_to_error::deserialize::<_, D>(value).map_err(|e| {
                let path = e.path().to_string();
                let path = if path == "." {
                    String::new()
                } else {
                    format!(".{path}")
                };
                malformed(format!("Data{path}: {}", e.inner()), snippet(body))
            })?,
        ),
    };
    Ok(Response {
        action,
        http_status,
        request_id,
        success,
        data,
    })
}

/// Reads an error answer. Never fails: a body that is not an error document gives the code
/// [`UNKNOWN_SERVER_ERROR`] and the start of the body as the message.
pub fn decode_error(http_status: u16, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            let request_id = take(&mut map, "RequestId").and_then(scalar_text);
            let code = take(&mut map, "Code")
                .and_then(scalar_text)
                .filter(|code| !code.trim().is_empty())
                .unwrap_or_else(|| UNKNOWN_SERVER_ERROR.to_owned());
            error_from_fields(http_status, code, request_id, &mut map)
        }
        _ => {
            let shown = snippet(body);
            ApiError {
                http_status,
                code: UNKNOWN_SERVER_ERROR.to_owned(),
                message: if shown.is_empty() {
                    format!("HTTP {http_status} without an error document")
                } else {
                    shown
                },
                request_id: None,
                host_id: None,
                recommend: None,
                retry_after: None,
            }
        }
    }
}

fn error_from_fields(
    http_status: u16,
    code: String,
    request_id: Option<String>,
    map: &mut Map<String, Value>,
) -> ApiError {
    ApiError {
        http_status,
        message: take(map, "Message")
            .and_then(scalar_text)
            .unwrap_or_default(),
        code,
        request_id,
        host_id: take(map, "HostId").and_then(scalar_text),
        recommend: take(map, "Recommend").and_then(scalar_text),
        retry_after: None,
    }
}

/// The delay a throttled answer asks for: `x-acs-retry-after` (milliseconds, as the official
/// SDK reads it) or else `Retry-After` (seconds). Header names are matched case-insensitively;
/// zero, negative or non-numeric values are ignored.
pub fn retry_after_from_headers<'h>(
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
) -> Option<Duration> {
    let mut acs = None;
    let mut standard = None;
    for (name, value) in headers {
        let parsed = parse_i64_text(value).filter(|v| *v > 0);
        if name.eq_ignore_ascii_case("x-acs-retry-after") {
            acs = acs.or(parsed);
        } else if name.eq_ignore_ascii_case("retry-after") {
            standard = standard.or(parsed);
        }
    }
    acs.map(|ms| Duration::from_millis(ms.unsigned_abs()))
        .or_else(|| standard.map(|s| Duration::from_secs(s.unsigned_abs())))
}

/// The body of a successful answer: `{"RequestId": …, "Success": true, "Data": {…}}`.
///
/// ```
/// use dataworks_wire::{encode_success, ApiError, CreateDISyncTaskData, ErrorCode};
///
/// let mut data = CreateDISyncTaskData::default();
/// data.file_id = Some(7);
/// data.status = Some("success".into());
/// assert_eq!(
///     encode_success("r-1", &data),
///     r#"{"RequestId":"r-1","Success":true,"Data":{"FileId":7,"Status":"success"}}"#
/// );
/// let error = ApiError::new(ErrorCode::ForbiddenAccess, "Access is forbidden.").with_request_id("r-2");
/// assert_eq!(error.http_status, 403);
/// assert_eq!(
///     error.to_body(),
///     r#"{"RequestId":"r-2","Code":"Forbidden.Access","Message":"Access is forbidden."}"#
/// );
/// ```
pub fn encode_success<D: Serialize>(request_id: &str, data: &D) -> String {
    encode_response(request_id, true, Some(data))
}

/// The body of an answer with an explicit `Success` flag and optional `Data`.
pub fn encode_response<D: Serialize>(request_id: &str, success: bool, data: Option<&D>) -> String {
    let mut body = Map::new();
    body.insert("RequestId".into(), Value::String(request_id.to_owned()));
    body.insert("Success".into(), Value::Bool(success));
    if let Some(data) = data {
        match serde_json::to_value(data) {
            Ok(value) => {
                body.insert("Data".into(), value);
            }
            Err(e) => {
                // Unreachable for this crate's Data types (plain structs); keep the answer valid.
                return ApiError::new(
                    ErrorCode::InternalError,
                    format!("the answer could not be encoded: {e}"),
                )
                .with_request_id(request_id)
                .to_body();
            }
        }
    }
    Value::Object(body).to_string()
}

/// Removes `PascalName` or its `camelCase` spelling from an envelope.
fn take(map: &mut Map<String, Value>, pascal: &str) -> Option<Value> {
    if let Some(value) = map.remove(pascal) {
        return Some(value);
    }
    let mut chars = pascal.chars();
    let camel: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => return None,
    };
    map.remove(&camel)
}

/// A scalar as text (`null`, arrays and objects give `None`).
fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn bool_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(text) if text.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The start of a body, printable, at most [`SNIPPET_CHARS`] characters.
fn snippet(body: &[u8]) -> String {
    printable(&String::from_utf8_lossy(body), SNIPPET_CHARS)
}

/// The part of a body around a (1-based) line and column, as serde_json reports them.
fn snippet_at(body: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let Some(line_text) = text.lines().nth(line.saturating_sub(1)) else {
        return snippet(body);
    };
    let half = SNIPPET_CHARS / 2;
    let start = column.saturating_sub(half);
    let chars: String = line_text.chars().skip(start).take(SNIPPET_CHARS).collect();
    let prefix = if start > 0 { "…" } else { "" };
    format!("{prefix}{}", printable(&chars, SNIPPET_CHARS))
}

fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateDISyncTask, CreateDISyncTaskData};

    #[test]
    fn success_false_with_a_code_is_an_error_even_on_200() {
        let body = br#"{"success":false,"code":"Forbidden.Access","message":"no","requestId":"r"}"#;
        let err = decode_response::<CreateDISyncTask>(200, body).unwrap_err();
        let api = err.api_error().unwrap();
        assert_eq!(api.code, "Forbidden.Access");
        assert_eq!(api.request_id.as_deref(), Some("r"));
        assert_eq!(api.http_status, 200);
    }

    #[test]
    fn non_json_errors_keep_the_status() {
        let error = decode_error(502, b"<html>Bad gateway</html>");
        assert_eq!(error.code, UNKNOWN_SERVER_ERROR);
        assert!(error.message.contains("Bad gateway"));
        assert!(error.is_retryable());
        let empty = decode_error(500, b"");
        assert!(empty.message.contains("HTTP 500"));
    }

    #[test]
    fn an_empty_code_is_an_unknown_server_error() {
        for body in [&br#"{"Code":""}"#[..], br#"{"Code":"  ","Message":"m"}"#] {
            let error = decode_error(503, body);
            assert_eq!(error.code, UNKNOWN_SERVER_ERROR, "{body:?}");
            assert!(error.is_retryable());
        }
    }

    #[test]
    fn retry_after_prefers_the_acs_header() {
        let headers = [("Retry-After", "2"), ("X-Acs-Retry-After", "1500")];
        assert_eq!(
            retry_after_from_headers(headers),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after_from_headers([("retry-after", "3")]),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after_from_headers([("retry-after", "soon")]), None);
        assert_eq!(retry_after_from_headers([("x-acs-retry-after", "0")]), None);
    }

    #[test]
    fn headers_reach_the_api_error() {
        let err = decode_response_with_headers::<CreateDISyncTask>(
            429,
            [("x-acs-retry-after", "250")],
            br#"{"Code":"Throttling.User","Message":"slow"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.api_error().and_then(|e| e.retry_after),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn encode_then_decode_is_identity() {
        let data = CreateDISyncTaskData {
            file_id: Some(7),
            status: Some("success".into()),
            message: None,
        };
        let body = encode_success("req-1", &data);
        assert_eq!(
            body,
            r#"{"RequestId":"req-1","Success":true,"Data":{"FileId":7,"Status":"success"}}"#
        );
        let response = decode_response::<CreateDISyncTask>(200, body.as_bytes()).unwrap();
        assert_eq!(response.request_id.as_deref(), Some("req-1"));
        assert_eq!(response.success, Some(true));
        assert_eq!(response.into_data().unwrap(), data);
    }

    #[test]
    fn malformed_bodies_say_where() {
        let err =
            decode_response::<CreateDISyncTask>(200, br#"{"Data":{"FileId":true}}"#).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("Data.FileId"), "{shown}");
        let err = decode_response::<CreateDISyncTask>(200, br#"{"Data":{"FileId":1"#).unwrap_err();
        assert!(matches!(err, WireError::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn missing_data_and_business_failures_are_errors_of_into_data() {
        let response = decode_response::<CreateDISyncTask>(200, br#"{"RequestId":"r"}"#).unwrap();
        assert!(matches!(
            response.into_data(),
            Err(WireError::MissingData { .. })
        ));
        let response = decode_response::<CreateDISyncTask>(
            200,
            br#"{"RequestId":"r","Success":true,"Data":{"Status":"fail","Message":"Invalid path"}}"#,
        )
        .unwrap();
        assert!(response.business_failure().is_some());
        let err = response.into_data().unwrap_err();
        assert!(err.to_string().contains("Invalid path"), "{err}");
        assert_eq!(err.request_id(), Some("r"));
    }
}
