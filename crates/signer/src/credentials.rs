//! Access key credentials, with the secret parts kept out of every printed form.

use std::fmt;

use time::OffsetDateTime;
use zeroize::Zeroize;

/// An Alibaba Cloud access key: id, secret and, for temporary (STS) credentials, a security
/// token.
///
/// Temporary credentials may carry their expiration ([`with_expiration`](Self::with_expiration)).
///
/// The secret and the token never appear in `Debug` output (there is no `Display`): they print
/// as `<redacted>`; they are overwritten with zeros when the value is dropped. Read them explicitly with [`access_key_secret`](Self::access_key_secret) and
/// [`security_token`](Self::security_token).
///
/// ```
/// use dataworks_signer::Credentials;
///
/// let creds = Credentials::new("LTAI5tExample", "s3cr3t").with_security_token("sts-token");
/// assert_eq!(creds.access_key_id(), "LTAI5tExample");
/// assert_eq!(creds.security_token(), Some("sts-token"));
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("s3cr3t") && !shown.contains("sts-token"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiration: Option<OffsetDateTime>,
}

impl Drop for Credentials {
    /// Overwrites the secret and the token before their memory is freed.
    fn drop(&mut self) {
        self.access_key_secret.zeroize();
        if let Some(token) = self.security_token.as_mut() {
            token.zeroize();
        }
    }
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiration: None,
        }
    }

    /// The same credentials with the time they stop being valid (temporary credentials).
    #[must_use]
    pub fn with_expiration(mut self, expiration: OffsetDateTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// When these credentials stop being valid; `None` for long-term keys.
    pub fn expiration(&self) -> Option<OffsetDateTime> {
        self.expiration
    }

    /// The same credentials as temporary (STS) ones, carrying `security_token`.
    ///
    /// RPC v1 sends it as the `SecurityToken` parameter, ACS3 as the `x-acs-security-token`
    /// header; both are signed.
    #[must_use]
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// The access key id (not a secret; it is sent with every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if these are temporary credentials. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &crate::redact::REDACTED)
            .field(
                "security_token",
                &self
                    .security_token
                    .as_ref()
                    .map(|_| crate::redact::REDACTED),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let creds = Credentials::new("id-1", "the-secret").with_security_token("the-token");
        let shown = format!("{creds:?}");
        assert!(shown.contains("id-1"));
        assert!(!shown.contains("the-secret"));
        assert!(!shown.contains("the-token"));
        assert!(shown.contains("<redacted>"));
        let pretty = format!("{creds:#?}");
        assert!(!pretty.contains("the-secret") && !pretty.contains("the-token"));
    }

    #[test]
    fn accessors() {
        let creds = Credentials::new("id", "secret");
        assert_eq!(creds.access_key_id(), "id");
        assert_eq!(creds.access_key_secret(), "secret");
        assert_eq!(creds.security_token(), None);
        assert!(format!("{creds:?}").contains("security_token: None"));
        let sts = creds.clone().with_security_token("tok");
        assert_eq!(sts.security_token(), Some("tok"));
    }
}
