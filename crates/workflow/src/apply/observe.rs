//! The live tasks as the planner's observed state.

use std::collections::BTreeSet;

use dataworks_project::{Desired, ObservedTask, RunState};
use dataworks_wire::InstanceStatus;
use futures::{StreamExt, TryStreamExt, stream};

use crate::client::Client;
use crate::discovery::TaskFile;
use crate::error::CallError;
use crate::lifecycle::{LiveTask, is_running};

/// A live task as the planner sees it: starting (`WAIT`) counts as running, so it is not
/// started twice.
pub fn observed_task(live: LiveTask) -> ObservedTask {
    let running = is_running(&live.status) || live.status == InstanceStatus::Wait;
    ObservedTask {
        file_id: live.file.file_id,
        name: live.file.name,
        folder: live.file.folder,
        task_type: live.file.task_type,
        content: live.content,
        deployed: live.deployed,
        run_state: if running {
            RunState::Running
        } else {
            RunState::Stopped
        },
    }
}

/// Reads the live state of `files` (`concurrency` at a time, through the client's shared rate
/// limiter), in the order given.
pub async fn observe_files(
    client: &Client,
    project_id: i64,
    files: &[TaskFile],
    concurrency: usize,
) -> Result<Vec<ObservedTask>, CallError> {
    stream::iter(files)
        .map(|file| async move { client.read_live(project_id, file).await.map(observed_task) })
        .buffered(concurrency.max(1))
        .try_collect()
        .await
}

/// Reads every task of the desired state's folders (the managed folders and the tasks'
/// folders): `ListFiles` per folder, then each task's live state, `concurrency` at a time.
/// A no-op plan reads nothing more than this.
pub async fn observe(
    client: &Client,
    desired: &Desired,
    concurrency: usize,
) -> Result<Vec<ObservedTask>, CallError> {
    let project_id = desired.target.workspace;
    let folders: BTreeSet<&str> = desired
        .folders
        .iter()
        .map(String::as_str)
        .chain(desired.tasks.iter().map(|t| t.folder.as_str()))
        .collect();
    let mut files = Vec::new();
    for folder in folders {
        files.extend(client.list_tasks(project_id, folder).await?);
    }
    observe_files(client, project_id, &files, concurrency).await
}
