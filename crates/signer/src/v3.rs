//! ACS3-HMAC-SHA256, the "V3" signature (the official SDKs' default).
//!
//! 1. `hashed_payload = hex(sha256(body))`, also sent as `x-acs-content-sha256`.
//! 2. `canonical_query = join('&', percentEncode(name) + '=' + percentEncode(value))`, sorted by
//!    name (code-point order).
//! 3. `canonical_headers`: each signed header as `lower(name) + ':' + trim(value) + '\n'`,
//!    sorted by name (duplicates: values sorted, joined by `,`); `signed_headers` = the sorted
//!    lower-case names joined by `;`.
//! 4. `canonical_request = METHOD \n pathname \n canonical_query \n canonical_headers \n
//!    signed_headers \n hashed_payload`.
//! 5. `string_to_sign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request))`.
//! 6. `signature = hex(HMAC-SHA256(key = secret, string_to_sign))` and
//!    `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<sig>`.
//!
//! ```
//! use dataworks_signer::Credentials;
//! use dataworks_signer::v3::{sign, V3Request};
//!
//! let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
//!     list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
//! };
//! let query = pairs(&[
//!     ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
//!     ("RegionId", "cn-shanghai"),
//! ]);
//! let headers = pairs(&[
//!     ("host", "ecs.cn-shanghai.aliyuncs.com"),
//!     ("x-acs-action", "RunInstances"),
//!     ("x-acs-version", "2014-05-26"),
//!     ("x-acs-date", "2023-10-26T10:22:32Z"),
//!     ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
//! ]);
//! let request = V3Request { method: "POST", pathname: "/", query: &query, headers: &headers, body: b"" };
//! let signed = sign(&request, &Credentials::new("YourAccessKeyId", "YourAccessKeySecret"));
//! assert_eq!(signed.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
//! // x-acs-content-sha256 was absent, so the signer computed, signed and returned it:
//! assert_eq!(signed.added_headers[0].0, "x-acs-content-sha256");
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::encoding::Escaper;
use crate::params::sorted;
use crate::redact::{self, TOKEN_HEADER};
use crate::{Credentials, Param, mac};

/// The algorithm name, as the `Authorization` scheme and the first line of the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// The header that carries the hex SHA-256 of the body.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";
/// The header that carries the STS security token.
pub const SECURITY_TOKEN_HEADER: &str = TOKEN_HEADER;

/// A request to sign with ACS3-HMAC-SHA256: everything as it will be sent.
#[derive(Clone, Copy)]
pub struct V3Request<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The canonical URI: the path as sent (`/` for RPC-style operations). Empty means `/`.
    pub pathname: &'a str,
    /// The query parameters, decoded (not percent-encoded).
    pub query: &'a [(String, String)],
    /// The headers to sign. Every one given is signed.
    pub headers: &'a [(String, String)],
    /// The body bytes exactly as sent (empty when there is no body).
    pub body: &'a [u8],
}

