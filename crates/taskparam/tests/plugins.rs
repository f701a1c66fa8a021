//! The typed batch plugins: every demo of `tests/data/plugins/demos.json` validates with no
//! error and round-trips losslessly; every variant of `variants.json` is refused with its
//! rule at its pointer.

use dataworks_taskparam::{BatchJob, DocumentKind, StepParams, validate_value};
use serde_json::{Value, json};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/plugins/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn demos() -> Vec<Value> {
    load("demos.json")["demos"].as_array().unwrap().clone()
}

/// The demo step in a job, with a `stream` step as its other end (as the pages do).
fn job_with(step: &Value, role: &str) -> Value {
    let reader_is_demo = role == "reader";
    let stream = |category: &str, name: &str| json!({"stepType": "stream", "parameter": {}, "name": name, "category": category});
    let mut demo = step.clone();
    demo["name"] = json!(if reader_is_demo { "Reader" } else { "Writer" });
    let steps = if reader_is_demo {
        vec![demo, stream("writer", "Writer")]
    } else {
        vec![stream("reader", "Reader"), demo]
    };
    json!({
        "type": "job",
        "version": "2.0",
        "steps": steps,
        "setting": {"errorLimit": {"record": "0"}, "speed": {"throttle": false, "concurrent": 1}},
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
    })
}

fn demo_named(name: &str) -> (Value, String) {
    let (plugin, role) = name.rsplit_once(' ').unwrap();
    let demo = demos()
        .into_iter()
        .find(|d| d["plugin"] == plugin && d["role"] == role)
        .unwrap_or_else(|| panic!("no demo {name}"));
    (demo["step"].clone(), role.to_owned())
}

