//! Finding tasks by folder and name: a task's identity in a workspace is (folder, name), and
//! its `FileId` is looked up with `ListFiles` (2020-05-18), so no state file is needed.
//!
//! `ListFiles` is asked for the sync file types only ([`file_type::ALL_SYNC`]), 100 files a
//! page (the service's maximum), every page, with the absolute folder path, so that "exactly
//! this folder" is checked here whatever the service's folder filter matches (a folder's
//! subfolders are not its tasks). Folders compare without leading or trailing `/`.
//!
//! Whether a task's latest version is deployed is ListFiles' `CommitStatus` (1: committed,
//! which for a DI task is what `DeployDISyncTask` does), kept in [`TaskFile::committed`] so
//! that reading a task's live state costs no extra request (see [`crate::lifecycle`]).

use dataworks_wire::{File, ListFiles, file_type};

use crate::client::Client;
use crate::error::CallError;

/// The largest page `ListFiles` gives.
pub(crate) const PAGE_SIZE: i64 = 100;
/// The most pages read for one listing (a million files): a guard against a service that
/// never says it is done.
pub(crate) const MAX_PAGES: i64 = 10_000;

/// A sync task as a file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFile {
    /// The file id (the `FileId` of the DI operations).
    pub file_id: i64,
    /// The task's name (`FileName`).
    pub name: String,
    /// The folder the task is in (`AbsoluteFolderPath`, or the folder asked for).
    pub folder: String,
    /// The task type its file type stands for.
    pub task_type: dataworks_wire::TaskType,
    /// The file type (`FileType`: 23 batch, 900 real-time, 901 solution).
    pub file_type: i64,
    /// Whether the latest version is committed, i.e. deployed (`CommitStatus == 1`).
    pub committed: bool,
}

/// What to list.
#[derive(Debug, Clone, Copy, Default)]
struct Filter<'a> {
    folder: Option<&'a str>,
    name: Option<&'a str>,
    file_id: Option<i64>,
}

/// A folder path without leading or trailing `/` and surrounding spaces.
pub fn normalize_folder(folder: &str) -> &str {
    folder.trim().trim_matches('/')
}

impl TaskFile {
    /// The task a listed file is, `None` for a file that is no sync task or lacks its id or name.
    pub fn from_file(file: &File, folder_asked: Option<&str>) -> Option<TaskFile> {
        let code = file.file_type?;
        let task_type = file_type::task_type(code)?;
        let folder = file
            .absolute_folder_path
            .as_deref()
            .or(folder_asked)
            .map(normalize_folder)
            .unwrap_or_default();
        Some(TaskFile {
            file_id: file.file_id?,
            name: file.file_name.clone()?,
            folder: folder.to_owned(),
            task_type,
            file_type: code,
            committed: file.commit_status == Some(1),
        })
    }
}

impl Client {
    /// Every sync task (real-time, batch, solution) whose folder is exactly `folder`, all
    /// pages, in the service's order.
    pub async fn list_tasks(
        &self,
        project_id: i64,
        folder: &str,
    ) -> Result<Vec<TaskFile>, CallError> {
        self.list_sync_files(
            project_id,
            Filter {
                folder: Some(folder),
                ..Filter::default()
            },
        )
        .await
    }

    /// Every sync task of the workspace, whatever its folder, all pages.
    pub async fn list_all_tasks(&self, project_id: i64) -> Result<Vec<TaskFile>, CallError> {
        self.list_sync_files(project_id, Filter::default()).await
    }

    /// The task named exactly `name` (in `folder` when given); `None` when there is none.
    /// With no folder and the name in several folders, the first listed; use
    /// [`Client::find_tasks`] to see them all.
    pub async fn find_task(
        &self,
        project_id: i64,
        folder: Option<&str>,
        name: &str,
    ) -> Result<Option<TaskFile>, CallError> {
        Ok(self
            .find_tasks(project_id, folder, name)
            .await?
            .into_iter()
            .next())
    }

    /// Every task named exactly `name` (in `folder` when given).
    pub async fn find_tasks(
        &self,
        project_id: i64,
        folder: Option<&str>,
        name: &str,
    ) -> Result<Vec<TaskFile>, CallError> {
        self.list_sync_files(
            project_id,
            Filter {
                folder,
                name: Some(name),
                ..Filter::default()
            },
        )
        .await
    }

    /// The sync task with this file id (its name, folder, type and whether it is deployed);
    /// `None` when there is none.
    pub async fn task_by_id(
        &self,
        project_id: i64,
        file_id: i64,
    ) -> Result<Option<TaskFile>, CallError> {
        Ok(self
            .list_sync_files(
                project_id,
                Filter {
                    file_id: Some(file_id),
                    ..Filter::default()
                },
            )
            .await?
            .into_iter()
            .next())
    }

    async fn list_sync_files(
        &self,
        project_id: i64,
        filter: Filter<'_>,
    ) -> Result<Vec<TaskFile>, CallError> {
        let folder = filter.folder.map(normalize_folder);
        let mut tasks = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut request = ListFiles::new()
                .project_id(project_id)
                .file_types(file_type::ALL_SYNC)
                .need_absolute_folder_path(true)
                .page_number(page)
                .page_size(PAGE_SIZE);
            request.exact_file_name = filter.name.map(str::to_owned);
            request.file_folder_path = folder.map(str::to_owned);
            request.file_id_in = filter.file_id.map(|id| id.to_string());
            let answer = self.call_checked(&request).await?;
            let data = answer.data.unwrap_or_default();
            let files = data.files.unwrap_or_default();
            let on_page = i64::try_from(files.len()).unwrap_or(i64::MAX);
            tasks.extend(
                files
                    .iter()
                    .filter_map(|f| TaskFile::from_file(f, folder))
                    .filter(|t| folder.is_none_or(|wanted| t.folder == wanted))
                    .filter(|t| filter.name.is_none_or(|wanted| t.name == wanted))
                    .filter(|t| filter.file_id.is_none_or(|wanted| t.file_id == wanted)),
            );
            let seen = (page - 1).saturating_mul(PAGE_SIZE).saturating_add(on_page);
            let done = match data.total_count {
                Some(total) => seen >= total || on_page == 0,
                None => on_page < PAGE_SIZE,
            };
            if done {
                break;
            }
        }
        Ok(tasks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataworks_wire::TaskType;

    fn file(id: i64, kind: i64, folder: Option<&str>) -> File {
        let mut file = File::default();
        file.file_id = Some(id);
        file.file_name = Some(format!("t{id}"));
        file.file_type = Some(kind);
        file.absolute_folder_path = folder.map(str::to_owned);
        file.commit_status = Some(1);
        file
    }

    #[test]
    fn files_become_tasks() {
        let t = TaskFile::from_file(&file(1, 900, Some("/a/b/")), None).unwrap();
        assert_eq!(
            (t.task_type, t.folder.as_str(), t.committed),
            (TaskType::DiRealtime, "a/b", true)
        );
        let t = TaskFile::from_file(&file(2, 23, None), Some("x")).unwrap();
        assert_eq!((t.task_type, t.folder.as_str()), (TaskType::DiOffline, "x"));
        assert!(TaskFile::from_file(&file(3, 10, None), None).is_none());
        let mut nameless = file(4, 900, None);
        nameless.file_name = None;
        assert!(TaskFile::from_file(&nameless, None).is_none());
    }
}
