//! `plan`, the dry run of an update: read the task's current content, compute what the update
//! would make of it with the taskparam crate, and diff the two, without applying anything.

use dataworks_taskparam::{
    ContentDiff, DocumentKind, TaskContent, UpdateTaskParam, diff, diff_documents,
};
use dataworks_wire::{GetDISyncTask, GetDISyncTaskData, TaskType};
use serde::Serialize;
use serde_json::Value;

use crate::input::Purpose;
use crate::progress::Stage;
use crate::workflow::{UpdateRequest, Workflow};
use crate::workflow_error::WorkflowError;

/// What an update would change.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct UpdatePlan {
    /// The workspace.
    pub project_id: i64,
    /// The task type (wire name).
    pub task_type: String,
    /// The task.
    pub file_id: i64,
    /// The task's content now.
    pub current: Value,
    /// The content after the update (for DI_REALTIME / DI_SOLUTION, as the service would
    /// generate it: the selection replaced, mapping rules added and dropped).
    pub proposed: Value,
    /// The change: tables added and removed, mapping rules changed, other changes.
    pub diff: ContentDiff,
}

impl UpdatePlan {
    /// Whether the update would change nothing.
    pub fn is_empty(&self) -> bool {
        self.diff.is_empty()
    }

    /// The plan for people: the task, then the diff one change per line.
    pub fn to_text(&self) -> String {
        format!(
            "plan for {} task {} in project {}:\n{}",
            self.task_type,
            self.file_id,
            self.project_id,
            self.diff.to_text()
        )
    }
}

impl Workflow {
    /// The dry run of [`Workflow::update`]: validates the input offline, reads the task
    /// (`GetDISyncTask`) and returns the current content, the proposed content and their diff.
    /// Nothing is changed.
    pub async fn plan(&self, request: &UpdateRequest) -> Result<UpdatePlan, WorkflowError> {
        let mut run = self.run();
        run.emit(Stage::Validate);
        let param = request
            .param
            .validated(Purpose::Update, request.task_type)?;
        run.emit(Stage::Read);
        let answer = self
            .client()
            .call(&GetDISyncTask::new(
                request.project_id,
                request.task_type,
                request.file_id,
            ))
            .await
            .map_err(|source| WorkflowError::Read {
                file_id: request.file_id,
                source: Box::new(source),
            })?;
        let data = answer.data.unwrap_or_default();
        let current_text = current_content(&data, request.task_type).ok_or_else(|| {
            WorkflowError::Plan(format!(
                "task {} has no content in the GetDISyncTask answer (request id {})",
                request.file_id,
                answer.request_id.as_deref().unwrap_or("none")
            ))
        })?;
        let current: Value = serde_json::from_str(&current_text).map_err(|e| {
            WorkflowError::Plan(format!(
                "the task's current content is not JSON ({e}); nothing to compare with"
            ))
        })?;
        let (proposed, change) = if request.task_type == TaskType::DiOffline {
            let proposed: Value = serde_json::from_str(&param)
                .map_err(|e| WorkflowError::InvalidInput(format!("not JSON: {e}")))?;
            let change = diff_documents(&current, &proposed, DocumentKind::BatchJob);
            (proposed, change)
        } else {
            let content = TaskContent::from_value(current.clone()).map_err(|e| {
                WorkflowError::Plan(format!(
                    "the task's current content is not a TaskContent: {e}"
                ))
            })?;
            let update = UpdateTaskParam::from_json(&param)
                .map_err(|e| WorkflowError::InvalidInput(e.to_string()))?;
            let next = content
                .apply_update(&update)
                .map_err(|e| WorkflowError::Plan(e.to_string()))?;
            let change = diff(&content, &next);
            (next.to_value(), change)
        };
        run.emit(Stage::Done);
        Ok(UpdatePlan {
            project_id: request.project_id,
            task_type: request.task_type.to_string(),
            file_id: request.file_id,
            current,
            proposed,
            diff: change,
        })
    }
}

/// The task's content in a GetDISyncTask answer: `Code`, or for a solution the real-time
/// content inside `SolutionDetail.ProcessContent` with its `extend` (mode, resource group)
/// put back (or that whole document).
pub(crate) fn current_content(data: &GetDISyncTaskData, task_type: TaskType) -> Option<String> {
    if let Some(code) = data.code.as_deref().filter(|c| !c.trim().is_empty()) {
        return Some(code.to_owned());
    }
    if task_type != TaskType::DiSolution {
        return None;
    }
    let process = data.solution_detail.as_ref()?.process_content.as_deref()?;
    let value: Value = serde_json::from_str(process).ok()?;
    let Some(mut inner) = value.pointer("/realtimeSyncConfig/content").cloned() else {
        return Some(process.to_owned());
    };
    if let (Some(map), Some(extend)) = (
        inner.as_object_mut(),
        value.pointer("/realtimeSyncConfig/extend"),
    ) {
        map.entry("extend").or_insert_with(|| extend.clone());
    }
    Some(inner.to_string())
}
