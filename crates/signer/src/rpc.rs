//! Signing a DataWorks-style RPC call: from an action and its parameters to the exact path,
//! headers and body to send.
//!
//! Every call is `POST /`. Business parameters go in the query (or the form body for the few
//! that travel there); the form body is `application/x-www-form-urlencoded`.
//!
//! - **v1** ([`SignatureAlgorithm::RpcV1HmacSha1`]): the common parameters `Action`, `Version`,
//!   `Format=JSON`, `Timestamp`, `SignatureNonce`, `SignatureMethod=HMAC-SHA1`,
//!   `SignatureVersion=1.0`, `AccessKeyId` (and `SecurityToken` for STS) join the query (sorted by
//!   name on the wire), then the `Signature` parameter comes last. Headers (`x-acs-action`, `x-acs-version`, `content-type`, extras) are
//!   sent but not signed.
//! - **ACS3** ([`SignatureAlgorithm::Acs3HmacSha256`]): the query holds only the business
//!   parameters; the headers `host`, `x-acs-action`, `x-acs-version`, `x-acs-date`,
//!   `x-acs-signature-nonce`, `x-acs-content-sha256`, `content-type` (with a body),
//!   `x-acs-security-token` (STS) and every extra header of [`RpcRequest::headers`] are signed,
//!   then `authorization` is added.
//!
//! The wire encoding is RFC 3986 (`%20` for a space), so it coincides with the canonical one.
//!
//! ```
//! use dataworks_signer::{Credentials, SignatureAlgorithm};
//! use dataworks_signer::{sign_request, RpcRequest, SigningParams};
//! use time::macros::datetime;
//!
//! let request = RpcRequest::new("CreateDISyncTask", "2020-05-18", "dataworks.cn-shanghai.aliyuncs.com")
//!     .query_param("ProjectId", "10000")
//!     .query_param("TaskType", "DI_OFFLINE")
//!     .form_param("TaskContent", r#"{"type":"job"}"#);
//! let params = SigningParams::new(
//!     SignatureAlgorithm::RpcV1HmacSha1,
//!     datetime!(2024-01-02 03:04:05 UTC),
//!     "11112222333344445555666677778888",
//! );
//! let signed = sign_request(&request, &Credentials::new("id", "secret"), &params)?;
//! assert!(signed.path_and_query.starts_with("/?AccessKeyId=id&Action=CreateDISyncTask&Format=JSON&"));
//! assert!(signed.path_and_query.contains("&Timestamp=2024-01-02T03%3A04%3A05Z&"));
//! assert!(signed.path_and_query.contains("&Signature="));
//! assert_eq!(signed.body, b"TaskContent=%7B%22type%22%3A%22job%22%7D");
//! assert_eq!(signed.header("content-type"), Some("application/x-www-form-urlencoded"));
//! # Ok::<(), dataworks_signer::SignError>(())
//! ```

use std::fmt;

use time::OffsetDateTime;

use crate::encoding::{encode_pairs, percent_encode_into};
use crate::params::{merge_sorted, sorted};
use crate::redact;
use crate::timestamp::{self, TimestampError};
use crate::v1::{self, V1Signature};
use crate::v3::{self, V3Request, V3Signature};
use crate::{Credentials, SignatureAlgorithm};

/// The content type of a form body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Headers this module sets itself; a caller's extra header may not use these names.
pub const RESERVED_HEADERS: [&str; 9] = [
    "authorization",
    "content-type",
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-security-token",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// One RPC call to sign: the operation and its business parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RpcRequest {
    /// The operation, e.g. `GenerateDISyncTaskConfigForUpdating`.
    pub action: String,
    /// The API version, e.g. `2020-05-18`.
    pub version: String,
    /// The endpoint's authority as the HTTP client will send it in `Host`, including `:port`
    /// when not the default (e.g. `127.0.0.1:8080`).
    pub host: String,
    /// Business parameters sent in the query string (decoded).
    pub query: Vec<(String, String)>,
    /// Business parameters sent in the form body (decoded); empty for no body.
    pub form: Vec<(String, String)>,
    /// Extra headers to send (e.g. `user-agent`). Signed with ACS3, sent unsigned with v1.
    pub headers: Vec<(String, String)>,
}

