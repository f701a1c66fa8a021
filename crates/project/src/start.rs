//! The start settings of a running task (`StartParam` of StartDISyncInstance).
//!
//! A local placeholder until the typed `StartParam` of `dataworks_taskparam` lands; the
//! field names are the service's (`failoverLimit`, `errorLimit`, `ddlMarkMap`), so a
//! manifest written today keeps working when the type moves.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Start-up options of a real-time task.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartParam {
    /// How often the task may fail over, within what interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover_limit: Option<FailoverLimit>,
    /// How many dirty records are tolerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_limit: Option<StartErrorLimit>,
    /// DDL handling by event (`ADDCOLUMN` → `NORMAL` | `IGNORE` | `WARNING` | `CRITICAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ddl_mark_map: Option<BTreeMap<String, String>>,
    /// Every other field, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `failoverLimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct FailoverLimit {
    /// Fail-overs allowed.
    pub count: i64,
    /// Within this many minutes.
    pub interval: i64,
}

/// `errorLimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct StartErrorLimit {
    /// Dirty records allowed (0: none).
    pub record: i64,
}

impl StartParam {
    /// The JSON text sent as `StartParam`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
