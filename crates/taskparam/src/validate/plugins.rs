//! The batch plugins' rules: each typed plugin's parameter table
//! ([`crate::model::param_spec`]) checked generically, and the rules of each parameter
//! shape that a table cannot say. Every rule has an id listed in `docs/taskparam.md`.

use serde_json::{Map, Value};

use super::rules::{Sink, StepView, TableOpts, keys_case, reader_connections};
use crate::lenient::is_int_text;
use crate::model::catalogue::{PluginInfo, Role, Shape};
use crate::model::param_spec::{Check, params};
use crate::util::join_pointer;

/// What a reader's or writer's `column` list says for the reader/writer agreement rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Columns {
    /// An explicit list of this many columns.
    Count(usize),
    /// No usable count (`*`, `querySql`, absent).
    Unknown,
}

/// Runs the rules of `plugin` in `role` on a batch step; returns what its columns say.
pub(super) fn check_step(
    step: &StepView<'_>,
    plugin: &PluginInfo,
    role: Role,
    sink: &mut Sink,
) -> Columns {
    let Some(param) = step.parameter else {
        return Columns::Unknown;
    };
    let ptr = step.param_ptr();
    let table = params(plugin.name, role);
    if !step.is_mysql_reader() && !step.is_typed_writer() {
        // (The MySQL reader and the real-time writers had theirs with every step kind.)
        let keys: Vec<&str> = table.iter().map(|p| p.key).collect();
        keys_case(param, &ptr, &keys, sink);
    }
    let uses_query = uses_query_sql(param);
    for spec in table {
        let key_ptr = join_pointer(&ptr, spec.key);
        match param.get(spec.key) {
            None if spec.key == "column" && spec.required && !uses_query => sink.error(
                &ptr,
                "column.non-empty",
                format!("the {} {role} has no `column` list", plugin.title),
                "add \"column\": [...] (the fields to read or write)",
            ),
            None if spec.required && spec.key != "column" => sink.error(
                &ptr,
                "param.required",
                format!(
                    "the {} {role} has no `{}`, which its page marks required",
                    plugin.title, spec.key
                ),
                &format!("add \"{}\": ... (see {})", spec.key, plugin.source),
            ),
            None => {}
            Some(value) => check_value(spec.key, spec.check, value, &key_ptr, plugin, sink),
        }
    }
    match (plugin.shape, role) {
        (Shape::Relational | Shape::Holo, Role::Reader) => relational_reader(step, param, sink),
        (Shape::Relational, Role::Writer) => relational_writer(plugin, param, &ptr, sink),
        (Shape::Odps, _) => odps(role, param, &ptr, sink),
        (Shape::File, _) => file(plugin, role, param, &ptr, sink),
        (Shape::Stream, Role::Reader) => stream_reader(plugin, param, &ptr, sink),
        (Shape::Document, _) => document(plugin, role, param, &ptr, sink),
        _ => {}
    }
    datasource_or_inline(plugin, role, param, &ptr, sink);
    for key in ["preSql", "postSql"] {
        if let Some(Value::Array(statements)) = param.get(key) {
            sql_list(statements, &join_pointer(&ptr, key), key, sink);
        }
    }
    explicit_columns(param).map_or(Columns::Unknown, Columns::Count)
}

/// The number of columns a step's `parameter` lists explicitly: `None` when it has no
/// `column` list, an empty one, one with `*`, or reads by `querySql` (flat or in a
/// connection). Columns map by position, so two explicit counts must agree (`column.count`).
///
/// ```
/// use dataworks_taskparam::explicit_columns;
/// let p = serde_json::json!({"column": ["a", "b"], "table": "t"});
/// assert_eq!(explicit_columns(p.as_object().unwrap()), Some(2));
/// let p = serde_json::json!({"column": ["*"]});
/// assert_eq!(explicit_columns(p.as_object().unwrap()), None);
/// ```
pub fn explicit_columns(param: &Map<String, Value>) -> Option<usize> {
    if uses_query_sql(param) {
        return None;
    }
    let cols = param.get("column")?.as_array()?;
    (!cols.is_empty() && !cols.iter().any(|c| c.as_str() == Some("*"))).then_some(cols.len())
}

