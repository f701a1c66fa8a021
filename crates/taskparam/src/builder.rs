//! The builder DSL: typed, discoverable, and impossible to misuse where the type system can
//! say so cheaply. `build()` exists only once a reader with tables (and, for a create, a
//! writer) is given; it runs the validator and returns every problem at once.
//!
//! ```
//! use dataworks_taskparam::{DocumentKind, HologresWriter, MysqlReader, TaskParam, WriteMode};
//!
//! let param = TaskParam::realtime()
//!     .resource_group("S_res_group_1")
//!     .reader(MysqlReader::datasource("mysql_pub1").selected_tables("mysql_db", ["orders", "users"]))
//!     .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
//!     .build()?;
//! let json: String = param.to_json();
//! assert!(json.contains(r#""taskType":"oneclick_to_holo""#));
//!
//! let update = TaskParam::update()
//!     .reader(MysqlReader::datasource("mysql_pub1").tables(["orders", "refunds"]))
//!     .build()?;
//! assert_eq!(DocumentKind::detect(&update.to_value()), Some(DocumentKind::UpdateTaskParam));
//! # Ok::<(), dataworks_taskparam::BuildError>(())
//! ```
//!
//! Misuse that does not compile:
//!
//! ```compile_fail
//! use dataworks_taskparam::{MysqlReader, TaskParam};
//! // no writer: there is no `build()`
//! let _ = TaskParam::realtime().reader(MysqlReader::datasource("m").tables(["t"])).build();
//! ```
//!
//! ```compile_fail
//! use dataworks_taskparam::{MysqlReader, TaskParam};
//! // `table` and `selectedTables` cannot be mixed on one connection
//! let _ = MysqlReader::datasource("m").tables(["t"]).selected_tables("db", ["u"]);
//! ```

use std::marker::PhantomData;

use serde_json::Map;

use crate::error::BuildError;
use crate::kind::DocumentKind;
use crate::lenient::IntOrString;
use crate::model::documents::{RealtimeSetting, RealtimeTaskParam, UpdateTaskParam};
use crate::model::enums::{OneClickTaskType, StepCategory, WriteMode};
use crate::model::mysql::{Connection, MysqlReaderParams, SelectedDatabase, TableSelection};
use crate::model::step::{Step, StepParams};
use crate::model::writers::{HoloWriterParams, KafkaWriterParams, OdpsWriterParams};
use crate::validate::validate_value;

/// Entry points of the builder DSL.
#[derive(Debug, Clone, Copy)]
pub struct TaskParam;

impl TaskParam {
    /// Starts a GenerateDISyncTaskConfigForCreating TaskParam (a real-time MySQL → MaxCompute,
    /// Kafka or Hologres task). Needs `.resource_group(..)`, `.reader(..)` and `.writer(..)`.
    pub fn realtime() -> RealtimeBuilder<(), ()> {
        RealtimeBuilder {
            resource_group: None,
            name: None,
            schedule_resgroup_id: None,
            reader: (),
            writer: (),
        }
    }

    /// Starts a GenerateDISyncTaskConfigForUpdating TaskParam: the tables the task should
    /// sync after the update. Needs `.reader(..)`.
    pub fn update() -> UpdateBuilder<()> {
        UpdateBuilder { reader: () }
    }
}

/// Typestate markers of [`MysqlReader`].
pub mod state {
    /// No table selected yet.
    #[derive(Debug, Clone, Copy)]
    pub struct NoTables;
    /// Tables of one database (`table`).
    #[derive(Debug, Clone, Copy)]
    pub struct Tables;
    /// Tables of named databases (`selectedTables`).
    #[derive(Debug, Clone, Copy)]
    pub struct Selected;

    mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Tables {}
        impl Sealed for super::Selected {}
    }

    /// A reader state with tables selected (sealed).
    pub trait HasTables: sealed::Sealed {}
    impl HasTables for Tables {}
    impl HasTables for Selected {}
}

use state::{HasTables, NoTables, Selected, Tables};

/// A MySQL reader: a data source and its tables, either of one database
/// ([`tables`](MysqlReader::tables)) or of named databases
/// ([`selected_tables`](MysqlReader::selected_tables), callable several times).
#[derive(Debug, Clone)]
pub struct MysqlReader<S = NoTables> {
    datasource: String,
    selection: Option<TableSelection>,
    state: PhantomData<S>,
}

