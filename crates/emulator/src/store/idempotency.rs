//! `ClientToken` records: (action, token) → (hash of the parameters, the first answer's `Data`).

use rusqlite::{Connection, OptionalExtension};

use crate::error::{StoreContext, StoreError};

/// One stored idempotency record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdempotencyRecord {
    /// SHA-256 (hex) of the request's business parameters.
    pub params_hash: String,
    /// The first answer's `Data` as JSON text.
    pub response_data: String,
}

/// The record for (action, token), if any.
pub(crate) fn find_idempotency(
    conn: &Connection,
    action: &str,
    token: &str,
) -> Result<Option<IdempotencyRecord>, StoreError> {
    conn.query_row(
        "SELECT params_hash, response_data FROM idempotency WHERE action = ?1 AND client_token = ?2",
        [action, token],
        |row| {
            Ok(IdempotencyRecord {
                params_hash: row.get(0)?,
                response_data: row.get(1)?,
            })
        },
    )
    .optional()
    .ctx("reading an idempotency record")
}

/// Stores the record for (action, token).
pub(crate) fn put_idempotency(
    conn: &Connection,
    action: &str,
    token: &str,
    params_hash: &str,
    response_data: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO idempotency (action, client_token, params_hash, response_data, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![action, token, params_hash, response_data, now_ms],
    )
    .ctx("writing an idempotency record")?;
    Ok(())
}
