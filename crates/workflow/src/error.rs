//! The error of one client call: what failed, after how many attempts, and why the client
//! stopped trying.
//!
//! Its `Display` tells the whole story on one line (the CLI prints it as is); its `source()` is
//! the typed cause of the last failure (the service's [`ApiError`], the [`TransportError`], the
//! [`WireError`] of an answer that could not be decoded, the credentials' or the signer's error),
//! for programs that walk the chain.

use std::fmt;
use std::time::Duration;

use dataworks_signer::SignError;
use dataworks_wire::{ApiError, WireError};

use crate::signature_mismatch::SignatureComparison;
use crate::transport::TransportError;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CallErrorKind {
    /// The service answered with an error (HTTP ≥ 400 or an error body).
    Api(Box<ApiError>),
    /// The service answered `SignatureDoesNotMatch`; the comparison of our string to sign
    /// with the one in its message says where they differ.
    SignatureMismatch {
        /// The service's error.
        error: Box<ApiError>,
        /// Ours beside theirs.
        comparison: Box<SignatureComparison>,
    },
    /// No answer was received.
    Transport(TransportError),
    /// The answer could not be decoded.
    Malformed {
        /// The HTTP status of the answer.
        http_status: u16,
        /// What is wrong with it (boxed: it is large, and errors travel far).
        error: Box<WireError>,
    },
    /// No credentials could be provided for the attempt.
    Credentials(dataworks_credentials::CredentialsError),
    /// The request could not be signed.
    Sign {
        /// Why.
        error: SignError,
    },
    /// The service accepted the call but reported a business failure (`Data.Status` =
    /// `fail` on an HTTP 200), or left out a field the call must return.
    Rejected {
        /// `Data.Status`, when present.
        status: Option<String>,
        /// `Data.Message` (or what is missing).
        message: String,
        /// The request id of the answer.
        request_id: Option<String>,
    },
}

/// Why the client stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The failure is not one that a retry can fix.
    NotRetryable,
    /// The request may have been processed and sending it again would not be safe.
    UnsafeToRetry,
    /// All attempts of the retry policy were used.
    AttemptsExhausted,
    /// The next attempt (or the service's retry-after hint) would pass the call's deadline.
    DeadlineReached,
}

/// A failed call of one operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallError {
    /// The action (e.g. `CreateDISyncTask`).
    pub action: &'static str,
    /// How many requests were sent.
    pub attempts: u32,
    /// Time spent on the call, waits included.
    pub elapsed: Duration,
    /// Why it stopped.
    pub stopped: StopReason,
    /// What failed last.
    pub kind: CallErrorKind,
}

impl CallError {
    /// The service's error code, when the service answered one (e.g. `Throttling.User`).
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            CallErrorKind::Api(e) | CallErrorKind::SignatureMismatch { error: e, .. } => {
                Some(e.code.as_str())
            }
            _ => None,
        }
    }

    /// The service's message, or the business failure's message.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            CallErrorKind::Api(e) | CallErrorKind::SignatureMismatch { error: e, .. } => {
                Some(e.message.as_str())
            }
            CallErrorKind::Rejected { message, .. } => Some(message.as_str()),
            _ => None,
        }
    }

    /// The request id of the service's answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match &self.kind {
            CallErrorKind::Api(e) | CallErrorKind::SignatureMismatch { error: e, .. } => {
                e.request_id.as_deref()
            }
            CallErrorKind::Rejected { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the last answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match &self.kind {
            CallErrorKind::Api(e) | CallErrorKind::SignatureMismatch { error: e, .. } => {
                Some(e.http_status)
            }
            CallErrorKind::Malformed { http_status, .. } => Some(*http_status),
            CallErrorKind::Rejected { .. } => Some(200),
            _ => None,
        }
    }

    /// Whether the service may have applied the request although the call failed (a
    /// timeout, a broken connection or a 5xx on an operation that was not safe to resend).
    pub fn maybe_applied(&self) -> bool {
        self.stopped == StopReason::UnsafeToRetry
    }

    /// The signature comparison, for `SignatureDoesNotMatch`.
    pub fn signature_comparison(&self) -> Option<&SignatureComparison> {
        match &self.kind {
            CallErrorKind::SignatureMismatch { comparison, .. } => Some(comparison),
            _ => None,
        }
    }
}

