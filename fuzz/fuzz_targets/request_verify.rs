//! The emulator's request path before any state is touched: signature verification of an
//! arbitrary received request (method, path, raw query, headers, body), then, for requests
//! that pass, parameter decoding (`AnyRequest::from_action`) — never a panic.
//!
//! Input format: when the first byte is 0, the rest patches a valid signed request (pairs of
//! (position, byte) applied to its query and body), so the fuzzer explores near-valid
//! requests; otherwise the text is `METHOD\nPATH\nQUERY\nname: value\n...\n\nBODY`.
#![no_main]

use std::sync::LazyLock;

use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_signer::{ReceivedRequest, Verifier};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_wire::{AnyRequest, Params};
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2024-05-06 07:08:09 UTC);

static CREDS: LazyLock<Credentials> =
    LazyLock::new(|| Credentials::new("fuzz-access-key-id", "fuzz-access-key-secret"));

/// (query, headers, body) of valid requests, one per algorithm.
static VALID: LazyLock<Vec<(String, Vec<(String, String)>, Vec<u8>)>> = LazyLock::new(|| {
    [
        SignatureAlgorithm::RpcV1HmacSha1,
        SignatureAlgorithm::Acs3HmacSha256,
    ]
    .into_iter()
    .map(|algorithm| {
        let request = RpcRequest::new("CreateDISyncTask", "2020-05-18", "127.0.0.1:8080")
            .query_param("ProjectId", "10000")
            .query_param("TaskType", "DI_REALTIME")
            .query_param("TaskName", "fuzz task")
            .form_param(
                "TaskContent",
                r#"{"type":"job","version":"2.0","steps":[]}"#,
            );
        let params = SigningParams::new(algorithm, NOW, "fuzz-nonce");
        let signed = sign_request(&request, &CREDS, &params).expect("signs");
        let query = signed
            .path_and_query
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default();
        (query, signed.headers, signed.body)
    })
    .collect()
});

fn check(method: &str, path: &str, query: &str, headers: &[(String, String)], body: &[u8]) {
    // A fresh verifier each time, so the nonce cache never hides a path.
    let verifier = Verifier::new();
    let received = ReceivedRequest {
        method,
        path,
        raw_query: query,
        headers,
        body,
    };
    match verifier.verify(&received, NOW, &*CREDS) {
        Ok(verified) => {
            let params = Params::from_pairs(verified.params.iter().cloned());
            let _ = AnyRequest::from_action(&verified.action, &params);
        }
        Err(error) => {
            let _ = (error.to_string(), error.service_code(), error.http_status());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some((&0, patch)) = data.split_first() {
        let Some((&which, patch)) = patch.split_first() else {
            return;
        };
        let (query, headers, body) = &VALID[usize::from(which) % VALID.len()];
        let mut query = query.clone().into_bytes();
        let mut body = body.clone();
        for pair in patch.chunks_exact(2) {
            let (at, byte) = (usize::from(pair[0]), pair[1]);
            if at < query.len() {
                query[at] = byte;
            } else if let Some(b) = body.get_mut(at - query.len()) {
                *b = byte;
            }
        }
        check(
            "POST",
            "/",
            &String::from_utf8_lossy(&query),
            headers,
            &body,
        );
        return;
    }
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let method = lines.next().unwrap_or("POST");
    let path = lines.next().unwrap_or("/");
    let query = lines.next().unwrap_or("");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    check(method, path, query, &headers, body.as_bytes());
});
