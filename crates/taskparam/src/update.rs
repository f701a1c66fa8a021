//! Applying table updates to a real-time TaskContent, and the content the service generates
//! for a create TaskParam. Used by the emulator (which plays the service) and by the
//! workflow's `plan`.
//!
//! The default mapping rule for a table follows the seed's Hologres rule; see
//! `docs/taskparam.md` for the choices made where the docs are silent.

use std::collections::{BTreeSet, HashMap};

use serde_json::Map;

use crate::error::ApplyError;
use crate::lenient::{BoolOrString, IntOrString};
use crate::model::documents::{Extend, RealtimeTaskParam, TaskContent, UpdateTaskParam};
use crate::model::enums::{Mode, StepCategory, WriteMode};
use crate::model::mapping::{
    DstCreateTableInfo, MappingDatasource, PrimaryKeyInfo, TableMappingRule, TableRule,
};
use crate::model::mysql::{Connection, SchemaTables, SelectedDatabase, TableInfo, TableSelection};
use crate::model::step::{Hop, Order, Step, StepParams};

/// The first reader connection that selects tables (or the first connection) of `steps`:
/// (step index, connection index).
fn reader_connection(steps: &[Step]) -> Option<(usize, usize)> {
    steps.iter().enumerate().find_map(|(i, step)| {
        if !step.is_reader() {
            return None;
        }
        let conns = step.mysql_reader()?.connection.as_ref()?;
        let c = conns
            .iter()
            .position(|c| c.selection.is_some())
            .or(if conns.is_empty() { None } else { Some(0) })?;
        Some((i, c))
    })
}

fn connection_at(steps: &[Step], (s, c): (usize, usize)) -> Option<&Connection> {
    steps.get(s)?.mysql_reader()?.connection.as_ref()?.get(c)
}

fn connection_at_mut(steps: &mut [Step], (s, c): (usize, usize)) -> Option<&mut Connection> {
    steps
        .get_mut(s)?
        .mysql_reader_mut()?
        .connection
        .as_mut()?
        .get_mut(c)
}

impl UpdateTaskParam {
    /// The table selection the update asks for.
    pub fn table_selection(&self) -> Option<TableSelection> {
        let at = reader_connection(&self.steps)?;
        connection_at(&self.steps, at)?.selection.clone()
    }

    /// The data source the update names, if any.
    pub fn datasource(&self) -> Option<&str> {
        let at = reader_connection(&self.steps)?;
        connection_at(&self.steps, at)?.datasource.as_deref()
    }
}

/// Which typed writer a mapping rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriterKind {
    Holo,
    Odps,
    Kafka,
}

fn writer_kind(params: &StepParams) -> Option<WriterKind> {
    match params {
        StepParams::HoloWriter(_) => Some(WriterKind::Holo),
        StepParams::OdpsWriter(_) => Some(WriterKind::Odps),
        StepParams::KafkaWriter(_) => Some(WriterKind::Kafka),
        _ => None,
    }
}

/// The default mapping rule of one source table (see `docs/taskparam.md`):
/// Hologres `dstTable` = `<db>.<table>` (or `<schema>.<table>` when the database is not
/// named), MaxCompute `<table>`, Kafka topic `<db>.<table>`; primary key `id`.
fn default_rule(kind: WriterKind, db: &str, table: &str, holo_schema: Option<&str>) -> TableRule {
    let src_db_name = (!db.is_empty()).then(|| db.to_owned());
    let primary_key_info = Some(PrimaryKeyInfo {
        column: vec!["id".to_owned()],
        key_type: "pk".to_owned(),
        extra: Map::new(),
    });
    match kind {
        WriterKind::Holo => {
            let schema = if db.is_empty() {
                holo_schema.unwrap_or("public")
            } else {
                db
            };
            TableRule {
                src_db_name,
                src_table: table.to_owned(),
                dst_table: Some(format!("{schema}.{table}")),
                merge_into_cycle_type: Some("DEFAULT".to_owned()),
                hour_delta_enable: Some(BoolOrString::Bool(false)),
                day_delta_enable: Some(BoolOrString::Bool(false)),
                primary_key_info,
                dst_create_table_info: Some(DstCreateTableInfo {
                    schema_name: Some(schema.to_owned()),
                    table_name: Some(table.to_owned()),
                    ..DstCreateTableInfo::default()
                }),
                extra: Map::new(),
            }
        }
        WriterKind::Odps => TableRule {
            src_db_name,
            src_table: table.to_owned(),
            dst_table: Some(table.to_owned()),
            primary_key_info,
            ..TableRule::default()
        },
        WriterKind::Kafka => TableRule {
            src_db_name,
            src_table: table.to_owned(),
            dst_table: Some(if db.is_empty() {
                table.to_owned()
            } else {
                format!("{db}.{table}")
            }),
            primary_key_info,
            ..TableRule::default()
        },
    }
}

