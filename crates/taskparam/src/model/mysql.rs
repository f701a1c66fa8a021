//! The MySQL reader (`stepType: "mysql"`): batch and real-time forms, and the table selection
//! of its connections.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::BoolOrString;
use crate::util::present;

/// `parameter` of a MySQL reader step.
///
/// Batch jobs use `datasource`, `connection[].table` (or `querySql`), `column`, `splitPk`,
/// `where`; real-time documents use `connection[]` with a table selection. Fields not
/// modelled here (`singleOrMulti`, `envType`, the flat `table` form, ...) are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MysqlReaderParams {
    /// The DataWorks data source name (batch form; the real-time form names it per connection).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub datasource: Option<String>,
    /// The connections: one per database (several for sharding in batch jobs).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<Connection>")]
    pub connection: Option<Vec<Connection>>,
    /// Columns to read (batch): names, `"*"`, constants or expressions; must not be empty.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<String>")]
    pub column: Option<Vec<String>>,
    /// Integer column used to split the read into parallel ranges (batch).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub split_pk: Option<String>,
    /// SQL filter without the `WHERE` keyword (batch).
    #[serde(
        rename = "where",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub where_clause: Option<String>,
    /// Character encoding, such as `UTF-8`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    pub encoding: Option<String>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Which tables a MySQL connection reads: one database's `table` list, or `selectedTables`
/// across several databases. A connection has exactly one of them.
#[derive(Debug, Clone, PartialEq)]
pub enum TableSelection {
    /// `table`: table names of one database.
    Tables(Vec<String>),
    /// `selectedTables`: tables grouped by database.
    SelectedTables(Vec<SelectedDatabase>),
}

impl TableSelection {
    /// Every selected `(database, table)` pair, in document order. For the `Tables` form the
    /// database is `default_db` (the form does not name it).
    pub fn pairs<'a>(&'a self, default_db: &'a str) -> Vec<(&'a str, &'a str)> {
        match self {
            Self::Tables(tables) => tables.iter().map(|t| (default_db, t.as_str())).collect(),
            Self::SelectedTables(dbs) => dbs
                .iter()
                .flat_map(|db| db.tables().map(move |t| (db.db_name.as_str(), t)))
                .collect(),
        }
    }

    /// The number of selected tables.
    pub fn len(&self) -> usize {
        match self {
            Self::Tables(tables) => tables.len(),
            Self::SelectedTables(dbs) => dbs.iter().map(|db| db.tables().count()).sum(),
        }
    }

    /// Whether no table is selected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One database of a `selectedTables` list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectedDatabase {
    /// The schema groups holding the table list (one group in every sample).
    pub schema: Vec<SchemaTables>,
    /// The MySQL database name.
    pub db_name: String,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SelectedDatabase {
    /// A database with one schema group listing `tables`.
    pub fn new<I, S>(db_name: impl Into<String>, tables: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            db_name: db_name.into(),
            schema: vec![SchemaTables {
                table_infos: tables.into_iter().map(TableInfo::new).collect(),
                extra: Map::new(),
            }],
            extra: Map::new(),
        }
    }

    /// The table names of every schema group, in document order.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.schema
            .iter()
            .flat_map(|s| s.table_infos.iter().map(|t| t.table.as_str()))
    }
}

/// A schema group of a selected database.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaTables {
    /// The tables.
    pub table_infos: Vec<TableInfo>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One selected table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableInfo {
    /// Whether the table is synchronised (the service writes `true`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "BoolOrString")]
    pub enable: Option<BoolOrString>,
    /// The table name.
    pub table: String,
    /// The table name again, as the service writes it in generated content.
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

impl TableInfo {
    /// A table entry with only `table` set (the shape of the create samples).
    pub fn new(table: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            ..Self::default()
        }
    }

    /// The normalised entry the service writes in generated content:
    /// `{"enable": true, "table": t, "tableName": t}` (existing fields kept).
    pub fn normalised(mut self) -> Self {
        if self.enable.is_none() {
            self.enable = Some(BoolOrString::Bool(true));
        }
        if self.table_name.is_none() {
            self.table_name = Some(self.table.clone());
        }
        self
    }
}

