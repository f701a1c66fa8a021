//! Property tests: sign-then-verify for arbitrary parameters, order independence, any one-byte
//! change fails verification, and verification never panics.

use dataworks_signer::encoding::{decode_form, encode_pairs};
use dataworks_signer::v3::{self, V3Request};
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use dataworks_signer::{ReceivedRequest, Verifier};
use dataworks_signer::{RpcRequest, SignedRequest, SigningParams, sign_request};
use proptest::prelude::*;
use proptest::sample::Index;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2024-01-02 03:04:05 UTC);

fn creds() -> Credentials {
    Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123")
}

/// Names and values: unicode, empty, reserved characters, JSON text.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just(String::new()),
        "[ !\"#$%&'()*+,/:;<=>?@\\[\\]^`{|}~a-zA-Z0-9._-]{0,24}",
        "[a-zA-Z][a-zA-Z0-9]{0,15}",
        prop::collection::btree_map("[a-z]{1,6}", "[ -~é业]{0,10}", 0..4)
            .prop_map(|m| serde_json::to_string(&m).unwrap_or_default()),
    ]
}

/// A parameter name that is not a v1 common parameter.
fn name() -> impl Strategy<Value = String> {
    text().prop_filter("v1 common parameters are set by the signer", |n| {
        !v1::COMMON_PARAMS.contains(&n.as_str())
    })
}

fn pairs(max: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((name(), text()), 0..max)
}

fn algorithm() -> impl Strategy<Value = SignatureAlgorithm> {
    prop_oneof![
        Just(SignatureAlgorithm::RpcV1HmacSha1),
        Just(SignatureAlgorithm::Acs3HmacSha256)
    ]
}

fn signed(
    algorithm: SignatureAlgorithm,
    query: &[(String, String)],
    form: &[(String, String)],
    sts: bool,
) -> SignedRequest {
    let mut request = RpcRequest::new("UpdateDISyncTask", "2020-05-18", "127.0.0.1:8080");
    request.query = query.to_vec();
    request.form = form.to_vec();
    request.headers = vec![("user-agent".into(), "dwdi-proptest".into())];
    let mut credentials = creds();
    if sts {
        credentials = credentials.with_security_token("STS.tok+en/=");
    }
    let params = SigningParams::new(algorithm, NOW, "proptest-nonce");
    sign_request(&request, &credentials, &params).unwrap()
}

fn split(signed: &SignedRequest) -> (&str, &str) {
    signed
        .path_and_query
        .split_once('?')
        .unwrap_or((&signed.path_and_query, ""))
}

/// Verifies a request made of these parts, with a fresh verifier.
fn verify(
    signed: &SignedRequest,
    raw_query: &str,
    headers: &[(String, String)],
    body: &[u8],
    sts: bool,
) -> bool {
    let request = ReceivedRequest {
        method: "POST",
        path: split(signed).0,
        raw_query,
        headers,
        body,
    };
    let mut credentials = creds();
    if sts {
        credentials = credentials.with_security_token("STS.tok+en/=");
    }
    Verifier::new().verify(&request, NOW, &credentials).is_ok()
}