impl RpcRequest {
    /// A call of `action` (API `version`) on `host`, with no parameters yet.
    pub fn new(
        action: impl Into<String>,
        version: impl Into<String>,
        host: impl Into<String>,
    ) -> Self {
        Self {
            action: action.into(),
            version: version.into(),
            host: host.into(),
            ..Self::default()
        }
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a form-body parameter.
    #[must_use]
    pub fn form_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.form.push((name.into(), value.into()));
        self
    }

    /// Adds an extra header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What varies per attempt: the algorithm, the time and the nonce. Take a fresh timestamp and
/// nonce for every attempt ([`crate::now_utc`], [`crate::random_nonce`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningParams {
    /// The signature to use.
    pub algorithm: SignatureAlgorithm,
    /// The signing time; converted to UTC and truncated to the second.
    pub timestamp: OffsetDateTime,
    /// The signature nonce, unique per request (e.g. [`crate::random_nonce`]).
    pub nonce: String,
}

impl SigningParams {
    /// Parameters signing with `algorithm` at `timestamp` with `nonce`.
    pub fn new(
        algorithm: SignatureAlgorithm,
        timestamp: OffsetDateTime,
        nonce: impl Into<String>,
    ) -> SigningParams {
        SigningParams {
            algorithm,
            timestamp,
            nonce: nonce.into(),
        }
    }

    /// Parameters signing at `time`, a [`std::time::SystemTime`] (as the standard library and
    /// aws-sigv4 give it), with `nonce`.
    pub fn at(
        algorithm: SignatureAlgorithm,
        time: std::time::SystemTime,
        nonce: impl Into<String>,
    ) -> SigningParams {
        SigningParams {
            algorithm,
            timestamp: OffsetDateTime::from(time),
            nonce: nonce.into(),
        }
    }
}

/// The intermediate strings of whichever signature was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureDetails {
    /// RPC v1.
    V1(V1Signature),
    /// ACS3-HMAC-SHA256.
    V3(V3Signature),
}

impl SignatureDetails {
    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        match self {
            Self::V1(s) => &s.string_to_sign,
            Self::V3(s) => &s.string_to_sign,
        }
    }

    /// The signature (base64 for v1, lower-case hex for ACS3).
    pub fn signature(&self) -> &str {
        match self {
            Self::V1(s) => &s.signature,
            Self::V3(s) => &s.signature,
        }
    }
}

/// A signed request: what to send, plus every intermediate string.
///
/// The fields hold the exact values to send (with the STS token for STS credentials); `Debug`
/// redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The HTTP method: always `POST`.
    pub method: String,
    /// The path and query to request, wire-encoded (RFC 3986, `%20` for a space), e.g.
    /// `/?FileId=1&ProjectId=2`.
    pub path_and_query: String,
    /// The headers to send, lower-case names, `authorization` last for ACS3. `host` is the value
    /// that was signed: make sure the HTTP client sends exactly that `Host`.
    pub headers: Vec<(String, String)>,
    /// The form body (`application/x-www-form-urlencoded`), empty when there is no form.
    pub body: Vec<u8>,
    /// The signature algorithm used.
    pub algorithm: SignatureAlgorithm,
    /// The intermediate strings.
    pub details: SignatureDetails,
}

impl SignedRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The full URL for `base` (scheme and authority, e.g. `https://dataworks.cn-shanghai.aliyuncs.com`).
    pub fn url(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.path_and_query)
    }

    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        self.details.string_to_sign()
    }

    /// The signature.
    pub fn signature(&self) -> &str {
        self.details.signature()
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("path_and_query", &redact::query(&self.path_and_query))
            .field("headers", &redact::Pairs(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("algorithm", &self.algorithm)
            .field("details", &self.details)
            .finish()
    }
}

/// Why a request could not be signed. No variant carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A required field is empty.
    #[error("cannot sign: `{field}` is empty; set it on the RpcRequest / SigningParams")]
    EmptyField {
        /// The field's name.
        field: &'static str,
    },
    /// A field that travels in a header holds characters a header cannot carry.
    #[error(
        "cannot sign: `{field}` contains a control character or is not visible ASCII; headers cannot carry it"
    )]
    NotHeaderSafe {
        /// The field or header name.
        field: String,
    },
    /// An extra header uses a name this module sets itself.
    #[error(
        "cannot sign: extra header `{name}` is set by the signer itself; remove it from RpcRequest.headers"
    )]
    ReservedHeader {
        /// The header name.
        name: String,
    },
    /// A v1 business parameter uses the name of a common parameter.
    #[error(
        "cannot sign: parameter `{name}` is a common parameter the v1 signer sets itself; remove it"
    )]
    ReservedParameter {
        /// The parameter name.
        name: String,
    },
    /// The timestamp cannot be written in the signatures' format.
    #[error("cannot sign: {0}")]
    Timestamp(#[from] TimestampError),
}

