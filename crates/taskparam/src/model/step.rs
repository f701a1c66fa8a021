//! [`Step`]: one reader or writer of a job, with parameters typed by its `stepType`; and the
//! job's `order.hops`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::catalogue::{self, Role, Shape};
use super::enums::StepCategory;
use super::mapping::TableMappingRule;
use super::mysql::MysqlReaderParams;
use super::plugins::{
    DocumentParams, FileParams, HiveParams, OdpsReaderParams, RdbmsWriterParams, StreamParams,
};
use super::writers::{HoloWriterParams, KafkaWriterParams, OdpsWriterParams};

/// The step types whose parameters this crate types (the typed plugins of
/// [`catalogue::PLUGINS`], with their documented spellings).
pub const TYPED_STEP_TYPES: &[&str] = &[
    "mysql",
    "postgresql",
    "oracle",
    "sqlserver",
    "polardb",
    "analyticdb_for_mysql",
    "clickhouse",
    "starrocks",
    "doris",
    "odps",
    "holo",
    "oss",
    "hdfs",
    "ftp",
    "hive",
    "kafka",
    "datahub",
    "LogHub",
    "loghub",
    "elasticsearch",
    "mongodb",
];

/// One step of a job: a reader or a writer.
///
/// `parameter` is typed by (`stepType`, `category`): a `mysql` reader, or an `odps`, `kafka`
/// or `holo` writer. The update TaskParam's reader has no `stepType`; a reader without one is
/// read as a MySQL reader (the only kind the update operation supports). Any other step is
/// kept as it is ([`StepParams::Other`]); the validator warns about unknown step types.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `stepType`: the plugin (`mysql`, `odps`, `kafka`, `holo`, `stream`, ...).
    pub step_type: Option<String>,
    /// `name`: unique within the job; hops refer to it.
    pub name: String,
    /// `category`: reader or writer.
    pub category: StepCategory,
    /// `parameter`: the plugin's parameters.
    pub parameter: StepParams,
    /// Every field not modelled above (`displayName`, `gui`, ...), kept as written.
    pub extra: Map<String, Value>,
}

/// A step's `parameter`, typed by the step's `stepType` and `category`.
#[derive(Debug, Clone, PartialEq)]
pub enum StepParams {
    /// A MySQL reader (`stepType: "mysql"`, or no `stepType` on a reader).
    MysqlReader(MysqlReaderParams),
    /// A MaxCompute writer (`stepType: "odps"`).
    OdpsWriter(OdpsWriterParams),
    /// A Kafka writer (`stepType: "kafka"`).
    KafkaWriter(KafkaWriterParams),
    /// A Hologres writer (`stepType: "holo"`).
    HoloWriter(HoloWriterParams),
    /// Another relational reader (postgresql, oracle, sqlserver, polardb,
    /// analyticdb_for_mysql, clickhouse, starrocks, doris, holo): the MySQL reader's shape.
    RdbmsReader(MysqlReaderParams),
    /// A relational writer (mysql, postgresql, oracle, sqlserver, polardb,
    /// analyticdb_for_mysql, clickhouse, starrocks, doris).
    RdbmsWriter(RdbmsWriterParams),
    /// A MaxCompute reader (`stepType: "odps"`, reader).
    OdpsReader(OdpsReaderParams),
    /// A file plugin (oss, hdfs, ftp), reader or writer.
    File(FileParams),
    /// A Hive reader or writer.
    Hive(HiveParams),
    /// The Kafka reader, or a DataHub or LogHub reader or writer.
    Stream(StreamParams),
    /// An Elasticsearch or MongoDB reader or writer.
    Document(DocumentParams),
    /// Any other step's parameters, kept as written.
    Other(Map<String, Value>),
}

