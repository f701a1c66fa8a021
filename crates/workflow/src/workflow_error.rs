//! The error of a workflow: which stage failed, with the service's code, message and
//! request id when the service answered.

use std::time::Duration;

use dataworks_taskparam::{DocumentKind, Problem, describe_problems};

use crate::error::CallError;
use crate::progress::Stage;

/// A failed create, update, plan or resume.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// The input failed offline validation; nothing was sent.
    #[error("the {kind} document is invalid ({} problem(s)); nothing was sent:\n{}", problems.len(), describe_problems(problems))]
    Validation {
        /// The kind it was checked as.
        kind: DocumentKind,
        /// Every error found.
        problems: Vec<Problem>,
    },
    /// The input does not fit the operation (wrong document kind, missing field...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// `GenerateDISyncTaskConfigFor*` failed.
    #[error("stage generate: {source}")]
    Generate {
        /// The call's error.
        source: Box<CallError>,
    },
    /// Polling the process failed (not the process itself).
    #[error("stage poll (process {process_id}, after {polls} poll(s)): {source}")]
    Poll {
        /// The process.
        process_id: i64,
        /// Polls made.
        polls: u32,
        /// The call's error.
        source: Box<CallError>,
    },
    /// The generation process ended with `fail`.
    #[error("stage poll: process {process_id} failed after {polls} poll(s): {message} (request id {})", request_id.as_deref().unwrap_or("none"))]
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
    #[error(
        "stage poll: gave up waiting for process {process_id} after {polls} poll(s) in {elapsed:.1?} (last status: {}); it may still finish: resume with the process id {process_id}",
        last_status.as_deref().unwrap_or("none")
    )]
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
    #[error("stage apply ({action}): {source}")]
    Apply {
        /// The action.
        action: &'static str,
        /// The call's error.
        source: Box<CallError>,
    },
    /// Reading the task (`GetDISyncTask`) for a plan failed.
    #[error("stage read (task {file_id}): {source}")]
    Read {
        /// The task.
        file_id: i64,
        /// The call's error.
        source: Box<CallError>,
    },
    /// The task's current content could not be used to compute a plan.
    #[error("stage plan: {0}")]
    Plan(String),
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