/// The entries of the list under `key`, with their index (none when it is not a list).
fn entries<'a>(
    param: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = (usize, &'a Value)> {
    param
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

fn check_value(
    key: &str,
    check: Check,
    value: &Value,
    ptr: &str,
    plugin: &PluginInfo,
    sink: &mut Sink,
) {
    match check {
        Check::Any => {}
        Check::NonEmptyList => {
            if value.as_array().is_some_and(Vec::is_empty) {
                sink.error(
                    ptr,
                    if key == "column" {
                        "column.non-empty"
                    } else {
                        "param.non-empty"
                    },
                    format!("`{key}` of the {} step is an empty list", plugin.title),
                    "list at least one entry",
                );
            }
        }
        Check::OneOf(allowed) => {
            if let Some(text) = value.as_str()
                && !text.is_empty()
                && !allowed.iter().any(|a| a.eq_ignore_ascii_case(text))
            {
                sink.error(
                    ptr,
                    "param.enum",
                    format!(
                        "`{key}` is `{text}`; the {} step takes {}",
                        plugin.title,
                        allowed.join(", ")
                    ),
                    &format!("use one of: {}", allowed.join(", ")),
                );
            }
        }
        Check::Range(min, max) => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) if !s.is_empty() && is_int_text(s) => s.parse().ok(),
                _ => None,
            };
            if let Some(n) = n.filter(|n| *n < min || *n > max) {
                let bounds = if max == i64::MAX {
                    format!("at least {min}")
                } else {
                    format!("between {min} and {max}")
                };
                sink.error(
                    ptr,
                    "param.range",
                    format!("`{key}` is {n}; it must be {bounds}"),
                    &format!("set `{key}` {bounds}"),
                );
            }
        }
    }
}

/// Whether a reader takes its rows from `querySql` (flat or in a connection).
fn uses_query_sql(param: &Map<String, Value>) -> bool {
    param.contains_key("querySql")
        || param
            .get("connection")
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().any(|c| c.get("querySql").is_some()))
}

fn relational_reader(step: &StepView<'_>, param: &Map<String, Value>, sink: &mut Sink) {
    let ptr = step.param_ptr();
    if param.contains_key("connection") {
        reader_connections(
            step,
            TableOpts {
                realtime: false,
                template: false,
            },
            true,
            sink,
        );
    } else if !param.contains_key("datasource") {
        sink.error(
            &ptr,
            "datasource.required",
            "the reader names no `datasource`".to_owned(),
            "add \"datasource\": <the data source name>",
        );
    }
    if param.contains_key("connection") {
    } else if !param.contains_key("table") && !param.contains_key("querySql") {
        sink.error(
            &ptr,
            "conn.table-or-querysql",
            "the reader has neither `table` nor `querySql` (nor a `connection` list)".to_owned(),
            "add \"table\": \"<table>\" (or \"connection\": [{\"table\": [...]}], or \"querySql\")",
        );
    } else if param.contains_key("table") && param.contains_key("querySql") {
        sink.warn(
            &ptr,
            "conn.querysql-overrides",
            "the reader has both `table` and `querySql`; `querySql` wins and `table`, `column`, `where` are ignored".to_owned(),
            "remove `table` (or `querySql`)",
        );
    }
    if let Some(split) = param.get("splitPk").and_then(Value::as_str) {
        let names: Vec<&str> = split
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        if names.len() > 1 {
            sink.error(
                &join_pointer(&ptr, "splitPk"),
                "splitpk.single",
                format!(
                    "`splitPk` names {} columns; it takes one (integer) column",
                    names.len()
                ),
                "name one integer column, usually the primary key",
            );
        }
    }
    if let Some(cols) = param.get("column").and_then(Value::as_array) {
        let stars = cols.iter().filter(|c| c.as_str() == Some("*")).count();
        if stars > 0 && cols.len() > 1 {
            sink.error(
                &join_pointer(&ptr, "column"),
                "column.star",
                "`*` (every column) is listed with other columns".to_owned(),
                "use [\"*\"] alone, or list the columns",
            );
        }
    }
    if let Some(filter) = param.get("where").and_then(Value::as_str)
        && filter
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("limit"))
    {
        sink.warn(
            &join_pointer(&ptr, "where"),
            "where.limit",
            "`where` contains `limit`, which the pages say is not supported there".to_owned(),
            "keep `where` a filter; use `querySql` for a LIMIT",
        );
    }
    if let Some(Value::Array(queries)) = param.get("querySql") {
        sql_list(queries, &join_pointer(&ptr, "querySql"), "querySql", sink);
    }
    let conn_ptr = join_pointer(&ptr, "connection");
    for (i, conn) in entries(param, "connection") {
        if let Some(Value::Array(queries)) = conn.get("querySql") {
            let p = join_pointer(&join_pointer(&conn_ptr, &i.to_string()), "querySql");
            sql_list(queries, &p, "querySql", sink);
        }
    }
}