impl MysqlReader<NoTables> {
    /// A reader of the DataWorks data source `name`.
    pub fn datasource(name: impl Into<String>) -> Self {
        Self {
            datasource: name.into(),
            selection: None,
            state: PhantomData,
        }
    }

    /// Tables of one database (`"table": [...]`).
    pub fn tables<I, T>(self, tables: I) -> MysqlReader<Tables>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        MysqlReader {
            datasource: self.datasource,
            selection: Some(TableSelection::Tables(
                tables.into_iter().map(Into::into).collect(),
            )),
            state: PhantomData,
        }
    }

    /// Tables of the database `db` (`"selectedTables": [{"dbName": db, ...}]`).
    pub fn selected_tables<I, T>(self, db: impl Into<String>, tables: I) -> MysqlReader<Selected>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        MysqlReader {
            datasource: self.datasource,
            selection: Some(TableSelection::SelectedTables(vec![SelectedDatabase::new(
                db, tables,
            )])),
            state: PhantomData,
        }
    }
}

impl MysqlReader<Tables> {
    /// Adds one more table.
    pub fn table(mut self, table: impl Into<String>) -> Self {
        if let Some(TableSelection::Tables(tables)) = &mut self.selection {
            tables.push(table.into());
        }
        self
    }
}

impl MysqlReader<Selected> {
    /// Adds the tables of another database.
    pub fn selected_tables<I, T>(mut self, db: impl Into<String>, tables: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        if let Some(TableSelection::SelectedTables(dbs)) = &mut self.selection {
            dbs.push(SelectedDatabase::new(db, tables));
        }
        self
    }
}

impl<S: HasTables> MysqlReader<S> {
    fn into_connection(self, with_type: bool) -> Connection {
        let mut conn = Connection::new(
            self.datasource,
            self.selection.unwrap_or(TableSelection::Tables(Vec::new())),
        );
        if !with_type {
            conn.datasource_type = None;
        }
        conn
    }
}

/// A Hologres writer (`stepType: "holo"`).
#[derive(Debug, Clone)]
pub struct HologresWriter {
    datasource: String,
    write_mode: Option<WriteMode>,
    datasource_schema: Option<String>,
}

impl HologresWriter {
    /// A writer to the DataWorks data source `name`.
    pub fn datasource(name: impl Into<String>) -> Self {
        Self {
            datasource: name.into(),
            write_mode: None,
            datasource_schema: None,
        }
    }

    /// `writeMode` (real-time tasks use [`WriteMode::Replay`]).
    pub fn write_mode(mut self, mode: WriteMode) -> Self {
        self.write_mode = Some(mode);
        self
    }

    /// `datasourceSchema`, the target schema (such as `public`).
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.datasource_schema = Some(schema.into());
        self
    }
}

/// A MaxCompute writer (`stepType: "odps"`).
#[derive(Debug, Clone)]
pub struct MaxComputeWriter {
    datasource: String,
}

impl MaxComputeWriter {
    /// A writer to the DataWorks data source `name` (`odps_first` is the workspace default).
    pub fn datasource(name: impl Into<String>) -> Self {
        Self {
            datasource: name.into(),
        }
    }
}

/// A Kafka writer (`stepType: "kafka"`).
#[derive(Debug, Clone)]
pub struct KafkaWriter {
    datasource: String,
    topic: Option<String>,
}

impl KafkaWriter {
    /// A writer to the DataWorks data source `name`.
    pub fn datasource(name: impl Into<String>) -> Self {
        Self {
            datasource: name.into(),
            topic: None,
        }
    }

    /// A fixed target `topic`.
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(topic.into());
        self
    }
}

/// Any of the typed writers.
#[derive(Debug, Clone)]
pub enum Writer {
    /// Hologres.
    Hologres(HologresWriter),
    /// MaxCompute.
    MaxCompute(MaxComputeWriter),
    /// Kafka.
    Kafka(KafkaWriter),
}

impl From<HologresWriter> for Writer {
    fn from(w: HologresWriter) -> Self {
        Self::Hologres(w)
    }
}

impl From<MaxComputeWriter> for Writer {
    fn from(w: MaxComputeWriter) -> Self {
        Self::MaxCompute(w)
    }
}