/// One entry of a MySQL reader's `connection` list.
///
/// In JSON a connection carries `table` or `selectedTables` (or, in batch jobs, `querySql`).
/// When a document carries both lists, `selectedTables` wins (the service's documented
/// precedence) and `table` stays in `extra`, so nothing is lost and the validator reports
/// the conflict (rule `conn.tables-xor`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(from = "RawConnection", into = "RawConnection")]
pub struct Connection {
    /// `datasourceType`, `mysql` in real-time documents.
    pub datasource_type: Option<String>,
    /// The DataWorks data source name.
    pub datasource: Option<String>,
    /// The tables read; `None` when the connection has neither list (batch `querySql`).
    pub selection: Option<TableSelection>,
    /// `querySql` (batch): SQL that replaces table/column/where.
    pub query_sql: Option<Vec<String>>,
    /// Every field not modelled above, kept as written.
    pub extra: Map<String, Value>,
}

impl Connection {
    /// A connection of `datasource` (with `datasourceType: mysql`) reading `selection`.
    pub fn new(datasource: impl Into<String>, selection: TableSelection) -> Self {
        Self {
            datasource_type: Some("mysql".to_owned()),
            datasource: Some(datasource.into()),
            selection: Some(selection),
            query_sql: None,
            extra: Map::new(),
        }
    }
}

/// The JSON form of a [`Connection`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Connection")]
/// One entry of a MySQL reader's `connection` list: `table` (one database) or
/// `selectedTables` (several databases), or `querySql` in batch jobs.
pub(crate) struct RawConnection {
    /// `datasourceType`, `mysql` in real-time documents.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    datasource_type: Option<String>,
    /// The DataWorks data source name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    datasource: Option<String>,
    /// Tables: the table names of one database.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<String>")]
    table: Option<Vec<String>>,
    /// SelectedTables: tables of several databases.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<SelectedDatabase>")]
    selected_tables: Option<Vec<SelectedDatabase>>,
    /// Batch: SQL statements that replace table/column/where.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "Vec<String>")]
    query_sql: Option<Vec<String>>,
    /// Every field not modelled above, kept as written.
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl From<RawConnection> for Connection {
    fn from(raw: RawConnection) -> Self {
        let mut extra = raw.extra;
        let selection = match (raw.table, raw.selected_tables) {
            (Some(table), Some(selected)) => {
                extra.insert(
                    "table".to_owned(),
                    Value::Array(table.into_iter().map(Value::String).collect()),
                );
                Some(TableSelection::SelectedTables(selected))
            }
            (Some(table), None) => Some(TableSelection::Tables(table)),
            (None, Some(selected)) => Some(TableSelection::SelectedTables(selected)),
            (None, None) => None,
        };
        Self {
            datasource_type: raw.datasource_type,
            datasource: raw.datasource,
            selection,
            query_sql: raw.query_sql,
            extra,
        }
    }
}

impl From<Connection> for RawConnection {
    fn from(conn: Connection) -> Self {
        let (table, selected_tables) = match conn.selection {
            Some(TableSelection::Tables(t)) => (Some(t), None),
            Some(TableSelection::SelectedTables(s)) => (None, Some(s)),
            None => (None, None),
        };
        Self {
            datasource_type: conn.datasource_type,
            datasource: conn.datasource,
            table,
            selected_tables,
            query_sql: conn.query_sql,
            extra: conn.extra,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_lists_keep_selected_tables_and_lose_nothing() {
        let v = json!({"table": ["a"], "selectedTables": [{"dbName": "d", "schema": [{"tableInfos": [{"table": "b"}]}]}]});
        let conn: Connection = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(
            conn.selection,
            Some(TableSelection::SelectedTables(_))
        ));
        assert_eq!(serde_json::to_value(&conn).unwrap(), v);
    }

    #[test]
    fn pairs_name_the_database() {
        let sel = TableSelection::SelectedTables(vec![SelectedDatabase::new("d", ["x", "y"])]);
        assert_eq!(sel.pairs(""), vec![("d", "x"), ("d", "y")]);
        assert_eq!(
            TableSelection::Tables(vec!["t".into()]).pairs("m"),
            vec![("m", "t")]
        );
        assert_eq!(sel.len(), 2);
    }
}
