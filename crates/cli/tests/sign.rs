//! `dwdi sign`, run as a binary: the signature vectors through stdin, the README's example,
//! and bad input (exit code 2, message on stderr, the secret never echoed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn dwdi_sign(stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .arg("sign")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn vectors(file: &str) -> Vec<Value> {
    let path = repo_file("crates/signer/tests/data").join(file);
    let text = std::fs::read_to_string(path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["cases"].as_array().unwrap().clone()
}

fn success_json(output: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn v1_vectors() {
    for case in vectors("signature-v1.json") {
        let input = json!({
            "algorithm": "v1",
            "method": case["method"],
            "pathname": case["pathname"],
            "query": case["query_params"],
            "form": case["body_params"],
            "access_key_id": case["access_key_id"],
            "access_key_secret": case["access_key_secret"],
        });
        let output = dwdi_sign(&input.to_string());
        let got = success_json(&output);
        for field in ["canonicalized_query_string", "string_to_sign", "signature"] {
            assert_eq!(got[field], case[field], "{}: {field}", case["name"]);
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let secret = case["access_key_secret"].as_str().unwrap();
        assert!(!stdout.contains(secret));
    }
}

#[test]
fn v3_vectors() {
    for case in vectors("signature-v3.json") {
        let input = json!({
            "algorithm": "acs3-hmac-sha256",
            "method": case["method"],
            "pathname": case["pathname"],
            "query": case["query_params"],
            "headers": case["headers"],
            "body": case["body"],
            "access_key_id": case["access_key_id"],
            "access_key_secret": case["access_key_secret"],
        });
        let output = dwdi_sign(&input.to_string());
        let got = success_json(&output);
        for field in [
            "hashed_payload",
            "canonical_query_string",
            "canonical_headers",
            "signed_headers",
            "canonical_request",
            "hashed_canonical_request",
            "string_to_sign",
            "signature",
            "authorization",
        ] {
            assert_eq!(got[field], case[field], "{}: {field}", case["name"]);
        }
        assert_eq!(got["added_headers"], json!({}));
        let secret = case["access_key_secret"].as_str().unwrap();
        assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    }
}

/// The README's main command: `dwdi sign < docs/examples/sign-request.json`.
#[test]
fn readme_example() {
    let text = std::fs::read_to_string(repo_file("docs/examples/sign-request.json")).unwrap();
    let output = dwdi_sign(&text);
    let got = success_json(&output);
    // x-acs-content-sha256 is absent from the example, so it is computed and signed.
    assert_eq!(
        got["hashed_payload"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        got["added_headers"]["x-acs-content-sha256"],
        got["hashed_payload"]
    );
    assert!(
        got["signed_headers"]
            .as_str()
            .unwrap()
            .contains("x-acs-content-sha256")
    );
    assert!(
        got["authorization"]
            .as_str()
            .unwrap()
            .starts_with("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=")
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("x-acs-content-sha256"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("YourAccessKeySecret"));
}

#[test]
fn bad_input_exits_2_without_echoing_the_secret() {
    let secret = "Do-Not-Echo-Me-42";
    let cases = [
        ("not json".to_string(), "not JSON"),
        ("[1, 2]".to_string(), "JSON object"),
        (
            json!({"algorithm": "v2", "method": "POST", "access_key_id": "id", "access_key_secret": secret}).to_string(),
            "unknown signature algorithm",
        ),
        (
            json!({"algorithm": "v1", "access_key_id": "id", "access_key_secret": secret}).to_string(),
            "missing field `method`",
        ),
        (
            json!({"algorithm": "v1", "method": "POST", "access_key_id": "id"}).to_string(),
            "missing field `access_key_secret`",
        ),
        (
            json!({"algorithm": "v1", "method": "POST", "access_key_id": "id", "access_key_secret": [secret]}).to_string(),
            "`access_key_secret` must be a string",
        ),
        (
            json!({"algorithm": "v1", "method": "POST", "access_key_id": "id", "access_key_secret": secret, "querry": {}}).to_string(),
            "unknown field `querry`",
        ),
        (
            format!(r#"{{"algorithm": "v1", "access_key_secret": "{secret}"#),
            "not JSON",
        ),
    ];
    for (input, expected) in cases {
        let output = dwdi_sign(&input);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(2), "{input}: {stderr}");
        assert!(stderr.contains(expected), "{input}: {stderr}");
        assert!(stdout.is_empty(), "{input}: {stdout}");
        assert!(!stderr.contains(secret), "{input}: {stderr}");
    }
}

#[test]
fn signs_exactly_what_it_is_given() {
    // No common parameter is added for v1: the canonical string holds only what was given.
    let input = json!({
        "algorithm": "v1",
        "method": "POST",
        "query": {"ProjectId": 10000, "Flag": true, "Skipped": null},
        "form": {"TaskContent": "{\"a\": \"b c\"}"},
        "access_key_id": "id",
        "access_key_secret": "secret",
    });
    let got = success_json(&dwdi_sign(&input.to_string()));
    assert_eq!(
        got["canonicalized_query_string"],
        "Flag=true&ProjectId=10000&TaskContent=%7B%22a%22%3A%20%22b%20c%22%7D"
    );
    let keys: Vec<&String> = got.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["canonicalized_query_string", "string_to_sign", "signature"]
    );
}
