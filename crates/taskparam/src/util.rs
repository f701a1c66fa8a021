//! Small helpers shared by the modules: serde field helpers, JSON pointers, secret-like keys.

use serde::{Deserialize, Deserializer};

/// `deserialize_with` for an optional typed field: the field may be absent (with
/// `#[serde(default)]`), but when present it must hold a `T` (not `null`), so that a present
/// field is always written back (lossless) and the schema can say "not null" too.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Escapes one JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// Appends one reference token to a JSON pointer.
pub fn join_pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    out.push_str(&escape_pointer_token(token));
    out
}

/// Key fragments whose values are secrets: never printed in messages, diffs or logs.
const SECRET_FRAGMENTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "accesskey",
    "accessid",
    "token",
    "credential",
    "privatekey",
    "authorization",
];

/// Whether an object key names a secret-like value (`password`, `accessKey`, `accessId`,
/// `securityToken`, ...), case-insensitively.
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase().replace(['_', '-'], "");
    SECRET_FRAGMENTS.iter().any(|f| lower.contains(f))
}

/// Whether any reference token of a JSON pointer names a secret-like value.
pub fn pointer_touches_secret(pointer: &str) -> bool {
    pointer.split('/').any(is_secret_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for key in [
            "password",
            "Password",
            "accessKey",
            "access_key_secret",
            "accessId",
            "securityToken",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["datasource", "table", "column", "dbName"] {
            assert!(!is_secret_key(key), "{key}");
        }
        assert!(pointer_touches_secret("/steps/0/parameter/password"));
        assert!(!pointer_touches_secret("/steps/0/parameter/table"));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(join_pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