fn holo_schema(params: &StepParams) -> Option<&str> {
    match params {
        StepParams::HoloWriter(p) => p.datasource_schema.as_deref(),
        _ => None,
    }
}

/// A selection in the shape the service writes: every table entry `{enable, table, tableName}`,
/// reusing the entries (and their extra fields) of `previous` for tables kept.
fn normalise(selection: TableSelection, previous: Option<&TableSelection>) -> TableSelection {
    let TableSelection::SelectedTables(dbs) = selection else {
        return selection;
    };
    let mut old_infos: HashMap<(&str, &str), &TableInfo> = HashMap::new();
    let mut old_dbs: HashMap<&str, &SelectedDatabase> = HashMap::new();
    if let Some(TableSelection::SelectedTables(old)) = previous {
        for db in old {
            old_dbs.entry(db.db_name.as_str()).or_insert(db);
            for group in &db.schema {
                for info in &group.table_infos {
                    old_infos.insert((db.db_name.as_str(), info.table.as_str()), info);
                }
            }
        }
    }
    let dbs = dbs
        .into_iter()
        .map(|db| {
            let old_db = old_dbs.get(db.db_name.as_str());
            let schema = db
                .schema
                .into_iter()
                .map(|group| SchemaTables {
                    table_infos: group
                        .table_infos
                        .into_iter()
                        .map(|info| {
                            match old_infos.get(&(db.db_name.as_str(), info.table.as_str())) {
                                Some(old) => (*old).clone(),
                                None => info.normalised(),
                            }
                        })
                        .collect(),
                    extra: group.extra,
                })
                .collect();
            let mut extra = old_db.map(|d| d.extra.clone()).unwrap_or_default();
            extra.extend(db.extra);
            SelectedDatabase {
                db_name: db.db_name,
                schema,
                extra,
            }
        })
        .collect();
    TableSelection::SelectedTables(dbs)
}

/// The database names a selection covers.
fn databases(selection: &TableSelection) -> BTreeSet<&str> {
    match selection {
        TableSelection::Tables(_) => BTreeSet::new(),
        TableSelection::SelectedTables(dbs) => dbs.iter().map(|d| d.db_name.as_str()).collect(),
    }
}

impl TaskContent {
    /// The reader's current table selection (of its first connection that has one).
    pub fn table_selection(&self) -> Option<TableSelection> {
        let at = reader_connection(&self.steps)?;
        connection_at(&self.steps, at)?.selection.clone()
    }

    /// The reader's data source.
    pub fn reader_datasource(&self) -> Option<&str> {
        let at = reader_connection(&self.steps)?;
        connection_at(&self.steps, at)?.datasource.as_deref()
    }

    /// The database the `table` form means: the `srcDbName` every mapping rule shares, or
    /// `""` when the rules do not settle it.
    pub fn table_form_db(&self) -> String {
        let mut names = self
            .steps
            .iter()
            .filter_map(|s| s.parameter.table_mapping_rule())
            .flat_map(TableMappingRule::rules)
            .map(|r| r.src_db_name.as_deref().unwrap_or(""));
        match names.next() {
            Some(first) if names.all(|n| n == first) => first.to_owned(),
            _ => String::new(),
        }
    }

