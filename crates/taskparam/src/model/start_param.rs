//! The `StartParam` of StartDISyncInstance (2020-05-18): how a real-time task runs once
//! started. Failover limit (`failoverLimit {count, interval}`), dirty-data limit
//! (`errorLimit {record}`) and the DDL handling map (`ddlMarkMap`: DDL kind → `IGNORE`,
//! `NORMAL`, `WARNING` or `CRITICAL`). Solutions ignore it.
//!
//! Typed where the reference's example defines the fields, lossless everywhere: unknown keys
//! (at the top, in each limit, unknown DDL kinds) are kept and written back in their order,
//! and integers written as strings are written back as read. [`validate_start_param`] checks a
//! JSON value (or [`validate_start_param_str`] text, with line and column) against the rules
//! below, every problem at once; [`start_param_schema`] is the JSON Schema published as
//! `schemas/start-param.schema.json`.
//!
//! ```
//! use dataworks_taskparam::{DdlKind, DdlMark, StartParam};
//!
//! let param = StartParam::new()
//!     .failover_limit(10, 30)
//!     .error_limit(0)
//!     .ddl(DdlKind::AddColumn, DdlMark::Normal)
//!     .ddl(DdlKind::DropTable, DdlMark::Critical);
//! assert_eq!(
//!     param.to_json(),
//!     r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"ADDCOLUMN":"NORMAL","DROPTABLE":"CRITICAL"}}"#
//! );
//! let back = StartParam::from_json(&param.to_json())?;
//! assert_eq!(back, param);
//! assert_eq!(back.ddl_mark(&DdlKind::DropTable), Some(DdlMark::Critical));
//! # Ok::<(), dataworks_taskparam::StartParamError>(())
//! ```

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient::{IntOrString, is_int_text};
use crate::util::{join_pointer, present};
use crate::validate::{Problem, ValidationReport, locate};

/// The `$id` of the published schema.
pub const START_PARAM_SCHEMA_ID: &str = "https://dataworks-di.dev/schemas/start-param.schema.json";

/// The start-up options of a real-time task (StartDISyncInstance's `StartParam`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(
    title = "StartDISyncInstance StartParam",
    description = "The start-up options of a real-time synchronization task (StartDISyncInstance's StartParam, DataWorks API 2020-05-18): failover limit, dirty-data limit and DDL handling. Unknown keys are allowed and kept."
)]
pub struct StartParam {
    /// How many failovers are allowed within a time window before the task stops.
    #[serde(
        rename = "failoverLimit",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "FailoverLimit")]
    pub failover_limit: Option<FailoverLimit>,
    /// How many dirty records are tolerated.
    #[serde(
        rename = "errorLimit",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "StartErrorLimit")]
    pub error_limit: Option<StartErrorLimit>,
    /// What the task does with each kind of DDL met in the source.
    #[serde(
        rename = "ddlMarkMap",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "DdlMarkMap")]
    pub ddl_mark_map: Option<DdlMarkMap>,
    /// Every key not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `failoverLimit`: the task stops when it fails over more than `count` times within
/// `interval` minutes (the console's default when unset: 100 times in 5 minutes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct FailoverLimit {
    /// The largest number of failovers within the window (0 or more).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub count: Option<IntOrString>,
    /// The window, in minutes (1 or more).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub interval: Option<IntOrString>,
    /// Every key not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `errorLimit`: the task fails when it meets more than `record` dirty records.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct StartErrorLimit {
    /// The largest number of dirty records tolerated (0: none).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "IntOrString")]
    pub record: Option<IntOrString>,
    /// Every key not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A kind of DDL statement met in the source, a key of `ddlMarkMap`. The reference's
/// example names eight; any other key is kept verbatim in [`DdlKind::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DdlKind {
    /// `CREATETABLE`.
    CreateTable,
    /// `DROPTABLE`.
    DropTable,
    /// `RENAMETABLE`.
    RenameTable,
    /// `TRUNCATETABLE`.
    TruncateTable,
    /// `ADDCOLUMN`.
    AddColumn,
    /// `DROPCOLUMN`.
    DropColumn,
    /// `RENAMECOLUMN`.
    RenameColumn,
    /// `MODIFYCOLUMN`.
    ModifyColumn,
    /// Any other key, verbatim.
    Other(String),
}

