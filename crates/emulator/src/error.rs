//! The emulator's two kinds of error: why it could not start or read its state
//! ([`EmulatorError`], public), and what the emulated service answers instead of `Data`
//! ([`ServiceError`], internal: its code always comes from the wire crate's catalogue).

use std::net::SocketAddr;
use std::path::PathBuf;

use dataworks_wire::ErrorCode;

/// Why the emulator could not start, stop or read its state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A fault rate is not a probability.
    #[error("invalid emulator configuration: {source}")]
    Faults {
        /// Which rate, and its value.
        #[from]
        source: crate::faults::FaultsError,
    },
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
#[non_exhaustive]
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
    pub(crate) fn new(what: &'static str, source: rusqlite::Error) -> Self {
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

/// What the emulated service answers instead of a success: a code of the wire crate's
/// catalogue ([`ErrorCode`], which also gives the HTTP status), a message that says what is
/// wrong, and for throttling the `x-acs-retry-after` hint.
///
/// Every answer's code comes from the catalogue: the constructors take an [`ErrorCode`], so a
/// code the client does not know cannot be answered by accident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} (HTTP {}): {message}", code.as_str(), code.http_status())]
#[non_exhaustive]
pub(crate) struct ServiceError {
    /// The service's error code, e.g. [`ErrorCode::InvalidDiParameter`].
    pub code: ErrorCode,
    /// A message that says what is wrong.
    pub message: String,
    /// For throttling: the `x-acs-retry-after` header (milliseconds).
    pub retry_after_ms: Option<u64>,
}

impl ServiceError {
    /// An error with this code (and the catalogue's HTTP status) and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// The same error with an `x-acs-retry-after` hint (milliseconds).
    pub fn with_retry_after_ms(mut self, retry_after_ms: u64) -> Self {
        self.retry_after_ms = Some(retry_after_ms);
        self
    }

    /// The HTTP status of the answer (the catalogue's).
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// `Invalid.DI.Parameter` (400): a parameter the DI service refuses.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidDiParameter, message)
    }

    /// `Invalid.DI.Parameter.File.Existed` (400): the task name is taken in that folder.
    pub fn file_existed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidDiParameterFileExisted, message)
    }

    /// `InternalError.System` (500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalErrorSystem, message)
    }

    /// `Throttling.User` (429) with a retry-after hint in milliseconds.
    pub fn throttled(retry_after_ms: u64) -> Self {
        Self::new(
            ErrorCode::ThrottlingUser,
            "Request was denied due to user flow control (emulator fault injection).",
        )
        .with_retry_after_ms(retry_after_ms)
    }

    /// `IdempotentParameterMismatch` (400): a `ClientToken` reused with other parameters.
    pub fn idempotent_mismatch(action: &str, token: &str) -> Self {
        Self::new(
            ErrorCode::IdempotentParameterMismatch,
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The emulator's sources, test modules left out.
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                out.push((path.display().to_string(), code.to_string()));
            }
        }
    }

    /// A [`ServiceError`] takes an [`ErrorCode`]; this keeps the way around it closed: no
    /// source names an uncatalogued code, and only the signer's codes (tested exhaustively
    /// in `auth`) are looked up by text.
    #[test]
    fn every_answered_code_is_a_catalogue_entry() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 10, "the sources were not found");
        for (path, code) in &files {
            assert!(
                !code.contains("ErrorCode::Other"),
                "{path} answers an uncatalogued code"
            );
            if !path.ends_with("auth.rs") {
                assert!(
                    !code.contains("ErrorCode::from_code"),
                    "{path} looks a code up by text"
                );
            }
        }
    }

    #[test]
    fn the_status_is_the_catalogues() {
        let err = ServiceError::throttled(250);
        assert_eq!((err.http_status(), err.retry_after_ms), (429, Some(250)));
        assert_eq!(
            ServiceError::idempotent_mismatch("A", "t").http_status(),
            400
        );
        assert_eq!(
            err.to_string(),
            "Throttling.User (HTTP 429): Request was denied due to user flow control (emulator fault injection)."
        );
    }
}
