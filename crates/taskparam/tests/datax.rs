//! The DataX importer on DataX's own sample jobs (`tests/data/datax/`, sources in
//! `SOURCES.json`): every one converts to a job that validates, credentials are replaced by
//! the mapped data sources and never appear, and what could not be carried is reported.

use dataworks_taskparam::datax::{Action, DatasourceMap, DataxError, convert_datax};
use dataworks_taskparam::{BatchJob, validate_str};
use proptest::prelude::*;
use serde_json::{Value, json};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/datax/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn map() -> DatasourceMap {
    DatasourceMap::from_json(&data("datasource-map.json")).unwrap()
}

/// Every non-empty `username` / `password` value of a DataX job, quoted as in JSON text.
fn credentials(datax: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![datax];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    match v.as_str() {
                        Some(s) if !s.is_empty() && (k == "username" || k == "password") => {
                            found.push(format!("\"{s}\""));
                        }
                        _ => stack.push(v),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

const SAMPLES: &[&str] = &[
    "stream_stream.json",
    "mysql_stream.json",
    "mysql_querysql_stream.json",
    "stream_mysql.json",
    "stream_odps.json",
    "mysql_odps.json",
    "mysql_mysql.json",
    "mysql_doris.json",
];

#[test]
fn every_sample_converts_to_a_valid_job() {
    let sources: Value = serde_json::from_str(&data("SOURCES.json")).unwrap();
    for name in SAMPLES {
        assert!(sources["sources"].get(name).is_some(), "{name}: no source");
        let datax: Value = serde_json::from_str(&data(name)).unwrap();
        let out = convert_datax(&datax, &map()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(out.report.is_valid(), "{name}: {:#?}", out.report.errors);
        // What `dwdi validate` sees: the text.
        let text = out.job.to_json_pretty();
        assert!(validate_str(&text, None).is_valid(), "{name}");
        assert_eq!(BatchJob::from_json(&text).unwrap(), out.job, "{name}");
        for secret in
            credentials(&datax)
                .iter()
                .map(String::as_str)
                .chain(["jdbc:", "accessKey", "password"])
        {
            assert!(!text.contains(secret), "{name}: {secret} in {text}");
        }
        let pointers: Vec<&str> = out.notes.iter().map(|n| n.pointer.as_str()).collect();
        let mut once = pointers.clone();
        once.sort_unstable();
        once.dedup();
        assert_eq!(
            once.len(),
            pointers.len(),
            "{name}: a field noted twice: {pointers:?}"
        );
        for note in &out.notes {
            assert!(datax.pointer(&note.pointer).is_some(), "{name}: {note:?}");
        }
    }
}

#[test]
fn mysql_to_odps_maps_plugins_connections_and_settings() {
    let datax: Value = serde_json::from_str(&data("mysql_odps.json")).unwrap();
    let out = convert_datax(&datax, &map()).unwrap();
    let job = out.job.to_value();
    assert_eq!(job["steps"][0]["stepType"], "mysql");
    assert_eq!(job["steps"][0]["parameter"]["datasource"], "mysql_src");
    assert_eq!(
        job["steps"][0]["parameter"]["connection"][0],
        json!({"table": ["table"], "datasource": "mysql_src"})
    );
    assert_eq!(job["steps"][1]["stepType"], "odps");
    assert_eq!(job["steps"][1]["parameter"]["datasource"], "odps_first");
    assert_eq!(job["steps"][1]["parameter"]["truncate"], true);
    assert_eq!(job["setting"]["speed"]["concurrent"], 3);
    assert_eq!(
        job["setting"]["errorLimit"],
        json!({"record": 0, "percentage": 0.02})
    );
    assert_eq!(
        job["order"]["hops"][0],
        json!({"from": "Reader", "to": "Writer"})
    );
    let action = |p: &str| out.notes.iter().find(|n| n.pointer == p).map(|n| n.action);
    assert_eq!(
        action("/job/content/0/reader/parameter/password"),
        Some(Action::ReplacedByDatasource)
    );
    assert_eq!(
        action("/job/content/0/writer/parameter/accessKey"),
        Some(Action::ReplacedByDatasource)
    );
    assert_eq!(
        action("/job/content/0/reader/parameter/jdbcConfig"),
        Some(Action::KeptUndocumented)
    );
    assert_eq!(
        action("/job/setting/errorLimit/percentage"),
        Some(Action::KeptUndocumented)
    );
    assert_eq!(
        action("/job/setting/speed/channel"),
        Some(Action::Converted)
    );
}

#[test]
fn mysql_writer_takes_the_flat_table_form_and_bytes_become_mbps() {
    let datax: Value = serde_json::from_str(&data("stream_mysql.json")).unwrap();
    let out = convert_datax(&datax, &map()).unwrap();
    let w = &out.job.to_value()["steps"][1]["parameter"];
    assert_eq!(w["datasource"], "mysql_dst");
    assert_eq!(w["table"], "test");
    assert!(w.get("connection").is_none());
    let datax: Value = serde_json::from_str(&data("stream_odps.json")).unwrap();
    let speed = convert_datax(&datax, &map()).unwrap().job.to_value()["setting"]["speed"].clone();
    assert_eq!(speed, json!({"concurrent": 1, "throttle": true, "mbps": 1}));
}

#[test]
fn a_connection_without_a_data_source_is_an_error_naming_it() {
    let datax: Value = serde_json::from_str(&data("mysql_odps.json")).unwrap();
    let mut partial = DatasourceMap::new();
    partial.insert("chinan_test", "odps_first");
    let err = convert_datax(&datax, &partial).unwrap_err();
    let DataxError::NoDatasource { missing } = &err else {
        panic!("{err}");
    };
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].pointer,
        "/job/content/0/reader/parameter/connection/0/jdbcUrl"
    );
    let text = err.to_string();
    assert!(
        text.contains("jdbc:mysql://127.0.0.1:3306/database"),
        "{text}"
    );
    // Query strings (which may hold credentials) are never printed.
    let datax: Value = serde_json::from_str(&data("stream_mysql.json")).unwrap();
    let text = convert_datax(&datax, &DatasourceMap::new())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("jdbc:mysql://127.0.0.1:3306/datax?…") && !text.contains("gbk"),
        "{text}"
    );
}

