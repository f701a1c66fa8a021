//! Property tests: the builder's output always validates; schema acceptance and serde
//! acceptance agree on generated documents; parse → serialise is lossless; the validator
//! never panics on arbitrary JSON.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use dataworks_taskparam::{
    BatchJob, Document, DocumentKind, HologresWriter, KafkaWriter, MaxComputeWriter, MysqlReader,
    RealtimeTaskParam, SolutionProcess, TaskContent, TaskMeta, TaskParam, UpdateTaskParam, Writer,
    published_schemas, validate_str, validate_value,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

fn data(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Seeds for the document generator: one or more official samples per kind.
static SEEDS: LazyLock<Vec<(DocumentKind, Value)>> = LazyLock::new(|| {
    vec![
        (DocumentKind::RealtimeTaskParam, data("realtime_holo.json")),
        (
            DocumentKind::RealtimeTaskParam,
            data("realtime_odps_tables.json"),
        ),
        (DocumentKind::UpdateTaskParam, data("update_selected.json")),
        (DocumentKind::TaskContent, data("task_content_seed.json")),
        (DocumentKind::BatchJob, data("batch_mysql_odps.json")),
        (DocumentKind::BatchJob, data("batch_stream_holo.json")),
        (DocumentKind::TaskMeta, data("task_meta_create.json")),
        (DocumentKind::SolutionProcess, data("solution_process.json")),
    ]
});

static VALIDATORS: LazyLock<Vec<(DocumentKind, jsonschema::Validator)>> = LazyLock::new(|| {
    published_schemas()
        .into_iter()
        .map(|(k, s)| (k, jsonschema::validator_for(&s).unwrap()))
        .collect()
});

fn schema_accepts(kind: DocumentKind, value: &Value) -> bool {
    VALIDATORS
        .iter()
        .find(|(k, _)| *k == kind)
        .unwrap()
        .1
        .is_valid(value)
}

/// Serde acceptance, and the round trip when accepted.
fn serde_accepts(kind: DocumentKind, value: &Value) -> Result<Option<Value>, String> {
    fn go<T: Document>(value: &Value) -> Option<Value> {
        T::from_value(value.clone()).ok().map(|d| d.to_value())
    }
    let back = match kind {
        DocumentKind::RealtimeTaskParam => go::<RealtimeTaskParam>(value),
        DocumentKind::UpdateTaskParam => go::<UpdateTaskParam>(value),
        DocumentKind::TaskContent => go::<TaskContent>(value),
        DocumentKind::BatchJob => go::<BatchJob>(value),
        DocumentKind::TaskMeta => go::<TaskMeta>(value),
        DocumentKind::SolutionProcess => go::<SolutionProcess>(value),
    };
    Ok(back)
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        Just(json!(2.0)),
        Just(json!("")),
        Just(json!("1")),
        Just(json!("true")),
        Just(json!("yes")),
        Just(json!("mysql")),
        Just(json!("reader")),
        Just(json!("writer")),
        Just(json!("holo")),
        "[a-zA-Z0-9_. -]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("table".to_owned()),
                    Just("selectedTables".to_owned()),
                    Just("stepType".to_owned()),
                    Just("category".to_owned()),
                    "[a-zA-Z]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every pointer of a value (including the root "").
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Remove,
    AddKey(String, Value),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => arb_json().prop_map(Mutation::Replace),
        2 => Just(Mutation::Remove),
        2 => (prop_oneof![Just("table".to_owned()), Just("selectedTables".to_owned()), Just("extra".to_owned()), Just("stepType".to_owned())], arb_json())
            .prop_map(|(k, v)| Mutation::AddKey(k, v)),
    ]
}

fn mutate(mut doc: Value, at: &Index, mutation: Mutation) -> Value {
    let mut all = Vec::new();
    pointers(&doc, String::new(), &mut all);
    let target = all[at.index(all.len())].clone();
    match mutation {
        Mutation::Replace(v) => {
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = v;
            }
        }
        Mutation::Remove => {
            if let Some((parent, last)) = target.rsplit_once('/') {
                let last = last.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(&last);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::AddKey(k, v) => {
            if let Some(Value::Object(map)) = doc.pointer_mut(&target) {
                map.insert(k, v);
            }
        }
    }
    doc
}

fn arb_document() -> impl Strategy<Value = (DocumentKind, Value)> {
    (
        any::<Index>(),
        prop::collection::vec((any::<Index>(), arb_mutation()), 0..3),
    )
        .prop_map(|(seed, mutations)| {
            let (kind, mut doc) = SEEDS[seed.index(SEEDS.len())].clone();
            for (at, m) in mutations {
                doc = mutate(doc, &at, m);
            }
            (kind, doc)
        })
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,11}"
}

