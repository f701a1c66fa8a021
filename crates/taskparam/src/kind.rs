//! [`DocumentKind`]: which of the service's JSON documents a text is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kinds of JSON document the DataWorks DI API takes or returns (all carried as JSON text
/// inside string parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// `TaskParam` of GenerateDISyncTaskConfigForCreating: `"type": "realtime"`, a MySQL
    /// reader and a MaxCompute, Kafka or Hologres writer ([`crate::RealtimeTaskParam`]).
    RealtimeTaskParam,
    /// `TaskParam` of GenerateDISyncTaskConfigForUpdating: only the reader step with the new
    /// table selection ([`crate::UpdateTaskParam`]).
    UpdateTaskParam,
    /// The real-time `TaskContent` returned by QueryDISyncTaskConfigProcessResult and stored
    /// by Create/UpdateDISyncTask ([`crate::TaskContent`]).
    TaskContent,
    /// The batch (DI_OFFLINE) job script ([`crate::BatchJob`]).
    BatchJob,
    /// The small `TaskParam` of Create/UpdateDISyncTask: `FileFolderPath`, `ResourceGroup`,
    /// `Cu` ([`crate::TaskMeta`]).
    TaskMeta,
    /// The DI_SOLUTION process content returned by GetDISyncTask
    /// (`SolutionDetail.ProcessContent`, [`crate::SolutionProcess`]).
    SolutionProcess,
}

/// The error of parsing a [`DocumentKind`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown document kind `{given}`; expected one of: {}", DocumentKind::names().join(", "))]
#[non_exhaustive]
pub struct UnknownKind {
    /// The name given.
    pub given: String,
}

impl DocumentKind {
    /// Every kind, in a stable order.
    pub const ALL: [DocumentKind; 6] = [
        Self::RealtimeTaskParam,
        Self::UpdateTaskParam,
        Self::TaskContent,
        Self::BatchJob,
        Self::TaskMeta,
        Self::SolutionProcess,
    ];

    /// The kebab-case name used by the CLI and the schema files (`task-content`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::RealtimeTaskParam => "realtime-task-param",
            Self::UpdateTaskParam => "update-task-param",
            Self::TaskContent => "task-content",
            Self::BatchJob => "batch-job",
            Self::TaskMeta => "task-meta",
            Self::SolutionProcess => "solution-process",
        }
    }

    /// Every kind's name.
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|k| k.name()).collect()
    }

    /// A one-line human title (used as the schema's `title`).
    pub const fn title(self) -> &'static str {
        match self {
            Self::RealtimeTaskParam => {
                "DataWorks DI real-time TaskParam (GenerateDISyncTaskConfigForCreating)"
            }
            Self::UpdateTaskParam => {
                "DataWorks DI real-time update TaskParam (GenerateDISyncTaskConfigForUpdating)"
            }
            Self::TaskContent => {
                "DataWorks DI real-time TaskContent (QueryDISyncTaskConfigProcessResult, Create/UpdateDISyncTask)"
            }
            Self::BatchJob => "DataWorks DI batch job script (DI_OFFLINE TaskContent)",
            Self::TaskMeta => "DataWorks DI task metadata (Create/UpdateDISyncTask TaskParam)",
            Self::SolutionProcess => {
                "DataWorks DI solution process content (GetDISyncTask SolutionDetail.ProcessContent)"
            }
        }
    }

    /// The `$id` of the kind's published JSON Schema.
    pub fn schema_id(self) -> String {
        format!(
            "https://dataworks-di.dev/schemas/{}.schema.json",
            self.name()
        )
    }

    /// Detects the kind from a document's content, or `None` when nothing identifies it.
    ///
    /// Rules, first match wins: `"type": "realtime"` → create TaskParam;
    /// `realtimeSyncConfig`/`offlineSyncConfig` → solution process; `extend`, or a writer step
    /// with a `tableMappingRule` → TaskContent; `steps` without `type` → update TaskParam;
    /// `FileFolderPath`/`ResourceGroup`/`Cu` without `steps` → task metadata;
    /// `"type": "job"` → batch job.
    ///
    /// ```
    /// use dataworks_taskparam::DocumentKind;
    /// let v = serde_json::json!({"steps": [{"name": "Reader", "category": "reader",
    ///     "parameter": {"connection": [{"table": ["xyx"]}]}}]});
    /// assert_eq!(DocumentKind::detect(&v), Some(DocumentKind::UpdateTaskParam));
    /// ```
    pub fn detect(value: &Value) -> Option<DocumentKind> {
        let obj = value.as_object()?;
        let doc_type = obj.get("type").and_then(Value::as_str);
        if doc_type == Some("realtime") {
            return Some(Self::RealtimeTaskParam);
        }
        if obj.contains_key("realtimeSyncConfig") || obj.contains_key("offlineSyncConfig") {
            return Some(Self::SolutionProcess);
        }
        let steps = obj.get("steps").and_then(Value::as_array);
        let has_mapping_writer = steps.is_some_and(|steps| {
            steps.iter().any(|s| {
                s.get("category").and_then(Value::as_str) == Some("writer")
                    && s.get("parameter")
                        .and_then(|p| p.get("tableMappingRule"))
                        .is_some()
            })
        });
        if obj.contains_key("extend") || has_mapping_writer {
            return Some(Self::TaskContent);
        }
        if obj.contains_key("steps") && !obj.contains_key("type") {
            return Some(Self::UpdateTaskParam);
        }
        if !obj.contains_key("steps")
            && ["FileFolderPath", "ResourceGroup", "Cu"]
                .iter()
                .any(|k| obj.contains_key(*k))
        {
            return Some(Self::TaskMeta);
        }
        if doc_type == Some("job") {
            return Some(Self::BatchJob);
        }
        None
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DocumentKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownKind {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.name().parse::<DocumentKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        let err = "nope".parse::<DocumentKind>().unwrap_err();
        assert!(err.to_string().contains("task-content"));
    }

    #[test]
    fn detection() {
        let cases = [
            (
                json!({"type": "realtime", "steps": []}),
                Some(DocumentKind::RealtimeTaskParam),
            ),
            (
                json!({"type": "job", "extend": {}, "steps": []}),
                Some(DocumentKind::TaskContent),
            ),
            (
                json!({"type": "job", "steps": []}),
                Some(DocumentKind::BatchJob),
            ),
            (json!({"steps": []}), Some(DocumentKind::UpdateTaskParam)),
            (
                json!({"ResourceGroup": "g", "Cu": 1.5}),
                Some(DocumentKind::TaskMeta),
            ),
            (
                json!({"realtimeSyncConfig": {}}),
                Some(DocumentKind::SolutionProcess),
            ),
            (json!({"hello": 1}), None),
            (json!([1, 2]), None),
        ];
        for (value, kind) in cases {
            assert_eq!(DocumentKind::detect(&value), kind, "{value}");
        }
    }
}