/// Signs `request` with `credentials` at `params.timestamp` with `params.nonce`.
pub fn sign_request(
    request: &RpcRequest,
    credentials: &Credentials,
    params: &SigningParams,
) -> Result<SignedRequest, SignError> {
    check_request(request, credentials, params)?;
    let timestamp = timestamp::format(params.timestamp)?;
    let body = encode_pairs(&request.form).into_bytes();
    match params.algorithm {
        SignatureAlgorithm::RpcV1HmacSha1 => {
            sign_v1(request, credentials, &params.nonce, &timestamp, body)
        }
        SignatureAlgorithm::Acs3HmacSha256 => Ok(sign_v3(
            request,
            credentials,
            &params.nonce,
            &timestamp,
            body,
        )),
    }
}

fn check_request(
    request: &RpcRequest,
    credentials: &Credentials,
    params: &SigningParams,
) -> Result<(), SignError> {
    let header_fields = [
        ("action", request.action.as_str()),
        ("version", request.version.as_str()),
        ("host", request.host.as_str()),
        ("nonce", params.nonce.as_str()),
        ("access_key_id", credentials.access_key_id()),
    ];
    for (field, value) in header_fields {
        if value.is_empty() {
            return Err(SignError::EmptyField { field });
        }
        if !is_header_value(value) {
            return Err(SignError::NotHeaderSafe {
                field: field.to_string(),
            });
        }
    }
    if credentials.access_key_secret().is_empty() {
        return Err(SignError::EmptyField {
            field: "access_key_secret",
        });
    }
    if credentials
        .security_token()
        .is_some_and(|t| !is_header_value(t))
    {
        return Err(SignError::NotHeaderSafe {
            field: "security_token".to_string(),
        });
    }
    for (name, value) in &request.headers {
        let lower = name.trim().to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str()) {
            return Err(SignError::ReservedHeader { name: name.clone() });
        }
        let name_ok = !name.is_empty() && name.bytes().all(is_token_byte);
        if !name_ok || !is_header_value(value) {
            return Err(SignError::NotHeaderSafe {
                field: format!("header {name}"),
            });
        }
    }
    Ok(())
}

/// Visible ASCII and spaces/tabs only (what an HTTP header value can carry safely).
fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// An RFC 9110 token character (what a header name consists of).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn sign_v1(
    request: &RpcRequest,
    credentials: &Credentials,
    nonce: &str,
    timestamp: &str,
    body: Vec<u8>,
) -> Result<SignedRequest, SignError> {
    for (name, _) in request.query.iter().chain(request.form.iter()) {
        if v1::COMMON_PARAMS.contains(&name.as_str()) {
            return Err(SignError::ReservedParameter { name: name.clone() });
        }
    }
    // The common parameters, in sorted order (`SecurityToken` takes its place for STS).
    let mut common: Vec<(&str, &str)> = Vec::with_capacity(9);
    common.extend([
        ("AccessKeyId", credentials.access_key_id()),
        ("Action", request.action.as_str()),
        ("Format", "JSON"),
    ]);
    if let Some(token) = credentials.security_token() {
        common.push(("SecurityToken", token));
    }
    common.extend([
        ("SignatureMethod", v1::SIGNATURE_METHOD),
        ("SignatureNonce", nonce),
        ("SignatureVersion", v1::SIGNATURE_VERSION),
        ("Timestamp", timestamp),
        ("Version", request.version.as_str()),
    ]);
    debug_assert!(common.is_sorted());
    let query = sorted(&request.query);
    let signed = merge_sorted(&common, &merge_sorted(&query, &sorted(&request.form)));
    let signature = v1::sign_sorted("POST", &signed, credentials.access_key_secret());

    // "/?" + the query + "&Signature=" + the percent-encoded 28-character base64 signature
    // (usually under 40 bytes; the string grows if it needs more).
    let mut path_and_query = String::with_capacity(signature.canonicalized_query_string.len() + 64);
    path_and_query.push_str("/?");
    if request.form.is_empty() {
        // Without a form the signed parameters are the query parameters: reuse their encoding.
        path_and_query.push_str(&signature.canonicalized_query_string);
    } else {
        path_and_query.push_str(&encode_pairs(merge_sorted(&common, &query)));
    }
    path_and_query.push_str("&Signature=");
    percent_encode_into(&mut path_and_query, &signature.signature);

    let mut headers = vec![
        ("x-acs-action".to_string(), request.action.clone()),
        ("x-acs-version".to_string(), request.version.clone()),
    ];
    if !body.is_empty() {
        headers.push(("content-type".to_string(), FORM_CONTENT_TYPE.to_string()));
    }
    headers.extend(request.headers.iter().cloned());
    Ok(SignedRequest {
        method: "POST".to_string(),
        path_and_query,
        headers,
        body,
        algorithm: SignatureAlgorithm::RpcV1HmacSha1,
        details: SignatureDetails::V1(signature),
    })
}

