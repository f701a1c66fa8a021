//! The semantic rules the JSON Schema cannot say. They walk the JSON value (not the typed
//! model) so they run even when the schema found errors, and so every problem is reported
//! in one pass. Rule ids are stable; `docs/taskparam.md` lists them.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::Problem;
use super::plugins::{self, Columns};
use crate::kind::DocumentKind;
use crate::lenient::{is_int_text, is_number_text};
use crate::model::catalogue::{self, PluginInfo, PluginName, Role};
use crate::model::enums::{Mode, OneClickTaskType};
use crate::util::join_pointer;

/// Errors and warnings found by the rules.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Sink {
    pub(super) fn error(&mut self, pointer: &str, rule: &str, message: String, hint: &str) {
        self.errors.push(Problem::new(pointer, rule, message, hint));
    }
    pub(super) fn warn(&mut self, pointer: &str, rule: &str, message: String, hint: &str) {
        self.warnings
            .push(Problem::new(pointer, rule, message, hint));
    }
}

/// The legacy forms this crate recognises but does not model.
pub(crate) fn legacy_form(value: &Value) -> Option<Problem> {
    let obj = value.as_object()?;
    if obj.contains_key("configuration") && !obj.contains_key("steps") {
        return Some(Problem::new(
            "/configuration",
            "legacy.form",
            "this is the legacy version 1.0 job form (`configuration.reader/writer`), which is not modelled",
            "rewrite it as a version 2.0 script: `steps` with a reader and a writer, `setting`, `order.hops`",
        ));
    }
    if obj.get("job").and_then(|j| j.get("content")).is_some() {
        return Some(Problem::new(
            "/job",
            "legacy.datax",
            "this is an open-source DataX job (`job.content[].reader/writer`), not a DataWorks script",
            "rewrite it as a DataWorks script: `steps` (stepType mysql, odps, ...), `setting.speed.concurrent`, `order.hops`",
        ));
    }
    None
}

/// Runs every rule of `kind` on `value`.
pub(crate) fn check(kind: DocumentKind, value: &Value, sink: &mut Sink) {
    let Some(doc) = value.as_object() else {
        // The schema already reports the wrong type.
        return;
    };
    match kind {
        DocumentKind::RealtimeTaskParam => realtime_param(doc, sink),
        DocumentKind::UpdateTaskParam => update_param(doc, sink),
        DocumentKind::TaskContent => {
            keys_case(doc, "", TOP_CONTENT, sink);
            content(doc, "", None, false, sink);
        }
        DocumentKind::BatchJob => batch(doc, sink),
        DocumentKind::TaskMeta => task_meta(doc, sink),
        DocumentKind::SolutionProcess => solution(doc, sink),
    }
}

const TOP_REALTIME: &[&str] = &["type", "version", "setting", "steps"];
const TOP_UPDATE: &[&str] = &["steps"];
const TOP_CONTENT: &[&str] = &["extend", "type", "version", "steps", "order", "setting"];
const TOP_BATCH: &[&str] = &["type", "version", "steps", "setting", "order"];
const TOP_META: &[&str] = &["FileFolderPath", "ResourceGroup", "Cu"];
const STEP_KEYS: &[&str] = &["stepType", "parameter", "name", "category"];
const MYSQL_KEYS: &[&str] = &[
    "datasource",
    "connection",
    "column",
    "splitPk",
    "where",
    "encoding",
    "table",
];
const CONN_KEYS: &[&str] = &[
    "datasourceType",
    "datasource",
    "table",
    "selectedTables",
    "querySql",
    "jdbcUrl",
];
const WRITER_KEYS: &[&str] = &[
    "datasource",
    "table",
    "partition",
    "column",
    "truncate",
    "tableMappingRule",
    "topic",
    "conflictMode",
    "writeMode",
    "datasourceSchema",
];

/// `keys.case`: a key that differs from a known key only in letter case is silently ignored
/// by the service (`splitPK`, `Column`, `Steps`).
pub(super) fn keys_case(obj: &Map<String, Value>, ptr: &str, known: &[&str], sink: &mut Sink) {
    for key in obj.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            sink.warn(
                &join_pointer(ptr, key),
                "keys.case",
                format!("`{key}` differs from the known field `{k}` only in letter case; the service ignores it"),
                "spell the key exactly as documented",
            );
        }
    }
}

/// A step as the rules see it.
pub(super) struct StepView<'a> {
    pub(super) ptr: String,
    pub(super) name: Option<&'a str>,
    pub(super) category: Option<&'a str>,
    pub(super) step_type: Option<&'a str>,
    pub(super) parameter: Option<&'a Map<String, Value>>,
}

