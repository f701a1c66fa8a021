//! Signing rate, ours beside the bare-HMAC floor, on a set of requests that is also written
//! to a file for the official Python SDK's signing functions (`scripts/bench_sign.py`), so
//! both sign exactly the same requests in the same run.
//!
//! `sign-rate --out FILE [--n 1000] [--seconds 3]`: writes FILE, prints one JSON line per
//! measurement (`{"impl","variant","per_sec","n"}`).
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use dataworks_bench::{flag, flag_str, update_param_of_size};
use dataworks_signer::v3::{V3Request, sign as sign_v3};
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Digest;

const ID: &str = "LTAI5tBenchAccessKeyId";
const SECRET: &str = "BenchAccessKeySecret0123456789ab";

struct Case {
    v1_query: Vec<(String, String)>,
    v3_query: Vec<(String, String)>,
    v3_headers: Vec<(String, String)>,
    v1_string_to_sign: String,
    v3_string_to_sign: String,
    v3_canonical_request: String,
    rpc: RpcRequest,
    timestamp: time::OffsetDateTime,
    nonce: String,
}

fn rate(mut f: impl FnMut() -> usize, seconds: f64) -> f64 {
    // Warm up, then run whole passes until the time is spent.
    f();
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < Duration::from_secs_f64(seconds) {
        done += f();
    }
    done as f64 / start.elapsed().as_secs_f64()
}

fn report(implementation: &str, variant: &str, per_sec: f64, n: usize) {
    println!(
        "{}",
        json!({"impl": implementation, "variant": variant, "per_sec": per_sec.round(), "n": n})
    );
}

