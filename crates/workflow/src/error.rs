//! The error of one client call: what failed, after how many attempts, and why the client
//! stopped trying.

use std::fmt;
use std::time::Duration;

use dataworks_wire::ApiError;

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
        /// What is wrong with it.
        detail: String,
    },
    /// No credentials could be provided for the attempt.
    Credentials(dataworks_credentials::CredentialsError),
    /// The request could not be signed.
    Sign {
        /// Why.
        detail: String,
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
            CallErrorKind::Malformed {
                http_status,
                detail,
            } => write!(
                f,
                "the answer (HTTP {http_status}) could not be decoded: {detail}"
            ),
            CallErrorKind::Credentials(e) => write!(f, "no credentials: {e}"),
            CallErrorKind::Sign { detail } => {
                write!(f, "the request could not be signed: {detail}")
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

impl std::error::Error for CallError {}
