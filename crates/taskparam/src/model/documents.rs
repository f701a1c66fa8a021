//! The six document kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{Mode, OneClickTaskType};
use super::mapping::TableMappingRule;
use super::step::{Order, Step};
use crate::lenient::{BoolOrString, IntOrString, NumberOrString};
use crate::util::present;

/// The `TaskParam` of GenerateDISyncTaskConfigForCreating: a real-time (one-click) sync from
/// MySQL to MaxCompute, Kafka or Hologres.
///
/// ```
/// use dataworks_taskparam::RealtimeTaskParam;
/// let text = r#"{"type":"realtime","version":"1.0",
///   "setting":{"resourceGroup":"S_res_group_1","taskType":"oneclick_to_odps"},
///   "steps":[{"stepType":"mysql","parameter":{"connection":[{"datasourceType":"mysql",
///     "datasource":"mysql_pub","table":["xyx"]}]},"name":"Reader","category":"reader"},
///    {"stepType":"odps","parameter":{"datasource":"odps_first"},"name":"Writer","category":"writer"}]}"#;
/// let param = RealtimeTaskParam::from_json(text).unwrap();
/// assert_eq!(param.setting.resource_group, "S_res_group_1");
/// assert_eq!(param.to_value(), serde_json::from_str::<serde_json::Value>(text).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RealtimeTaskParam {
    /// `realtime`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// `1.0`.
    pub version: String,
    /// The resource group and task type.
    pub setting: RealtimeSetting,
    /// One MySQL reader and one writer (`odps`, `kafka` or `holo`).
    pub steps: Vec<Step>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `setting` of a real-time create TaskParam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RealtimeSetting {
    /// The resource group identifier (such as `S_res_group_280749521950784_1623033752022`),
    /// not its display name.
    pub resource_group: String,
    /// `oneclick_to_odps`, `oneclick_to_kafka` or `oneclick_to_holo`; agrees with the writer.
    pub task_type: OneClickTaskType,
    /// The task name (optional).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// The scheduling resource group id (optional).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub schedule_resgroup_id: Option<IntOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `TaskParam` of GenerateDISyncTaskConfigForUpdating: the reader step whose connection
/// selects the tables the task should sync after the update (`table` for one database,
/// `selectedTables` for several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UpdateTaskParam {
    /// Exactly one reader step (no `stepType` in the official sample).
    pub steps: Vec<Step>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The real-time `TaskContent`: returned by QueryDISyncTaskConfigProcessResult, passed to
/// Create/UpdateDISyncTask, and returned by GetDISyncTask as `Code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskContent {
    /// The mode, resource group and name. Required at top level; absent in the template a
    /// solution process embeds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Extend")]
    pub extend: Option<Extend>,
    /// `job`.
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub doc_type: Option<String>,
    /// A MySQL reader and a writer with a `tableMappingRule`.
    pub steps: Vec<Step>,
    /// `2.0`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub version: Option<String>,
    /// The data flow (`reader` → `writer`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Order")]
    pub order: Option<Order>,
    /// Every field not modelled above (`setting`, `nodeDef`, ...), kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `extend` of a real-time TaskContent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Extend {
    /// `migration_holo` (and, by this crate's guess, `migration_odps`/`migration_kafka`),
    /// or `wizard`.
    pub mode: Mode,
    /// The resource group (formats seen: `280749`, `group_...`, `S_res_group_...`).
    pub resource_group: String,
    /// The task name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The batch (DI_OFFLINE) job script ("script mode"): one reader, one writer, `setting`
/// and `order.hops`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchJob {
    /// `job`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// `2.0` (or the older `1.0`).
    pub version: String,
    /// One reader and one writer.
    pub steps: Vec<Step>,
    /// Error limit, speed and other run settings.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BatchSetting")]
    pub setting: Option<BatchSetting>,
    /// The data flow (`Reader` → `Writer`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Order")]
    pub order: Option<Order>,
    /// Every field not modelled above (`transform`, ...), kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `setting` of a batch job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchSetting {
    /// The dirty-data limit.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "ErrorLimit")]
    pub error_limit: Option<ErrorLimit>,
    /// Concurrency and throttling.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Speed")]
    pub speed: Option<Speed>,
    /// Every field not modelled above (`executeMode`, `locale`, ...), kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `setting.errorLimit` of a batch job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ErrorLimit {
    /// Maximum dirty records (`""` = not set, `"0"` = none allowed); at least 0.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub record: Option<IntOrString>,
    /// Maximum dirty-record ratio in [0, 1] (DataX).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "NumberOrString")]
    pub percentage: Option<NumberOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `setting.speed` of a batch job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Speed {
    /// Expected maximum concurrency, at least 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub concurrent: Option<IntOrString>,
    /// Whether the job is rate-limited (then `mbps` is the limit).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub throttle: Option<BoolOrString>,
    /// The rate limit in MB/s.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "NumberOrString")]
    pub mbps: Option<NumberOrString>,
    /// Legacy billing unit.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub dmu: Option<IntOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The small `TaskParam` of CreateDISyncTask / UpdateDISyncTask (PascalCase keys).
///
/// ```
/// use dataworks_taskparam::TaskMeta;
/// let meta = TaskMeta::from_json(r#"{"FileFolderPath":"workflow/x/data integration","ResourceGroup":"S_res_group_1","Cu":1.5}"#).unwrap();
/// assert_eq!(meta.cu.and_then(|c| c.value()), Some(1.5));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TaskMeta {
    /// Where the node is stored in the workflow tree (create only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub file_folder_path: Option<String>,
    /// The resource group identifier (not its display name).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub resource_group: Option<String>,
    /// Compute units on a serverless group: a positive multiple of 0.5.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "NumberOrString")]
    pub cu: Option<NumberOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The DI_SOLUTION process content (GetDISyncTask `SolutionDetail.ProcessContent`). Its
/// `realtimeSyncConfig.content` is a template whose table lists may be empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SolutionProcess {
    /// The Hologres data source.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub holo_datasource: Option<String>,
    /// The batch part (node naming, resource group).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Map<String, Value>")]
    pub offline_sync_config: Option<Map<String, Value>>,
    /// The process rule id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub process_rule_id: Option<IntOrString>,
    /// Reader concurrency.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub reader_concurrent: Option<IntOrString>,
    /// The real-time part: a template TaskContent and its `extend`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "RealtimeSyncConfig")]
    pub realtime_sync_config: Option<RealtimeSyncConfig>,
    /// The source type (`mysql`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub src_type: Option<String>,
    /// The mapping rules taken from the real-time part.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "TableMappingRule")]
    pub table_mapping_rule_from_realtime_sync_config: Option<TableMappingRule>,
    /// Every field not modelled above (`setting`, ...), kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `realtimeSyncConfig` of a solution process.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct RealtimeSyncConfig {
    /// The template content (a TaskContent without `extend`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "TaskContent")]
    pub content: Option<TaskContent>,
    /// The mode and resource group of the real-time part.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Extend")]
    pub extend: Option<Extend>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
