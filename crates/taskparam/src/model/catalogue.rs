//! The plugin catalogue: every batch plugin this crate knows, by the name the service takes
//! as `stepType`, with the roles it has, the names people write instead (aliases, case
//! slips, the open-source DataX names) and the page its parameters come from.
//!
//! ```
//! use dataworks_taskparam::catalogue::{PluginName, Role, resolve};
//!
//! assert!(matches!(resolve("holo"), PluginName::Known(p) if p.name == "holo"));
//! assert!(matches!(resolve("hologres"), PluginName::Alias { plugin, .. } if plugin.name == "holo"));
//! assert!(matches!(resolve("MySQL"), PluginName::Alias { plugin, .. } if plugin.name == "mysql"));
//! assert!(matches!(resolve("odpswriter"), PluginName::DataX { plugin, role: Role::Writer } if plugin.name == "odps"));
//! ```

use std::fmt;

/// A step's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `category: "reader"`.
    Reader,
    /// `category: "writer"`.
    Writer,
}

impl Role {
    /// `reader` or `writer`, as `category` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Writer => "writer",
        }
    }

    /// The role a `category` names, if any.
    pub fn from_category(category: &str) -> Option<Role> {
        match category {
            "reader" => Some(Self::Reader),
            "writer" => Some(Self::Writer),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shape a plugin's parameters share with others (one typed Rust type per shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Relational databases: `datasource`, `table`/`connection`/`querySql`, `column`,
    /// `splitPk`, `where` (reader); `table`, `column`, `preSql`/`postSql`, `writeMode` (writer).
    Relational,
    /// MaxCompute: `table`, `partition`, `column`.
    Odps,
    /// Hologres: relational reader; its own writer (`conflictMode`, `writeMode`).
    Holo,
    /// Files (OSS, HDFS, FTP): `object`/`path`, `column` of `{index|value, type}`, formats.
    File,
    /// Hive: `table`, `partition`, `column`, `readMode`/`writeMode`.
    Hive,
    /// Streams (Kafka, DataHub, LogHub): `topic`/`logstore`, `column`, begin/end positions.
    Stream,
    /// Documents (Elasticsearch, MongoDB): `index`/`collectionName`, `column` of objects.
    Document,
    /// Known to the service, parameters not typed here (`stream`, `drds`, ...).
    Untyped,
}

/// One plugin of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginInfo {
    /// The `stepType` the service takes (`mysql`, `odps`, `holo`, `LogHub`, ...).
    pub name: &'static str,
    /// Other spellings the service's own pages use for the same plugin (`loghub`).
    pub also: &'static [&'static str],
    /// The product, for messages (`MaxCompute`).
    pub title: &'static str,
    /// Whether it has a batch reader.
    pub reader: bool,
    /// Whether it has a batch writer.
    pub writer: bool,
    /// Names people write that the service does not take (`hologres`, `maxcompute`).
    pub aliases: &'static [&'static str],
    /// The open-source DataX reader plugins it replaces.
    pub datax_readers: &'static [&'static str],
    /// The open-source DataX writer plugins it replaces.
    pub datax_writers: &'static [&'static str],
    /// The shape of its parameters.
    pub shape: Shape,
    /// The DataWorks page its parameters and demo come from.
    pub source: &'static str,
}

impl PluginInfo {
    /// Whether the plugin has `role`.
    pub fn has_role(&self, role: Role) -> bool {
        match role {
            Role::Reader => self.reader,
            Role::Writer => self.writer,
        }
    }

    /// Whether this crate types the plugin's parameters.
    pub fn is_typed(&self) -> bool {
        self.shape != Shape::Untyped
    }

    /// Whether `step_type` is this plugin's name or one of its other documented spellings.
    pub fn is_spelled(&self, step_type: &str) -> bool {
        self.name == step_type || self.also.contains(&step_type)
    }
}

const DOCS: &str = "https://www.alibabacloud.com/help/en/dataworks/user-guide/";

macro_rules! plugin {
    ($name:literal, $title:literal, $shape:ident, r: $r:literal, w: $w:literal,
     aliases: [$($alias:literal),*], datax: [$($dr:literal),*] / [$($dw:literal),*],
     also: [$($also:literal),*], page: $page:literal) => {
        PluginInfo {
            name: $name,
            also: &[$($also),*],
            title: $title,
            reader: $r,
            writer: $w,
            aliases: &[$($alias),*],
            datax_readers: &[$($dr),*],
            datax_writers: &[$($dw),*],
            shape: Shape::$shape,
            source: concat!("https://www.alibabacloud.com/help/en/dataworks/user-guide/", $page),
        }
    };
}