impl StepParams {
    /// Types `parameter` by the step's `stepType` and `category`.
    pub fn from_parts(
        step_type: Option<&str>,
        category: &StepCategory,
        parameter: Map<String, Value>,
    ) -> Result<StepParams, serde_json::Error> {
        let value = Value::Object(parameter);
        Ok(match (step_type, category) {
            (Some("mysql") | None, StepCategory::Reader) => {
                Self::MysqlReader(serde_json::from_value(value)?)
            }
            (Some("odps"), StepCategory::Writer) => {
                Self::OdpsWriter(serde_json::from_value(value)?)
            }
            (Some("kafka"), StepCategory::Writer) => {
                Self::KafkaWriter(serde_json::from_value(value)?)
            }
            (Some("holo"), StepCategory::Writer) => {
                Self::HoloWriter(serde_json::from_value(value)?)
            }
            (Some(name), category) => {
                let role = match category {
                    StepCategory::Reader => Some(Role::Reader),
                    StepCategory::Writer => Some(Role::Writer),
                    StepCategory::Other(_) => None,
                };
                let shape = catalogue::plugin(name)
                    .filter(|p| role.is_some_and(|r| p.has_role(r)))
                    .map(|p| p.shape);
                match (shape, role) {
                    (Some(Shape::Relational | Shape::Holo), Some(Role::Reader)) => {
                        Self::RdbmsReader(serde_json::from_value(value)?)
                    }
                    (Some(Shape::Relational), Some(Role::Writer)) => {
                        Self::RdbmsWriter(serde_json::from_value(value)?)
                    }
                    (Some(Shape::Odps), Some(Role::Reader)) => {
                        Self::OdpsReader(serde_json::from_value(value)?)
                    }
                    (Some(Shape::File), Some(_)) => Self::File(serde_json::from_value(value)?),
                    (Some(Shape::Hive), Some(_)) => Self::Hive(serde_json::from_value(value)?),
                    (Some(Shape::Stream), Some(_)) => Self::Stream(serde_json::from_value(value)?),
                    (Some(Shape::Document), Some(_)) => {
                        Self::Document(serde_json::from_value(value)?)
                    }
                    _ => Self::other(value),
                }
            }
            _ => Self::other(value),
        })
    }

    fn other(value: Value) -> Self {
        match value {
            Value::Object(map) => Self::Other(map),
            _ => Self::Other(Map::new()),
        }
    }

    /// The Rust type a (plugin, role) pair's parameters are read into, as its schema;
    /// `None` for the MySQL reader and the real-time writers (typed above) and untyped
    /// plugins.
    fn shape_schema(generator: &mut SchemaGenerator, shape: Shape, role: Role) -> Option<Schema> {
        Some(match (shape, role) {
            (Shape::Relational | Shape::Holo, Role::Reader) => {
                generator.subschema_for::<MysqlReaderParams>()
            }
            (Shape::Relational, Role::Writer) => generator.subschema_for::<RdbmsWriterParams>(),
            (Shape::Odps, Role::Reader) => generator.subschema_for::<OdpsReaderParams>(),
            (Shape::File, _) => generator.subschema_for::<FileParams>(),
            (Shape::Hive, _) => generator.subschema_for::<HiveParams>(),
            (Shape::Stream, _) => generator.subschema_for::<StreamParams>(),
            (Shape::Document, _) => generator.subschema_for::<DocumentParams>(),
            _ => return None,
        })
    }

    /// The `datasource` parameter, when the step has one.
    pub fn datasource(&self) -> Option<&str> {
        match self {
            Self::MysqlReader(p) => p.datasource.as_deref(),
            Self::OdpsWriter(p) => p.datasource.as_deref(),
            Self::KafkaWriter(p) => p.datasource.as_deref(),
            Self::HoloWriter(p) => p.datasource.as_deref(),
            Self::RdbmsReader(p) => p.datasource.as_deref(),
            Self::RdbmsWriter(p) => p.datasource.as_deref(),
            Self::OdpsReader(p) => p.datasource.as_deref(),
            Self::File(p) => p.datasource.as_deref(),
            Self::Hive(p) => p.datasource.as_deref(),
            Self::Stream(p) => p.datasource.as_deref(),
            Self::Document(p) => p.datasource.as_deref(),
            Self::Other(map) => map.get("datasource").and_then(Value::as_str),
        }
    }

