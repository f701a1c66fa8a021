//! Signing time against its floor, measured so that a shared machine's interference cancels
//! out: the calls are timed in interleaved rounds (every case once per round, many rounds),
//! and each case reports its fastest round (the estimator least disturbed by noise that only
//! ever adds time) and its median round.
//!
//! The request is the criterion bench's (`crates/signer/benches/data/update-request.json`): a
//! `GenerateDISyncTaskConfigForUpdating` call whose `TaskParam` is a 2 KiB JSON text, all
//! parameters in the query.
//!
//! `sign-ratio [--rounds 40] [--iters 2000]`: prints one JSON line per case
//! (`{"case","min_ns","median_ns","floor","min_ratio","median_ratio"}`).
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

use dataworks_bench::flag;
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use dataworks_signer::{RpcRequest, SignatureDetails, SigningParams, sign_request};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SECRET: &str = "FakeAccessKeySecretForTests0123";

/// The criterion bench's request (`crates/signer/benches/data/update-request.json`).
fn bench_request() -> Result<RpcRequest, Box<dyn std::error::Error>> {
    let text = include_str!("../../../crates/signer/benches/data/update-request.json");
    let description: Value = serde_json::from_str(text)?;
    let field = |name: &str| description[name].as_str().unwrap_or_default().to_string();
    let mut request = RpcRequest::new(field("action"), field("version"), field("host"));
    for pair in description["query"].as_array().into_iter().flatten() {
        match (pair[0].as_str(), pair[1].as_str()) {
            (Some(name), Some(value)) => request = request.query_param(name, value),
            _ => {
                return Err(format!(
                    "update-request.json: a query pair is not [name, value]: {pair}"
                )
                .into());
            }
        }
    }
    Ok(request)
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> Option<[u8; 20]> {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().into())
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().into())
}

type Case<'a> = (&'static str, Option<&'static str>, Box<dyn FnMut() + 'a>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = flag("--rounds", 40);
    let iters: usize = flag("--iters", 2000);

    let request = bench_request()?;
    let creds = Credentials::new("LTAI5tFakeAccessKeyId", SECRET);
    let at = time::macros::datetime!(2024-01-02 03:04:05 UTC);
    let nonce = "0f1e2d3c4b5a69788796a5b4c3d2e1f0".to_string();
    let v1_params = SigningParams::new(SignatureAlgorithm::RpcV1HmacSha1, at, nonce.clone());
    let v3_params = SigningParams::new(SignatureAlgorithm::Acs3HmacSha256, at, nonce);
    let v1_signed = sign_request(&request, &creds, &v1_params)?;
    let v3_signed = sign_request(&request, &creds, &v3_params)?;
    let v1_sts = v1_signed.string_to_sign().to_string();
    let v3_sts = v3_signed.string_to_sign().to_string();
    let v3_creq = match &v3_signed.details {
        SignatureDetails::V3(details) => details.canonical_request.clone(),
        SignatureDetails::V1(_) => return Err("ACS3 signing gave v1 details".into()),
    };
    // The low-level v1 signer over exactly the parameters sign_request signs.
    let (_, v1_query) = v1_signed
        .path_and_query
        .split_once('?')
        .ok_or("no query in the signed v1 request")?;
    let v1_pairs: Vec<(String, String)> = dataworks_signer::encoding::decode_form(v1_query)?
        .into_iter()
        .filter(|(name, _)| name != "Signature")
        .collect();
    let v1_key = format!("{SECRET}&");
    if v1::sign("POST", &v1_pairs, Vec::<(&str, &str)>::new(), SECRET).string_to_sign != v1_sts {
        return Err("v1::sign and sign_request disagree".into());
    }

    let mut cases: Vec<Case> = vec![
        (
            "v1/floor/hmac_sha1_over_string_to_sign",
            None,
            Box::new(|| {
                black_box(hmac_sha1(v1_key.as_bytes(), black_box(v1_sts.as_bytes())));
            }),
        ),
        (
            "v1/sign_request",
            Some("v1/floor/hmac_sha1_over_string_to_sign"),
            Box::new(|| {
                black_box(sign_request(black_box(&request), &creds, &v1_params).ok());
            }),
        ),
        (
            "v1/v1::sign",
            Some("v1/floor/hmac_sha1_over_string_to_sign"),
            Box::new(|| {
                black_box(v1::sign(
                    "POST",
                    black_box(&v1_pairs),
                    Vec::<(&str, &str)>::new(),
                    SECRET,
                ));
            }),
        ),
        (
            "v3/floor/sha256_canonical_request_plus_hmac",
            None,
            Box::new(|| {
                let hashed = hex::encode(Sha256::digest(black_box(v3_creq.as_bytes())));
                let sts = format!("ACS3-HMAC-SHA256\n{hashed}");
                black_box(hmac_sha256(SECRET.as_bytes(), sts.as_bytes()));
            }),
        ),
        (
            "v3/floor/hmac_sha256_over_string_to_sign",
            None,
            Box::new(|| {
                black_box(hmac_sha256(SECRET.as_bytes(), black_box(v3_sts.as_bytes())));
            }),
        ),
        (
            "v3/sign_request",
            Some("v3/floor/sha256_canonical_request_plus_hmac"),
            Box::new(|| {
                black_box(sign_request(black_box(&request), &creds, &v3_params).ok());
            }),
        ),
    ];

    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for (index, (_, _, call)) in cases.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..iters {
                call();
            }
            let per_call = start.elapsed().as_secs_f64() * 1e9 / iters as f64;
            if let Some(list) = samples.get_mut(index) {
                list.push(per_call);
            }
        }
    }
    let stats: Vec<(f64, f64)> = samples
        .iter_mut()
        .map(|list| {
            list.sort_by(f64::total_cmp);
            let min = list.first().copied().unwrap_or(f64::NAN);
            let median = list.get(list.len() / 2).copied().unwrap_or(f64::NAN);
            (min, median)
        })
        .collect();
    let stat_of = |name: &str| {
        cases
            .iter()
            .position(|(case, _, _)| *case == name)
            .and_then(|i| stats.get(i).copied())
    };
    for ((case, floor, _), (min, median)) in cases.iter().zip(&stats) {
        let (floor_min, floor_median) = floor.and_then(stat_of).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "{}",
            json!({
                "case": case,
                "min_ns": min.round(),
                "median_ns": median.round(),
                "floor": floor,
                "min_ratio": floor.map(|_| (min / floor_min * 100.0).round() / 100.0),
                "median_ratio": floor.map(|_| (median / floor_median * 100.0).round() / 100.0),
            })
        );
    }
    Ok(())
}