/// Every plugin of the catalogue, typed ones first.
pub const PLUGINS: &[PluginInfo] = &[
    plugin!("mysql", "MySQL", Relational, r: true, w: true, aliases: [], datax: ["mysqlreader"] / ["mysqlwriter"], also: [], page: "mysql-data-source"),
    plugin!("postgresql", "PostgreSQL", Relational, r: true, w: true, aliases: ["postgres", "pgsql"], datax: ["postgresqlreader"] / ["postgresqlwriter"], also: [], page: "postgresql-data-source"),
    plugin!("oracle", "Oracle", Relational, r: true, w: true, aliases: [], datax: ["oraclereader"] / ["oraclewriter"], also: [], page: "oracle-data-source"),
    plugin!("sqlserver", "SQL Server", Relational, r: true, w: true, aliases: ["mssql", "sql_server"], datax: ["sqlserverreader"] / ["sqlserverwriter"], also: [], page: "sql-server-data-source"),
    plugin!("polardb", "PolarDB", Relational, r: true, w: true, aliases: ["polardb_mysql"], datax: [] / [], also: [], page: "polardb-data-source"),
    plugin!("analyticdb_for_mysql", "AnalyticDB for MySQL", Relational, r: true, w: true, aliases: ["ads", "adb_mysql", "adbmysql", "analyticdb"], datax: ["adsreader"] / ["adswriter", "adbmysqlwriter"], also: [], page: "analyticdb-for-mysql-3-0-data-source"),
    plugin!("clickhouse", "ClickHouse", Relational, r: true, w: true, aliases: ["click_house"], datax: ["clickhousereader"] / ["clickhousewriter"], also: [], page: "clickhouse-data-source"),
    plugin!("starrocks", "StarRocks", Relational, r: true, w: true, aliases: ["star_rocks"], datax: ["starrocksreader"] / ["starrockswriter"], also: [], page: "starrocks-data-source"),
    plugin!("doris", "Doris", Relational, r: true, w: true, aliases: ["apache_doris"], datax: ["dorisreader"] / ["doriswriter"], also: [], page: "doris-data-source"),
    plugin!("odps", "MaxCompute", Odps, r: true, w: true, aliases: ["maxcompute", "max_compute"], datax: ["odpsreader"] / ["odpswriter"], also: [], page: "maxcompute-data-source"),
    plugin!("holo", "Hologres", Holo, r: true, w: true, aliases: ["hologres"], datax: ["hologresreader", "hologresjdbcreader"] / ["hologreswriter", "hologresjdbcwriter"], also: [], page: "hologres-data-source"),
    plugin!("oss", "OSS", File, r: true, w: true, aliases: [], datax: ["ossreader"] / ["osswriter"], also: [], page: "oss-data-source"),
    plugin!("hdfs", "HDFS", File, r: true, w: true, aliases: [], datax: ["hdfsreader"] / ["hdfswriter"], also: [], page: "hdfs-data-source"),
    plugin!("ftp", "FTP", File, r: true, w: true, aliases: ["sftp"], datax: ["ftpreader"] / ["ftpwriter"], also: [], page: "ftp-data-source"),
    plugin!("hive", "Hive", Hive, r: true, w: true, aliases: [], datax: ["hivereader"] / ["hivewriter"], also: [], page: "hive-data-source"),
    plugin!("kafka", "Kafka", Stream, r: true, w: true, aliases: [], datax: ["kafkareader"] / ["kafkawriter"], also: [], page: "kafka-data-source"),
    plugin!("datahub", "DataHub", Stream, r: true, w: true, aliases: [], datax: ["datahubreader"] / ["datahubwriter"], also: [], page: "datahub-data-source"),
    plugin!("LogHub", "LogHub (SLS)", Stream, r: true, w: true, aliases: ["sls", "log_hub"], datax: ["loghubreader"] / ["loghubwriter"], also: ["loghub"], page: "loghub-data-source"),
    plugin!("elasticsearch", "Elasticsearch", Document, r: true, w: true, aliases: ["es", "elastic_search"], datax: ["elasticsearchreader"] / ["elasticsearchwriter"], also: [], page: "elasticsearch-data-source"),
    plugin!("mongodb", "MongoDB", Document, r: true, w: true, aliases: ["mongo"], datax: ["mongodbreader"] / ["mongodbwriter"], also: [], page: "mongodb-data-source"),
    plugin!("stream", "Stream (test data / print)", Untyped, r: true, w: true, aliases: [], datax: ["streamreader"] / ["streamwriter"], also: [], page: "configure-a-batch-synchronization-node-by-using-the-code-editor"),
    plugin!("drds", "PolarDB-X 1.0 (DRDS)", Untyped, r: true, w: true, aliases: [], datax: ["drdsreader"] / ["drdswriter"], also: [], page: "drds-data-source"),
    plugin!("db2", "DB2", Untyped, r: true, w: true, aliases: [], datax: ["db2reader"] / ["db2writer"], also: [], page: "db2-data-source"),
    plugin!("otsreader", "Tablestore", Untyped, r: true, w: false, aliases: [], datax: ["otsreader"] / [], also: [], page: "tablestore-data-source"),
    plugin!("rdbms", "RDBMS (generic JDBC)", Untyped, r: true, w: true, aliases: [], datax: ["rdbmsreader"] / ["rdbmswriter"], also: [], page: "configure-a-batch-synchronization-node-by-using-the-code-editor"),
];

