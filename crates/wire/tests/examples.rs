//! Every example body in `tests/data/` (the seed pages' examples verbatim, the official
//! reference's examples, the common error bodies and the lenient cases) decodes to the values
//! its `expect` block names.

use std::path::{Path, PathBuf};

use dataworks_wire::{
    ACTIONS, CreateDISyncTask, DeleteDISyncTask, DeployDISyncTask, ErrorCode,
    GenerateDISyncTaskConfigForCreating, GenerateDISyncTaskConfigForUpdating,
    GetDISyncInstanceInfo, GetDISyncTask, GetFile, InstanceStatus, ListFiles, Operation,
    ProcessStatus, QueryDISyncTaskConfigProcessResult, StartDISyncInstance, StatusData,
    StopDISyncInstance, TerminateDISyncInstance, UpdateDISyncTask, WireError, decode_response,
};
use serde_json::Value;

/// What a decoded answer looks like, independent of the operation.
#[derive(Debug)]
struct Decoded {
    request_id: Option<String>,
    success: Option<bool>,
    data: Option<Value>,
    business_failure: bool,
}

fn decode_as<Op: Operation>(status: u16, body: &[u8]) -> Result<Decoded, WireError> {
    let response = decode_response::<Op>(status, body)?;
    Ok(Decoded {
        business_failure: response.business_failure().is_some(),
        data: response
            .data
            .as_ref()
            .map(|d| serde_json::to_value(d).unwrap()),
        request_id: response.request_id,
        success: response.success,
    })
}

