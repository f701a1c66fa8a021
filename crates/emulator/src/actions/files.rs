//! ListFiles and GetFile: the emulator's sync tasks seen as DataStudio files.
//!
//! Every stored task is a file: `FileType` from [`dataworks_wire::file_type`] (23 batch, 900
//! real-time, 901 solution), `Content` its TaskContent, `CommitStatus` 1 when the current
//! version is deployed, `NodeId` (= the FileId) once deployed. The emulator has one account,
//! [`EMULATOR_ACCOUNT`], that owns and edits every file, and every file is of `UseType`
//! `NORMAL` (docs/emulator.md).

use dataworks_wire::{ErrorCode, GetFile, ListFiles, TaskType, file_type};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Ctx, require_project};
use crate::error::ServiceError;
use crate::store::{self, FileFilter, TaskRecord};

/// The account id the emulator reports as `Owner`, `CreateUser` and `LastEditUser` of every
/// file.
pub const EMULATOR_ACCOUNT: &str = "1000000000000000";

/// ListFiles' default page size.
pub(crate) const DEFAULT_PAGE_SIZE: i64 = 10;
/// ListFiles' largest page size.
pub(crate) const MAX_PAGE_SIZE: i64 = 100;
/// The most ids `FileIdIn` may name.
pub(crate) const MAX_FILE_ID_IN: usize = 50;

/// `InvalidParameter` (400) naming the parameter.
fn invalid(name: &str, message: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(
        ErrorCode::InvalidParameter,
        format!("The specified parameter \"{name}\" is not valid: {message}"),
    )
}

/// The workspace of a file operation: `ProjectId`; `ProjectIdentifier` alone is refused (the
/// emulator's workspaces have ids, no names).
fn project(ctx: &Ctx<'_>, id: Option<i64>, identifier: Option<&str>) -> Result<i64, ServiceError> {
    match (id, identifier) {
        (Some(id), _) => {
            require_project(ctx, id)?;
            Ok(id)
        }
        (None, Some(name)) => Err(invalid(
            "ProjectIdentifier",
            format!(
                "the emulator knows its workspaces by ProjectId only (got the name {name:?}); send ProjectId."
            ),
        )),
        (None, None) => Err(ServiceError::new(
            ErrorCode::MissingParameter,
            "The input parameter \"ProjectId\" that is mandatory for processing this request is not supplied (or give ProjectIdentifier).",
        )),
    }
}

/// A comma-separated list of integers (`FileTypes`, `FileIdIn`); blanks around items and empty
/// items are allowed.
fn integer_list(name: &str, text: &str) -> Result<Vec<i64>, ServiceError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<i64>().map_err(|_| {
                invalid(
                    name,
                    format!(
                        "{item:?} is not an integer; give a comma-separated list such as 23,900."
                    ),
                )
            })
        })
        .collect()
}

/// Lists the tasks of a workspace as files, filtered and paged.
pub(crate) fn list(ctx: &Ctx<'_>, r: &ListFiles) -> Result<Value, ServiceError> {
    let project_id = project(ctx, r.project_id, r.project_identifier.as_deref())?;
    let page_number = r.page_number.unwrap_or(1);
    if page_number < 1 {
        return Err(invalid(
            "PageNumber",
            format!("{page_number}; pages start at 1."),
        ));
    }
    let page_size = r.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(invalid(
            "PageSize",
            format!("{page_size}; give 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."),
        ));
    }
    let task_types = match &r.file_types {
        Some(text) => Some(
            integer_list("FileTypes", text)?
                .into_iter()
                .filter_map(file_type::task_type)
                .map(|t| t.as_str().to_string())
                .collect::<Vec<_>>(),
        ),
        None => None,
    };
    let file_ids = match &r.file_id_in {
        Some(text) => {
            let ids = integer_list("FileIdIn", text)?;
            if ids.len() > MAX_FILE_ID_IN {
                return Err(invalid(
                    "FileIdIn",
                    format!("{} ids; give at most {MAX_FILE_ID_IN}.", ids.len()),
                ));
            }
            Some(ids)
        }
        None => None,
    };
    let page = |files: Vec<Value>, total: i64| json!({ "PageNumber": page_number, "PageSize": page_size, "TotalCount": total, "Files": files });
    // Filters on what every emulator file has in common: one owner, one module.
    let common_mismatch = [r.owner.as_deref(), r.last_edit_user.as_deref()]
        .into_iter()
        .flatten()
        .any(|user| user != EMULATOR_ACCOUNT)
        || r.use_type.as_deref().is_some_and(|u| u != "NORMAL");
    if common_mismatch {
        return Ok(page(Vec::new(), 0));
    }
    let filter = FileFilter {
        project_id,
        exact_name: r.exact_file_name.clone(),
        folder: r.file_folder_path.clone(),
        keyword: r.keyword.clone(),
        task_types,
        file_ids,
        node_id: r.node_id,
    };
    let need_content = r.need_content.unwrap_or(false);
    let offset = (page_number - 1).saturating_mul(page_size);
    let (tasks, total) = store::list_task_page(ctx.tx, &filter, offset, page_size, need_content)?;
    let with_path = r.need_absolute_folder_path.unwrap_or(false);
    let files = tasks
        .iter()
        .map(|task| {
            let mut file = file_json(task);
            if with_path {
                file["AbsoluteFolderPath"] = json!(task.folder);
            }
            if !need_content && let Some(map) = file.as_object_mut() {
                map.remove("Content");
            }
            file
        })
        .collect();
    Ok(page(files, total))
}

