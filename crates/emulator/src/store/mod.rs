//! The emulator's state in SQLite: workspaces, tasks, generation processes, idempotency
//! records.
//!
//! One connection behind a mutex; callers on the async side go through
//! `tokio::task::spawn_blocking`. Every mutation runs in one `IMMEDIATE` transaction that is
//! committed (WAL, `synchronous=FULL`) before the HTTP answer is sent, so an acknowledged write
//! survives a `kill -9`.

mod idempotency;
mod processes;
mod projects;
mod tasks;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{EmulatorError, StoreContext, StoreError};

pub(crate) use idempotency::{find_idempotency, put_idempotency};
pub(crate) use processes::{NewProcess, get_process, insert_process, list_processes};
pub use processes::{ProcessKind, ProcessRecord, ProcessState};
pub(crate) use projects::{add_project, list_projects, project_exists};
pub use tasks::TaskRecord;
pub(crate) use tasks::{
    FileFilter, InstanceUpdate, NewTask, delete_task, find_task_by_name, get_task, insert_task,
    list_task_page, list_tasks, set_instance, set_start_param, update_task,
};

/// The file name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "emulator.sqlite3";

/// The first FileId handed out (so the docs' example id `100` is never a real task).
pub const FIRST_FILE_ID: i64 = 1000;

/// The first ProcessId handed out.
pub const FIRST_PROCESS_ID: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS projects (
    project_id INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS tasks (
    file_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    task_type TEXT NOT NULL,
    name TEXT NOT NULL,
    folder TEXT NOT NULL,
    resource_group TEXT,
    task_param TEXT,
    content TEXT NOT NULL,
    version INTEGER NOT NULL,
    update_count INTEGER NOT NULL,
    deployed_version INTEGER,
    instance_status TEXT NOT NULL,
    instance_target TEXT,
    instance_ready_at_ms INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    start_param TEXT,
    UNIQUE (project_id, folder, name)
);
CREATE TABLE IF NOT EXISTS processes (
    process_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    task_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    task_id INTEGER,
    task_param TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    ready_at_ms INTEGER NOT NULL,
    outcome_status TEXT NOT NULL,
    outcome_message TEXT,
    outcome_content TEXT
);
CREATE TABLE IF NOT EXISTS idempotency (
    action TEXT NOT NULL,
    client_token TEXT NOT NULL,
    params_hash TEXT NOT NULL,
    response_data TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (action, client_token)
);
";

/// Where the store keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// A private in-memory database, lost when the emulator stops.
    Memory,
    /// `emulator.sqlite3` in this directory (created when missing).
    Dir(PathBuf),
}

/// The SQLite store: one connection behind a mutex.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    location: StoreLocation,
}

impl Store {
    /// Opens (or creates) the store, applies the schema and makes sure `projects` exist.
    pub fn open(location: StoreLocation, projects: &[i64]) -> Result<Self, EmulatorError> {
        let conn = match &location {
            StoreLocation::Memory => {
                Connection::open_in_memory().ctx("opening in-memory database")?
            }
            StoreLocation::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| EmulatorError::DataDir {
                    path: dir.clone(),
                    source,
                })?;
                Connection::open(dir.join(DB_FILE_NAME)).ctx("opening the database file")?
            }
        };
        configure(&conn, matches!(location, StoreLocation::Dir(_)))?;
        conn.execute_batch(SCHEMA).ctx("creating the schema")?;
        migrate(&conn)?;
        seed_sequences(&conn)?;
        for project in projects {
            add_project(&conn, *project)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
            location,
        })
    }

    /// The database file, when on disk.
    pub fn path(&self) -> Option<PathBuf> {
        match &self.location {
            StoreLocation::Memory => None,
            StoreLocation::Dir(dir) => Some(dir.join(DB_FILE_NAME)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A poisoned lock only means another thread panicked while holding it; SQLite rolled
        // back that transaction, so the connection is still consistent.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in one `IMMEDIATE` transaction and commits it when `f` succeeds (rolls back
    /// otherwise). The commit is durable when this returns.
    pub fn write<T, E>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a transaction")?;
        let out = f(&tx)?;
        tx.commit().ctx("committing")?;
        Ok(out)
    }

    /// Runs `f` over the connection without a write transaction.
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let conn = self.lock();
        f(&conn)
    }
}

fn configure(conn: &Connection, on_disk: bool) -> Result<(), StoreError> {
    if on_disk {
        // WAL + FULL: a commit is on disk (WAL fsync) before `commit()` returns.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .ctx("enabling WAL")?;
        tracing::debug!(journal_mode = %mode, "emulator store opened");
        conn.execute_batch("PRAGMA synchronous = FULL;")
            .ctx("setting synchronous=FULL")?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .ctx("setting the busy timeout")?;
    Ok(())
}

/// Brings a database written by an older emulator up to [`SCHEMA`]: columns added since are
/// added (empty).
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info('tasks')")
        .ctx("reading the tasks columns")?;
    let columns = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .ctx("reading the tasks columns")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("reading the tasks columns")?;
    if !columns.iter().any(|c| c == "start_param") {
        conn.execute_batch("ALTER TABLE tasks ADD COLUMN start_param TEXT;")
            .ctx("adding tasks.start_param")?;
    }
    Ok(())
}