impl<'a> StepView<'a> {
    fn is_reader(&self) -> bool {
        self.category == Some("reader")
    }
    fn is_writer(&self) -> bool {
        self.category == Some("writer")
    }
    pub(super) fn param_ptr(&self) -> String {
        join_pointer(&self.ptr, "parameter")
    }
    /// The plugin id the step's `stepType` names or means (`mysql` for `MySQL`, `holo`
    /// for `hologres`: the misspelling is `step.type-name`'s to report, the rest of the step
    /// is checked as the plugin meant); the text as written when the catalogue does not
    /// know it.
    pub(super) fn plugin_id(&self) -> Option<&'a str> {
        let written = self.step_type?;
        Some(plugin_meant(written).map_or(written, |p| p.name))
    }
    /// Whether the step's parameters are typed as a MySQL reader.
    pub(super) fn is_mysql_reader(&self) -> bool {
        self.is_reader() && matches!(self.plugin_id(), Some("mysql") | None)
    }
    pub(super) fn is_typed_writer(&self) -> bool {
        self.is_writer() && matches!(self.plugin_id(), Some("odps" | "kafka" | "holo"))
    }
}

fn steps_of<'a>(doc: &'a Map<String, Value>, base: &str) -> Vec<StepView<'a>> {
    let steps_ptr = join_pointer(base, "steps");
    let Some(steps) = doc.get("steps").and_then(Value::as_array) else {
        return Vec::new();
    };
    steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let s = s.as_object()?;
            Some(StepView {
                ptr: join_pointer(&steps_ptr, &i.to_string()),
                name: s.get("name").and_then(Value::as_str),
                category: s.get("category").and_then(Value::as_str),
                step_type: s.get("stepType").and_then(Value::as_str),
                parameter: s.get("parameter").and_then(Value::as_object),
            })
        })
        .collect()
}

/// Rules every kind with steps shares: unique names, categories, step types, key case.
fn common_steps(doc: &Map<String, Value>, steps: &[StepView<'_>], update: bool, sink: &mut Sink) {
    let mut names: HashMap<&str, &str> = HashMap::new();
    for step in steps {
        if let Some(obj) = doc_step(doc, step) {
            keys_case(obj, &step.ptr, STEP_KEYS, sink);
        }
        if let Some(name) = step.name {
            if let Some(first) = names.get(name) {
                sink.error(
                    &join_pointer(&step.ptr, "name"),
                    "steps.unique-names",
                    format!("step name `{name}` is already used by the step at {first}"),
                    "give every step a distinct name (hops refer to steps by name)",
                );
            } else {
                names.insert(name, &step.ptr);
            }
        }
        match step.category {
            Some("reader" | "writer") | None => {}
            Some(other) => sink.error(
                &join_pointer(&step.ptr, "category"),
                "step.category",
                format!("category `{other}` is neither `reader` nor `writer`"),
                "set `category` to \"reader\" or \"writer\"",
            ),
        }
        match step.step_type {
            None if !update => sink.error(
                &step.ptr,
                "step.type-missing",
                "the step has no `stepType`".to_owned(),
                "add the plugin id, such as \"stepType\": \"mysql\"",
            ),
            Some(t) => step_type(step, t, sink),
            None => {}
        }
        if let Some(param) = step.parameter {
            if step.is_mysql_reader() {
                keys_case(param, &step.param_ptr(), MYSQL_KEYS, sink);
            } else if step.is_typed_writer() {
                keys_case(param, &step.param_ptr(), WRITER_KEYS, sink);
            }
        }
    }
}

/// `stepType` against the plugin catalogue: exact names, aliases and case slips, DataX
/// names, roles, untyped and unknown plugins.
fn step_type(step: &StepView<'_>, t: &str, sink: &mut Sink) {
    let ptr = join_pointer(&step.ptr, "stepType");
    let role = step.category.and_then(Role::from_category);
    match catalogue::resolve(t) {
        PluginName::Known(plugin) => {
            if let Some(role) = role.filter(|r| !plugin.has_role(*r)) {
                sink.error(
                    &ptr,
                    "step.role",
                    format!("the {} plugin `{t}` has no batch {role}", plugin.title),
                    "use the plugin in the role its page documents, or another plugin",
                );
            } else if !plugin.is_typed() {
                sink.warn(
                    &ptr,
                    "step.untyped",
                    format!("the `{t}` plugin is known but not typed by this tool; its parameters are kept and not checked"),
                    "nothing to fix if the parameters are right",
                );
            }
        }
        PluginName::Alias { plugin, case_only } => sink.error(
            &ptr,
            "step.type-name",
            if case_only {
                format!("`{t}` differs from the plugin id `{}` in letter case; the service matches ids exactly", plugin.name)
            } else {
                format!("`{t}` is not a plugin id the service takes; the {} plugin is `{}`", plugin.title, plugin.name)
            },
            &format!("set \"stepType\": \"{}\"", plugin.name),
        ),
        PluginName::DataX { plugin, role: datax_role } => sink.error(
            &ptr,
            "step.type-datax",
            format!("`{t}` is an open-source DataX plugin name; in DataWorks the {} {datax_role} is `{}`", plugin.title, plugin.name),
            &format!("set \"stepType\": \"{}\" with \"category\": \"{datax_role}\" (or convert a whole DataX job with `dwdi convert datax`)", plugin.name),
        ),
        PluginName::Unknown => sink.warn(
            &ptr,
            "step.unknown-type",
            format!("step type `{t}` is not in this tool's plugin catalogue; it is kept as it is and its parameters are not checked"),
            &format!("nothing to fix if the plugin id is right; typed: {}", catalogue::typed_names().collect::<Vec<_>>().join(", ")),
        ),
    }
}

/// The plugin whose rules a batch step's parameters are checked against: the one its
/// `stepType` names, or the one an alias or case slip means (`MySQL`, `hologres`), so one run
/// reports the misspelt name and the parameters' problems together. A DataX name
/// (`mysqlreader`) means nothing here: its step is written in DataX's shape (`jdbcUrl`,
/// `username`), which `dwdi convert datax` maps; checking it as a DataWorks step would only
/// restate that.
fn plugin_meant(step_type: &str) -> Option<&'static PluginInfo> {
    match catalogue::resolve(step_type) {
        PluginName::Known(plugin) | PluginName::Alias { plugin, .. } => Some(plugin),
        PluginName::DataX { .. } | PluginName::Unknown => None,
    }
}