    /// Every selected (database, table) pair; the `table` form uses [`Self::table_form_db`].
    pub fn selected_pairs(&self) -> Vec<(String, String)> {
        let db = self.table_form_db();
        self.table_selection()
            .map(|sel| {
                sel.pairs(&db)
                    .into_iter()
                    .map(|(d, t)| (d.to_owned(), t.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Applies an update TaskParam: its selection becomes the reader's selection (in the shape
    /// the content uses, `table` or `selectedTables`), and each typed writer's
    /// `tableMappingRule` gets a default rule per added table and loses the rules of removed
    /// tables, with `totalTableMapping` kept equal to the number of rules.
    ///
    /// A `table` update on content that selects tables of several databases is ambiguous
    /// ([`ApplyError::AmbiguousDatabase`]), as is a several-database update on `table`
    /// content.
    pub fn apply_update(&self, update: &UpdateTaskParam) -> Result<TaskContent, ApplyError> {
        let wanted = update.table_selection().ok_or(ApplyError::NoSelection)?;
        let at = reader_connection(&self.steps).ok_or(ApplyError::NoReader)?;
        let conn = connection_at(&self.steps, at).ok_or(ApplyError::NoReader)?;
        if let (Some(content), Some(update)) = (conn.datasource.as_deref(), update.datasource())
            && content != update
        {
            return Err(ApplyError::DatasourceMismatch {
                content: content.to_owned(),
                update: update.to_owned(),
            });
        }
        let old_db = self.table_form_db();
        let old = conn.selection.clone();
        // The new selection in the content's shape, and the database the `table` form means.
        let content_selected = matches!(old, Some(TableSelection::SelectedTables(_)));
        let content_table = matches!(old, Some(TableSelection::Tables(_)));
        let (new, new_db) = match wanted {
            TableSelection::Tables(tables) if content_selected => {
                let dbs = old.as_ref().map(databases).unwrap_or_default();
                let mut names = dbs.iter();
                match (names.next(), names.next()) {
                    (Some(db), None) => (
                        TableSelection::SelectedTables(vec![SelectedDatabase::new(*db, tables)]),
                        old_db.clone(),
                    ),
                    _ => {
                        return Err(ApplyError::AmbiguousDatabase {
                            update_form: "`table`",
                            content_form: "`selectedTables`",
                            databases: dbs.len(),
                        });
                    }
                }
            }
            TableSelection::SelectedTables(dbs) if content_table => match dbs.as_slice() {
                [db] => (
                    TableSelection::Tables(db.tables().map(str::to_owned).collect()),
                    db.db_name.clone(),
                ),
                _ => {
                    return Err(ApplyError::AmbiguousDatabase {
                        update_form: "`selectedTables`",
                        content_form: "`table`",
                        databases: dbs.len(),
                    });
                }
            },
            other => (other, old_db.clone()),
        };
        let new = normalise(new, old.as_ref());
        let reader_ds = conn.datasource.clone();

        let new_pairs: Vec<(String, String)> = new
            .pairs(&new_db)
            .into_iter()
            .map(|(d, t)| (d.to_owned(), t.to_owned()))
            .collect();

        let mut out = self.clone();
        if let Some(conn) = connection_at_mut(&mut out.steps, at) {
            conn.selection = Some(new);
        }
        for step in out.steps.iter_mut().filter(|s| s.is_writer()) {
            let Some(kind) = writer_kind(&step.parameter) else {
                continue;
            };
            let schema = holo_schema(&step.parameter).map(str::to_owned);
            let Some(slot) = step.parameter.table_mapping_rule_slot() else {
                continue;
            };
            let rule = slot.get_or_insert_with(TableMappingRule::default);
            update_rules(
                rule,
                kind,
                &old_db,
                &new_pairs,
                reader_ds.as_deref(),
                schema.as_deref(),
            );
        }
        Ok(out)
    }

    /// The normalised TaskContent the service generates for a create TaskParam: `type: job`,
    /// `version: 2.0`, `extend {mode, resourceGroup, name}` (mode `migration_holo`,
    /// `migration_odps` or `migration_kafka` by the writer), the reader with `datasourceType`
    /// and normalised table entries, the writer with a mapping rule for every selected table,
    /// and `order.hops` reader → writer.
    pub fn from_realtime_param(param: &RealtimeTaskParam) -> TaskContent {
        let reader = param.steps.iter().find(|s| s.is_reader());
        let writer = param.steps.iter().find(|s| s.is_writer());
        let mut steps = Vec::new();
        let mut reader_ds = None;
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(reader) = reader {
            let mut step = reader.clone();
            step.name = "reader".to_owned();
            if step.step_type.is_none() {
                step.step_type = Some("mysql".to_owned());
            }
            if let Some(conns) = step.mysql_reader_mut().and_then(|p| p.connection.as_mut()) {
                for conn in conns.iter_mut() {
                    if conn.datasource_type.is_none() {
                        conn.datasource_type = Some("mysql".to_owned());
                    }
                    if let Some(sel) = conn.selection.take() {
                        let sel = normalise(sel, None);
                        pairs.extend(
                            sel.pairs("")
                                .into_iter()
                                .map(|(d, t)| (d.to_owned(), t.to_owned())),
                        );
                        conn.selection = Some(sel);
                    }
                    reader_ds = reader_ds.or_else(|| conn.datasource.clone());
                }
            }
            steps.push(step);
        }
        let mut mode = None;
        if let Some(writer) = writer {
            let mut step = writer.clone();
            step.name = "writer".to_owned();
            mode = step.step_type.as_deref().and_then(Mode::for_writer);
            if let StepParams::HoloWriter(p) = &mut step.parameter {
                p.write_mode.get_or_insert(WriteMode::Replay);
            }
            if let Some(kind) = writer_kind(&step.parameter) {
                let schema = holo_schema(&step.parameter).map(str::to_owned);
                if let Some(slot) = step.parameter.table_mapping_rule_slot() {
                    let rule = slot.get_or_insert_with(TableMappingRule::default);
                    update_rules(
                        rule,
                        kind,
                        "",
                        &pairs,
                        reader_ds.as_deref(),
                        schema.as_deref(),
                    );
                }
            }
            steps.push(step);
        }
        let mode = mode
            .or_else(|| {
                param
                    .setting
                    .task_type
                    .writer_step_type()
                    .and_then(Mode::for_writer)
            })
            .unwrap_or(Mode::MigrationHolo);
        let name = param.setting.name.clone().or_else(|| {
            writer
                .and_then(|w| w.parameter.datasource())
                .map(str::to_owned)
        });
        let hops = match (steps.first(), steps.get(1)) {
            (Some(r), Some(w)) if r.category == StepCategory::Reader => {
                vec![Hop::new(r.name.clone(), w.name.clone())]
            }
            _ => Vec::new(),
        };
        TaskContent {
            extend: Some(Extend {
                mode,
                resource_group: param.setting.resource_group.clone(),
                name,
                extra: Map::new(),
            }),
            doc_type: Some("job".to_owned()),
            steps,
            version: Some("2.0".to_owned()),
            order: Some(Order {
                hops,
                extra: Map::new(),
            }),
            extra: Map::new(),
        }
    }
}

/// Drops the rules of tables no longer selected, adds a default rule per newly selected
/// table, and sets `totalTableMapping` to the rule count (keeping its spelling).
fn update_rules(
    rule: &mut TableMappingRule,
    kind: WriterKind,
    table_form_db: &str,
    new_pairs: &[(String, String)],
    reader_ds: Option<&str>,
    holo_schema: Option<&str>,
) {
    let wanted: BTreeSet<(&str, &str)> = new_pairs
        .iter()
        .map(|(d, t)| (d.as_str(), t.as_str()))
        .collect();
    let key = |r: &TableRule| -> (String, String) {
        (
            r.src_db_name
                .clone()
                .unwrap_or_else(|| table_form_db.to_owned()),
            r.src_table.clone(),
        )
    };
    let mut have: BTreeSet<(String, String)> = BTreeSet::new();
    for ds in &mut rule.datasource {
        ds.table_rule.retain(|r| {
            let (d, t) = key(r);
            let keep = wanted.contains(&(d.as_str(), t.as_str()));
            if keep {
                have.insert((d, t));
            }
            keep
        });
    }
    let missing: Vec<&(String, String)> = new_pairs.iter().filter(|p| !have.contains(*p)).collect();
    if !missing.is_empty() {
        let position = rule
            .datasource
            .iter()
            .position(|d| d.src_datasource_name.as_deref() == reader_ds)
            .or(if rule.datasource.is_empty() {
                None
            } else {
                Some(0)
            });
        let index = match position {
            Some(i) => i,
            None => {
                rule.datasource.push(MappingDatasource {
                    src_datasource_name: reader_ds.map(str::to_owned),
                    table_rule: Vec::new(),
                    extra: Map::new(),
                });
                rule.datasource.len() - 1
            }
        };
        if let Some(ds) = rule.datasource.get_mut(index) {
            for (db, table) in missing {
                ds.table_rule
                    .push(default_rule(kind, db, table, holo_schema));
            }
        }
    }
    let count = rule.rule_count() as i64;
    rule.total_table_mapping = Some(match &rule.total_table_mapping {
        Some(IntOrString::Text(_)) => IntOrString::Text(count.to_string()),
        _ => IntOrString::from(count),
    });
}
