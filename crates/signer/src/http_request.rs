//! Signing an [`http::Request`] in place with ACS3-HMAC-SHA256, as aws-sigv4 users expect
//! (the `http` feature).
//!
//! [`sign`] reads the request as it will be sent (method, path, query, headers, body), adds
//! `host` (from the URI when absent), `x-acs-date`, `x-acs-signature-nonce`,
//! `x-acs-content-sha256`, `x-acs-security-token` for STS credentials, and `Authorization`.
//! Every header already on the request is signed, so set `x-acs-action`, `x-acs-version` and
//! `content-type` before signing. The time is a [`SystemTime`].
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use dataworks_signer::Credentials;
//! use dataworks_signer::http_request::{SigningSettings, sign};
//!
//! let mut request = http::Request::post("https://dataworks.cn-shanghai.aliyuncs.com/?ProjectId=10000")
//!     .header("x-acs-action", "GetDISyncTask")
//!     .header("x-acs-version", "2020-05-18")
//!     .body(Vec::<u8>::new())?;
//! let settings = SigningSettings {
//!     time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_164_645),
//!     nonce: "0f1e2d3c4b5a69788796a5b4c3d2e1f0".to_string(),
//! };
//! sign(&mut request, &Credentials::new("LTAI-example", "example-secret"), &settings)?;
//! assert_eq!(request.headers()["x-acs-date"], "2024-01-02T03:04:05Z");
//! assert_eq!(request.headers()["host"], "dataworks.cn-shanghai.aliyuncs.com");
//! assert!(request.headers()["authorization"].to_str()?.starts_with("ACS3-HMAC-SHA256 Credential=LTAI-example,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::SystemTime;

use http::header::{HeaderName, HeaderValue};
use time::OffsetDateTime;

use crate::encoding::{DecodeError, decode_form};
use crate::timestamp::{self, TimestampError};
use crate::{Credentials, v3};

/// What [`sign`] needs besides the request and the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningSettings {
    /// The signing time (sent as `x-acs-date`, truncated to the second).
    pub time: SystemTime,
    /// The signature nonce, unique per request (e.g. [`crate::random_nonce`]).
    pub nonce: String,
}

impl SigningSettings {
    /// Settings for now: the system clock and a fresh random nonce.
    pub fn now() -> SigningSettings {
        SigningSettings {
            time: SystemTime::now(),
            nonce: crate::system::random_nonce(),
        }
    }
}

/// Why an [`http::Request`] could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpSignError {
    /// The URI has no host and the request no `host` header.
    #[error("cannot sign: the request has no host; use an absolute URI or set the `host` header")]
    NoHost,
    /// A header value is not visible ASCII, so it cannot be signed as text.
    #[error("cannot sign: the value of header `{name}` is not visible ASCII")]
    HeaderNotText {
        /// The header's name.
        name: String,
    },
    /// The query could not be decoded.
    #[error("cannot sign: {0}")]
    Query(#[from] DecodeError),
    /// The time cannot be written as a timestamp.
    #[error("cannot sign: {0}")]
    Time(#[from] TimestampError),
    /// The nonce or a value the signer adds cannot be a header value.
    #[error("cannot sign: `{field}` cannot be sent in a header")]
    NotHeaderSafe {
        /// The field.
        field: &'static str,
    },
}

/// Signs `request` in place with ACS3-HMAC-SHA256 (see the module documentation).
pub fn sign<B: AsRef<[u8]>>(
    request: &mut http::Request<B>,
    credentials: &Credentials,
    settings: &SigningSettings,
) -> Result<(), HttpSignError> {
    let date = timestamp::format(OffsetDateTime::from(settings.time))?;
    if !request.headers().contains_key(http::header::HOST) {
        let host = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or(HttpSignError::NoHost)?;
        insert(request, http::header::HOST, &host, "host")?;
    }
    insert(
        request,
        HeaderName::from_static("x-acs-date"),
        &date,
        "x-acs-date",
    )?;
    insert(
        request,
        HeaderName::from_static("x-acs-signature-nonce"),
        &settings.nonce,
        "nonce",
    )?;
    let query = decode_form(request.uri().query().unwrap_or_default())?;
    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let text = value.to_str().map_err(|_| HttpSignError::HeaderNotText {
            name: name.as_str().to_owned(),
        })?;
        headers.push((name.as_str().to_owned(), text.to_owned()));
    }
    let path = request.uri().path();
    let signature = v3::sign(
        &v3::V3Request {
            method: request.method().as_str(),
            pathname: if path.is_empty() { "/" } else { path },
            query: &query,
            headers: &headers,
            body: request.body().as_ref(),
        },
        credentials,
    );
    for (name, value) in &signature.added_headers {
        let name =
            HeaderName::try_from(name.as_str()).map_err(|_| HttpSignError::NotHeaderSafe {
                field: "added header",
            })?;
        insert(request, name, value, "added header")?;
    }
    insert(
        request,
        http::header::AUTHORIZATION,
        &signature.authorization,
        "authorization",
    )
}

fn insert<B>(
    request: &mut http::Request<B>,
    name: HeaderName,
    value: &str,
    field: &'static str,
) -> Result<(), HttpSignError> {
    let value = HeaderValue::from_str(value).map_err(|_| HttpSignError::NotHeaderSafe { field })?;
    request.headers_mut().insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{ReceivedRequest, Verifier};

    fn signed(uri: &str, body: &str, credentials: &Credentials) -> http::Request<Vec<u8>> {
        let mut request = http::Request::post(uri)
            .header("x-acs-action", "UpdateDISyncTask")
            .header("x-acs-version", "2020-05-18")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap();
        sign(&mut request, credentials, &SigningSettings::now()).unwrap();
        request
    }

    fn verify(request: &http::Request<Vec<u8>>, secrets: &Credentials) -> crate::verify::Verified {
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        Verifier::new()
            .verify(
                &ReceivedRequest {
                    method: request.method().as_str(),
                    path: request.uri().path(),
                    raw_query: request.uri().query().unwrap_or_default(),
                    headers: &headers,
                    body: request.body(),
                },
                OffsetDateTime::now_utc(),
                secrets,
            )
            .unwrap()
    }

    #[test]
    fn a_request_signed_in_place_verifies() {
        let credentials = Credentials::new("LTAI-test", "test-secret");
        let request = signed(
            "https://dataworks.example.invalid/?ProjectId=10000&TaskType=DI_REALTIME",
            "TaskContent=%7B%22a%22%3A1%7D",
            &credentials,
        );
        assert_eq!(request.headers()["host"], "dataworks.example.invalid");
        let verified = verify(&request, &credentials);
        assert_eq!(verified.param("ProjectId"), Some("10000"));
        assert_eq!(verified.param("TaskContent"), Some("{\"a\":1}"));
    }

    #[test]
    fn sts_credentials_add_their_token() {
        let credentials =
            Credentials::new("STS.test", "test-secret").with_security_token("the-token");
        let request = signed("https://h.example.invalid/?A=1", "", &credentials);
        assert_eq!(request.headers()["x-acs-security-token"], "the-token");
        verify(&request, &credentials);
    }

    #[test]
    fn a_request_without_a_host_is_refused() {
        let mut request = http::Request::post("/?A=1").body(Vec::<u8>::new()).unwrap();
        let err = sign(
            &mut request,
            &Credentials::new("id", "s"),
            &SigningSettings::now(),
        )
        .unwrap_err();
        assert_eq!(err, HttpSignError::NoHost);
        assert!(request.headers().get("authorization").is_none());
    }
}