/// `text` with the character at `index` replaced by a different one.
fn change_one_char(text: &str, index: Index, replacement: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return replacement.to_string();
    }
    let at = index.index(chars.len());
    let mut changed = chars.clone();
    let current = changed[at];
    changed[at] = if current == replacement {
        if replacement == 'a' { 'b' } else { 'a' }
    } else {
        replacement
    };
    changed.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sign_then_verify_succeeds(
        algorithm in algorithm(),
        query in pairs(6),
        form in pairs(3),
        sts in any::<bool>(),
    ) {
        let signed = signed(algorithm, &query, &form, sts);
        let (_, raw_query) = split(&signed);
        prop_assert!(verify(&signed, raw_query, &signed.headers, &signed.body, sts));

        // The same request with Python's `+`-for-space wire encoding verifies too.
        let decoded = decode_form(raw_query).unwrap();
        let python = form_urlencoded::Serializer::new(String::new()).extend_pairs(&decoded).finish();
        if algorithm == SignatureAlgorithm::RpcV1HmacSha1 {
            // The body is part of the v1 signature through its decoded parameters only.
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
            prop_assert!(verify(&signed, &python, &signed.headers, body.as_bytes(), sts));
        } else {
            prop_assert!(verify(&signed, &python, &signed.headers, &signed.body, sts));
        }

        // The verified parameters are exactly the business parameters sent.
        let request = ReceivedRequest {
            method: "POST", path: "/", raw_query, headers: &signed.headers, body: &signed.body,
        };
        let credentials = if sts { creds().with_security_token("STS.tok+en/=") } else { creds() };
        let verified = Verifier::new().verify(&request, NOW, &credentials).unwrap();
        let mut expected = query.clone();
        expected.extend(form.iter().cloned());
        let mut got = verified.params.clone();
        expected.sort();
        got.sort();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn parameter_order_never_changes_the_signature(
        query in pairs(8),
        form in pairs(4),
        headers in prop::collection::vec(("[a-z][a-z0-9-]{0,10}", "[ -~]{0,16}"), 0..6),
        seed in any::<u64>(),
    ) {
        let shuffle = |list: &[(String, String)]| {
            let mut out = list.to_vec();
            // A deterministic permutation from the seed.
            let len = out.len();
            for i in (1..len).rev() {
                let j = (seed.wrapping_mul(i as u64 + 7) % (i as u64 + 1)) as usize;
                out.swap(i, j);
            }
            out.reverse();
            out
        };
        let a = v1::sign("POST", &query, &form, "secret");
        let b = v1::sign("POST", &shuffle(&query), &shuffle(&form), "secret");
        prop_assert_eq!(a, b);

        let creds = creds();
        let sign3 = |q: &[(String, String)], h: &[(String, String)]| {
            v3::sign(&V3Request { method: "POST", pathname: "/", query: q, headers: h, body: b"body" }, &creds)
        };
        let a = sign3(&query, &headers);
        let b = sign3(&shuffle(&query), &shuffle(&headers));
        prop_assert_eq!(a.signature, b.signature);
        prop_assert_eq!(a.canonical_request, b.canonical_request);
    }

    /// Changing one character of any parameter name or value makes verification fail.
    #[test]
    fn changing_a_parameter_fails(
        algorithm in algorithm(),
        query in pairs(5),
        form in pairs(3),
        which in any::<Index>(),
        at in any::<Index>(),
        in_name in any::<bool>(),
        replacement in any::<char>(),
    ) {
        let signed = signed(algorithm, &query, &form, false);
        let (_, raw_query) = split(&signed);
        let mut wire_query = decode_form(raw_query).unwrap();
        let mut wire_form = decode_form(std::str::from_utf8(&signed.body).unwrap()).unwrap();
        let total = wire_query.len() + wire_form.len();
        prop_assume!(total > 0);
        let pick = which.index(total);
        let target = if pick < wire_query.len() {
            &mut wire_query[pick]
        } else {
            &mut wire_form[pick - wire_query.len()]
        };
        if in_name {
            target.0 = change_one_char(&target.0, at, replacement);
        } else {
            target.1 = change_one_char(&target.1, at, replacement);
        }
        let new_query = encode_pairs(&wire_query);
        let new_body = encode_pairs(&wire_form);
        let mut headers = signed.headers.clone();
        if algorithm == SignatureAlgorithm::Acs3HmacSha256 && !wire_form.is_empty() {
            // Keep the body hash consistent, so only the signature can catch the change.
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(new_body.as_bytes()));
            for (name, value) in &mut headers {
                if name == "x-acs-content-sha256" {
                    *value = hash.clone();
                }
            }
        }
        prop_assert!(!verify(&signed, &new_query, &headers, new_body.as_bytes(), false));
    }

    /// Changing one byte of the body makes ACS3 verification fail.
    #[test]
    fn changing_a_body_byte_fails(form in pairs(3).prop_filter("a body", |f| !f.is_empty()), at in any::<Index>(), flip in 1u8..=255) {
        let signed = signed(SignatureAlgorithm::Acs3HmacSha256, &[], &form, false);
        let mut body = signed.body.clone();
        let i = at.index(body.len());
        body[i] ^= flip;
        prop_assert!(!verify(&signed, split(&signed).1, &signed.headers, &body, false));
    }

    /// Changing one character of any signed header value makes ACS3 verification fail.
    #[test]
    fn changing_a_signed_header_fails(
        query in pairs(3),
        sts in any::<bool>(),
        which in any::<Index>(),
        at in any::<Index>(),
        replacement in any::<char>(),
    ) {
        let signed = signed(SignatureAlgorithm::Acs3HmacSha256, &query, &[], sts);
        let mut headers = signed.headers.clone();
        let signable = headers.len() - 1; // all but the trailing authorization
        let target = &mut headers[which.index(signable)];
        prop_assert_ne!(target.0.as_str(), "authorization");
        target.1 = change_one_char(&target.1, at, replacement);
        prop_assert!(!verify(&signed, split(&signed).1, &headers, &signed.body, sts));
    }

    /// Arbitrary requests never make the verifier panic.
    #[test]
    fn verify_never_panics_on_arbitrary_input(
        method in any::<String>(),
        path in any::<String>(),
        raw_query in prop_oneof![any::<String>(), "[A-Za-z%=&+0-9]{0,40}", Just("Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI5tFakeAccessKeyId&Timestamp=2024-01-02T03%3A04%3A05Z&SignatureNonce=n&Action=a&Version=v".to_string())],
        headers in prop::collection::vec((
            prop_oneof![any::<String>(), Just("authorization".to_string()), Just("x-acs-date".to_string()), Just("host".to_string())],
            prop_oneof![any::<String>(), Just("ACS3-HMAC-SHA256 Credential=LTAI5tFakeAccessKeyId,SignedHeaders=host;x-acs-date,Signature=00".to_string()), Just("2024-01-02T03:04:05Z".to_string())],
        ), 0..8),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let request = ReceivedRequest { method: &method, path: &path, raw_query: &raw_query, headers: &headers, body: &body };
        let _ = Verifier::new().verify(&request, NOW, &creds());
        let _ = format!("{request:?}");
    }

    /// Cutting a genuine request's wire forms anywhere never makes the verifier panic.
    #[test]
    fn verify_never_panics_on_truncated_requests(algorithm in algorithm(), query in pairs(4), cut in any::<Index>(), header_cut in any::<Index>()) {
        let signed = signed(algorithm, &query, &[], true);
        let raw_query = split(&signed).1;
        let cut_at = cut.index(raw_query.len() + 1);
        let truncated: String = raw_query.bytes().take(cut_at).map(char::from).collect();
        let mut headers = signed.headers.clone();
        let last = headers.len() - 1;
        let auth = &mut headers[last].1;
        let keep = header_cut.index(auth.len() + 1);
        *auth = auth.chars().take(keep).collect();
        let _ = verify(&signed, &truncated, &headers, &signed.body, true);
    }
}
