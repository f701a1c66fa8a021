//! GenerateDISyncTaskConfigForCreating / ForUpdating and QueryDISyncTaskConfigProcessResult.

use dataworks_wire::{
    ErrorCode, GenerateDISyncTaskConfigForCreating, GenerateDISyncTaskConfigForUpdating,
    QueryDISyncTaskConfigProcessResult,
};
use serde_json::{Value, json};

use super::{Ctx, invalid_file_id, require_project};
use crate::content;
use crate::error::ServiceError;
use crate::store::{self, NewProcess, ProcessKind, ProcessState};

/// The message of a process failed by fault injection.
pub(crate) const INJECTED_PROCESS_FAILURE: &str =
    "The configuration could not be generated (emulator fault injection: process_fail_rate).";

fn require_async_type(task_type: &str, action: &str) -> Result<(), ServiceError> {
    if task_type == "DI_REALTIME" || task_type == "DI_SOLUTION" {
        Ok(())
    } else {
        Err(ServiceError::invalid_parameter(format!(
            "{action} supports TaskType DI_REALTIME and DI_SOLUTION, not {task_type}; \
             batch (DI_OFFLINE) tasks are created and updated directly with CreateDISyncTask / UpdateDISyncTask."
        )))
    }
}

fn start_process(
    ctx: &Ctx<'_>,
    project_id: i64,
    task_type: &str,
    kind: ProcessKind,
    task_id: Option<i64>,
    task_param: &str,
    outcome: Result<String, String>,
) -> Result<Value, ServiceError> {
    let outcome = if ctx.fail_process {
        Err(INJECTED_PROCESS_FAILURE.to_string())
    } else {
        outcome
    };
    let (status, message, content) = match outcome {
        Ok(content) => (ProcessState::Success, None, Some(content)),
        Err(message) => (ProcessState::Fail, Some(message), None),
    };
    let process_id = store::insert_process(
        ctx.tx,
        &NewProcess {
            project_id,
            task_type: task_type.to_string(),
            kind,
            task_id,
            task_param: task_param.to_string(),
            created_at_ms: ctx.now_ms,
            ready_at_ms: ctx.now_ms.saturating_add(ctx.delay_ms),
            outcome_status: status,
            outcome_message: message,
            outcome_content: content,
        },
    )?;
    Ok(json!({ "ProcessId": process_id, "Status": "success" }))
}

/// Starts a create process: validates the TaskParam and synthesises the full TaskContent.
pub(crate) fn for_creating(
    ctx: &Ctx<'_>,
    r: &GenerateDISyncTaskConfigForCreating,
) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    require_async_type(task_type, "GenerateDISyncTaskConfigForCreating")?;
    let outcome = content::generate_for_create(&r.task_param);
    start_process(
        ctx,
        r.project_id,
        task_type,
        ProcessKind::Create,
        None,
        &r.task_param,
        outcome,
    )
}

/// Starts an update process: applies the TaskParam's table selection to the task's content.
pub(crate) fn for_updating(
    ctx: &Ctx<'_>,
    r: &GenerateDISyncTaskConfigForUpdating,
) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    require_async_type(task_type, "GenerateDISyncTaskConfigForUpdating")?;
    let task = store::get_task(ctx.tx, r.task_id)?
        .filter(|t| t.project_id == r.project_id && t.task_type == task_type);
    let outcome = match task {
        None => Err(invalid_file_id(r.task_id)),
        Some(task) => content::generate_for_update(&task.content, &r.task_param),
    };
    start_process(
        ctx,
        r.project_id,
        task_type,
        ProcessKind::Update,
        Some(r.task_id),
        &r.task_param,
        outcome,
    )
}

/// The state of a process: `running` until the processing delay has passed, then `success`
/// with the TaskContent or `fail` with the message.
pub(crate) fn query(
    ctx: &Ctx<'_>,
    r: &QueryDISyncTaskConfigProcessResult,
) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let process = store::get_process(ctx.tx, r.async_process_id)?
        .filter(|p| p.project_id == r.project_id)
        .ok_or_else(|| {
            ServiceError::new(
                ErrorCode::ParamInvalid,
                format!(
                    "AsyncProcessId:[{}] is invalid: no such process in workspace {}.",
                    r.async_process_id, r.project_id
                ),
            )
        })?;
    Ok(match process.state_at(ctx.now_ms) {
        ProcessState::Running => json!({
            "Status": ProcessState::Running.as_str(),
            "Message": "The configuration is still being generated; query again later.",
        }),
        ProcessState::Success => json!({
            "Status": ProcessState::Success.as_str(),
            "TaskContent": process.task_content,
        }),
        ProcessState::Fail => json!({
            "Status": ProcessState::Fail.as_str(),
            "Message": process.message,
        }),
    })
}