impl fmt::Display for CallErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallErrorKind::Api(e) => write!(
                f,
                "the service answered {} {}: {} (request id {})",
                e.http_status,
                e.code,
                e.message,
                e.request_id.as_deref().unwrap_or("none")
            ),
            CallErrorKind::SignatureMismatch { error, comparison } => write!(
                f,
                "the service answered {} {} (request id {}): the signature does not match\n{comparison}",
                error.http_status,
                error.code,
                error.request_id.as_deref().unwrap_or("none")
            ),
            CallErrorKind::Transport(e) => write!(f, "{e}"),
            CallErrorKind::Malformed { http_status, error } => write!(
                f,
                "the answer (HTTP {http_status}) could not be decoded: {error}"
            ),
            CallErrorKind::Credentials(e) => write!(f, "no credentials: {e}"),
            CallErrorKind::Sign { error } => {
                write!(f, "the request could not be signed: {error}")
            }
            CallErrorKind::Rejected {
                status,
                message,
                request_id,
            } => write!(
                f,
                "the service reported status {}: {message} (request id {})",
                status.as_deref().unwrap_or("(none)"),
                request_id.as_deref().unwrap_or("none")
            ),
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = if self.attempts == 1 {
            "1 attempt".to_owned()
        } else {
            format!("{} attempts", self.attempts)
        };
        write!(
            f,
            "{} failed after {attempts} in {:.1?}: {}",
            self.action, self.elapsed, self.kind
        )?;
        match self.stopped {
            StopReason::NotRetryable => Ok(()),
            StopReason::UnsafeToRetry => write!(
                f,
                " (not retried: the service may have applied it; check the task before trying again)"
            ),
            StopReason::AttemptsExhausted => write!(f, " (no attempts left)"),
            StopReason::DeadlineReached => write!(f, " (the call's deadline was reached)"),
        }
    }
}

impl std::error::Error for CallError {
    /// The typed cause of the last failure; `None` for a business failure (`Rejected`), which
    /// has no cause below the call.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CallErrorKind::Api(e) | CallErrorKind::SignatureMismatch { error: e, .. } => {
                Some(e.as_ref())
            }
            CallErrorKind::Transport(e) => Some(e),
            CallErrorKind::Malformed { error, .. } => Some(error.as_ref()),
            CallErrorKind::Credentials(e) => Some(e),
            CallErrorKind::Sign { error } => Some(error),
            CallErrorKind::Rejected { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use dataworks_wire::ErrorCode;

    use super::*;
    use crate::transport::TransportErrorKind;

    pub(crate) fn failed(kind: CallErrorKind) -> CallError {
        CallError {
            action: "GetDISyncTask",
            attempts: 2,
            elapsed: Duration::from_millis(300),
            stopped: StopReason::AttemptsExhausted,
            kind,
        }
    }

    #[test]
    fn the_transport_cause_is_the_source() {
        let cause = TransportError::new(TransportErrorKind::Timeout, "read timed out");
        let error = failed(CallErrorKind::Transport(cause.clone()));
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<TransportError>());
        assert_eq!(source, Some(&cause));
        // Display still tells the whole story on one line
        assert!(error.to_string().contains("no response in time"), "{error}");
    }

    #[test]
    fn the_service_error_is_the_source() {
        let api = ApiError::from_code(ErrorCode::ThrottlingUser).with_request_id("r-1");
        let error = failed(CallErrorKind::Api(Box::new(api.clone())));
        let source = error.source().and_then(|s| s.downcast_ref::<ApiError>());
        assert_eq!(source, Some(&api));
        assert_eq!(error.code(), Some("Throttling.User"));
    }

    #[test]
    fn the_wire_error_of_an_undecodable_answer_is_the_source() {
        let wire = WireError::MissingData {
            action: "GetDISyncTask",
            request_id: Some("r-2".into()),
        };
        let error = failed(CallErrorKind::Malformed {
            http_status: 200,
            error: Box::new(wire.clone()),
        });
        let source = error.source().and_then(|s| s.downcast_ref::<WireError>());
        assert_eq!(source, Some(&wire));
    }

    #[test]
    fn credentials_and_signing_causes_are_the_source() {
        let credentials = dataworks_credentials::CredentialsError::config("env", "no key id");
        let error = failed(CallErrorKind::Credentials(credentials.clone()));
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<dataworks_credentials::CredentialsError>());
        assert_eq!(source, Some(&credentials));

        let sign = SignError::EmptyField { field: "action" };
        let error = failed(CallErrorKind::Sign {
            error: sign.clone(),
        });
        let source = error.source().and_then(|s| s.downcast_ref::<SignError>());
        assert_eq!(source, Some(&sign));
    }

    #[test]
    fn a_business_failure_has_no_cause_below_the_call() {
        let error = failed(CallErrorKind::Rejected {
            status: Some("fail".into()),
            message: "bad".into(),
            request_id: None,
        });
        assert!(error.source().is_none());
    }
}