impl fmt::Debug for V3Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V3Request")
            .field("method", &self.method)
            .field("pathname", &self.pathname)
            .field("query", &redact::Pairs(self.query))
            .field("headers", &redact::Pairs(self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// An ACS3-HMAC-SHA256 signature with every intermediate string.
///
/// The fields hold the exact strings (for STS credentials `canonical_headers` and
/// `canonical_request` contain the token); `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct V3Signature {
    /// Lower-case hex SHA-256 of the body.
    pub hashed_payload: String,
    /// The sorted, percent-encoded query.
    pub canonical_query_string: String,
    /// One `name:value\n` line per signed header.
    pub canonical_headers: String,
    /// The signed header names, sorted, joined by `;`.
    pub signed_headers: String,
    /// The canonical request.
    pub canonical_request: String,
    /// Lower-case hex SHA-256 of the canonical request.
    pub hashed_canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` + the hashed canonical request.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed by the raw secret.
    pub signature: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
    /// Headers the signer added and signed, which must be sent too: `x-acs-content-sha256`
    /// when it was not given, `x-acs-security-token` for STS credentials when not given.
    /// (`Authorization` itself is in [`authorization`](Self::authorization).)
    pub added_headers: Vec<(String, String)>,
}

impl fmt::Debug for V3Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V3Signature")
            .field("hashed_payload", &self.hashed_payload)
            .field(
                "canonical_query_string",
                &redact::query(&self.canonical_query_string),
            )
            .field(
                "canonical_headers",
                &redact::header_lines(&self.canonical_headers),
            )
            .field("signed_headers", &self.signed_headers)
            .field(
                "canonical_request",
                &redact::header_lines(&redact::query(&self.canonical_request)),
            )
            .field("hashed_canonical_request", &self.hashed_canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .field("added_headers", &redact::Pairs(&self.added_headers))
            .finish()
    }
}

/// Signs `request` with `credentials`.
///
/// Every header given is signed (the caller chooses which: at least `host`, `content-type` when
/// there is a body, and every `x-acs-*` header). `x-acs-content-sha256` is computed from the
/// body and added when absent, and `x-acs-security-token` is added for STS credentials when
/// absent; both are listed in [`V3Signature::added_headers`]. The hashed payload is always
/// computed from the body, so a stale `x-acs-content-sha256` shows up as a difference between
/// the header line and the last line of the canonical request.
pub fn sign(request: &V3Request<'_>, credentials: &Credentials) -> V3Signature {
    let hashed_payload = mac::sha256_hex(request.body);
    let has = |name: &str| {
        request
            .headers
            .iter()
            .any(|(n, _)| n.trim().eq_ignore_ascii_case(name))
    };
    let mut added_headers = Vec::new();
    if !has(CONTENT_SHA256_HEADER) {
        added_headers.push((CONTENT_SHA256_HEADER.to_string(), hashed_payload.clone()));
    }
    if let Some(token) = credentials.security_token()
        && !has(SECURITY_TOKEN_HEADER)
    {
        added_headers.push((SECURITY_TOKEN_HEADER.to_string(), token.to_string()));
    }
    let query = sorted(request.query);
    let headers = request.headers.iter().chain(added_headers.iter());
    let mut signature = sign_parts(
        request.method,
        request.pathname,
        &query,
        headers,
        hashed_payload,
        credentials.access_key_id(),
        credentials.access_key_secret(),
    );
    signature.added_headers = added_headers;
    signature
}

/// The canonical query string of `params`: sorted by name then value, names and values
/// percent-encoded (RFC 3986), `name=value` joined by `&`; `""` when there are none.
pub fn canonical_query_string<P: Param>(params: &[P]) -> String {
    canonical_query(&sorted(params))
}

fn canonical_query(sorted_pairs: &[(&str, &str)]) -> String {
    let raw_len: usize = sorted_pairs
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum();
    let mut out = Escaper::with_capacity(raw_len + raw_len / 2);
    for (index, (name, value)) in sorted_pairs.iter().enumerate() {
        if index > 0 {
            out.push_raw(b"&");
        }
        out.push_escaped(name);
        out.push_raw(b"=");
        out.push_escaped(value);
    }
    out.finish()
}

/// The canonical headers and signed-header list of `headers` (every one is signed):
/// `(canonical_headers, signed_headers)`.
pub fn canonical_headers<P: Param>(headers: impl IntoIterator<Item = P>) -> (String, String) {
    let headers: Vec<P> = headers.into_iter().collect();
    let mut lines: Vec<(Cow<'_, str>, &str)> = headers
        .iter()
        .map(|h| {
            let name = h.name().trim();
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            };
            (name, h.value().trim())
        })
        .collect();
    lines.sort_unstable();
    let capacity: usize = lines.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut canonical = String::with_capacity(capacity);
    let mut signed = String::with_capacity(capacity / 2);
    let mut previous: Option<&str> = None;
    for (name, value) in &lines {
        if previous == Some(name.as_ref()) {
            canonical.pop();
            canonical.push(',');
        } else {
            if previous.is_some() {
                signed.push(';');
            }
            signed.push_str(name);
            canonical.push_str(name);
            canonical.push(':');
        }
        canonical.push_str(value);
        canonical.push('\n');
        previous = Some(name.as_ref());
    }
    (canonical, signed)
}

/// Signs already-sorted query pairs and the given headers (all signed) with a known payload hash.
pub(crate) fn sign_parts<P: Param>(
    method: &str,
    pathname: &str,
    sorted_query: &[(&str, &str)],
    headers: impl IntoIterator<Item = P>,
    hashed_payload: String,
    access_key_id: &str,
    access_key_secret: &str,
) -> V3Signature {
    let canonical_query_string = canonical_query(sorted_query);
    let (canonical_headers, signed_headers) = canonical_headers(headers);
    let pathname = if pathname.is_empty() { "/" } else { pathname };
    let mut canonical_request = String::with_capacity(
        method.len()
            + pathname.len()
            + canonical_query_string.len()
            + canonical_headers.len()
            + signed_headers.len()
            + hashed_payload.len()
            + 5,
    );
    for part in [
        method,
        "\n",
        pathname,
        "\n",
        &canonical_query_string,
        "\n",
        &canonical_headers,
        "\n",
        &signed_headers,
        "\n",
        &hashed_payload,
    ] {
        canonical_request.push_str(part);
    }
    let hashed_canonical_request = mac::sha256_hex(canonical_request.as_bytes());
    let string_to_sign = format!("{ALGORITHM}\n{hashed_canonical_request}");
    let signature = signature(&string_to_sign, access_key_secret).unwrap_or_default();
    let authorization = format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    );
    V3Signature {
        hashed_payload,
        canonical_query_string,
        canonical_headers,
        signed_headers,
        canonical_request,
        hashed_canonical_request,
        string_to_sign,
        signature,
        authorization,
        added_headers: Vec::new(),
    }
}

/// Lower-case hex HMAC-SHA256 of `string_to_sign` keyed by the raw secret.
pub(crate) fn signature(string_to_sign: &str, access_key_secret: &str) -> Option<String> {
    mac::hmac_sha256(access_key_secret.as_bytes(), string_to_sign.as_bytes())
        .map(|m| mac::hex32(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn duplicate_headers_are_joined_sorted() {
        let (canonical, signed) =
            canonical_headers(owned(&[("X-B", " 2 "), ("x-a", "1"), ("x-b", "1")]));
        assert_eq!(canonical, "x-a:1\nx-b:1,2\n");
        assert_eq!(signed, "x-a;x-b");
    }

    #[test]
    fn empty_query_and_path() {
        assert_eq!(canonical_query_string::<(&str, &str)>(&[]), "");
        let headers = owned(&[("host", "h")]);
        let request = V3Request {
            method: "POST",
            pathname: "",
            query: &[],
            headers: &headers,
            body: b"",
        };
        let signed = sign(&request, &Credentials::new("id", "secret"));
        assert!(signed.canonical_request.starts_with("POST\n/\n\nhost:h\n"));
        assert_eq!(signed.signed_headers, "host;x-acs-content-sha256");
    }

    #[test]
    fn sts_token_is_added_signed_and_redacted() {
        let headers = owned(&[("host", "h")]);
        let request = V3Request {
            method: "POST",
            pathname: "/",
            query: &[],
            headers: &headers,
            body: b"x",
        };
        let creds = Credentials::new("id", "secret").with_security_token("tok-123");
        let signed = sign(&request, &creds);
        assert!(signed.signed_headers.contains("x-acs-security-token"));
        assert!(
            signed
                .canonical_headers
                .contains("x-acs-security-token:tok-123\n")
        );
        assert_eq!(signed.added_headers.len(), 2);
        let shown = format!("{signed:?} {request:?}");
        assert!(!shown.contains("tok-123"), "{shown}");
    }

    #[test]
    fn given_content_hash_is_kept_but_payload_is_computed() {
        let headers = owned(&[("host", "h"), ("X-Acs-Content-Sha256", "stale")]);
        let request = V3Request {
            method: "POST",
            pathname: "/",
            query: &[],
            headers: &headers,
            body: b"",
        };
        let signed = sign(&request, &Credentials::new("id", "secret"));
        assert!(signed.added_headers.is_empty());
        assert!(
            signed
                .canonical_headers
                .contains("x-acs-content-sha256:stale\n")
        );
        assert!(signed.canonical_request.ends_with(&signed.hashed_payload));
    }
}
