//! Progress of a workflow: which stage it is in, the process id, how many polls, how long.
//!
//! Observed through a callback ([`crate::Workflow::on_progress`]) or a
//! `tokio::sync::watch` channel ([`crate::Workflow::progress_channel`]), so a caller (the
//! CLI's progress line) can show where a long wait stands.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

/// A stage of the create/update workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Stage {
    /// Validating the input offline.
    Validate,
    /// Calling `GenerateDISyncTaskConfigFor*`.
    Generate,
    /// Polling `QueryDISyncTaskConfigProcessResult`.
    Poll,
    /// Calling `CreateDISyncTask` / `UpdateDISyncTask`.
    Apply,
    /// Reading the task (`GetDISyncTask`), for a plan.
    Read,
    /// Finished successfully.
    Done,
}

impl Stage {
    /// The lower-case name (`generate`, `poll`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Validate => "validate",
            Stage::Generate => "generate",
            Stage::Poll => "poll",
            Stage::Apply => "apply",
            Stage::Read => "read",
            Stage::Done => "done",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One observation of a running workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The current stage.
    pub stage: Stage,
    /// The generation process, once known.
    pub process_id: Option<i64>,
    /// Polls made so far.
    pub polls: u32,
    /// Time since the workflow started.
    #[serde(with = "duration_ms")]
    pub elapsed: Duration,
    /// The last process status seen (`success`, `fail`, or whatever the service says while
    /// it is running), when polling.
    pub status: Option<String>,
}

impl Progress {
    /// The first observation of a workflow.
    pub fn start() -> Progress {
        Progress {
            stage: Stage::Validate,
            process_id: None,
            polls: 0,
            elapsed: Duration::ZERO,
            status: None,
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::start()
    }
}

/// A progress callback.
pub(crate) type ProgressSink = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Serialises a `Duration` as whole milliseconds (`elapsed_ms` style values in JSON output).
pub(crate) mod duration_ms {
    use std::time::Duration;

    /// Serialises as milliseconds.
    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}