/// Returns one task as a file, with its content, and its node's configuration.
pub(crate) fn get(ctx: &Ctx<'_>, r: &GetFile) -> Result<Value, ServiceError> {
    let project_id = project(ctx, r.project_id, r.project_identifier.as_deref())?;
    let (file_id, by_node) = match (r.file_id, r.node_id) {
        (Some(id), _) => (id, false),
        (None, Some(node)) => (node, true),
        (None, None) => {
            return Err(ServiceError::new(
                ErrorCode::MissingParameter,
                "The input parameter \"FileId\" that is mandatory for processing this request is not supplied (or give NodeId).",
            ));
        }
    };
    let task = store::get_task(ctx.tx, file_id)?
        .filter(|t| t.project_id == project_id)
        .filter(|t| !by_node || t.deployed_version.is_some())
        .ok_or_else(|| {
            let what = if by_node { "NodeId" } else { "FileId" };
            invalid(
                what,
                format!("{file_id} is no file of workspace {project_id} (see ListFiles)."),
            )
        })?;
    let mut file = file_json(&task);
    file["DeletedStatus"] = json!("NORMAL");
    Ok(json!({
        "File": file,
        "NodeConfiguration": { "SchedulerType": "NORMAL", "Stop": false },
    }))
}

/// The `File` object of a task (with `Content` as stored in the record).
fn file_json(task: &TaskRecord) -> Value {
    let task_type = TaskType::from_wire(&task.task_type);
    let committed = task.deployed_version == Some(task.version);
    let mut file = json!({
        "FileId": task.file_id,
        "FileName": task.name,
        "FileType": task_type.map(file_type::of),
        "FileFolderId": folder_id(task.project_id, &task.folder),
        "Content": task.content,
        "CommitStatus": i64::from(committed),
        "CurrentVersion": task.version,
        "Owner": EMULATOR_ACCOUNT,
        "CreateUser": EMULATOR_ACCOUNT,
        "LastEditUser": EMULATOR_ACCOUNT,
        "CreateTime": task.created_at_ms,
        "LastEditTime": task.updated_at_ms,
        "UseType": "NORMAL",
        "ParentId": -1,
        "AutoParsing": false,
    });
    if task.deployed_version.is_some() {
        file["NodeId"] = json!(task.file_id);
    }
    file
}

/// A stable id for a folder: 16 hex digits of SHA-256 over the workspace and the path.
fn folder_id(project_id: i64, folder: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(project_id.to_be_bytes());
    hasher.update(folder.as_bytes());
    hex::encode(hasher.finalize()).chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn integer_lists_allow_blanks_and_refuse_words() {
        assert_eq!(
            integer_list("FileTypes", "23, 900,,").unwrap(),
            vec![23, 900]
        );
        assert_eq!(integer_list("FileTypes", "").unwrap(), Vec::<i64>::new());
        let err = integer_list("FileTypes", "23,sync").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidParameter);
        assert!(
            err.message.contains("FileTypes") && err.message.contains("sync"),
            "{}",
            err.message
        );
    }

    #[test]
    fn folder_ids_are_stable_and_distinct() {
        assert_eq!(folder_id(1, "a/b"), folder_id(1, "a/b"));
        assert_ne!(folder_id(1, "a/b"), folder_id(1, "a/c"));
        assert_ne!(folder_id(1, "a/b"), folder_id(2, "a/b"));
        assert_eq!(folder_id(1, "").len(), 16);
    }

    proptest! {
        /// Any list of integers, written with any blanks, reads back as itself.
        #[test]
        fn integer_lists_round_trip(ids in prop::collection::vec(any::<i64>(), 0..20), pad in " {0,2}") {
            let text = ids.iter().map(|i| format!("{pad}{i}{pad}")).collect::<Vec<_>>().join(",");
            prop_assert_eq!(integer_list("FileIdIn", &text).unwrap(), ids);
        }
    }
}
