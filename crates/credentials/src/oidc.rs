//! A RAM role assumed with STS `AssumeRoleWithOIDC` (RRSA on ACK): the OIDC token file is
//! read again at every refresh (it rotates) and sent as it is. Provider name `oidc_role_arn`;
//! cached strictly.
//!
//! From the environment: `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
//! `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, optional `ALIBABA_CLOUD_ROLE_SESSION_NAME`.

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::Url;

use crate::cache::Refreshing;
use crate::env;
use crate::error::CredentialsError;
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::sts::{self, RoleRequest, StsSettings};

const NAME: &str = "oidc_role_arn";

/// Assumes a role with an OIDC token.
#[derive(Debug)]
pub struct OidcRoleProvider {
    cache: Refreshing,
}

#[derive(Debug)]
struct Fetch {
    cx: ProviderContext,
    request: RoleRequest,
    provider_arn: String,
    token_file: PathBuf,
    endpoint: Url,
}

/// The settings of an OIDC role (a profile's fields; `None` falls back to the environment).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OidcSettings<'a> {
    /// `ram_role_arn` / `role_arn`.
    pub role_arn: Option<&'a str>,
    /// `oidc_provider_arn`.
    pub provider_arn: Option<&'a str>,
    /// `oidc_token_file` / `oidc_token_file_path`.
    pub token_file: Option<&'a str>,
    /// `role_session_name`.
    pub session_name: Option<&'a str>,
    /// `expired_seconds`.
    pub duration_seconds: Option<i64>,
    /// `policy`.
    pub policy: Option<&'a str>,
}

impl OidcRoleProvider {
    /// True when the environment names all three of the role, the provider and the token
    /// file (the default chain includes this provider only then).
    pub fn configured_in(env: &env::CredentialsEnv) -> bool {
        env.var(env::OIDC_TOKEN_FILE).is_some()
            && env.var(env::ROLE_ARN).is_some()
            && env.var(env::OIDC_PROVIDER_ARN).is_some()
    }

    /// A provider from these settings (missing ones from the environment).
    pub fn new(
        cx: &ProviderContext,
        settings: OidcSettings<'_>,
        sts_settings: &StsSettings,
    ) -> Result<OidcRoleProvider, CredentialsError> {
        let request = RoleRequest::new(
            NAME,
            cx,
            settings.role_arn,
            settings.session_name,
            settings.duration_seconds,
            settings.policy,
            None,
        )?;
        let provider_arn = settings
            .provider_arn
            .filter(|v| !v.is_empty())
            .or_else(|| cx.env.var(env::OIDC_PROVIDER_ARN))
            .ok_or_else(|| {
                CredentialsError::config(
                    NAME,
                    "oidc_provider_arn or environment variable ALIBABA_CLOUD_OIDC_PROVIDER_ARN cannot be empty",
                )
            })?;
        let token_file = settings
            .token_file
            .filter(|v| !v.is_empty())
            .or_else(|| cx.env.var(env::OIDC_TOKEN_FILE))
            .ok_or_else(|| {
                CredentialsError::config(
                    NAME,
                    "oidc_token_file_path or environment variable ALIBABA_CLOUD_OIDC_TOKEN_FILE cannot be empty",
                )
            })?;
        let fetch = Fetch {
            cx: cx.clone(),
            request,
            provider_arn: provider_arn.to_owned(),
            token_file: PathBuf::from(token_file),
            endpoint: sts_settings.endpoint(cx)?,
        };
        Ok(OidcRoleProvider {
            cache: Refreshing::new(fetch).clock(Arc::clone(&cx.clock)),
        })
    }
}

impl ProvideCredentials for Fetch {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let token = tokio::fs::read_to_string(&self.token_file)
                .await
                .map_err(|e| {
                    CredentialsError::config(
                        NAME,
                        format!(
                            "cannot read the OIDC token file {}: {e}; check ALIBABA_CLOUD_OIDC_TOKEN_FILE (on ACK, the RRSA volume)",
                            self.token_file.display()
                        ),
                    )
                })?;
            let query =
                self.request
                    .assume_role_with_oidc_query(&self.cx, &self.provider_arn, &token);
            sts::call(NAME, &self.cx, &self.endpoint, &query).await
        })
    }
}

impl ProvideCredentials for OidcRoleProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        self.cache.provide()
    }
}