fn decode(action: &str, status: u16, body: &[u8]) -> Result<Decoded, WireError> {
    match action {
        "GenerateDISyncTaskConfigForCreating" => {
            decode_as::<GenerateDISyncTaskConfigForCreating>(status, body)
        }
        "GenerateDISyncTaskConfigForUpdating" => {
            decode_as::<GenerateDISyncTaskConfigForUpdating>(status, body)
        }
        "QueryDISyncTaskConfigProcessResult" => {
            decode_as::<QueryDISyncTaskConfigProcessResult>(status, body)
        }
        "CreateDISyncTask" => decode_as::<CreateDISyncTask>(status, body),
        "UpdateDISyncTask" => decode_as::<UpdateDISyncTask>(status, body),
        "GetDISyncTask" => decode_as::<GetDISyncTask>(status, body),
        "DeleteDISyncTask" => decode_as::<DeleteDISyncTask>(status, body),
        "DeployDISyncTask" => decode_as::<DeployDISyncTask>(status, body),
        "StartDISyncInstance" => decode_as::<StartDISyncInstance>(status, body),
        "StopDISyncInstance" => decode_as::<StopDISyncInstance>(status, body),
        "TerminateDISyncInstance" => decode_as::<TerminateDISyncInstance>(status, body),
        "GetDISyncInstanceInfo" => decode_as::<GetDISyncInstanceInfo>(status, body),
        "ListFiles" => decode_as::<ListFiles>(status, body),
        "GetFile" => decode_as::<GetFile>(status, body),
        other => panic!("unknown action {other} in a test fixture"),
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn fixtures() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, serde_json::from_str(&text).unwrap()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn check(name: &str, fixture: &Value) {
    let action = fixture["action"].as_str().unwrap();
    let status = u16::try_from(fixture["http_status"].as_u64().unwrap()).unwrap();
    let body = serde_json::to_vec(&fixture["body"]).unwrap();
    let expect = &fixture["expect"];
    let result = decode(action, status, &body);
    if let Some(error) = expect.get("error") {
        let err = result.expect_err(name);
        let api = err.api_error().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(api.code, error["code"].as_str().unwrap(), "{name}");
        assert_eq!(
            u64::from(api.http_status),
            error["http_status"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            api.is_retryable(),
            error["retryable"].as_bool().unwrap(),
            "{name}"
        );
        assert_eq!(
            !matches!(api.kind(), ErrorCode::Other(_)),
            error["known"].as_bool().unwrap(),
            "{name}"
        );
        assert_eq!(
            api.request_id.as_deref(),
            error["request_id"].as_str(),
            "{name}"
        );
        assert_eq!(api.host_id.as_deref(), error["host_id"].as_str(), "{name}");
        assert_eq!(api.message, error["message"].as_str().unwrap(), "{name}");
        assert!(err.to_string().contains(&api.code), "{name}: {err}");
    } else {
        let decoded = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            decoded.request_id.as_deref(),
            expect["request_id"].as_str(),
            "{name}"
        );
        assert_eq!(decoded.success, expect["success"].as_bool(), "{name}");
        let expected_data = match &expect["data"] {
            Value::Null => None,
            other => Some(other.clone()),
        };
        assert_eq!(decoded.data, expected_data, "{name}");
        assert_eq!(
            decoded.business_failure,
            expect["business_failure"].as_bool().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn every_fixture_decodes_to_its_expected_values() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 30,
        "fixtures went missing: {}",
        fixtures.len()
    );
    for (name, fixture) in &fixtures {
        check(name, fixture);
    }
}

#[test]
fn every_operation_has_a_success_example() {
    let fixtures = fixtures();
    for &action in ACTIONS {
        assert!(
            fixtures
                .iter()
                .any(|(_, f)| f["action"] == action && f["expect"].get("error").is_none()),
            "no success example for {action}"
        );
    }
}

#[test]
fn the_seed_query_example_yields_the_task_content() {
    let (_, fixture) = fixtures()
        .into_iter()
        .find(|(name, _)| name == "seed-query-process-result-success.json")
        .unwrap();
    let body = serde_json::to_vec(&fixture["body"]).unwrap();
    let data = decode_response::<QueryDISyncTaskConfigProcessResult>(200, &body)
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(data.process_status(), Some(ProcessStatus::Success));
    let content: Value = serde_json::from_str(data.task_content.as_deref().unwrap()).unwrap();
    assert_eq!(content["extend"]["mode"], "migration_holo");
    assert_eq!(content["steps"][1]["stepType"], "holo");
    // The seed's message is an example value even on success; it is kept verbatim.
    assert_eq!(data.message.as_deref(), Some("fileId:[100] is invalid."));
}

#[test]
fn the_seed_generate_example_yields_the_process_id() {
    let body = std::fs::read_to_string(data_dir().join("seed-generate-for-updating-success.json"))
        .unwrap();
    let fixture: Value = serde_json::from_str(&body).unwrap();
    let body = serde_json::to_vec(&fixture["body"]).unwrap();
    let response = decode_response::<GenerateDISyncTaskConfigForUpdating>(200, &body).unwrap();
    let data = response.into_data().unwrap();
    assert_eq!(data.process_id, Some(10));
    // The page's example Status is "true": not `success`, but not a failure either.
    assert_eq!(
        data.process_status(),
        Some(ProcessStatus::Other("true".into()))
    );
}

#[test]
fn typed_fields_of_the_reference_examples() {
    let read = |name: &str| {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(data_dir().join(name)).unwrap()).unwrap();
        serde_json::to_vec(&fixture["body"]).unwrap()
    };
    let task = decode_response::<GetDISyncTask>(200, &read("doc-get-task-success.json"))
        .unwrap()
        .into_data()
        .unwrap();
    let alarm = &task.alarm_list.as_ref().unwrap()[0];
    assert_eq!(alarm.id, Some(45242));
    assert_eq!(alarm.enabled, Some(true));
    assert_eq!(alarm.notify_rule.as_ref().unwrap().interval, Some(5));
    assert_eq!(
        alarm.alarm_rule_list.as_ref().unwrap()[0].threshold,
        Some(1)
    );
    let detail = task.solution_detail.as_ref().unwrap();
    assert_eq!(detail.project_id, Some(10000));
    assert_eq!(detail.solution_type.as_deref(), Some("holo"));

    let info =
        decode_response::<GetDISyncInstanceInfo>(200, &read("doc-get-instance-info-success.json"))
            .unwrap()
            .into_data()
            .unwrap();
    assert_eq!(info.instance_status(), Some(InstanceStatus::Run));
    let steps = info
        .solution_info
        .as_ref()
        .unwrap()
        .step_detail
        .as_ref()
        .unwrap();
    assert_eq!(steps[0].step_id, Some(1));

    let deleted =
        decode_response::<DeleteDISyncTask>(200, &read("doc-delete-task-fail.json")).unwrap();
    let err = deleted.into_data().unwrap_err();
    assert!(matches!(err, WireError::BusinessFailure { .. }), "{err:?}");
    assert!(
        err.to_string().contains("fileId:[100] is invalid."),
        "{err}"
    );
}
