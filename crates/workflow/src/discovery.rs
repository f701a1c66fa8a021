//! Finding tasks by folder and name: a task's identity in a workspace is (folder, name), and
//! its `FileId` is looked up with `ListFiles` (2020-05-18), so no state file is needed.
//!
//! `ListFiles` is asked for the DI file types only ([`DI_FILE_TYPES`]), 100 files a page
//! (the service's maximum), every page, with the absolute folder path so that "exactly this
//! folder" can be checked whatever the service's folder filter matches.

use dataworks_wire::TaskType;

/// The file type of a batch sync task (`DI_OFFLINE`).
pub const FILE_TYPE_BATCH: i64 = 23;
/// The file type of a real-time sync task (`DI_REALTIME`).
pub const FILE_TYPE_REALTIME: i64 = 900;
/// The file types `ListFiles` is asked for (`FileTypes`).
pub const DI_FILE_TYPES: &str = "23,900";
/// The largest page `ListFiles` gives.
pub const PAGE_SIZE: i64 = 100;

/// A DI task as a file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFile {
    /// The file id (the `FileId` of the DI operations).
    pub file_id: i64,
    /// The task's name (`FileName`).
    pub name: String,
    /// The folder the task is in (`AbsoluteFolderPath`, or the folder asked for).
    pub folder: String,
    /// The task type its file type stands for.
    pub task_type: TaskType,
    /// The file type (`FileType`: 23 batch, 900 real-time).
    pub file_type: i64,
    /// Whether the latest version is committed, i.e. deployed (`CommitStatus == 1`).
    pub committed: bool,
}

/// The task type of a DI file type, `None` for any other file.
pub fn task_type_of(file_type: i64) -> Option<TaskType> {
    match file_type {
        FILE_TYPE_BATCH => Some(TaskType::DiOffline),
        FILE_TYPE_REALTIME => Some(TaskType::DiRealtime),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_types() {
        assert_eq!(task_type_of(900), Some(TaskType::DiRealtime));
        assert_eq!(task_type_of(23), Some(TaskType::DiOffline));
        assert_eq!(task_type_of(10), None);
    }
}