impl DdlKind {
    /// The eight kinds the reference names, in its table order.
    pub const KNOWN: [DdlKind; 8] = [
        DdlKind::CreateTable,
        DdlKind::DropTable,
        DdlKind::RenameTable,
        DdlKind::TruncateTable,
        DdlKind::AddColumn,
        DdlKind::DropColumn,
        DdlKind::RenameColumn,
        DdlKind::ModifyColumn,
    ];

    /// The key as written in `ddlMarkMap` (`ADDCOLUMN`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            DdlKind::CreateTable => "CREATETABLE",
            DdlKind::DropTable => "DROPTABLE",
            DdlKind::RenameTable => "RENAMETABLE",
            DdlKind::TruncateTable => "TRUNCATETABLE",
            DdlKind::AddColumn => "ADDCOLUMN",
            DdlKind::DropColumn => "DROPCOLUMN",
            DdlKind::RenameColumn => "RENAMECOLUMN",
            DdlKind::ModifyColumn => "MODIFYCOLUMN",
            DdlKind::Other(other) => other,
        }
    }

    /// The kind of a key, exactly (a known kind in another case is [`DdlKind::Other`]).
    pub fn parse(key: &str) -> DdlKind {
        DdlKind::KNOWN
            .into_iter()
            .find(|k| k.as_str() == key)
            .unwrap_or_else(|| DdlKind::Other(key.to_owned()))
    }
}

