//! The typed writers: MaxCompute (`odps`), Kafka (`kafka`) and Hologres (`holo`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::WriteMode;
use super::mapping::TableMappingRule;
use crate::lenient::BoolOrString;
use crate::util::present;

/// `parameter` of a MaxCompute writer (`stepType: "odps"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OdpsWriterParams {
    /// The DataWorks data source (`odps_first` is the workspace's default).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub datasource: Option<String>,
    /// Target table (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub table: Option<String>,
    /// Target partition, last level, such as `pt=${bizdate}` (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub partition: Option<String>,
    /// Target columns, mapped to the reader's by position (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<String>")]
    pub column: Option<Vec<String>>,
    /// Clear the target partition first (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub truncate: Option<BoolOrString>,
    /// Real-time: source-to-target table rules.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "TableMappingRule")]
    pub table_mapping_rule: Option<TableMappingRule>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `parameter` of a Kafka writer (`stepType: "kafka"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KafkaWriterParams {
    /// The DataWorks data source.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub datasource: Option<String>,
    /// Target topic.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub topic: Option<String>,
    /// Real-time: source-table-to-topic rules.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "TableMappingRule")]
    pub table_mapping_rule: Option<TableMappingRule>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `parameter` of a Hologres writer (`stepType: "holo"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoloWriterParams {
    /// The DataWorks data source.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub datasource: Option<String>,
    /// Target table, may be `schema.table` (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub table: Option<String>,
    /// Target columns; must include every primary-key column (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<String>")]
    pub column: Option<Vec<String>>,
    /// On primary-key conflict: `replace`, `update` or `ignore` (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub conflict_mode: Option<String>,
    /// Clear the target first (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub truncate: Option<BoolOrString>,
    /// Target partition `col=value` (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub partition: Option<String>,
    /// Real-time: source-to-target table rules.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "TableMappingRule")]
    pub table_mapping_rule: Option<TableMappingRule>,
    /// `replay` in real-time documents; `insert`/`sdk` in batch jobs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "WriteMode")]
    pub write_mode: Option<WriteMode>,
    /// Target schema of the data source (real-time, `public`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub datasource_schema: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