fn relational_writer(plugin: &PluginInfo, param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    let conns: Vec<&Value> = param
        .get("connection")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let conn_tables: Vec<&Value> = conns.iter().filter_map(|c| c.get("table")).collect();
    let conn_names_source = conns
        .iter()
        .any(|c| c.get("datasource").is_some() || c.get("jdbcUrl").is_some());
    if !param.contains_key("datasource") && !conn_names_source {
        sink.error(
            ptr,
            "datasource.required",
            format!("the {} writer names no `datasource`", plugin.title),
            "add \"datasource\": <the target data source name>",
        );
    }
    match param.get("table") {
        None if conn_tables.is_empty() => sink.error(
            ptr,
            "param.required",
            format!("the {} writer names no `table`", plugin.title),
            "add \"table\": \"<target table>\"",
        ),
        Some(Value::Array(tables)) if tables.len() > 1 => sink.error(
            &join_pointer(ptr, "table"),
            "writer.one-table",
            format!("the writer lists {} tables; it writes one", tables.len()),
            "name one target table (one job per table)",
        ),
        _ => {}
    }
}

fn odps(role: Role, param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    let partition_ptr = join_pointer(ptr, "partition");
    // Whether the table is partitioned is not in the job, so a missing `partition` is a
    // warning: the page says to leave it out for a table without partitions, and a
    // partitioned table fails at run time without it. `"partition": ""` says "none" and
    // silences it. (A case slip such as `Partition` has its own warning, `keys.case`.)
    if !param.keys().any(|k| k.eq_ignore_ascii_case("partition")) {
        let needs = match role {
            Role::Reader => "the partitions to read",
            Role::Writer => "the one last-level partition to write",
        };
        sink.warn(
            ptr,
            "odps.partition-absent",
            format!(
                "the MaxCompute {role} has no `partition`: right only for a table without partitions; a partitioned table needs {needs}"
            ),
            "add \"partition\": \"pt=${bizdate}\" for a partitioned table, or \"partition\": \"\" to say the table has none",
        );
    }
    let specs: Vec<(String, &str)> = match param.get("partition") {
        Some(Value::String(s)) => vec![(partition_ptr.clone(), s.as_str())],
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((join_pointer(&partition_ptr, &i.to_string()), v.as_str()?)))
            .collect(),
        _ => Vec::new(),
    };
    for (p, spec) in &specs {
        let spec = spec.trim();
        if spec.starts_with("/*query*/") {
            // A condition picks the partitions a reader reads; a writer writes one, named.
            if role == Role::Writer {
                sink.error(
                    p,
                    "odps.partition-single",
                    "a writer partition is a `/*query*/` condition; the writer writes one named partition".to_owned(),
                    "name the one (last-level) partition to write, such as pt=${bizdate}",
                );
            }
            continue;
        }
        if spec.is_empty() {
            continue;
        }
        let pairs_ok = spec
            .split([',', '/'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .all(|kv| {
                kv.split_once('=')
                    .is_some_and(|(k, _)| !k.trim().is_empty())
            });
        if !pairs_ok {
            sink.error(
                p,
                "odps.partition",
                "the partition is not written as `key=value` pairs".to_owned(),
                "write it like pt=${bizdate} or pt=1,ds=hangzhou",
            );
        }
        if role == Role::Writer && (spec.contains('*') || spec.contains('?')) {
            sink.error(
                p,
                "odps.partition-single",
                "a writer partition has a wildcard; the writer writes one partition".to_owned(),
                "name the one (last-level) partition to write, such as pt=${bizdate}",
            );
        }
    }
    if role == Role::Writer && specs.len() > 1 {
        sink.error(
            &partition_ptr,
            "odps.partition-single",
            format!("the writer lists {} partitions; it writes one", specs.len()),
            "name the one (last-level) partition to write",
        );
    }
}

fn file(plugin: &PluginInfo, role: Role, param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    let cols_ptr = join_pointer(ptr, "column");
    for (i, col) in entries(param, "column") {
        let Some(fault) = file_column_fault(col, role) else {
            continue;
        };
        let hint = match role {
            Role::Reader => {
                "give each column {\"index\": <position>, \"type\": ...} or {\"value\": <constant>, \"type\": ...}"
            }
            Role::Writer => "give each column {\"name\": ..., \"type\": ...}",
        };
        sink.error(
            &join_pointer(&cols_ptr, &i.to_string()),
            "file.column",
            format!("column {i} of the {} {role} {fault}", plugin.title),
            hint,
        );
    }
    let text_file = param
        .get("fileType")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("text"));
    if plugin.name == "hdfs"
        && role == Role::Writer
        && text_file
        && !param.contains_key("fieldDelimiter")
    {
        sink.error(
            ptr,
            "hdfs.delimiter",
            "a text-file HDFS writer has no `fieldDelimiter`".to_owned(),
            "add \"fieldDelimiter\": \",\" (the delimiter of the Hive table)",
        );
    }
}

