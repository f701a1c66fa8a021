//! Signing and verification speed, each beside its floor.
//!
//! The request is a typical `GenerateDISyncTaskConfigForUpdating` call whose `TaskParam` is a
//! 2 KiB JSON text. Floors:
//! - `floor/hmac_sha1_over_string_to_sign`: a bare HMAC-SHA1 over the v1 string to sign;
//! - `floor/hmac_sha256_over_string_to_sign`: a bare HMAC-SHA256 over the ACS3 string to sign;
//! - `floor/sha256_canonical_request_plus_hmac`: what ACS3 cannot avoid (hash the canonical
//!   request, then HMAC the string to sign).
//!
//! Run: `cargo bench -p dataworks-signer --bench signing -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{NonceCache, ReceivedRequest, Verifier};
use dataworks_signer::{SignatureDetails, SignedRequest, SigningParams, sign_request};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use time::macros::datetime;

/// The bench request (`benches/data/update-request.json`, shared with `sign-ratio`).
fn request() -> dataworks_signer::RpcRequest {
    let text = include_str!("data/update-request.json");
    let description: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => panic!("benches/data/update-request.json: {e}"),
    };
    let field = |name: &str| description[name].as_str().unwrap_or_default().to_string();
    let mut request =
        dataworks_signer::RpcRequest::new(field("action"), field("version"), field("host"));
    for pair in description["query"].as_array().into_iter().flatten() {
        let (name, value) = (pair[0].as_str(), pair[1].as_str());
        request = request.query_param(name.unwrap_or_default(), value.unwrap_or_default());
    }
    request
}

/// The request's TaskParam.
fn task_param() -> String {
    request()
        .query
        .into_iter()
        .find_map(|(name, value)| (name == "TaskParam").then_some(value))
        .unwrap_or_default()
}

fn params(algorithm: SignatureAlgorithm) -> SigningParams {
    SigningParams::new(
        algorithm,
        datetime!(2024-01-02 03:04:05 UTC),
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0".to_string(),
    )
}

fn credentials() -> Credentials {
    Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123")
}

fn signed(algorithm: SignatureAlgorithm) -> SignedRequest {
    match sign_request(&request(), &credentials(), &params(algorithm)) {
        Ok(signed) => signed,
        Err(e) => panic!("the bench request must sign: {e}"),
    }
}

fn bench_signing(c: &mut Criterion) {
    let request = request();
    let creds = credentials();
    let v1_params = params(SignatureAlgorithm::RpcV1HmacSha1);
    let v3_params = params(SignatureAlgorithm::Acs3HmacSha256);
    let v1 = signed(SignatureAlgorithm::RpcV1HmacSha1);
    let v3 = signed(SignatureAlgorithm::Acs3HmacSha256);
    let v1_sts = v1.string_to_sign().to_string();
    let v3_sts = v3.string_to_sign().to_string();
    let v3_creq = match &v3.details {
        SignatureDetails::V3(details) => details.canonical_request.clone(),
        SignatureDetails::V1(_) => String::new(),
    };
    let v1_key = format!("{}&", creds.access_key_secret());
    eprintln!(
        "TaskParam {} bytes; v1 string to sign {} bytes; ACS3 canonical request {} bytes",
        task_param().len(),
        v1_sts.len(),
        v3_creq.len()
    );

    let mut group = c.benchmark_group("signing");
    group.bench_function("v1/sign_request", |b| {
        b.iter(|| sign_request(black_box(&request), &creds, &v1_params))
    });
    group.bench_function("v1/floor/hmac_sha1_over_string_to_sign", |b| {
        b.iter(|| {
            let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(v1_key.as_bytes()).ok();
            if let Some(mac) = mac.as_mut() {
                mac.update(black_box(v1_sts.as_bytes()));
            }
            mac.map(|m| m.finalize().into_bytes())
        })
    });
    group.bench_function("v3/sign_request", |b| {
        b.iter(|| sign_request(black_box(&request), &creds, &v3_params))
    });
    group.bench_function("v3/floor/hmac_sha256_over_string_to_sign", |b| {
        b.iter(|| {
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(creds.access_key_secret().as_bytes()).ok();
            if let Some(mac) = mac.as_mut() {
                mac.update(black_box(v3_sts.as_bytes()));
            }
            mac.map(|m| m.finalize().into_bytes())
        })
    });
    group.bench_function("v3/floor/sha256_canonical_request_plus_hmac", |b| {
        b.iter(|| {
            let hashed = hex::encode(Sha256::digest(black_box(v3_creq.as_bytes())));
            let sts = format!("ACS3-HMAC-SHA256\n{hashed}");
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(creds.access_key_secret().as_bytes()).ok();
            if let Some(mac) = mac.as_mut() {
                mac.update(sts.as_bytes());
            }
            mac.map(|m| m.finalize().into_bytes())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("verification");
    for (name, signed) in [("v1/verify", &v1), ("v3/verify", &v3)] {
        let (path, query) = signed
            .path_and_query
            .split_once('?')
            .unwrap_or((signed.path_and_query.as_str(), ""));
        let received = ReceivedRequest {
            method: "POST",
            path,
            raw_query: query,
            headers: &signed.headers,
            body: &signed.body,
        };
        let now = datetime!(2024-01-02 03:04:05 UTC);
        // A fresh (tiny) nonce cache per iteration so the replay check never refuses.
        group.bench_function(name, |b| {
            b.iter_batched(
                || Verifier::new().with_nonce_cache(NonceCache::new(16)),
                |verifier| verifier.verify(black_box(&received), now, &creds).is_ok(),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_signing);
criterion_main!(benches);