#[test]
fn every_demo_validates_and_round_trips() {
    let demos = demos();
    assert_eq!(demos.len(), 40, "20 plugins, reader and writer each");
    let verbatim = demos
        .iter()
        .filter(|d| d["provenance"] == "verbatim")
        .count();
    assert!(
        verbatim >= 30,
        "{verbatim} verbatim demos; docs/taskparam.md lists 30"
    );
    for demo in demos {
        let label = format!("{} {}", demo["plugin"], demo["role"]);
        let provenance = demo["provenance"].as_str().unwrap_or("");
        assert!(
            ["verbatim", "repaired", "restated", "after-page"].contains(&provenance),
            "{label}: provenance {provenance:?}"
        );
        if provenance != "after-page" {
            for key in ["copy", "normalised"] {
                assert!(
                    demo[key].as_str().is_some_and(|s| !s.is_empty()),
                    "{label}: a page demo says where it was read and what was normalised ({key})"
                );
            }
        }
        assert!(
            demo["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{label}: no source"
        );
        let job = job_with(&demo["step"], demo["role"].as_str().unwrap());
        let report = validate_value(&job, None);
        assert_eq!(report.kind, Some(DocumentKind::BatchJob), "{label}");
        assert!(report.errors.is_empty(), "{label}: {:#?}", report.errors);
        let typed = BatchJob::from_value(job.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(typed.to_value(), job, "{label}: not lossless");
        let index = usize::from(demo["role"] == "writer");
        assert!(
            !matches!(typed.steps[index].parameter, StepParams::Other(_)),
            "{label}: not typed"
        );
    }
}

fn set(target: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let parent = target
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"));
    match parent {
        Value::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        Value::Array(list) => list[last.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}"),
    }
}

#[test]
fn every_variant_is_refused_with_its_rule_and_pointer() {
    let variants = load("variants.json")["variants"]
        .as_array()
        .unwrap()
        .clone();
    assert!(variants.len() >= 60);
    for variant in variants {
        let demo = variant["demo"].as_str().unwrap();
        let (mut step, role) = demo_named(demo);
        for key in variant["remove"].as_array().into_iter().flatten() {
            step["parameter"]
                .as_object_mut()
                .unwrap()
                .shift_remove(key.as_str().unwrap());
        }
        for (pointer, value) in variant["set"].as_object().into_iter().flatten() {
            set(&mut step["parameter"], pointer, value.clone());
        }
        for (key, value) in variant["step"].as_object().into_iter().flatten() {
            step[key] = value.clone();
        }
        let job = job_with(&step, &role);
        let report = validate_value(&job, Some(DocumentKind::BatchJob));
        let (rule, pointer) = (
            variant["rule"].as_str().unwrap(),
            variant["pointer"].as_str().unwrap(),
        );
        assert!(
            report
                .errors
                .iter()
                .any(|p| p.rule == rule && p.pointer == pointer),
            "{demo} → {rule} at {pointer}; found {:#?}",
            report.errors
        );
        for p in &report.errors {
            assert!(!p.message.is_empty() && !p.hint.is_empty(), "{p:?}");
        }
    }
}

#[test]
fn reader_and_writer_columns_must_agree() {
    let (reader, _) = demo_named("postgresql reader");
    let (writer, _) = demo_named("mysql writer");
    let mut job = job_with(&reader, "reader");
    job["steps"][1] = writer;
    job["steps"][1]["name"] = json!("Writer");
    job["steps"][1]["parameter"]["column"] = json!(["a", "b", "c"]);
    let report = validate_value(&job, None);
    assert!(
        report
            .errors
            .iter()
            .any(|p| p.rule == "column.count" && p.pointer == "/steps/1/parameter/column"),
        "{:#?}",
        report.errors
    );

    // The counts are in the message, in words that read right for one column.
    job["steps"][1]["parameter"]["column"] = json!(["a"]);
    let report = validate_value(&job, None);
    let problem = report
        .errors
        .iter()
        .find(|p| p.rule == "column.count")
        .expect("one writer column against the reader's is refused");
    assert!(
        problem
            .message
            .starts_with("the writer lists 1 column but the reader reads "),
        "{}",
        problem.message
    );
}

#[test]
fn a_hop_from_a_writer_to_a_reader_is_an_error() {
    let (reader, _) = demo_named("postgresql reader");
    let mut job = job_with(&reader, "reader");
    job["order"]["hops"] = json!([{"from": "Writer", "to": "Reader"}]);
    let report = validate_value(&job, None);
    assert!(report.errors.iter().any(|p| p.rule == "hops.direction"));
}

#[test]
fn loghub_is_taken_in_both_documented_spellings() {
    for spelling in ["LogHub", "loghub"] {
        let (mut step, _) = demo_named("LogHub reader");
        step["stepType"] = json!(spelling);
        let report = validate_value(&job_with(&step, "reader"), None);
        assert!(report.errors.is_empty(), "{spelling}: {:#?}", report.errors);
    }
    let (mut step, _) = demo_named("LogHub reader");
    step["stepType"] = json!("Loghub");
    let report = validate_value(&job_with(&step, "reader"), None);
    let problem = report
        .errors
        .iter()
        .find(|p| p.rule == "step.type-name")
        .unwrap();
    assert!(problem.hint.contains("\"LogHub\""), "{problem:?}");
}

#[test]
fn a_kafka_step_names_its_cluster_by_datasource_or_by_server() {
    // The 2020 pages (Kafka Reader, Kafka Writer 145510) name the cluster by `server` only.
    for (demo, role) in [("kafka reader", "reader"), ("kafka writer", "writer")] {
        let (mut step, _) = demo_named(demo);
        let parameter = step["parameter"].as_object_mut().unwrap();
        parameter.shift_remove("datasource");
        parameter.insert("server".into(), json!("host:9092"));
        let report = validate_value(&job_with(&step, role), None);
        assert!(report.errors.is_empty(), "{demo}: {:#?}", report.errors);
    }
}

#[test]
fn secrets_in_plugin_parameters_are_never_printed() {
    let (mut step, _) = demo_named("odps writer");
    step["parameter"]["accessKey"] = json!(12345);
    step["parameter"]["password"] = json!(["hunter2-secret"]);
    let report = validate_value(&job_with(&step, "writer"), None);
    let text = format!("{report:?}");
    assert!(
        !text.contains("12345") && !text.contains("hunter2"),
        "{text}"
    );
}

#[test]
fn a_datahub_reader_without_column_is_warned_and_its_keys_never_printed() {
    let (mut step, _) = demo_named("datahub reader");
    let report = validate_value(&job_with(&step, "reader"), None);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.rule == "datahub.column" && w.pointer == "/steps/0/parameter"),
        "{:#?}",
        report.warnings
    );
    step["parameter"]["column"] = json!(["col0", "col1"]);
    let report = validate_value(&job_with(&step, "reader"), None);
    assert!(report.warnings.iter().all(|w| w.rule != "datahub.column"));

    // A `datasource` replaces the inline connection; with neither, the missing keys are named.
    let parameter = step["parameter"].as_object_mut().unwrap();
    for key in ["endpoint", "accessId", "accessKey", "project"] {
        parameter.shift_remove(key);
    }
    parameter.insert("datasource".into(), json!("datahub_source"));
    assert!(
        validate_value(&job_with(&step, "reader"), None)
            .errors
            .is_empty()
    );
    step["parameter"]["accessKey"] = json!("datahub-secret-key");
    step["parameter"]
        .as_object_mut()
        .unwrap()
        .shift_remove("datasource");
    let report = validate_value(&job_with(&step, "reader"), None);
    let problem = report
        .errors
        .iter()
        .find(|p| p.rule == "datasource.required")
        .unwrap();
    assert!(
        problem
            .message
            .contains("`endpoint`, `accessId`, `project`"),
        "{problem:?}"
    );
    assert!(!format!("{report:?}").contains("datahub-secret-key"));
}

