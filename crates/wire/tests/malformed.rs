//! Malformed input gives errors, never panics: arbitrary bytes, truncated bodies, wrong types,
//! huge numbers, deep nesting, invalid UTF-8, and arbitrary wire parameters.

use std::path::Path;

use dataworks_wire::*;
use proptest::prelude::*;
use serde_json::Value;

/// Decodes `body` as the answer to every operation; returns how many succeeded.
fn decode_all(status: u16, body: &[u8]) -> usize {
    let results = [
        decode_response::<GenerateDISyncTaskConfigForCreating>(status, body).is_ok(),
        decode_response::<GenerateDISyncTaskConfigForUpdating>(status, body).is_ok(),
        decode_response::<QueryDISyncTaskConfigProcessResult>(status, body).is_ok(),
        decode_response::<CreateDISyncTask>(status, body).is_ok(),
        decode_response::<UpdateDISyncTask>(status, body).is_ok(),
        decode_response::<GetDISyncTask>(status, body).is_ok(),
        decode_response::<DeleteDISyncTask>(status, body).is_ok(),
        decode_response::<DeployDISyncTask>(status, body).is_ok(),
        decode_response::<StartDISyncInstance>(status, body).is_ok(),
        decode_response::<StopDISyncInstance>(status, body).is_ok(),
        decode_response::<TerminateDISyncInstance>(status, body).is_ok(),
        decode_response::<GetDISyncInstanceInfo>(status, body).is_ok(),
    ];
    results.iter().filter(|ok| **ok).count()
}

fn malformed<Op: Operation>(body: &str) -> String {
    match decode_response::<Op>(200, body.as_bytes()) {
        Err(err @ WireError::Malformed { .. }) => err.to_string(),
        other => panic!("expected Malformed for {body}, got {other:?}"),
    }
}

#[test]
fn not_json() {
    for body in [
        "",
        " ",
        "<html>502 Bad Gateway</html>",
        "null",
        "true",
        "42",
        "\"x\"",
        "[]",
        "{",
        "}{",
    ] {
        assert_eq!(decode_all(200, body.as_bytes()), 0, "{body:?}");
    }
    assert_eq!(decode_all(200, &[0xff, 0xfe, b'{', b'}']), 0);
    assert_eq!(decode_all(200, b"{\"RequestId\":\"\xff\"}"), 0);
}

#[test]
fn wrong_types_name_the_field() {
    let shown = malformed::<CreateDISyncTask>(r#"{"Data":{"FileId":true}}"#);
    assert!(shown.contains("Data.FileId"), "{shown}");
    let shown =
        malformed::<GetDISyncTask>(r#"{"Data":{"AlarmList":[{"NotifyRule":{"Critical":[1]}}]}}"#);
    assert!(
        shown.contains("Data.AlarmList[0].NotifyRule.Critical[0]"),
        "{shown}"
    );
    let shown = malformed::<GetDISyncTask>(r#"{"Data":{"AlarmList":{"Id":1}}}"#);
    assert!(shown.contains("AlarmList"), "{shown}");
    malformed::<CreateDISyncTask>(r#"{"Data":"success"}"#);
    malformed::<CreateDISyncTask>(r#"{"Data":[]}"#);
    malformed::<CreateDISyncTask>(r#"{"Data":{"Status":1}}"#);
    malformed::<CreateDISyncTask>(r#"{"Success":"maybe","Data":{}}"#);
    malformed::<GetDISyncInstanceInfo>(
        r#"{"Data":{"SolutionInfo":{"StepDetail":[{"StepId":"one"}]}}}"#,
    );
}

#[test]
fn huge_numbers_are_errors() {
    for n in [
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
        "1e19",
        "1e400",
        "-1e400",
        "0.5",
        "\"1e3\"",
        "\"99999999999999999999\"",
    ] {
        let body = format!(r#"{{"Data":{{"FileId":{n}}}}}"#);
        assert!(
            decode_response::<CreateDISyncTask>(200, body.as_bytes()).is_err(),
            "{n}"
        );
    }
    let ok =
        decode_response::<CreateDISyncTask>(200, br#"{"Data":{"FileId":9223372036854775807}}"#)
            .unwrap();
    assert_eq!(ok.data.unwrap().file_id, Some(i64::MAX));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(decode_all(200, deep.as_bytes()), 0);
    let deep_data = format!(
        r#"{{"Data":{{"X":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(decode_all(200, deep_data.as_bytes()), 0);
    let error = decode_error(500, deep.as_bytes());
    assert_eq!(error.code, UNKNOWN_SERVER_ERROR);
}

#[test]
fn every_truncation_of_every_fixture_is_an_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let body = serde_json::to_vec(&fixture["body"]).unwrap();
        let status = u16::try_from(fixture["http_status"].as_u64().unwrap()).unwrap();
        for cut in 0..body.len() {
            let prefix = body.get(..cut).unwrap();
            if status < 400 {
                // A cut JSON text never parses, whatever the operation: two decoders suffice.
                assert!(
                    decode_response::<GetDISyncTask>(status, prefix).is_err()
                        && decode_response::<CreateDISyncTask>(status, prefix).is_err(),
                    "{} cut at {cut}",
                    path.display()
                );
            } else {
                // Error answers always decode to an ApiError; a cut body loses its code.
                let error = decode_error(status, prefix);
                assert_eq!(error.http_status, status);
                assert_eq!(error.code, UNKNOWN_SERVER_ERROR);
            }
        }
    }
}

/// Arbitrary JSON values, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[0-9]{1,25}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("Data".to_owned()),
                        Just("FileId".to_owned()),
                        Just("Status".to_owned()),
                        Just("AlarmList".to_owned()),
                        Just("SolutionInfo".to_owned()),
                        Just("StepDetail".to_owned()),
                        Just("Code".to_owned()),
                        Just("Success".to_owned()),
                        any::<String>()
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(status in prop_oneof![Just(200u16), Just(400u16), Just(503u16), any::<u16>()], body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_all(status, &body);
        let _ = decode_error(status, &body);
    }

    #[test]
    fn arbitrary_json_never_panics(status in prop_oneof![Just(200u16), Just(429u16)], data in json_value(), envelope in json_value()) {
        let body = serde_json::json!({ "RequestId": "r", "Success": true, "Data": data });
        let _ = decode_all(status, &serde_json::to_vec(&body).unwrap());
        let _ = decode_all(status, &serde_json::to_vec(&envelope).unwrap());
        let _ = decode_error(status, &serde_json::to_vec(&envelope).unwrap());
    }

    #[test]
    fn arbitrary_params_never_panic(pairs in prop::collection::vec((prop_oneof![
            Just("ProjectId".to_owned()), Just("TaskType".to_owned()), Just("FileId".to_owned()),
            Just("TaskId".to_owned()), Just("AsyncProcessId".to_owned()), Just("TaskParam".to_owned()),
            Just("TaskContent".to_owned()), any::<String>()
        ], any::<String>()), 0..10), action in prop_oneof![proptest::sample::select(ACTIONS.to_vec()).prop_map(str::to_owned), any::<String>()]) {
        let params = Params::from_pairs(pairs);
        match AnyRequest::from_action(&action, &params) {
            Ok(request) => prop_assert_eq!(request.action(), action.as_str()),
            Err(err) => {
                let status = err.http_status();
                prop_assert!(status == 400 || status == 404);
                let api = err.to_api_error();
                prop_assert_eq!(api.http_status, status);
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_urlencoded_never_panics(query in any::<String>(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        let params = Params::from_urlencoded(&query, &body);
        for action in ACTIONS {
            let _ = AnyRequest::from_action(action, &params);
        }
    }
}
