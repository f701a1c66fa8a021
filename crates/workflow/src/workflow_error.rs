//! The error of a workflow: which stage failed, with the service's code, message and
//! request id when the service answered.

use std::fmt;
use std::time::Duration;

use dataworks_taskparam::{DocumentKind, Problem, describe_problems};

use crate::error::CallError;
use crate::progress::Stage;

/// A failed create, update, plan or resume.
///
/// `Display` tells the whole story on one line (stage, call, cause); `source()` is the failed
/// [`CallError`] when a call failed (whose own `source()` is the transport, service or decoding
/// cause).
#[derive(Debug)]
#[non_exhaustive]
pub enum WorkflowError {
    /// The input failed offline validation; nothing was sent.
    Validation {
        /// The kind it was checked as.
        kind: DocumentKind,
        /// Every error found.
        problems: Vec<Problem>,
    },
    /// The input does not fit the operation (wrong document kind, missing field...).
    InvalidInput(String),
    /// `GenerateDISyncTaskConfigFor*` failed.
    Generate {
        /// The call's error.
        source: Box<CallError>,
    },
    /// Polling the process failed (not the process itself).
    Poll {
        /// The process.
        process_id: i64,
        /// Polls made.
        polls: u32,
        /// The call's error.
        source: Box<CallError>,
    },
    /// The generation process ended with `fail`.
    ProcessFailed {
        /// The process.
        process_id: i64,
        /// The service's message.
        message: String,
        /// The request id of the answer that said `fail`.
        request_id: Option<String>,
        /// Polls made.
        polls: u32,
    },
    /// The overall wait limit was reached while the process was still running.
    Timeout {
        /// The process, to resume from.
        process_id: i64,
        /// Polls made.
        polls: u32,
        /// Time spent waiting.
        elapsed: Duration,
        /// The last status the service reported.
        last_status: Option<String>,
    },
    /// `CreateDISyncTask` / `UpdateDISyncTask` failed.
    Apply {
        /// The action.
        action: &'static str,
        /// The call's error.
        source: Box<CallError>,
    },
    /// Reading the task (`GetDISyncTask`) for a plan failed.
    Read {
        /// The task.
        file_id: i64,
        /// The call's error.
        source: Box<CallError>,
    },
    /// The task's current content could not be used to compute a plan.
    Plan(String),
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkflowError::Validation { kind, problems } => write!(
                f,
                "the {kind} document is invalid ({} problem(s)); nothing was sent:\n{}",
                problems.len(),
                describe_problems(problems)
            ),
            WorkflowError::InvalidInput(what) => write!(f, "invalid input: {what}"),
            WorkflowError::Generate { source } => write!(f, "stage generate: {source}"),
            WorkflowError::Poll {
                process_id,
                polls,
                source,
            } => write!(
                f,
                "stage poll (process {process_id}, after {polls} poll(s)): {source}"
            ),
            WorkflowError::ProcessFailed {
                process_id,
                message,
                request_id,
                polls,
            } => write!(
                f,
                "stage poll: process {process_id} failed after {polls} poll(s): {message} (request id {})",
                request_id.as_deref().unwrap_or("none")
            ),
            WorkflowError::Timeout {
                process_id,
                polls,
                elapsed,
                last_status,
            } => write!(
                f,
                "stage poll: gave up waiting for process {process_id} after {polls} poll(s) in {elapsed:.1?} (last status: {}); it may still finish: resume with the process id {process_id}",
                last_status.as_deref().unwrap_or("none")
            ),
            WorkflowError::Apply { action, source } => {
                write!(f, "stage apply ({action}): {source}")
            }
            WorkflowError::Read { file_id, source } => {
                write!(f, "stage read (task {file_id}): {source}")
            }
            WorkflowError::Plan(what) => write!(f, "stage plan: {what}"),
        }
    }
}

