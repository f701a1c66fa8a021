//! Server-side verification: decide which signature a received request carries, recompute it,
//! compare in constant time, and check the timestamp, the nonce and the STS token.
//!
//! The verifier accepts what the official SDKs send: `+` or `%20` for a space in the query and
//! the form body, `Format=json` or `JSON`, any set of signed headers listed in `SignedHeaders`
//! (the Python SDK signs `accept`, `user-agent`, `x-acs-credentials-provider`, …), a `host` with
//! a port.
//!
//! ```
//! use dataworks_signer::{Credentials, SignatureAlgorithm};
//! use dataworks_signer::{sign_request, RpcRequest, SigningParams};
//! use dataworks_signer::{ReceivedRequest, Verifier, VerifyError};
//! use time::macros::datetime;
//!
//! let creds = Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123");
//! let now = datetime!(2024-01-02 03:04:05 UTC);
//! let request = RpcRequest::new("GetDISyncTask", "2020-05-18", "127.0.0.1:8080")
//!     .query_param("ProjectId", "10000");
//! let params = SigningParams::new(SignatureAlgorithm::Acs3HmacSha256, now, "n-1");
//! let signed = sign_request(&request, &creds, &params)?;
//!
//! // What the server received:
//! let (path, query) = signed.path_and_query.split_once('?').unwrap_or((&signed.path_and_query, ""));
//! let received = ReceivedRequest { method: "POST", path, raw_query: query, headers: &signed.headers, body: &signed.body };
//!
//! let verifier = Verifier::new();
//! let verified = verifier.verify(&received, now, &creds)?;
//! assert_eq!(verified.action, "GetDISyncTask");
//! assert_eq!(verified.params, vec![("ProjectId".to_string(), "10000".to_string())]);
//! // The same request again is a replay:
//! let again = verifier.verify(&received, now, &creds);
//! assert!(matches!(again, Err(VerifyError::NonceReused { .. })));
//! assert_eq!(again.unwrap_err().service_code(), "SignatureNonceUsed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod acs3;
mod error;
mod lookup;
mod nonce;
mod rpc_v1;

use std::fmt;

use time::{Duration, OffsetDateTime};

pub use error::VerifyError;
pub use lookup::SecretLookup;
pub use nonce::NonceCache;

use crate::encoding::{decode_component, decode_form};
use crate::mac::constant_time_eq;
use crate::{Credentials, SignatureAlgorithm, redact};

/// A request as the server received it.
#[derive(Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The path, e.g. `/` (the ACS3 canonical URI).
    pub path: &'a str,
    /// The query string exactly as it came on the wire, without the `?` (one is tolerated).
    pub raw_query: &'a str,
    /// Every header received (names in any case; repeated names allowed).
    pub headers: &'a [(String, String)],
    /// The body bytes exactly as received.
    pub body: &'a [u8],
}

impl ReceivedRequest<'_> {
    /// The first header named `name` (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`), or a non-empty body
    /// without a content type.
    fn has_form_body(&self) -> bool {
        match self.header("content-type") {
            Some(content_type) => content_type
                .split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(crate::rpc::FORM_CONTENT_TYPE)),
            None => !self.body.is_empty(),
        }
    }

    /// The form-body parameters (empty when the body is not a form).
    fn form_params(&self) -> Result<Vec<(String, String)>, VerifyError> {
        if !self.has_form_body() {
            return Ok(Vec::new());
        }
        let text = std::str::from_utf8(self.body).map_err(|_| VerifyError::Malformed {
            what: "form body".to_string(),
            detail: "it is not UTF-8 text; percent-encode the form parameters".to_string(),
        })?;
        decode_form(text).map_err(|e| VerifyError::Malformed {
            what: "form body".to_string(),
            detail: e.to_string(),
        })
    }

    /// The decoded query parameters.
    fn query_params(&self) -> Result<Vec<(String, String)>, VerifyError> {
        decode_form(self.raw_query).map_err(|e| VerifyError::Malformed {
            what: "query string".to_string(),
            detail: e.to_string(),
        })
    }
}