impl fmt::Display for DdlKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the task does with a kind of DDL: a value of `ddlMarkMap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum DdlMark {
    /// Ignore the DDL: it is not applied to the target.
    Ignore,
    /// Apply the DDL to the target as usual.
    Normal,
    /// Apply nothing and raise a warning alert; the task keeps running.
    Warning,
    /// Raise a critical alert and stop the task.
    Critical,
}

impl DdlMark {
    /// Every mark.
    pub const ALL: [DdlMark; 4] = [
        DdlMark::Ignore,
        DdlMark::Normal,
        DdlMark::Warning,
        DdlMark::Critical,
    ];

    /// The wire value (`IGNORE`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            DdlMark::Ignore => "IGNORE",
            DdlMark::Normal => "NORMAL",
            DdlMark::Warning => "WARNING",
            DdlMark::Critical => "CRITICAL",
        }
    }

    /// The mark of an exact wire value.
    pub fn parse(value: &str) -> Option<DdlMark> {
        DdlMark::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

impl fmt::Display for DdlMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `ddlMarkMap`: DDL kind → mark, in the order written (setting a kind again replaces its
/// mark in place).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DdlMarkMap {
    entries: Vec<(DdlKind, DdlMark)>,
}

impl DdlMarkMap {
    /// An empty map.
    pub fn new() -> DdlMarkMap {
        DdlMarkMap::default()
    }

    /// The mark of a kind.
    pub fn get(&self, kind: &DdlKind) -> Option<DdlMark> {
        self.entries
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, mark)| *mark)
    }

    /// Sets the mark of a kind (in place when present, at the end otherwise).
    pub fn set(&mut self, kind: DdlKind, mark: DdlMark) {
        match self.entries.iter_mut().find(|(k, _)| *k == kind) {
            Some(entry) => entry.1 = mark,
            None => self.entries.push((kind, mark)),
        }
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&DdlKind, DdlMark)> {
        self.entries.iter().map(|(k, m)| (k, *m))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(DdlKind, DdlMark)> for DdlMarkMap {
    fn from_iter<I: IntoIterator<Item = (DdlKind, DdlMark)>>(iter: I) -> Self {
        let mut map = DdlMarkMap::new();
        for (kind, mark) in iter {
            map.set(kind, mark);
        }
        map
    }
}

impl Serialize for DdlMarkMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (kind, mark) in &self.entries {
            map.serialize_entry(kind.as_str(), mark.as_str())?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DdlMarkMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DdlMarkMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of DDL kind → IGNORE, NORMAL, WARNING or CRITICAL")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<DdlMarkMap, A::Error> {
                let mut map = DdlMarkMap::new();
                while let Some((key, value)) = access.next_entry::<String, String>()? {
                    let mark = DdlMark::parse(&value).ok_or_else(|| {
                        de::Error::custom(format_args!(
                            "ddlMarkMap.{key}: `{value}` is not IGNORE, NORMAL, WARNING or CRITICAL"
                        ))
                    })?;
                    map.set(DdlKind::parse(&key), mark);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl JsonSchema for DdlMarkMap {
    fn schema_name() -> Cow<'static, str> {
        "DdlMarkMap".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known: Vec<&str> = DdlKind::KNOWN.iter().map(DdlKind::as_str).collect();
        let marks: Vec<&str> = DdlMark::ALL.iter().map(|m| m.as_str()).collect();
        json_schema!({
            "description": format!(
                "DDL kind → what the task does with it. Known kinds: {}; other keys are kept.",
                known.join(", ")
            ),
            "type": "object",
            "additionalProperties": { "enum": marks },
        })
    }
}

/// Why a text is not a `StartParam`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "StartParam is not valid JSON of the expected shape at line {line}, column {column}: {message}"
)]
#[non_exhaustive]
pub struct StartParamError {
    /// What is wrong (serde's message).
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl StartParam {
    /// No options (the service's defaults).
    pub fn new() -> StartParam {
        StartParam::default()
    }

    /// Sets `failoverLimit`: at most `count` failovers within `interval_minutes`.
    pub fn failover_limit(mut self, count: i64, interval_minutes: i64) -> StartParam {
        let mut limit = self.failover_limit.take().unwrap_or_default();
        limit.count = Some(count.into());
        limit.interval = Some(interval_minutes.into());
        self.failover_limit = Some(limit);
        self
    }

    /// Sets `errorLimit.record`: at most `records` dirty records.
    pub fn error_limit(mut self, records: i64) -> StartParam {
        let mut limit = self.error_limit.take().unwrap_or_default();
        limit.record = Some(records.into());
        self.error_limit = Some(limit);
        self
    }

    /// Sets the mark of one DDL kind in `ddlMarkMap`.
    pub fn ddl(mut self, kind: DdlKind, mark: DdlMark) -> StartParam {
        self.ddl_mark_map
            .get_or_insert_with(DdlMarkMap::new)
            .set(kind, mark);
        self
    }

    /// The mark of a DDL kind, when the map sets one.
    pub fn ddl_mark(&self, kind: &DdlKind) -> Option<DdlMark> {
        self.ddl_mark_map.as_ref().and_then(|m| m.get(kind))
    }

    /// Parses JSON text. For located problems, all at once, use
    /// [`validate_start_param_str`].
    pub fn from_json(text: &str) -> Result<StartParam, StartParamError> {
        serde_json::from_str(text).map_err(|e| StartParamError {
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })
    }

    /// The document as a JSON value (unknown keys included).
    pub fn to_value(&self) -> Value {
        // Serialising cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The document as compact JSON text, the form `StartParam` carries.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Checks this document against the rules of [`validate_start_param`].
    pub fn validate(&self) -> ValidationReport {
        validate_start_param(&self.to_value())
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// The JSON Schema (draft 2020-12) of `StartParam`, as published in
/// `schemas/start-param.schema.json`.
pub fn start_param_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<StartParam>().to_value();
    let Value::Object(body) = schema else {
        return schema;
    };
    let mut out = Map::new();
    if let Some(v) = body.get("$schema") {
        out.insert("$schema".to_owned(), v.clone());
    }
    out.insert(
        "$id".to_owned(),
        Value::String(START_PARAM_SCHEMA_ID.to_owned()),
    );
    for key in ["title", "description"] {
        if let Some(v) = body.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    for (key, value) in body {
        if !matches!(key.as_str(), "$schema" | "$id" | "title" | "description") {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

/// The text of the published schema file: pretty JSON with a final newline.
pub fn start_param_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&start_param_schema()).unwrap_or_default();
    text.push('\n');
    text
}

const TOP_KEYS: &[&str] = &["failoverLimit", "errorLimit", "ddlMarkMap"];
const FAILOVER_KEYS: &[&str] = &["count", "interval"];
const ERROR_KEYS: &[&str] = &["record"];

/// Validates a parsed `StartParam` value: every problem at once, each with a JSON pointer, a
/// rule id, a message and a fix (rules `start.*`, listed in docs/taskparam.md). Unknown keys
/// are allowed; an unknown DDL kind and a key that differs from a known one only in case are
/// warnings.
///
/// ```
/// use dataworks_taskparam::validate_start_param;
/// let report = validate_start_param(&serde_json::json!({
///     "failoverLimit": {"count": -1, "interval": 30},
///     "ddlMarkMap": {"ADDCOLUMN": "APPLY"}
/// }));
/// let rules: Vec<&str> = report.errors.iter().map(|p| p.rule.as_str()).collect();
/// assert_eq!(rules, ["start.failover-count", "start.ddl-mark"]);
/// assert_eq!(report.errors[1].pointer, "/ddlMarkMap/ADDCOLUMN");
/// ```
pub fn validate_start_param(value: &Value) -> ValidationReport {
    let mut report = ValidationReport::default();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let Some(doc) = value.as_object() else {
        errors.push(Problem::new(
            "",
            "start.object",
            format!("StartParam must be a JSON object, not {}", type_name(value)),
            "write an object such as {\"failoverLimit\":{\"count\":10,\"interval\":30}}",
        ));
        report.errors = errors;
        return report;
    };
    key_case(doc, "", TOP_KEYS, &mut warnings);
    if let Some(limit) = doc.get("failoverLimit") {
        match limit.as_object() {
            Some(limit) => {
                key_case(limit, "/failoverLimit", FAILOVER_KEYS, &mut warnings);
                integer_at_least(
                    limit.get("count"),
                    "/failoverLimit/count",
                    "start.failover-count",
                    0,
                    "the number of failovers allowed within the window, 0 or more (the console's default: 100)",
                    &mut errors,
                );
                integer_at_least(
                    limit.get("interval"),
                    "/failoverLimit/interval",
                    "start.failover-interval",
                    1,
                    "the window in minutes, 1 or more (the console's default: 5)",
                    &mut errors,
                );
            }
            None => errors.push(not_object(
                limit,
                "/failoverLimit",
                "start.failover-limit",
                "{\"count\":10,\"interval\":30}",
            )),
        }
    }
    if let Some(limit) = doc.get("errorLimit") {
        match limit.as_object() {
            Some(limit) => {
                key_case(limit, "/errorLimit", ERROR_KEYS, &mut warnings);
                integer_at_least(
                    limit.get("record"),
                    "/errorLimit/record",
                    "start.error-record",
                    0,
                    "the number of dirty records tolerated, 0 or more (0: none)",
                    &mut errors,
                );
            }
            None => errors.push(not_object(
                limit,
                "/errorLimit",
                "start.error-limit",
                "{\"record\":0}",
            )),
        }
    }
    if let Some(map) = doc.get("ddlMarkMap") {
        match map.as_object() {
            Some(map) => ddl_map(map, &mut errors, &mut warnings),
            None => errors.push(not_object(
                map,
                "/ddlMarkMap",
                "start.ddl-map",
                "{\"ADDCOLUMN\":\"NORMAL\"}",
            )),
        }
    }
    report.errors = errors;
    report.warnings = warnings;
    report
}

