//! The access key secret and the STS token never appear in `Debug`, `Display` or error
//! messages of any public type, in any encoding the signer produces.

use dataworks_signer::encoding::percent_encode;
use dataworks_signer::v3::{self, V3Request};
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use dataworks_signer::{NonceCache, ReceivedRequest, Verifier, VerifyError};
use dataworks_signer::{RpcRequest, SignError, SignedRequest, SigningParams, sign_request};
use time::macros::datetime;

const SECRET: &str = "Sup3r+Secret/Value=";
const TOKEN: &str = "STS.CAIS+tok/en==";
const NOW: time::OffsetDateTime = datetime!(2024-01-02 03:04:05 UTC);

fn sts() -> Credentials {
    Credentials::new("LTAI5tStsKeyId", SECRET).with_security_token(TOKEN)
}

/// Every form the secret or token could take in printed text.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    for raw in [SECRET, TOKEN] {
        out.push(raw.to_string());
        out.push(percent_encode(raw));
        out.push(percent_encode(&percent_encode(raw)));
        out.push(form_urlencoded::byte_serialize(raw.as_bytes()).collect());
        // A distinctive fragment, in case of partial leaks.
        out.push(raw.get(..9).unwrap_or(raw).to_string());
    }
    out.push("tok%2Fen".into());
    out
}

fn assert_clean(what: &str, text: &str) {
    for bad in forbidden() {
        assert!(!text.contains(&bad), "{what} leaks `{bad}`: {text}");
    }
}

fn sign(algorithm: SignatureAlgorithm) -> SignedRequest {
    let request = RpcRequest::new("CreateDISyncTask", "2020-05-18", "127.0.0.1:1")
        .query_param("ProjectId", "1")
        .form_param("TaskContent", "{}");
    let params = SigningParams::new(algorithm, NOW, "n");
    sign_request(&request, &sts(), &params).unwrap()
}

fn received(signed: &SignedRequest) -> ReceivedRequest<'_> {
    let (path, raw_query) = signed
        .path_and_query
        .split_once('?')
        .unwrap_or((&signed.path_and_query, ""));
    ReceivedRequest {
        method: "POST",
        path,
        raw_query,
        headers: &signed.headers,
        body: &signed.body,
    }
}

#[test]
fn credentials() {
    let creds = sts();
    assert_clean("Credentials Debug", &format!("{creds:?}"));
    assert_clean("Credentials pretty Debug", &format!("{creds:#?}"));
    // The values are really there, only hidden.
    assert_eq!(creds.access_key_secret(), SECRET);
    assert_eq!(creds.security_token(), Some(TOKEN));
}

#[test]
fn signatures_and_requests() {
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm);
        // The exact strings carry the token (it is signed) …
        let exact = format!("{} {:?}", signed.path_and_query, signed.headers);
        assert!(exact.contains(TOKEN) || exact.contains(&percent_encode(TOKEN)));
        // … every printed form hides it.
        assert_clean("SignedRequest Debug", &format!("{signed:?}"));
        assert_clean("SignedRequest pretty Debug", &format!("{signed:#?}"));
        assert_clean("SignatureDetails Debug", &format!("{:?}", signed.details));
        let request = received(&signed);
        assert_clean("ReceivedRequest Debug", &format!("{request:?}"));
        let verified = Verifier::new().verify(&request, NOW, &sts()).unwrap();
        assert_clean("Verified Debug", &format!("{verified:?}"));
    }

    let query = vec![("SecurityToken".to_string(), TOKEN.to_string())];
    let v1 = v1::sign("POST", &query, Vec::<(String, String)>::new(), SECRET);
    assert_clean("V1Signature Debug", &format!("{v1:?}"));

    let headers = vec![("X-Acs-Security-Token".to_string(), TOKEN.to_string())];
    let request = V3Request {
        method: "POST",
        pathname: "/",
        query: &query,
        headers: &headers,
        body: b"",
    };
    assert_clean("V3Request Debug", &format!("{request:?}"));
    let v3 = v3::sign(&request, &sts());
    assert_clean("V3Signature Debug", &format!("{v3:?}"));
    let v3_added = v3::sign(
        &V3Request {
            headers: &[],
            ..request
        },
        &sts(),
    );
    assert_clean("V3Signature (token added) Debug", &format!("{v3_added:?}"));
}

/// Every verification failure a request with STS credentials can produce.
#[test]
fn verification_errors() {
    let mut errors: Vec<VerifyError> = Vec::new();
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm);
        let request = received(&signed);
        let wrong_secret = Credentials::new("LTAI5tStsKeyId", "other").with_security_token(TOKEN);
        let mismatch = Verifier::new()
            .verify(&request, NOW, &wrong_secret)
            .unwrap_err();
        assert!(matches!(mismatch, VerifyError::SignatureMismatch { .. }));
        errors.push(mismatch);
        let other_token = Credentials::new("LTAI5tStsKeyId", SECRET).with_security_token("other");
        errors.push(
            Verifier::new()
                .verify(&request, NOW, &other_token)
                .unwrap_err(),
        );
        errors.push(
            Verifier::new()
                .verify(&request, NOW, &Credentials::new("LTAI5tStsKeyId", SECRET))
                .unwrap_err(),
        );
        errors.push(
            Verifier::new()
                .verify(&request, NOW, &Credentials::new("nobody", "x"))
                .unwrap_err(),
        );
        errors.push(
            Verifier::new()
                .verify(&request, NOW + time::Duration::hours(1), &sts())
                .unwrap_err(),
        );
        let verifier = Verifier::new();
        assert!(verifier.verify(&request, NOW, &sts()).is_ok());
        errors.push(verifier.verify(&request, NOW, &sts()).unwrap_err());
        let mut body = signed.body.clone();
        body.push(b'!');
        let tampered = ReceivedRequest {
            body: &body,
            ..request
        };
        errors.push(Verifier::new().verify(&tampered, NOW, &sts()).unwrap_err());
    }
    assert!(errors.len() >= 12);
    for error in &errors {
        assert_clean("VerifyError Display", &error.to_string());
        assert_clean("VerifyError Debug", &format!("{error:?}"));
    }
}

#[test]
fn sign_errors_and_verifier() {
    let bad = RpcRequest::new("A", "V", "h").header("x-acs-security-token", TOKEN);
    let params = SigningParams::new(SignatureAlgorithm::Acs3HmacSha256, NOW, "n");
    let err: SignError = sign_request(&bad, &sts(), &params).unwrap_err();
    assert_clean("SignError Display", &err.to_string());
    assert_clean("SignError Debug", &format!("{err:?}"));
    let newline = Credentials::new("id", SECRET).with_security_token(format!("{TOKEN}\n"));
    let err = sign_request(&RpcRequest::new("A", "V", "h"), &newline, &params).unwrap_err();
    assert_clean("SignError Display", &err.to_string());

    let verifier = Verifier::new().with_nonce_cache(NonceCache::new(4));
    assert!(
        verifier
            .verify(
                &received(&sign(SignatureAlgorithm::RpcV1HmacSha1)),
                NOW,
                &sts()
            )
            .is_ok()
    );
    assert_clean("Verifier Debug", &format!("{verifier:?}"));
}