impl From<KafkaWriter> for Writer {
    fn from(w: KafkaWriter) -> Self {
        Self::Kafka(w)
    }
}

impl Writer {
    /// The writer's `stepType`.
    pub fn step_type(&self) -> &'static str {
        match self {
            Self::Hologres(_) => "holo",
            Self::MaxCompute(_) => "odps",
            Self::Kafka(_) => "kafka",
        }
    }

    /// The `setting.taskType` that goes with this writer.
    pub fn task_type(&self) -> OneClickTaskType {
        match self {
            Self::Hologres(_) => OneClickTaskType::OneclickToHolo,
            Self::MaxCompute(_) => OneClickTaskType::OneclickToOdps,
            Self::Kafka(_) => OneClickTaskType::OneclickToKafka,
        }
    }

    fn into_params(self) -> StepParams {
        match self {
            Self::Hologres(w) => StepParams::HoloWriter(HoloWriterParams {
                datasource: Some(w.datasource),
                write_mode: w.write_mode,
                datasource_schema: w.datasource_schema,
                ..HoloWriterParams::default()
            }),
            Self::MaxCompute(w) => StepParams::OdpsWriter(OdpsWriterParams {
                datasource: Some(w.datasource),
                ..OdpsWriterParams::default()
            }),
            Self::Kafka(w) => StepParams::KafkaWriter(KafkaWriterParams {
                datasource: Some(w.datasource),
                topic: w.topic,
                ..KafkaWriterParams::default()
            }),
        }
    }
}

/// Builds a [`RealtimeTaskParam`]. `R` and `W` say whether the reader and the writer are
/// set; `build()` exists only when both are.
#[derive(Debug, Clone)]
pub struct RealtimeBuilder<R, W> {
    resource_group: Option<String>,
    name: Option<String>,
    schedule_resgroup_id: Option<i64>,
    reader: R,
    writer: W,
}

impl<R, W> RealtimeBuilder<R, W> {
    /// `setting.resourceGroup`: the resource group identifier (required).
    pub fn resource_group(mut self, group: impl Into<String>) -> Self {
        self.resource_group = Some(group.into());
        self
    }

    /// `setting.name`: the task name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `setting.scheduleResgroupId`: the scheduling resource group id.
    pub fn schedule_resgroup_id(mut self, id: i64) -> Self {
        self.schedule_resgroup_id = Some(id);
        self
    }
}

impl<W> RealtimeBuilder<(), W> {
    /// The MySQL reader, with its tables.
    pub fn reader<S: HasTables>(
        self,
        reader: MysqlReader<S>,
    ) -> RealtimeBuilder<MysqlReader<S>, W> {
        RealtimeBuilder {
            resource_group: self.resource_group,
            name: self.name,
            schedule_resgroup_id: self.schedule_resgroup_id,
            reader,
            writer: self.writer,
        }
    }
}

impl<R> RealtimeBuilder<R, ()> {
    /// The writer: [`HologresWriter`], [`MaxComputeWriter`] or [`KafkaWriter`]. It also sets
    /// `setting.taskType` (`oneclick_to_holo`, ...).
    pub fn writer(self, writer: impl Into<Writer>) -> RealtimeBuilder<R, Writer> {
        RealtimeBuilder {
            resource_group: self.resource_group,
            name: self.name,
            schedule_resgroup_id: self.schedule_resgroup_id,
            reader: self.reader,
            writer: writer.into(),
        }
    }
}

impl<S: HasTables> RealtimeBuilder<MysqlReader<S>, Writer> {
    /// The document, validated (every problem at once in [`BuildError::Invalid`]).
    pub fn build(self) -> Result<RealtimeTaskParam, BuildError> {
        let task_type = self.writer.task_type();
        let writer_type = self.writer.step_type();
        let reader = Step::new(
            Some("mysql"),
            "Reader",
            StepCategory::Reader,
            StepParams::MysqlReader(MysqlReaderParams {
                connection: Some(vec![self.reader.into_connection(true)]),
                ..MysqlReaderParams::default()
            }),
        );
        let writer = Step::new(
            Some(writer_type),
            "Writer",
            StepCategory::Writer,
            self.writer.into_params(),
        );
        let param = RealtimeTaskParam {
            doc_type: "realtime".to_owned(),
            version: "1.0".to_owned(),
            setting: RealtimeSetting {
                resource_group: self.resource_group.unwrap_or_default(),
                task_type,
                name: self.name,
                schedule_resgroup_id: self.schedule_resgroup_id.map(IntOrString::from),
                extra: Map::new(),
            },
            steps: vec![reader, writer],
            extra: Map::new(),
        };
        checked(param.to_value(), DocumentKind::RealtimeTaskParam).map(|()| param)
    }
}