/// Validates `StartParam` text: syntax (with line and column), then the rules of
/// [`validate_start_param`], with the line and column of every problem.
pub fn validate_start_param_str(text: &str) -> ValidationReport {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let mut problem = Problem::new(
                "",
                "json.syntax",
                format!("not valid JSON: {}", strip_position(&e.to_string())),
                "fix the JSON at this position",
            );
            if e.line() > 0 {
                problem.line = Some(e.line());
                problem.column = Some(e.column());
            }
            return ValidationReport {
                kind: None,
                errors: vec![problem],
                warnings: Vec::new(),
            };
        }
    };
    let mut report = validate_start_param(&value);
    let wanted: HashSet<&str> = report
        .errors
        .iter()
        .chain(&report.warnings)
        .map(|p| p.pointer.as_str())
        .collect();
    if !wanted.is_empty() {
        let positions = locate(text, &wanted);
        for problem in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
            if let Some((line, column)) = positions.get(&problem.pointer) {
                problem.line = Some(*line);
                problem.column = Some(*column);
            }
        }
    }
    report
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn not_object(value: &Value, pointer: &str, rule: &str, example: &str) -> Problem {
    Problem::new(
        pointer,
        rule,
        format!(
            "`{}` must be an object, not {}",
            &pointer[1..],
            type_name(value)
        ),
        format!("write it as an object such as {example}"),
    )
}

/// An integer (a JSON number, or digits in a string) of at least `min`, when present and
/// not `""`.
fn integer_at_least(
    value: Option<&Value>,
    pointer: &str,
    rule: &str,
    min: i64,
    meaning: &str,
    errors: &mut Vec<Problem>,
) {
    let Some(value) = value else { return };
    if value.as_str() == Some("") {
        // `""` means "not set", as everywhere in these documents.
        return;
    }
    let read = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if !s.is_empty() && is_int_text(s) => s.parse().ok(),
        _ => None,
    };
    let field = pointer.rsplit('/').next().unwrap_or(pointer);
    match read {
        Some(n) if n >= min => {}
        Some(n) => errors.push(Problem::new(
            pointer,
            rule,
            format!("`{field}` is {n}; it must be at least {min}"),
            format!("give {meaning}"),
        )),
        None => errors.push(Problem::new(
            pointer,
            rule,
            format!("`{field}` must be an integer, not {}", type_name(value)),
            format!("give {meaning}"),
        )),
    }
}

