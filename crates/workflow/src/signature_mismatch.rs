//! Explaining `SignatureDoesNotMatch`: the service echoes the string it signed; we show
//! ours beside it and where they first differ.

use std::fmt;

/// The markers after which the service's message carries its string to sign (the v1
/// service writes `... server string to sign is:<string>`; the check is case-insensitive).
const MARKERS: &[&str] = &["string to sign is:", "stringtosign is:", "string to sign:"];

/// The service's string to sign, taken from a `SignatureDoesNotMatch` message (e.g. `...
/// server string to sign is:POST&%2F&A%3D1` gives `POST&%2F&A%3D1`).
pub(crate) fn server_string_to_sign(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    MARKERS.iter().find_map(|marker| {
        let at = lower.find(marker)? + marker.len();
        let rest = message.get(at..)?.trim();
        (!rest.is_empty()).then(|| rest.to_owned())
    })
}

/// Where two strings first differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FirstDifference {
    /// Character offset (0-based) of the first differing character.
    pub offset: usize,
    /// Line (1-based) of that character in our string.
    pub line: usize,
    /// Column (1-based, in characters) of that character in our string.
    pub column: usize,
}

/// The first position where `ours` and `theirs` differ (`None` when equal). When one is a
/// prefix of the other, the difference is at the end of the shorter one.
pub(crate) fn first_difference(ours: &str, theirs: &str) -> Option<FirstDifference> {
    let mut line = 1;
    let mut column = 1;
    let mut a = ours.chars();
    let mut b = theirs.chars();
    let mut offset = 0;
    loop {
        let (x, y) = (a.next(), b.next());
        if x != y {
            return Some(FirstDifference {
                offset,
                line,
                column,
            });
        }
        let c = x?;
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
        offset += 1;
    }
}

/// Our string to sign beside the service's, with their first difference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignatureComparison {
    /// The string we signed (secrets such as an STS token replaced by `<redacted>`).
    pub ours: String,
    /// The string the service signed, when its message carried it (same redaction).
    pub theirs: Option<String>,
    /// Where they first differ, when both are known and differ.
    pub first_difference: Option<FirstDifference>,
}

impl SignatureComparison {
    /// Compares, after replacing every form of `secret_values` (raw, percent-encoded once and
    /// twice, as they appear in a v1 string to sign) with `<redacted>` in both strings.
    pub fn new(ours: &str, theirs: Option<&str>, secret_values: &[&str]) -> SignatureComparison {
        let ours = redact(ours, secret_values);
        let theirs = theirs.map(|t| redact(t, secret_values));
        let first_difference = theirs.as_deref().and_then(|t| first_difference(&ours, t));
        SignatureComparison {
            ours,
            theirs,
            first_difference,
        }
    }
}

fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let once = encode(secret);
        let twice = encode(&once);
        for form in [twice, once, (*secret).to_owned()] {
            if !form.is_empty() {
                out = out.replace(&form, "<redacted>");
            }
        }
    }
    out
}

/// RFC 3986 encoding (unreserved characters kept), as in the v1 string to sign.
fn encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

impl fmt::Display for SignatureComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "our string to sign:     {:?}", self.ours)?;
        match &self.theirs {
            Some(theirs) => writeln!(f, "service string to sign: {theirs:?}")?,
            None => writeln!(f, "service string to sign: (not in the service's message)")?,
        }
        match (&self.first_difference, &self.theirs) {
            (Some(d), Some(_)) => {
                let around = |s: &str| -> String {
                    s.chars()
                        .skip(d.offset.saturating_sub(10))
                        .take(30)
                        .collect()
                };
                write!(
                    f,
                    "first difference at character {} (line {}, column {}): ours …{:?}… theirs …{:?}…",
                    d.offset,
                    d.line,
                    d.column,
                    around(&self.ours),
                    around(self.theirs.as_deref().unwrap_or_default())
                )
            }
            (None, Some(_)) => write!(
                f,
                "the strings are identical: the secret (not the request) differs; check the access key secret"
            ),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extracts_after_the_marker() {
        assert_eq!(
            server_string_to_sign("x. Server String To Sign Is:ACS3-HMAC-SHA256\nabc").as_deref(),
            Some("ACS3-HMAC-SHA256\nabc")
        );
        assert_eq!(server_string_to_sign("signature mismatch"), None);
        assert_eq!(server_string_to_sign("string to sign is:   "), None);
    }

    #[test]
    fn differences() {
        assert_eq!(first_difference("abc", "abc"), None);
        let d = first_difference("ab\ncd", "ab\ncx").unwrap();
        assert_eq!((d.offset, d.line, d.column), (4, 2, 2));
        let d = first_difference("ab", "abc").unwrap();
        assert_eq!(d.offset, 2);
        let d = first_difference("abc", "ab").unwrap();
        assert_eq!(d.offset, 2);
    }

    #[test]
    fn redacts_tokens_in_every_encoding() {
        let token = "tok/+=en";
        let once = encode(token);
        let twice = encode(&once);
        let ours = format!("POST&%2F&SecurityToken%3D{twice}%26X%3D1");
        let c = SignatureComparison::new(&ours, Some(&format!("{ours}2")), &[token]);
        assert!(!c.ours.contains(&twice) && !c.ours.contains(&once));
        assert!(c.ours.contains("<redacted>"));
        assert!(c.first_difference.is_some());
        let text = c.to_string();
        assert!(text.contains("first difference"), "{text}");
        assert!(!text.contains(&twice));
    }

    #[test]
    fn identical_strings_point_at_the_secret() {
        let c = SignatureComparison::new("a", Some("a"), &[]);
        assert!(c.to_string().contains("secret"));
    }

    proptest! {
        #[test]
        fn difference_is_where_they_differ(a in "\\PC{0,30}", b in "\\PC{0,30}") {
            match first_difference(&a, &b) {
                None => prop_assert_eq!(&a, &b),
                Some(d) => {
                    let pa: String = a.chars().take(d.offset).collect();
                    let pb: String = b.chars().take(d.offset).collect();
                    prop_assert_eq!(pa, pb);
                    prop_assert_ne!(a.chars().nth(d.offset), b.chars().nth(d.offset));
                }
            }
        }

        #[test]
        fn extraction_never_panics(m in "\\PC{0,80}") {
            let _ = server_string_to_sign(&m);
        }
    }
}
