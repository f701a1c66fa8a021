//! Verification of ACS3-HMAC-SHA256 requests.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::error::clip;
use super::{ReceivedRequest, SecretLookup, Verified, Verifier, VerifyError};
use crate::mac::{constant_time_eq, sha256_hex};
use crate::{SignatureAlgorithm, timestamp, v3};

/// Headers every ACS3 request must carry, and sign.
const REQUIRED_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    v3::CONTENT_SHA256_HEADER,
];

/// The three parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: BTreeSet<String>,
    signature: &'a str,
}

fn malformed(detail: &str) -> VerifyError {
    VerifyError::Malformed {
        what: "Authorization".to_string(),
        detail: format!(
            "{detail}; expected `ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>`"
        ),
    }
}

fn parse_authorization<'a>(value: &'a str) -> Result<Authorization<'a>, VerifyError> {
    let rest = value
        .strip_prefix(v3::ALGORITHM)
        .ok_or_else(|| malformed("the scheme is not ACS3-HMAC-SHA256"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| malformed("a part is not `name=value`"))?;
        let slot = match name.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("it has an unknown part")),
        };
        if slot.replace(value.trim()).is_some() {
            return Err(malformed("a part is given twice"));
        }
    }
    let need = |name: &str, found: Option<&'a str>| {
        found
            .filter(|value| !value.is_empty())
            .ok_or_else(|| VerifyError::MissingPart {
                name: name.to_string(),
            })
    };
    let credential = need("Authorization Credential", credential)?;
    let signed_headers = need("Authorization SignedHeaders", signed_headers)?;
    let signature = need("Authorization Signature", signature)?;
    let mut names = BTreeSet::new();
    for name in signed_headers.split(';') {
        let name = name.trim();
        if name.is_empty() {
            return Err(VerifyError::Malformed {
                what: "SignedHeaders".to_string(),
                detail: "it has an empty header name; join the lower-case names with `;`"
                    .to_string(),
            });
        }
        names.insert(name.to_ascii_lowercase());
    }
    Ok(Authorization {
        credential,
        signed_headers: names,
        signature,
    })
}

pub(super) fn verify(
    verifier: &Verifier,
    request: &ReceivedRequest<'_>,
    now: OffsetDateTime,
    secrets: &dyn SecretLookup,
) -> Result<Verified, VerifyError> {
    let authorization = request.header("authorization").unwrap_or_default();
    let auth = parse_authorization(authorization)?;

    for name in REQUIRED_HEADERS {
        if request.header(name).is_none_or(str::is_empty) {
            return Err(VerifyError::MissingPart {
                name: name.to_string(),
            });
        }
    }
    for (name, _) in request.headers {
        let name = name.trim().to_ascii_lowercase();
        let must_sign = name == "host" || name == "content-type" || name.starts_with("x-acs-");
        if must_sign && !auth.signed_headers.contains(&name) {
            return Err(VerifyError::HeaderNotSigned { name: clip(&name) });
        }
    }
    for name in &auth.signed_headers {
        if request.header(name).is_none() {
            return Err(VerifyError::MissingPart {
                name: format!("header `{}` (listed in SignedHeaders)", clip(name)),
            });
        }
    }

    let date = request.header("x-acs-date").unwrap_or_default();
    let timestamp = timestamp::parse(date).map_err(|e| VerifyError::Malformed {
        what: "x-acs-date".to_string(),
        detail: e.to_string(),
    })?;
    verifier.check_time(timestamp, now)?;
    let credentials = super::find_credentials(secrets, auth.credential)?;
    super::check_token(
        credentials.security_token(),
        request.header(v3::SECURITY_TOKEN_HEADER),
    )?;

    let hashed_payload = sha256_hex(request.body);
    let header_hash = request
        .header(v3::CONTENT_SHA256_HEADER)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !constant_time_eq(header_hash.as_bytes(), hashed_payload.as_bytes()) {
        return Err(VerifyError::BodyHashMismatch {
            header: clip(&header_hash),
            computed: hashed_payload,
        });
    }

    let query = request.query_params()?;
    let mut sorted_query: Vec<(&str, &str)> = query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    sorted_query.sort_unstable();
    let signed_headers = request
        .headers
        .iter()
        .filter(|(name, _)| {
            auth.signed_headers
                .contains(&name.trim().to_ascii_lowercase())
        })
        .map(|(n, v)| (n.as_str(), v.as_str()));
    let expected = v3::sign_parts(
        request.method,
        request.path,
        &sorted_query,
        signed_headers,
        hashed_payload,
        auth.credential,
        credentials.access_key_secret(),
    );
    let received = auth.signature.to_ascii_lowercase();
    let matches = !expected.signature.is_empty()
        && constant_time_eq(expected.signature.as_bytes(), received.as_bytes());
    if !matches {
        return Err(VerifyError::SignatureMismatch {
            algorithm: SignatureAlgorithm::Acs3HmacSha256,
            server_string_to_sign: expected.string_to_sign,
        });
    }

    let nonce = request.header("x-acs-signature-nonce").unwrap_or_default();
    verifier.check_nonce(auth.credential, nonce, timestamp, now)?;

    let mut params = query;
    params.extend(request.form_params()?);
    Ok(Verified {
        algorithm: SignatureAlgorithm::Acs3HmacSha256,
        access_key_id: auth.credential.to_string(),
        action: request
            .header("x-acs-action")
            .unwrap_or_default()
            .to_string(),
        version: request
            .header("x-acs-version")
            .unwrap_or_default()
            .to_string(),
        params,
        nonce: nonce.to_string(),
        timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_parsing() {
        let auth = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;X-Acs-Date,Signature=abc",
        )
        .ok()
        .unwrap();
        assert_eq!(auth.credential, "id");
        assert_eq!(auth.signature, "abc");
        assert!(auth.signed_headers.contains("x-acs-date"));
        for (value, code) in [
            (
                "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
                "IncompleteSignature",
            ),
            (
                "ACS3-HMAC-SHA256 Credential=id,Signature=x",
                "IncompleteSignature",
            ),
            (
                "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=x",
                "IncompleteSignature",
            ),
            (
                "ACS3-HMAC-SHA256 Credential=a,Credential=b",
                "IncompleteSignature",
            ),
            ("ACS3-HMAC-SHA256 Foo=a", "IncompleteSignature"),
            ("ACS3-HMAC-SHA256 junk", "IncompleteSignature"),
            (
                "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;;x,Signature=x",
                "IncompleteSignature",
            ),
        ] {
            let err = parse_authorization(value).err().unwrap();
            assert_eq!(err.service_code(), code, "{value}: {err}");
        }
    }
}