/// Makes the AUTOINCREMENT counters start at [`FIRST_FILE_ID`] / [`FIRST_PROCESS_ID`].
fn seed_sequences(conn: &Connection) -> Result<(), StoreError> {
    for (table, first) in [("tasks", FIRST_FILE_ID), ("processes", FIRST_PROCESS_ID)] {
        let known: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_sequence WHERE name = ?1",
                [table],
                |row| row.get(0),
            )
            .ctx("reading id sequences")?;
        if known == 0 {
            conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
                rusqlite::params![table, first - 1],
            )
            .ctx("seeding id sequences")?;
        }
    }
    Ok(())
}

/// Whether `path` looks like an emulator data directory (holds the database file).
#[cfg(test)]
fn has_database(path: &std::path::Path) -> bool {
    path.join(DB_FILE_NAME).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_without_start_param_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        {
            // The tasks table as an emulator before start_param wrote it.
            let conn = Connection::open(dir.path().join(DB_FILE_NAME)).unwrap();
            let old = SCHEMA.replace("    start_param TEXT,\n", "");
            assert_ne!(old, SCHEMA);
            conn.execute_batch(&old).unwrap();
            conn.execute(
                "INSERT INTO tasks (project_id, task_type, name, folder, content, version, \
                 update_count, instance_status, created_at_ms, updated_at_ms) \
                 VALUES (10000, 'DI_REALTIME', 'old', '', '{}', 1, 0, 'NORUN', 1, 1)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(StoreLocation::Dir(dir.path().into()), &[10000]).unwrap();
        let tasks = store.read(list_tasks).unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].start_param, None);
        let id = tasks[0].file_id;
        store
            .write(|tx| set_start_param(tx, id, Some("{}")))
            .unwrap();
        assert_eq!(
            store
                .read(|c| get_task(c, id))
                .unwrap()
                .unwrap()
                .start_param
                .as_deref(),
            Some("{}")
        );
        drop(store);
        // Opening again is a no-op.
        Store::open(StoreLocation::Dir(dir.path().into()), &[10000]).unwrap();
    }

    #[test]
    fn ids_start_where_documented() {
        let store = Store::open(StoreLocation::Memory, &[10000]).unwrap();
        let id = store
            .write(|tx| {
                insert_task(
                    tx,
                    &NewTask {
                        project_id: 10000,
                        task_type: "DI_OFFLINE".into(),
                        name: "a".into(),
                        folder: "f".into(),
                        resource_group: None,
                        task_param: None,
                        content: "{}".into(),
                        now_ms: 1,
                    },
                )
            })
            .unwrap();
        assert_eq!(id, FIRST_FILE_ID);
        let pid = store
            .write(|tx| {
                insert_process(
                    tx,
                    &NewProcess {
                        project_id: 10000,
                        task_type: "DI_REALTIME".into(),
                        kind: ProcessKind::Create,
                        task_id: None,
                        task_param: "{}".into(),
                        created_at_ms: 1,
                        ready_at_ms: 2,
                        outcome_status: ProcessState::Success,
                        outcome_message: None,
                        outcome_content: Some("{}".into()),
                    },
                )
            })
            .unwrap();
        assert_eq!(pid, FIRST_PROCESS_ID);
    }

    #[test]
    fn data_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let loc = StoreLocation::Dir(dir.path().to_path_buf());
        {
            let store = Store::open(loc.clone(), &[10000, 20000]).unwrap();
            store
                .write(|tx| put_idempotency(tx, "A", "t", "h", "{}", 5))
                .unwrap();
        }
        assert!(has_database(dir.path()));
        let store = Store::open(loc, &[10000]).unwrap();
        let rec = store
            .read(|c| find_idempotency(c, "A", "t"))
            .unwrap()
            .unwrap();
        assert_eq!(rec.params_hash, "h");
        let projects = store.read(list_projects).unwrap();
        assert_eq!(projects, vec![10000, 20000]);
    }

    #[test]
    fn failed_write_rolls_back() {
        let store = Store::open(StoreLocation::Memory, &[10000]).unwrap();
        let res: Result<(), crate::error::ServiceError> = store.write(|tx| {
            put_idempotency(tx, "A", "t", "h", "{}", 5)?;
            Err(crate::error::ServiceError::internal("boom"))
        });
        assert!(res.is_err());
        assert!(
            store
                .read(|c| find_idempotency(c, "A", "t"))
                .unwrap()
                .is_none()
        );
    }
}