fn doc_step<'a>(
    doc: &'a Map<String, Value>,
    step: &StepView<'_>,
) -> Option<&'a Map<String, Value>> {
    let index: usize = step.ptr.rsplit('/').next()?.parse().ok()?;
    doc.get("steps")?.as_array()?.get(index)?.as_object()
}

/// `order.hops`: every hop names existing steps, from a reader to a writer.
fn hops(
    doc: &Map<String, Value>,
    base: &str,
    steps: &[StepView<'_>],
    required: bool,
    sink: &mut Sink,
) {
    let order_ptr = join_pointer(base, "order");
    let Some(hops) = doc
        .get("order")
        .and_then(|o| o.get("hops"))
        .and_then(Value::as_array)
    else {
        if required && !doc.contains_key("order") {
            sink.warn(
                base,
                "order.missing",
                "the job has no `order.hops`".to_owned(),
                "add \"order\": {\"hops\": [{\"from\": <reader name>, \"to\": <writer name>}]}",
            );
        }
        return;
    };
    let hops_ptr = join_pointer(&order_ptr, "hops");
    let by_name: HashMap<&str, &StepView<'_>> =
        steps.iter().filter_map(|s| Some((s.name?, s))).collect();
    for (i, hop) in hops.iter().enumerate() {
        let hop_ptr = join_pointer(&hops_ptr, &i.to_string());
        let from = hop.get("from").and_then(Value::as_str);
        let to = hop.get("to").and_then(Value::as_str);
        for (end, name) in [("from", from), ("to", to)] {
            if let Some(name) = name
                && !by_name.contains_key(name)
            {
                sink.error(
                    &join_pointer(&hop_ptr, end),
                    "hops.known-steps",
                    format!("hop {end} `{name}` names no step"),
                    "use the `name` of an existing step",
                );
            }
        }
        if let (Some(f), Some(t)) = (
            from.and_then(|n| by_name.get(n)),
            to.and_then(|n| by_name.get(n)),
        ) && (!f.is_reader() || !t.is_writer() || f.name == t.name)
        {
            sink.error(
                    &hop_ptr,
                    "hops.direction",
                    format!(
                        "hop `{}` → `{}` does not lead from a reader to a writer, so the job has no valid data flow",
                        f.name.unwrap_or(""),
                        t.name.unwrap_or("")
                    ),
                    "hops lead from the reader step to the writer step",
                );
        }
    }
}

/// How strict the table rules are.
#[derive(Clone, Copy)]
pub(super) struct TableOpts {
    /// Real-time documents need `table` or `selectedTables` (batch may use `querySql`).
    pub(super) realtime: bool,
    /// Templates (solution process) may have empty lists.
    pub(super) template: bool,
}

/// The tables a reader selects: (database, table) pairs; the database is `None` for the
/// `table` form.
#[derive(Default)]
pub(super) struct Selected<'a> {
    pairs: HashSet<(Option<&'a str>, &'a str)>,
    uses_table_form: bool,
}

impl Selected<'_> {
    fn contains(&self, db: Option<&str>, table: &str) -> bool {
        if self.pairs.contains(&(db, table)) {
            return true;
        }
        // The `table` form does not name the database: match by table name.
        self.uses_table_form && self.pairs.contains(&(None, table))
    }
}

