//! The environment keys: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
//! and the optional `ALIBABA_CLOUD_SECURITY_TOKEN` (provider `env`).

use dataworks_signer::Credentials;

use crate::env::{self, CredentialsEnv};
use crate::error::CredentialsError;
use crate::provider::{BoxFuture, ProvideCredentials, Provided};

/// Reads the keys from a [`CredentialsEnv`] snapshot.
#[derive(Debug, Clone)]
pub struct EnvProvider {
    env: CredentialsEnv,
}

impl EnvProvider {
    /// The provider over this environment.
    pub fn new(env: CredentialsEnv) -> EnvProvider {
        EnvProvider { env }
    }

    fn credentials(&self) -> Result<Provided, CredentialsError> {
        let id = self.env.var(env::ACCESS_KEY_ID).ok_or_else(|| {
            CredentialsError::config(
                "env",
                "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is not set",
            )
        })?;
        let secret = self.env.var(env::ACCESS_KEY_SECRET).ok_or_else(|| {
            CredentialsError::config(
                "env",
                "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not; set both",
            )
        })?;
        let mut credentials = Credentials::new(id, secret);
        if let Some(token) = self.env.var(env::SECURITY_TOKEN) {
            credentials = credentials.with_security_token(token);
        }
        Ok(Provided {
            credentials,
            provider: "env".to_owned(),
        })
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move { self.credentials() })
    }
}
