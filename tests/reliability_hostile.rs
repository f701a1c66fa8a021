//! Hostile input (issue 7), pure part: property tests and fixed pathological documents for
//! the TaskParam parser/validator, the wire decoder, and the emulator's request path before
//! any state is touched (signature verification, then parameter decoding).
//!
//! Every input must give a typed answer (a report, an error), never a panic. The number of
//! cases is modest by default and set with `PROPTEST_CASES` (`scripts/fuzz.sh` runs these
//! with a large count when cargo-fuzz is unavailable, and beside it when it is).
//!
//! The HTTP-level cases (malformed requests to a running emulator) are in
//! `reliability_hostile_http.rs`; bounded memory in `reliability_memory.rs`.

use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{ReceivedRequest, Verifier};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_taskparam::{
    DocumentKind, HologresWriter, MysqlReader, RealtimeTaskParam, TaskContent, TaskParam,
    UpdateTaskParam, WriteMode, diff, diff_values, validate_str,
};
use dataworks_wire::{
    AnyRequest, CreateDISyncTask, GenerateDISyncTaskConfigForCreating, GetDISyncInstanceInfo,
    GetDISyncTask, GetFile, ListFiles, Operation, Params, QueryDISyncTaskConfigProcessResult,
    decode_error, decode_response,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generators.

/// Field names of the documents, so random JSON reaches deep into the semantic rules.
const KEYS: &[&str] = &[
    "type",
    "version",
    "steps",
    "stepType",
    "parameter",
    "name",
    "category",
    "connection",
    "datasource",
    "table",
    "selectedTables",
    "dbName",
    "schema",
    "tableInfos",
    "tableName",
    "extend",
    "mode",
    "resourceGroup",
    "setting",
    "taskType",
    "order",
    "hops",
    "from",
    "to",
    "tableMappingRule",
    "totalTableMapping",
    "srcDbName",
    "srcTable",
    "dstTable",
    "primaryKeyInfo",
    "column",
    "writeMode",
    "topic",
    "errorLimit",
    "record",
    "speed",
    "concurrent",
    "FileFolderPath",
    "ResourceGroup",
    "Cu",
    "realtimeSyncConfig",
    "password",
    "truncate",
    "datasourceType",
    "dstCreateTableInfo",
];

const WORDS: &[&str] = &[
    "realtime",
    "job",
    "1.0",
    "2.0",
    "reader",
    "writer",
    "mysql",
    "holo",
    "odps",
    "kafka",
    "Reader",
    "Writer",
    "migration_holo",
    "migration_odps",
    "migration_kafka",
    "replay",
    "oneclick_to_holo",
    "shop",
    "orders",
    "",
    "......",
    "1",
    "false",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
    ];
    let key = prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ];
    leaf.prop_recursive(7, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn kinds() -> impl Strategy<Value = Option<DocumentKind>> {
    prop_oneof![
        Just(None),
        prop::sample::select(DocumentKind::ALL.to_vec()).prop_map(Some),
    ]
}

fn valid_create() -> RealtimeTaskParam {
    TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders", "users"]))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap()
}

/// Valid documents of every real-time kind, as JSON values.
fn valid_documents() -> Vec<Value> {
    let create = valid_create();
    let content = TaskContent::from_realtime_param(&create);
    let update: UpdateTaskParam = TaskParam::update()
        .reader(MysqlReader::datasource("mysql_pub1").tables(["orders", "refunds"]))
        .build()
        .unwrap();
    vec![create.to_value(), content.to_value(), update.to_value()]
}

/// Every JSON pointer of `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                pointers(v, format!("{at}/{escaped}"), out);
            }
        }
        _ => {}
    }
}

