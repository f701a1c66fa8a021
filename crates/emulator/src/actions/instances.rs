//! DeployDISyncTask, Start/Stop/TerminateDISyncInstance, GetDISyncInstanceInfo.

use dataworks_wire::{
    DeployDISyncTask, GetDISyncInstanceInfo, StartDISyncInstance, StopDISyncInstance,
    TerminateDISyncInstance,
};
use serde_json::{Value, json};

use super::tasks::instance_state;
use super::{Ctx, ok_status, require_project, require_task};
use crate::error::ServiceError;
use crate::instance::{InstanceAction, transition};
use crate::store::{self, InstanceUpdate};

fn apply(
    ctx: &Ctx<'_>,
    project_id: i64,
    task_type: &str,
    file_id: i64,
    action: InstanceAction,
) -> Result<Value, ServiceError> {
    require_project(ctx, project_id)?;
    let task = require_task(ctx, project_id, task_type, file_id)?;
    let current = instance_state(&task).resolved(ctx.now_ms);
    let next = transition(
        task_type,
        &current,
        task.version,
        action,
        ctx.now_ms,
        ctx.delay_ms,
    )
    .map_err(ServiceError::invalid_parameter)?;
    store::set_instance(
        ctx.tx,
        file_id,
        &InstanceUpdate {
            deployed_version: next.deployed_version,
            status: next.status,
            target: next.target,
            ready_at_ms: next.ready_at_ms,
            now_ms: ctx.now_ms,
        },
    )?;
    Ok(ok_status())
}

/// Deploys the task's current version.
pub(crate) fn deploy(ctx: &Ctx<'_>, r: &DeployDISyncTask) -> Result<Value, ServiceError> {
    apply(
        ctx,
        r.project_id,
        r.task_type.as_str(),
        r.file_id,
        InstanceAction::Deploy,
    )
}

/// Starts the instance; `StartParam`, when given, must be a JSON object.
pub(crate) fn start(ctx: &Ctx<'_>, r: &StartDISyncInstance) -> Result<Value, ServiceError> {
    if let Some(param) = &r.start_param {
        match serde_json::from_str::<Value>(param) {
            Ok(Value::Object(_)) => {}
            _ => {
                return Err(ServiceError::invalid_parameter(
                    "StartParam must be a JSON object, e.g. {\"startOffset\":\"1671516776\"}.",
                ));
            }
        }
    }
    apply(
        ctx,
        r.project_id,
        r.task_type.as_str(),
        r.file_id,
        InstanceAction::Start,
    )
}

/// Stops (pauses) the instance.
pub(crate) fn stop(ctx: &Ctx<'_>, r: &StopDISyncInstance) -> Result<Value, ServiceError> {
    apply(
        ctx,
        r.project_id,
        r.task_type.as_str(),
        r.file_id,
        InstanceAction::Stop,
    )
}

/// Terminates the instance.
pub(crate) fn terminate(ctx: &Ctx<'_>, r: &TerminateDISyncInstance) -> Result<Value, ServiceError> {
    apply(
        ctx,
        r.project_id,
        r.task_type.as_str(),
        r.file_id,
        InstanceAction::Terminate,
    )
}

/// The instance's status (and a `SolutionInfo` for a solution).
pub(crate) fn info(ctx: &Ctx<'_>, r: &GetDISyncInstanceInfo) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    let task = require_task(ctx, r.project_id, task_type, r.file_id)?;
    let state = instance_state(&task).resolved(ctx.now_ms);
    match task_type {
        "DI_REALTIME" => Ok(json!({ "Name": task.name, "Status": state.status })),
        "DI_SOLUTION" => Ok(json!({
            "Name": task.name,
            "Status": state.status,
            "SolutionInfo": {
                "Id": task.file_id,
                "CreatorName": "emulator",
                "Status": state.status,
                "StepDetail": [{
                    "StepId": 1,
                    "StepName": "realtime sync",
                    "Status": state.status,
                    "Info": "",
                }],
            },
        })),
        other => Err(ServiceError::invalid_parameter(format!(
            "GetDISyncInstanceInfo is not supported for {other} tasks; only DI_REALTIME and DI_SOLUTION have instances."
        ))),
    }
}
