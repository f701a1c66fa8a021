//! What a workflow takes: a typed document from the taskparam crate or JSON text, checked
//! offline against the kind the operation needs before anything is sent.

use dataworks_taskparam::{
    BatchJob, DocumentKind, RealtimeTaskParam, UpdateTaskParam, validate_str,
};
use dataworks_wire::TaskType;

use crate::workflow_error::WorkflowError;

/// The document a create or update is made from.
#[derive(Debug, Clone)]
pub enum TaskParamInput {
    /// JSON text (read from a file, say); its kind is the one the operation needs.
    Json(String),
    /// A real-time create `TaskParam` (DI_REALTIME / DI_SOLUTION create).
    Realtime(Box<RealtimeTaskParam>),
    /// An update `TaskParam` (DI_REALTIME / DI_SOLUTION update).
    Update(Box<UpdateTaskParam>),
    /// A batch job script (DI_OFFLINE create and update).
    Batch(Box<BatchJob>),
}

impl From<RealtimeTaskParam> for TaskParamInput {
    fn from(p: RealtimeTaskParam) -> Self {
        TaskParamInput::Realtime(Box::new(p))
    }
}

impl From<UpdateTaskParam> for TaskParamInput {
    fn from(p: UpdateTaskParam) -> Self {
        TaskParamInput::Update(Box::new(p))
    }
}

impl From<BatchJob> for TaskParamInput {
    fn from(p: BatchJob) -> Self {
        TaskParamInput::Batch(Box::new(p))
    }
}

impl From<String> for TaskParamInput {
    fn from(text: String) -> Self {
        TaskParamInput::Json(text)
    }
}

impl From<&str> for TaskParamInput {
    fn from(text: &str) -> Self {
        TaskParamInput::Json(text.to_owned())
    }
}

/// Whether a workflow creates or updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A new task.
    Create,
    /// A change to an existing task.
    Update,
}

/// The document kind an operation of `purpose` on a `task_type` task takes.
pub(crate) fn expected_kind(purpose: Purpose, task_type: TaskType) -> DocumentKind {
    match (task_type, purpose) {
        (TaskType::DiOffline, _) => DocumentKind::BatchJob,
        (_, Purpose::Create) => DocumentKind::RealtimeTaskParam,
        (_, Purpose::Update) => DocumentKind::UpdateTaskParam,
    }
}

impl TaskParamInput {
    /// The kind of a typed input (`None` for JSON text).
    pub fn kind(&self) -> Option<DocumentKind> {
        match self {
            TaskParamInput::Json(_) => None,
            TaskParamInput::Realtime(_) => Some(DocumentKind::RealtimeTaskParam),
            TaskParamInput::Update(_) => Some(DocumentKind::UpdateTaskParam),
            TaskParamInput::Batch(_) => Some(DocumentKind::BatchJob),
        }
    }

    /// The JSON text that is sent.
    pub fn to_json(&self) -> String {
        match self {
            TaskParamInput::Json(text) => text.clone(),
            TaskParamInput::Realtime(p) => p.to_json(),
            TaskParamInput::Update(p) => p.to_json(),
            TaskParamInput::Batch(p) => p.to_json(),
        }
    }

    /// Checks the input against the kind `purpose` on `task_type` needs, offline, and
    /// returns the JSON text to send. Every problem is reported at once.
    pub(crate) fn validated(
        &self,
        purpose: Purpose,
        task_type: TaskType,
    ) -> Result<String, WorkflowError> {
        let expected = expected_kind(purpose, task_type);
        if let Some(kind) = self.kind()
            && kind != expected
        {
            return Err(WorkflowError::InvalidInput(format!(
                "a {task_type} {} takes a {expected} document, not a {kind}",
                match purpose {
                    Purpose::Create => "create",
                    Purpose::Update => "update",
                }
            )));
        }
        let text = self.to_json();
        let report = validate_str(&text, Some(expected));
        for warning in &report.warnings {
            tracing::warn!(pointer = %warning.pointer, rule = %warning.rule, "{}", warning.message);
        }
        if report.is_valid() {
            Ok(text)
        } else {
            Err(WorkflowError::Validation {
                kind: expected,
                problems: report.errors,
            })
        }
    }
}
