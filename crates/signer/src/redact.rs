//! Keeping the STS security token out of `Debug` output and error messages.
//!
//! The intermediate strings of a signature legitimately contain the token (v1 signs the
//! `SecurityToken` parameter, ACS3 the `x-acs-security-token` header). The public fields keep
//! the exact strings; every printed form goes through these functions.

use std::borrow::Cow;
use std::fmt;

/// What a redacted value prints as.
pub(crate) const REDACTED: &str = "<redacted>";
/// The v1 parameter that carries the STS token.
pub(crate) const TOKEN_PARAM: &str = "SecurityToken";
/// The ACS3 header that carries the STS token.
pub(crate) const TOKEN_HEADER: &str = "x-acs-security-token";

/// Replaces the value after each `marker` found at a boundary (start of text or right after one
/// of `boundaries`) up to the nearest of `ends` (or the end of the text).
fn redact_values<'a>(
    text: &'a str,
    marker: &str,
    boundaries: &[&str],
    ends: &[&str],
) -> Cow<'a, str> {
    if !text.contains(marker) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text.get(search..).and_then(|rest| rest.find(marker)) {
        let start = search + found;
        let value_start = start + marker.len();
        let prefix = text.get(..start).unwrap_or_default();
        if start == 0 || boundaries.iter().any(|b| prefix.ends_with(b)) {
            let rest = text.get(value_start..).unwrap_or_default();
            let value_end = ends
                .iter()
                .filter_map(|end| rest.find(end))
                .min()
                .map_or(text.len(), |i| value_start + i);
            out.push_str(text.get(copied..value_start).unwrap_or_default());
            out.push_str(REDACTED);
            copied = value_end;
            search = value_end;
        } else {
            search = value_start;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// A query string (`a=1&SecurityToken=…`, optionally led by `/?` or `?`) with the token's value
/// redacted. Works on canonicalised query strings, wire paths and the query line of a canonical
/// request alike.
pub(crate) fn query(text: &str) -> Cow<'_, str> {
    redact_values(text, "SecurityToken=", &["&", "?", "\n"], &["&", "\n"])
}

/// A v1 string to sign (`POST&%2F&…%26SecurityToken%3D…%26…`) with the token's value redacted.
pub(crate) fn v1_string_to_sign(text: &str) -> Cow<'_, str> {
    redact_values(text, "SecurityToken%3D", &["%26", "&"], &["%26"])
}

/// Canonical headers or a canonical request with the `x-acs-security-token:` line's value
/// redacted.
pub(crate) fn header_lines(text: &str) -> Cow<'_, str> {
    redact_values(text, "x-acs-security-token:", &["\n"], &["\n"])
}

/// Whether a parameter or header name carries the STS token.
pub(crate) fn is_token_name(name: &str) -> bool {
    name == TOKEN_PARAM || name.eq_ignore_ascii_case(TOKEN_HEADER)
}

/// `Debug` for a list of name/value pairs, with the token's value redacted.
pub(crate) struct Pairs<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for Pairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if is_token_name(name) {
                    REDACTED
                } else {
                    value.as_str()
                };
                (name, shown)
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        assert_eq!(
            query("/?A=1&SecurityToken=abc%2B&B=2"),
            "/?A=1&SecurityToken=<redacted>&B=2"
        );
        assert_eq!(query("SecurityToken=x"), "SecurityToken=<redacted>");
        assert_eq!(query("?SecurityToken=x"), "?SecurityToken=<redacted>");
        assert_eq!(query("XSecurityToken=x&A=1"), "XSecurityToken=x&A=1");
        assert_eq!(query("A=1"), "A=1");
        assert_eq!(
            query("POST\n/\nA=1&SecurityToken=t\nhost:h\n"),
            "POST\n/\nA=1&SecurityToken=<redacted>\nhost:h\n"
        );
        assert_eq!(
            query("POST\n/\nSecurityToken=t\n"),
            "POST\n/\nSecurityToken=<redacted>\n"
        );
    }

    #[test]
    fn string_to_sign_values() {
        let sts = "POST&%2F&AccessKeyId%3Did%26SecurityToken%3Dab%252Bc%26Timestamp%3D1";
        assert_eq!(
            v1_string_to_sign(sts),
            "POST&%2F&AccessKeyId%3Did%26SecurityToken%3D<redacted>%26Timestamp%3D1"
        );
        assert_eq!(
            v1_string_to_sign("GET&%2F&SecurityToken%3Dx"),
            "GET&%2F&SecurityToken%3D<redacted>"
        );
        let other = "POST&%2F&XSecurityToken%3Dx";
        assert_eq!(v1_string_to_sign(other), other);
    }

    #[test]
    fn header_line_values() {
        assert_eq!(
            header_lines("host:h\nx-acs-security-token:tok\nx-acs-version:v\n"),
            "host:h\nx-acs-security-token:<redacted>\nx-acs-version:v\n"
        );
    }

    #[test]
    fn pairs_debug() {
        let pairs = vec![
            ("X-Acs-Security-Token".to_string(), "tok".to_string()),
            ("SecurityToken".to_string(), "tok".to_string()),
            ("a".to_string(), "b".to_string()),
        ];
        let shown = format!("{:?}", Pairs(&pairs));
        assert!(!shown.contains("tok"));
        assert!(shown.contains("\"b\""));
    }
}