/// Builds an [`UpdateTaskParam`]; `build()` exists once the reader is set.
#[derive(Debug, Clone)]
pub struct UpdateBuilder<R> {
    reader: R,
}

impl UpdateBuilder<()> {
    /// The MySQL reader with the tables the task should sync after the update.
    pub fn reader<S: HasTables>(self, reader: MysqlReader<S>) -> UpdateBuilder<MysqlReader<S>> {
        UpdateBuilder { reader }
    }
}

impl<S: HasTables> UpdateBuilder<MysqlReader<S>> {
    /// The document, validated. It has the official sample's shape (a reader step without
    /// `stepType`), plus the connection's `datasource`.
    pub fn build(self) -> Result<UpdateTaskParam, BuildError> {
        let reader = Step::new(
            None,
            "Reader",
            StepCategory::Reader,
            StepParams::MysqlReader(MysqlReaderParams {
                connection: Some(vec![self.reader.into_connection(false)]),
                ..MysqlReaderParams::default()
            }),
        );
        let param = UpdateTaskParam {
            steps: vec![reader],
            extra: Map::new(),
        };
        checked(param.to_value(), DocumentKind::UpdateTaskParam).map(|()| param)
    }
}

fn checked(value: serde_json::Value, kind: DocumentKind) -> Result<(), BuildError> {
    let report = validate_value(&value, Some(kind));
    if report.is_valid() {
        Ok(())
    } else {
        Err(BuildError::Invalid {
            kind,
            problems: report.errors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_has_the_sample_shape() {
        let param = TaskParam::realtime()
            .resource_group("S_res_group_1")
            .reader(MysqlReader::datasource("mysql_pub").tables(["xyx"]))
            .writer(MaxComputeWriter::datasource("odps_first"))
            .build()
            .unwrap();
        let expected = serde_json::json!({
            "type": "realtime", "version": "1.0",
            "setting": {"resourceGroup": "S_res_group_1", "taskType": "oneclick_to_odps"},
            "steps": [
                {"stepType": "mysql", "parameter": {"connection": [{"datasourceType": "mysql", "datasource": "mysql_pub", "table": ["xyx"]}]}, "name": "Reader", "category": "reader"},
                {"stepType": "odps", "parameter": {"datasource": "odps_first"}, "name": "Writer", "category": "writer"}
            ]
        });
        assert_eq!(param.to_value(), expected);
    }

    #[test]
    fn problems_are_all_reported() {
        let err = TaskParam::realtime()
            .reader(
                MysqlReader::datasource("m")
                    .selected_tables("db", ["a", "a"])
                    .selected_tables("", Vec::<String>::new()),
            )
            .writer(KafkaWriter::datasource("k"))
            .build()
            .unwrap_err();
        let BuildError::Invalid { problems, .. } = &err;
        let rules: Vec<&str> = problems.iter().map(|p| p.rule.as_str()).collect();
        assert!(rules.contains(&"resource-group.empty"), "{rules:?}");
        assert!(rules.contains(&"tables.duplicate"), "{rules:?}");
        assert!(rules.contains(&"selected.dbname"), "{rules:?}");
        assert!(rules.contains(&"tables.non-empty"), "{rules:?}");
        // Each problem is listed as its Display shows it: pointer, message, rule and fix.
        let text = err.to_string();
        assert!(
            problems.iter().all(|p| text.contains(&p.to_string())),
            "{text}"
        );
    }

    #[test]
    fn update_has_the_sample_shape() {
        let update = TaskParam::update()
            .reader(
                MysqlReader::datasource("mysql_pub1")
                    .tables(["xyx"])
                    .table("abc"),
            )
            .build()
            .unwrap();
        assert_eq!(
            update.to_value(),
            serde_json::json!({"steps": [{"parameter": {"connection": [{"datasource": "mysql_pub1", "table": ["xyx", "abc"]}]}, "name": "Reader", "category": "reader"}]})
        );
    }
}