fn key_case(obj: &Map<String, Value>, pointer: &str, known: &[&str], warnings: &mut Vec<Problem>) {
    for key in obj.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            warnings.push(Problem::new(
                join_pointer(pointer, key),
                "keys.case",
                format!("`{key}` differs from the known field `{k}` only in letter case; the service ignores it"),
                "spell the key exactly as documented",
            ));
        }
    }
}

fn ddl_map(map: &Map<String, Value>, errors: &mut Vec<Problem>, warnings: &mut Vec<Problem>) {
    let marks: Vec<&str> = DdlMark::ALL.iter().map(|m| m.as_str()).collect();
    let known: Vec<&str> = DdlKind::KNOWN.iter().map(DdlKind::as_str).collect();
    for (key, value) in map {
        let pointer = join_pointer("/ddlMarkMap", key);
        match value.as_str() {
            Some(mark) if DdlMark::parse(mark).is_some() => {}
            Some(mark) => errors.push(Problem::new(
                pointer.clone(),
                "start.ddl-mark",
                format!("the mark of {key} is `{mark}`; it must be one of {}", marks.join(", ")),
                "IGNORE skips the DDL, NORMAL applies it, WARNING alerts and skips it, CRITICAL alerts and stops the task",
            )),
            None => errors.push(Problem::new(
                pointer.clone(),
                "start.ddl-mark",
                format!("the mark of {key} must be a string, not {}", type_name(value)),
                format!("give one of {}", marks.join(", ")),
            )),
        }
        if matches!(DdlKind::parse(key), DdlKind::Other(_)) {
            warnings.push(Problem::new(
                pointer,
                "start.ddl-kind",
                format!("`{key}` is not a DDL kind the reference names; the service may ignore it"),
                format!("use one of {}", known.join(", ")),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The reference's example, verbatim.
    const DOC_EXAMPLE: &str = r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"RENAMECOLUMN":"WARNING","DROPTABLE":"WARNING","CREATETABLE":"IGNORE","MODIFYCOLUMN":"WARNING","TRUNCATETABLE":"NORMAL","DROPCOLUMN":"IGNORE","ADDCOLUMN":"NORMAL","RENAMETABLE":"CRITICAL"}}"#;

    #[test]
    fn the_reference_example_parses_validates_and_round_trips() {
        let param = StartParam::from_json(DOC_EXAMPLE).unwrap();
        assert_eq!(param.to_json(), DOC_EXAMPLE);
        let limit = param.failover_limit.as_ref().unwrap();
        assert_eq!(limit.count.as_ref().and_then(IntOrString::value), Some(10));
        assert_eq!(
            limit.interval.as_ref().and_then(IntOrString::value),
            Some(30)
        );
        assert_eq!(
            param.ddl_mark(&DdlKind::RenameTable),
            Some(DdlMark::Critical)
        );
        assert_eq!(param.ddl_mark_map.as_ref().unwrap().len(), 8);
        let report = validate_start_param_str(DOC_EXAMPLE);
        assert!(
            report.errors.is_empty() && report.warnings.is_empty(),
            "{report:?}"
        );
    }

    #[test]
    fn unknown_keys_and_string_integers_are_kept_as_written() {
        let text = r#"{"x":1,"failoverLimit":{"interval":"5","count":"100","y":[true]},"errorLimit":{"record":"","z":null},"ddlMarkMap":{"ALTERVIEW":"IGNORE"},"w":"v"}"#;
        let param = StartParam::from_json(text).unwrap();
        let back: Value = serde_json::from_str(&param.to_json()).unwrap();
        let orig: Value = serde_json::from_str(text).unwrap();
        assert_eq!(back, orig);
        assert_eq!(
            param.ddl_mark(&DdlKind::Other("ALTERVIEW".into())),
            Some(DdlMark::Ignore)
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_position() {
        let text = "{\n  \"failoverLimit\": {\"count\": \"ten\", \"interval\": 0},\n  \"errorLimit\": {\"record\": -2},\n  \"ddlMarkMap\": {\"ADDCOLUMN\": \"apply\", \"DROPTABLE\": 3, \"ALTERVIEW\": \"IGNORE\"},\n  \"FailoverLimit\": {}\n}";
        let report = validate_start_param_str(text);
        let got: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|p| (p.rule.as_str(), p.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("start.failover-count", "/failoverLimit/count"),
                ("start.failover-interval", "/failoverLimit/interval"),
                ("start.error-record", "/errorLimit/record"),
                ("start.ddl-mark", "/ddlMarkMap/ADDCOLUMN"),
                ("start.ddl-mark", "/ddlMarkMap/DROPTABLE"),
            ]
        );
        assert_eq!(report.errors[0].line, Some(2));
        assert_eq!(report.errors[2].line, Some(3));
        let warnings: Vec<&str> = report.warnings.iter().map(|p| p.rule.as_str()).collect();
        assert_eq!(warnings, ["keys.case", "start.ddl-kind"]);
        for problem in report.errors.iter().chain(&report.warnings) {
            assert!(
                !problem.message.is_empty() && !problem.hint.is_empty(),
                "{problem:?}"
            );
        }
        // The typed parse refuses the same text, saying where.
        let err = StartParam::from_json(text).unwrap_err();
        assert!(err.line >= 2, "{err}");
    }

    #[test]
    fn wrong_shapes_are_named() {
        let report = validate_start_param(&json!([1]));
        assert_eq!(report.errors[0].rule, "start.object");
        let report =
            validate_start_param(&json!({"failoverLimit": 3, "errorLimit": [], "ddlMarkMap": "x"}));
        let rules: Vec<&str> = report.errors.iter().map(|p| p.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["start.failover-limit", "start.error-limit", "start.ddl-map"]
        );
        let report = validate_start_param_str("{\"failoverLimit\": ");
        assert_eq!(report.errors[0].rule, "json.syntax");
        assert!(validate_start_param(&json!({})).is_valid());
    }

    #[test]
    fn the_schema_is_valid_and_agrees_with_the_rules_on_the_example() {
        let schema = start_param_schema();
        assert!(jsonschema::meta::is_valid(&schema));
        assert_eq!(schema["$id"], START_PARAM_SCHEMA_ID);
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let example: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        assert!(validator.is_valid(&example));
        assert!(!validator.is_valid(&json!({"ddlMarkMap": {"ADDCOLUMN": "APPLY"}})));
        assert!(start_param_schema_text().ends_with("}\n"));
    }

    fn mark() -> impl Strategy<Value = DdlMark> {
        proptest::sample::select(DdlMark::ALL.to_vec())
    }

    fn kind() -> impl Strategy<Value = DdlKind> {
        prop_oneof![
            proptest::sample::select(DdlKind::KNOWN.to_vec()),
            "[A-Za-z_]{1,12}".prop_map(|k| DdlKind::parse(&k)),
        ]
    }

    proptest! {
        /// Built → JSON → parsed gives the same document, and a built document whose numbers
        /// are in range validates without errors.
        #[test]
        fn built_documents_round_trip_and_validate(
            count in 0i64..1000, interval in 1i64..1000, record in 0i64..1000,
            marks in prop::collection::vec((kind(), mark()), 0..12),
        ) {
            let mut param = StartParam::new().failover_limit(count, interval).error_limit(record);
            for (k, m) in &marks {
                param = param.ddl(k.clone(), *m);
            }
            let back = StartParam::from_json(&param.to_json()).unwrap();
            prop_assert_eq!(&back, &param);
            prop_assert!(param.validate().is_valid(), "{:?}", param.validate());
            for (k, _) in &marks {
                let last = marks.iter().rev().find(|(k2, _)| k2 == k).map(|(_, m)| *m);
                prop_assert_eq!(param.ddl_mark(k), last);
            }
        }

        /// Any JSON object parses or is refused without a panic, and whatever parses writes
        /// back to an equal value.
        #[test]
        fn any_object_round_trips_when_it_parses(
            count in prop_oneof![any::<i64>().prop_map(Value::from), "[0-9]{0,4}".prop_map(Value::from), Just(Value::Null)],
            extra in "[a-z]{1,6}",
            mark_text in "[A-Z]{1,8}",
        ) {
            let value = json!({"failoverLimit": {"count": count}, extra.clone(): 1, "ddlMarkMap": {"ADDCOLUMN": mark_text}});
            let text = value.to_string();
            if let Ok(param) = StartParam::from_json(&text) {
                let back: Value = serde_json::from_str(&param.to_json()).unwrap();
                prop_assert_eq!(back, value);
            }
            let _ = validate_start_param_str(&text);
        }
    }
}
