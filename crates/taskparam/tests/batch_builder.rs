//! The batch builder: what it builds from any typed reader and writer (the plugins' demos,
//! with random settings) validates and round-trips losslessly; what breaks a rule is refused
//! with every problem at once.

use std::sync::LazyLock;

use dataworks_taskparam::{
    BatchJob, BatchStep, BuildError, DocumentKind, FileParams, OdpsWriterParams, RdbmsReaderParams,
    StepParams, TaskParam, explicit_columns, validate_value,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// (plugin, role, parameter) of one demo.
type Demo = (String, String, Map<String, Value>);

/// Every demo in `tests/data/plugins/demos.json`.
static DEMOS: LazyLock<Vec<Demo>> = LazyLock::new(|| {
    let path = format!(
        "{}/tests/data/plugins/demos.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["demos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["plugin"].as_str().unwrap().to_owned(),
                d["role"].as_str().unwrap().to_owned(),
                d["step"]["parameter"].as_object().unwrap().clone(),
            )
        })
        .collect()
});

fn of_role(role: &str) -> Vec<&'static Demo> {
    DEMOS.iter().filter(|d| d.1 == role).collect()
}

/// Makes the writer's column list as long as the reader's (columns map by position).
fn align(writer: &mut Map<String, Value>, count: Option<usize>) {
    let (Some(count), Some(Value::Array(cols))) = (count, writer.get_mut("column")) else {
        return;
    };
    if cols.is_empty() || cols.iter().any(|c| c == "*") {
        return;
    }
    let source = cols.clone();
    *cols = source.iter().cycle().take(count).cloned().collect();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn what_the_builder_builds_validates_and_round_trips(
        reader in any::<Index>(),
        writer in any::<Index>(),
        concurrent in 1u32..64,
        mbps in proptest::option::of(1u32..200),
        limit in proptest::option::of(0u64..10_000),
        names in proptest::option::of(("[A-Za-z][A-Za-z0-9_]{0,8}", "[A-Za-z][A-Za-z0-9_]{0,8}")),
    ) {
        let readers = of_role("reader");
        let writers = of_role("writer");
        let (rp, _, rparam) = reader.get(&readers);
        let (wp, _, wparam) = writer.get(&writers);
        let mut wparam = wparam.clone();
        align(&mut wparam, explicit_columns(rparam));
        let mut r = BatchStep::from_parameter(rp.clone(), rparam.clone());
        let mut w = BatchStep::from_parameter(wp.clone(), wparam);
        if let Some((a, b)) = names.filter(|(a, b)| a != b) {
            r = r.name(a);
            w = w.name(b);
        }
        let mut builder = TaskParam::batch().reader(r).writer(w).concurrent(concurrent);
        if let Some(m) = mbps {
            builder = builder.throttle_mbps(m);
        }
        if let Some(l) = limit {
            builder = builder.error_limit_records(l);
        }
        let job = builder.build().map_err(|e| TestCaseError::fail(format!("{rp} → {wp}: {e}")))?;
        let value = job.to_value();
        let report = validate_value(&value, None);
        prop_assert_eq!(report.kind, Some(DocumentKind::BatchJob));
        prop_assert!(report.errors.is_empty(), "{:?}", report.errors);
        let again = BatchJob::from_json(&job.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &job);
        prop_assert_eq!(again.to_value(), value);
        prop_assert!(!matches!(job.steps[0].parameter, StepParams::Other(_)));
    }
}

#[test]
fn typed_parameters_build_and_bad_ones_are_all_reported() {
    let mut reader = RdbmsReaderParams {
        datasource: Some("pg".into()),
        column: Some(vec!["id".into()]),
        ..RdbmsReaderParams::default()
    };
    reader
        .extra
        .insert("table".into(), Value::from("public.person"));
    let writer = OdpsWriterParams {
        datasource: Some("odps_first".into()),
        table: Some("t".into()),
        column: Some(vec!["id".into(), "name".into()]),
        partition: Some("pt=*".into()),
        ..OdpsWriterParams::default()
    };
    let err = TaskParam::batch()
        .reader(BatchStep::new("postgresql", reader.clone()))
        .writer(BatchStep::new("odps", writer))
        .build()
        .unwrap_err();
    let BuildError::Invalid { problems, .. } = err else {
        panic!("expected an invalid job, got {err}");
    };
    let rules: Vec<&str> = problems.iter().map(|p| p.rule.as_str()).collect();
    assert!(rules.contains(&"column.count"), "{rules:?}");
    assert!(rules.contains(&"odps.partition-single"), "{rules:?}");

    let file = FileParams {
        datasource: Some("oss_dst".into()),
        object: Some("out/person".into()),
        write_mode: Some("truncate".into()),
        ..FileParams::default()
    };
    let job = TaskParam::batch()
        .reader(BatchStep::new("postgresql", reader))
        .writer(BatchStep::new("oss", file))
        .build()
        .unwrap();
    assert!(matches!(job.steps[1].parameter, StepParams::File(_)));
}
