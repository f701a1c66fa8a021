//! The DataX importer: an open-source DataX job (`{"job": {"content": [{"reader", "writer"}],
//! "setting"}}`) becomes a DataWorks batch job. Plugin names are mapped through the plugin
//! catalogue, connection settings and credentials (`jdbcUrl`, `username`, `password`,
//! access keys, endpoints) are replaced by the DataWorks data source the map names for the
//! connection, speed and error limit are carried over, and every field without a DataWorks
//! equivalent is reported ([`Note`]) — kept when DataWorks may still read it, dropped only
//! when it cannot mean anything there. Values are never printed, only keys and pointers.
//!
//! ```
//! use dataworks_taskparam::datax::{DatasourceMap, convert_datax};
//! use serde_json::json;
//!
//! let job = json!({"job": {"setting": {"speed": {"channel": 2}}, "content": [{
//!     "reader": {"name": "mysqlreader", "parameter": {"username": "root", "password": "pw",
//!         "column": ["id"], "connection": [{"table": ["t"], "jdbcUrl": ["jdbc:mysql://db.invalid:3306/d"]}]}},
//!     "writer": {"name": "streamwriter", "parameter": {"print": true}}}]}});
//! let map = DatasourceMap::from_json(r#"{"jdbc:mysql://db.invalid:3306/d": "mysql_src"}"#)?;
//! let out = convert_datax(&job, &map)?;
//! assert!(out.report.is_valid());
//! assert_eq!(out.job.steps[0].parameter.datasource(), Some("mysql_src"));
//! assert!(!out.job.to_json().contains("pw"));
//! # Ok::<(), dataworks_taskparam::datax::DataxError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::batch_builder::BatchStep;
use crate::builder::TaskParam;
use crate::kind::DocumentKind;
use crate::lenient::NumberOrString;
use crate::model::catalogue::{self, PluginInfo, Role, Shape};
use crate::model::documents::BatchJob;
use crate::model::param_spec::is_documented;
use crate::util::join_pointer;
use crate::validate::{ValidationReport, validate_value};

/// Which DataWorks data source stands for each DataX connection: connection string
/// (`jdbcUrl`, MaxCompute `project`, HDFS `defaultFS`, OSS `bucket`, ...) → data source name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasourceMap(BTreeMap<String, String>);

impl DatasourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the map file: a JSON object of strings, `{"<connection>": "<data source>"}`.
    pub fn from_json(text: &str) -> Result<Self, DataxError> {
        let value: Value = serde_json::from_str(text).map_err(|e| DataxError::BadMap {
            reason: format!("not JSON: {e}"),
        })?;
        let Value::Object(map) = value else {
            return Err(DataxError::BadMap {
                reason: "not a JSON object".into(),
            });
        };
        let mut out = BTreeMap::new();
        for (key, value) in map {
            match value {
                Value::String(name) if !name.trim().is_empty() => {
                    out.insert(key, name);
                }
                _ => {
                    return Err(DataxError::BadMap {
                        reason: format!(
                            "the entry for `{}` is not a data source name (a non-empty string)",
                            redact(&key)
                        ),
                    });
                }
            }
        }
        Ok(Self(out))
    }

    /// Adds an entry.
    pub fn insert(&mut self, connection: impl Into<String>, datasource: impl Into<String>) {
        self.0.insert(connection.into(), datasource.into());
    }

    fn get(&self, connection: &str) -> Option<&str> {
        self.0.get(connection).map(String::as_str)
    }
}

/// What happened to one DataX field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// A connection setting or credential, replaced by the data source name.
    ReplacedByDatasource,
    /// Carried over in DataWorks form (`channel` → `concurrent`, `byte` → `mbps`, ...).
    Converted,
    /// Kept as written, but the DataWorks page of the plugin does not document it.
    KeptUndocumented,
    /// Not carried: DataWorks has no equivalent.
    Dropped,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ReplacedByDatasource => "replaced by the data source",
            Self::Converted => "converted",
            Self::KeptUndocumented => "kept, not documented by DataWorks",
            Self::Dropped => "dropped, no DataWorks equivalent",
        })
    }
}

