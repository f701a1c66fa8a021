//! A real-time writer's `tableMappingRule`: which source table goes to which target.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{BoolOrString, IntOrString};
use crate::util::present;

/// `tableMappingRule` of a real-time writer (seed: Hologres).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableMappingRule {
    /// Rules grouped by source data source.
    pub datasource: Vec<MappingDatasource>,
    /// The number of rules (the service keeps it equal to the count of `tableRule`s).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub total_table_mapping: Option<IntOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TableMappingRule {
    /// Every rule, in document order.
    pub fn rules(&self) -> impl Iterator<Item = &TableRule> {
        self.datasource.iter().flat_map(|d| d.table_rule.iter())
    }

    /// The number of rules.
    pub fn rule_count(&self) -> usize {
        self.datasource.iter().map(|d| d.table_rule.len()).sum()
    }
}

/// The rules of one source data source.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MappingDatasource {
    /// One rule per source table.
    pub table_rule: Vec<TableRule>,
    /// The reader's data source name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub src_datasource_name: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The mapping of one source table to its target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableRule {
    /// The source table.
    pub src_table: String,
    /// `DEFAULT` in every sample (meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub merge_into_cycle_type: Option<String>,
    /// Hourly delta tables (meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub hour_delta_enable: Option<BoolOrString>,
    /// The target: `<schema>.<table>` for Hologres, the table for MaxCompute, the topic for
    /// Kafka.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub dst_table: Option<String>,
    /// Daily delta tables (meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub day_delta_enable: Option<BoolOrString>,
    /// The target's primary key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "PrimaryKeyInfo")]
    pub primary_key_info: Option<PrimaryKeyInfo>,
    /// How to create the target table.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "DstCreateTableInfo")]
    pub dst_create_table_info: Option<DstCreateTableInfo>,
    /// The source database.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub src_db_name: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `primaryKeyInfo` of a table rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PrimaryKeyInfo {
    /// The key columns.
    pub column: Vec<String>,
    /// `pk` in every sample.
    #[serde(rename = "type")]
    pub key_type: String,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `dstCreateTableInfo` of a table rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DstCreateTableInfo {
    /// Index type (the seed repeats the table name; meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub index_type: Option<String>,
    /// The target columns.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<DataColumn>")]
    pub data_column: Option<Vec<DataColumn>>,
    /// The target schema.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub schema_name: Option<String>,
    /// The target table.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub table_name: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One target column of `dstCreateTableInfo.dataColumn`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataColumn {
    /// Column size.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub column_size: Option<IntOrString>,
    /// Column name.
    pub name: String,
    /// Position.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub index: Option<IntOrString>,
    /// Column comment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub comment: Option<String>,
    /// New digits (meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub new_digit: Option<IntOrString>,
    /// Column type (`int8`, ...).
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub column_type: Option<String>,
    /// Digits (meaning undocumented).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub digit: Option<IntOrString>,
    /// Whether the column is part of the primary key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub primary_key: Option<BoolOrString>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
