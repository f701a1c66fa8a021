//! The batch job builder: a [`BatchJob`] with any typed reader and writer of the plugin
//! catalogue, speed, error limit and hops, in the real-time builder's typestate style:
//! `build()` exists only once a reader and a writer are given, and it runs the validator,
//! returning every problem at once.
//!
//! ```
//! use dataworks_taskparam::{
//!     BatchStep, Connection, OdpsWriterParams, RdbmsReaderParams, TableSelection, TaskParam,
//! };
//!
//! let reader = RdbmsReaderParams {
//!     datasource: Some("pg_src".into()),
//!     connection: Some(vec![Connection::new(
//!         "pg_src",
//!         TableSelection::Tables(vec!["public.person".into()]),
//!     )]),
//!     column: Some(vec!["id".into(), "name".into()]),
//!     split_pk: Some("id".into()),
//!     ..RdbmsReaderParams::default()
//! };
//! let writer = OdpsWriterParams {
//!     datasource: Some("odps_first".into()),
//!     table: Some("ods_person".into()),
//!     partition: Some("pt=${bizdate}".into()),
//!     column: Some(vec!["id".into(), "name".into()]),
//!     ..OdpsWriterParams::default()
//! };
//! let job = TaskParam::batch()
//!     .reader(BatchStep::new("postgresql", reader))
//!     .writer(BatchStep::new("odps", writer))
//!     .concurrent(2)
//!     .throttle_mbps(10)
//!     .error_limit_records(0)
//!     .build()?;
//! assert_eq!(job.steps[0].step_type.as_deref(), Some("postgresql"));
//! assert!(job.to_json().contains(r#""concurrent":2"#));
//! # Ok::<(), dataworks_taskparam::BuildError>(())
//! ```
//!
//! No writer, no `build()`:
//!
//! ```compile_fail
//! use dataworks_taskparam::{BatchStep, TaskParam, RdbmsReaderParams};
//! let _ = TaskParam::batch().reader(BatchStep::new("mysql", RdbmsReaderParams::default())).build();
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

use crate::builder::TaskParam;
use crate::error::BuildError;
use crate::kind::DocumentKind;
use crate::lenient::{BoolOrString, IntOrString, NumberOrString};
use crate::model::documents::{BatchJob, BatchSetting, ErrorLimit, Speed};
use crate::model::enums::StepCategory;
use crate::model::mysql::MysqlReaderParams;
use crate::model::plugins::{
    DocumentParams, FileParams, HiveParams, OdpsReaderParams, RdbmsWriterParams, StreamParams,
};
use crate::model::step::{Hop, Order, Step, StepParams};
use crate::model::writers::{HoloWriterParams, KafkaWriterParams, OdpsWriterParams};
use crate::validate::{Problem, validate_value};

/// The typed parameter structs a [`BatchStep`] takes.
pub trait PluginParams: Serialize {}

impl PluginParams for MysqlReaderParams {}
impl PluginParams for RdbmsWriterParams {}
impl PluginParams for OdpsReaderParams {}
impl PluginParams for OdpsWriterParams {}
impl PluginParams for HoloWriterParams {}
impl PluginParams for KafkaWriterParams {}
impl PluginParams for FileParams {}
impl PluginParams for HiveParams {}
impl PluginParams for StreamParams {}
impl PluginParams for DocumentParams {}

/// One end of a batch job: a plugin (`stepType`) and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStep {
    step_type: String,
    name: Option<String>,
    parameter: Map<String, Value>,
}

impl BatchStep {
    /// A step of `step_type` (a catalogue name: `postgresql`, `odps`, `oss`, ...) with typed
    /// parameters.
    pub fn new(step_type: impl Into<String>, params: impl PluginParams) -> Self {
        let parameter = match serde_json::to_value(&params) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Self::from_parameter(step_type, parameter)
    }

    /// A step from parameters already in JSON form (any plugin, typed or not).
    pub fn from_parameter(step_type: impl Into<String>, parameter: Map<String, Value>) -> Self {
        Self {
            step_type: step_type.into(),
            name: None,
            parameter,
        }
    }

