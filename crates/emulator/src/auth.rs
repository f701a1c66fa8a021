//! Signature verification: the signer's verifier with the configured clock skew, the keys it
//! looks secrets up in, and the service's answer to a request that fails verification.

use std::time::Duration;

use dataworks_signer::Credentials;
use dataworks_signer::{SecretLookup, Verifier, VerifyError};
use dataworks_wire::ErrorCode;

use crate::config::CredentialTable;
use crate::error::ServiceError;

/// Signature verification state (skew, nonce cache).
#[derive(Debug)]
pub(crate) struct Auth {
    pub(crate) verifier: Verifier,
}

impl Auth {
    pub(crate) fn new(max_skew: Duration) -> Self {
        let skew = time::Duration::try_from(max_skew).unwrap_or(Verifier::DEFAULT_MAX_SKEW);
        Self {
            verifier: Verifier::new().with_max_skew(skew),
        }
    }
}

impl SecretLookup for CredentialTable {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

/// The service's answer to a failed verification. For `SignatureDoesNotMatch` the message
/// ends with the server's string to sign after a colon, as the real service's does.
pub(crate) fn verify_error(err: &VerifyError) -> ServiceError {
    let message = match err {
        VerifyError::SignatureMismatch {
            server_string_to_sign,
            ..
        } => format!(
            "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
        ),
        other => other.to_string(),
    };
    ServiceError::new(ErrorCode::from_code(err.service_code()), message)
}

#[cfg(test)]
mod tests {
    use dataworks_signer::SignatureAlgorithm;
    use time::OffsetDateTime;

    use super::*;

    /// One of each reason the signer can give (the enum is `#[non_exhaustive]`: a new reason
    /// belongs here too).
    fn every_reason() -> Vec<VerifyError> {
        let text = || "x".to_string();
        let names = [
            "Signature",
            "Timestamp",
            "Action",
            "Authorization",
            "query string",
        ];
        let mut all = vec![
            VerifyError::UnknownAccessKey {
                access_key_id: text(),
            },
            VerifyError::SignatureMismatch {
                algorithm: SignatureAlgorithm::RpcV1HmacSha1,
                server_string_to_sign: text(),
            },
            VerifyError::TimestampOutOfRange {
                timestamp: OffsetDateTime::UNIX_EPOCH,
                server_time: OffsetDateTime::UNIX_EPOCH,
                max_skew_seconds: 900,
            },
            VerifyError::NonceReused { nonce: text() },
            VerifyError::UnsupportedSignatureMethod { method: text() },
            VerifyError::UnsupportedSignatureVersion { version: text() },
            VerifyError::BodyHashMismatch {
                header: text(),
                computed: text(),
            },
            VerifyError::SecurityTokenInvalid { reason: "x" },
            VerifyError::HeaderNotSigned { name: text() },
        ];
        for name in names {
            all.push(VerifyError::MissingPart {
                name: name.to_string(),
            });
            all.push(VerifyError::Malformed {
                what: name.to_string(),
                detail: text(),
            });
        }
        all
    }

    #[test]
    fn every_verification_failure_answers_a_catalogued_code_with_the_signers_status() {
        for reason in every_reason() {
            let answer = verify_error(&reason);
            assert!(
                !matches!(answer.code, ErrorCode::Other(_)),
                "{} ({reason:?}) is not in the wire catalogue: add it to api/dataworks-2020-05-18.json",
                reason.service_code()
            );
            assert_eq!(answer.http_status(), reason.http_status(), "{reason:?}");
        }
    }
}