/// Rules of one MySQL connection; records the selected tables in `selected`.
fn connection<'a>(
    conn: &'a Map<String, Value>,
    ptr: &str,
    opts: TableOpts,
    selected: &mut Selected<'a>,
    sink: &mut Sink,
) {
    keys_case(conn, ptr, CONN_KEYS, sink);
    let table = conn.get("table");
    let sel = conn.get("selectedTables");
    let query = conn.get("querySql");
    match (table.is_some(), sel.is_some()) {
        (true, true) => sink.error(
            ptr,
            "conn.tables-xor",
            "the connection has both `table` and `selectedTables`; the service uses only `selectedTables`".to_owned(),
            "keep one: `table` for tables of one database, `selectedTables` for several databases",
        ),
        (false, false) if opts.realtime => sink.error(
            ptr,
            "conn.tables-xor",
            "the connection selects no tables (neither `table` nor `selectedTables`)".to_owned(),
            "add `table` (one database) or `selectedTables` (several databases)",
        ),
        (false, false) if query.is_none() => sink.error(
            ptr,
            "conn.table-or-querysql",
            "the connection has neither `table` nor `querySql`".to_owned(),
            "add `table` (a list of tables) or `querySql`",
        ),
        _ => {}
    }
    if !opts.realtime && table.is_some() && query.is_some() {
        sink.warn(
            ptr,
            "conn.querysql-overrides",
            "the connection has both `table` and `querySql`; `querySql` wins and `table` is ignored".to_owned(),
            "remove `table` (or `querySql`)",
        );
    }
    if let Some(tables) = table.and_then(Value::as_array) {
        let table_ptr = join_pointer(ptr, "table");
        selected.uses_table_form = true;
        if tables.is_empty() && !opts.template {
            sink.error(
                &table_ptr,
                "tables.non-empty",
                "the table list is empty".to_owned(),
                "list at least one table",
            );
        }
        for (i, t) in tables.iter().enumerate() {
            if let Some(name) = t.as_str() {
                table_name(
                    name,
                    None,
                    &join_pointer(&table_ptr, &i.to_string()),
                    selected,
                    sink,
                );
            }
        }
    }
    if let Some(dbs) = sel.and_then(Value::as_array) {
        let sel_ptr = join_pointer(ptr, "selectedTables");
        if dbs.is_empty() && !opts.template {
            sink.error(
                &sel_ptr,
                "tables.non-empty",
                "`selectedTables` is empty".to_owned(),
                "list at least one database with its tables",
            );
        }
        for (i, db) in dbs.iter().enumerate() {
            let db_ptr = join_pointer(&sel_ptr, &i.to_string());
            let Some(db) = db.as_object() else { continue };
            let db_name = db.get("dbName").and_then(Value::as_str);
            if db_name.is_some_and(|n| n.trim().is_empty()) {
                sink.error(
                    &join_pointer(&db_ptr, "dbName"),
                    "selected.dbname",
                    "`dbName` is empty".to_owned(),
                    "name the MySQL database",
                );
            }
            let mut count = 0usize;
            let schema_ptr = join_pointer(&db_ptr, "schema");
            for (j, group) in db
                .get("schema")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let infos_ptr =
                    join_pointer(&join_pointer(&schema_ptr, &j.to_string()), "tableInfos");
                for (k, info) in group
                    .get("tableInfos")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    count += 1;
                    if let Some(name) = info.get("table").and_then(Value::as_str) {
                        let info_ptr =
                            join_pointer(&join_pointer(&infos_ptr, &k.to_string()), "table");
                        table_name(name, Some(db_name.unwrap_or("")), &info_ptr, selected, sink);
                    }
                }
            }
            if count == 0 && !opts.template {
                sink.error(
                    &db_ptr,
                    "tables.non-empty",
                    format!("database `{}` selects no tables", db_name.unwrap_or("")),
                    "list at least one table in `schema[].tableInfos[]`",
                );
            }
        }
    }
}

fn table_name<'a>(
    name: &'a str,
    db: Option<&'a str>,
    ptr: &str,
    selected: &mut Selected<'a>,
    sink: &mut Sink,
) {
    if name.trim().is_empty() {
        sink.error(
            ptr,
            "tables.name",
            "the table name is empty".to_owned(),
            "give the table's name",
        );
    } else if !selected.pairs.insert((db, name)) {
        let shown = match db {
            Some(db) if !db.is_empty() => format!("{db}.{name}"),
            _ => name.to_owned(),
        };
        sink.error(
            ptr,
            "tables.duplicate",
            format!("table `{shown}` is listed twice"),
            "list each table once",
        );
    }
}