/// What is wrong with one entry of a file plugin's `column` list, if anything: a reader
/// column reads a field by `index` or writes a constant `value` (one of the two) and has a
/// `type`; a writer column has a `name` or a `type`; a plain name is taken in both roles.
fn file_column_fault(col: &Value, role: Role) -> Option<&'static str> {
    let o = match col {
        Value::String(_) => return None,
        Value::Object(o) => o,
        _ => return Some("is neither a column name nor an object"),
    };
    match role {
        Role::Reader => match (o.contains_key("index"), o.contains_key("value")) {
            (true, true) => {
                Some("has both `index` and `value`; it reads a field or is a constant, not both")
            }
            (false, false) => {
                Some("has neither `index` (a field to read) nor `value` (a constant)")
            }
            _ if !o.contains_key("type") => Some("has no `type`"),
            _ => None,
        },
        Role::Writer => (!o.contains_key("name") && !o.contains_key("type"))
            .then_some("has neither `name` nor `type`"),
    }
}

/// The keys that, all present, stand in for `datasource`: the plugins whose pages name the
/// connection inline. Kafka: `server` (`host:port`, the 2019-2020 pages' demos and tables).
/// Elasticsearch reader: `endpoint` (the page's own demo, with `username`/`password`).
/// DataHub reader: `endpoint`, `accessId`, `accessKey`, `project` (its page's table).
fn inline_connection(plugin: &PluginInfo, role: Role) -> Option<&'static [&'static str]> {
    match (plugin.name, role) {
        ("kafka", _) => Some(&["server"]),
        ("elasticsearch", Role::Reader) => Some(&["endpoint"]),
        ("datahub", Role::Reader) => Some(&["endpoint", "accessId", "accessKey", "project"]),
        _ => None,
    }
}

/// A plugin with an inline connection ([`inline_connection`]) names it by `datasource` or by
/// all the inline keys; `datasource.required` names the inline keys missing.
fn datasource_or_inline(
    plugin: &PluginInfo,
    role: Role,
    param: &Map<String, Value>,
    ptr: &str,
    sink: &mut Sink,
) {
    let Some(keys) = inline_connection(plugin, role) else {
        return;
    };
    if param.contains_key("datasource") {
        return;
    }
    let missing: Vec<String> = keys
        .iter()
        .filter(|k| !param.contains_key(**k))
        .map(|k| format!("`{k}`"))
        .collect();
    if missing.is_empty() {
        return;
    }
    sink.error(
        ptr,
        "datasource.required",
        format!(
            "the {} {role} names no `datasource`, and its inline connection lacks {}",
            plugin.title,
            missing.join(", ")
        ),
        &format!(
            "add \"datasource\": <the {} data source name> (or {})",
            plugin.title,
            keys.join(", ")
        ),
    );
}

