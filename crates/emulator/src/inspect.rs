//! A read-only view of the emulator's state, for tests.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::error::StoreError;
use crate::state::App;
use crate::store::{self, ProcessRecord, TaskRecord};

/// A read-only view of the emulator's state (from [`crate::Emulator::inspect`]).
///
/// Reads go straight to the store. A storage failure (which would mean a broken in-process
/// database) is logged and reads as "nothing"; use [`Inspector::try_tasks`] to see it.
#[derive(Debug, Clone)]
pub struct Inspector {
    pub(crate) app: Arc<App>,
}

impl Inspector {
    /// Every task, by FileId.
    pub fn tasks(&self) -> Vec<TaskRecord> {
        logged(self.try_tasks()).unwrap_or_default()
    }

    /// Every task, or the store's error.
    pub fn try_tasks(&self) -> Result<Vec<TaskRecord>, StoreError> {
        self.app.store.read(store::list_tasks)
    }

    /// The task with this FileId.
    pub fn task(&self, file_id: i64) -> Option<TaskRecord> {
        logged(self.app.store.read(|c| store::get_task(c, file_id))).flatten()
    }

    /// The generation process with this id.
    pub fn process(&self, process_id: i64) -> Option<ProcessRecord> {
        logged(self.app.store.read(|c| store::get_process(c, process_id))).flatten()
    }

    /// Every generation process, by id.
    pub fn processes(&self) -> Vec<ProcessRecord> {
        logged(self.app.store.read(store::list_processes)).unwrap_or_default()
    }

    /// The workspaces that exist.
    pub fn projects(&self) -> Vec<i64> {
        logged(self.app.store.read(store::list_projects)).unwrap_or_default()
    }

    /// What the emulator has served so far (see [`crate::EmulatorStats`]).
    pub fn stats(&self) -> crate::EmulatorStats {
        self.app.stats.snapshot()
    }

    /// How many HTTP requests reached this emulator (since it started; all of them,
    /// including refused and fault-injected ones).
    pub fn request_count(&self) -> u64 {
        self.app.requests.load(Ordering::Relaxed)
    }
}

fn logged<T>(res: Result<T, StoreError>) -> Option<T> {
    match res {
        Ok(v) => Some(v),
        Err(err) => {
            tracing::error!(error = %err, "emulator inspection failed");
            None
        }
    }
}
