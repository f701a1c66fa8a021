//! Typed DataWorks Data Integration documents (API version 2020-05-18): the TaskParam and
//! TaskContent JSON that real-time and batch sync tasks are made of.
//!
//! - **Documents**: every kind the service takes or returns ([`DocumentKind`]; the
//!   [`Document`] trait), typed where the docs define the fields and lossless everywhere:
//!   unknown fields are kept and written back, and numbers or booleans the service spells as
//!   strings are accepted and written back as read.
//! - **Builders**: [`TaskParam::realtime()`] / [`TaskParam::update()`] and the batch
//!   [`BatchBuilder`], typed and validated.
//! - **Schema**: JSON Schema of each kind, derived from the types ([`schema_for`]).
//! - **Validation** ([`validate_str`], [`validate_value`]): syntax, schema and semantic rules
//!   in one pass, each [`Problem`] with a JSON pointer, a rule id, a message and a fix.
//! - **Updates**: the current table selection of a TaskContent, applying an update TaskParam
//!   to it ([`TaskContent::apply_update`]), and the content the service generates for a create
//!   TaskParam ([`TaskContent::from_realtime_param`]).
//! - **Recovery** ([`TaskContent::recover_param`]): the create TaskParam that yields a
//!   real-time TaskContent, and the update TaskParam that gives a task a param's table selection.
//! - **Diff** ([`diff()`]): tables, mapping rules and other changes between two documents.
//! - **DataX import** ([`datax`]) and the **plugin catalogue** ([`catalogue`]).
//!
//! ```
//! use dataworks_taskparam::{
//!     DocumentKind, HologresWriter, MysqlReader, TaskContent, TaskParam, WriteMode,
//!     describe_problems, validate_str,
//! };
//!
//! let param = TaskParam::realtime()
//!     .resource_group("S_res_group_1")
//!     .reader(MysqlReader::datasource("mysql_pub1").selected_tables("mysql_db", ["orders", "users"]))
//!     .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
//!     .build()?;
//! // A document from elsewhere is checked the same way: every problem, located, with a fix.
//! let report = validate_str(&param.to_json(), Some(DocumentKind::RealtimeTaskParam));
//! assert!(report.is_valid(), "{}", describe_problems(&report.errors));
//! let content = TaskContent::from_realtime_param(&param);
//!
//! let update = TaskParam::update()
//!     .reader(MysqlReader::datasource("mysql_pub1").tables(["orders", "refunds"]))
//!     .build()?;
//! let updated = content.apply_update(&update)?;
//! let diff = dataworks_taskparam::diff(&content, &updated);
//! assert_eq!(diff.tables_added["mysql_db"], ["refunds"]);
//! assert_eq!(diff.tables_removed["mysql_db"], ["users"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod batch_builder;
mod builder;
mod diff;
mod error;
mod kind;
mod lenient;
mod model;
mod recover;
mod schema;
mod update;
mod util;
mod validate;

// Modules whose path a user needs, because their item names are plain and read right only
// under the module's name: the DataX importer (`datax::Action`, `datax::Note`), the plugin
// catalogue (`catalogue::resolve`, `catalogue::PLUGINS`) and the MySQL reader's typestate
// markers (`state::Selected`).
pub mod datax;
pub use builder::state;
pub use model::catalogue;

pub use batch_builder::{BatchBuilder, BatchStep, PluginParams};
pub use builder::{
    HologresWriter, KafkaWriter, MaxComputeWriter, MysqlReader, RealtimeBuilder, TaskParam,
    UpdateBuilder, Writer,
};
pub use diff::{ContentDiff, PathChange, RuleChange, RuleKey, diff, diff_documents, diff_values};
pub use error::{ApplyError, BuildError, ParseError};
pub use kind::{DocumentKind, UnknownKind};
pub use lenient::{BoolOrString, IntOrString, NumberOrString, StringOrList};
pub use model::Document;
pub use model::documents::{
    BatchJob, BatchSetting, ErrorLimit, Extend, RealtimeSetting, RealtimeSyncConfig,
    RealtimeTaskParam, SolutionProcess, Speed, TaskContent, TaskMeta, UpdateTaskParam,
};
pub use model::enums::{Mode, OneClickTaskType, StepCategory, WriteMode};
pub use model::mapping::{
    DataColumn, DstCreateTableInfo, MappingDatasource, PrimaryKeyInfo, TableMappingRule, TableRule,
};
pub use model::mysql::{
    Connection, MysqlReaderParams, SchemaTables, SelectedDatabase, TableInfo, TableSelection,
};
pub use model::plugins::{
    DocumentParams, FileParams, HiveParams, OdpsReaderParams, RdbmsReaderParams, RdbmsWriterParams,
    StreamParams,
};
pub use model::start_param::{
    DdlKind, DdlMark, DdlMarkMap, FailoverLimit, StartErrorLimit, StartParam, StartParamError,
    start_param_schema, start_param_schema_text, validate_start_param, validate_start_param_str,
};
pub use model::step::{Hop, Order, Step, StepParams};
pub use model::writers::{HoloWriterParams, KafkaWriterParams, OdpsWriterParams};
pub use recover::RecoverError;
pub use schema::{published_schemas, schema_file_text, schema_for};
pub use util::{is_secret_key, pointer_touches_secret};
pub use validate::{
    Problem, ValidationReport, describe_problems, explicit_columns, validate_str, validate_value,
};
