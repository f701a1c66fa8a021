//! Verification of RPC v1 (HMAC-SHA1) requests.

use time::OffsetDateTime;

use super::error::clip;
use super::{ReceivedRequest, SecretLookup, Verified, Verifier, VerifyError};
use crate::mac::constant_time_eq;
use crate::{SignatureAlgorithm, redact, timestamp, v1};

/// The single value of the query parameter `name`: `None` when absent, an error when repeated.
fn single<'a>(query: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, VerifyError> {
    let mut values = query
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(VerifyError::Malformed {
            what: name.to_string(),
            detail: format!("the parameter `{name}` is given more than once; send it once"),
        });
    }
    Ok(first)
}

/// The non-empty single value of the query parameter `name`.
fn required<'a>(query: &'a [(String, String)], name: &str) -> Result<&'a str, VerifyError> {
    match single(query, name)? {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(VerifyError::MissingPart {
            name: name.to_string(),
        }),
    }
}

pub(super) fn verify(
    verifier: &Verifier,
    request: &ReceivedRequest<'_>,
    now: OffsetDateTime,
    secrets: &dyn SecretLookup,
) -> Result<Verified, VerifyError> {
    let query = request.query_params()?;
    let signature = required(&query, "Signature")?;
    let method = required(&query, "SignatureMethod")?;
    if !method.eq_ignore_ascii_case(v1::SIGNATURE_METHOD) {
        return Err(VerifyError::UnsupportedSignatureMethod {
            method: clip(method),
        });
    }
    let version = required(&query, "SignatureVersion")?;
    if version != v1::SIGNATURE_VERSION {
        return Err(VerifyError::UnsupportedSignatureVersion {
            version: clip(version),
        });
    }
    let access_key_id = required(&query, "AccessKeyId")?;
    let timestamp_text = required(&query, "Timestamp")?;
    let nonce = required(&query, "SignatureNonce")?;
    let action = required(&query, "Action")?;
    let api_version = required(&query, "Version")?;
    let token = single(&query, redact::TOKEN_PARAM)?;

    let timestamp = timestamp::parse(timestamp_text).map_err(|e| VerifyError::Malformed {
        what: "Timestamp".to_string(),
        detail: e.to_string(),
    })?;
    verifier.check_time(timestamp, now)?;
    let credentials = super::find_credentials(secrets, access_key_id)?;
    super::check_token(credentials.security_token(), token)?;

    let form = request.form_params()?;
    let mut signed: Vec<(&str, &str)> = query
        .iter()
        .chain(form.iter())
        .filter(|(name, _)| name != "Signature")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    signed.sort_unstable();
    let expected = v1::sign_sorted(request.method, &signed, credentials.access_key_secret());
    let matches = !expected.signature.is_empty()
        && constant_time_eq(expected.signature.as_bytes(), signature.as_bytes());
    if !matches {
        return Err(VerifyError::SignatureMismatch {
            algorithm: SignatureAlgorithm::RpcV1HmacSha1,
            server_string_to_sign: redact::v1_string_to_sign(&expected.string_to_sign).into_owned(),
        });
    }
    verifier.check_nonce(access_key_id, nonce, timestamp, now)?;

    let params = query
        .iter()
        .chain(form.iter())
        .filter(|(name, _)| !v1::COMMON_PARAMS.contains(&name.as_str()))
        .cloned()
        .collect();
    Ok(Verified {
        algorithm: SignatureAlgorithm::RpcV1HmacSha1,
        access_key_id: access_key_id.to_string(),
        action: action.to_string(),
        version: api_version.to_string(),
        params,
        nonce: nonce.to_string(),
        timestamp,
    })
}
