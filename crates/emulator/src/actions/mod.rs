//! The fourteen operations, executed against the store in one transaction each, with
//! `ClientToken` idempotency around the three operations that take one.

pub(crate) mod files;
mod generate;
mod instances;
mod tasks;

use dataworks_wire::{AnyRequest, ErrorCode, Operation};
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::ServiceError;
use crate::store::{self, TaskRecord};

/// What an action needs besides its request.
pub(crate) struct Ctx<'a> {
    /// The open transaction.
    pub tx: &'a Connection,
    /// Now, unix ms.
    pub now_ms: i64,
    /// The processing delay, ms.
    pub delay_ms: i64,
    /// Fault injection: a process started now ends in `fail`.
    pub fail_process: bool,
}

/// Executes one request and returns its `Data`. Runs inside the caller's transaction.
pub(crate) fn execute(ctx: &Ctx<'_>, request: &AnyRequest) -> Result<Value, ServiceError> {
    match idempotency_key(request) {
        Some((action, token, hash)) => {
            if let Some(rec) = store::find_idempotency(ctx.tx, action, &token)? {
                if rec.params_hash == hash {
                    tracing::debug!(action, token = %token, "ClientToken repeat: first answer");
                    return serde_json::from_str(&rec.response_data).map_err(|e| {
                        ServiceError::internal(format!("stored idempotent answer unreadable: {e}"))
                    });
                }
                return Err(ServiceError::idempotent_mismatch(action, &token));
            }
            let data = run(ctx, request)?;
            store::put_idempotency(ctx.tx, action, &token, &hash, &data.to_string(), ctx.now_ms)?;
            Ok(data)
        }
        None => run(ctx, request),
    }
}

/// Checks what needs no store: the `TaskContent` of Create/UpdateDISyncTask, the `StartParam`
/// of StartDISyncInstance. The dispatcher
/// runs it before taking the store's only connection, so a large or hostile document is
/// refused without holding up every other request; the actions rely on it having run.
pub(crate) fn precheck(request: &AnyRequest) -> Result<(), ServiceError> {
    let checked = match request {
        AnyRequest::CreateDISyncTask(r) => {
            crate::content::check_content(r.task_type.as_str(), &r.task_content)
        }
        AnyRequest::UpdateDISyncTask(r) => match &r.task_content {
            Some(content) => crate::content::check_content(r.task_type.as_str(), content),
            None => Ok(()),
        },
        AnyRequest::StartDISyncInstance(r) => return instances::check_start_param(r),
        _ => Ok(()),
    };
    checked.map_err(ServiceError::invalid_parameter)
}

fn run(ctx: &Ctx<'_>, request: &AnyRequest) -> Result<Value, ServiceError> {
    match request {
        AnyRequest::GenerateDISyncTaskConfigForCreating(r) => generate::for_creating(ctx, r),
        AnyRequest::GenerateDISyncTaskConfigForUpdating(r) => generate::for_updating(ctx, r),
        AnyRequest::QueryDISyncTaskConfigProcessResult(r) => generate::query(ctx, r),
        AnyRequest::CreateDISyncTask(r) => tasks::create(ctx, r),
        AnyRequest::UpdateDISyncTask(r) => tasks::update(ctx, r),
        AnyRequest::GetDISyncTask(r) => tasks::get(ctx, r),
        AnyRequest::DeleteDISyncTask(r) => tasks::delete(ctx, r),
        AnyRequest::DeployDISyncTask(r) => instances::deploy(ctx, r),
        AnyRequest::StartDISyncInstance(r) => instances::start(ctx, r),
        AnyRequest::StopDISyncInstance(r) => instances::stop(ctx, r),
        AnyRequest::TerminateDISyncInstance(r) => instances::terminate(ctx, r),
        AnyRequest::GetDISyncInstanceInfo(r) => instances::info(ctx, r),
        AnyRequest::ListFiles(r) => files::list(ctx, r),
        AnyRequest::GetFile(r) => files::get(ctx, r),
        // An operation the wire crate added after this emulator: answered as an unknown action.
        other => {
            let unknown = dataworks_wire::ParamError::unknown_action(other.action());
            Err(ServiceError::new(
                unknown.service_code(),
                unknown.to_api_error().message,
            ))
        }
    }
}

/// (action, token, hash of the business parameters) for a request that carries a
/// `ClientToken`.
fn idempotency_key(request: &AnyRequest) -> Option<(&'static str, String, String)> {
    fn key<O: Operation>(op: &O) -> Option<(&'static str, String, String)> {
        let token = op.client_token()?.to_string();
        Some((O::ACTION, token, params_hash(op)))
    }
    match request {
        AnyRequest::GenerateDISyncTaskConfigForCreating(r) => key(r),
        AnyRequest::GenerateDISyncTaskConfigForUpdating(r) => key(r),
        AnyRequest::CreateDISyncTask(r) => key(r),
        _ => None,
    }
}

