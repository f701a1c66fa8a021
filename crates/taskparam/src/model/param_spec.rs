//! What each typed plugin's parameter table says, as data: which keys exist, which are
//! required, and the allowed values or ranges. The validator checks these generically
//! (rules `param.required`, `param.enum`, `param.range`, `param.non-empty`); the rules a
//! table cannot say (`table` vs `querySql`, partitions, offsets, ...) live beside it in
//! `validate/plugins.rs`. Sources: the page of each plugin in [`super::catalogue::PLUGINS`];
//! `docs/taskparam.md` lists them with what the pages left unclear.

use super::catalogue::Role;

/// What a parameter's value must be, beyond its JSON type (which the schema checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nothing beyond the type.
    Any,
    /// A list that is not empty.
    NonEmptyList,
    /// One of these values (compared ignoring ASCII case; the pages mix cases).
    OneOf(&'static [&'static str]),
    /// An integer (number or digits in a string; `""` = not set) in `[min, max]`.
    Range(i64, i64),
}

/// One row of a plugin's parameter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The key, as the page spells it.
    pub key: &'static str,
    /// Whether the page marks it required. Required means present: the demos themselves
    /// leave placeholders empty (`"datasource": ""`), so an empty value is not an error.
    pub required: bool,
    /// What its value must be.
    pub check: Check,
    /// A secret (password, access key): carried, never printed.
    pub secret: bool,
}

const fn req(key: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        required: true,
        check: Check::Any,
        secret: false,
    }
}

const fn opt(key: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        required: false,
        check: Check::Any,
        secret: false,
    }
}

const fn cols(required: bool) -> ParamSpec {
    ParamSpec {
        key: "column",
        required,
        check: Check::NonEmptyList,
        secret: false,
    }
}

const fn one_of(key: &'static str, required: bool, values: &'static [&'static str]) -> ParamSpec {
    ParamSpec {
        key,
        required,
        check: Check::OneOf(values),
        secret: false,
    }
}

const fn range(key: &'static str, min: i64, max: i64) -> ParamSpec {
    ParamSpec {
        key,
        required: false,
        check: Check::Range(min, max),
        secret: false,
    }
}

const fn secret(key: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        required: false,
        check: Check::Any,
        secret: true,
    }
}

/// Relational reader (mysql, postgresql, oracle, sqlserver, polardb, analyticdb_for_mysql,
/// clickhouse, starrocks, doris; hologres reads the same way). `table` and `querySql` are
/// checked by the relational rule (one of them, in the flat or the `connection` form).
const RDBMS_READER: &[ParamSpec] = &[
    opt("datasource"),
    opt("table"),
    opt("connection"),
    cols(true),
    opt("splitPk"),
    opt("where"),
    opt("querySql"),
    range("fetchSize", 1, i64::MAX),
    opt("encoding"),
    opt("singleOrMulti"),
    opt("splitFactor"),
    opt("partition"),
];

/// MySQL (and PolarDB, AnalyticDB for MySQL): the demo's comment "insert、replace或update"; the
/// parameter table names the same three modes by their SQL ("insert into", "on duplicate key
/// update", "replace into"), so those spellings are taken too.
const MYSQL_WRITER_MODES: &[&str] = &[
    "insert",
    "replace",
    "update",
    "insert into",
    "replace into",
    "on duplicate key update",
];

macro_rules! rdbms_writer {
    ($modes:expr) => {
        &[
            opt("datasource"),
            opt("table"),
            opt("connection"),
            cols(true),
            opt("preSql"),
            opt("postSql"),
            one_of("writeMode", false, $modes),
            range("batchSize", 1, i64::MAX),
            opt("encoding"),
        ]
    };
}

const MYSQL_WRITER: &[ParamSpec] = rdbms_writer!(MYSQL_WRITER_MODES);
const POSTGRESQL_WRITER: &[ParamSpec] = rdbms_writer!(&["insert", "copy"]);
/// The Oracle page: "Valid value: insert into" (the value as the page spells it, or `insert`).
const ORACLE_WRITER: &[ParamSpec] = rdbms_writer!(&["insert", "insert into"]);
/// The SQL Server page: "The `insert` mode is supported."
const INSERT_ONLY_WRITER: &[ParamSpec] = rdbms_writer!(&["insert"]);
const CLICKHOUSE_WRITER: &[ParamSpec] = &[
    opt("datasource"),
    opt("table"),
    opt("connection"),
    cols(true),
    opt("preSql"),
    opt("postSql"),
    one_of("writeMode", false, &["insert"]),
    range("batchSize", 1, i64::MAX),
    range("batchByteSize", 1, i64::MAX),
    one_of(
        "strategyOnError",
        false,
        &["singleInsert", "exit", "batchDirtyData"],
    ),
    opt("encoding"),
];
/// The StarRocks page: `loadProps` and `loadUrl` required, `strategyOnError` exit or batchDirtyData.
const STARROCKS_WRITER: &[ParamSpec] = &[
    // `datasource` and `table` (required) are checked by the relational writer rule.
    opt("datasource"),
    opt("selectedDatabase"),
    req("loadProps"),
    cols(true),
    req("loadUrl"),
    opt("table"),
    opt("preSql"),
    opt("postSql"),
    range("maxBatchRows", 1, i64::MAX),
    range("maxBatchSize", 1, i64::MAX),
    one_of("strategyOnError", false, &["exit", "batchDirtyData"]),
];
/// Doris: no page demo was at hand offline; the StarRocks shape without its required keys.
const LOAD_WRITER: &[ParamSpec] = &[
    opt("datasource"),
    opt("table"),
    opt("connection"),
    cols(true),
    opt("preSql"),
    opt("postSql"),
    opt("loadProps"),
    range("maxBatchRows", 1, i64::MAX),
    range("maxBatchSize", 1, i64::MAX),
];

