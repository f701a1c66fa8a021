//! Fixed credentials: long-term keys (`static_ak`) or an STS token (`static_sts`).

use dataworks_signer::Credentials;

use crate::env::{self, CredentialsEnv};
use crate::error::CredentialsError;
use crate::provider::{BoxFuture, ProvideCredentials, Provided};

/// Always the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    provided: Provided,
}

impl StaticProvider {
    /// These credentials, named `static_sts` when they carry a token, `static_ak` otherwise.
    pub fn new(credentials: Credentials) -> StaticProvider {
        let name = if credentials.security_token().is_some() {
            "static_sts"
        } else {
            "static_ak"
        };
        StaticProvider::named(credentials, name)
    }

    /// These credentials under another name (e.g. `explicit`).
    pub fn named(credentials: Credentials, name: &str) -> StaticProvider {
        StaticProvider {
            provided: Provided {
                credentials,
                provider: name.to_owned(),
            },
        }
    }

    /// Long-term keys from a file's fields; a missing field is taken from the environment
    /// variable, as the official libraries do.
    pub fn access_key(
        env: &CredentialsEnv,
        id: Option<&str>,
        secret: Option<&str>,
    ) -> Result<StaticProvider, CredentialsError> {
        let (id, secret) = keys(env, id, secret)?;
        Ok(StaticProvider::new(Credentials::new(id, secret)))
    }

    /// An STS token from a file's fields (missing ones from the environment).
    pub fn sts_token(
        env: &CredentialsEnv,
        id: Option<&str>,
        secret: Option<&str>,
        token: Option<&str>,
    ) -> Result<StaticProvider, CredentialsError> {
        let (id, secret) = keys(env, id, secret)?;
        let token = token
            .filter(|t| !t.is_empty())
            .or_else(|| env.var(env::SECURITY_TOKEN))
            .ok_or_else(|| CredentialsError::config("static_sts", "the security token is empty"))?;
        Ok(StaticProvider::new(
            Credentials::new(id, secret).with_security_token(token),
        ))
    }
}

fn keys<'a>(
    env: &'a CredentialsEnv,
    id: Option<&'a str>,
    secret: Option<&'a str>,
) -> Result<(&'a str, &'a str), CredentialsError> {
    let id = id
        .filter(|v| !v.is_empty())
        .or_else(|| env.var(env::ACCESS_KEY_ID))
        .ok_or_else(|| CredentialsError::config("static_ak", "the access key id is empty"))?;
    let secret = secret
        .filter(|v| !v.is_empty())
        .or_else(|| env.var(env::ACCESS_KEY_SECRET))
        .ok_or_else(|| CredentialsError::config("static_ak", "the access key secret is empty"))?;
    Ok((id, secret))
}

impl ProvideCredentials for StaticProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move { Ok(self.provided.clone()) })
    }
}