/// Runs everything the toolkit does with a document's text; returns whether it validated.
fn exercise_document(text: &str, kind: Option<DocumentKind>) -> bool {
    let report = validate_str(text, kind);
    for problem in report.errors.iter().chain(&report.warnings) {
        assert!(
            !problem.rule.is_empty(),
            "a problem without a rule id: {problem:?}"
        );
        assert!(
            !problem.message.is_empty(),
            "a problem without a message: {problem:?}"
        );
    }
    if let Ok(p) = RealtimeTaskParam::from_json(text) {
        let _ = TaskContent::from_realtime_param(&p).to_json();
    }
    let update = UpdateTaskParam::from_json(text);
    if let Ok(content) = TaskContent::from_json(text) {
        let _ = content.table_selection();
        let _ = diff(&content, &content).to_text();
        if let Ok(update) = &update
            && let Ok(next) = content.apply_update(update)
        {
            let _ = diff(&content, &next).to_text();
        }
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let _ = DocumentKind::detect(&value);
        let _ = diff_values(&value, &json!({}));
    }
    report.is_valid()
}

// ---------------------------------------------------------------------------------------
// The TaskParam / TaskContent parser and validator.

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn validator_never_panics_on_arbitrary_json(value in arb_json(), kind in kinds()) {
        exercise_document(&value.to_string(), kind);
    }

    #[test]
    fn validator_never_panics_on_arbitrary_text(text in "\\PC{0,200}", kind in kinds()) {
        exercise_document(&text, kind);
    }

    #[test]
    fn validator_never_panics_on_damaged_valid_documents(
        doc in prop::sample::select(valid_documents()),
        pick in any::<prop::sample::Index>(),
        replacement in arb_json(),
        kind in kinds(),
    ) {
        let mut doc = doc;
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let at = pick.get(&all).clone();
        if at.is_empty() {
            doc = replacement;
        } else if let Some(slot) = doc.pointer_mut(&at) {
            *slot = replacement;
        }
        exercise_document(&doc.to_string(), kind);
    }

    #[test]
    fn validator_never_panics_on_truncated_or_spliced_text(
        doc in prop::sample::select(valid_documents()),
        cut in any::<prop::sample::Index>(),
        insert in "\\PC{0,8}",
    ) {
        let text = doc.to_string();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        exercise_document(&text[..at], None);
        exercise_document(&format!("{}{insert}{}", &text[..at], &text[at..]), None);
    }
}

/// `[[[[…` 100,000 deep (and the object form): a syntax error naming the nesting, no stack
/// overflow, for every kind.
#[test]
fn deep_nesting_is_a_clear_error() {
    let deep_arrays = "[".repeat(100_000);
    let deep_objects = r#"{"steps":"#.repeat(100_000);
    let closed = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    for text in [&deep_arrays, &deep_objects, &closed] {
        for kind in std::iter::once(None).chain(DocumentKind::ALL.map(Some)) {
            let report = validate_str(text, kind);
            assert!(!report.is_valid());
            assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
            assert_eq!(report.errors[0].rule, "json.syntax");
            assert!(
                report.errors[0].message.contains("recursion limit"),
                "{}",
                report.errors[0].message
            );
        }
        assert!(TaskContent::from_json(text).is_err());
        assert!(UpdateTaskParam::from_json(text).is_err());
    }
}

/// Nesting just under serde_json's limit (128) goes through every rule without trouble.
#[test]
fn nesting_under_the_parser_limit_is_validated() {
    let mut content = TaskContent::from_realtime_param(&valid_create()).to_value();
    let mut nested = json!("leaf");
    for _ in 0..120 {
        nested = json!([{ "table": nested, "parameter": {} }]);
    }
    content["steps"][0]["parameter"]["extra"] = nested.clone();
    content["extend"]["deep"] = nested;
    let text = content.to_string();
    exercise_document(&text, None);
    exercise_document(&text, Some(DocumentKind::TaskContent));
}