    /// The step's `name` (default `Reader` / `Writer`, as in the pages' demos).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// Builds a [`BatchJob`]. `R` and `W` say whether the reader and the writer are set;
/// `build()` exists only when both are.
#[derive(Debug, Clone)]
pub struct BatchBuilder<R, W> {
    reader: R,
    writer: W,
    concurrent: Option<u32>,
    mbps: Option<u32>,
    error_limit: Option<u64>,
}

impl TaskParam {
    /// Starts a batch (DI_OFFLINE) job script. Needs `.reader(..)` and `.writer(..)`.
    pub fn batch() -> BatchBuilder<(), ()> {
        BatchBuilder {
            reader: (),
            writer: (),
            concurrent: None,
            mbps: None,
            error_limit: None,
        }
    }
}

impl<R, W> BatchBuilder<R, W> {
    /// The reader step.
    pub fn reader(self, reader: BatchStep) -> BatchBuilder<BatchStep, W> {
        BatchBuilder {
            reader,
            writer: self.writer,
            concurrent: self.concurrent,
            mbps: self.mbps,
            error_limit: self.error_limit,
        }
    }

    /// The writer step.
    pub fn writer(self, writer: BatchStep) -> BatchBuilder<R, BatchStep> {
        BatchBuilder {
            reader: self.reader,
            writer,
            concurrent: self.concurrent,
            mbps: self.mbps,
            error_limit: self.error_limit,
        }
    }

    /// `setting.speed.concurrent`: the expected maximum concurrency (at least 1; default 1).
    pub fn concurrent(mut self, concurrent: u32) -> Self {
        self.concurrent = Some(concurrent);
        self
    }

    /// Rate-limits the job: `setting.speed.throttle: true` and `mbps` (MB/s). Without it the
    /// job is not throttled (`throttle: false`).
    pub fn throttle_mbps(mut self, mbps: u32) -> Self {
        self.mbps = Some(mbps);
        self
    }

    /// `setting.errorLimit.record`: the dirty records tolerated (0 = none). Without it no
    /// limit is written (`""`).
    pub fn error_limit_records(mut self, records: u64) -> Self {
        self.error_limit = Some(records);
        self
    }
}

impl BatchBuilder<BatchStep, BatchStep> {
    /// Builds the job and validates it; every problem comes back at once.
    pub fn build(self) -> Result<BatchJob, BuildError> {
        let (job, mut problems) = self.assemble();
        let report = validate_value(&job.to_value(), Some(DocumentKind::BatchJob));
        problems.extend(report.errors);
        if problems.is_empty() {
            Ok(job)
        } else {
            Err(BuildError::Invalid {
                kind: DocumentKind::BatchJob,
                problems,
            })
        }
    }

    /// The job, not validated, and the steps whose parameters did not fit their plugin.
    pub(crate) fn assemble(self) -> (BatchJob, Vec<Problem>) {
        let reader_name = self.reader.name.clone().unwrap_or_else(|| "Reader".into());
        let writer_name = self.writer.name.clone().unwrap_or_else(|| "Writer".into());
        let mut problems = Vec::new();
        let steps = [
            (self.reader, StepCategory::Reader, reader_name.clone()),
            (self.writer, StepCategory::Writer, writer_name.clone()),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (step, category, name))| {
            let parameter =
                StepParams::from_parts(Some(&step.step_type), &category, step.parameter.clone())
                    .unwrap_or_else(|e| {
                        problems.push(Problem::new(
                    format!("/steps/{i}/parameter"),
                    "builder.params",
                    format!(
                        "the parameters do not fit the `{}` plugin's type: {e}",
                        step.step_type
                    ),
                    "give the parameter struct of the plugin's shape (see the plugin catalogue)",
                ));
                        StepParams::Other(step.parameter)
                    });
            Step::new(Some(&step.step_type), name, category, parameter)
        })
        .collect();
        let speed = Speed {
            concurrent: Some(IntOrString::Number(self.concurrent.unwrap_or(1).into())),
            throttle: Some(BoolOrString::Bool(self.mbps.is_some())),
            mbps: self.mbps.map(|m| NumberOrString::Number(m.into())),
            ..Speed::default()
        };
        let error_limit = ErrorLimit {
            record: Some(match self.error_limit {
                Some(n) => IntOrString::Number(n.into()),
                None => IntOrString::Text(String::new()),
            }),
            ..ErrorLimit::default()
        };
        let job = BatchJob {
            doc_type: "job".into(),
            version: "2.0".into(),
            steps,
            setting: Some(BatchSetting {
                error_limit: Some(error_limit),
                speed: Some(speed),
                extra: Map::new(),
            }),
            order: Some(Order {
                hops: vec![Hop::new(reader_name, writer_name)],
                extra: Map::new(),
            }),
            extra: Map::new(),
        };
        (job, problems)
    }
}