fn sign_v3(
    request: &RpcRequest,
    credentials: &Credentials,
    nonce: &str,
    timestamp: &str,
    body: Vec<u8>,
) -> SignedRequest {
    let mut headers = vec![
        ("host".to_string(), request.host.clone()),
        ("x-acs-action".to_string(), request.action.clone()),
        ("x-acs-version".to_string(), request.version.clone()),
        ("x-acs-date".to_string(), timestamp.to_string()),
        ("x-acs-signature-nonce".to_string(), nonce.to_string()),
    ];
    if !body.is_empty() {
        headers.push(("content-type".to_string(), FORM_CONTENT_TYPE.to_string()));
    }
    headers.extend(request.headers.iter().cloned());
    let signature = v3::sign(
        &V3Request {
            method: "POST",
            pathname: "/",
            query: &request.query,
            headers: &headers,
            body: &body,
        },
        credentials,
    );
    headers.extend(signature.added_headers.iter().cloned());
    headers.push(("authorization".to_string(), signature.authorization.clone()));
    let path_and_query = if signature.canonical_query_string.is_empty() {
        "/".to_string()
    } else {
        format!("/?{}", signature.canonical_query_string)
    };
    SignedRequest {
        method: "POST".to_string(),
        path_and_query,
        headers,
        body,
        algorithm: SignatureAlgorithm::Acs3HmacSha256,
        details: SignatureDetails::V3(signature),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn params(algorithm: SignatureAlgorithm) -> SigningParams {
        SigningParams {
            algorithm,
            timestamp: datetime!(2024-01-02 03:04:05 UTC),
            nonce: "0f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
        }
    }

    fn task_param() -> &'static str {
        r#"{"type":"realtime","version":"1.0","setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},"steps":[{"stepType":"mysql","parameter":{"connection":[{"datasourceType":"mysql","datasource":"mysql_pub1","selectedTables":[{"dbName":"mysql_db","schema":[{"tableInfos":[{"table":"molin_di_test_in_pk_v4"}]}]}]}]},"name":"Reader","category":"reader"},{"stepType":"odps","parameter":{"datasource":"odps_source"},"name":"Writer","category":"writer"}]}"#
    }

    /// The vector `dw_generate_for_creating_minimal_headers` of signature-v3.json, made by
    /// the high-level signer.
    #[test]
    fn v3_matches_the_generate_vector() {
        let request = RpcRequest::new(
            "GenerateDISyncTaskConfigForCreating",
            "2020-05-18",
            "dataworks.cn-shanghai.aliyuncs.com",
        )
        .query_param("ClientToken", "ct-0001")
        .query_param("ProjectId", "10000")
        .query_param("TaskParam", task_param())
        .query_param("TaskType", "DI_REALTIME");
        let creds = Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123");
        let signed = sign_request(
            &request,
            &creds,
            &params(SignatureAlgorithm::Acs3HmacSha256),
        )
        .unwrap();
        assert_eq!(
            signed.signature(),
            "dea7709676ae60c7a54ed941390353d21be451b0e3e02a191e67879a28b23664"
        );
        assert!(signed.body.is_empty());
        assert_eq!(signed.header("content-type"), None);
        assert_eq!(
            signed.headers.last().map(|(n, _)| n.as_str()),
            Some("authorization")
        );
        assert!(
            signed
                .path_and_query
                .starts_with("/?ClientToken=ct-0001&ProjectId=10000&TaskParam=%7B")
        );
    }

    /// The vector `dw_generate_for_creating_nested_json` of signature-v1.json, except that this
    /// signer sends `Format=JSON` (upper case, like the legacy SDK).
    #[test]
    fn v1_common_params_and_wire() {
        let request = RpcRequest::new("GenerateDISyncTaskConfigForCreating", "2020-05-18", "h")
            .query_param("ProjectId", "10000")
            .query_param("TaskParam", "a b");
        let creds = Credentials::new("id", "secret").with_security_token("tok/+=");
        let signed =
            sign_request(&request, &creds, &params(SignatureAlgorithm::RpcV1HmacSha1)).unwrap();
        let SignatureDetails::V1(details) = &signed.details else {
            panic!("v1 expected")
        };
        assert_eq!(
            details.canonicalized_query_string,
            "AccessKeyId=id&Action=GenerateDISyncTaskConfigForCreating&Format=JSON&ProjectId=10000\
             &SecurityToken=tok%2F%2B%3D&SignatureMethod=HMAC-SHA1\
             &SignatureNonce=0f1e2d3c4b5a69788796a5b4c3d2e1f0&SignatureVersion=1.0\
             &TaskParam=a%20b&Timestamp=2024-01-02T03%3A04%3A05Z&Version=2020-05-18"
        );
        // Without a form, the wire query is the canonicalized query plus the signature.
        assert_eq!(
            signed.path_and_query,
            format!(
                "/?{}&Signature={}",
                details.canonicalized_query_string,
                crate::encoding::percent_encode(&details.signature)
            )
        );
        assert_eq!(signed.header("authorization"), None);
        let shown = format!("{signed:?}");
        assert!(
            !shown.contains("tok%2F") && !shown.contains("tok/"),
            "{shown}"
        );
    }

    #[test]
    fn refuses_bad_input() {
        let creds = Credentials::new("id", "secret");
        let v3 = params(SignatureAlgorithm::Acs3HmacSha256);
        let empty = RpcRequest::new("", "2020-05-18", "h");
        assert_eq!(
            sign_request(&empty, &creds, &v3),
            Err(SignError::EmptyField { field: "action" })
        );
        let reserved = RpcRequest::new("A", "V", "h").header("X-Acs-Date", "x");
        assert!(matches!(
            sign_request(&reserved, &creds, &v3),
            Err(SignError::ReservedHeader { .. })
        ));
        let newline = RpcRequest::new("A", "V", "h").header("user-agent", "a\r\nb");
        assert!(matches!(
            sign_request(&newline, &creds, &v3),
            Err(SignError::NotHeaderSafe { .. })
        ));
        let common = RpcRequest::new("A", "V", "h").query_param("Timestamp", "x");
        assert!(matches!(
            sign_request(&common, &creds, &params(SignatureAlgorithm::RpcV1HmacSha1)),
            Err(SignError::ReservedParameter { .. })
        ));
        let mut far = v3.clone();
        far.timestamp = datetime!(-0001-01-01 0:00 UTC);
        assert!(matches!(
            sign_request(&RpcRequest::new("A", "V", "h"), &creds, &far),
            Err(SignError::Timestamp(_))
        ));
        let no_secret = Credentials::new("id", "");
        assert_eq!(
            sign_request(&RpcRequest::new("A", "V", "h"), &no_secret, &v3),
            Err(SignError::EmptyField {
                field: "access_key_secret"
            })
        );
    }

    #[test]
    fn form_body_and_extra_headers_are_signed_with_v3() {
        let request = RpcRequest::new("CreateDISyncTask", "2020-05-18", "127.0.0.1:8080")
            .query_param("ProjectId", "1")
            .form_param("TaskContent", "{\"a\":\"b c\"}")
            .header("user-agent", "dwdi/0.1");
        let creds = Credentials::new("id", "secret");
        let signed = sign_request(
            &request,
            &creds,
            &params(SignatureAlgorithm::Acs3HmacSha256),
        )
        .unwrap();
        let SignatureDetails::V3(details) = &signed.details else {
            panic!("v3 expected")
        };
        assert_eq!(
            details.signed_headers,
            "content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
        );
        assert_eq!(signed.body, b"TaskContent=%7B%22a%22%3A%22b%20c%22%7D");
        assert_eq!(signed.header("host"), Some("127.0.0.1:8080"));
        assert_eq!(
            signed.url("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080/?ProjectId=1"
        );
    }
}