    /// The writer's `tableMappingRule`, for the typed writers.
    pub fn table_mapping_rule(&self) -> Option<&TableMappingRule> {
        match self {
            Self::OdpsWriter(p) => p.table_mapping_rule.as_ref(),
            Self::KafkaWriter(p) => p.table_mapping_rule.as_ref(),
            Self::HoloWriter(p) => p.table_mapping_rule.as_ref(),
            _ => None,
        }
    }

    /// The writer's `tableMappingRule` slot, for the typed writers (to edit or create it).
    pub fn table_mapping_rule_slot(&mut self) -> Option<&mut Option<TableMappingRule>> {
        match self {
            Self::OdpsWriter(p) => Some(&mut p.table_mapping_rule),
            Self::KafkaWriter(p) => Some(&mut p.table_mapping_rule),
            Self::HoloWriter(p) => Some(&mut p.table_mapping_rule),
            _ => None,
        }
    }

    fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::MysqlReader(p) => serde_json::to_value(p),
            Self::OdpsWriter(p) => serde_json::to_value(p),
            Self::KafkaWriter(p) => serde_json::to_value(p),
            Self::HoloWriter(p) => serde_json::to_value(p),
            Self::RdbmsReader(p) => serde_json::to_value(p),
            Self::RdbmsWriter(p) => serde_json::to_value(p),
            Self::OdpsReader(p) => serde_json::to_value(p),
            Self::File(p) => serde_json::to_value(p),
            Self::Hive(p) => serde_json::to_value(p),
            Self::Stream(p) => serde_json::to_value(p),
            Self::Document(p) => serde_json::to_value(p),
            Self::Other(map) => Ok(Value::Object(map.clone())),
        }
    }
}

impl Step {
    /// A step with no extra fields.
    pub fn new(
        step_type: Option<&str>,
        name: impl Into<String>,
        category: StepCategory,
        parameter: StepParams,
    ) -> Self {
        Self {
            step_type: step_type.map(str::to_owned),
            name: name.into(),
            category,
            parameter,
            extra: Map::new(),
        }
    }

    /// Whether the step is a reader.
    pub fn is_reader(&self) -> bool {
        self.category == StepCategory::Reader
    }

    /// Whether the step is a writer.
    pub fn is_writer(&self) -> bool {
        self.category == StepCategory::Writer
    }

    /// The MySQL reader parameters, if this step is one.
    pub fn mysql_reader(&self) -> Option<&MysqlReaderParams> {
        match &self.parameter {
            StepParams::MysqlReader(p) => Some(p),
            _ => None,
        }
    }

    /// The MySQL reader parameters, mutably, if this step is one.
    pub fn mysql_reader_mut(&mut self) -> Option<&mut MysqlReaderParams> {
        match &mut self.parameter {
            StepParams::MysqlReader(p) => Some(p),
            _ => None,
        }
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let parameter = self
            .parameter
            .to_value()
            .map_err(serde::ser::Error::custom)?;
        let mut map = serializer.serialize_map(None)?;
        if let Some(step_type) = &self.step_type {
            map.serialize_entry("stepType", step_type)?;
        }
        map.serialize_entry("parameter", &parameter)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("category", &self.category)?;
        for (key, value) in &self.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let step_type = match map.shift_remove("stepType") {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(D::Error::custom("a step's `stepType` must be a string")),
        };
        let name = match map.shift_remove("name") {
            Some(Value::String(s)) => s,
            Some(_) => return Err(D::Error::custom("a step's `name` must be a string")),
            None => return Err(D::Error::missing_field("name")),
        };
        let category = match map.shift_remove("category") {
            Some(Value::String(s)) => StepCategory::from(s),
            Some(_) => return Err(D::Error::custom("a step's `category` must be a string")),
            None => return Err(D::Error::missing_field("category")),
        };
        let parameter = match map.shift_remove("parameter") {
            Some(Value::Object(p)) => p,
            Some(_) => return Err(D::Error::custom("a step's `parameter` must be an object")),
            None => return Err(D::Error::missing_field("parameter")),
        };
        let parameter = StepParams::from_parts(step_type.as_deref(), &category, parameter)
            .map_err(|e| D::Error::custom(format_args!("step `{name}`: parameter: {e}")))?;
        Ok(Step {
            step_type,
            name,
            category,
            parameter,
            extra: map,
        })
    }
}

