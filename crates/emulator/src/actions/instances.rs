//! DeployDISyncTask, Start/Stop/TerminateDISyncInstance, GetDISyncInstanceInfo.

use dataworks_taskparam::validate_start_param_str;
use dataworks_wire::{
    DeployDISyncTask, GetDISyncInstanceInfo, StartDISyncInstance, StopDISyncInstance, TaskType,
    TerminateDISyncInstance,
};
use serde_json::{Value, json};

use super::tasks::instance_state;
use super::{Ctx, ok_status, require_project, require_task};
use crate::content;
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

/// Checks a start's `StartParam` (no store needed; `actions::precheck` runs it): for a
/// real-time task the rules of taskparam's `validate_start_param_str`, every error in the
/// message; a solution ignores it, but it must still be a JSON object.
pub(crate) fn check_start_param(r: &StartDISyncInstance) -> Result<(), ServiceError> {
    let Some(param) = &r.start_param else {
        return Ok(());
    };
    if r.task_type != TaskType::DiRealtime {
        return match serde_json::from_str::<Value>(param) {
            Ok(Value::Object(_)) => Ok(()),
            _ => Err(ServiceError::invalid_parameter(
                "StartParam must be a JSON object (a solution ignores its content).",
            )),
        };
    }
    let report = validate_start_param_str(param);
    if report.is_valid() {
        return Ok(());
    }
    Err(ServiceError::invalid_parameter(content::problems_message(
        "StartParam",
        &report,
    )))
}

/// Starts the instance (the `StartParam` was checked by `actions::precheck`) and records the
/// `StartParam` of a real-time task.
pub(crate) fn start(ctx: &Ctx<'_>, r: &StartDISyncInstance) -> Result<Value, ServiceError> {
    let data = apply(
        ctx,
        r.project_id,
        r.task_type.as_str(),
        r.file_id,
        InstanceAction::Start,
    )?;
    if r.task_type == TaskType::DiRealtime {
        store::set_start_param(ctx.tx, r.file_id, r.start_param.as_deref())?;
    }
    Ok(data)
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

#[cfg(test)]
mod tests {
    use super::*;
    use dataworks_wire::ErrorCode;

    fn start(task_type: TaskType, param: &str) -> StartDISyncInstance {
        StartDISyncInstance::new(10000, task_type, 1).start_param(param.to_string())
    }

    #[test]
    fn a_solution_ignores_the_rules_but_needs_an_object() {
        let odd = r#"{"ddlMarkMap":{"ADDCOLUMN":"APPLY"}}"#;
        assert!(check_start_param(&start(TaskType::DiSolution, odd)).is_ok());
        assert!(check_start_param(&start(TaskType::DiRealtime, odd)).is_err());
        let err = check_start_param(&start(TaskType::DiSolution, "7")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidDiParameter);
    }

    #[test]
    fn at_most_five_problems_are_spelled_out() {
        let marks: Vec<String> = (0..8).map(|i| format!("\"K{i}\":\"X\"")).collect();
        let param = format!("{{\"ddlMarkMap\":{{{}}}}}", marks.join(","));
        let err = check_start_param(&start(TaskType::DiRealtime, &param)).unwrap_err();
        assert_eq!(
            err.message.matches("start.ddl-mark").count(),
            5,
            "{}",
            err.message
        );
        assert!(err.message.ends_with("and 3 more"), "{}", err.message);
    }
}