#[test]
fn what_cannot_be_converted_is_refused_or_reported() {
    let two = json!({"job": {"content": [{}, {}]}});
    assert_eq!(
        convert_datax(&two, &map()).unwrap_err(),
        DataxError::SeveralContents { count: 2 }
    );
    let unknown = json!({"job": {"content": [{"reader": {"name": "nosuchreader"}, "writer": {"name": "streamwriter"}}]}});
    assert!(matches!(
        convert_datax(&unknown, &map()),
        Err(DataxError::UnknownPlugin { .. })
    ));
    let swapped = json!({"job": {"content": [{"reader": {"name": "streamwriter"}, "writer": {"name": "streamwriter"}}]}});
    assert!(matches!(
        convert_datax(&swapped, &map()),
        Err(DataxError::UnknownPlugin { .. })
    ));
    assert!(matches!(
        convert_datax(&json!({"steps": []}), &map()),
        Err(DataxError::NotDatax { .. })
    ));
    let extra = json!({"core": {"transport": {}}, "job": {
        "setting": {"speed": {"channel": 1, "record": 1000}},
        "content": [{"reader": {"name": "streamreader", "parameter": {"column": [], "sliceRecordCount": 1}},
                     "writer": {"name": "streamwriter", "parameter": {"print": true}},
                     "transformer": [{"name": "dx_substr"}]}]}});
    let out = convert_datax(&extra, &map()).unwrap();
    let dropped: Vec<&str> = out
        .notes
        .iter()
        .filter(|n| n.action == Action::Dropped)
        .map(|n| n.pointer.as_str())
        .collect();
    assert_eq!(
        dropped,
        [
            "/core",
            "/job/content/0/transformer",
            "/job/setting/speed/record"
        ]
    );
    assert!(DatasourceMap::from_json("[1]").is_err());
    assert!(DatasourceMap::from_json(r#"{"a": ""}"#).is_err());
}

#[test]
fn a_writer_connection_is_flattened_only_when_nothing_is_lost() {
    let datax: Value = serde_json::from_str(&data("mysql_doris.json")).unwrap();
    let out = convert_datax(&datax, &map()).unwrap();
    let w = &out.job.to_value()["steps"][1]["parameter"];
    assert_eq!(w["datasource"], "doris_dst");
    assert_eq!(w["table"], "xxx");
    assert_eq!(w["selectedDatabase"], "xxxx");
    assert!(w.get("connection").is_none());
    let moved = out
        .notes
        .iter()
        .find(|n| n.pointer.ends_with("/connection/0/selectedDatabase"))
        .expect("the moved key is reported where the DataX job has it");
    assert_eq!(moved.action, Action::KeptUndocumented);

    // The same key at the top level with another value: the connection list stays.
    let mut clash = datax.clone();
    clash["job"]["content"][0]["writer"]["parameter"]["selectedDatabase"] = json!("other");
    let out = convert_datax(&clash, &map()).unwrap();
    let w = &out.job.to_value()["steps"][1]["parameter"];
    assert_eq!(w["selectedDatabase"], "other");
    assert_eq!(
        w["connection"],
        json!([{"datasource": "doris_dst", "table": ["xxx"], "selectedDatabase": "xxxx"}])
    );
    assert!(out.report.is_valid(), "{:#?}", out.report.errors);
    assert!(
        out.notes
            .iter()
            .any(|n| n.pointer.ends_with("/connection/0/selectedDatabase")
                && n.detail.contains("keeps its `connection` list")),
        "{:#?}",
        out.notes
    );
}

/// A value for a DataX parameter key: scalars, connection-like URLs, and lists and objects of
/// the keys the converter reads.
fn arb_param_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        Just(json!("")),
        Just(json!("jdbc:mysql://127.0.0.1:3306/database")),
        Just(json!("jdbc:mysql://unmapped.invalid:3306/db")),
        "[a-z0-9_:/.=*,-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("table".to_owned()),
                    Just("jdbcUrl".to_owned()),
                    Just("querySql".to_owned()),
                    "[a-z]{1,5}"
                ],
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The parameter keys the edits touch: those the converter reads, and any other.
const KEYS: &[&str] = &[
    "connection",
    "table",
    "jdbcUrl",
    "column",
    "querySql",
    "partition",
    "writeMode",
    "splitPk",
    "where",
    "preSql",
    "project",
    "username",
    "extra",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any edit of a sample's parameters converts or is refused, never panics; what converts
    /// reports each field once where the DataX job has it, carries no password, has the
    /// report `dwdi validate` gives its text, and round-trips when valid; a refusal for a missing
    /// data source points at the connection in the DataX job.
    #[test]
    fn an_edited_sample_converts_or_is_refused_and_keeps_the_promises(
        sample in prop::sample::select(SAMPLES),
        edits in prop::collection::vec((any::<bool>(), prop::sample::select(KEYS), arb_param_value()), 1..5),
        secret in "pw-[a-z]{10}",
    ) {
        let mut datax: Value = serde_json::from_str(&data(sample)).unwrap();
        for (reader, key, value) in edits {
            let slot = &mut datax["job"]["content"][0][if reader { "reader" } else { "writer" }];
            if let Some(param) = slot["parameter"].as_object_mut() {
                param.insert(key.to_owned(), value);
            }
        }
        // A password wherever the plugin's connection takes one (the MySQL steps).
        for slot in ["reader", "writer"] {
            let step = &mut datax["job"]["content"][0][slot];
            if step["name"].as_str().is_some_and(|n| n.starts_with("mysql"))
                && let Some(param) = step["parameter"].as_object_mut()
            {
                param.insert("password".to_owned(), json!(secret));
            }
        }
        match convert_datax(&datax, &map()) {
            Ok(out) => {
                let mut seen = std::collections::HashSet::new();
                for note in &out.notes {
                    prop_assert!(datax.pointer(&note.pointer).is_some(), "{note:?}");
                    prop_assert!(seen.insert(note.pointer.clone()), "noted twice: {note:?}");
                }
                let text = out.job.to_json_pretty();
                prop_assert!(!text.contains(&secret), "{text}");
                prop_assert_eq!(validate_str(&text, None).is_valid(), out.report.is_valid());
                if out.report.is_valid() {
                    // (An invalid job may not parse as typed; its report says why.)
                    prop_assert_eq!(&BatchJob::from_json(&text).unwrap(), &out.job);
                }
            }
            Err(DataxError::NoDatasource { missing }) => {
                prop_assert!(!missing.is_empty());
                for m in &missing {
                    prop_assert!(datax.pointer(&m.pointer).is_some(), "{m:?}");
                    prop_assert!(!m.connection.contains(&secret), "{m:?}");
                }
            }
            Err(other) => prop_assert!(false, "only a missing data source can refuse an edited sample: {other}"),
        }
    }
}
