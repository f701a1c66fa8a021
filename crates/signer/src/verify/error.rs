//! Why a received request was refused, and how the service reports each reason.

use time::OffsetDateTime;

use crate::SignatureAlgorithm;

/// Why a received request failed verification. Each message says what is wrong and how to fix
/// it; none carries the secret or the security token (the v1 server string to sign has the
/// token's value replaced by `<redacted>`).
///
/// [`service_code`](Self::service_code) and [`http_status`](Self::http_status) give the error
/// code and status the real service answers with, so the mapping lives in one place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No credentials are known for the access key id.
    #[error(
        "access key id `{access_key_id}` is not found; sign with an access key this endpoint knows"
    )]
    UnknownAccessKey {
        /// The access key id the request named.
        access_key_id: String,
    },
    /// The signature differs from the server's. The message ends with the server's string to
    /// sign after a colon, as the real service's does, so a client can compare it with its own.
    #[error(
        "the request signature ({algorithm}) does not match the server's calculation; compare your string to sign with the server's (same secret, same parameters, same encoding). server string to sign is:{server_string_to_sign}"
    )]
    SignatureMismatch {
        /// The algorithm the request used.
        algorithm: SignatureAlgorithm,
        /// The string to sign the server computed (STS token redacted).
        server_string_to_sign: String,
    },
    /// A required part of the request or of its signature is absent.
    #[error("the request has no {name}; add it (see docs/signer.md for what each signature needs)")]
    MissingPart {
        /// What is missing, e.g. `Signature`, `Timestamp`, `x-acs-date`, `Authorization Credential`.
        name: String,
    },
    /// A part of the request cannot be parsed.
    #[error("{what} is malformed: {detail}")]
    Malformed {
        /// Which part, e.g. `Authorization`, `Timestamp`, `query string`.
        what: String,
        /// What is wrong with it and how to fix it.
        detail: String,
    },
    /// The request's timestamp is too far from the server clock.
    #[error(
        "timestamp {} is more than {} s away from the server time {}; sign with the current UTC time (check the client clock)",
        fmt_time(.timestamp), .max_skew_seconds, fmt_time(.server_time)
    )]
    TimestampOutOfRange {
        /// The request's timestamp.
        timestamp: OffsetDateTime,
        /// The server's time at verification.
        server_time: OffsetDateTime,
        /// The allowed difference, in seconds.
        max_skew_seconds: i64,
    },
    /// The nonce was already used (within its lifetime) by this access key.
    #[error(
        "signature nonce `{nonce}` was already used; use a fresh random nonce for every request, retries included"
    )]
    NonceReused {
        /// The nonce.
        nonce: String,
    },
    /// The request uses a signature method this endpoint does not implement.
    #[error("signature method `{method}` is not supported; use HMAC-SHA1 (v1) or ACS3-HMAC-SHA256")]
    UnsupportedSignatureMethod {
        /// The method or `Authorization` scheme given.
        method: String,
    },
    /// The v1 request names a signature version other than `1.0`.
    #[error("signature version `{version}` is not supported; v1 requests use SignatureVersion=1.0")]
    UnsupportedSignatureVersion {
        /// The version given.
        version: String,
    },
    /// `x-acs-content-sha256` is not the SHA-256 of the body received.
    #[error(
        "x-acs-content-sha256 `{header}` is not the SHA-256 of the body received (`{computed}`); hash the exact body bytes sent"
    )]
    BodyHashMismatch {
        /// The header's value.
        header: String,
        /// The hash of the body received.
        computed: String,
    },
    /// The STS security token is missing, unexpected or wrong for this access key.
    #[error("security token invalid: {reason}")]
    SecurityTokenInvalid {
        /// What is wrong (never the token itself).
        reason: &'static str,
    },
    /// A header that must be signed is present but not listed in `SignedHeaders`.
    #[error(
        "header `{name}` is sent but not signed; every x-acs-* header, host and content-type must be listed in SignedHeaders"
    )]
    HeaderNotSigned {
        /// The header's name (lower case).
        name: String,
    },
}

fn fmt_time(at: &OffsetDateTime) -> String {
    crate::timestamp::format(*at).unwrap_or_else(|_| at.to_string())
}

