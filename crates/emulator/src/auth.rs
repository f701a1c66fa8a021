//! Signature verification: the signer's verifier with the configured clock skew, the keys it
//! looks secrets up in, and the service's answer to a request that fails verification.

use std::time::Duration;

use dataworks_signer::Credentials;
use dataworks_signer::verify::{SecretLookup, Verifier, VerifyError};

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
    ServiceError::new(err.service_code(), err.http_status(), message)
}