/// The connections of a MySQL reader step.
pub(super) fn reader_connections<'a>(
    step: &StepView<'a>,
    opts: TableOpts,
    require_datasource: bool,
    sink: &mut Sink,
) -> Selected<'a> {
    let mut selected = Selected::default();
    let Some(param) = step.parameter else {
        return selected;
    };
    let conn_ptr = join_pointer(&step.param_ptr(), "connection");
    let Some(conns) = param.get("connection").and_then(Value::as_array) else {
        if opts.realtime {
            sink.error(
                &step.param_ptr(),
                "reader.connection",
                "the MySQL reader has no `connection` list".to_owned(),
                "add \"connection\": [{\"datasource\": ..., \"table\": [...]}]",
            );
        }
        return selected;
    };
    if conns.is_empty() {
        sink.error(
            &conn_ptr,
            "reader.connection",
            "the `connection` list is empty".to_owned(),
            "add one connection with its tables",
        );
    }
    for (i, conn) in conns.iter().enumerate() {
        let ptr = join_pointer(&conn_ptr, &i.to_string());
        if let Some(conn) = conn.as_object() {
            connection(conn, &ptr, opts, &mut selected, sink);
            let has_ds = conn.contains_key("datasource")
                || param.contains_key("datasource")
                || conn.contains_key("jdbcUrl");
            if require_datasource && !has_ds {
                sink.error(
                    &ptr,
                    "datasource.required",
                    "the connection names no `datasource`".to_owned(),
                    "add \"datasource\": <the MySQL data source name>",
                );
            }
        }
    }
    selected
}

fn writer_datasource(step: &StepView<'_>, sink: &mut Sink) {
    let Some(param) = step.parameter else { return };
    let direct = ["accessId", "jdbcUrl", "connection", "server", "endpoint"]
        .iter()
        .any(|k| param.contains_key(*k));
    if !param.contains_key("datasource") && !direct {
        sink.error(
            &step.param_ptr(),
            "datasource.required",
            format!(
                "the {} writer names no `datasource`",
                step.plugin_id().unwrap_or("")
            ),
            "add \"datasource\": <the target data source name>",
        );
    }
}

fn readers_writers<'a, 'b>(
    steps: &'b [StepView<'a>],
) -> (Vec<&'b StepView<'a>>, Vec<&'b StepView<'a>>) {
    (
        steps.iter().filter(|s| s.is_reader()).collect(),
        steps.iter().filter(|s| s.is_writer()).collect(),
    )
}

fn doc_type(doc: &Map<String, Value>, expected: &str, sink: &mut Sink) {
    if let Some(t) = doc.get("type").and_then(Value::as_str)
        && t != expected
    {
        sink.error(
            "/type",
            "doc.type",
            format!("`type` is `{t}`; this kind needs `{expected}`"),
            "set \"type\" to the expected value, or validate with the right --kind",
        );
    }
}

fn doc_version(doc: &Map<String, Value>, base: &str, expected: &[&str], sink: &mut Sink) {
    if let Some(v) = doc.get("version").and_then(Value::as_str)
        && !expected.contains(&v)
    {
        sink.warn(
            &join_pointer(base, "version"),
            "doc.version",
            format!(
                "`version` is `{v}`; the service's samples use {}",
                expected.join(" or ")
            ),
            "use the version of the samples unless you know better",
        );
    }
}

fn realtime_param(doc: &Map<String, Value>, sink: &mut Sink) {
    keys_case(doc, "", TOP_REALTIME, sink);
    doc_type(doc, "realtime", sink);
    doc_version(doc, "", &["1.0"], sink);
    let steps = steps_of(doc, "");
    common_steps(doc, &steps, false, sink);
    let (readers, writers) = readers_writers(&steps);
    if doc.contains_key("steps") && (readers.len() != 1 || writers.len() != 1) {
        sink.error(
            "/steps",
            "steps.reader-and-writer",
            format!(
                "a real-time TaskParam needs exactly one reader and one writer; found {} and {}",
                readers.len(),
                writers.len()
            ),
            "keep one MySQL reader step and one odps, kafka or holo writer step",
        );
    }
    let opts = TableOpts {
        realtime: true,
        template: false,
    };
    for reader in &readers {
        if reader.plugin_id().is_some_and(|t| t != "mysql") {
            sink.error(
                &join_pointer(&reader.ptr, "stepType"),
                "reader.type",
                format!(
                    "real-time sync reads only from MySQL, not `{}`",
                    reader.step_type.unwrap_or("")
                ),
                "use a \"mysql\" reader",
            );
        }
        if reader.is_mysql_reader() {
            reader_connections(reader, opts, true, sink);
        }
    }
    for writer in &writers {
        match writer.plugin_id() {
            Some("odps" | "kafka" | "holo") => writer_datasource(writer, sink),
            Some(other) => sink.error(
                &join_pointer(&writer.ptr, "stepType"),
                "writer.type",
                format!("real-time sync writes only to odps, kafka or holo, not `{other}`"),
                "use an odps, kafka or holo writer",
            ),
            None => {}
        }
    }
    if doc
        .get("setting")
        .and_then(|s| s.get("resourceGroup"))
        .and_then(Value::as_str)
        .is_some_and(|g| g.trim().is_empty())
    {
        sink.error(
            "/setting/resourceGroup",
            "resource-group.empty",
            "`setting.resourceGroup` is empty".to_owned(),
            "give the resource group identifier (such as S_res_group_...), not its display name",
        );
    }
    if let Some(task_type) = doc
        .get("setting")
        .and_then(|s| s.get("taskType"))
        .and_then(Value::as_str)
    {
        let task_type = OneClickTaskType::from(task_type);
        match (task_type.writer_step_type(), writers.first().and_then(|w| w.plugin_id())) {
            (None, writer) => {
                let matching = writer.and_then(|w| {
                    OneClickTaskType::KNOWN
                        .iter()
                        .find(|k| OneClickTaskType::from(**k).writer_step_type() == Some(w))
                });
                let hint = match (matching, writer) {
                    (Some(m), Some(w)) => format!("the writer is `{w}`: set \"taskType\": \"{m}\""),
                    _ => "use oneclick_to_odps, oneclick_to_kafka or oneclick_to_holo (odps, kafka, holo writer)".to_owned(),
                };
                sink.error("/setting/taskType", "tasktype.unknown", format!("task type `{task_type}` is not one of the {} the API documents; the service cannot create it", OneClickTaskType::KNOWN.join(", ")), &hint);
            }
            (Some(needed), Some(actual)) if needed != actual => sink.error("/setting/taskType", "tasktype.writer", format!("task type `{task_type}` needs a `{needed}` writer, but the writer is `{actual}`"), "make `setting.taskType` agree with the writer's stepType (odps → oneclick_to_odps, kafka → oneclick_to_kafka, holo → oneclick_to_holo)"),
            _ => {}
        }
    }
    if doc.contains_key("order") {
        hops(doc, "", &steps, false, sink);
    }
}

