//! Server-side verification: requests as the official SDKs send them, and every refusal.

use dataworks_signer::v3::{self, V3Request};
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use dataworks_signer::{NonceCache, ReceivedRequest, Verifier, VerifyError};
use dataworks_signer::{RpcRequest, SignatureDetails, SignedRequest, SigningParams, sign_request};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2024-01-02 03:04:05 UTC);

fn creds() -> Credentials {
    Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123")
}

fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Application/x-www-form-urlencoded as Python's `urlencode` writes it (space as `+`).
fn python_urlencode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn request() -> RpcRequest {
    RpcRequest::new("CreateDISyncTask", "2020-05-18", "127.0.0.1:18080")
        .query_param("ProjectId", "10000")
        .query_param("TaskName", "rt task 1")
        .query_param("TaskType", "DI_OFFLINE")
        .form_param(
            "TaskContent",
            r#"{"type":"job","where":"id > 0 and name like 'a%'"}"#,
        )
}

fn sign(algorithm: SignatureAlgorithm, credentials: &Credentials, nonce: &str) -> SignedRequest {
    let params = SigningParams::new(algorithm, NOW, nonce.to_string());
    sign_request(&request(), credentials, &params).unwrap()
}

/// What a server receives for `signed`.
fn received(signed: &SignedRequest) -> ReceivedRequest<'_> {
    let (path, raw_query) = signed
        .path_and_query
        .split_once('?')
        .unwrap_or((&signed.path_and_query, ""));
    ReceivedRequest {
        method: &signed.method,
        path,
        raw_query,
        headers: &signed.headers,
        body: &signed.body,
    }
}

#[test]
fn own_requests_verify_with_both_algorithms() {
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm, &creds(), "nonce-1");
        let verified = Verifier::new()
            .verify(&received(&signed), NOW, &creds())
            .unwrap();
        assert_eq!(verified.algorithm, algorithm);
        assert_eq!(verified.action, "CreateDISyncTask");
        assert_eq!(verified.version, "2020-05-18");
        assert_eq!(verified.nonce, "nonce-1");
        assert_eq!(verified.timestamp, NOW);
        assert_eq!(verified.param("TaskName"), Some("rt task 1"));
        assert!(verified.param("TaskContent").unwrap().contains("like 'a%'"));
        let names: Vec<&str> = verified.params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["ProjectId", "TaskName", "TaskType", "TaskContent"],
            "{algorithm}"
        );
    }
}