/// One DataX field that was not carried over unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// JSON pointer of the field in the DataX job.
    pub pointer: String,
    /// What happened to it.
    pub action: Action,
    /// Details (never a value of the field).
    pub detail: String,
}

/// The outcome of a conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The DataWorks batch job.
    pub job: BatchJob,
    /// Every field not carried over unchanged.
    pub notes: Vec<Note>,
    /// The job's validation (warnings, and errors when the DataX job itself was incomplete).
    pub report: ValidationReport,
}

/// A connection with no entry in the data source map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingConnection {
    /// JSON pointer of the connection setting in the DataX job.
    pub pointer: String,
    /// The connection, query string removed (it may hold credentials).
    pub connection: String,
}

/// Why a DataX job could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataxError {
    /// Not a DataX job.
    #[error(
        "not a DataX job: {reason}; expected {{\"job\": {{\"content\": [{{\"reader\": ..., \"writer\": ...}}]}}}}"
    )]
    NotDatax {
        /// What is missing.
        reason: String,
    },
    /// DataWorks batch jobs have one reader and one writer.
    #[error(
        "the DataX job has {count} `content` entries; a DataWorks batch job has one reader and one writer: split it into {count} jobs"
    )]
    SeveralContents {
        /// How many entries.
        count: usize,
    },
    /// A plugin with no DataWorks counterpart in the catalogue.
    #[error(
        "{pointer}: the DataX plugin `{name}` has no DataWorks {role} in this tool's catalogue; convert this step by hand"
    )]
    UnknownPlugin {
        /// Where.
        pointer: String,
        /// The DataX name.
        name: String,
        /// The slot it is in.
        role: Role,
    },
    /// Connections with no data source in the map.
    #[error("no DataWorks data source for {}: add to the --datasource-map file {{\"<connection>\": \"<data source name>\"}} (a DataWorks job names a data source, never credentials)", list(.missing))]
    NoDatasource {
        /// Every connection without an entry.
        missing: Vec<MissingConnection>,
    },
    /// The map file is not usable.
    #[error(
        "the data source map is not usable: {reason}; write a JSON object {{\"<connection>\": \"<data source name>\"}}"
    )]
    BadMap {
        /// What is wrong.
        reason: String,
    },
}

fn list(missing: &[MissingConnection]) -> String {
    missing
        .iter()
        .map(|m| format!("`{}` (at {})", m.connection, m.pointer))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A connection string as it may be printed: the query string (which may carry a user or
/// a password) is cut off.
fn redact(connection: &str) -> String {
    match connection.split_once('?') {
        Some((head, _)) => format!("{head}?…"),
        None => connection.to_owned(),
    }
}

/// How a plugin's DataX parameters name their connection.
struct ConnectionKeys {
    /// The key whose value identifies the connection (the map's key).
    identity: &'static [&'static str],
    /// Keys that are connection settings or credentials, replaced by the data source.
    replaced: &'static [&'static str],
}

fn connection_keys(plugin: &PluginInfo) -> ConnectionKeys {
    let (identity, replaced): (&[&str], &[&str]) = match (plugin.shape, plugin.name) {
        (Shape::Relational, _) | (_, "drds" | "db2" | "rdbms") => {
            (&["jdbcUrl"], &["username", "password", "jdbcUrl"])
        }
        (Shape::Holo, _) => (&["jdbcUrl"], &["username", "password", "jdbcUrl"]),
        (Shape::Odps, _) => (
            &["project"],
            &[
                "project",
                "accessId",
                "accessKey",
                "odpsServer",
                "tunnelServer",
                "accountType",
                "packageAuthorizedProject",
            ],
        ),
        (_, "oss") => (
            &["bucket"],
            &["bucket", "endpoint", "accessId", "accessKey"],
        ),
        (_, "hdfs" | "hive") => (
            &["defaultFS", "jdbcUrl"],
            &[
                "defaultFS",
                "jdbcUrl",
                "username",
                "password",
                "haveKerberos",
                "kerberosKeytabFilePath",
                "kerberosPrincipal",
            ],
        ),
        (_, "ftp") => (
            &["host"],
            &[
                "host",
                "port",
                "username",
                "password",
                "protocol",
                "connectPattern",
            ],
        ),
        (_, "kafka") => (
            &["bootstrapServers", "server"],
            &["bootstrapServers", "server"],
        ),
        (_, "datahub" | "LogHub") => (
            &["project"],
            &["project", "endpoint", "accessId", "accessKey"],
        ),
        (_, "mongodb") => (
            &["address"],
            &["address", "userName", "userPassword", "authDb", "dbName"],
        ),
        (_, "elasticsearch") => (
            &["endpoint"],
            &["endpoint", "accessId", "accessKey", "username", "password"],
        ),
        _ => (&[], &[]),
    };
    ConnectionKeys { identity, replaced }
}