fn main() {
    let n: usize = flag("--n", 1000);
    let seconds: f64 = flag("--seconds", 3.0);
    let out = flag_str("--out").expect("--out FILE");
    let creds = Credentials::new(ID, SECRET);
    let task_param = update_param_of_size(2048).to_json();
    let base = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("valid");

    let mut cases = Vec::with_capacity(n);
    let mut exported = Vec::with_capacity(n);
    for i in 0..n {
        let timestamp = base + time::Duration::seconds(i as i64);
        let nonce = format!("{:032x}", 0x5eed_0000_u64 + i as u64);
        let rpc = RpcRequest::new(
            "GenerateDISyncTaskConfigForUpdating",
            "2020-05-18",
            "dataworks.cn-shanghai.aliyuncs.com",
        )
        .query_param("ProjectId", "10000")
        .query_param("TaskType", "DI_REALTIME")
        .query_param("TaskId", (1000 + i).to_string())
        .query_param("TaskParam", &task_param)
        .query_param("ClientToken", format!("token-{i:06}"));
        let v1_signed = sign_request(
            &rpc,
            &creds,
            &SigningParams::new(SignatureAlgorithm::RpcV1HmacSha1, timestamp, nonce.clone()),
        )
        .expect("signs");
        let v3_signed = sign_request(
            &rpc,
            &creds,
            &SigningParams::new(SignatureAlgorithm::Acs3HmacSha256, timestamp, nonce.clone()),
        )
        .expect("signs");
        // The v1 parameters as signed (the common ones included, the signature excluded).
        let query = v1_signed
            .path_and_query
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("");
        let v1_query: Vec<(String, String)> = dataworks_signer::encoding::decode_form(query)
            .expect("our own query decodes")
            .into_iter()
            .filter(|(k, _)| k != "Signature")
            .collect();
        let query = v3_signed
            .path_and_query
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("");
        let v3_query = dataworks_signer::encoding::decode_form(query).expect("decodes");
        let v3_headers: Vec<(String, String)> = v3_signed
            .headers
            .iter()
            .filter(|(k, _)| k != "authorization")
            .cloned()
            .collect();
        let v1_sig = v1::sign("POST", &v1_query, &Vec::<(String, String)>::new(), SECRET);
        let v3_sig = sign_v3(
            &V3Request {
                method: "POST",
                pathname: "/",
                query: &v3_query,
                headers: &v3_headers,
                body: b"",
            },
            &creds,
        );
        assert_eq!(
            v1_sig.signature,
            v1_signed.signature(),
            "low-level v1 = rpc::sign_request"
        );
        let map = |pairs: &[(String, String)]| {
            Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                    .collect::<Map<_, _>>(),
            )
        };
        exported.push(json!({
            "v1": {"method": "POST", "params": map(&v1_query), "signature": v1_sig.signature},
            "v3": {"method": "POST", "pathname": "/", "query": map(&v3_query), "headers": map(&v3_headers),
                   "body": "", "authorization": v3_sig.authorization},
        }));
        cases.push(Case {
            v1_query,
            v3_query,
            v3_headers,
            v1_string_to_sign: v1_sig.string_to_sign,
            v3_string_to_sign: v3_sig.string_to_sign,
            v3_canonical_request: v3_sig.canonical_request,
            rpc,
            timestamp,
            nonce,
        });
    }
    let file = json!({"access_key_id": ID, "access_key_secret": SECRET, "task_param_bytes": task_param.len(), "requests": exported});
    std::fs::write(&out, file.to_string()).expect("writes the request file");

    let empty: Vec<(String, String)> = Vec::new();
    let r = rate(
        || {
            for c in &cases {
                std::hint::black_box(v1::sign("POST", &c.v1_query, &empty, SECRET));
            }
            cases.len()
        },
        seconds,
    );
    report("rust", "v1 (v1::sign)", r, n);
    let r = rate(
        || {
            for c in &cases {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{SECRET}&").as_bytes())
                    .expect("any key");
                mac.update(c.v1_string_to_sign.as_bytes());
                std::hint::black_box(mac.finalize().into_bytes());
            }
            cases.len()
        },
        seconds,
    );
    report(
        "rust",
        "v1 floor (bare HMAC-SHA1 over the string to sign)",
        r,
        n,
    );
    let r = rate(
        || {
            for c in &cases {
                std::hint::black_box(sign_v3(
                    &V3Request {
                        method: "POST",
                        pathname: "/",
                        query: &c.v3_query,
                        headers: &c.v3_headers,
                        body: b"",
                    },
                    &creds,
                ));
            }
            cases.len()
        },
        seconds,
    );
    report("rust", "v3 (v3::sign)", r, n);
    let r = rate(
        || {
            for c in &cases {
                let mut mac =
                    Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key");
                mac.update(c.v3_string_to_sign.as_bytes());
                std::hint::black_box(mac.finalize().into_bytes());
            }
            cases.len()
        },
        seconds,
    );
    report(
        "rust",
        "v3 floor (bare HMAC-SHA256 over the string to sign)",
        r,
        n,
    );
    let r = rate(
        || {
            for c in &cases {
                let digest = sha2::Sha256::digest(c.v3_canonical_request.as_bytes());
                let mut mac =
                    Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key");
                mac.update(digest.as_slice());
                std::hint::black_box(mac.finalize().into_bytes());
            }
            cases.len()
        },
        seconds,
    );
    report(
        "rust",
        "v3 floor (SHA-256 of the canonical request + HMAC-SHA256)",
        r,
        n,
    );
    for (algorithm, name) in [
        (
            SignatureAlgorithm::RpcV1HmacSha1,
            "v1 full request (rpc::sign_request)",
        ),
        (
            SignatureAlgorithm::Acs3HmacSha256,
            "v3 full request (rpc::sign_request)",
        ),
    ] {
        let r = rate(
            || {
                for c in &cases {
                    let params = SigningParams::new(algorithm, c.timestamp, c.nonce.clone());
                    std::hint::black_box(sign_request(&c.rpc, &creds, &params).expect("signs"));
                }
                cases.len()
            },
            seconds,
        );
        report("rust", name, r, n);
    }
}