/// The Python Tea SDK's ACS3 request: extra signed headers, `+` for spaces in the query and
/// the form body, a host with a port, unsigned transport headers added after signing.
#[test]
fn python_sdk_style_acs3_request_verifies() {
    let query = owned(&[
        ("ProjectId", "10000"),
        ("TaskName", "rt task 1"),
        (
            "TaskParam",
            r#"{"FileFolderPath":"业务流程/bf/数据集成","ResourceGroup":"S_res"}"#,
        ),
        ("TaskType", "DI_OFFLINE"),
    ]);
    let body = python_urlencode(&owned(&[("TaskContent", r#"{"a":"b c*~"}"#)]));
    assert!(body.contains('+'));
    let headers = owned(&[
        ("host", "127.0.0.1:18080"),
        ("x-acs-version", "2020-05-18"),
        ("x-acs-action", "CreateDISyncTask"),
        (
            "user-agent",
            "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
        ),
        ("x-acs-date", "2024-01-02T03:04:05Z"),
        ("x-acs-signature-nonce", "fb498157abfdcdeef78295f1a8390777"),
        ("accept", "application/json"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-acs-credentials-provider", "static_ak"),
    ]);
    let signed = v3::sign(
        &V3Request {
            method: "POST",
            pathname: "/",
            query: &query,
            headers: &headers,
            body: body.as_bytes(),
        },
        &creds(),
    );
    let mut sent = headers.clone();
    sent.extend(signed.added_headers.clone());
    sent.push(("Authorization".into(), signed.authorization.clone()));
    sent.push(("Accept-Encoding".into(), "identity".into()));
    sent.push(("Content-Length".into(), body.len().to_string()));
    let raw_query = python_urlencode(&query);
    assert!(raw_query.contains("rt+task+1"));
    let request = ReceivedRequest {
        method: "POST",
        path: "/",
        raw_query: &raw_query,
        headers: &sent,
        body: body.as_bytes(),
    };
    let verified = Verifier::new().verify(&request, NOW, &creds()).unwrap();
    assert_eq!(verified.param("TaskName"), Some("rt task 1"));
    assert_eq!(verified.param("TaskContent"), Some(r#"{"a":"b c*~"}"#));
}

/// The Tea SDK's v1 request (`Format=json`, `+` on the wire) and the legacy SDK's (`RegionId`,
/// an empty `SignatureType`).
#[test]
fn sdk_style_v1_requests_verify() {
    for extra in [
        vec![],
        vec![("RegionId", "cn-hangzhou"), ("SignatureType", "")],
    ] {
        let mut query = owned(&[
            ("Action", "UpdateDISyncTask"),
            ("Format", "json"),
            ("Version", "2020-05-18"),
            ("Timestamp", "2024-01-02T03:04:05Z"),
            ("SignatureNonce", "aaaaaaaabbbbbbbbccccccccdddddddd"),
            ("FileId", "123"),
            ("ProjectId", "10000"),
            ("TaskContent", r#"{"where":"a b"}"#),
            ("TaskType", "DI_OFFLINE"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("AccessKeyId", "LTAI5tFakeAccessKeyId"),
        ]);
        query.extend(owned(&extra));
        let form = owned(&[("Note", "x y")]);
        let signature = v1::sign("POST", &query, &form, creds().access_key_secret());
        query.push(("Signature".into(), signature.signature.clone()));
        let raw_query = python_urlencode(&query);
        let body = python_urlencode(&form);
        let headers = owned(&[
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-acs-action", "UpdateDISyncTask"),
        ]);
        let request = ReceivedRequest {
            method: "POST",
            path: "/",
            raw_query: &raw_query,
            headers: &headers,
            body: body.as_bytes(),
        };
        let verified = Verifier::new().verify(&request, NOW, &creds()).unwrap();
        let mut expected = vec!["FileId", "ProjectId", "TaskContent", "TaskType"];
        if !extra.is_empty() {
            expected.push("RegionId");
        }
        expected.push("Note");
        let names: Vec<&str> = verified.params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, expected);
    }
}

#[test]
fn sts_credentials_verify_and_wrong_tokens_are_refused() {
    let sts = creds().with_security_token("STS.tok+en/with=chars");
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm, &sts, "n-sts");
        let request = received(&signed);
        assert!(
            Verifier::new().verify(&request, NOW, &sts).is_ok(),
            "{algorithm}"
        );

        let other_token = creds().with_security_token("STS.other");
        let err = Verifier::new()
            .verify(&request, NOW, &other_token)
            .unwrap_err();
        assert!(
            matches!(err, VerifyError::SecurityTokenInvalid { .. }),
            "{algorithm}: {err}"
        );

        let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
        assert!(
            matches!(err, VerifyError::SecurityTokenInvalid { .. }),
            "{algorithm}: {err}"
        );

        let plain = sign(algorithm, &creds(), "n-plain");
        let err = Verifier::new()
            .verify(&received(&plain), NOW, &sts)
            .unwrap_err();
        assert!(
            matches!(err, VerifyError::SecurityTokenInvalid { .. }),
            "{algorithm}: {err}"
        );
        assert_eq!(
            err.service_code(),
            "InvalidSecurityToken.MismatchWithAccessKey"
        );
    }
}

#[test]
fn clock_skew_is_fifteen_minutes_either_way() {
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm, &creds(), "n");
        let request = received(&signed);
        let skew = Duration::minutes(15);
        for now in [NOW + skew, NOW - skew] {
            let verifier = Verifier::new();
            assert!(
                verifier.verify(&request, now, &creds()).is_ok(),
                "{algorithm}"
            );
        }
        for now in [NOW + skew + Duration::SECOND, NOW - skew - Duration::SECOND] {
            let err = Verifier::new().verify(&request, now, &creds()).unwrap_err();
            assert!(
                matches!(err, VerifyError::TimestampOutOfRange { timestamp, server_time, max_skew_seconds: 900 }
                    if timestamp == NOW && server_time == now),
                "{err}"
            );
            assert_eq!(err.service_code(), "InvalidTimeStamp.Expired");
        }
        let strict = Verifier::new().with_max_skew(Duration::seconds(-5));
        assert_eq!(strict.max_skew(), Duration::seconds(5));
        assert!(
            strict
                .verify(&request, NOW + Duration::seconds(6), &creds())
                .is_err()
        );
    }
}

#[test]
fn nonces_are_single_use_per_access_key() {
    for algorithm in SignatureAlgorithm::ALL {
        let verifier = Verifier::new();
        let signed = sign(algorithm, &creds(), "once");
        let request = received(&signed);
        assert!(verifier.verify(&request, NOW, &creds()).is_ok());
        let err = verifier.verify(&request, NOW, &creds()).unwrap_err();
        assert_eq!(
            err,
            VerifyError::NonceReused {
                nonce: "once".into()
            }
        );
        assert_eq!(err.service_code(), "SignatureNonceUsed");

        // The same nonce from another access key is not a replay.
        let other = Credentials::new("OtherKey", "OtherSecret");
        let signed_other = sign(algorithm, &other, "once");
        assert!(
            verifier
                .verify(&received(&signed_other), NOW, &other)
                .is_ok()
        );

        // After its timestamp leaves the window the nonce is forgotten (and the timestamp
        // check refuses the replay instead).
        let later = NOW + Duration::minutes(16);
        let err = verifier.verify(&request, later, &creds()).unwrap_err();
        assert!(matches!(err, VerifyError::TimestampOutOfRange { .. }));
    }
}

#[test]
fn a_forged_request_does_not_burn_the_nonce() {
    let verifier = Verifier::new().with_nonce_cache(NonceCache::new(8));
    let genuine = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "shared-nonce");
    let forged_creds = Credentials::new(creds().access_key_id(), "wrong-secret");
    let forged = sign(
        SignatureAlgorithm::Acs3HmacSha256,
        &forged_creds,
        "shared-nonce",
    );
    let err = verifier
        .verify(&received(&forged), NOW, &creds())
        .unwrap_err();
    assert!(matches!(err, VerifyError::SignatureMismatch { .. }));
    assert!(verifier.nonce_cache().is_empty());
    assert!(verifier.verify(&received(&genuine), NOW, &creds()).is_ok());
}

/// A client that signed with the wrong secret sees the very string it signed in the message.
#[test]
fn mismatch_carries_the_server_string_to_sign() {
    for algorithm in SignatureAlgorithm::ALL {
        let wrong = Credentials::new(creds().access_key_id(), "not-the-secret");
        let signed = sign(algorithm, &wrong, "n");
        let err = Verifier::new()
            .verify(&received(&signed), NOW, &creds())
            .unwrap_err();
        let VerifyError::SignatureMismatch {
            algorithm: reported,
            server_string_to_sign,
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!(*reported, algorithm);
        assert_eq!(server_string_to_sign, signed.string_to_sign());
        assert!(err.to_string().ends_with(&format!(
            "server string to sign is:{}",
            signed.string_to_sign()
        )));
        assert_eq!(err.service_code(), "SignatureDoesNotMatch");
        assert_eq!(err.http_status(), 400);
    }
}

#[test]
fn unknown_access_key() {
    for algorithm in SignatureAlgorithm::ALL {
        let signed = sign(algorithm, &creds(), "n");
        let other = Credentials::new("SomeoneElse", "x");
        let err = Verifier::new()
            .verify(&received(&signed), NOW, &other)
            .unwrap_err();
        assert_eq!(
            err,
            VerifyError::UnknownAccessKey {
                access_key_id: "LTAI5tFakeAccessKeyId".into()
            }
        );
        assert_eq!(err.http_status(), 404);
    }
}

#[test]
fn unsupported_methods_and_versions() {
    let signed = sign(SignatureAlgorithm::RpcV1HmacSha1, &creds(), "n");
    let sha256 = signed
        .path_and_query
        .replace("SignatureMethod=HMAC-SHA1", "SignatureMethod=HMAC-SHA256");
    let mut request = received(&signed);
    request.raw_query = sha256.split_once('?').unwrap().1;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::UnsupportedSignatureMethod {
            method: "HMAC-SHA256".into()
        }
    );
    assert_eq!(err.service_code(), "InvalidSignatureMethod");

    let v2 = signed
        .path_and_query
        .replace("SignatureVersion=1.0", "SignatureVersion=2.0");
    request.raw_query = v2.split_once('?').unwrap().1;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert!(matches!(
        err,
        VerifyError::UnsupportedSignatureVersion { .. }
    ));

    let signed = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "n");
    let mut headers = signed.headers.clone();
    for (name, value) in &mut headers {
        if name == "authorization" {
            *value = value.replace("ACS3-HMAC-SHA256", "ACS3-RSA-SHA256");
        }
    }
    let mut request = received(&signed);
    request.headers = &headers;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::UnsupportedSignatureMethod {
            method: "ACS3-RSA-SHA256".into()
        }
    );
}

#[test]
fn missing_parts() {
    let signed = sign(SignatureAlgorithm::RpcV1HmacSha1, &creds(), "n");
    let query = signed.path_and_query.split_once('?').unwrap().1;
    for part in [
        "Signature",
        "Timestamp",
        "SignatureNonce",
        "AccessKeyId",
        "Action",
        "Version",
        "SignatureVersion",
    ] {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.starts_with(&format!("{part}=")))
            .collect();
        let raw = kept.join("&");
        let mut request = received(&signed);
        request.raw_query = &raw;
        let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
        assert_eq!(
            err,
            VerifyError::MissingPart { name: part.into() },
            "{part}"
        );
    }
    let mut request = received(&signed);
    request.raw_query = "ProjectId=1";
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert_eq!(err.service_code(), "IncompleteSignature");

    let signed = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "n");
    for header in [
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-action",
        "x-acs-version",
        "x-acs-content-sha256",
    ] {
        let headers: Vec<(String, String)> = signed
            .headers
            .iter()
            .filter(|(n, _)| n != header)
            .cloned()
            .collect();
        let mut request = received(&signed);
        request.headers = &headers;
        let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
        assert_eq!(
            err,
            VerifyError::MissingPart {
                name: header.into()
            },
            "{header}"
        );
    }
}

