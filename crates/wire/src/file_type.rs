//! The `FileType` codes of the Data Integration files (ListFiles / GetFile), and their
//! correspondence with [`TaskType`].
//!
//! 23 (Data Integration, batch) and 900 (real-time synchronization) are the service's documented
//! codes. The public material gives no code for a synchronization solution (24, the nearest
//! guess, is ODPS Script), so [`SYNC_SOLUTION`] is this toolkit's convention: the emulator lists
//! solutions with it, and against the service a solution may not be found by ListFiles (see
//! docs/DECISIONS.md).

use crate::TaskType;

/// `FileType` of a batch synchronization task (`DI_OFFLINE`): 23, "Data Integration".
pub const BATCH_SYNC: i64 = 23;

/// `FileType` of a real-time synchronization task (`DI_REALTIME`): 900.
pub const REALTIME_SYNC: i64 = 900;

/// `FileType` of a synchronization solution (`DI_SOLUTION`): 901, this toolkit's convention
/// (undocumented by the service).
pub const SYNC_SOLUTION: i64 = 901;

/// The `FileType` of a task of this type.
///
/// ```
/// use dataworks_wire::{TaskType, file_type};
///
/// assert_eq!(file_type::of(TaskType::DiRealtime), 900);
/// assert_eq!(file_type::task_type(23), Some(TaskType::DiOffline));
/// assert_eq!(file_type::task_type(10), None); // ODPS SQL: not a sync task
/// ```
pub const fn of(task_type: TaskType) -> i64 {
    match task_type {
        TaskType::DiOffline => BATCH_SYNC,
        TaskType::DiRealtime => REALTIME_SYNC,
        TaskType::DiSolution => SYNC_SOLUTION,
    }
}

/// The task type of a file of this `FileType`, or `None` for a file that is no sync task.
pub const fn task_type(file_type: i64) -> Option<TaskType> {
    match file_type {
        BATCH_SYNC => Some(TaskType::DiOffline),
        REALTIME_SYNC => Some(TaskType::DiRealtime),
        SYNC_SOLUTION => Some(TaskType::DiSolution),
        _ => None,
    }
}

/// The `FileTypes` filter of ListFiles that finds every sync task: `23,900,901`.
pub const ALL_SYNC: &str = "23,900,901";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_task_types_correspond_both_ways() {
        for &task_type in TaskType::ALL {
            assert_eq!(super::task_type(of(task_type)), Some(task_type));
        }
        let listed: Vec<i64> = ALL_SYNC.split(',').map(|c| c.parse().unwrap()).collect();
        let mut expected: Vec<i64> = TaskType::ALL.iter().map(|t| of(*t)).collect();
        expected.sort_unstable();
        assert_eq!(listed, expected);
    }
}