/// The DataHub reader's page lists no `column`: a warning when absent, since the
/// open-source reader (DataX `datahubreader`) refuses a job without one.
fn datahub_column(param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    if !param.contains_key("column") {
        sink.warn(
            ptr,
            "datahub.column",
            "the DataHub reader lists no `column`".to_owned(),
            "add \"column\": [...] (the topic's fields, in order): the open-source reader refuses a job without one",
        );
    }
}

/// `yyyyMMddHHmmss`, a scheduling parameter (`${...}`, `$[...]`) or empty (not set).
fn date_time_ok(text: &str) -> bool {
    text.is_empty()
        || text.contains("${")
        || text.contains("$[")
        || (text.len() == 14 && text.bytes().all(|b| b.is_ascii_digit()))
}

/// `datetime.order`: a range that ends before it begins (literal times only; scheduling
/// parameters are resolved at run time). The LogHub reader also refuses an empty range, by
/// either pair of keys (its runtime: "endTimestampMillis must bigger than beginTimestampMillis").
fn range_order(plugin: &PluginInfo, param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    let empty_refused = plugin.name == "LogHub";
    fn literal_time(param: &Map<String, Value>, key: &str) -> Option<u64> {
        param
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| t.len() == 14 && t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
    }
    fn millis(param: &Map<String, Value>, key: &str) -> Option<u64> {
        match param.get(key)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) if is_int_text(s) => s.parse().ok(),
            _ => None,
        }
    }
    type Read = fn(&Map<String, Value>, &str) -> Option<u64>;
    let pairs: [(&str, &str, Read); 2] = [
        ("beginDateTime", "endDateTime", literal_time),
        ("beginTimestampMillis", "endTimestampMillis", millis),
    ];
    for (begin_key, end_key, read) in pairs {
        let (Some(b), Some(e)) = (read(param, begin_key), read(param, end_key)) else {
            continue;
        };
        if b > e || (b == e && empty_refused) {
            sink.error(
                &join_pointer(ptr, end_key),
                "datetime.order",
                if b == e {
                    format!("`{end_key}` equals `{begin_key}`: the range is empty")
                } else {
                    format!("`{end_key}` is before `{begin_key}`")
                },
                "make the range end after it begins",
            );
        }
    }
}

fn stream_reader(plugin: &PluginInfo, param: &Map<String, Value>, ptr: &str, sink: &mut Sink) {
    for key in ["beginDateTime", "endDateTime"] {
        if let Some(text) = param.get(key).and_then(Value::as_str)
            && !date_time_ok(text)
        {
            sink.error(
                &join_pointer(ptr, key),
                "datetime.format",
                format!("`{key}` is not written as yyyyMMddHHmmss"),
                "write 14 digits (20240101000000) or a scheduling parameter (${startTime})",
            );
        }
    }
    range_order(plugin, param, ptr, sink);
    let has = |k: &str| param.contains_key(k);
    if plugin.name == "datahub" {
        datahub_column(param, ptr, sink);
        return;
    }
    if plugin.name == "LogHub" {
        for (time, millis) in [
            ("beginDateTime", "beginTimestampMillis"),
            ("endDateTime", "endTimestampMillis"),
        ] {
            if !has(time) && !has(millis) {
                sink.error(
                    ptr,
                    "loghub.range",
                    format!("the LogHub reader has neither `{time}` nor `{millis}`"),
                    &format!("add \"{time}\": \"${{...}}\" (yyyyMMddHHmmss) or \"{millis}\""),
                );
            }
        }
        return;
    }
    if plugin.name != "kafka" {
        return;
    }
    match (has("beginDateTime"), has("beginOffset")) {
        (true, true) => sink.error(
            ptr,
            "kafka.begin",
            "the Kafka reader has both `beginDateTime` and `beginOffset`".to_owned(),
            "keep one: a time (beginDateTime) or an offset (beginOffset)",
        ),
        (false, false) => sink.error(
            ptr,
            "kafka.begin",
            "the Kafka reader says neither where to begin (`beginDateTime`) nor from which offset (`beginOffset`)".to_owned(),
            "add \"beginDateTime\": \"${startTime}\" or \"beginOffset\": \"seekToBeginning\"",
        ),
        _ => {}
    }
    if has("endDateTime") && has("endOffset") {
        sink.error(
            ptr,
            "kafka.end",
            "the Kafka reader has both `endDateTime` and `endOffset`".to_owned(),
            "keep one: a time (endDateTime) or an offset (endOffset)",
        );
    }
    for key in ["beginOffset", "endOffset"] {
        let ok = match param.get(key) {
            None | Some(Value::Number(_)) => true,
            Some(Value::String(s)) => {
                is_int_text(s)
                    || s.contains("${")
                    || ["seekToBeginning", "seekToLast", "seekToEnd"].contains(&s.as_str())
            }
            Some(_) => false,
        };
        if !ok {
            sink.error(
                &join_pointer(ptr, key),
                "kafka.offset",
                format!("`{key}` is neither an offset number nor seekToBeginning, seekToLast or seekToEnd"),
                "use a number or one of seekToBeginning, seekToLast, seekToEnd",
            );
        }
    }
}