#[test]
fn malformed_parts() {
    let signed = sign(SignatureAlgorithm::RpcV1HmacSha1, &creds(), "n");
    let bad_time = signed
        .path_and_query
        .replace("Timestamp=2024-01-02T03%3A04%3A05Z", "Timestamp=yesterday");
    let mut request = received(&signed);
    request.raw_query = bad_time.split_once('?').unwrap().1;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert_eq!(err.service_code(), "InvalidTimeStamp.Format");

    let twice = format!(
        "{}&Timestamp=2024-01-02T03%3A04%3A05Z",
        signed.path_and_query
    );
    request.raw_query = twice.split_once('?').unwrap().1;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert!(matches!(err, VerifyError::Malformed { ref what, .. } if what == "Timestamp"));

    let not_utf8 = format!("{}&X=%FF", signed.path_and_query);
    request.raw_query = not_utf8.split_once('?').unwrap().1;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert!(matches!(err, VerifyError::Malformed { ref what, .. } if what == "query string"));
}

#[test]
fn acs3_headers_must_be_signed_and_present() {
    let signed = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "n");
    let mut headers = signed.headers.clone();
    headers.push(("X-Acs-Extra".into(), "1".into()));
    let mut request = received(&signed);
    request.headers = &headers;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::HeaderNotSigned {
            name: "x-acs-extra".into()
        }
    );

    // A signed header that did not arrive.
    let headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .filter(|(n, _)| n != "content-type")
        .cloned()
        .collect();
    let mut request = received(&signed);
    request.headers = &headers;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    assert!(
        matches!(err, VerifyError::MissingPart { ref name } if name.contains("content-type")),
        "{err}"
    );
}

#[test]
fn body_hash_is_checked() {
    let signed = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "n");
    let mut body = signed.body.clone();
    body.push(b'x');
    let mut request = received(&signed);
    request.body = &body;
    let err = Verifier::new().verify(&request, NOW, &creds()).unwrap_err();
    let SignatureDetails::V3(details) = &signed.details else {
        panic!()
    };
    assert!(
        matches!(err, VerifyError::BodyHashMismatch { ref header, .. } if *header == details.hashed_payload)
    );
    assert_eq!(err.service_code(), "SignatureDoesNotMatch");
}

#[test]
fn lookups_by_map_and_closure() {
    let signed = sign(SignatureAlgorithm::Acs3HmacSha256, &creds(), "n");
    let map: std::collections::HashMap<String, Credentials> =
        [(creds().access_key_id().to_string(), creds())].into();
    assert!(
        Verifier::new()
            .verify(&received(&signed), NOW, &map)
            .is_ok()
    );
    let closure = |id: &str| (id == "LTAI5tFakeAccessKeyId").then(creds);
    assert!(
        Verifier::new()
            .verify(&received(&signed), NOW, &closure)
            .is_ok()
    );
}