fn update_param(doc: &Map<String, Value>, sink: &mut Sink) {
    keys_case(doc, "", TOP_UPDATE, sink);
    let steps = steps_of(doc, "");
    common_steps(doc, &steps, true, sink);
    let n = doc
        .get("steps")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let readers = steps.iter().filter(|s| s.is_reader()).count();
    if doc.contains_key("steps") && (n != 1 || readers != 1) {
        sink.error("/steps", "update.reader-only", format!("the update TaskParam must have exactly one step, the reader; found {n} step(s), {readers} reader(s)"), "keep only the reader step with its `parameter.connection`");
    }
    for step in steps.iter().filter(|s| s.is_reader()) {
        if step.plugin_id().is_some_and(|t| t != "mysql") {
            sink.error(
                &join_pointer(&step.ptr, "stepType"),
                "reader.type",
                "the update supports only MySQL readers".to_owned(),
                "drop `stepType` or set it to \"mysql\"",
            );
        } else {
            reader_connections(
                step,
                TableOpts {
                    realtime: true,
                    template: false,
                },
                false,
                sink,
            );
        }
    }
}

/// The rules of a real-time TaskContent at `base`; `mode` overrides `extend.mode` (solution
/// processes keep `extend` beside the content); `template` relaxes the empty-list rules.
fn content(
    doc: &Map<String, Value>,
    base: &str,
    outer_mode: Option<(&str, String)>,
    template: bool,
    sink: &mut Sink,
) {
    let mode = match outer_mode {
        Some(m) => Some(m),
        None => {
            if !doc.contains_key("extend") && !template {
                sink.error(
                    base,
                    "extend.required",
                    "the TaskContent has no `extend` (mode and resource group)".to_owned(),
                    "add \"extend\": {\"mode\": \"migration_holo\", \"resourceGroup\": ...}",
                );
            }
            doc.get("extend")
                .and_then(|e| e.get("mode"))
                .and_then(Value::as_str)
                .map(|m| (m, join_pointer(&join_pointer(base, "extend"), "mode")))
        }
    };
    if let Some(t) = doc.get("type").and_then(Value::as_str)
        && t != "job"
    {
        sink.error(
            &join_pointer(base, "type"),
            "doc.type",
            format!("`type` is `{t}`; a TaskContent has `job`"),
            "set \"type\" to \"job\"",
        );
    }
    doc_version(doc, base, &["2.0"], sink);
    let steps = steps_of(doc, base);
    common_steps(doc, &steps, false, sink);
    let (readers, writers) = readers_writers(&steps);
    if doc.contains_key("steps") && (readers.is_empty() || writers.is_empty()) {
        sink.error(
            &join_pointer(base, "steps"),
            "steps.reader-and-writer",
            format!(
                "a TaskContent needs at least one reader and one writer; found {} and {}",
                readers.len(),
                writers.len()
            ),
            "keep the reader and writer steps the service generated",
        );
    }
    if let Some((mode, ptr)) = &mode {
        let mode = Mode::from(*mode);
        match (mode.writer_step_type(), &mode) {
            (_, Mode::Other(m)) => sink.warn(
                ptr,
                "mode.unknown",
                format!("mode `{m}` is not one of {}", Mode::KNOWN.join(", ")),
                "check the mode; known: migration_holo, migration_odps, migration_kafka, wizard",
            ),
            (Some(needed), _) => {
                for w in &writers {
                    if let Some(actual) = w.plugin_id()
                        && actual != needed
                    {
                        sink.error(ptr, "mode.writer", format!("mode `{mode}` needs a `{needed}` writer, but `{}` is `{actual}`", w.name.unwrap_or("the writer")), "make `extend.mode` agree with the writer (holo → migration_holo, odps → migration_odps, kafka → migration_kafka)");
                    }
                }
            }
            _ => {}
        }
    }
    let opts = TableOpts {
        realtime: true,
        template,
    };
    let mut selected = Selected::default();
    let mut reader_ds: Option<&str> = None;
    for reader in readers.iter().filter(|r| r.is_mysql_reader()) {
        let s = reader_connections(reader, opts, !template, sink);
        selected.pairs.extend(s.pairs);
        selected.uses_table_form |= s.uses_table_form;
        reader_ds = reader_ds.or_else(|| {
            reader
                .parameter?
                .get("connection")?
                .as_array()?
                .first()?
                .get("datasource")?
                .as_str()
        });
    }
    for writer in writers.iter().filter(|w| w.is_typed_writer()) {
        if !template {
            writer_datasource(writer, sink);
        }
        mapping_rules(writer, &selected, reader_ds, template, sink);
    }
    hops(doc, base, &steps, !template, sink);
}

