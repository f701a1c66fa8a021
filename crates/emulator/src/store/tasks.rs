//! Sync tasks (files): identity, content, version and the instance state.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{StoreContext, StoreError};

/// A stored task, as tests see it through [`crate::Inspector`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskRecord {
    /// The task's FileId.
    pub file_id: i64,
    /// The workspace it belongs to.
    pub project_id: i64,
    /// `DI_OFFLINE`, `DI_REALTIME` or `DI_SOLUTION` (the wire name).
    pub task_type: String,
    /// The task (node) name.
    pub name: String,
    /// The folder (`FileFolderPath` of the create call's TaskParam; `""` when absent).
    pub folder: String,
    /// The resource group (`ResourceGroup` of the TaskParam), when given.
    pub resource_group: Option<String>,
    /// The latest create/update call's TaskParam (metadata JSON), when given.
    pub task_param: Option<String>,
    /// The stored TaskContent (JSON text), exactly as last written.
    pub content: String,
    /// 1 after the create, +1 for every update that changed the content or metadata.
    pub version: i64,
    /// How many `UpdateDISyncTask` calls were applied.
    pub update_count: i64,
    /// The version that `DeployDISyncTask` last deployed, if any.
    pub deployed_version: Option<i64>,
    /// The instance status as stored (`NORUN`, `WAIT`, `RUN`, `PAUSE`, `KILLING`, ...); a
    /// pending transition is in `instance_target`.
    pub instance_status: String,
    /// The status a transition in progress ends in.
    pub instance_target: Option<String>,
    /// When (unix ms) the transition in progress ends.
    pub instance_ready_at_ms: Option<i64>,
    /// When (unix ms) the task was created.
    pub created_at_ms: i64,
    /// When (unix ms) the task was last changed.
    pub updated_at_ms: i64,
    /// The `StartParam` of the last accepted StartDISyncInstance of a real-time task (`None`
    /// when it gave none, or before the first start).
    pub start_param: Option<String>,
}

const COLUMNS: &str = "file_id, project_id, task_type, name, folder, resource_group, task_param, \
    content, version, update_count, deployed_version, instance_status, instance_target, \
    instance_ready_at_ms, created_at_ms, updated_at_ms, start_param";

fn from_row(row: &Row<'_>) -> rusqlite::Result<TaskRecord> {
    Ok(TaskRecord {
        file_id: row.get(0)?,
        project_id: row.get(1)?,
        task_type: row.get(2)?,
        name: row.get(3)?,
        folder: row.get(4)?,
        resource_group: row.get(5)?,
        task_param: row.get(6)?,
        content: row.get(7)?,
        version: row.get(8)?,
        update_count: row.get(9)?,
        deployed_version: row.get(10)?,
        instance_status: row.get(11)?,
        instance_target: row.get(12)?,
        instance_ready_at_ms: row.get(13)?,
        created_at_ms: row.get(14)?,
        updated_at_ms: row.get(15)?,
        start_param: row.get(16)?,
    })
}

/// What a create stores.
#[derive(Debug, Clone)]
pub(crate) struct NewTask {
    pub project_id: i64,
    pub task_type: String,
    pub name: String,
    pub folder: String,
    pub resource_group: Option<String>,
    pub task_param: Option<String>,
    pub content: String,
    pub now_ms: i64,
}

/// Inserts a task (status `NORUN`, version 1) and returns its FileId.
pub(crate) fn insert_task(conn: &Connection, task: &NewTask) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO tasks (project_id, task_type, name, folder, resource_group, task_param, content, \
         version, update_count, deployed_version, instance_status, created_at_ms, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 0, NULL, 'NORUN', ?8, ?8)",
        rusqlite::params![
            task.project_id,
            task.task_type,
            task.name,
            task.folder,
            task.resource_group,
            task.task_param,
            task.content,
            task.now_ms
        ],
    )
    .ctx("inserting a task")?;
    Ok(conn.last_insert_rowid())
}

/// The task with this FileId.
pub(crate) fn get_task(conn: &Connection, file_id: i64) -> Result<Option<TaskRecord>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tasks WHERE file_id = ?1"),
        [file_id],
        from_row,
    )
    .optional()
    .ctx("reading a task")
}

/// The task with this name in this folder of this workspace.
pub(crate) fn find_task_by_name(
    conn: &Connection,
    project_id: i64,
    folder: &str,
    name: &str,
) -> Result<Option<TaskRecord>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tasks WHERE project_id = ?1 AND folder = ?2 AND name = ?3"),
        rusqlite::params![project_id, folder, name],
        from_row,
    )
    .optional()
    .ctx("looking up a task by name")
}

/// Every task, by FileId.
pub(crate) fn list_tasks(conn: &Connection) -> Result<Vec<TaskRecord>, StoreError> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM tasks ORDER BY file_id"))
        .ctx("listing tasks")?;
    let rows = stmt.query_map([], from_row).ctx("listing tasks")?;
    rows.collect::<Result<Vec<_>, _>>().ctx("listing tasks")
}

