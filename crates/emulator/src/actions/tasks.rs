//! CreateDISyncTask, UpdateDISyncTask, GetDISyncTask, DeleteDISyncTask.

use dataworks_wire::{CreateDISyncTask, DeleteDISyncTask, GetDISyncTask, UpdateDISyncTask};
use serde_json::{Value, json};

use super::{Ctx, ok_status, require_project, require_task};
use crate::content;
use crate::error::ServiceError;
use crate::instance::InstanceState;
use crate::store::{self, NewTask};

/// Creates a task; a duplicate name in the folder is `Invalid.DI.Parameter.File.Existed`.
pub(crate) fn create(ctx: &Ctx<'_>, r: &CreateDISyncTask) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    let name = r
        .task_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ServiceError::invalid_parameter(
                "TaskName is required to create a sync task (the node's name in its folder).",
            )
        })?;
    // The content was validated by `actions::precheck`, outside the store's lock.
    let meta = match &r.task_param {
        Some(p) => content::task_meta(p).map_err(ServiceError::invalid_parameter)?,
        None => content::TaskMetaInfo::default(),
    };
    let folder = meta.folder.clone().unwrap_or_default();
    if let Some(existing) = store::find_task_by_name(ctx.tx, r.project_id, &folder, name)? {
        return Err(ServiceError::file_existed(format!(
            "A task named {name:?} already exists in folder {folder:?} (fileId:[{}]); \
             choose another TaskName or FileFolderPath.",
            existing.file_id
        )));
    }
    let resource_group = meta
        .resource_group
        .or_else(|| content::content_resource_group(&r.task_content));
    let file_id = store::insert_task(
        ctx.tx,
        &NewTask {
            project_id: r.project_id,
            task_type: task_type.to_string(),
            name: name.to_string(),
            folder,
            resource_group,
            task_param: r.task_param.clone(),
            content: r.task_content.clone(),
            now_ms: ctx.now_ms,
        },
    )?;
    Ok(json!({ "FileId": file_id, "Status": "success" }))
}

/// Updates a task's content and/or metadata. Not idempotent (the API has no ClientToken).
pub(crate) fn update(ctx: &Ctx<'_>, r: &UpdateDISyncTask) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    let mut task = require_task(ctx, r.project_id, task_type, r.file_id)?;
    let mut changed = false;
    if let Some(content) = &r.task_content {
        // Validated by `actions::precheck`, outside the store's lock.
        if *content != task.content {
            task.content = content.clone();
            changed = true;
        }
    }
    if let Some(param) = &r.task_param {
        let meta = content::task_meta(param).map_err(ServiceError::invalid_parameter)?;
        if meta.resource_group.is_some() && meta.resource_group != task.resource_group {
            task.resource_group = meta.resource_group;
            changed = true;
        }
        task.task_param = Some(param.clone());
    }
    if changed {
        task.version = task.version.saturating_add(1);
    }
    task.update_count = task.update_count.saturating_add(1);
    task.updated_at_ms = ctx.now_ms;
    store::update_task(ctx.tx, &task)?;
    Ok(ok_status())
}

/// Returns a task: `Code` = the content for DI_REALTIME / DI_OFFLINE, a `SolutionDetail` for
/// DI_SOLUTION.
pub(crate) fn get(ctx: &Ctx<'_>, r: &GetDISyncTask) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task_type = r.task_type.as_str();
    let task = require_task(ctx, r.project_id, task_type, r.file_id)?;
    if task_type == "DI_SOLUTION" {
        let state = instance_state(&task).resolved(ctx.now_ms);
        let status = solution_status_code(&state.status);
        Ok(json!({
            "Status": "success",
            "SolutionDetail": content::solution_detail(
                task.file_id, task.project_id, &task.name, &task.content, status, task.created_at_ms),
        }))
    } else {
        let mut data = json!({ "Status": "success", "Code": task.content });
        if task_type == "DI_REALTIME" {
            data["AlarmList"] = json!([]);
        }
        Ok(data)
    }
}

/// `SolutionDetail.Status` ("0".."9" in the API; decision: 0 = not run, 1 = running,
/// 2 = success, 3 = fail).
fn solution_status_code(status: &str) -> &'static str {
    match status {
        "running" => "1",
        "success" => "2",
        "fail" => "3",
        _ => "0",
    }
}

/// Deletes a task; a running instance must be stopped first.
pub(crate) fn delete(ctx: &Ctx<'_>, r: &DeleteDISyncTask) -> Result<Value, ServiceError> {
    require_project(ctx, r.project_id)?;
    let task = require_task(ctx, r.project_id, r.task_type.as_str(), r.file_id)?;
    let state = instance_state(&task).resolved(ctx.now_ms);
    if matches!(state.status.as_str(), "RUN" | "WAIT" | "running") {
        return Err(ServiceError::invalid_parameter(format!(
            "fileId:[{}] has a running instance ({}); stop or terminate it before deleting the task.",
            task.file_id, state.status
        )));
    }
    store::delete_task(ctx.tx, task.file_id)?;
    Ok(ok_status())
}

/// The instance columns of a task.
pub(crate) fn instance_state(task: &store::TaskRecord) -> InstanceState {
    InstanceState {
        status: task.instance_status.clone(),
        target: task.instance_target.clone(),
        ready_at_ms: task.instance_ready_at_ms,
        deployed_version: task.deployed_version,
    }
}