#[test]
fn an_undocumented_task_type_is_an_error_naming_the_writers_value() {
    let path = format!(
        "{}/tests/data/realtime_holo.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["setting"]["taskType"] = json!("oneclick_to_hologres");
    let report = validate_value(&doc, None);
    let problem = report
        .errors
        .iter()
        .find(|p| p.rule == "tasktype.unknown")
        .unwrap_or_else(|| panic!("{:#?}", report));
    assert_eq!(problem.pointer, "/setting/taskType");
    assert!(problem.hint.contains("oneclick_to_holo"), "{problem:?}");
}

#[test]
fn a_key_case_slip_is_reported_once() {
    for demo in ["mysql reader", "postgresql reader", "odps writer"] {
        let (mut step, role) = demo_named(demo);
        step["parameter"]["Column"] = json!(["x"]);
        let report = validate_value(&job_with(&step, &role), None);
        let slips = report
            .warnings
            .iter()
            .filter(|p| p.rule == "keys.case")
            .count();
        assert_eq!(slips, 1, "{demo}: {:#?}", report.warnings);
    }
}

#[test]
fn a_maxcompute_step_without_partition_is_warned_unless_it_says_none() {
    for (name, index) in [("odps reader", 0), ("odps writer", 1)] {
        let (mut step, role) = demo_named(name);
        let pointer = format!("/steps/{index}/parameter");
        let absent = |report: &dataworks_taskparam::ValidationReport| {
            report
                .warnings
                .iter()
                .filter(|w| w.rule == "odps.partition-absent")
                .map(|w| w.pointer.clone())
                .collect::<Vec<_>>()
        };
        // The demos name their partitions.
        let report = validate_value(&job_with(&step, &role), None);
        assert!(absent(&report).is_empty(), "{name}: {:#?}", report.warnings);

        // Left out: a warning (the table may have no partitions), not an error.
        step["parameter"]
            .as_object_mut()
            .unwrap()
            .shift_remove("partition");
        let report = validate_value(&job_with(&step, &role), None);
        assert!(report.errors.is_empty(), "{name}: {:#?}", report.errors);
        assert_eq!(absent(&report), vec![pointer], "{name}");

        // `"partition": ""` says the table has none.
        step["parameter"]["partition"] = json!("");
        let report = validate_value(&job_with(&step, &role), None);
        assert!(absent(&report).is_empty(), "{name}: {:#?}", report.warnings);
    }
}

#[test]
fn a_misspelt_step_type_is_reported_with_its_parameters_checked_as_the_plugin_meant() {
    // A case slip and an alias: the name is an error, and the parameters are checked as the
    // plugin the name means, so one run reports everything.
    for (demo, spelling, broken, rule) in [
        (
            "mysql reader",
            "MySQL",
            ("/parameter/splitPk", json!("id,name")),
            "splitpk.single",
        ),
        (
            "holo writer",
            "hologres",
            ("/parameter/conflictMode", json!("upsert")),
            "param.enum",
        ),
        (
            "odps writer",
            "maxcompute",
            ("/parameter/partition", json!("pt=*")),
            "odps.partition-single",
        ),
    ] {
        let (mut step, role) = demo_named(demo);
        step["stepType"] = json!(spelling);
        let (pointer, value) = broken;
        *step.pointer_mut(pointer).unwrap() = value;
        let report = validate_value(&job_with(&step, &role), None);
        let index = if role == "reader" { 0 } else { 1 };
        let rules: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|p| (p.rule.as_str(), p.pointer.as_str()))
            .collect();
        let step_pointer = format!("/steps/{index}");
        assert!(
            rules.contains(&("step.type-name", &format!("{step_pointer}/stepType"))),
            "{demo}: {rules:?}"
        );
        assert!(
            rules.contains(&(rule, &format!("{step_pointer}{pointer}"))),
            "{demo}: {rules:?}"
        );
        assert_eq!(rules.len(), 2, "{demo}: {rules:?}");
    }

    // A DataX name: the step is written in DataX's shape, so only the name is reported.
    let (mut step, role) = demo_named("mysql reader");
    step["stepType"] = json!("mysqlreader");
    step["parameter"]["splitPk"] = json!("id,name");
    let report = validate_value(&job_with(&step, &role), None);
    let rules: Vec<&str> = report.errors.iter().map(|p| p.rule.as_str()).collect();
    assert_eq!(rules, ["step.type-datax"]);
}

