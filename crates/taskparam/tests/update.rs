//! Applying updates to TaskContents, the content generated for a create, and the diff.

use std::path::PathBuf;

use dataworks_taskparam::{
    ApplyError, DocumentKind, HologresWriter, KafkaWriter, MaxComputeWriter, MysqlReader,
    RealtimeTaskParam, TableSelection, TaskContent, TaskParam, diff, diff_documents,
    validate_value,
};
use serde_json::json;

fn seed() -> TaskContent {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/task_content_seed.json");
    TaskContent::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn current_selection_of_the_seed() {
    let sel = seed().table_selection().unwrap();
    assert_eq!(sel.pairs(""), vec![("m", "m_v1")]);
    assert_eq!(seed().reader_datasource(), Some("mm"));
}

#[test]
fn table_update_on_selected_content_keeps_the_shape_and_the_rules() {
    let content = seed();
    let update = TaskParam::update()
        .reader(MysqlReader::datasource("mm").tables(["m_v1", "m_v2"]))
        .build()
        .unwrap();
    let out = content.apply_update(&update).unwrap();
    let v = out.to_value();
    let conn = &v["steps"][0]["parameter"]["connection"][0];
    assert!(conn.get("table").is_none());
    assert_eq!(conn["selectedTables"][0]["dbName"], "m");
    // The kept table keeps its entry; the new one gets the service's normalised entry.
    assert_eq!(
        conn["selectedTables"][0]["schema"][0]["tableInfos"][1],
        json!({"table": "m_v2", "tableName": "m_v2", "enable": true})
    );
    let rules = &v["steps"][1]["parameter"]["tableMappingRule"];
    assert_eq!(rules["totalTableMapping"], 2);
    let original_rule = &seed().to_value()["steps"][1]["parameter"]["tableMappingRule"]["datasource"]
        [0]["tableRule"][0];
    assert_eq!(&rules["datasource"][0]["tableRule"][0], original_rule);
    let added = &rules["datasource"][0]["tableRule"][1];
    assert_eq!(added["srcDbName"], "m");
    assert_eq!(added["srcTable"], "m_v2");
    assert_eq!(added["dstTable"], "m.m_v2");
    assert_eq!(
        added["primaryKeyInfo"],
        json!({"column": ["id"], "type": "pk"})
    );
    let report = validate_value(&v, Some(DocumentKind::TaskContent));
    assert!(
        report.is_valid() && report.warnings.is_empty(),
        "{report:#?}"
    );

    let d = diff(&content, &out);
    assert_eq!(d.tables_added["m"], ["m_v2"]);
    assert!(d.tables_removed.is_empty());
    assert_eq!(d.rules_added.len(), 1);
    assert!(d.other_changes.is_empty(), "{:?}", d.other_changes);
}

#[test]
fn removing_tables_drops_their_rules() {
    let content = seed();
    let update = TaskParam::update()
        .reader(MysqlReader::datasource("mm").selected_tables("m", ["m_v9"]))
        .build()
        .unwrap();
    let out = content.apply_update(&update).unwrap();
    let d = diff(&content, &out);
    assert_eq!(d.tables_removed["m"], ["m_v1"]);
    assert_eq!(d.tables_added["m"], ["m_v9"]);
    assert_eq!(d.rules_removed[0].table, "m_v1");
    let text = d.to_text();
    assert!(
        text.contains("+ m.m_v9") && text.contains("- m.m_v1"),
        "{text}"
    );
    let rules = out.steps[1].parameter.table_mapping_rule().unwrap();
    assert_eq!(rules.rule_count(), 1);
}

#[test]
fn ambiguous_and_mismatched_updates_are_refused() {
    let content = seed();
    let wrong_ds = TaskParam::update()
        .reader(MysqlReader::datasource("other").tables(["x"]))
        .build()
        .unwrap();
    assert!(matches!(
        content.apply_update(&wrong_ds),
        Err(ApplyError::DatasourceMismatch { .. })
    ));

    let two_dbs = TaskParam::realtime()
        .resource_group("g")
        .reader(
            MysqlReader::datasource("mm")
                .selected_tables("a", ["t"])
                .selected_tables("b", ["u"]),
        )
        .writer(HologresWriter::datasource("h"))
        .build()
        .unwrap();
    let content = TaskContent::from_realtime_param(&two_dbs);
    let tables = TaskParam::update()
        .reader(MysqlReader::datasource("mm").tables(["t"]))
        .build()
        .unwrap();
    let err = content.apply_update(&tables).unwrap_err();
    assert!(
        matches!(err, ApplyError::AmbiguousDatabase { databases: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("fix:"));
}

#[test]
fn selected_update_on_table_content() {
    let param = TaskParam::realtime()
        .resource_group("g")
        .reader(MysqlReader::datasource("ds").tables(["a", "b"]))
        .writer(MaxComputeWriter::datasource("odps_first"))
        .build()
        .unwrap();
    let content = TaskContent::from_realtime_param(&param);
    let update = TaskParam::update()
        .reader(MysqlReader::datasource("ds").selected_tables("db1", ["b", "c"]))
        .build()
        .unwrap();
    let out = content.apply_update(&update).unwrap();
    assert_eq!(
        out.table_selection(),
        Some(TableSelection::Tables(vec!["b".into(), "c".into()]))
    );
    let report = validate_value(&out.to_value(), Some(DocumentKind::TaskContent));
    assert!(report.is_valid(), "{report:#?}");
    let two = TaskParam::update()
        .reader(
            MysqlReader::datasource("ds")
                .selected_tables("db1", ["b"])
                .selected_tables("db2", ["c"]),
        )
        .build()
        .unwrap();
    assert!(matches!(
        content.apply_update(&two),
        Err(ApplyError::AmbiguousDatabase { .. })
    ));
}

#[test]
fn content_for_each_writer() {
    for (writer, mode, dst) in [
        (
            HologresWriter::datasource("h").into(),
            "migration_holo",
            "db.t",
        ),
        (
            MaxComputeWriter::datasource("o").into(),
            "migration_odps",
            "t",
        ),
        (
            KafkaWriter::datasource("k").into(),
            "migration_kafka",
            "db.t",
        ),
    ] {
        let writer: dataworks_taskparam::Writer = writer;
        let param: RealtimeTaskParam = TaskParam::realtime()
            .resource_group("S_res_group_1")
            .name("my_task")
            .reader(MysqlReader::datasource("ds").selected_tables("db", ["t"]))
            .writer(writer)
            .build()
            .unwrap();
        let content = TaskContent::from_realtime_param(&param);
        let v = content.to_value();
        assert_eq!(
            v["extend"],
            json!({"mode": mode, "resourceGroup": "S_res_group_1", "name": "my_task"})
        );
        assert_eq!(v["type"], "job");
        assert_eq!(v["version"], "2.0");
        assert_eq!(
            v["order"],
            json!({"hops": [{"from": "reader", "to": "writer"}]})
        );
        let rule = &v["steps"][1]["parameter"]["tableMappingRule"];
        assert_eq!(rule["datasource"][0]["srcDatasourceName"], "ds");
        assert_eq!(rule["datasource"][0]["tableRule"][0]["dstTable"], dst);
        assert_eq!(rule["totalTableMapping"], 1);
        let report = validate_value(&v, None);
        assert_eq!(report.kind, Some(DocumentKind::TaskContent));
        assert!(
            report.is_valid() && report.warnings.is_empty(),
            "{report:#?}"
        );
    }
}

#[test]
fn generic_diff_for_other_kinds() {
    let a = json!({"ResourceGroup": "g1", "Cu": 1});
    let b = json!({"ResourceGroup": "g2", "Cu": 1, "FileFolderPath": "x"});
    let d = diff_documents(&a, &b, DocumentKind::TaskMeta);
    assert_eq!(d.other_changes.len(), 2);
    assert!(d.tables_added.is_empty());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["other_changes"][0]["pointer"], "/ResourceGroup");
}
