//! Every case of the official signature test vectors (tests/data/signature-v*.json), each
//! intermediate string checked on its own so a failure names the step that differs.

use std::path::Path;

use dataworks_signer::Credentials;
use dataworks_signer::encoding::decode_form;
use dataworks_signer::v1;
use dataworks_signer::v3::{self, V3Request};
use dataworks_signer::{ReceivedRequest, Verifier};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
struct File<C> {
    algorithm: Vec<String>,
    cases: Vec<C>,
}

#[derive(Debug, Deserialize)]
struct V1Case {
    name: String,
    method: String,
    pathname: String,
    access_key_id: String,
    access_key_secret: String,
    hmac_key: String,
    query_params: Map<String, Value>,
    body_params: Map<String, Value>,
    canonicalized_query_string: String,
    string_to_sign: String,
    signature: String,
    published_signature: Option<String>,
}

#[derive(Debug, Deserialize)]
struct V3Case {
    name: String,
    method: String,
    pathname: String,
    access_key_id: String,
    access_key_secret: String,
    query_params: Map<String, Value>,
    headers: Map<String, Value>,
    body: String,
    body_params: Option<Map<String, Value>>,
    hashed_payload: String,
    canonical_query_string: String,
    canonical_headers: String,
    signed_headers: String,
    canonical_request: String,
    hashed_canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
    published_signature: Option<String>,
}

fn load<C: serde::de::DeserializeOwned>(name: &str) -> File<C> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// String-valued pairs; null values are dropped (as the SDKs do).
fn pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    map.iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Null => None,
            other => Some((k.clone(), other.to_string())),
        })
        .collect()
}

#[test]
fn v1_vectors() {
    let file: File<V1Case> = load("signature-v1.json");
    assert!(file.algorithm.iter().any(|step| step.contains("hmac_sha1")));
    assert_eq!(file.cases.len(), 6);
    for case in &file.cases {
        let name = &case.name;
        assert_eq!(case.pathname, "/", "{name}: v1 always signs '/'");
        assert_eq!(case.hmac_key, format!("{}&", case.access_key_secret));
        let signed = v1::sign(
            &case.method,
            &pairs(&case.query_params),
            &pairs(&case.body_params),
            &case.access_key_secret,
        );
        assert_eq!(
            signed.canonicalized_query_string, case.canonicalized_query_string,
            "{name}: canonicalized query string"
        );
        assert_eq!(
            signed.string_to_sign, case.string_to_sign,
            "{name}: string to sign"
        );
        assert_eq!(signed.signature, case.signature, "{name}: signature");
        if let Some(published) = &case.published_signature {
            assert_eq!(&signed.signature, published, "{name}: published signature");
        }
        assert_eq!(
            case.query_params.get("AccessKeyId").and_then(Value::as_str),
            Some(case.access_key_id.as_str())
        );
    }
}

#[test]
fn v3_vectors() {
    let file: File<V3Case> = load("signature-v3.json");
    assert!(
        file.algorithm
            .iter()
            .any(|step| step.contains("hmac_sha256"))
    );
    assert_eq!(file.cases.len(), 4);
    for case in &file.cases {
        let name = &case.name;
        let query = pairs(&case.query_params);
        let headers = pairs(&case.headers);
        let request = V3Request {
            method: &case.method,
            pathname: &case.pathname,
            query: &query,
            headers: &headers,
            body: case.body.as_bytes(),
        };
        let creds = Credentials::new(&case.access_key_id, &case.access_key_secret);
        let signed = v3::sign(&request, &creds);
        assert_eq!(
            signed.hashed_payload, case.hashed_payload,
            "{name}: hashed payload"
        );
        assert_eq!(
            signed.canonical_query_string, case.canonical_query_string,
            "{name}: canonical query string"
        );
        assert_eq!(
            signed.canonical_headers, case.canonical_headers,
            "{name}: canonical headers"
        );
        assert_eq!(
            signed.signed_headers, case.signed_headers,
            "{name}: signed headers"
        );
        assert_eq!(
            signed.canonical_request, case.canonical_request,
            "{name}: canonical request"
        );
        assert_eq!(
            signed.hashed_canonical_request, case.hashed_canonical_request,
            "{name}: hashed canonical request"
        );
        assert_eq!(
            signed.string_to_sign, case.string_to_sign,
            "{name}: string to sign"
        );
        assert_eq!(signed.signature, case.signature, "{name}: signature");
        assert_eq!(
            signed.authorization, case.authorization,
            "{name}: authorization"
        );
        assert!(
            signed.added_headers.is_empty(),
            "{name}: x-acs-content-sha256 was given"
        );
        if let Some(published) = &case.published_signature {
            assert_eq!(&signed.signature, published, "{name}: published signature");
        }
        if let Some(body_params) = &case.body_params {
            assert_eq!(
                decode_form(&case.body).unwrap(),
                pairs(body_params),
                "{name}: form body decodes to its parameters"
            );
        }
    }
}

/// The v3 vectors, received as a server would see them, verify (clock set to each case's date).
#[test]
fn v3_vectors_verify() {
    let file: File<V3Case> = load("signature-v3.json");
    for case in &file.cases {
        let mut headers = pairs(&case.headers);
        headers.push(("Authorization".into(), case.authorization.clone()));
        if !case.body.is_empty() {
            // Only the form body case has a body; its content-type header is in the case.
            assert!(headers.iter().any(|(n, _)| n == "content-type"));
        }
        let raw_query = dataworks_signer::encoding::encode_pairs(pairs(&case.query_params));
        let received = ReceivedRequest {
            method: &case.method,
            path: &case.pathname,
            raw_query: &raw_query,
            headers: &headers,
            body: case.body.as_bytes(),
        };
        let date = case.headers.iter().find_map(|(n, v)| {
            n.eq_ignore_ascii_case("x-acs-date")
                .then(|| v.as_str().unwrap().trim())
        });
        let now = dataworks_signer::timestamp::parse(date.unwrap()).unwrap();
        let creds = Credentials::new(&case.access_key_id, &case.access_key_secret);
        let verified = Verifier::new()
            .verify(&received, now, &creds)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(verified.access_key_id, case.access_key_id);
    }
}

/// The v1 vectors whose timestamps are recent enough to matter verify too.
#[test]
fn v1_vectors_verify() {
    let file: File<V1Case> = load("signature-v1.json");
    for case in &file.cases {
        let mut query = pairs(&case.query_params);
        query.push(("Signature".into(), case.signature.clone()));
        let raw_query = dataworks_signer::encoding::encode_pairs(&query);
        let received = ReceivedRequest {
            method: &case.method,
            path: "/",
            raw_query: &raw_query,
            headers: &[],
            body: b"",
        };
        let timestamp = case.query_params["Timestamp"].as_str().unwrap();
        let now = dataworks_signer::timestamp::parse(timestamp).unwrap();
        let creds = Credentials::new(&case.access_key_id, &case.access_key_secret);
        let verified = Verifier::new()
            .verify(&received, now, &creds)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(
            Some(verified.action.as_str()),
            case.query_params["Action"].as_str()
        );
    }
}