/// The DataWorks documentation root the `source` pages live under.
pub const DOCS_ROOT: &str = DOCS;

/// What a `stepType` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginName {
    /// A plugin's own name (or one of its documented spellings).
    Known(&'static PluginInfo),
    /// A name the service does not take but that means `plugin`: an alias (`hologres`) or a
    /// case slip (`MySQL`, `ODPS`).
    Alias {
        /// The plugin meant.
        plugin: &'static PluginInfo,
        /// Whether the name differs from the plugin's only in letter case.
        case_only: bool,
    },
    /// An open-source DataX plugin name (`mysqlreader`, `odpswriter`).
    DataX {
        /// The plugin meant.
        plugin: &'static PluginInfo,
        /// The role the DataX name implies.
        role: Role,
    },
    /// Not in the catalogue.
    Unknown,
}

/// The plugin a `stepType` names, exactly or by a known slip.
pub fn resolve(step_type: &str) -> PluginName {
    if let Some(p) = PLUGINS.iter().find(|p| p.is_spelled(step_type)) {
        return PluginName::Known(p);
    }
    let lower = step_type.trim().to_ascii_lowercase();
    if let Some(p) = PLUGINS.iter().find(|p| {
        p.name.eq_ignore_ascii_case(&lower) || p.also.iter().any(|a| a.eq_ignore_ascii_case(&lower))
    }) {
        return PluginName::Alias {
            plugin: p,
            case_only: p.name.eq_ignore_ascii_case(step_type)
                || p.also.iter().any(|a| a.eq_ignore_ascii_case(step_type)),
        };
    }
    if let Some(p) = PLUGINS.iter().find(|p| p.aliases.contains(&lower.as_str())) {
        return PluginName::Alias {
            plugin: p,
            case_only: false,
        };
    }
    match datax(&lower) {
        Some((plugin, role)) => PluginName::DataX { plugin, role },
        None => PluginName::Unknown,
    }
}

/// The plugin (and role) a DataX plugin name stands for (`mysqlreader` → mysql reader).
pub fn datax(name: &str) -> Option<(&'static PluginInfo, Role)> {
    PLUGINS.iter().find_map(|p| {
        if p.datax_readers.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            Some((p, Role::Reader))
        } else if p.datax_writers.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            Some((p, Role::Writer))
        } else {
            None
        }
    })
}

/// The catalogue entry of an exact `stepType` (its name or a documented spelling).
pub fn plugin(step_type: &str) -> Option<&'static PluginInfo> {
    PLUGINS.iter().find(|p| p.is_spelled(step_type))
}

/// The typed plugins' names, in catalogue order.
pub fn typed_names() -> impl Iterator<Item = &'static str> {
    PLUGINS.iter().filter(|p| p.is_typed()).map(|p| p.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_slips_resolve() {
        let mut seen = std::collections::HashMap::new();
        for p in PLUGINS {
            for n in std::iter::once(&p.name).chain(p.also).chain(p.aliases) {
                let owner = seen.entry(n.to_ascii_lowercase()).or_insert(p.name);
                assert_eq!(*owner, p.name, "{n} names two plugins");
            }
        }
        assert!(matches!(resolve("loghub"), PluginName::Known(p) if p.name == "LogHub"));
        assert!(
            matches!(resolve("Loghub"), PluginName::Alias { plugin, case_only: true } if plugin.name == "LogHub")
        );
        assert!(
            matches!(resolve("maxcompute"), PluginName::Alias { plugin, case_only: false } if plugin.name == "odps")
        );
        assert!(matches!(
            resolve("ODPS"),
            PluginName::Alias {
                case_only: true,
                ..
            }
        ));
        assert!(matches!(
            resolve("mysqlreader"),
            PluginName::DataX {
                role: Role::Reader,
                ..
            }
        ));
        assert!(
            matches!(resolve("hologresjdbcwriter"), PluginName::DataX { plugin, role: Role::Writer } if plugin.name == "holo")
        );
        assert_eq!(resolve("nosuch"), PluginName::Unknown);
        assert!(PLUGINS.iter().all(|p| p.source.starts_with(DOCS_ROOT)));
    }
}