/// `if` the step is (`stepType`, `category`) `then` its `parameter` follows `params`.
fn typed_branch(step_type: Option<&str>, category: &str, params: Schema) -> Value {
    let condition = match step_type {
        Some(step_type) => serde_json::json!({
            "properties": {
                "stepType": { "const": step_type },
                "category": { "const": category }
            },
            "required": ["stepType", "category"]
        }),
        None => serde_json::json!({
            "not": { "required": ["stepType"] },
            "properties": { "category": { "const": category } },
            "required": ["category"]
        }),
    };
    serde_json::json!({
        "if": condition,
        "then": { "properties": { "parameter": params } }
    })
}

impl JsonSchema for Step {
    fn schema_name() -> Cow<'static, str> {
        "Step".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mysql = generator.subschema_for::<MysqlReaderParams>();
        let odps = generator.subschema_for::<OdpsWriterParams>();
        let kafka = generator.subschema_for::<KafkaWriterParams>();
        let holo = generator.subschema_for::<HoloWriterParams>();
        let category = generator.subschema_for::<StepCategory>();
        let mut branches = vec![
            typed_branch(Some("mysql"), "reader", mysql.clone()),
            typed_branch(None, "reader", mysql),
            typed_branch(Some("odps"), "writer", odps),
            typed_branch(Some("kafka"), "writer", kafka),
            typed_branch(Some("holo"), "writer", holo),
        ];
        for plugin in catalogue::PLUGINS {
            for role in [Role::Reader, Role::Writer] {
                if !plugin.has_role(role) {
                    continue;
                }
                let Some(params) = StepParams::shape_schema(generator, plugin.shape, role) else {
                    continue;
                };
                for name in std::iter::once(&plugin.name).chain(plugin.also) {
                    let typed_above = matches!(
                        (*name, role),
                        ("mysql", Role::Reader) | ("odps" | "kafka" | "holo", Role::Writer)
                    );
                    if !typed_above {
                        branches.push(typed_branch(Some(name), role.as_str(), params.clone()));
                    }
                }
            }
        }
        json_schema!({
            "type": "object",
            "description": "One step of a job: a reader or a writer. `parameter` is typed by stepType and category: a mysql reader (also a reader without stepType, as in the update TaskParam), the odps, kafka and holo writers, and the batch readers and writers of the plugin catalogue; any other step type is kept as it is.",
            "properties": {
                "stepType": {
                    "type": "string",
                    "description": "The plugin: mysql, odps, holo, oss, ... (the typed ones are listed in examples), or any other DataWorks plugin id.",
                    "examples": TYPED_STEP_TYPES
                },
                "name": {
                    "type": "string",
                    "description": "The step name, unique within the job; hops refer to it."
                },
                "category": category,
                "parameter": {
                    "type": "object",
                    "description": "The plugin's parameters."
                }
            },
            "required": ["name", "category", "parameter"],
            "allOf": branches
        })
    }
}

/// `order`: the job's data flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Order {
    /// Edges from a reader step to a writer step, by step name.
    pub hops: Vec<Hop>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One edge of `order.hops`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Hop {
    /// The name of the step data flows from (a reader).
    pub from: String,
    /// The name of the step data flows to (a writer).
    pub to: String,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Hop {
    /// A hop `from` → `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            extra: Map::new(),
        }
    }
}
