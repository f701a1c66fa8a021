//! The only place in this crate that reads the system clock or a random source.
//!
//! Signing and verification take the time and the nonce as arguments; callers that want the
//! real clock and a fresh nonce get them here, by name.

use time::OffsetDateTime;

/// The current UTC time, truncated to the second (the precision both signatures carry).
pub fn now_utc() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// A fresh signature nonce: 32 lower-case hex characters from a random (v4) UUID, the same
/// shape as the official SDKs' md5-hex nonces.
pub fn random_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_shape_and_freshness() {
        let a = random_nonce();
        let b = random_nonce();
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn now_is_whole_seconds() {
        assert_eq!(now_utc().nanosecond(), 0);
        assert!(crate::timestamp::format(now_utc()).is_ok());
    }
}
