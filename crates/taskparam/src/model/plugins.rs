//! The typed batch plugins beyond the MySQL reader and the real-time writers: one Rust type
//! per parameter *shape*, shared by every plugin of that shape (see
//! [`super::catalogue::Shape`]). Relational readers reuse [`MysqlReaderParams`] (the same
//! `datasource`/`connection`/`column`/`splitPk`/`where` form), see [`RdbmsReaderParams`].
//!
//! Every field is optional in the type (the validator says what is required, by plugin), a
//! present field is never `null`, and every key not modelled is kept in `extra`, so a parse →
//! write round trip gives back the same JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::mysql::MysqlReaderParams;
use crate::lenient::{BoolOrString, IntOrString, StringOrList};
use crate::util::present;

/// The parameters of a relational reader (postgresql, oracle, sqlserver, polardb,
/// analyticdb_for_mysql, clickhouse, starrocks, doris, holo): the MySQL reader's shape.
/// The flat form's `table` and `querySql` (directly under `parameter`) stay in `extra`.
pub type RdbmsReaderParams = MysqlReaderParams;

/// Declares a parameter struct: every field optional, renamed to its JSON key, never `null`,
/// unknown keys in `extra`.
macro_rules! params_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $schema:literal => $key:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    rename = $key,
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "present"
                )]
                #[schemars(with = $schema)]
                pub $field: Option<$ty>,
            )*
            /// Every field not modelled above, kept as written.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

params_struct! {
    /// The parameters of a relational writer (mysql, postgresql, oracle, sqlserver, polardb,
    /// analyticdb_for_mysql, clickhouse, starrocks, doris).
    pub struct RdbmsWriterParams {
        /// The DataWorks data source.
        datasource: String = "String" => "datasource",
        /// The target table (one; the pages write a string or a one-element list).
        table: StringOrList = "StringOrList" => "table",
        /// The target columns, mapped to the reader's by position.
        column: Vec<String> = "Vec<String>" => "column",
        /// SQL run before writing (`@table` stands for the table).
        pre_sql: Vec<String> = "Vec<String>" => "preSql",
        /// SQL run after writing.
        post_sql: Vec<String> = "Vec<String>" => "postSql",
        /// How rows are written (`insert`, `replace`, `update`, `copy`; by plugin).
        write_mode: String = "String" => "writeMode",
        /// Rows per batch.
        batch_size: IntOrString = "IntOrString" => "batchSize",
    }
}

params_struct! {
    /// The parameters of a MaxCompute reader (`stepType: "odps"`, reader).
    pub struct OdpsReaderParams {
        /// The DataWorks data source (`odps_first` is the workspace's default).
        datasource: String = "String" => "datasource",
        /// The source table.
        table: String = "String" => "table",
        /// The partitions read (`pt=${bizdate}`, wildcards, several as a list).
        partition: StringOrList = "StringOrList" => "partition",
        /// The columns read (names, constants, partition columns).
        column: Vec<String> = "Vec<String>" => "column",
        /// Whether to compress the tunnel traffic.
        is_compress: BoolOrString = "BoolOrString" => "isCompress",
    }
}

params_struct! {
    /// The parameters of a file plugin (OSS, HDFS, FTP), reader or writer.
    pub struct FileParams {
        /// The DataWorks data source.
        datasource: String = "String" => "datasource",
        /// OSS: the object(s) read, or the object name prefix written.
        object: StringOrList = "StringOrList" => "object",
        /// HDFS/FTP: the path(s) read or the directory written.
        path: StringOrList = "StringOrList" => "path",
        /// Writers: the file name (prefix) written.
        file_name: String = "String" => "fileName",
        /// Columns: `{index, type}` / `{value, type}` (readers), names or `{name, type}` (writers), or `"*"`.
        column: Vec<Value> = "Vec<Value>" => "column",
        /// OSS/FTP: `csv`, `text`, `orc`, `parquet`.
        file_format: String = "String" => "fileFormat",
        /// HDFS: `text`, `orc`, `rc`, `seq`, `csv`, `parquet`.
        file_type: String = "String" => "fileType",
        /// The field delimiter of text files.
        field_delimiter: String = "String" => "fieldDelimiter",
        /// The character encoding.
        encoding: String = "String" => "encoding",
        /// The text that stands for null.
        null_format: String = "String" => "nullFormat",
        /// The compression (`gzip`, `bzip2`, `zip`, ...).
        compress: String = "String" => "compress",
        /// Writers: `truncate`, `append` or `nonConflict`.
        write_mode: String = "String" => "writeMode",
    }
}

params_struct! {
    /// The parameters of a Hive reader or writer.
    pub struct HiveParams {
        /// The DataWorks data source.
        datasource: String = "String" => "datasource",
        /// The table.
        table: String = "String" => "table",
        /// The columns.
        column: Vec<String> = "Vec<String>" => "column",
        /// The partition(s) read or the partition written.
        partition: StringOrList = "StringOrList" => "partition",
        /// Readers: `hdfs` (files) or `jdbc` (SQL).
        read_mode: String = "String" => "readMode",
        /// Writers: `truncate`, `append` or `nonConflict`.
        write_mode: String = "String" => "writeMode",
    }
}

params_struct! {
    /// The parameters of a stream plugin: the Kafka reader, DataHub and LogHub (reader or
    /// writer). The Kafka writer has its own type ([`super::writers::KafkaWriterParams`]).
    pub struct StreamParams {
        /// The DataWorks data source.
        datasource: String = "String" => "datasource",
        /// Kafka/DataHub: the topic. LogHub writer: the log topic.
        topic: String = "String" => "topic",
        /// LogHub: the Logstore.
        logstore: String = "String" => "logstore",
        /// The fields read or written.
        column: Vec<Value> = "Vec<Value>" => "column",
        /// Start of the range read (`yyyyMMddHHmmss`).
        begin_date_time: String = "String" => "beginDateTime",
        /// End of the range read (`yyyyMMddHHmmss`).
        end_date_time: String = "String" => "endDateTime",
        /// Kafka: start offset (a number, or `seekToBeginning`, `seekToLast`, `seekToEnd`).
        begin_offset: Value = "Value" => "beginOffset",
        /// Kafka: end offset.
        end_offset: Value = "Value" => "endOffset",
        /// Records per request.
        batch_size: IntOrString = "IntOrString" => "batchSize",
    }
}

params_struct! {
    /// The parameters of a document store: Elasticsearch or MongoDB, reader or writer.
    pub struct DocumentParams {
        /// The DataWorks data source.
        datasource: String = "String" => "datasource",
        /// Elasticsearch: the index.
        index: String = "String" => "index",
        /// MongoDB: the collection.
        collection_name: String = "String" => "collectionName",
        /// The fields: `{name, type}` objects (or names).
        column: Vec<Value> = "Vec<Value>" => "column",
        /// Readers: the filter (MongoDB query text, Elasticsearch `search`).
        query: Value = "Value" => "query",
        /// MongoDB writer: `{isReplace, replaceKey}`.
        write_mode: Value = "Value" => "writeMode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_and_spellings_survive() {
        let v = json!({"datasource": "d", "table": ["t"], "batchSize": "1024", "loadProps": {"format": "json"}});
        let p: RdbmsWriterParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.table.as_ref().map(StringOrList::items), Some(vec!["t"]));
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        assert!(serde_json::from_value::<RdbmsWriterParams>(json!({"table": null})).is_err());
    }
}