const ODPS_READER: &[ParamSpec] = &[
    req("datasource"),
    req("table"),
    opt("partition"),
    cols(true),
    opt("isCompress"),
    opt("where"),
];
const ODPS_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("table"),
    opt("partition"),
    cols(true),
    opt("truncate"),
    opt("emptyAsNull"),
    opt("isCompress"),
    opt("consistencyCommit"),
    secret("accessId"),
    secret("accessKey"),
];

const HOLO_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("table"),
    cols(true),
    // The page: conflictMode "Replace, Update, or Ignore", required. It lists no writeMode
    // for the batch writer (the real-time samples write `replay`): kept, not checked.
    one_of("conflictMode", true, &["replace", "update", "ignore"]),
    opt("writeMode"),
    opt("truncate"),
    opt("partition"),
    opt("preSql"),
    opt("postSql"),
    range("maxConnectionCount", 1, i64::MAX),
];

/// OSS reader: "Valid values are csv and text", plus orc and parquet (read through the HDFS
/// reader, the page's second and third demos).
const OSS_READ_FORMATS: &[&str] = &["csv", "text", "orc", "parquet"];
/// OSS reader: "Supported formats are gzip, bzip2, and zip".
const OSS_READ_COMPRESS: &[&str] = &["gzip", "bzip2", "zip"];
/// OSS writer: csv, text, parquet, orc.
const OSS_WRITE_FORMATS: &[&str] = &["csv", "text", "parquet", "orc"];
/// OSS writer: "CSV and TEXT file types do not support compression. Parquet and ORC files only
/// support SNAPPY compression."
const OSS_WRITE_COMPRESS: &[&str] = &["snappy"];
/// HDFS reader (csv files): "only gzip, bz2, zip, lzo, lzo_deflate, hadoop-snappy, and
/// framing-snappy compression are supported".
const HDFS_READ_COMPRESS: &[&str] = &[
    "gzip",
    "bz2",
    "zip",
    "lzo",
    "lzo_deflate",
    "hadoop-snappy",
    "framing-snappy",
];
/// FTP reader: csv by default, binary for a byte-for-byte copy; text as the writer takes it.
const FTP_READ_FORMATS: &[&str] = &["csv", "text", "binary"];
/// FTP writer: "Valid values are CSV and TEXT"; compress "gzip and bzip2".
const FTP_WRITE_FORMATS: &[&str] = &["csv", "text"];
const FTP_WRITE_COMPRESS: &[&str] = &["gzip", "bzip2"];
/// OSS, HDFS and FTP writers: "truncate", "append", "nonConflict" (each page, required).
const FILE_WRITE_MODES: &[&str] = &["truncate", "append", "nonConflict"];

