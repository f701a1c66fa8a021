//! The official samples (and invalid variants) in `tests/data/`: kinds, validation, lossless
//! round trips, and the exact problems reported.

use std::path::PathBuf;

use dataworks_taskparam::{
    BatchJob, Document, DocumentKind, RealtimeTaskParam, SolutionProcess, TaskContent, TaskMeta,
    UpdateTaskParam, validate_str,
};
use serde_json::Value;

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const VALID: &[(&str, DocumentKind)] = &[
    ("realtime_odps.json", DocumentKind::RealtimeTaskParam),
    ("realtime_kafka.json", DocumentKind::RealtimeTaskParam),
    ("realtime_holo.json", DocumentKind::RealtimeTaskParam),
    ("realtime_odps_tables.json", DocumentKind::RealtimeTaskParam),
    ("update_tables.json", DocumentKind::UpdateTaskParam),
    ("update_selected.json", DocumentKind::UpdateTaskParam),
    ("task_content_seed.json", DocumentKind::TaskContent),
    ("solution_process.json", DocumentKind::SolutionProcess),
    ("task_meta_create.json", DocumentKind::TaskMeta),
    ("task_meta_update.json", DocumentKind::TaskMeta),
    ("batch_mysql_odps.json", DocumentKind::BatchJob),
    ("batch_stream_holo.json", DocumentKind::BatchJob),
    ("batch_unknown_step.json", DocumentKind::BatchJob),
];

fn round_trip<T: Document>(text: &str) -> Value {
    T::from_json(text).unwrap().to_value()
}

#[test]
fn samples_are_detected_valid_and_lossless() {
    for (file, kind) in VALID {
        let text = data(file);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(DocumentKind::detect(&value), Some(*kind), "{file}");
        let report = validate_str(&text, None);
        assert!(report.is_valid(), "{file}: {:#?}", report.errors);
        assert_eq!(report.kind, Some(*kind));
        let back = match kind {
            DocumentKind::RealtimeTaskParam => round_trip::<RealtimeTaskParam>(&text),
            DocumentKind::UpdateTaskParam => round_trip::<UpdateTaskParam>(&text),
            DocumentKind::TaskContent => round_trip::<TaskContent>(&text),
            DocumentKind::BatchJob => round_trip::<BatchJob>(&text),
            DocumentKind::TaskMeta => round_trip::<TaskMeta>(&text),
            DocumentKind::SolutionProcess => round_trip::<SolutionProcess>(&text),
        };
        assert_eq!(back, value, "{file}: round trip changed the document");
    }
}

#[test]
fn seed_content_keeps_its_key_order() {
    let text = data("task_content_seed.json");
    let content = TaskContent::from_json(&text).unwrap();
    assert_eq!(content.to_json() + "\n", text);
}

#[test]
fn unknown_step_types_are_kept_with_a_warning() {
    let report = validate_str(&data("batch_unknown_step.json"), None);
    assert!(report.is_valid());
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    assert_eq!(report.warnings[0].rule, "step.unknown-type");
    assert_eq!(report.warnings[0].pointer, "/steps/0/stepType");
    let job = BatchJob::from_json(&data("batch_unknown_step.json")).unwrap();
    assert!(matches!(
        job.steps[0].parameter,
        dataworks_taskparam::StepParams::Other(_)
    ));
}

/// (file, kind to validate as, rules that must be reported as errors).
const INVALID: &[(&str, Option<DocumentKind>, &[&str])] = &[
    ("invalid_both_tables.json", None, &["conn.tables-xor"]),
    ("invalid_update_empty.json", None, &["tables.non-empty"]),
    ("invalid_update_duplicate.json", None, &["tables.duplicate"]),
    ("invalid_mode_writer.json", None, &["mode.writer"]),
    (
        "invalid_mapping_unselected.json",
        None,
        &["mapping.selected"],
    ),
    (
        "invalid_names_hops.json",
        None,
        &["steps.unique-names", "hops.known-steps"],
    ),
    (
        "invalid_batch_types.json",
        None,
        &["schema.anyOf", "column.non-empty"],
    ),
    ("invalid_tasktype_writer.json", None, &["tasktype.writer"]),
    ("invalid_task_meta_cu.json", None, &["cu.half"]),
    (
        "invalid_syntax.json",
        Some(DocumentKind::BatchJob),
        &["json.syntax"],
    ),
    (
        "update_tables.json",
        Some(DocumentKind::TaskContent),
        &["extend.required", "step.type-missing"],
    ),
];

#[test]
fn invalid_samples_report_their_rules() {
    for (file, kind, rules) in INVALID {
        let report = validate_str(&data(file), *kind);
        assert!(!report.is_valid(), "{file}");
        let found: Vec<&str> = report.errors.iter().map(|p| p.rule.as_str()).collect();
        for rule in *rules {
            assert!(
                found.contains(rule),
                "{file}: expected {rule}, found {found:?}"
            );
        }
        for p in &report.errors {
            assert!(!p.message.is_empty() && !p.hint.is_empty(), "{file}: {p:?}");
            assert!(
                p.line.is_some() && p.column.is_some(),
                "{file}: no position for {p:?}"
            );
        }
    }
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let report = validate_str(&data("invalid_batch_types.json"), None);
    let anyof: Vec<&str> = report
        .errors
        .iter()
        .filter(|p| p.rule == "schema.anyOf")
        .map(|p| p.pointer.as_str())
        .collect();
    assert!(anyof.contains(&"/setting/speed/concurrent"), "{anyof:?}");
    assert!(anyof.contains(&"/steps/1/parameter/truncate"), "{anyof:?}");
}

