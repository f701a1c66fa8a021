//! RFC 3986 percent-encoding (what both signatures canonicalise with) and a query/form decoder
//! that accepts both spellings of a space on the wire (`+` and `%20`).
//!
//! ```
//! use dataworks_signer::encoding::{decode_form, percent_encode};
//!
//! assert_eq!(percent_encode("a b*c~/é"), "a%20b%2Ac~%2F%C3%A9");
//! let pairs = decode_form("TaskName=rt+task&Note=a%20b&Empty=&Flag")?;
//! assert_eq!(pairs[0], ("TaskName".to_string(), "rt task".to_string()));
//! assert_eq!(pairs[1].1, "a b");
//! assert_eq!(pairs[2].1, "");
//! assert_eq!(pairs[3], ("Flag".to_string(), String::new()));
//! # Ok::<(), dataworks_signer::encoding::DecodeError>(())
//! ```

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::Param;

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `text` as RFC 3986 over UTF-8: unreserved characters stay, every other byte
/// becomes `%XX` with upper-case hex (space is `%20`, never `+`; `*` is `%2A`; `~` stays).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    percent_encode_into(&mut out, text);
    out
}

/// [`percent_encode`], appending to `out` instead of allocating.
pub fn percent_encode_into(out: &mut String, text: &str) {
    for chunk in utf8_percent_encode(text, RFC3986) {
        out.push_str(chunk);
    }
}

/// `name=value` pairs joined by `&`, names and values percent-encoded (RFC 3986), in the order
/// given. This is the wire form this crate sends in query strings and form bodies; with `%20`
/// for spaces it coincides with the canonical encoding.
pub fn encode_pairs<P: Param>(params: impl IntoIterator<Item = P>) -> String {
    let mut out = String::new();
    for (index, param) in params.into_iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, param.name());
        out.push('=');
        percent_encode_into(&mut out, param.value());
    }
    out
}

/// Why a query string or form body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A percent-decoded name or value is not UTF-8.
    #[error(
        "the {part} of parameter #{index} is not UTF-8 once percent-decoded; encode text as UTF-8 before percent-encoding it"
    )]
    InvalidUtf8 {
        /// Which part: `name` or `value`.
        part: &'static str,
        /// The parameter's position (0-based) among the `&`-separated pairs.
        index: usize,
    },
}

/// Decodes one query/form component: `+` is a space, `%XX` is a byte, the bytes must be UTF-8.
/// A `%` not followed by two hex digits stays literal (as browsers and servers do).
pub fn decode_component(text: &str) -> Result<String, DecodeError> {
    decode_part(text, "value", 0)
}

fn decode_part(text: &str, part: &'static str, index: usize) -> Result<String, DecodeError> {
    let spaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| DecodeError::InvalidUtf8 { part, index })
}

/// Decodes a query string (without or with its leading `?`) or an
/// `application/x-www-form-urlencoded` body into pairs, in wire order. Empty segments (`a=1&&b=2`)
/// are skipped; a segment without `=` is a name with an empty value; both `+` and `%20` decode to
/// a space.
pub fn decode_form(text: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let text = text.strip_prefix('?').unwrap_or(text);
    let mut pairs = Vec::new();
    for (index, segment) in text.split('&').filter(|s| !s.is_empty()).enumerate() {
        let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
        pairs.push((
            decode_part(name, "name", index)?,
            decode_part(value, "value", index)?,
        ));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn special_characters() {
        assert_eq!(
            percent_encode("a b*c~d/e+f=g&h%i:j,k;l!m'n(o)p\"q#r?s@t[u]v^w`x{y}z|$"),
            "a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%25i%3Aj%2Ck%3Bl%21m%27n%28o%29p%22q%23r%3Fs%40t%5Bu%5Dv%5Ew%60x%7By%7Dz%7C%24"
        );
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("业务"), "%E4%B8%9A%E5%8A%A1");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn decoding() {
        assert_eq!(decode_component("a+b%20c%2B").unwrap(), "a b c+");
        assert_eq!(decode_component("100%").unwrap(), "100%");
        assert_eq!(decode_component("%zz").unwrap(), "%zz");
        assert_eq!(
            decode_component("%FF"),
            Err(DecodeError::InvalidUtf8 {
                part: "value",
                index: 0
            })
        );
        assert_eq!(
            decode_form("?a=1&&b==2&c").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "=2".into()),
                ("c".into(), "".into())
            ]
        );
        assert!(decode_form("").unwrap().is_empty());
        assert!(matches!(
            decode_form("ok=1&%C3=x"),
            Err(DecodeError::InvalidUtf8 {
                part: "name",
                index: 1
            })
        ));
    }

    #[test]
    fn encode_pairs_keeps_order() {
        let pairs = [("b", "x y"), ("a", "")];
        assert_eq!(encode_pairs(pairs), "b=x%20y&a=");
        assert_eq!(encode_pairs(Vec::<(&str, &str)>::new()), "");
    }

    proptest! {
        #[test]
        fn encode_then_decode_round_trips(text in any::<String>()) {
            prop_assert_eq!(decode_component(&percent_encode(&text)).unwrap(), text);
        }

        #[test]
        fn encoded_text_is_unreserved_or_escapes(text in any::<String>()) {
            let encoded = percent_encode(&text);
            let bytes = encoded.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b == b'%' {
                    prop_assert!(i + 2 < bytes.len());
                    let hex = &encoded[i + 1..i + 3];
                    prop_assert!(hex.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
                    i += 3;
                } else {
                    prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
                    i += 1;
                }
            }
        }

        #[test]
        fn plus_and_pct20_both_decode_to_space(words in proptest::collection::vec("[a-z]{0,4}", 1..5)) {
            let with_plus = words.join("+");
            let with_pct = words.join("%20");
            prop_assert_eq!(decode_component(&with_plus).unwrap(), words.join(" "));
            prop_assert_eq!(decode_component(&with_pct).unwrap(), words.join(" "));
        }

        #[test]
        fn pairs_round_trip(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)) {
            let wire = encode_pairs(&pairs);
            prop_assert_eq!(decode_form(&wire).unwrap(), pairs);
        }

        #[test]
        fn decode_never_panics(text in any::<String>()) {
            let _ = decode_form(&text);
        }
    }
}