impl std::error::Error for WorkflowError {
    /// The failed [`CallError`] (not its box), when a call failed.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.call_error()
            .map(|call| call as &(dyn std::error::Error + 'static))
    }
}

impl WorkflowError {
    /// The stage that failed.
    pub fn stage(&self) -> Stage {
        match self {
            WorkflowError::Validation { .. } | WorkflowError::InvalidInput(_) => Stage::Validate,
            WorkflowError::Generate { .. } => Stage::Generate,
            WorkflowError::Poll { .. }
            | WorkflowError::ProcessFailed { .. }
            | WorkflowError::Timeout { .. } => Stage::Poll,
            WorkflowError::Apply { .. } => Stage::Apply,
            WorkflowError::Read { .. } | WorkflowError::Plan(_) => Stage::Read,
        }
    }

    /// The underlying call error, when a call failed.
    pub fn call_error(&self) -> Option<&CallError> {
        match self {
            WorkflowError::Generate { source }
            | WorkflowError::Poll { source, .. }
            | WorkflowError::Apply { source, .. }
            | WorkflowError::Read { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }

    /// The service's error code, when it answered one.
    pub fn code(&self) -> Option<&str> {
        self.call_error().and_then(CallError::code)
    }

    /// The service's message (or the process's failure message).
    pub fn message(&self) -> Option<&str> {
        match self {
            WorkflowError::ProcessFailed { message, .. } => Some(message),
            _ => self.call_error().and_then(CallError::message),
        }
    }

    /// The request id of the service's answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            WorkflowError::ProcessFailed { request_id, .. } => request_id.as_deref(),
            _ => self.call_error().and_then(CallError::request_id),
        }
    }

    /// The process id involved, if any (to resume from).
    pub fn process_id(&self) -> Option<i64> {
        match self {
            WorkflowError::Poll { process_id, .. }
            | WorkflowError::ProcessFailed { process_id, .. }
            | WorkflowError::Timeout { process_id, .. } => Some(*process_id),
            _ => None,
        }
    }

    /// Whether the failure was found offline, before anything was sent.
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            WorkflowError::Validation { .. } | WorkflowError::InvalidInput(_)
        )
    }

    /// Whether the workflow gave up waiting.
    pub fn is_timeout(&self) -> bool {
        matches!(self, WorkflowError::Timeout { .. })
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::*;
    use crate::error::{CallErrorKind, StopReason};
    use crate::transport::{TransportError, TransportErrorKind};

    fn call_error() -> CallError {
        CallError {
            action: "GenerateDISyncTaskConfigForCreating",
            attempts: 1,
            elapsed: Duration::ZERO,
            stopped: StopReason::UnsafeToRetry,
            kind: CallErrorKind::Transport(TransportError::new(
                TransportErrorKind::Interrupted,
                "connection reset",
            )),
        }
    }

    #[test]
    fn a_failed_call_is_the_source_and_its_cause_follows() {
        let call = call_error();
        let errors = [
            WorkflowError::Generate {
                source: Box::new(call.clone()),
            },
            WorkflowError::Poll {
                process_id: 7,
                polls: 3,
                source: Box::new(call.clone()),
            },
            WorkflowError::Apply {
                action: "CreateDISyncTask",
                source: Box::new(call.clone()),
            },
            WorkflowError::Read {
                file_id: 9,
                source: Box::new(call.clone()),
            },
        ];
        for error in errors {
            let source = error.source().expect("a source");
            assert_eq!(source.downcast_ref::<CallError>(), Some(&call), "{error}");
            let below = source.source().expect("the call's cause");
            assert_eq!(
                below.downcast_ref::<TransportError>().map(|e| e.kind),
                Some(TransportErrorKind::Interrupted)
            );
            assert_eq!(error.call_error(), Some(&call));
        }
    }

    #[test]
    fn offline_failures_have_no_source() {
        let error = WorkflowError::InvalidInput("the task name is empty".into());
        assert!(error.source().is_none());
        let timeout = WorkflowError::Timeout {
            process_id: 1,
            polls: 2,
            elapsed: Duration::from_secs(600),
            last_status: None,
        };
        assert!(timeout.source().is_none());
    }
}