#[test]
fn secrets_are_never_printed() {
    let text = data("invalid_batch_types.json").replace("\"hunter2-very-secret\"", "42");
    let report = validate_str(&text, None);
    let all = format!("{report:?}");
    assert!(!all.contains("hunter2"));
    // A typed secret-like field with a wrong value is masked too.
    let text = r#"{"ResourceGroup": "g", "Cu": "my-access-key-secret", "accessKey": 1}"#;
    let report = validate_str(text, Some(DocumentKind::TaskMeta));
    assert!(!report.is_valid());
    let text2 = r#"{"type":"job","version":"2.0","steps":[{"stepType":"odps","name":"w","category":"writer","parameter":{"datasource":"d","truncate":"s3cr3t-value"}}],"accessKey":"x"}"#;
    let report = validate_str(text2, None);
    assert!(
        format!("{report:?}").contains("s3cr3t-value"),
        "non-secret values are shown"
    );
    let text3 = text2.replace("\"truncate\"", "\"password\"");
    let report = validate_str(&text3, None);
    assert!(!format!("{report:?}").contains("s3cr3t-value"));
}

#[test]
fn syntax_errors_have_line_and_column() {
    let report = validate_str(&data("invalid_syntax.json"), None);
    let p = &report.errors[0];
    assert_eq!(p.rule, "json.syntax");
    assert_eq!(p.line, Some(2));
    assert!(p.column.is_some());
}

#[test]
fn schema_errors_point_at_the_value() {
    let text = "{\n  \"ResourceGroup\": \"g\",\n  \"Cu\": true\n}";
    let report = validate_str(text, Some(DocumentKind::TaskMeta));
    let p = &report.errors[0];
    assert_eq!(
        (p.pointer.as_str(), p.line, p.column),
        ("/Cu", Some(3), Some(9))
    );
}

#[test]
fn legacy_and_unknown_forms_are_named() {
    let report = validate_str(
        r#"{"type":"job","version":"1.0","configuration":{"reader":{}}}"#,
        None,
    );
    assert_eq!(report.errors[0].rule, "legacy.form");
    let report = validate_str(r#"{"job":{"content":[{}]}}"#, None);
    assert_eq!(report.errors[0].rule, "legacy.datax");
    let report = validate_str(r#"{"hello":1}"#, None);
    assert_eq!(report.errors[0].rule, "kind.unknown");
    assert_eq!(report.kind, None);
}

#[test]
fn key_case_typos_are_warned() {
    let text = data("batch_mysql_odps.json").replace("\"splitPk\"", "\"splitPK\"");
    let report = validate_str(&text, None);
    assert!(report.is_valid());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.rule == "keys.case" && w.pointer == "/steps/0/parameter/splitPK")
    );
}

#[test]
fn a_misspelt_plugin_in_a_realtime_document_is_reported_once_and_checked_as_meant() {
    let problems = |doc: &Value| -> Vec<(String, String)> {
        validate_str(&doc.to_string(), None)
            .errors
            .into_iter()
            .map(|p| (p.rule, p.pointer))
            .collect()
    };
    let sample: Value = serde_json::from_str(&data("realtime_holo.json")).unwrap();

    // `Holo`: the name is wrong, the writer is still a Hologres writer: no `writer.type`,
    // and the hint for an unknown taskType names the one matching it.
    let mut doc = sample.clone();
    doc["steps"][1]["stepType"] = "Holo".into();
    doc["setting"]["taskType"] = "oneclick_to_hologres".into();
    let found = problems(&doc);
    assert_eq!(
        found,
        [
            ("step.type-name".to_owned(), "/steps/1/stepType".to_owned()),
            (
                "tasktype.unknown".to_owned(),
                "/setting/taskType".to_owned()
            ),
        ],
        "{found:?}"
    );
    let report = validate_str(&doc.to_string(), None);
    let hint = &report.errors[1].hint;
    assert!(hint.contains("oneclick_to_holo"), "{hint}");

    // `MySQL`: no `reader.type`, and its connections are still checked.
    let mut doc = sample;
    doc["steps"][0]["stepType"] = "MySQL".into();
    doc["steps"][0]["parameter"]["connection"][0]["selectedTables"][0]["dbName"] = "".into();
    let found = problems(&doc);
    assert_eq!(
        found,
        [
            ("step.type-name".to_owned(), "/steps/0/stepType".to_owned()),
            (
                "selected.dbname".to_owned(),
                "/steps/0/parameter/connection/0/selectedTables/0/dbName".to_owned()
            ),
        ],
        "{found:?}"
    );

    // A plugin real-time sync cannot write to is still refused.
    let mut doc: Value = serde_json::from_str(&data("realtime_holo.json")).unwrap();
    doc["steps"][1]["stepType"] = "starrocks".into();
    assert!(problems(&doc).iter().any(|(rule, _)| rule == "writer.type"));
}