/// Writes an update: new content / metadata, version and update counter.
pub(crate) fn update_task(conn: &Connection, task: &TaskRecord) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE tasks SET resource_group = ?2, task_param = ?3, content = ?4, version = ?5, \
         update_count = ?6, updated_at_ms = ?7 WHERE file_id = ?1",
        rusqlite::params![
            task.file_id,
            task.resource_group,
            task.task_param,
            task.content,
            task.version,
            task.update_count,
            task.updated_at_ms
        ],
    )
    .ctx("updating a task")?;
    Ok(())
}

/// A change of the instance columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InstanceUpdate {
    pub deployed_version: Option<i64>,
    pub status: String,
    pub target: Option<String>,
    pub ready_at_ms: Option<i64>,
    pub now_ms: i64,
}

/// Writes the instance columns of a task.
pub(crate) fn set_instance(
    conn: &Connection,
    file_id: i64,
    update: &InstanceUpdate,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE tasks SET deployed_version = ?2, instance_status = ?3, instance_target = ?4, \
         instance_ready_at_ms = ?5, updated_at_ms = ?6 WHERE file_id = ?1",
        rusqlite::params![
            file_id,
            update.deployed_version,
            update.status,
            update.target,
            update.ready_at_ms,
            update.now_ms
        ],
    )
    .ctx("updating an instance")?;
    Ok(())
}

/// Records the `StartParam` of an accepted start.
pub(crate) fn set_start_param(
    conn: &Connection,
    file_id: i64,
    start_param: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE tasks SET start_param = ?2 WHERE file_id = ?1",
        rusqlite::params![file_id, start_param],
    )
    .ctx("recording a start parameter")?;
    Ok(())
}

/// Deletes a task; returns whether it existed.
pub(crate) fn delete_task(conn: &Connection, file_id: i64) -> Result<bool, StoreError> {
    let n = conn
        .execute("DELETE FROM tasks WHERE file_id = ?1", [file_id])
        .ctx("deleting a task")?;
    Ok(n > 0)
}

/// The filters of ListFiles that the store applies (the others are the caller's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileFilter {
    pub project_id: i64,
    /// Exact name.
    pub exact_name: Option<String>,
    /// Exact folder.
    pub folder: Option<String>,
    /// Substring of the name (case-sensitive).
    pub keyword: Option<String>,
    /// Only these task types (wire names); `None` = every type.
    pub task_types: Option<Vec<String>>,
    /// Only these FileIds; `None` = every id.
    pub file_ids: Option<Vec<i64>>,
    /// Only deployed tasks whose node id (= FileId in the emulator) is this.
    pub node_id: Option<i64>,
}

impl FileFilter {
    fn where_clause(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut sql = String::from("project_id = ?");
        let mut args = vec![Value::Integer(self.project_id)];
        if let Some(name) = &self.exact_name {
            sql.push_str(" AND name = ?");
            args.push(Value::Text(name.clone()));
        }
        if let Some(folder) = &self.folder {
            sql.push_str(" AND folder = ?");
            args.push(Value::Text(folder.clone()));
        }
        if let Some(keyword) = &self.keyword {
            sql.push_str(" AND instr(name, ?) > 0");
            args.push(Value::Text(keyword.clone()));
        }
        if let Some(types) = &self.task_types {
            sql.push_str(&format!(
                " AND task_type IN ({})",
                placeholders(types.len())
            ));
            args.extend(types.iter().cloned().map(Value::Text));
        }
        if let Some(ids) = &self.file_ids {
            sql.push_str(&format!(" AND file_id IN ({})", placeholders(ids.len())));
            args.extend(ids.iter().copied().map(Value::Integer));
        }
        if let Some(node_id) = self.node_id {
            sql.push_str(" AND deployed_version IS NOT NULL AND file_id = ?");
            args.push(Value::Integer(node_id));
        }
        (sql, args)
    }
}

/// `?, ?, ?` (at least one, so an empty list matches nothing: `IN (NULL)`).
fn placeholders(n: usize) -> String {
    if n == 0 {
        return "NULL".to_string();
    }
    vec!["?"; n].join(", ")
}

/// One page of the tasks that match `filter`, by FileId, and the number of matches. Without
/// `with_content` the records' `content` is empty (it is not read).
pub(crate) fn list_task_page(
    conn: &Connection,
    filter: &FileFilter,
    offset: i64,
    limit: i64,
    with_content: bool,
) -> Result<(Vec<TaskRecord>, i64), StoreError> {
    let (clause, args) = filter.where_clause();
    let total: i64 = conn
        .query_row(
            &format!("SELECT COUNT(*) FROM tasks WHERE {clause}"),
            rusqlite::params_from_iter(args.iter()),
            |row| row.get(0),
        )
        .ctx("counting files")?;
    let columns = if with_content {
        COLUMNS.to_string()
    } else {
        COLUMNS.replace("content,", "'' AS content,")
    };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {columns} FROM tasks WHERE {clause} ORDER BY file_id LIMIT ? OFFSET ?"
        ))
        .ctx("listing files")?;
    let mut page_args = args;
    page_args.push(rusqlite::types::Value::Integer(limit));
    page_args.push(rusqlite::types::Value::Integer(offset));
    let rows = stmt
        .query_map(rusqlite::params_from_iter(page_args.iter()), from_row)
        .ctx("listing files")?;
    let tasks = rows.collect::<Result<Vec<_>, _>>().ctx("listing files")?;
    Ok((tasks, total))
}