/// Size of the huge-array cases: `RELIABILITY_HUGE` tables (default 30,000, about 1 MB;
/// `scripts/fuzz.sh` uses 200,000, about 6 MB, in a release build).
fn huge() -> usize {
    std::env::var("RELIABILITY_HUGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000)
}

/// A TaskContent with [`huge`] tables, and an update table list with as many duplicates.
#[test]
fn huge_arrays_are_handled() {
    let n = huge();
    let tables: Vec<String> = (0..n).map(|i| format!("table_{i:06}")).collect();
    let create = TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", tables.clone()))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap();
    let content = TaskContent::from_realtime_param(&create).to_json();
    assert!(content.len() > n * 20, "{}", content.len());
    let report = validate_str(&content, None);
    assert!(report.is_valid(), "{:?}", report.errors.first());

    // The same table n times: one problem per duplicate is fine, a panic is not.
    let dup = serde_json::to_string(&json!({
        "steps": [{"stepType": "mysql", "name": "Reader", "category": "reader",
                   "parameter": {"connection": [{"datasource": "d", "table": vec!["t"; n]}]}}]
    }))
    .unwrap();
    let report = validate_str(&dup, Some(DocumentKind::UpdateTaskParam));
    assert!(!report.is_valid());
}

/// Every scalar field of a valid document given a value of another type: a report with
/// pointers, never a panic, and never valid when the type is wrong for the schema.
#[test]
fn wrong_types_are_reported_with_pointers() {
    let wrong = [
        json!(null),
        json!(7),
        json!(-1.5),
        json!(true),
        json!("x"),
        json!([]),
        json!({}),
    ];
    for doc in valid_documents() {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        for at in all.iter().filter(|p| !p.is_empty()) {
            for value in &wrong {
                let mut changed = doc.clone();
                *changed.pointer_mut(at).unwrap() = value.clone();
                exercise_document(&changed.to_string(), None);
            }
        }
    }
    let report = validate_str(r#"{"type":"job","version":"2.0","steps":"no"}"#, None);
    assert!(
        report.errors.iter().any(|p| p.pointer == "/steps"),
        "{:?}",
        report.errors
    );
}

/// Numbers the parser cannot hold, odd escapes and a lone surrogate.
#[test]
fn odd_scalars_are_handled() {
    for text in [
        r#"{"type":"realtime","version":1e400}"#,
        r#"{"type":"job","version":"2.0","steps":[{"parameter":{"concurrent":18446744073709551616}}]}"#,
        r#"{"type":"job","version":"\ud800"}"#,
        "{\"type\":\"job\u{0}\"}",
        "\u{feff}{}",
        "",
        "null",
        "   ",
    ] {
        exercise_document(text, None);
    }
}

// ---------------------------------------------------------------------------------------
// The wire decoder.

fn decode_all(status: u16, body: &[u8]) {
    fn one<Op: Operation>(status: u16, body: &[u8]) {
        match decode_response::<Op>(status, body) {
            Ok(r) => {
                let _ = format!("{r:?}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    one::<GenerateDISyncTaskConfigForCreating>(status, body);
    one::<QueryDISyncTaskConfigProcessResult>(status, body);
    one::<CreateDISyncTask>(status, body);
    one::<GetDISyncTask>(status, body);
    one::<GetDISyncInstanceInfo>(status, body);
    one::<ListFiles>(status, body);
    one::<GetFile>(status, body);
    // Always an error value with a code (an empty `"Code": ""` falls back to
    // `SDK.UnknownServerError`: docs/RELIABILITY.md, finding 4).
    let error = decode_error(status, body);
    assert!(!error.code.trim().is_empty(), "empty code from {body:?}");
    let _ = error.to_body();
}

const DATA_KEYS: &[&str] = &[
    "RequestId",
    "Success",
    "Data",
    "Code",
    "Message",
    "HostId",
    "Recommend",
    "ProcessId",
    "Status",
    "TaskContent",
    "FileId",
    "SolutionDetail",
    "ProcessContent",
    "SolutionInfo",
    "AlarmList",
    "StepDetail",
    "Id",
    "Type",
];

fn arb_answer() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[0-9]{0,25}".prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(DATA_KEYS), inner), 0..8).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn wire_decoder_never_panics_on_bytes(status in 0u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_all(status, &body);
    }

    #[test]
    fn wire_decoder_never_panics_on_answer_shaped_json(status in prop::sample::select(vec![200u16, 400, 403, 404, 429, 500, 503]), answer in arb_answer()) {
        decode_all(status, answer.to_string().as_bytes());
    }

    #[test]
    fn request_decoding_never_panics(query in "\\PC{0,120}", form in prop::collection::vec(any::<u8>(), 0..120), action in prop::sample::select(actions())) {
        let params = Params::from_urlencoded(&query, &form);
        if let Err(e) = AnyRequest::from_action(action, &params) {
            let api = e.to_api_error();
            prop_assert!(api.http_status >= 400);
            prop_assert!(!api.message.is_empty());
        }
    }

    #[test]
    fn typed_parameters_with_wrong_values_are_invalid_parameter(value in "\\PC{0,40}", name in prop::sample::select(vec!["ProjectId", "TaskType", "FileId", "TaskId", "AsyncProcessId"])) {
        let mut params = Params::new();
        for (k, v) in [("ProjectId", "10000"), ("TaskType", "DI_REALTIME"), ("FileId", "5"), ("TaskId", "5"),
                       ("AsyncProcessId", "1"), ("TaskParam", "{}"), ("TaskContent", "{}"), ("TaskName", "n")] {
            params.insert(k, v);
        }
        params.insert(name, value.clone());
        for action in actions() {
            match AnyRequest::from_action(action, &params) {
                Ok(_) => {}
                Err(e) => {
                    let api = e.to_api_error();
                    prop_assert!(api.http_status == 400 || api.http_status == 404, "{api:?}");
                    // The value is echoed truncated at most, never in full when huge.
                    prop_assert!(api.message.len() < 1000);
                }
            }
        }
    }
}

/// Every action the wire crate knows, and one it does not.
fn actions() -> Vec<&'static str> {
    dataworks_wire::ACTIONS
        .iter()
        .copied()
        .chain(["NoSuchAction"])
        .collect()
}

#[test]
fn wire_decoder_on_pathological_bodies() {
    let deep = "[".repeat(100_000);
    let huge_array = format!(
        r#"{{"RequestId":"r","Data":{{"AlarmList":[{}]}}}}"#,
        vec!["{}"; 200_000].join(",")
    );
    let bodies: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        huge_array.into_bytes(),
        br#"{"RequestId":"r","Success":true,"Data":{"ProcessId":1e400}}"#.to_vec(),
        br#"{"RequestId":"r","Success":true,"Data":{"ProcessId":"99999999999999999999999"}}"#
            .to_vec(),
        br#"{"RequestId":"r","Success":"maybe","Data":[]}"#.to_vec(),
        br#"{"requestId":7,"code":{},"message":[1]}"#.to_vec(),
        vec![0xFF, 0xFE, b'{', 0xC0, 0x80, b'}'],
        b"<html>502 Bad Gateway</html>".to_vec(),
        Vec::new(),
    ];
    for body in &bodies {
        for status in [200, 400, 429, 500, 502] {
            decode_all(status, body);
        }
    }
    // A large error body is quoted in a bounded snippet, not in full.
    let big = vec![b'x'; 1_000_000];
    let error = decode_response::<GetDISyncTask>(200, &big).unwrap_err();
    assert!(
        error.to_string().len() < 10_000,
        "{}",
        error.to_string().len()
    );
}

// ---------------------------------------------------------------------------------------
// The emulator's request path: signature verification, then parameter decoding.

const NOW: OffsetDateTime = datetime!(2024-05-06 07:08:09 UTC);

fn creds() -> Credentials {
    Credentials::new("hostile-access-key-id", "hostile-access-key-secret")
}

/// A received request: (raw query, headers, body).
type Raw = (String, Vec<(String, String)>, Vec<u8>);

/// A valid signed CreateDISyncTask.
fn valid_request(algorithm: SignatureAlgorithm) -> Raw {
    let request = RpcRequest::new("CreateDISyncTask", "2020-05-18", "127.0.0.1:8080")
        .query_param("ProjectId", "10000")
        .query_param("TaskType", "DI_REALTIME")
        .query_param("TaskName", "a task")
        .form_param(
            "TaskContent",
            r#"{"type":"job","version":"2.0","steps":[]}"#,
        );
    let params = SigningParams::new(algorithm, NOW, "hostile-nonce");
    let signed = sign_request(&request, &creds(), &params).unwrap();
    let query = signed
        .path_and_query
        .split_once('?')
        .map(|(_, q)| q.to_owned())
        .unwrap_or_default();
    (query, signed.headers, signed.body)
}

/// Verifies with a fresh verifier (no nonce memory) and decodes; returns the service code.
fn verify_and_decode(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), &'static str> {
    let verifier = Verifier::new();
    let received = ReceivedRequest {
        method,
        path,
        raw_query: query,
        headers,
        body,
    };
    match verifier.verify(&received, NOW, &creds()) {
        Ok(verified) => {
            let params = Params::from_pairs(verified.params.iter().cloned());
            let _ = AnyRequest::from_action(&verified.action, &params);
            Ok(())
        }
        Err(e) => {
            assert!(e.http_status() >= 400);
            assert!(!e.to_string().is_empty());
            assert!(!e.to_string().contains("hostile-access-key-secret"));
            Err(e.service_code())
        }
    }
}

fn algorithms() -> impl Strategy<Value = SignatureAlgorithm> {
    prop::sample::select(SignatureAlgorithm::ALL.to_vec())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn verification_never_panics_on_arbitrary_requests(
        method in "[A-Z]{0,7}",
        path in "\\PC{0,12}",
        query in "\\PC{0,160}",
        headers in prop::collection::vec(("\\PC{0,20}", "\\PC{0,60}"), 0..10),
        body in prop::collection::vec(any::<u8>(), 0..160),
    ) {
        let _ = verify_and_decode(&method, &path, &query, &headers, &body);
    }

    #[test]
    fn verification_never_panics_on_damaged_signed_requests(
        algorithm in algorithms(),
        target in 0usize..3,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let (query, mut headers, mut body) = valid_request(algorithm);
        let mut query = query.into_bytes();
        match target {
            0 if !query.is_empty() => { let i = at.index(query.len()); query[i] = byte; }
            1 if !body.is_empty() => { let i = at.index(body.len()); body[i] = byte; }
            _ => {
                let i = at.index(headers.len());
                let mut value = headers[i].1.clone().into_bytes();
                if !value.is_empty() {
                    let j = at.index(value.len());
                    value[j] = byte;
                }
                headers[i].1 = String::from_utf8_lossy(&value).into_owned();
            }
        }
        let query = String::from_utf8_lossy(&query).into_owned();
        let _ = verify_and_decode("POST", "/", &query, &headers, &body);
    }
}

#[test]
fn the_valid_requests_do_verify() {
    for algorithm in SignatureAlgorithm::ALL {
        let (query, headers, body) = valid_request(algorithm);
        assert_eq!(
            verify_and_decode("POST", "/", &query, &headers, &body),
            Ok(())
        );
    }
}

#[test]
fn verification_of_pathological_requests() {
    for algorithm in SignatureAlgorithm::ALL {
        let (query, headers, body) = valid_request(algorithm);
        let long_value = "%FF".repeat(20_000);
        let cases: Vec<Raw> = vec![
            // Percent-encoded invalid UTF-8 in the query.
            (
                format!("{query}&TaskName=%FF%FE%C0%80"),
                headers.clone(),
                body.clone(),
            ),
            // Invalid UTF-8 in the form body.
            (
                query.clone(),
                headers.clone(),
                [&body[..], b"&X=\xFF\xFE"].concat(),
            ),
            // Broken percent escapes, a huge parameter, empty names.
            (
                format!("{query}&%&%%=%G1&=&&&"),
                headers.clone(),
                body.clone(),
            ),
            (
                format!("{query}&Big={long_value}"),
                headers.clone(),
                body.clone(),
            ),
            // The same parameter many times.
            (
                format!("{query}{}", "&ProjectId=1".repeat(5_000)),
                headers.clone(),
                body.clone(),
            ),
            // Headers with control characters or duplicated.
            (
                query.clone(),
                [headers.clone(), headers.clone()].concat(),
                body.clone(),
            ),
            (
                query.clone(),
                headers
                    .iter()
                    .map(|(n, v)| (n.clone(), format!("{v}\u{0}\r\n")))
                    .collect(),
                body.clone(),
            ),
            (String::new(), Vec::new(), Vec::new()),
        ];
        for (query, headers, body) in cases {
            let _ = verify_and_decode("POST", "/", &query, &headers, &body);
        }
    }
}