fn document(
    plugin: &PluginInfo,
    role: Role,
    param: &Map<String, Value>,
    ptr: &str,
    sink: &mut Sink,
) {
    if plugin.name != "mongodb" {
        return;
    }
    let cols_ptr = join_pointer(ptr, "column");
    for (i, col) in entries(param, "column") {
        if col.get("name").and_then(Value::as_str).is_none() {
            sink.error(
                &join_pointer(&cols_ptr, &i.to_string()),
                "mongodb.column",
                format!("column {i} of the MongoDB {role} has no `name`"),
                "give each column {\"name\": <field>, \"type\": <type>}",
            );
        }
    }
    if role == Role::Writer
        && let Some(mode) = param.get("writeMode").and_then(Value::as_object)
    {
        let replace = match mode.get("isReplace") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        let key = mode.get("replaceKey").and_then(Value::as_str).unwrap_or("");
        if replace && key.trim().is_empty() {
            sink.error(
                &join_pointer(ptr, "writeMode"),
                "mongodb.replace-key",
                "`writeMode.isReplace` is true but no `replaceKey` is given".to_owned(),
                "add \"replaceKey\": <the unique business key, such as _id>",
            );
        }
    }
}

/// `preSql`, `postSql`, `querySql`: lists of non-empty SQL statements.
fn sql_list(statements: &[Value], ptr: &str, key: &str, sink: &mut Sink) {
    for (i, s) in statements.iter().enumerate() {
        if s.as_str().is_some_and(|s| s.trim().is_empty()) {
            sink.error(
                &join_pointer(ptr, &i.to_string()),
                "sql.shape",
                format!("statement {i} of `{key}` is empty"),
                "remove the empty statement",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_file_column_fault_says_what_is_wrong() {
        let reader = |c: Value| file_column_fault(&c, Role::Reader);
        let writer = |c: Value| file_column_fault(&c, Role::Writer);
        assert_eq!(reader(json!("a")), None);
        assert_eq!(reader(json!({"index": 0, "type": "string"})), None);
        assert_eq!(reader(json!({"value": "x", "type": "string"})), None);
        assert!(
            reader(json!({"index": 0, "value": "x", "type": "string"}))
                .unwrap()
                .contains("both")
        );
        assert!(
            reader(json!({"type": "string"}))
                .unwrap()
                .contains("neither `index`")
        );
        assert_eq!(reader(json!({"index": 0})), Some("has no `type`"));
        assert!(
            reader(json!(3))
                .unwrap()
                .contains("neither a column name nor an object")
        );
        assert_eq!(writer(json!({"name": "a"})), None);
        assert_eq!(writer(json!({"type": "string"})), None);
        assert_eq!(
            writer(json!({"comment": "x"})),
            Some("has neither `name` nor `type`")
        );
    }
}