const OSS_READER: &[ParamSpec] = &[
    req("datasource"),
    req("object"),
    cols(true),
    opt("fieldDelimiter"),
    one_of("fileFormat", false, OSS_READ_FORMATS),
    opt("encoding"),
    opt("nullFormat"),
    one_of("compress", false, OSS_READ_COMPRESS),
    opt("skipHeader"),
];
const OSS_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("object"),
    one_of("writeMode", true, FILE_WRITE_MODES),
    one_of("fileFormat", false, OSS_WRITE_FORMATS),
    opt("fieldDelimiter"),
    opt("encoding"),
    opt("nullFormat"),
    opt("header"),
    opt("dateFormat"),
    range("maxFileSize", 1, i64::MAX),
    opt("writeSingleObject"),
    one_of("compress", false, OSS_WRITE_COMPRESS),
];
const HDFS_READER: &[ParamSpec] = &[
    req("datasource"),
    req("path"),
    one_of(
        "fileType",
        true,
        &["text", "orc", "rc", "seq", "csv", "parquet"],
    ),
    cols(true),
    opt("fieldDelimiter"),
    opt("encoding"),
    opt("nullFormat"),
    one_of("compress", false, HDFS_READ_COMPRESS),
];
const HDFS_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("path"),
    req("fileName"),
    one_of("fileType", true, &["text", "orc", "parquet"]),
    one_of("writeMode", true, FILE_WRITE_MODES),
    cols(true),
    opt("fieldDelimiter"),
    opt("encoding"),
    // The page: "Text files support gzip and bzip2"; ORC and Parquet codecs are not listed,
    // so the value is not checked.
    opt("compress"),
];
const FTP_READER: &[ParamSpec] = &[
    req("datasource"),
    req("path"),
    cols(true),
    opt("fieldDelimiter"),
    one_of("fileFormat", false, FTP_READ_FORMATS),
    opt("encoding"),
    opt("nullFormat"),
    // Not in the reader's table (the demo writes it empty): not checked.
    opt("compress"),
    opt("skipHeader"),
];
const FTP_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("path"),
    req("fileName"),
    one_of("writeMode", true, FILE_WRITE_MODES),
    one_of("fileFormat", false, FTP_WRITE_FORMATS),
    // "Yes, single character".
    req("fieldDelimiter"),
    opt("encoding"),
    opt("nullFormat"),
    opt("header"),
    opt("dateFormat"),
    one_of("compress", false, FTP_WRITE_COMPRESS),
];

const HIVE_READER: &[ParamSpec] = &[
    req("datasource"),
    req("table"),
    one_of("readMode", false, &["hdfs", "jdbc"]),
    cols(true),
    opt("partition"),
    opt("where"),
    opt("querySql"),
];
const HIVE_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("table"),
    cols(true),
    opt("partition"),
    // The page: truncate clears, append keeps, "another value" writes the HDFS files without
    // loading them into the table. Required, any value.
    req("writeMode"),
    opt("hiveConfig"),
];

const KAFKA_TYPES: &[&str] = &[
    "BYTEARRAY",
    "DOUBLE",
    "FLOAT",
    "INTEGER",
    "LONG",
    "SHORT",
    "STRING",
];
const KAFKA_READER: &[ParamSpec] = &[
    // The current page names the cluster by `datasource`, the 2020 page's demo by `server`
    // (`host:port`): one of the two is required (`datasource.required`, validate/plugins.rs).
    opt("datasource"),
    opt("server"),
    req("topic"),
    cols(true),
    one_of("keyType", false, KAFKA_TYPES),
    one_of("valueType", false, KAFKA_TYPES),
    opt("beginDateTime"),
    opt("endDateTime"),
    opt("beginOffset"),
    opt("endOffset"),
    opt("skipExceedRecord"),
    opt("partition"),
    opt("kafkaConfig"),
    range("waitTime", 1, i64::MAX),
    opt("groupId"),
];
const KAFKA_WRITER: &[ParamSpec] = &[
    // As the reader: `datasource` or `server` names the cluster (validate/plugins.rs); the
    // 2020 page (help.aliyun.com 145510) lists only `server`, the current one both.
    opt("datasource"),
    opt("server"),
    req("topic"),
    opt("column"),
    opt("keyIndex"),
    opt("valueIndex"),
    one_of("keyType", false, KAFKA_TYPES),
    one_of("valueType", false, KAFKA_TYPES),
    one_of("writeMode", false, &["text", "json"]),
    opt("fieldDelimiter"),
    opt("nullKeyFormat"),
    opt("nullValueFormat"),
    range("batchSize", 1, i64::MAX),
    opt("kafkaConfig"),
];
const DATAHUB_READER: &[ParamSpec] = &[
    // `datasource`, or the page's inline connection (endpoint, accessId, accessKey, project):
    // one of the two forms is required (`datasource.required`, validate/plugins.rs). `column`
    // is not in the page's table: a warning when absent (`datahub.column`).
    opt("datasource"),
    opt("endpoint"),
    secret("accessId"),
    secret("accessKey"),
    opt("project"),
    req("topic"),
    cols(false),
    req("beginDateTime"),
    req("endDateTime"),
    range("batchSize", 1, i64::MAX),
];
const DATAHUB_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("topic"),
    range("maxCommitSize", 1, i64::MAX),
    range("batchSize", 1, i64::MAX),
    range("maxRetryCount", 0, i64::MAX),
    opt("mode"),
    opt("shardId"),
    opt("column"),
];
const LOGHUB_READER: &[ParamSpec] = &[
    req("datasource"),
    req("logstore"),
    // The page: beginDateTime or beginTimestampMillis, endDateTime or endTimestampMillis
    // (one of each pair; `loghub.range`, validate/plugins.rs).
    opt("beginDateTime"),
    opt("endDateTime"),
    opt("beginTimestampMillis"),
    opt("endTimestampMillis"),
    cols(true),
    // Not on the page (default 128); the reader itself refuses more than 1000 (alibaba/DataX
    // loghubreader, LogHubReader.Job.validateParameter: "Invalid batchSize ... (0,1000]").
    range("batchSize", 1, 1000),
    opt("query"),
    range("maxRetryTimes", 1, i64::MAX),
    range("retryIntervalSeconds", 1, i64::MAX),
    opt("fieldDelimiter"),
];
const LOGHUB_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("logstore"),
    opt("topic"),
    // "batchSize值最大为4096".
    range("batchSize", 1, 4096),
    cols(true),
];