/// SHA-256 (hex) over the sorted business parameters (query and form), independent of the
/// signature algorithm and of the parameters' order on the wire.
pub(crate) fn params_hash<O: Operation>(op: &O) -> String {
    let mut params: Vec<(String, String, &str)> = op
        .query_params()
        .into_iter()
        .map(|(k, v)| (k, v, "q"))
        .chain(op.form_params().into_iter().map(|(k, v)| (k, v, "f")))
        .collect();
    params.sort();
    let mut hasher = Sha256::new();
    for (k, v, loc) in &params {
        for part in [loc.as_bytes(), k.as_bytes(), v.as_bytes()] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
    }
    hex::encode(hasher.finalize())
}

/// Fails unless the workspace exists.
pub(crate) fn require_project(ctx: &Ctx<'_>, project_id: i64) -> Result<(), ServiceError> {
    if store::project_exists(ctx.tx, project_id)? {
        return Ok(());
    }
    let known = store::list_projects(ctx.tx)?;
    Err(ServiceError::new(
        ErrorCode::ForbiddenDiNoPrivilege,
        format!(
            "ProjectId:[{project_id}] does not exist or you have no access to it; the emulator's \
             workspaces are {known:?} (add one with --project / EmulatorBuilder::project)."
        ),
    ))
}

/// The docs' message for an unknown task id.
pub(crate) fn invalid_file_id(file_id: i64) -> String {
    format!("fileId:[{file_id}] is invalid.")
}

/// The task `file_id` of workspace `project_id` and type `task_type`, or the error saying which
/// of those does not match.
pub(crate) fn require_task(
    ctx: &Ctx<'_>,
    project_id: i64,
    task_type: &str,
    file_id: i64,
) -> Result<TaskRecord, ServiceError> {
    let task = store::get_task(ctx.tx, file_id)?
        .filter(|t| t.project_id == project_id)
        .ok_or_else(|| ServiceError::invalid_parameter(invalid_file_id(file_id)))?;
    if task.task_type != task_type {
        return Err(ServiceError::invalid_parameter(format!(
            "fileId:[{file_id}] is a {} task, not {task_type}; call with TaskType={}.",
            task.task_type, task.task_type
        )));
    }
    Ok(task)
}

/// A `Data` with only `Status: "success"`.
pub(crate) fn ok_status() -> Value {
    serde_json::json!({ "Status": "success" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataworks_wire::{CreateDISyncTask, TaskType};
    use proptest::prelude::*;

    fn create(name: &str, content: &str, token: Option<&str>) -> CreateDISyncTask {
        let mut request =
            CreateDISyncTask::new(10000, TaskType::DiOffline, content).task_name(name);
        request.client_token = token.map(str::to_string);
        request
    }

    #[test]
    fn precheck_refuses_bad_content_before_the_store_and_passes_the_rest() {
        let bad = AnyRequest::CreateDISyncTask(create("t", "{\"type\":\"job\"", None));
        let err = precheck(&bad).unwrap_err();
        assert!(err.to_string().contains("TaskContent"), "{err}");
        let update = AnyRequest::UpdateDISyncTask(
            dataworks_wire::UpdateDISyncTask::new(10000, TaskType::DiOffline, 1)
                .task_content("[1,2"),
        );
        assert!(precheck(&update).is_err());
        let metadata_only = AnyRequest::UpdateDISyncTask(
            dataworks_wire::UpdateDISyncTask::new(10000, TaskType::DiOffline, 1).task_param("{}"),
        );
        assert!(precheck(&metadata_only).is_ok());
        let read = AnyRequest::GetDISyncTask(dataworks_wire::GetDISyncTask::new(
            10000,
            TaskType::DiOffline,
            1,
        ));
        assert!(precheck(&read).is_ok());
    }

    proptest! {
        /// Equal requests hash equal; a change of any business parameter changes the hash.
        #[test]
        fn params_hash_tracks_parameters(name in ".{0,30}", content in ".{0,60}", other in ".{0,60}") {
            let a = create(&name, &content, Some("t"));
            prop_assert_eq!(params_hash(&a), params_hash(&a.clone()));
            if other != content {
                prop_assert_ne!(params_hash(&a), params_hash(&create(&name, &other, Some("t"))));
            }
        }

        /// Moving text between parameters changes the hash (lengths are part of the input).
        #[test]
        fn params_hash_is_unambiguous(a in "[a-z]{0,10}", b in "[a-z]{1,10}") {
            let x = create(&format!("{a}{b}"), "", None);
            let y = create(&a, &b, None);
            prop_assert_ne!(params_hash(&x), params_hash(&y));
        }
    }
}
