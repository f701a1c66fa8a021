//! Access key credentials, with the secret parts kept out of every printed form.

use std::fmt;

/// An Alibaba Cloud access key: id, secret and, for temporary (STS) credentials, a security
/// token.
///
/// The secret and the token never appear in `Debug` output (there is no `Display`): they print
/// as `<redacted>`. Read them explicitly with [`access_key_secret`](Self::access_key_secret) and
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
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
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