/// The connection strings a value names (a string, or each string of a list).
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

struct Converter<'a> {
    map: &'a DatasourceMap,
    notes: Vec<Note>,
    missing: Vec<MissingConnection>,
}

impl Converter<'_> {
    fn note(&mut self, pointer: &str, action: Action, detail: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_owned(),
            action,
            detail: detail.into(),
        });
    }

    /// The data source of the connection named at `ptr` by `value`: the first of its
    /// strings the map knows (DataX lists several URLs of one database to probe).
    fn datasource(&mut self, value: &Value, ptr: &str) -> Option<String> {
        let names = strings(value);
        if let Some(found) = names.iter().find_map(|n| self.map.get(n)) {
            return Some(found.to_owned());
        }
        self.missing.push(MissingConnection {
            pointer: ptr.to_owned(),
            connection: names
                .first()
                .map_or_else(|| "<empty>".to_owned(), |n| redact(n)),
        });
        None
    }

    fn step(&mut self, slot: &Value, role: Role, ptr: &str) -> Result<BatchStep, DataxError> {
        let name = slot.get("name").and_then(Value::as_str).unwrap_or("");
        let plugin = match catalogue::datax(name) {
            Some((plugin, r)) if r == role => plugin,
            _ => {
                return Err(DataxError::UnknownPlugin {
                    pointer: join_pointer(ptr, "name"),
                    name: name.to_owned(),
                    role,
                });
            }
        };
        if let Some(obj) = slot.as_object() {
            for key in obj.keys().filter(|k| *k != "name" && *k != "parameter") {
                self.note(
                    &join_pointer(ptr, key),
                    Action::Dropped,
                    format!("`{key}` of a DataX {role} slot"),
                );
            }
        }
        let param_ptr = join_pointer(ptr, "parameter");
        let mut param = slot
            .get("parameter")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let keys = connection_keys(plugin);
        let mut datasource = None;
        let mut hoisted = Vec::new();
        // Relational: the connection list carries the URL (and the tables).
        if param.get("connection").is_some_and(Value::is_array)
            && keys.identity.contains(&"jdbcUrl")
        {
            (datasource, hoisted) = self.relational_connections(&mut param, role, &param_ptr);
        }
        for key in keys.identity {
            if let Some(value) = param.get(*key).cloned() {
                let found = self.datasource(&value, &join_pointer(&param_ptr, key));
                datasource = datasource.or(found);
                break;
            }
        }
        for key in keys.replaced {
            if param.shift_remove(*key).is_some() {
                self.note(
                    &join_pointer(&param_ptr, key),
                    Action::ReplacedByDatasource,
                    format!("`{key}` is part of the DataWorks data source"),
                );
            }
        }
        if let Some(ds) = datasource {
            let mut with_ds = Map::new();
            with_ds.insert("datasource".into(), Value::String(ds));
            with_ds.extend(param);
            param = with_ds;
        }
        for key in param.keys().filter(|k| *k != "datasource") {
            let documented = !plugin.is_typed() || is_documented(plugin.name, role, key);
            let from_connection = hoisted
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, from)| from.as_str());
            match (from_connection, documented) {
                (Some(from), true) => self.note(
                    from,
                    Action::Converted,
                    format!("`connection[0].{key}` → `{key}` (the DataWorks writer form)"),
                ),
                (Some(from), false) => self.note(
                    from,
                    Action::KeptUndocumented,
                    format!(
                        "`connection[0].{key}` → `{key}` (the DataWorks writer form); the DataWorks {} {role} page does not list `{key}`",
                        plugin.title
                    ),
                ),
                (None, false) => self.note(
                    &join_pointer(&param_ptr, key),
                    Action::KeptUndocumented,
                    format!(
                        "the DataWorks {} {role} page does not list `{key}`",
                        plugin.title
                    ),
                ),
                (None, true) => {}
            }
        }
        Ok(BatchStep::from_parameter(plugin.name, param))
    }

    /// Rewrites a relational `connection` list: each `jdbcUrl` becomes the connection's
    /// `datasource`; a writer's single connection becomes the flat form (`table` and the
    /// connection's other keys at the top level), unless a key is also at the top level with
    /// another value: then the connection list is kept, so nothing the job says is lost.
    /// Returns the first connection's data source, and each key moved to the top level with
    /// its pointer in the DataX job.
    fn relational_connections(
        &mut self,
        param: &mut Map<String, Value>,
        role: Role,
        ptr: &str,
    ) -> (Option<String>, Vec<(String, String)>) {
        let conn_ptr = join_pointer(ptr, "connection");
        let mut first = None;
        let mut conns = match param.shift_remove("connection") {
            Some(Value::Array(conns)) => conns,
            _ => return (None, Vec::new()),
        };
        for (i, conn) in conns.iter_mut().enumerate() {
            let this_ptr = join_pointer(&conn_ptr, &i.to_string());
            let Some(conn) = conn.as_object_mut() else {
                continue;
            };
            if let Some(url) = conn.shift_remove("jdbcUrl") {
                let url_ptr = join_pointer(&this_ptr, "jdbcUrl");
                self.note(
                    &url_ptr,
                    Action::ReplacedByDatasource,
                    "the connection's `jdbcUrl` is the DataWorks data source",
                );
                if let Some(ds) = self.datasource(&url, &url_ptr) {
                    first = first.or_else(|| Some(ds.clone()));
                    conn.insert("datasource".into(), Value::String(ds));
                }
            }
        }
        let mut hoisted = Vec::new();
        match conns.as_slice() {
            [Value::Object(conn)] if role == Role::Writer => {
                let mut flat = conn.clone();
                flat.shift_remove("datasource");
                if let Some(Value::Array(tables)) = flat.get("table")
                    && let [one] = tables.as_slice()
                {
                    let one = one.clone();
                    flat.insert("table".into(), one);
                }
                let first_ptr = join_pointer(&conn_ptr, "0");
                let clashes: Vec<String> = flat
                    .iter()
                    .filter(|(k, v)| param.get(*k).is_some_and(|top| top != *v))
                    .map(|(k, _)| k.clone())
                    .collect();
                if clashes.is_empty() {
                    for (key, value) in flat {
                        hoisted.push((key.clone(), join_pointer(&first_ptr, &key)));
                        param.insert(key, value);
                    }
                    return (first, hoisted);
                }
                for key in clashes {
                    self.note(
                        &join_pointer(&first_ptr, &key),
                        Action::KeptUndocumented,
                        format!("the top level has a different `{key}` and the flat DataWorks writer form holds one, so the writer keeps its `connection` list"),
                    );
                }
            }
            _ => {}
        }
        param.insert("connection".into(), Value::Array(conns));
        (first, hoisted)
    }
}

