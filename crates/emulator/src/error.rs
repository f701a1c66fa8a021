//! The emulator's two kinds of error: why it could not start or read its state
//! ([`EmulatorError`]), and what the emulated service answers instead of `Data`
//! ([`ServiceError`]).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the emulator could not start, stop or read its state.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listening socket could not be bound.
    #[error(
        "cannot listen on {addr}: {source} (is another process using the port? use port 0 for any free port)"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The data directory could not be created or used.
    #[error(
        "cannot use the data directory {path}: {source} (check that it exists and is writable)"
    )]
    DataDir {
        /// The directory given with `--data-dir` / [`crate::EmulatorBuilder::data_dir`].
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The SQLite store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The configuration is not usable.
    #[error("invalid emulator configuration: {detail}")]
    Config {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// The server task ended abnormally.
    #[error("the emulator's server task failed: {detail}")]
    Server {
        /// What went wrong.
        detail: String,
    },
}

/// A failure of the SQLite store.
#[derive(Debug, thiserror::Error)]
#[error("emulator store: {what}: {source}")]
pub struct StoreError {
    /// What the store was doing.
    pub what: &'static str,
    /// SQLite's error.
    #[source]
    pub source: rusqlite::Error,
}

impl StoreError {
    /// Wraps a SQLite error with what the store was doing.
    pub fn new(what: &'static str, source: rusqlite::Error) -> Self {
        Self { what, source }
    }
}

/// Adds the "what was the store doing" context to a SQLite result.
pub(crate) trait StoreContext<T> {
    /// Wraps the error with `what`.
    fn ctx(self, what: &'static str) -> Result<T, StoreError>;
}

impl<T> StoreContext<T> for Result<T, rusqlite::Error> {
    fn ctx(self, what: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::new(what, source))
    }
}

/// What the emulated service answers instead of a success: the error body's `Code` and
/// `Message`, its HTTP status, and for throttling the `x-acs-retry-after` hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} (HTTP {http_status}): {message}")]
pub struct ServiceError {
    /// The service's error code, e.g. `Invalid.DI.Parameter`.
    pub code: String,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// A message that says what is wrong.
    pub message: String,
    /// For throttling: the `x-acs-retry-after` header (milliseconds).
    pub retry_after_ms: Option<u64>,
}

/// The code for an idempotency token reused with other parameters (decision: ECS's name).
pub const IDEMPOTENT_PARAMETER_MISMATCH: &str = "IdempotentParameterMismatch";

impl ServiceError {
    /// An error with this code, status and message.
    pub fn new(code: impl Into<String>, http_status: u16, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            http_status,
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// `Invalid.DI.Parameter` (400): a parameter the DI service refuses.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("Invalid.DI.Parameter", 400, message)
    }

    /// `Invalid.DI.Parameter.File.Existed` (400): the task name is taken in that folder.
    pub fn file_existed(message: impl Into<String>) -> Self {
        Self::new("Invalid.DI.Parameter.File.Existed", 400, message)
    }

    /// `InternalError.System` (500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("InternalError.System", 500, message)
    }

    /// `Throttling.User` (429) with a retry-after hint in milliseconds.
    pub fn throttled(retry_after_ms: u64) -> Self {
        let code = dataworks_wire::ErrorCode::ThrottlingUser;
        Self {
            retry_after_ms: Some(retry_after_ms),
            ..Self::new(
                code.as_str(),
                code.http_status(),
                "Request was denied due to user flow control (emulator fault injection).",
            )
        }
    }

    /// `IdempotentParameterMismatch` (400): a `ClientToken` reused with other parameters.
    pub fn idempotent_mismatch(action: &str, token: &str) -> Self {
        Self::new(
            IDEMPOTENT_PARAMETER_MISMATCH,
            400,
            format!(
                "The ClientToken {token:?} was already used for a {action} call with other parameters; \
                 use a new ClientToken for a different request."
            ),
        )
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "emulator store failure");
        Self::internal(format!("The emulator's store failed: {err}"))
    }
}