/// Names whose absence or malformation is an incomplete signature rather than a missing
/// business parameter.
fn is_signature_part(name: &str) -> bool {
    name.starts_with("Authorization")
        || name.starts_with("Signature")
        || name.starts_with("SignedHeaders")
}

fn is_timestamp_part(name: &str) -> bool {
    name == "Timestamp" || name == "x-acs-date"
}

impl VerifyError {
    /// The error code the real service answers with.
    pub fn service_code(&self) -> &'static str {
        match self {
            Self::UnknownAccessKey { .. } => "InvalidAccessKeyId.NotFound",
            Self::SignatureMismatch { .. } | Self::BodyHashMismatch { .. } => {
                "SignatureDoesNotMatch"
            }
            Self::MissingPart { name } if is_signature_part(name) => "IncompleteSignature",
            Self::MissingPart { .. } => "MissingParameter",
            Self::Malformed { what, .. } if is_timestamp_part(what) => "InvalidTimeStamp.Format",
            Self::Malformed { what, .. } if is_signature_part(what) => "IncompleteSignature",
            Self::Malformed { .. } => "InvalidParameter",
            Self::TimestampOutOfRange { .. } => "InvalidTimeStamp.Expired",
            Self::NonceReused { .. } => "SignatureNonceUsed",
            Self::UnsupportedSignatureMethod { .. } => "InvalidSignatureMethod",
            Self::UnsupportedSignatureVersion { .. } => "InvalidSignatureVersion",
            Self::SecurityTokenInvalid { .. } => "InvalidSecurityToken.MismatchWithAccessKey",
            Self::HeaderNotSigned { .. } => "IncompleteSignature",
        }
    }

    /// The HTTP status the real service answers with: 404 for an unknown access key, 400 for
    /// everything else.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnknownAccessKey { .. } => 404,
            _ => 400,
        }
    }
}

/// `text` cut to at most 128 characters, for echoing untrusted input in messages.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 128;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn codes_and_statuses() {
        let missing = |name: &str| VerifyError::MissingPart { name: name.into() };
        assert_eq!(missing("Signature").service_code(), "IncompleteSignature");
        assert_eq!(
            missing("Authorization Credential").service_code(),
            "IncompleteSignature"
        );
        assert_eq!(missing("Action").service_code(), "MissingParameter");
        assert_eq!(missing("x-acs-date").service_code(), "MissingParameter");
        let malformed = |what: &str| VerifyError::Malformed {
            what: what.into(),
            detail: "x".into(),
        };
        assert_eq!(
            malformed("Timestamp").service_code(),
            "InvalidTimeStamp.Format"
        );
        assert_eq!(
            malformed("Authorization").service_code(),
            "IncompleteSignature"
        );
        assert_eq!(malformed("query string").service_code(), "InvalidParameter");
        let unknown = VerifyError::UnknownAccessKey {
            access_key_id: "k".into(),
        };
        assert_eq!(unknown.http_status(), 404);
        assert_eq!(unknown.service_code(), "InvalidAccessKeyId.NotFound");
        assert_eq!(
            VerifyError::NonceReused { nonce: "n".into() }.http_status(),
            400
        );
    }

    #[test]
    fn mismatch_message_ends_with_the_server_string_after_one_colon() {
        let err = VerifyError::SignatureMismatch {
            algorithm: SignatureAlgorithm::RpcV1HmacSha1,
            server_string_to_sign: "POST&%2F&A%3D1".into(),
        };
        let message = err.to_string();
        assert_eq!(message.split(':').nth(1), Some("POST&%2F&A%3D1"));
    }

    #[test]
    fn timestamps_print_in_the_wire_format() {
        let err = VerifyError::TimestampOutOfRange {
            timestamp: datetime!(2024-01-02 03:04:05 UTC),
            server_time: datetime!(2024-01-02 04:04:05 UTC),
            max_skew_seconds: 900,
        };
        let message = err.to_string();
        assert!(message.contains("2024-01-02T03:04:05Z"));
        assert!(message.contains("900 s"));
    }

    #[test]
    fn clipping() {
        assert_eq!(clip("abc"), "abc");
        assert_eq!(clip(&"é".repeat(300)).chars().count(), 129);
    }
}