#[test]
fn a_sql_list_written_as_one_string_is_refused_with_the_fix() {
    let (mut step, role) = demo_named("mysql writer");
    step["parameter"]["preSql"] = json!("delete from t");
    let report = validate_value(&job_with(&step, &role), None);
    let problem = report
        .errors
        .iter()
        .find(|p| p.pointer == "/steps/1/parameter/preSql")
        .unwrap_or_else(|| panic!("{:#?}", report.errors));
    assert_eq!(problem.rule, "schema.type");
    assert!(
        problem.hint.starts_with("write it as a list"),
        "{problem:?}"
    );
}

#[test]
fn an_empty_time_range_is_refused_where_the_reader_refuses_it() {
    // The LogHub reader's runtime refuses end <= begin; the page's other readers only a
    // range that ends before it begins.
    for (demo, refused) in [("LogHub reader", true), ("kafka reader", false)] {
        let (mut step, role) = demo_named(demo);
        step["parameter"]["beginDateTime"] = json!("20240101000000");
        step["parameter"]["endDateTime"] = json!("20240101000000");
        let report = validate_value(&job_with(&step, &role), None);
        let problem = report.errors.iter().find(|p| p.rule == "datetime.order");
        assert_eq!(problem.is_some(), refused, "{demo}: {:#?}", report.errors);
        if let Some(problem) = problem {
            assert!(
                problem.message.contains("the range is empty"),
                "{problem:?}"
            );
        }
    }
}