/// Converts a DataX job. Connections with no entry in `map` are an error naming every one;
/// unknown plugins are an error; everything else converts, with a [`Note`] for each field not
/// carried over unchanged and the validation of the result.
pub fn convert_datax(datax: &Value, map: &DatasourceMap) -> Result<Conversion, DataxError> {
    let job = datax
        .get("job")
        .and_then(Value::as_object)
        .ok_or_else(|| DataxError::NotDatax {
            reason: "no `job` object".into(),
        })?;
    let contents = job
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| DataxError::NotDatax {
            reason: "no `job.content` list".into(),
        })?;
    let content = match contents.as_slice() {
        [one] => one,
        [] => {
            return Err(DataxError::NotDatax {
                reason: "`job.content` is empty".into(),
            });
        }
        many => return Err(DataxError::SeveralContents { count: many.len() }),
    };
    let mut conv = Converter {
        map,
        notes: Vec::new(),
        missing: Vec::new(),
    };
    if let Some(top) = datax.as_object() {
        for key in top.keys().filter(|k| *k != "job") {
            conv.note(
                &join_pointer("", key),
                Action::Dropped,
                format!("top-level `{key}` (DataX engine settings)"),
            );
        }
    }
    for key in job.keys().filter(|k| *k != "content" && *k != "setting") {
        conv.note(
            &join_pointer("/job", key),
            Action::Dropped,
            format!("`job.{key}`"),
        );
    }
    if let Some(obj) = content.as_object() {
        for key in obj.keys().filter(|k| *k != "reader" && *k != "writer") {
            conv.note(
                &join_pointer("/job/content/0", key),
                Action::Dropped,
                format!("`{key}` (DataWorks batch jobs have no per-content {key})"),
            );
        }
    }
    let reader = conv.step(
        content.get("reader").unwrap_or(&Value::Null),
        Role::Reader,
        "/job/content/0/reader",
    )?;
    let writer = conv.step(
        content.get("writer").unwrap_or(&Value::Null),
        Role::Writer,
        "/job/content/0/writer",
    )?;
    if !conv.missing.is_empty() {
        return Err(DataxError::NoDatasource {
            missing: conv.missing,
        });
    }
    let mut builder = TaskParam::batch().reader(reader).writer(writer);
    let setting = job.get("setting").and_then(Value::as_object);
    let speed = setting
        .and_then(|s| s.get("speed"))
        .and_then(Value::as_object);
    let limit = setting
        .and_then(|s| s.get("errorLimit"))
        .and_then(Value::as_object);
    let mut percentage = None;
    let mut extra_setting = Map::new();
    if let Some(speed) = speed {
        for (key, value) in speed {
            let ptr = join_pointer("/job/setting/speed", key);
            match (key.as_str(), lenient_u64(value)) {
                ("channel", Some(n)) if n >= 1 => {
                    builder = builder.concurrent(u32::try_from(n).unwrap_or(u32::MAX));
                    conv.note(
                        &ptr,
                        Action::Converted,
                        "`channel` → `setting.speed.concurrent`",
                    );
                }
                ("byte", Some(n)) if n >= 1 => {
                    let mbps = n.div_ceil(1_048_576);
                    builder = builder.throttle_mbps(u32::try_from(mbps).unwrap_or(u32::MAX));
                    conv.note(
                        &ptr,
                        Action::Converted,
                        format!(
                            "`byte` (bytes/s) → `throttle: true`, `mbps: {mbps}` (MB/s, rounded up)"
                        ),
                    );
                }
                _ => conv.note(
                    &ptr,
                    Action::Dropped,
                    format!("`speed.{key}` (DataWorks limits by concurrency and MB/s only)"),
                ),
            }
        }
    }
    if let Some(limit) = limit {
        for (key, value) in limit {
            let ptr = join_pointer("/job/setting/errorLimit", key);
            match (key.as_str(), lenient_u64(value)) {
                ("record", Some(n)) => builder = builder.error_limit_records(n),
                ("percentage", _) => {
                    percentage = serde_json::from_value::<NumberOrString>(value.clone()).ok();
                    conv.note(&ptr, Action::KeptUndocumented, "`errorLimit.percentage` (DataX; the DataWorks pages document `record` only)");
                }
                _ => conv.note(&ptr, Action::Dropped, format!("`errorLimit.{key}`")),
            }
        }
    }
    if let Some(setting) = setting {
        for (key, value) in setting
            .iter()
            .filter(|(k, _)| *k != "speed" && *k != "errorLimit")
        {
            conv.note(
                &join_pointer("/job/setting", key),
                Action::KeptUndocumented,
                format!("`setting.{key}`"),
            );
            extra_setting.insert(key.clone(), value.clone());
        }
    }
    let (mut out, _) = builder.assemble();
    if let Some(s) = out.setting.as_mut() {
        if let (Some(p), Some(limit)) = (percentage, s.error_limit.as_mut()) {
            limit.percentage = Some(p);
        }
        s.extra.extend(extra_setting);
    }
    let report = validate_value(&out.to_value(), Some(DocumentKind::BatchJob));
    Ok(Conversion {
        job: out,
        notes: conv.notes,
        report,
    })
}

fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
