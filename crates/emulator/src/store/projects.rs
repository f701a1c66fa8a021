//! Workspaces (DataWorks projects) known to the emulator.

use rusqlite::Connection;

use crate::error::{StoreContext, StoreError};

/// Adds a workspace (no-op when it exists).
pub(crate) fn add_project(conn: &Connection, project_id: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO projects (project_id) VALUES (?1)",
        [project_id],
    )
    .ctx("adding a workspace")?;
    Ok(())
}

/// Whether the workspace exists.
pub(crate) fn project_exists(conn: &Connection, project_id: i64) -> Result<bool, StoreError> {
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM projects WHERE project_id = ?1",
            [project_id],
            |row| row.get(0),
        )
        .ctx("looking up a workspace")?;
    Ok(n > 0)
}

/// Every workspace id, ascending.
pub(crate) fn list_projects(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT project_id FROM projects ORDER BY project_id")
        .ctx("listing workspaces")?;
    let rows = stmt
        .query_map([], |row| row.get(0))
        .ctx("listing workspaces")?;
    rows.collect::<Result<Vec<i64>, _>>()
        .ctx("listing workspaces")
}