fn arb_writer() -> impl Strategy<Value = Writer> {
    prop_oneof![
        ident().prop_map(|d| Writer::from(HologresWriter::datasource(d))),
        ident().prop_map(|d| Writer::from(MaxComputeWriter::datasource(d))),
        (ident(), prop::option::of(ident())).prop_map(|(d, t)| {
            let w = KafkaWriter::datasource(d);
            Writer::from(match t {
                Some(t) => w.topic(t),
                None => w,
            })
        }),
    ]
}

fn arb_databases() -> impl Strategy<Value = Vec<(String, BTreeSet<String>)>> {
    prop::collection::btree_map(ident(), prop::collection::btree_set(ident(), 1..6), 1..4)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn schema_and_serde_agree_and_round_trips_are_lossless((kind, doc) in arb_document()) {
        let by_schema = schema_accepts(kind, &doc);
        let by_serde = serde_accepts(kind, &doc).unwrap();
        prop_assert_eq!(by_schema, by_serde.is_some(), "kind {}: schema {} serde {} for {}", kind, by_schema, by_serde.is_some(), doc);
        if let Some(back) = by_serde {
            prop_assert_eq!(back, doc);
        }
    }

    #[test]
    fn the_builder_output_always_validates(
        ds in ident(),
        group in "S_res_group_[0-9]{1,6}",
        dbs in arb_databases(),
        single in any::<bool>(),
        writer in arb_writer(),
        update_dbs in arb_databases(),
    ) {
        let (first_db, first_tables) = dbs[0].clone();
        let builder = TaskParam::realtime().resource_group(group);
        let param = if single {
            builder.reader(MysqlReader::datasource(ds.clone()).tables(first_tables.clone())).writer(writer).build()
        } else {
            let mut reader = MysqlReader::datasource(ds.clone()).selected_tables(first_db.clone(), first_tables.clone());
            for (db, tables) in &dbs[1..] {
                reader = reader.selected_tables(db.clone(), tables.clone());
            }
            builder.reader(reader).writer(writer).build()
        };
        let param = param.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(validate_str(&param.to_json(), None).is_valid());

        let content = TaskContent::from_realtime_param(&param);
        let report = validate_value(&content.to_value(), None);
        prop_assert_eq!(report.kind, Some(DocumentKind::TaskContent));
        prop_assert!(report.is_valid() && report.warnings.is_empty(), "{:#?}", report);

        // An update naming the content's own database(s) applies and stays valid.
        let update = if single || dbs.len() == 1 {
            TaskParam::update().reader(MysqlReader::datasource(ds.clone()).tables(update_dbs[0].1.clone())).build()
        } else {
            let mut reader = MysqlReader::datasource(ds.clone()).selected_tables(update_dbs[0].0.clone(), update_dbs[0].1.clone());
            for (db, tables) in &update_dbs[1..] {
                reader = reader.selected_tables(db.clone(), tables.clone());
            }
            TaskParam::update().reader(reader).build()
        };
        let update = update.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(validate_str(&update.to_json(), None).is_valid());
        let updated = content.apply_update(&update).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let report = validate_value(&updated.to_value(), Some(DocumentKind::TaskContent));
        prop_assert!(report.is_valid() && report.warnings.is_empty(), "{:#?}", report);
        let d = dataworks_taskparam::diff(&content, &updated);
        let added: usize = d.tables_added.values().map(Vec::len).sum();
        prop_assert_eq!(added, d.rules_added.len());
        let removed: usize = d.tables_removed.values().map(Vec::len).sum();
        prop_assert_eq!(removed, d.rules_removed.len());
    }

    #[test]
    fn the_validator_never_panics_on_arbitrary_json(value in arb_json(), kind in prop::option::of(prop::sample::select(DocumentKind::ALL.to_vec()))) {
        let report = validate_value(&value, kind);
        let text = value.to_string();
        let from_text = validate_str(&text, kind);
        prop_assert_eq!(report.errors.len(), from_text.errors.len());
    }

    #[test]
    fn the_validator_never_panics_on_mutated_documents((_kind, doc) in arb_document(), kind in prop::option::of(prop::sample::select(DocumentKind::ALL.to_vec()))) {
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let report = validate_str(&text, kind);
        for p in report.errors.iter().chain(&report.warnings) {
            prop_assert!(p.line.is_some(), "no position for {:?}", p);
        }
    }

    #[test]
    fn the_validator_never_panics_on_arbitrary_text(text in "\\PC{0,120}") {
        let _ = validate_str(&text, None);
    }
}

#[test]
fn generated_values_can_be_extra_fields() {
    // Unknown fields anywhere survive a round trip.
    let mut doc = data("task_content_seed.json");
    doc["nodeDef"] = json!({"x": [1, {"y": null}]});
    doc["steps"][0]["gui"] = json!({"x": 1, "y": 2});
    doc["steps"][1]["parameter"]["tableMappingRule"]["datasource"][0]["tableRule"][0]["custom"] =
        json!(null);
    let back = TaskContent::from_value(doc.clone()).unwrap().to_value();
    assert_eq!(back, doc);
}