const ES_READER: &[ParamSpec] = &[
    // The page's own demo names the cluster by `endpoint` (with `username`/`password`), not
    // `datasource`: one of the two is required (`datasource.required`, validate/plugins.rs).
    opt("datasource"),
    opt("endpoint"),
    req("index"),
    opt("type"),
    req("search"),
    cols(true),
    range("pageSize", 1, i64::MAX),
    req("scroll"),
    opt("full"),
    opt("multi"),
];
const ES_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("index"),
    opt("indexType"),
    cols(true),
    opt("cleanup"),
    range("batchSize", 1, i64::MAX),
    opt("splitter"),
    opt("dynamic"),
    // "Data Integration supports index and update."
    one_of("actionType", false, &["index", "update"]),
    opt("settings"),
    opt("primaryKeyInfo"),
];
const MONGO_READER: &[ParamSpec] = &[
    req("datasource"),
    req("collectionName"),
    cols(true),
    opt("query"),
    range("batchSize", 1, i64::MAX),
];
const MONGO_WRITER: &[ParamSpec] = &[
    req("datasource"),
    req("collectionName"),
    cols(true),
    opt("writeMode"),
    opt("preSql"),
];

/// The parameter table of `plugin` (a catalogue name) in `role`; empty for plugins this crate
/// does not type.
pub fn params(plugin: &str, role: Role) -> &'static [ParamSpec] {
    use Role::{Reader, Writer};
    match (plugin, role) {
        (
            "mysql"
            | "postgresql"
            | "oracle"
            | "sqlserver"
            | "polardb"
            | "analyticdb_for_mysql"
            | "clickhouse"
            | "starrocks"
            | "doris"
            | "holo",
            Reader,
        ) => RDBMS_READER,
        ("mysql" | "polardb" | "analyticdb_for_mysql", Writer) => MYSQL_WRITER,
        ("postgresql", Writer) => POSTGRESQL_WRITER,
        ("oracle", Writer) => ORACLE_WRITER,
        ("sqlserver", Writer) => INSERT_ONLY_WRITER,
        ("clickhouse", Writer) => CLICKHOUSE_WRITER,
        ("starrocks", Writer) => STARROCKS_WRITER,
        ("doris", Writer) => LOAD_WRITER,
        ("odps", Reader) => ODPS_READER,
        ("odps", Writer) => ODPS_WRITER,
        ("holo", Writer) => HOLO_WRITER,
        ("oss", Reader) => OSS_READER,
        ("oss", Writer) => OSS_WRITER,
        ("hdfs", Reader) => HDFS_READER,
        ("hdfs", Writer) => HDFS_WRITER,
        ("ftp", Reader) => FTP_READER,
        ("ftp", Writer) => FTP_WRITER,
        ("hive", Reader) => HIVE_READER,
        ("hive", Writer) => HIVE_WRITER,
        ("kafka", Reader) => KAFKA_READER,
        ("kafka", Writer) => KAFKA_WRITER,
        ("datahub", Reader) => DATAHUB_READER,
        ("datahub", Writer) => DATAHUB_WRITER,
        ("LogHub" | "loghub", Reader) => LOGHUB_READER,
        ("LogHub" | "loghub", Writer) => LOGHUB_WRITER,
        ("elasticsearch", Reader) => ES_READER,
        ("elasticsearch", Writer) => ES_WRITER,
        ("mongodb", Reader) => MONGO_READER,
        ("mongodb", Writer) => MONGO_WRITER,
        _ => &[],
    }
}

/// Whether `key` is in the parameter table of `plugin` in `role`.
pub fn is_documented(plugin: &str, role: Role, key: &str) -> bool {
    params(plugin, role).iter().any(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue::PLUGINS;

    #[test]
    fn every_typed_plugin_role_has_a_table_with_datasource() {
        for p in PLUGINS.iter().filter(|p| p.is_typed()) {
            for role in [Role::Reader, Role::Writer] {
                if p.has_role(role) {
                    let table = params(p.name, role);
                    // Relational steps may name it per connection (checked by their rule).
                    assert!(
                        table.iter().any(|s| s.key == "datasource"),
                        "{} {role}",
                        p.name
                    );
                }
            }
        }
        assert!(params("stream", Role::Reader).is_empty());
    }
}