fn mapping_rules(
    writer: &StepView<'_>,
    selected: &Selected<'_>,
    reader_ds: Option<&str>,
    template: bool,
    sink: &mut Sink,
) {
    let Some(rule) = writer
        .parameter
        .and_then(|p| p.get("tableMappingRule"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let rule_ptr = join_pointer(&writer.param_ptr(), "tableMappingRule");
    let mut count = 0usize;
    let mut seen: HashSet<(Option<&str>, &str)> = HashSet::new();
    let ds_ptr = join_pointer(&rule_ptr, "datasource");
    for (i, ds) in rule
        .get("datasource")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let this_ptr = join_pointer(&ds_ptr, &i.to_string());
        if let (Some(src), Some(reader)) = (
            ds.get("srcDatasourceName").and_then(Value::as_str),
            reader_ds,
        ) && src != reader
        {
            sink.warn(
                &join_pointer(&this_ptr, "srcDatasourceName"),
                "mapping.datasource",
                format!("rules are for data source `{src}` but the reader reads `{reader}`"),
                "set `srcDatasourceName` to the reader's data source",
            );
        }
        let rules_ptr = join_pointer(&this_ptr, "tableRule");
        for (j, r) in ds
            .get("tableRule")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            count += 1;
            let Some(table) = r.get("srcTable").and_then(Value::as_str) else {
                continue;
            };
            let db = r.get("srcDbName").and_then(Value::as_str);
            let r_ptr = join_pointer(&rules_ptr, &j.to_string());
            let shown = db.map_or_else(|| table.to_owned(), |d| format!("{d}.{table}"));
            if !seen.insert((db, table)) {
                sink.error(
                    &r_ptr,
                    "mapping.duplicate",
                    format!("table `{shown}` has two mapping rules"),
                    "keep one rule per source table",
                );
            }
            if !selected.contains(db, table) {
                sink.error(
                    &r_ptr,
                    "mapping.selected",
                    format!("mapping rule for `{shown}`, which the reader does not select"),
                    "remove the rule, or select the table in the reader",
                );
            }
        }
    }
    if let Some(total) = rule.get("totalTableMapping") {
        let total = match total {
            Value::Number(n) => n.as_u64(),
            Value::String(s) if is_int_text(s) => s.parse().ok(),
            _ => None,
        };
        if let Some(total) = total
            && total != count as u64
        {
            sink.warn(
                &join_pointer(&rule_ptr, "totalTableMapping"),
                "mapping.total",
                format!("`totalTableMapping` is {total} but there are {count} rules"),
                "set `totalTableMapping` to the number of rules",
            );
        }
    }
    if !template {
        let ruled_tables: HashSet<&str> = seen.iter().map(|(_, t)| *t).collect();
        let has_rule = |db: Option<&str>, t: &str| {
            seen.contains(&(db, t)) || (db.is_none() && ruled_tables.contains(t))
        };
        let missing = selected
            .pairs
            .iter()
            .filter(|(db, t)| !has_rule(*db, t))
            .count();
        if missing > 0 && count > 0 {
            sink.warn(
                &rule_ptr,
                "mapping.missing",
                format!("{missing} selected table(s) have no mapping rule"),
                "add a rule per selected table (TaskContent::apply_update does it)",
            );
        }
    }
}

/// Reads a lenient number (JSON number or numeric string).
fn lenient_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if !s.is_empty() && is_number_text(s) => s.parse().ok(),
        _ => None,
    }
}