impl fmt::Debug for ReceivedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("raw_query", &redact::query(self.raw_query))
            .field("headers", &redact::Pairs(self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A request that passed verification.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signature it carried.
    pub algorithm: SignatureAlgorithm,
    /// The access key that signed it.
    pub access_key_id: String,
    /// The operation (`Action` parameter for v1, `x-acs-action` header for ACS3).
    pub action: String,
    /// The API version (`Version` parameter for v1, `x-acs-version` header for ACS3).
    pub version: String,
    /// The business parameters, decoded, in wire order: the query's then the form body's. For
    /// v1 the common parameters (`Action`, `Timestamp`, `Signature`, …) are removed.
    pub params: Vec<(String, String)>,
    /// The signature nonce.
    pub nonce: String,
    /// The request's timestamp.
    pub timestamp: OffsetDateTime,
}

impl Verified {
    /// The first business parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("algorithm", &self.algorithm)
            .field("access_key_id", &self.access_key_id)
            .field("action", &self.action)
            .field("version", &self.version)
            .field("params", &redact::Pairs(&self.params))
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// Verifies received requests: algorithm detection, clock skew, nonce replay, STS token,
/// body hash and signature.
///
/// Checks run cheapest first: the signature's parts, the timestamp, the access key, the STS
/// token, the body hash, the signature; the nonce is recorded only once the signature is
/// valid, so forged requests cannot fill the nonce cache.
#[derive(Debug)]
pub struct Verifier {
    max_skew: Duration,
    nonces: NonceCache,
}

impl Verifier {
    /// The default allowed clock difference: 15 minutes, as the service documents.
    pub const DEFAULT_MAX_SKEW: Duration = Duration::minutes(15);

    /// A verifier allowing 15 minutes of clock skew, with a default-sized nonce cache.
    pub fn new() -> Self {
        Self {
            max_skew: Self::DEFAULT_MAX_SKEW,
            nonces: NonceCache::default(),
        }
    }

    /// The same verifier allowing `max_skew` (absolute value) between request and server time.
    #[must_use]
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew.abs();
        self
    }

    /// The same verifier using `nonces` as its replay memory.
    #[must_use]
    pub fn with_nonce_cache(mut self, nonces: NonceCache) -> Self {
        self.nonces = nonces;
        self
    }

    /// The allowed clock difference.
    pub fn max_skew(&self) -> Duration {
        self.max_skew
    }

    /// The replay memory.
    pub fn nonce_cache(&self) -> &NonceCache {
        &self.nonces
    }

    /// Verifies `request` at server time `now`, finding secrets with `secrets`.
    pub fn verify(
        &self,
        request: &ReceivedRequest<'_>,
        now: OffsetDateTime,
        secrets: &dyn SecretLookup,
    ) -> Result<Verified, VerifyError> {
        match detect_algorithm(request)? {
            SignatureAlgorithm::RpcV1HmacSha1 => rpc_v1::verify(self, request, now, secrets),
            SignatureAlgorithm::Acs3HmacSha256 => acs3::verify(self, request, now, secrets),
        }
    }

    /// Refuses `timestamp` when it is more than the allowed skew away from `now`.
    fn check_time(
        &self,
        timestamp: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), VerifyError> {
        if (timestamp - now).abs() > self.max_skew {
            return Err(VerifyError::TimestampOutOfRange {
                timestamp,
                server_time: now,
                max_skew_seconds: self.max_skew.whole_seconds(),
            });
        }
        Ok(())
    }

    /// Records the nonce until the request's timestamp leaves the skew window.
    fn check_nonce(
        &self,
        access_key_id: &str,
        nonce: &str,
        timestamp: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), VerifyError> {
        let expires_at = timestamp.saturating_add(self.max_skew);
        if self
            .nonces
            .check_and_insert(access_key_id, nonce, expires_at, now)
        {
            Ok(())
        } else {
            Err(VerifyError::NonceReused {
                nonce: error::clip(nonce),
            })
        }
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

/// Which signature `request` carries: ACS3 when it has an `Authorization` header (whose scheme
/// must be `ACS3-HMAC-SHA256`), v1 when its query has `Signature` or `SignatureMethod`.
pub fn detect_algorithm(request: &ReceivedRequest<'_>) -> Result<SignatureAlgorithm, VerifyError> {
    if let Some(authorization) = request.header("authorization") {
        let scheme = authorization.split_whitespace().next().unwrap_or_default();
        return if scheme == crate::v3::ALGORITHM {
            Ok(SignatureAlgorithm::Acs3HmacSha256)
        } else {
            Err(VerifyError::UnsupportedSignatureMethod {
                method: error::clip(scheme),
            })
        };
    }
    let names_signature = request
        .raw_query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|segment| decode_component(segment.split('=').next().unwrap_or_default()).ok())
        .any(|name| name == "Signature" || name == "SignatureMethod");
    if names_signature {
        Ok(SignatureAlgorithm::RpcV1HmacSha1)
    } else {
        Err(VerifyError::MissingPart {
            name: "Authorization header (ACS3) or Signature parameter (v1)".to_string(),
        })
    }
}

/// Looks up the credentials of `access_key_id`.
fn find_credentials(
    secrets: &dyn SecretLookup,
    access_key_id: &str,
) -> Result<Credentials, VerifyError> {
    secrets
        .secret(access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: error::clip(access_key_id),
        })
}

/// Compares the security token the request carries with the one the key requires.
fn check_token(expected: Option<&str>, received: Option<&str>) -> Result<(), VerifyError> {
    match (expected, received) {
        (None, None) => Ok(()),
        (Some(expected), Some(received)) => {
            if constant_time_eq(expected.as_bytes(), received.as_bytes()) {
                Ok(())
            } else {
                Err(VerifyError::SecurityTokenInvalid {
                    reason: "the security token does not belong to this access key id; send the token issued with it",
                })
            }
        }
        (Some(_), None) => Err(VerifyError::SecurityTokenInvalid {
            reason: "this access key id is temporary (STS) and the request carries no security token; send it (SecurityToken / x-acs-security-token)",
        }),
        (None, Some(_)) => Err(VerifyError::SecurityTokenInvalid {
            reason: "the request carries a security token but this access key id is not temporary (STS); drop the token",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn request<'a>(query: &'a str, headers: &'a [(String, String)]) -> ReceivedRequest<'a> {
        ReceivedRequest {
            method: "POST",
            path: "/",
            raw_query: query,
            headers,
            body: b"",
        }
    }

    #[test]
    fn detection() {
        let none = headers(&[]);
        assert_eq!(
            detect_algorithm(&request("A=1&Signature=x", &none)),
            Ok(SignatureAlgorithm::RpcV1HmacSha1)
        );
        assert_eq!(
            detect_algorithm(&request("?SignatureMethod=HMAC-SHA1", &none)),
            Ok(SignatureAlgorithm::RpcV1HmacSha1)
        );
        assert!(matches!(
            detect_algorithm(&request("A=1", &none)),
            Err(VerifyError::MissingPart { .. })
        ));
        let acs3 = headers(&[("Authorization", "ACS3-HMAC-SHA256 Credential=x")]);
        assert_eq!(
            detect_algorithm(&request("", &acs3)),
            Ok(SignatureAlgorithm::Acs3HmacSha256)
        );
        let sm3 = headers(&[("authorization", "ACS3-HMAC-SM3 Credential=x")]);
        assert_eq!(
            detect_algorithm(&request("", &sm3)),
            Err(VerifyError::UnsupportedSignatureMethod {
                method: "ACS3-HMAC-SM3".into()
            })
        );
    }

    #[test]
    fn token_rules() {
        assert!(check_token(None, None).is_ok());
        assert!(check_token(Some("t"), Some("t")).is_ok());
        for (expected, received) in [(Some("t"), Some("u")), (Some("t"), None), (None, Some("t"))] {
            let err = check_token(expected, received).unwrap_err();
            assert!(!err.to_string().contains("t\""));
        }
    }

    #[test]
    fn form_detection() {
        let form = headers(&[(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )]);
        let mut req = request("", &form);
        req.body = b"a=1+2";
        assert_eq!(req.form_params().unwrap(), headers(&[("a", "1 2")]));
        let json = headers(&[("content-type", "application/json")]);
        let mut req = request("", &json);
        req.body = b"{}";
        assert!(req.form_params().unwrap().is_empty());
        let none = headers(&[]);
        let mut req = request("", &none);
        req.body = &[0xff];
        assert!(matches!(
            req.form_params(),
            Err(VerifyError::Malformed { .. })
        ));
    }
}
