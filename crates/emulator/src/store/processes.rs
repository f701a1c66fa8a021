//! Generation processes (GenerateDISyncTaskConfigFor*): the outcome is decided when the
//! process is created and becomes visible once `ready_at_ms` has passed.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{StoreContext, StoreError};

/// Which Generate call started a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessKind {
    /// GenerateDISyncTaskConfigForCreating.
    Create,
    /// GenerateDISyncTaskConfigForUpdating.
    Update,
}

impl ProcessKind {
    /// The stored name (`create` / `update`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
        }
    }

    fn parse(text: &str) -> Self {
        if text == "update" {
            Self::Update
        } else {
            Self::Create
        }
    }
}

/// The state of a process as `QueryDISyncTaskConfigProcessResult` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessState {
    /// Still within the processing delay (`Data.Status = "running"`).
    Running,
    /// Done; `TaskContent` is available.
    Success,
    /// Done; `Message` says why it failed.
    Fail,
}

impl ProcessState {
    /// The wire value of `Data.Status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Success => "success",
            Self::Fail => "fail",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "success" => Self::Success,
            "running" => Self::Running,
            _ => Self::Fail,
        }
    }
}

/// A stored process, as tests see it through [`crate::Inspector`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessRecord {
    /// The ProcessId (`AsyncProcessId` of the query call).
    pub process_id: i64,
    /// The workspace.
    pub project_id: i64,
    /// The TaskType of the Generate call (wire name).
    pub task_type: String,
    /// Create or update.
    pub kind: ProcessKind,
    /// For an update: the FileId (`TaskId`) it was asked for.
    pub task_id: Option<i64>,
    /// The TaskParam as received.
    pub task_param: String,
    /// When (unix ms) the process was created.
    pub created_at_ms: i64,
    /// When (unix ms) it is complete (creation + processing delay).
    pub ready_at_ms: i64,
    /// The final state (success or fail) decided at creation.
    pub outcome: ProcessState,
    /// The failure message, when it fails.
    pub message: Option<String>,
    /// The generated TaskContent, when it succeeds.
    pub task_content: Option<String>,
}

impl ProcessRecord {
    /// The state at `now_ms`: running until `ready_at_ms`, then the outcome.
    pub fn state_at(&self, now_ms: i64) -> ProcessState {
        if now_ms < self.ready_at_ms {
            ProcessState::Running
        } else {
            self.outcome
        }
    }
}

/// What a Generate call stores.
#[derive(Debug, Clone)]
pub(crate) struct NewProcess {
    pub project_id: i64,
    pub task_type: String,
    pub kind: ProcessKind,
    pub task_id: Option<i64>,
    pub task_param: String,
    pub created_at_ms: i64,
    pub ready_at_ms: i64,
    pub outcome_status: ProcessState,
    pub outcome_message: Option<String>,
    pub outcome_content: Option<String>,
}

const COLUMNS: &str = "process_id, project_id, task_type, kind, task_id, task_param, \
    created_at_ms, ready_at_ms, outcome_status, outcome_message, outcome_content";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ProcessRecord> {
    let kind: String = row.get(3)?;
    let outcome: String = row.get(8)?;
    Ok(ProcessRecord {
        process_id: row.get(0)?,
        project_id: row.get(1)?,
        task_type: row.get(2)?,
        kind: ProcessKind::parse(&kind),
        task_id: row.get(4)?,
        task_param: row.get(5)?,
        created_at_ms: row.get(6)?,
        ready_at_ms: row.get(7)?,
        outcome: ProcessState::parse(&outcome),
        message: row.get(9)?,
        task_content: row.get(10)?,
    })
}

/// Inserts a process and returns its ProcessId.
pub(crate) fn insert_process(conn: &Connection, p: &NewProcess) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO processes (project_id, task_type, kind, task_id, task_param, created_at_ms, \
         ready_at_ms, outcome_status, outcome_message, outcome_content) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            p.project_id,
            p.task_type,
            p.kind.as_str(),
            p.task_id,
            p.task_param,
            p.created_at_ms,
            p.ready_at_ms,
            p.outcome_status.as_str(),
            p.outcome_message,
            p.outcome_content
        ],
    )
    .ctx("inserting a process")?;
    Ok(conn.last_insert_rowid())
}

/// The process with this id.
pub(crate) fn get_process(
    conn: &Connection,
    process_id: i64,
) -> Result<Option<ProcessRecord>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM processes WHERE process_id = ?1"),
        [process_id],
        from_row,
    )
    .optional()
    .ctx("reading a process")
}

/// Every process, by id.
pub(crate) fn list_processes(conn: &Connection) -> Result<Vec<ProcessRecord>, StoreError> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM processes ORDER BY process_id"
        ))
        .ctx("listing processes")?;
    let rows = stmt.query_map([], from_row).ctx("listing processes")?;
    rows.collect::<Result<Vec<_>, _>>().ctx("listing processes")
}