fn batch(doc: &Map<String, Value>, sink: &mut Sink) {
    keys_case(doc, "", TOP_BATCH, sink);
    doc_type(doc, "job", sink);
    doc_version(doc, "", &["2.0", "1.0"], sink);
    let steps = steps_of(doc, "");
    common_steps(doc, &steps, false, sink);
    let (readers, writers) = readers_writers(&steps);
    if doc.contains_key("steps") && (readers.len() != 1 || writers.len() != 1) {
        sink.error(
            "/steps",
            "steps.one-reader-one-writer",
            format!(
                "a batch job needs exactly one reader and one writer; found {} and {}",
                readers.len(),
                writers.len()
            ),
            "keep one reader step and one writer step",
        );
    }
    let mut reader_columns = Columns::Unknown;
    for reader in &readers {
        let plugin = match reader.step_type {
            None => catalogue::plugin("mysql"),
            Some(t) => plugin_meant(t),
        };
        if let Some(plugin) = plugin.filter(|p| p.is_typed() && p.reader) {
            reader_columns = plugins::check_step(reader, plugin, Role::Reader, sink);
        }
    }
    for writer in &writers {
        let Some(plugin) = writer
            .step_type
            .and_then(plugin_meant)
            .filter(|p| p.is_typed() && p.writer)
        else {
            continue;
        };
        let columns = plugins::check_step(writer, plugin, Role::Writer, sink);
        if let (Columns::Count(r), Columns::Count(w)) = (reader_columns, columns)
            && r != w
        {
            sink.error(
                &join_pointer(&writer.param_ptr(), "column"),
                "column.count",
                format!(
                    "the writer lists {w} column{} but the reader reads {r}; columns map by position",
                    if w == 1 { "" } else { "s" }
                ),
                "list as many writer columns as reader columns, in the same order",
            );
        }
    }
    if let Some(setting) = doc.get("setting").and_then(Value::as_object) {
        if let Some(speed) = setting.get("speed").and_then(Value::as_object) {
            if let Some(c) = speed.get("concurrent").and_then(lenient_f64)
                && c < 1.0
            {
                sink.error(
                    "/setting/speed/concurrent",
                    "speed.concurrent",
                    format!("`concurrent` is {c}; it must be at least 1"),
                    "set `concurrent` to 1 or more",
                );
            }
            let throttle = match speed.get("throttle") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true",
                _ => false,
            };
            if throttle && !speed.contains_key("mbps") {
                sink.warn(
                    "/setting/speed",
                    "speed.throttle-mbps",
                    "`throttle` is true but no `mbps` limit is given".to_owned(),
                    "add \"mbps\": <MB/s>, or set `throttle` to false",
                );
            }
        }
        if let Some(limit) = setting.get("errorLimit").and_then(Value::as_object) {
            if limit
                .get("record")
                .and_then(lenient_f64)
                .is_some_and(|r| r < 0.0)
            {
                sink.error(
                    "/setting/errorLimit/record",
                    "errorlimit.record",
                    "`errorLimit.record` is negative".to_owned(),
                    "use 0 or more (\"\" for no limit)",
                );
            }
            if limit
                .get("percentage")
                .and_then(lenient_f64)
                .is_some_and(|p| !(0.0..=1.0).contains(&p))
            {
                sink.error(
                    "/setting/errorLimit/percentage",
                    "errorlimit.percentage",
                    "`errorLimit.percentage` is outside [0, 1]".to_owned(),
                    "use a ratio between 0 and 1",
                );
            }
        }
    }
    hops(doc, "", &steps, true, sink);
}

fn task_meta(doc: &Map<String, Value>, sink: &mut Sink) {
    keys_case(doc, "", TOP_META, sink);
    if let Some(cu) = doc.get("Cu").and_then(lenient_f64)
        && (cu <= 0.0 || (cu * 2.0).fract() != 0.0)
    {
        sink.error(
            "/Cu",
            "cu.half",
            format!("`Cu` is {cu}; it must be a positive multiple of 0.5"),
            "use 0.5, 1, 1.5, 2, ...",
        );
    }
    if doc
        .get("ResourceGroup")
        .and_then(Value::as_str)
        .is_some_and(|g| g.trim().is_empty())
    {
        sink.error(
            "/ResourceGroup",
            "resource-group.empty",
            "`ResourceGroup` is empty".to_owned(),
            "give the resource group identifier (from ListResourceGroups), not its display name",
        );
    }
}

fn solution(doc: &Map<String, Value>, sink: &mut Sink) {
    let Some(rt) = doc.get("realtimeSyncConfig").and_then(Value::as_object) else {
        return;
    };
    let Some(content_doc) = rt.get("content").and_then(Value::as_object) else {
        return;
    };
    let mode = rt
        .get("extend")
        .and_then(|e| e.get("mode"))
        .and_then(Value::as_str)
        .map(|m| (m, "/realtimeSyncConfig/extend/mode".to_owned()));
    content(content_doc, "/realtimeSyncConfig/content", mode, true, sink);
}
