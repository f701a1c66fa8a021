//! RPC signature v1: HMAC-SHA1, `SignatureVersion=1.0`.
//!
//! 1. The signed parameters are every query parameter (common ones included, `Signature`
//!    excluded) plus every form-body parameter; empty values are kept.
//! 2. They are sorted by name (code-point order), and
//!    `canonicalized = join('&', percentEncode(name) + '=' + percentEncode(value))`.
//! 3. `string_to_sign = METHOD + '&' + percentEncode('/') + '&' + percentEncode(canonicalized)`.
//! 4. `signature = base64(HMAC-SHA1(key = secret + '&', string_to_sign))`, sent as the
//!    `Signature` query parameter.
//!
//! ```
//! let query = [
//!     ("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("Format", "XML"),
//!     ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
//!     ("SignatureVersion", "1.0"), ("Timestamp", "2016-02-23T12:46:24Z"), ("Version", "2014-05-26"),
//! ];
//! let form: [(&str, &str); 0] = [];
//! let signed = dataworks_signer::v1::sign("GET", &query, &form, "testsecret");
//! assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
//! assert!(signed.string_to_sign.starts_with("GET&%2F&AccessKeyId%3Dtestid%26"));
//! ```

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Param;
use crate::encoding::Escaper;
use crate::params::{merge_sorted, sorted};
use crate::{mac, redact};

/// The `SignatureMethod` value of this signature.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// The `SignatureVersion` value of this signature.
pub const SIGNATURE_VERSION: &str = "1.0";
/// The common parameters of an RPC v1 request (everything that is not a business parameter).
/// `SignatureType` and `Format` are included because the legacy SDK sends them.
pub const COMMON_PARAMS: [&str; 11] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// A v1 signature with every intermediate string.
///
/// The fields hold the exact strings (they contain the `SecurityToken` value for STS
/// credentials); `Debug` redacts that value.
#[derive(Clone, PartialEq, Eq)]
pub struct V1Signature {
    /// The sorted, percent-encoded `name=value` pairs joined by `&`.
    pub canonicalized_query_string: String,
    /// `METHOD&%2F&` + the percent-encoded canonicalized query string.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1 of the string to sign, keyed by `secret + "&"`.
    pub signature: String,
}

impl fmt::Debug for V1Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V1Signature")
            .field(
                "canonicalized_query_string",
                &redact::query(&self.canonicalized_query_string),
            )
            .field(
                "string_to_sign",
                &redact::v1_string_to_sign(&self.string_to_sign),
            )
            .field("signature", &self.signature)
            .finish()
    }
}

/// Signs `query` (every query parameter, common ones included, `Signature` excluded) and `form`
/// (the form-body parameters) for `method` with `access_key_secret`.
///
/// Accepts any iterables of parameter pairs: slices or vectors of `(String, String)` or
/// `(&str, &str)`, map iterators, … Nothing is added or dropped; parameter order does not matter.
pub fn sign<Q, F>(method: &str, query: Q, form: F, access_key_secret: &str) -> V1Signature
where
    Q: IntoIterator,
    Q::Item: Param,
    F: IntoIterator,
    F::Item: Param,
{
    let query: Vec<Q::Item> = query.into_iter().collect();
    let form: Vec<F::Item> = form.into_iter().collect();
    let pairs = merge_sorted(&sorted(&query), &sorted(&form));
    sign_sorted(method, &pairs, access_key_secret)
}

/// Signs pairs that are already sorted by (name, value).
///
/// The canonicalized query string and the string to sign are written in one pass over the
/// parameters: the string to sign is the canonicalized string percent-encoded again, i.e. each
/// escaped byte `%XX` becomes `%25XX`, `=` becomes `%3D` and `&` becomes `%26`.
pub(crate) fn sign_sorted(
    method: &str,
    pairs: &[(&str, &str)],
    access_key_secret: &str,
) -> V1Signature {
    let raw_len: usize = pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    // Typical JSON grows by ~1.3x once and ~2.2x twice; the writers grow if text needs more.
    let mut canonical = Escaper::with_capacity(raw_len * 3 / 2);
    let mut to_sign = Escaper::with_capacity(method.len() + 6 + raw_len * 5 / 2);
    to_sign.push_raw(method.as_bytes());
    to_sign.push_raw(b"&%2F&");
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            canonical.push_raw(b"&");
            to_sign.push_raw(b"%26");
        }
        Escaper::push_escaped_and_double(&mut canonical, &mut to_sign, name);
        canonical.push_raw(b"=");
        to_sign.push_raw(b"%3D");
        Escaper::push_escaped_and_double(&mut canonical, &mut to_sign, value);
    }
    let canonicalized_query_string = canonical.finish();
    let string_to_sign = to_sign.finish();
    let signature = signature(&string_to_sign, access_key_secret).unwrap_or_default();
    V1Signature {
        canonicalized_query_string,
        string_to_sign,
        signature,
    }
}

/// Base64 HMAC-SHA1 of `string_to_sign` keyed by `secret + "&"`.
pub(crate) fn signature(string_to_sign: &str, access_key_secret: &str) -> Option<String> {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    mac::hmac_sha1(&key, string_to_sign.as_bytes()).map(|mac| STANDARD.encode(mac))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn published_example() {
        let query: HashMap<&str, &str> = [
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("Version", "2014-05-26"),
            ("SignatureVersion", "1.0"),
        ]
        .into();
        let signed = sign(
            "GET",
            query.iter(),
            Vec::<(&str, &str)>::new(),
            "testsecret",
        );
        assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    #[test]
    fn form_params_are_signed_like_query_params() {
        let all = [("A", "1"), ("B", "x y")];
        let (q, f) = all.split_at(1);
        let split = sign("POST", q, f, "s");
        let merged = sign("POST", &all, Vec::<(&str, &str)>::new(), "s");
        assert_eq!(split, merged);
        assert_eq!(split.canonicalized_query_string, "A=1&B=x%20y");
        assert_eq!(split.string_to_sign, "POST&%2F&A%3D1%26B%3Dx%2520y");
    }

    #[test]
    fn debug_redacts_token() {
        let query = [("AccessKeyId", "id"), ("SecurityToken", "tok+en/x=")];
        let signed = sign("POST", &query, Vec::<(&str, &str)>::new(), "s");
        assert!(signed.canonicalized_query_string.contains("tok%2Ben"));
        let shown = format!("{signed:?}");
        assert!(!shown.contains("tok"), "{shown}");
    }
}
